//! Database access: one connection type over SQLite and PostgreSQL, a pool, migrations, and one
//! module per table group. Queries are written once against [`DbConnection`]; where a backend
//! needs its own statement (multi-row insert, advisory locks) [`on_backend!`] runs the same
//! diesel code on the concrete connection.

pub mod afspraken;
pub mod alert_notes;
pub mod alerts;
pub mod audit;
pub mod backup;
pub mod expected_homes;
pub mod lease;
pub mod letting_list;
pub mod letting_rows;
pub mod lettings;
pub mod locks;
pub mod month_counts;
pub mod norms;
pub mod organisations;
pub mod people;
pub mod plans;
pub mod quota;
pub mod report;
pub mod schema;
pub mod share_links;
pub mod signal_emails;
pub mod stock;
pub mod submissions;
pub mod webhooks;

use std::path::Path;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub use lease::{Database, Lease};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Key of the PostgreSQL advisory lock held while migrating, so that several instances can
/// start at once ("quotamon" in ASCII).
const MIGRATION_LOCK_KEY: i64 = 0x71756f74_616d6f6e;

/// How long an SQLite writer waits for another before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 15_000;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// Runs the same diesel code on the concrete connection inside a [`DbConnection`], for the
/// statements the enum cannot express (multi-row inserts, backend-specific SQL).
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgresql($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}

/// The backend named by a database URL. The scheme decides; there is no fallback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite { path: String },
    Postgres { url: String },
}

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("database URL {0:?} has an unknown scheme; use sqlite://path/to/file.db or postgres://user@host/db")]
    UnknownScheme(String),
    #[error("cannot create the folder {path} for the SQLite database: {source}")]
    CreateDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    #[error("cannot set up the database connection pool: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("cannot apply database migrations: {0}")]
    Migrate(String),
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, DbSetupError> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(DbSetupError::UnknownScheme(url.into()));
            }
            return Ok(Self::Sqlite { path: path.into() });
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres { url: url.into() });
        }
        Err(DbSetupError::UnknownScheme(url.into()))
    }

    /// Opens one connection, creating the SQLite file (and its folder) when needed.
    pub fn connect(&self) -> Result<DbConnection, DbSetupError> {
        match self {
            Self::Sqlite { path } => {
                if path != ":memory:" {
                    if let Some(parent) = Path::new(path)
                        .parent()
                        .filter(|p| !p.as_os_str().is_empty())
                    {
                        std::fs::create_dir_all(parent).map_err(|source| {
                            DbSetupError::CreateDir {
                                path: parent.display().to_string(),
                                source,
                            }
                        })?;
                    }
                }
                let mut conn = SqliteConnection::establish(path)?;
                // busy_timeout first: switching to WAL needs a moment of exclusive access, and
                // without the timeout a connection opened while another writes fails at once
                // with "database is locked". WAL lets readers run beside the writer.
                // synchronous = FULL syncs the WAL at every commit, so a batch that was answered
                // 200 survives a power loss (NORMAL may lose the last commits; see
                // docs/operations.md). Foreign keys are off by default in SQLite.
                let synchronous = sqlite_synchronous();
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = {synchronous}; PRAGMA foreign_keys = ON;"
                ))?;
                Ok(DbConnection::Sqlite(conn))
            }
            Self::Postgres { url } => {
                init_openssl();
                Ok(DbConnection::Postgresql(PgConnection::establish(url)?))
            }
        }
    }
}

/// SQLite's `synchronous` setting: `FULL`, unless `QUOTAMONITOR_SQLITE_SYNCHRONOUS=normal` trades
/// the last answered batches on a power loss for speed (docs/operations.md; the benchmark
/// measures both).
fn sqlite_synchronous() -> &'static str {
    match std::env::var("QUOTAMONITOR_SQLITE_SYNCHRONOUS") {
        Ok(v) if v.eq_ignore_ascii_case("normal") => "NORMAL",
        _ => "FULL",
    }
}

