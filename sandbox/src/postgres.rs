//! A PostgreSQL server for tests: the one `DATABASE_URL` names, or a
//! throwaway server started from the machine's PostgreSQL binaries in a
//! temporary folder and stopped afterwards.
//!
//! Tests of a PostgreSQL-backed store need a real server every time; they
//! must never pass by skipping. [`TestPostgres::start`] gives one or fails
//! with a [`TestPostgresError`] that says what to install:
//!
//! 1. when `DATABASE_URL` is set, that server is used as it is (nothing is
//!    started or stopped);
//! 2. otherwise `initdb` and `pg_ctl` are looked up (in the folder
//!    `pg_config --bindir` prints, then `/usr/lib/postgresql/*/bin`), a
//!    cluster is created in a temporary folder and a server started on a
//!    free loopback port, with `trust` authentication for the `postgres`
//!    user and durability turned off (`fsync=off`: a test database, not a
//!    store of record). PostgreSQL refuses to run as root, so when the
//!    process is root both run as the `postgres` user (with `runuser`).
//!
//! A started server is stopped when its [`TestPostgres`] is dropped. The
//! process-wide one from [`TestPostgres::shared`] is never dropped: a small
//! watcher process stops it and removes its folder within a second of the
//! test process ending.
//!
//! ```no_run
//! # async fn demo() -> Result<(), sandbox::postgres::TestPostgresError> {
//! use sandbox::postgres::TestPostgres;
//!
//! let server = TestPostgres::shared()?;
//! let url = server.create_database("orders_test").await?;
//! // … connect a store to `url` …
//! # Ok(())
//! # }
//! ```

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::sync::OnceLock;

use sqlx::{ConnectOptions, Connection, Executor};

/// The environment variable naming an existing server to use instead of
/// starting one.
pub const DATABASE_URL: &str = "DATABASE_URL";

/// What to tell a person whose machine has no PostgreSQL server.
const INSTALL_HINT: &str = "install the PostgreSQL server (Debian/Ubuntu: `apt-get install postgresql`; \
     it needs `initdb` and `pg_ctl`), or set DATABASE_URL to a server's URL";

/// The user a server runs as when the process is root.
const SERVER_USER: &str = "postgres";

/// How many free ports are tried when another process takes the chosen one
/// between choosing and starting.
const PORT_ATTEMPTS: usize = 3;

/// A PostgreSQL server could not be had.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TestPostgresError {
    /// No server binaries on this machine, and no `DATABASE_URL`.
    #[error(
        "no PostgreSQL server for the tests: initdb and pg_ctl were not found (looked in {searched}); {INSTALL_HINT}"
    )]
    NotInstalled {
        /// The folders looked in.
        searched: String,
    },
    /// A server command failed.
    #[error("`{command}` failed ({status}): {output}")]
    Command {
        /// The command, as run.
        command: String,
        /// Its exit status.
        status: String,
        /// What it printed (the end of it).
        output: String,
    },
    /// A file or process operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The server answered with an error (or could not be reached).
    #[error("PostgreSQL at {location}: {reason}")]
    Database {
        /// Host, port and database (never a password).
        location: String,
        /// What went wrong.
        reason: String,
    },
    /// A database name that is not a plain identifier.
    #[error("database name {0:?}: use lower-case letters, digits and `_` (at most 63)")]
    InvalidName(String),
    /// The shared server could not be started earlier in this process.
    #[error("the shared PostgreSQL server did not start: {0}")]
    Shared(String),
}

/// A PostgreSQL server for tests. See the [module docs](self).
#[derive(Debug)]
pub struct TestPostgres {
    url: String,
    local: Option<LocalServer>,
}

/// A server this process started.
#[derive(Debug)]
struct LocalServer {
    folder: tempfile::TempDir,
    bindir: PathBuf,
    as_server_user: bool,
    watcher: Option<Child>,
}

impl TestPostgres {
    /// The server `DATABASE_URL` names, or else a throwaway local one.
    ///
    /// # Errors
    /// [`TestPostgresError::NotInstalled`] (saying what to install) when
    /// there is neither; any other variant when the local server does not
    /// start.
    pub fn start() -> Result<Self, TestPostgresError> {
        match std::env::var(DATABASE_URL) {
            Ok(url) if !url.trim().is_empty() => Ok(Self {
                url: url.trim().to_owned(),
                local: None,
            }),
            _ => Self::start_local(),
        }
    }

    /// A throwaway server from the machine's binaries, whatever
    /// `DATABASE_URL` says.
    ///
    /// # Errors
    /// As [`start`](Self::start).
    pub fn start_local() -> Result<Self, TestPostgresError> {
        let bindir = find_bindir()?;
        let as_server_user = running_as_root();
        let folder = tempfile::Builder::new()
            .prefix("bergen-postgres-")
            .tempdir()
            .map_err(|source| io("cannot create a temporary folder", source))?;
        if as_server_user {
            give_to_server_user(folder.path())?;
        }
        let server = LocalServer {
            folder,
            bindir,
            as_server_user,
            watcher: None,
        };
        server.run(
            "initdb",
            &[
                "-D",
                &server.data().display().to_string(),
                "-U",
                SERVER_USER,
                "--auth=trust",
                "--no-sync",
                "--no-locale",
                "-E",
                "UTF8",
            ],
        )?;
        let port = server.start_on_free_port()?;
        Ok(Self {
            url: format!("postgres://{SERVER_USER}@127.0.0.1:{port}/postgres"),
            local: Some(server),
        })
    }

