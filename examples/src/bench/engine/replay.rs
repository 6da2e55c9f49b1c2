//! The floor of the engine measure: the calls the engine made, sent again
//! with a raw `reqwest::Client` as a hand-written integration would make
//! them.
//!
//! The recorded calls of one pass are grouped the way such an integration
//! depends on them: Loop's list pages one after the other (each page's
//! cursor comes from the one before), then one chain per return — its calls
//! in the order the engine made them — with `concurrency` chains in flight,
//! started in the order the engine started them. Calls about no one return
//! (item master look-ups) are chains of their own. Every answer is read to
//! the end and decoded into `serde_json::Value`, the least a hand-written
//! integration does to read an id or a status out of it, and its status
//! must be the one the engine got.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt, stream};
use serde_json::Value;

use super::recorder::{Call, Vendor};
use crate::bench::error::BenchError;

/// Per-request timeout, the typed clients' default.
const TIMEOUT: Duration = Duration::from_secs(30);

/// What a replayed call is about, for grouping.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    /// A page of Loop's returns list.
    Pull,
    /// A call about one return, by its Loop id.
    Return(String),
    /// A call about no one return.
    Alone,
}

/// The calls of one pass, grouped for replay.
#[derive(Debug, Default)]
pub struct Plan {
    pull: Vec<Call>,
    chains: Vec<Vec<Call>>,
}

impl Plan {
    /// Groups `calls` (in the order they were answered). `tickets` maps
    /// CloudX ticket ids to their return; tickets created in these calls are
    /// added, so that a later pass's plan finds them.
    pub fn new(calls: Vec<Call>, tickets: &mut HashMap<String, String>) -> Self {
        let mut plan = Plan::default();
        let mut chain_of: HashMap<String, usize> = HashMap::new();
        for call in calls {
            learn_ticket(&call, tickets);
            match key(&call, tickets) {
                Key::Pull => plan.pull.push(call),
                Key::Alone => plan.chains.push(vec![call]),
                Key::Return(id) => match chain_of.get(&id) {
                    Some(&index) => plan.chains[index].push(call),
                    None => {
                        chain_of.insert(id, plan.chains.len());
                        plan.chains.push(vec![call]);
                    }
                },
            }
        }
        plan
    }

    /// Calls in the plan.
    pub fn len(&self) -> usize {
        self.pull.len() + self.chains.iter().map(Vec::len).sum::<usize>()
    }
}

/// Sends plans to a fresh pair of simulators.
#[derive(Debug)]
pub struct Replayer {
    http: reqwest::Client,
    loop_origin: String,
    cloudx_origin: String,
}

impl Replayer {
    /// A replayer with its own connection pool, aimed at the two origins
    /// (`http://host:port`).
    ///
    /// # Errors
    /// [`BenchError::Setup`] when the client cannot be built.
    pub fn new(loop_origin: String, cloudx_origin: String) -> Result<Self, BenchError> {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| BenchError::Setup {
                what: "the replay's reqwest client",
                message: e.to_string(),
            })?;
        Ok(Self {
            http,
            loop_origin,
            cloudx_origin,
        })
    }

    /// Sends every call of `plan`: the pull first, then the chains,
    /// `concurrency` at a time.
    ///
    /// # Errors
    /// A call that fails, answers another status than the engine got, or
    /// whose body is not JSON.
    pub async fn run(&self, plan: &Plan, concurrency: usize) -> Result<(), BenchError> {
        for call in &plan.pull {
            self.send(call).await?;
        }
        stream::iter(&plan.chains)
            .map(|chain| async move {
                for call in chain {
                    self.send(call).await?;
                }
                Ok::<(), BenchError>(())
            })
            .buffer_unordered(concurrency.max(1))
            .try_collect()
            .await
    }

    async fn send(&self, call: &Call) -> Result<(), BenchError> {
        let raw = |source| BenchError::Raw {
            endpoint: "replayed",
            source,
        };
        let origin = match call.vendor {
            Vendor::Loop => &self.loop_origin,
            Vendor::Cloudx => &self.cloudx_origin,
        };
        let response = self
            .http
            .request(call.method.clone(), format!("{origin}{}", call.uri))
            .headers(call.headers.clone())
            .body(call.body.clone())
            .send()
            .await
            .map_err(raw)?;
        let status = response.status();
        let body = response.bytes().await.map_err(raw)?;
        if status != call.status {
            return Err(BenchError::Mismatch {
                what: "a replayed call",
                message: format!(
                    "{} {} answered {status}, the engine's call {}",
                    call.method, call.uri, call.status
                ),
            });
        }
        if !body.is_empty() {
            let value: Value =
                serde_json::from_slice(&body).map_err(|source| BenchError::RawBody {
                    endpoint: "replayed",
                    source,
                })?;
            black_box(value);
        }
        Ok(())
    }
}

