//! The connection test: does the key work, and which scopes does it hold?

use http_transport::Request;
use serde::Serialize;

use super::LoopClient;
use crate::error::Error;

/// Whether the API key holds one scope, as far as Loop's answer to a probe
/// shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ScopeAccess {
    /// The probe succeeded: the key holds the scope.
    Granted,
    /// Loop answered 401 (or 403): the key lacks the scope. Loop gives the
    /// same answer for a bad key, so this reads as "refused" only when
    /// another probe proved the key.
    Refused,
    /// The probe failed for another reason (server error, timeout, an
    /// unreadable answer); see [`ConnectionReport::problems`].
    Unknown,
}

impl ScopeAccess {
    /// Whether the scope is granted.
    pub fn is_granted(self) -> bool {
        self == ScopeAccess::Granted
    }
}

/// What [`LoopClient::check_connection`] found: the key works, and which of
/// the probed scopes it holds.
///
/// Loop has no "who am I" endpoint and lists no scopes, so each scope is
/// probed with one cheap read; scopes that are not probed (Destinations,
/// Orders, …) are not reported.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ConnectionReport {
    /// The API root the client talks to.
    pub base_url: String,
    /// The **Returns** scope (return data, actions, grading), probed with a
    /// one-return page of the Detailed Returns List.
    pub returns: ScopeAccess,
    /// The **Developer Tools** scope (webhook subscriptions), probed with the
    /// webhooks list.
    pub developer_tools: ScopeAccess,
    /// Why a scope is [`ScopeAccess::Unknown`], one line per failed probe.
    pub problems: Vec<String>,
}

/// What one probe showed, and the error when it did not succeed.
fn access_of<T>(result: Result<T, Error>) -> (ScopeAccess, Option<Error>) {
    match result {
        Ok(_) => (ScopeAccess::Granted, None),
        Err(error) if error.is_unauthorized() => (ScopeAccess::Refused, Some(error)),
        Err(error) => (ScopeAccess::Unknown, Some(error)),
    }
}

impl LoopClient {
    /// Tests the connection and the API key — a "Test connection" button.
    ///
    /// Makes two cheap reads, with the client's usual retries:
    ///
    /// 1. `GET /warehouse/return/list?paginate=true&pageSize=1` — the
    ///    **Returns** scope (at most one return of the last 24 hours);
    /// 2. `GET /webhooks` — the **Developer Tools** scope.
    ///
    /// Loop answers 401 both for a bad key and for a key without the
    /// endpoint's scope, so a refused probe means "scope missing" once the
    /// other probe proved the key.
    ///
    /// # Errors
    ///
    /// When no probe succeeds: the 401 ([`Error::is_unauthorized`]: bad key,
    /// or a key with neither scope) when every probe was refused, otherwise
    /// the first failure that was not a refusal (network, 5xx, …).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), loop_client::Error> {
    /// use loop_client::{LoopClient, ScopeAccess};
    ///
    /// let client = LoopClient::builder(std::env::var("LOOP_API_KEY").unwrap()).build()?;
    /// match client.check_connection().await {
    ///     Ok(report) if report.returns == ScopeAccess::Granted => println!("ready: {report:?}"),
    ///     Ok(report) => println!("the key lacks the Returns scope: {report:?}"),
    ///     Err(e) if e.is_unauthorized() => println!("bad key or missing scope: {e}"),
    ///     Err(e) => println!("Loop could not be reached: {e}"),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn check_connection(&self) -> Result<ConnectionReport, Error> {
        let returns_probe = Request::get("/warehouse/return/list")
            .operation("check_connection")
            .query("paginate", "true")
            .query("pageSize", 1);
        let (returns, returns_error) =
            access_of(self.get_json::<serde::de::IgnoredAny>(returns_probe).await);
        let webhooks_probe = Request::get("/webhooks").operation("check_connection");
        let (developer_tools, webhooks_error) =
            access_of(self.get_json::<serde::de::IgnoredAny>(webhooks_probe).await);

        if !returns.is_granted() && !developer_tools.is_granted() {
            let mut errors: Vec<Error> = [returns_error, webhooks_error]
                .into_iter()
                .flatten()
                .collect();
            let pick = errors
                .iter()
                .position(|e| !e.is_unauthorized())
                .unwrap_or(0);
            if pick < errors.len() {
                return Err(errors.swap_remove(pick));
            }
            return Err(Error::Unsupported {
                operation: "check_connection",
            });
        }
        let problems = [("returns", returns_error), ("webhooks", webhooks_error)]
            .into_iter()
            .filter_map(|(probe, error)| {
                let error = error?;
                (!error.is_unauthorized()).then(|| format!("{probe} probe: {error}"))
            })
            .collect();
        Ok(ConnectionReport {
            base_url: self.transport.base_url().to_string(),
            returns,
            developer_tools,
            problems,
        })
    }
}