    /// One server for the whole test process, started on first use (see
    /// [`start`](Self::start)) and stopped when the process ends.
    ///
    /// # Errors
    /// [`TestPostgresError::Shared`] with the first attempt's error, on
    /// every call, when it did not start.
    pub fn shared() -> Result<&'static TestPostgres, TestPostgresError> {
        static SHARED: OnceLock<Result<TestPostgres, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| {
                let mut server = Self::start().map_err(|err| err.to_string())?;
                if let Some(local) = &mut server.local {
                    local.watch_process().map_err(|err| err.to_string())?;
                }
                Ok(server)
            })
            .as_ref()
            .map_err(|reason| TestPostgresError::Shared(reason.clone()))
    }

    /// The URL of the server's administrative database (`postgres`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether the server is the one `DATABASE_URL` names (not started here).
    pub fn is_external(&self) -> bool {
        self.local.is_none()
    }

    /// Creates an empty database `name` (dropping any database of that name
    /// first) and returns its URL.
    ///
    /// # Errors
    /// [`TestPostgresError::InvalidName`] for a name that is not a plain
    /// identifier; [`TestPostgresError::Database`] when the server refuses.
    pub async fn create_database(&self, name: &str) -> Result<String, TestPostgresError> {
        let valid = !name.is_empty()
            && name.len() <= 63
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            return Err(TestPostgresError::InvalidName(name.to_owned()));
        }
        let options = sqlx::postgres::PgConnectOptions::from_str(&self.url)
            .map_err(|err| self.database_error(err))?;
        let mut admin = options
            .connect()
            .await
            .map_err(|err| self.database_error(err))?;
        for statement in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}"),
        ] {
            admin
                .execute(statement.as_str())
                .await
                .map_err(|err| self.database_error(err))?;
        }
        admin
            .close()
            .await
            .map_err(|err| self.database_error(err))?;

        let mut url = url::Url::parse(&self.url).map_err(|err| self.database_error(err))?;
        url.set_path(name);
        Ok(url.into())
    }

    /// Stops a local server (clients see their connections cut), keeping
    /// its data, until [`bring_up`](Self::bring_up): for tests of a lost
    /// database.
    ///
    /// # Errors
    /// [`TestPostgresError::Database`] for an external server (it is not
    /// this process's to stop); [`TestPostgresError::Command`] when
    /// `pg_ctl` fails.
    pub fn take_down(&self) -> Result<(), TestPostgresError> {
        let server = self.local_server()?;
        server.run(
            "pg_ctl",
            &[
                "-D",
                &server.data().display().to_string(),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
        )
    }

    /// Starts again a server [taken down](Self::take_down), on the same port
    /// with the same data.
    ///
    /// # Errors
    /// As [`take_down`](Self::take_down).
    pub fn bring_up(&self) -> Result<(), TestPostgresError> {
        let server = self.local_server()?;
        let port = url::Url::parse(&self.url)
            .ok()
            .and_then(|url| url.port())
            .ok_or_else(|| self.database_error("the URL has no port"))?;
        server.start_on(port)
    }

    fn local_server(&self) -> Result<&LocalServer, TestPostgresError> {
        self.local.as_ref().ok_or_else(|| {
            self.database_error(
                "an external server (DATABASE_URL) is not stopped or started by the tests",
            )
        })
    }

    fn database_error(&self, reason: impl std::fmt::Display) -> TestPostgresError {
        TestPostgresError::Database {
            location: location(&self.url),
            reason: reason.to_string(),
        }
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        if let Some(server) = &mut self.local {
            // Best effort: the folder goes with the `TempDir` either way.
            let data = server.data().display().to_string();
            let _ = server.run("pg_ctl", &["-D", &data, "-m", "immediate", "stop"]);
            if let Some(watcher) = &mut server.watcher {
                let _ = watcher.kill();
                let _ = watcher.wait();
            }
        }
    }
}

impl LocalServer {
    fn data(&self) -> PathBuf {
        self.folder.path().join("data")
    }

