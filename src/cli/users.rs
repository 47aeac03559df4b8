//! `quotamonitor user add|link`: people's accounts for the web portal.

use std::io::BufRead;

use anyhow::Context;
use clap::Subcommand;

use crate::config::Settings;
use crate::db::DbConnection;
use crate::service::people;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a person to an organisation. Without --password-stdin, prints a one-time link to set
    /// the password, alone on the last line.
    Add {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Read the password from the first line of standard input (never from the command line,
        /// where the shell history and `ps` would show it).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Print a new one-time link for a person to set a new password (a forgotten one).
    Link {
        #[arg(long)]
        email: String,
    },
}

/// Runs a `user` command; what it prints for the operator.
pub fn run(
    conn: &mut DbConnection,
    settings: &Settings,
    command: UserCommand,
) -> anyhow::Result<String> {
    let now = chrono::Utc::now().naive_utc();
    let valid = settings.password_link_valid();
    let link = |token: &str| format!("{}/password?token={token}", settings.portal_base());
    match command {
        UserCommand::Add {
            org,
            email,
            name,
            password_stdin,
        } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .context("reading the password from standard input")?;
                Some(line.trim_end_matches(['\r', '\n']).to_string())
            } else {
                None
            };
            let added =
                people::add_person(conn, &org, &email, &name, password.as_deref(), valid, now)?;
            Ok(match added.link_token {
                Some(token) => format!(
                    "added person {} to {org}; the link to set a password is valid for {} hours:\n{}\n",
                    added.id,
                    valid.num_hours(),
                    link(&token)
                ),
                None => format!("added person {} to {org}\n", added.id),
            })
        }
        UserCommand::Link { email } => {
            let token = people::password_link(conn, &email, valid, now)?;
            Ok(format!(
                "the link to set a new password is valid for {} hours:\n{}\n",
                valid.num_hours(),
                link(&token)
            ))
        }
    }
}
