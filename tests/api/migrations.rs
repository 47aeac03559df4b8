//! Both migration folders must give the same tables and columns.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use quotamonitor::db::{DatabaseUrl, DbConnection};

use crate::helpers::{Backend, TestDatabase};

#[derive(QueryableByName, Debug)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
}

fn columns(url: &str) -> BTreeSet<(String, String, bool)> {
    let mut conn = DatabaseUrl::parse(url).unwrap().connect().unwrap();
    quotamonitor::db::run_migrations(&mut conn).unwrap();
    let rows: Vec<Column> = match &mut conn {
        DbConnection::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS column_name, \
             (p.\"notnull\" = 0 AND p.pk = 0) AS nullable \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'",
        )
        .load(c)
        .unwrap(),
        DbConnection::Postgresql(c) => diesel::sql_query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name, \
             (is_nullable = 'YES') AS nullable FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
        )
        .load(c)
        .unwrap(),
    };
    rows.into_iter()
        .map(|c| (c.table_name, c.column_name, c.nullable))
        .collect()
}

#[test]
fn both_migration_folders_give_the_same_tables_and_columns() {
    let sqlite = TestDatabase::create(Backend::Sqlite).unwrap();
    let sqlite_columns = columns(&sqlite.url);
    assert!(sqlite_columns
        .iter()
        .any(|(t, c, _)| t == "lettings" && c == "rent_cents"));
    let Some(postgres) = TestDatabase::create(Backend::Postgres) else {
        return;
    };
    let postgres_columns = columns(&postgres.url);
    let only_sqlite: Vec<_> = sqlite_columns.difference(&postgres_columns).collect();
    let only_postgres: Vec<_> = postgres_columns.difference(&sqlite_columns).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only in SQLite: {only_sqlite:?}; only in PostgreSQL: {only_postgres:?}"
    );
}

#[test]
fn migrations_run_twice_are_a_no_op() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(db) = TestDatabase::create(backend) else {
            continue;
        };
        let first = columns(&db.url);
        let second = columns(&db.url);
        assert_eq!(first, second);
    }
}

#[test]
fn an_unknown_database_scheme_is_an_error_not_a_fallback() {
    assert!(DatabaseUrl::parse("mysql://localhost/db").is_err());
    assert!(DatabaseUrl::parse("data/quotamonitor.db").is_err());
    assert_eq!(
        DatabaseUrl::parse("sqlite://data/x.db").unwrap(),
        DatabaseUrl::Sqlite {
            path: "data/x.db".into()
        }
    );
    assert!(matches!(
        DatabaseUrl::parse("postgresql://u@h/db").unwrap(),
        DatabaseUrl::Postgres { .. }
    ));
}