/// Applies pending migrations. On PostgreSQL an advisory lock keeps concurrent starts apart.
pub fn run_migrations(conn: &mut DbConnection) -> Result<(), DbSetupError> {
    let migrate_err =
        |e: Box<dyn std::error::Error + Send + Sync>| DbSetupError::Migrate(e.to_string());
    match conn {
        DbConnection::Sqlite(c) => {
            c.run_pending_migrations(SQLITE_MIGRATIONS)
                .map_err(migrate_err)?;
        }
        DbConnection::Postgresql(c) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
                .execute(c)?;
            let result = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|_| ())
                .map_err(migrate_err);
            diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
                .execute(c)?;
            result?;
        }
    }
    Ok(())
}

/// Opens the database named by the URL, applies migrations, and returns a pool.
pub fn connect_pool(url: &str, size: u32) -> Result<Pool, DbSetupError> {
    let url = DatabaseUrl::parse(url)?;
    let mut first = url.connect()?;
    run_migrations(&mut first)?;
    drop(first);
    let pool = r2d2::Pool::builder()
        .max_size(size.max(1))
        .connection_timeout(Duration::from_secs(10))
        .build(ConnectionManager { url })?;
    Ok(pool)
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// r2d2 manager that opens connections by [`DatabaseUrl`], with the per-connection set-up.
#[derive(Debug)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        self.url.connect().map_err(|e| match e {
            DbSetupError::Connect(c) => r2d2::Error::ConnectionError(c),
            other => r2d2::Error::QueryError(diesel::result::Error::QueryBuilderError(
                other.to_string().into(),
            )),
        })
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// Initialises OpenSSL before libpq does, without OpenSSL's clean-up at exit. Otherwise
/// libpq's initialisation registers that clean-up with `atexit`, and it frees OpenSSL's state
/// while pool threads may still use it: an intermittent SIGSEGV when a process ends (seen in
/// CI after every test had passed; diesel-rs/diesel#3441, sfackler/r2d2#137). Runs once;
/// called before every PostgreSQL connection is opened, and first thing in `main`.
pub fn init_openssl() {
    openssl_sys::init();
}

/// `SUM(lettings)` over the aggregate rows of a group, as a 64-bit integer on both backends
/// (PostgreSQL sums a BIGINT into a NUMERIC).
fn summed_lettings() -> diesel::expression::SqlLiteral<diesel::sql_types::BigInt> {
    diesel::dsl::sql::<diesel::sql_types::BigInt>("CAST(SUM(lettings) AS BIGINT)")
}

/// Most bind parameters one statement may carry: 32766 on SQLite, 65535 on PostgreSQL.
pub trait BindLimit {
    fn bind_limit(&self) -> usize;
}

impl BindLimit for SqliteConnection {
    fn bind_limit(&self) -> usize {
        32_766
    }
}

impl BindLimit for PgConnection {
    fn bind_limit(&self) -> usize {
        65_535
    }
}

/// Runs `f` in a transaction that writes. On SQLite it begins with `BEGIN IMMEDIATE`, so the
/// writer takes the database's write lock before it reads anything and a concurrent writer
/// waits on `busy_timeout`; a deferred transaction that read first could only fail when it
/// came to write. On PostgreSQL, and inside a transaction already open, it is a plain
/// (nested) transaction: PostgreSQL writers queue on the named row locks of [`locks`].
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let outermost_sqlite = match conn {
        DbConnection::Sqlite(inner) => {
            AnsiTransactionManager::transaction_manager_status_mut(inner)
                .transaction_depth()?
                .is_none()
        }
        DbConnection::Postgresql(_) => false,
    };
    if !outermost_sqlite {
        return conn.transaction(f);
    }
    if let DbConnection::Sqlite(inner) = conn {
        AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
    }
    let result = f(conn);
    if let DbConnection::Sqlite(inner) = conn {
        match &result {
            Ok(_) => AnsiTransactionManager::commit_transaction(inner)?,
            Err(_) => AnsiTransactionManager::rollback_transaction(inner)?,
        }
    }
    result
}

/// Whether the database answers.
pub fn ping(conn: &mut DbConnection) -> QueryResult<()> {
    conn.batch_execute("SELECT 1")
}
