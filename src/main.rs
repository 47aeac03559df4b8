//! The `quotamonitor` command: `serve`, `org add`, `user add`, `token create|list|revoke`, `audit list`,
//! `backup`, ...
//! Every command reads the same settings and applies pending migrations first.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::dbg_macro)]

use std::io::IsTerminal;
use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};

use quotamonitor::cli::demo;
use quotamonitor::config::{ReferenceData, Settings};
use quotamonitor::service::admin;
use quotamonitor::{db, telemetry, Application};

#[derive(Parser)]
#[command(
    name = "quotamonitor",
    version,
    about = "Monitors the letting of social rental homes against performance agreements"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP service.
    Serve {
        /// Address to listen on (default from settings: 127.0.0.1:8080).
        #[arg(long)]
        bind: Option<String>,
        /// Fill the demonstration municipality Wassenaar (GM0629) and print a token per organisation.
        #[arg(long)]
        demo: bool,
    },
    /// Manage organisations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// People's accounts for the web portal.
    User {
        #[command(subcommand)]
        command: quotamonitor::cli::users::UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// National norms: the years known, and a new year's loaded into the database.
    Norms {
        #[command(subcommand)]
        command: NormsCommand,
    },
    /// Signal alerts.
    Alerts {
        #[command(subcommand)]
        command: AlertsCommand,
    },
    /// The audit trail of changes.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Write a consistent copy of the SQLite database while the service runs (PostgreSQL: use
    /// pg_dump). Restore by pointing QUOTAMONITOR_DATABASE_URL at the copy.
    Backup {
        /// The file to write; it must not exist yet.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Write a synthetic national-scale data set for measurements (see docs/performance.md).
    Generate {
        #[arg(long, default_value_t = 340)]
        municipalities: usize,
        #[arg(long, default_value_t = 280)]
        corporations: usize,
        #[arg(long, default_value_t = 2024)]
        from: i32,
        #[arg(long, default_value_t = 2026)]
        to: i32,
        /// Lettings per year over all municipalities.
        #[arg(long, default_value_t = 1_000_000)]
        per_year: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum AlertsCommand {
    /// Recompute a municipality's alerts for a year from the lettings as they are.
    Recompute {
        #[arg(long)]
        municipality: String,
        #[arg(long)]
        year: i32,
    },
}

#[derive(Subcommand)]
enum NormsCommand {
    /// Load a year's national norms (the layout of config/norms.toml, with its source) for
    /// every instance; lettings classified provisionally for that year are reclassified.
    Import {
        /// The norms file.
        file: std::path::PathBuf,
    },
    /// The years known, with their source and whether built in or imported.
    List,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// The latest events, oldest first, one per line (tab-separated): id, time, organisation,
    /// token, via, municipality, action, subject, details.
    List {
        /// Only the events of this municipality.
        #[arg(long)]
        municipality: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Add an organisation.
    Add {
        /// For a municipality its CBS code (GM0629); otherwise a short id such as `dwb`.
        #[arg(long)]
        id: String,
        /// `municipality`, `corporation` or `tenant_association`.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        name: String,
        /// CBS code of a municipality the organisation works in; repeat for more.
        #[arg(long = "municipality")]
        municipalities: Vec<String>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Print a new API token for an organisation, alone on one line (only its hash is stored).
    Create {
        #[arg(long)]
        org: String,
        /// The system that will use the token (shown by `token list`), e.g. "ERP Woonstad".
        #[arg(long)]
        name: Option<String>,
    },
    /// List an organisation's tokens: id, name, created, last used. Never the secret.
    List {
        #[arg(long)]
        org: String,
        /// Include revoked tokens.
        #[arg(long)]
        all: bool,
    },
    /// Revoke a token by the id `token list` shows (or by the token itself).
    #[command(group(clap::ArgGroup::new("which").required(true).args(["id", "token"])))]
    Revoke {
        /// The token's id from `token list`.
        #[arg(long)]
        id: Option<i64>,
        /// The token itself. It then stays in the shell history: prefer --id.
        #[arg(long)]
        token: Option<String>,
    },
}

fn main() -> ExitCode {
    quotamonitor::db::init_openssl();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let serving = matches!(cli.command, Command::Serve { .. });
    // The service logs to stdout; other commands keep stdout for their result.
    if serving {
        let terminal = std::io::stdout().is_terminal();
        telemetry::init(
            settings.log_format,
            &settings.log_level,
            std::io::stdout,
            terminal,
        );
    } else {
        let terminal = std::io::stderr().is_terminal();
        telemetry::init(settings.log_format, "warn", std::io::stderr, terminal);
    }
    if matches!(cli.command, Command::Backup { .. })
        && !matches!(
            db::DatabaseUrl::parse(&settings.database_url)?,
            db::DatabaseUrl::Sqlite { .. }
        )
    {
        anyhow::bail!(
            "backup copies an SQLite database; for PostgreSQL use pg_dump, for example \
             `pg_dump --format=custom --file quotamonitor.dump DATABASE` (see docs/operations.md)"
        );
    }
    let pool = db::connect_pool(&settings.database_url, settings.pool_size)
        .with_context(|| format!("opening the database ({})", redact(&settings.database_url)))?;
    let conn = || pool.get().context("taking a database connection");
    match cli.command {
        Command::Serve { bind, demo } => serve(settings, pool.clone(), bind, demo),
        Command::Generate {
            municipalities,
            corporations,
            from,
            to,
            per_year,
            seed,
        } => {
            let reference = ReferenceData::load(settings.config_dir.as_deref())?;
            let started = std::time::Instant::now();
            let shape = quotamonitor::cli::generate::Shape {
                municipalities,
                corporations,
                from_year: from,
                to_year: to,
                per_year,
                seed,
            };
            let mut last = 0;
            let written =
                quotamonitor::cli::generate::generate(&mut *conn()?, &reference, shape, |n| {
                    if n >= last + 250_000 {
                        last = n;
                        eprintln!(
                            "{n} lettings written ({:.0} s)",
                            started.elapsed().as_secs_f64()
                        );
                    }
                })?;
            println!(
                "{written} lettings written in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Backup { to } => {
            db::backup::sqlite_copy(&mut *conn()?, &to)?;
            let size = std::fs::metadata(&to).map(|m| m.len()).unwrap_or(0);
            eprintln!("backup written to {} ({size} bytes)", to.display());
            Ok(())
        }
        Command::Migrate => {
            eprintln!("migrations applied");
            Ok(())
        }
        Command::Org {
            command:
                OrgCommand::Add {
                    id,
                    kind,
                    name,
                    municipalities,
                },
        } => {
            let org = admin::add_organisation(&mut *conn()?, &id, &kind, &name, &municipalities)?;
            let list: Vec<&str> = org.municipalities.iter().map(String::as_str).collect();
            eprintln!(
                "added {} {} ({}) for {}",
                org.kind.as_str(),
                org.id,
                org.name,
                list.join(", ")
            );
            Ok(())
        }
        Command::User { command } => {
            print!(
                "{}",
                quotamonitor::cli::users::run(&mut *conn()?, &settings, command)?
            );
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Create { org, name },
        } => {
            let token = admin::create_named_token(&mut *conn()?, &org, name.as_deref())?;
            println!("{token}");
            Ok(())
        }
        Command::Token {
            command: TokenCommand::List { org, all },
        } => {
            let tokens = admin::list_tokens(&mut *conn()?, &org, all)?;
            print!("{}", token_table(&tokens, all));
            if tokens.is_empty() {
                eprintln!("{org} has no active tokens");
            }
            Ok(())
        }
        Command::Norms {
            command: NormsCommand::Import { file },
        } => {
            let reference = ReferenceData::load(settings.config_dir.as_deref())?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let report = quotamonitor::cli::norms::import(
                &mut *conn()?,
                &reference,
                &text,
                chrono::Utc::now().naive_utc(),
            )
            .with_context(|| format!("importing the norms of {}", file.display()))?;
            eprint!("{report}");
            Ok(())
        }
        Command::Norms {
            command: NormsCommand::List,
        } => {
            let reference = ReferenceData::load(settings.config_dir.as_deref())?;
            print!(
                "{}",
                quotamonitor::cli::norms::list(&mut *conn()?, &reference)?
            );
            Ok(())
        }
        Command::Alerts {
            command: AlertsCommand::Recompute { municipality, year },
        } => {
            let reference = ReferenceData::load(settings.config_dir.as_deref())?;
            let changes = quotamonitor::service::letting_changes::recompute_alerts(
                &mut *conn()?,
                &reference,
                &municipality,
                year,
                chrono::Utc::now().naive_utc(),
            )?;
            eprintln!(
                "alerts of {municipality} for {year} recomputed: {} change(s)",
                changes.len()
            );
            Ok(())
        }
        Command::Audit {
            command:
                AuditCommand::List {
                    municipality,
                    limit,
                },
        } => {
            let events = quotamonitor::service::audit::latest(
                &mut *conn()?,
                municipality.as_deref(),
                limit,
            )?;
            print!("{}", audit_table(&events));
            if events.is_empty() {
                eprintln!("no audit events");
            }
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Revoke { id, token },
        } => {
            match (id, token) {
                (Some(id), _) => admin::revoke_token_by_id(&mut *conn()?, id)?,
                (None, Some(token)) => admin::revoke_token(&mut *conn()?, &token)?,
                (None, None) => anyhow::bail!("name the token with --id ID"),
            }
            eprintln!("token revoked");
            Ok(())
        }
    }
}

fn serve(
    settings: Settings,
    pool: db::Pool,
    bind: Option<String>,
    demo: bool,
) -> anyhow::Result<()> {
    let reference = Arc::new(ReferenceData::load(settings.config_dir.as_deref())?);
    let bind = bind.unwrap_or_else(|| settings.bind.clone());
    if demo {
        let summary =
            demo::load(&mut *pool.get()?, &reference).context("loading the demonstration data")?;
        print_demo(&summary, &bind);
    }
    let listener = TcpListener::bind(&bind).with_context(|| format!("listening on {bind}"))?;
    let app = Application::build(&settings, pool, reference, listener)?;
    tracing::info!(bind = %bind, database = %redact(&settings.database_url), "quotamonitor serving");
    actix_web::rt::System::new().block_on(app.run_until_stopped())?;
    tracing::info!("quotamonitor stopped");
    Ok(())
}

fn print_demo(summary: &demo::DemoSummary, bind: &str) {
    println!();
    println!(
        "Demonstration municipality Wassenaar ({}) is ready with lettings of {}:",
        demo::MUNICIPALITY,
        summary.year
    );
    for (corporation, c) in &summary.counts {
        println!(
            "  {corporation:<14} {} lettings ({} new, {} changed, {} unchanged)",
            c.received, c.created, c.updated, c.unchanged
        );
    }
    println!();
    println!("API tokens (new ones each start; paste these lines into your shell):");
    for (id, kind, token) in &summary.tokens {
        let var = format!("QM_{}", id.to_ascii_uppercase().replace('-', "_"));
        println!("  export {var}={token}    # {kind} {id}");
    }
    println!();
    println!("Then: curl -H \"Authorization: Bearer $QM_GM0629\" 'http://{bind}/api/v1/municipalities/{}/quota?period={}'", demo::MUNICIPALITY, summary.year);
    println!();
}

/// `token list`: a header and a line per token, tab-separated (names hold no tabs), times in UTC.
fn token_table(tokens: &[admin::TokenRow], with_revoked: bool) -> String {
    let time = |t: &chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    let mut out = String::from("id\tname\tcreated\tlast used");
    if with_revoked {
        out.push_str("\trevoked");
    }
    out.push('\n');
    for token in tokens {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}",
            token.id,
            token.name.as_deref().unwrap_or("-"),
            time(&token.created_at),
            token.last_used_at.as_ref().map_or("never".into(), time),
        ));
        if with_revoked {
            out.push('\t');
            out.push_str(&token.revoked_at.as_ref().map_or("-".into(), time));
        }
        out.push('\n');
    }
    out
}

/// `audit list`: a header and a line per event, tab-separated (no field holds a tab: subjects
/// are ids and references, details a JSON object of numbers), times in UTC.
fn audit_table(events: &[quotamonitor::service::audit::AuditEventBody]) -> String {
    let mut out =
        String::from("id\tat\torganisation\ttoken\tvia\tmunicipality\taction\tsubject\tdetails\n");
    for e in events {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            e.id,
            e.at.format("%Y-%m-%d %H:%M:%S UTC"),
            e.organisation,
            e.token_id.map_or("-".into(), |t| t.to_string()),
            e.via,
            e.municipality.as_deref().unwrap_or("-"),
            e.action,
            e.subject,
            e.details,
        ));
    }
    out
}

/// A database URL without its password, for logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