    fn start_on_free_port(&self) -> Result<u16, TestPostgresError> {
        let mut last = None;
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port()?;
            match self.start_on(port) {
                Ok(()) => return Ok(port),
                Err(err) => last = Some(err),
            }
        }
        Err(last.expect("at least one attempt"))
    }

    fn start_on(&self, port: u16) -> Result<(), TestPostgresError> {
        let folder = self.folder.path().display().to_string();
        let server_options = format!(
            "-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        );
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().display().to_string(),
                "-l",
                &self.folder.path().join("server.log").display().to_string(),
                "-o",
                &server_options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        )
    }

    /// Starts a process that stops the server and removes its folder once
    /// this process has ended (a static is never dropped).
    fn watch_process(&mut self) -> Result<(), TestPostgresError> {
        let pg_ctl = self.program("pg_ctl");
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {pg_ctl} -D '{data}' -m immediate stop; rm -rf '{folder}'",
            pid = std::process::id(),
            data = self.data().display(),
            folder = self.folder.path().display(),
        );
        let watcher = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|source| io("cannot start the server's watcher", source))?;
        self.watcher = Some(watcher);
        Ok(())
    }

    /// The command line of a server program, as the server's user when root.
    fn program(&self, name: &str) -> String {
        let path = self.bindir.join(name).display().to_string();
        if self.as_server_user {
            format!("runuser -u {SERVER_USER} -- '{path}'")
        } else {
            format!("'{path}'")
        }
    }

    fn run(&self, name: &str, args: &[&str]) -> Result<(), TestPostgresError> {
        let path = self.bindir.join(name);
        let mut command = if self.as_server_user {
            let mut command = Command::new("runuser");
            command.args(["-u", SERVER_USER, "--"]).arg(&path);
            command
        } else {
            Command::new(&path)
        };
        command.args(args).stdin(Stdio::null());
        let shown = format!("{} {}", path.display(), args.join(" "));
        let output = command
            .output()
            .map_err(|source| io(&format!("cannot run {shown}"), source))?;
        if output.status.success() {
            return Ok(());
        }
        let mut printed = String::from_utf8_lossy(&output.stdout).into_owned();
        printed.push_str(&String::from_utf8_lossy(&output.stderr));
        if let Ok(log) = std::fs::read_to_string(self.folder.path().join("server.log")) {
            printed.push_str(&log);
        }
        let tail: String = {
            let chars: Vec<char> = printed.trim().chars().collect();
            chars[chars.len().saturating_sub(2000)..].iter().collect()
        };
        Err(TestPostgresError::Command {
            command: shown,
            status: output.status.to_string(),
            output: tail,
        })
    }
}

/// The folder holding `initdb` and `pg_ctl`.
fn find_bindir() -> Result<PathBuf, TestPostgresError> {
    let mut candidates = Vec::new();
    if let Ok(output) = Command::new("pg_config").arg("--bindir").output()
        && output.status.success()
    {
        candidates.push(PathBuf::from(
            String::from_utf8_lossy(&output.stdout).trim(),
        ));
    }
    // Debian installs servers per major version; the newest comes first.
    let mut versioned: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin"))
        .collect();
    versioned.sort_by_key(|path| {
        std::cmp::Reverse(
            path.parent()
                .and_then(Path::file_name)
                .and_then(|name| name.to_str())
                .and_then(|name| name.parse::<u32>().ok()),
        )
    });
    candidates.extend(versioned);
    candidates
        .iter()
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
        .cloned()
        .ok_or_else(|| TestPostgresError::NotInstalled {
            searched: if candidates.is_empty() {
                "`pg_config --bindir` (not found) and /usr/lib/postgresql/*/bin (none)".to_owned()
            } else {
                candidates
                    .iter()
                    .map(|dir| dir.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        })
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Hands the folder to the server's user (its data must be theirs).
fn give_to_server_user(folder: &Path) -> Result<(), TestPostgresError> {
    let id = |flag: &str| -> Result<u32, TestPostgresError> {
        let output = Command::new("id")
            .args([flag, SERVER_USER])
            .output()
            .map_err(|source| io("cannot run `id`", source))?;
        String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .map_err(|_| TestPostgresError::NotInstalled {
                searched: format!("the user `{SERVER_USER}` (it does not exist, and PostgreSQL does not run as root)"),
            })
    };
    std::os::unix::fs::chown(folder, Some(id("-u")?), Some(id("-g")?)).map_err(|source| {
        io(
            &format!("cannot give {} to {SERVER_USER}", folder.display()),
            source,
        )
    })
}

fn free_port() -> Result<u16, TestPostgresError> {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|source| io("cannot find a free loopback port", source))
}

/// Host, port and database of a URL, never its password.
fn location(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(url) => format!(
            "{}:{}{}",
            url.host_str().unwrap_or("localhost"),
            url.port().unwrap_or(5432),
            url.path()
        ),
        Err(_) => "an unparsable DATABASE_URL".to_owned(),
    }
}

fn io(context: &str, source: std::io::Error) -> TestPostgresError {
    TestPostgresError::Io {
        context: context.to_owned(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_never_shows_the_password() {
        let shown = location("postgres://sync:hunter2@db.internal:6543/returns");
        assert_eq!(shown, "db.internal:6543/returns");
    }

    #[tokio::test]
    async fn database_names_are_plain_identifiers() {
        let server = TestPostgres {
            url: "postgres://postgres@127.0.0.1:1/postgres".to_owned(),
            local: None,
        };
        for bad in ["", "Orders", "a-b", "a;drop", "1st", &"x".repeat(64)] {
            assert!(
                matches!(
                    server.create_database(bad).await,
                    Err(TestPostgresError::InvalidName(_))
                ),
                "{bad:?} accepted"
            );
        }
    }
}