/// Remembers which return a ticket created by `call` belongs to.
fn learn_ticket(call: &Call, tickets: &mut HashMap<String, String>) {
    let (path, _) = split(&call.uri);
    if call.vendor != Vendor::Cloudx || !path.ends_with("/receiving-tickets") {
        return;
    }
    let Some(answer) = &call.answer else { return };
    let (Ok(asked), Ok(answered)) = (
        serde_json::from_slice::<Value>(&call.body),
        serde_json::from_slice::<Value>(answer),
    ) else {
        return;
    };
    if let (Some(rma), Some(id)) = (asked["rma_number"].as_str(), answered["id"].as_str()) {
        tickets.insert(id.to_owned(), rma.to_owned());
    }
}

/// What `call` is about (see [`Key`]).
fn key(call: &Call, tickets: &HashMap<String, String>) -> Key {
    let (path, query) = split(&call.uri);
    match call.vendor {
        Vendor::Loop => {
            if path.ends_with("/warehouse/return/list") {
                Key::Pull
            } else if path.ends_with("/warehouse/return/details") {
                query
                    .split('&')
                    .find_map(|pair| pair.strip_prefix("return_id="))
                    .map_or(Key::Alone, |id| Key::Return(id.to_owned()))
            } else if let Some((_, rest)) = path.split_once("/warehouse/return/") {
                rest.split('/')
                    .next()
                    .map_or(Key::Alone, |id| Key::Return(id.to_owned()))
            } else {
                Key::Alone
            }
        }
        Vendor::Cloudx => {
            let Some((_, rest)) = path.split_once("/receiving-tickets") else {
                return Key::Alone;
            };
            if rest.is_empty() {
                // A create names its return; a search by reference does not.
                return serde_json::from_slice::<Value>(&call.body)
                    .ok()
                    .and_then(|body| body["rma_number"].as_str().map(str::to_owned))
                    .map_or(Key::Alone, Key::Return);
            }
            rest.trim_start_matches('/')
                .split('/')
                .next()
                .and_then(|id| tickets.get(id))
                .map_or(Key::Alone, |id| Key::Return(id.clone()))
        }
    }
}

/// Path and query of a recorded URI.
fn split(uri: &str) -> (&str, &str) {
    uri.split_once('?').unwrap_or((uri, ""))
}

#[cfg(test)]
mod tests {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, Method, StatusCode};

    use super::*;

    fn call(vendor: Vendor, method: Method, uri: &str, body: &str, answer: Option<&str>) -> Call {
        Call {
            vendor,
            method,
            uri: uri.to_owned(),
            headers: HeaderMap::new(),
            body: Bytes::from(body.to_owned()),
            status: StatusCode::OK,
            answer: answer.map(|a| Bytes::from(a.to_owned())),
        }
    }

    #[test]
    fn calls_group_by_return_with_pages_apart() {
        let calls = vec![
            call(
                Vendor::Loop,
                Method::GET,
                "/api/v1/warehouse/return/list?x=1",
                "",
                None,
            ),
            call(Vendor::Cloudx, Method::GET, "/v1/items?sku=A", "", None),
            call(
                Vendor::Cloudx,
                Method::POST,
                "/v1/receiving-tickets",
                r#"{"rma_number":"7"}"#,
                Some(r#"{"id":"WHRTN1"}"#),
            ),
            call(
                Vendor::Cloudx,
                Method::POST,
                "/v1/receiving-tickets",
                r#"{"rma_number":"8"}"#,
                Some(r#"{"id":"WHRTN2"}"#),
            ),
            call(
                Vendor::Loop,
                Method::GET,
                "/api/v1/warehouse/return/7/notes",
                "",
                None,
            ),
            call(
                Vendor::Loop,
                Method::GET,
                "/api/v1/warehouse/return/list?x=2",
                "",
                None,
            ),
            call(
                Vendor::Loop,
                Method::GET,
                "/api/v1/warehouse/return/details?return_id=8",
                "",
                None,
            ),
        ];
        let mut tickets = HashMap::new();
        let first = Plan::new(calls, &mut tickets);
        assert_eq!(first.len(), 7);
        assert_eq!(first.pull.len(), 2);
        let uris = |chain: &Vec<Call>| chain.iter().map(|c| c.uri.clone()).collect::<Vec<_>>();
        assert_eq!(first.chains.len(), 3);
        assert_eq!(uris(&first.chains[0]), ["/v1/items?sku=A"]);
        assert_eq!(
            uris(&first.chains[1]),
            ["/v1/receiving-tickets", "/api/v1/warehouse/return/7/notes"]
        );
        assert_eq!(first.chains[2].len(), 2);

        // A later pass finds the tickets' returns.
        let later = vec![
            call(
                Vendor::Cloudx,
                Method::GET,
                "/v1/receiving-tickets/WHRTN2",
                "",
                None,
            ),
            call(
                Vendor::Loop,
                Method::POST,
                "/api/v1/warehouse/return/8/process",
                "",
                None,
            ),
            call(
                Vendor::Cloudx,
                Method::GET,
                "/v1/receiving-tickets/WHRTN9",
                "",
                None,
            ),
        ];
        let second = Plan::new(later, &mut tickets);
        assert_eq!(second.chains.len(), 2);
        assert_eq!(second.chains[0].len(), 2);
        assert_eq!(second.len(), 3);
    }
}
