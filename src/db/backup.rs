//! `quotamonitor backup`: a consistent copy of an SQLite database while the service runs.
//!
//! `VACUUM INTO` reads the database in one read transaction, so the copy is a snapshot of one
//! moment even while the service writes (WAL lets the writer go on meanwhile), and it is written
//! compact, as an ordinary database file that the service opens as it is.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use diesel::prelude::*;
use diesel::sql_types::Text;

use super::DbConnection;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "backup copies an SQLite database; for PostgreSQL use pg_dump (see docs/operations.md)"
    )]
    NotSqlite,
    #[error("{0} already exists; backup never overwrites a file: name a new one")]
    Exists(PathBuf),
    #[error("{0} is not a UTF-8 path, which SQLite cannot be given")]
    PathNotUtf8(PathBuf),
    #[error("cannot create {path}: {source}")]
    Create {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the copy: {0}")]
    Copy(#[from] diesel::result::Error),
    #[error("cannot flush {path} to disk: {source}")]
    Sync {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Writes a consistent copy of the SQLite database behind `conn` to `to`, a file that must not
/// exist yet. The file is made readable by its owner only: it holds token hashes and webhook
/// secrets. On failure no partial file is left behind.
pub fn sqlite_copy(conn: &mut DbConnection, to: &Path) -> Result<(), BackupError> {
    let DbConnection::Sqlite(conn) = conn else {
        return Err(BackupError::NotSqlite);
    };
    let target = to
        .to_str()
        .ok_or_else(|| BackupError::PathNotUtf8(to.to_path_buf()))?;
    // Created here, empty, with `create_new`: an existing file is refused without a race, and
    // VACUUM INTO accepts an empty file (it refuses one with content).
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(to) {
        Ok(file) => drop(file),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(BackupError::Exists(to.to_path_buf()))
        }
        Err(source) => {
            return Err(BackupError::Create {
                path: to.to_path_buf(),
                source,
            })
        }
    }
    let written = diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(target)
        .execute(conn)
        .map_err(BackupError::from)
        .and_then(|_| {
            // VACUUM INTO does not sync the file it writes.
            File::open(to)
                .and_then(|f| f.sync_all())
                .map_err(|source| BackupError::Sync {
                    path: to.to_path_buf(),
                    source,
                })
        });
    if written.is_err() {
        let _ = std::fs::remove_file(to);
    }
    written
}
