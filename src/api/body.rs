//! A request body handed to a parser on the blocking pool while it arrives, so that a large
//! body is never held whole: [`forward`] passes the chunks on as they come, with the size limit,
//! and [`ChannelReader`] is the parser's end, a plain [`Read`].
//!
//! The parser may stop early (a batch past its record limit, JSON that is not valid): the
//! handler then answers without waiting for the rest of the body, drops the forwarding, and
//! actix closes the connection after the answer.

use std::io::Read;
use std::time::{Duration, Instant};

use actix_web::web::{self, Bytes};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::error::ApiError;

/// Chunks on their way from the connection to the parser (each up to a few tens of KiB).
const CHUNKS_IN_FLIGHT: usize = 16;

/// A channel for one body: the sending end for [`forward`], the reading end for the parser.
pub fn channel() -> (mpsc::Sender<Bytes>, ChannelReader) {
    let (sender, receiver) = mpsc::channel(CHUNKS_IN_FLIGHT);
    (
        sender,
        ChannelReader {
            receiver,
            chunk: Bytes::new(),
            at: 0,
        },
    )
}

/// How the forwarding ended when it ended well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forwarded {
    /// The whole body went to the parser.
    Whole,
    /// The parser stopped reading before the end (its answer says why).
    ParserStopped,
}

/// Passes the body on to the parser chunk by chunk. A body above `limit` bytes is `413`, one
/// that cannot be read `400`, and one the client has not sent whole within `timeout` `408`
/// (time spent waiting for the parser to take a chunk is not counted against the client);
/// either way the parser then sees the body end early, and its result is not used.
pub async fn forward(
    mut payload: web::Payload,
    sender: mpsc::Sender<Bytes>,
    limit: usize,
    timeout: Duration,
) -> Result<Forwarded, ApiError> {
    let mut received = 0usize;
    let mut left = timeout;
    loop {
        let waiting = Instant::now();
        let next = tokio::time::timeout(left, payload.next())
            .await
            .map_err(|_| too_late(timeout, received))?;
        left = left.saturating_sub(waiting.elapsed());
        let Some(chunk) = next else { break };
        let chunk = chunk.map_err(|e| {
            ApiError::bad_request(
                "body_unreadable",
                format!("the request body could not be read: {e}"),
            )
        })?;
        received = received.saturating_add(chunk.len());
        if received > limit {
            return Err(too_large(limit));
        }
        if sender.send(chunk).await.is_err() {
            return Ok(Forwarded::ParserStopped);
        }
    }
    Ok(Forwarded::Whole)
}

/// `408` for a body that did not arrive in time.
fn too_late(timeout: Duration, received: usize) -> ApiError {
    ApiError::RequestTimeout(format!(
        "the request body did not arrive within {} seconds ({received} bytes came); send it faster or split the batch",
        timeout.as_secs()
    ))
}

/// `413` for a body above the size limit.
pub fn too_large(limit: usize) -> ApiError {
    ApiError::PayloadTooLarge(format!(
        "the request body is larger than {limit} bytes ({} MiB); split the batch",
        limit / (1024 * 1024)
    ))
}

/// The parser's end of the body: reads the chunks as they arrive, blocking in between, so it
/// belongs on the blocking pool. Ends when the body does (or when the forwarding gave up).
pub struct ChannelReader {
    receiver: mpsc::Receiver<Bytes>,
    chunk: Bytes,
    at: usize,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.chunk.len() {
            match self.receiver.blocking_recv() {
                Some(chunk) => {
                    self.chunk = chunk;
                    self.at = 0;
                }
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Forwards the body to `parse` (already started on the blocking pool, reading the channel's
/// other end) and gives the parser's answer. A parser that stops before the body ends answers
/// at once and the rest is not read; a body that does not arrive whole is answered for that,
/// whatever the parser made of the part it saw.
pub async fn parse_streamed<T, P>(
    payload: web::Payload,
    sender: mpsc::Sender<Bytes>,
    limit: usize,
    timeout: Duration,
    parse: P,
) -> Result<T, ApiError>
where
    P: std::future::Future<Output = Result<Result<T, ApiError>, actix_web::error::BlockingError>>,
{
    use futures_util::future::{select, Either};
    use std::pin::pin;
    let forward = forward(payload, sender, limit, timeout);
    match select(pin!(parse), pin!(forward)).await {
        Either::Left((parsed, _unread)) => parsed?,
        Either::Right((forwarded, parse)) => {
            let parsed = parse.await;
            forwarded?;
            parsed?
        }
    }
}
