//! Tracing set-up. Logs carry request ids, paths and outcomes; never letting records, incomes
//! or tokens. Plain text without colour codes unless written to a terminal.

pub mod metrics;

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global subscriber writing to `sink`. Returns quietly if one is installed.
/// `terminal`: whether `sink` is a terminal (`std::io::IsTerminal`); only then, and unless
/// `NO_COLOR` is set, are lines coloured, so a log file or collector gets plain text.
pub fn init<W>(format: LogFormat, level: &str, sink: W, terminal: bool)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info"));
    let colour = terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(sink);
    let result = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
    // A second init (tests) keeps the first subscriber.
    drop(result);
}

/// Runs a blocking closure on actix's blocking pool with the caller's span, so its log lines
/// carry the request id.
pub async fn spawn_blocking_with_span<F, T>(f: F) -> Result<T, actix_web::error::BlockingError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let span = tracing::Span::current();
    actix_web::web::block(move || span.in_scope(f)).await
}
