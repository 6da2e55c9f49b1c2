//! Signed webhook delivery in the background, with Loop's retry rule kept
//! simple (spec §8.3, §8.4).
//!
//! * Body: the payload as compact JSON with every `/` escaped as `\/`, the
//!   way Loop's PHP encoder writes it (spec §8.4 warns about escaped
//!   slashes), so a receiver that re-serializes instead of hashing the raw
//!   bytes fails verification, as it would against Loop.
//! * Header `X-Loop-Signature: base64(HMAC-SHA256(webhook secret, body))`.
//! * First attempts go out in event order from one worker task; a failed
//!   delivery (non-2xx, transport error or timeout) is retried on its own
//!   task after `base_delay · 2^(attempt-1)` (no jitter, so tests are
//!   deterministic), or after the receiver's `Retry-After` seconds when it
//!   sends one; a `Retry-After` beyond 30 minutes ends the delivery, as
//!   Loop does. Six attempts in all by default.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::lock;

/// Longest `Retry-After` Loop honours before giving up on a delivery.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30 * 60);
/// Attempts kept for [`super::LoopSim::webhook_attempts`]; older ones are dropped.
const LOG_CAPACITY: usize = 10_000;

/// One webhook delivery attempt, as recorded by the simulator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookAttempt {
    /// The subscription URL.
    pub url: String,
    /// Payload topic, e.g. `return`.
    pub topic: String,
    /// Payload trigger, e.g. `return.closed`.
    pub trigger: String,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why the attempt failed without a status (transport error, timeout).
    pub error: Option<String>,
}

/// How deliveries are retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, first one included (Loop: six).
    pub max_attempts: u32,
    /// Wait before the first retry; doubled for each further one.
    pub base_delay: Duration,
    /// Time limit of one attempt.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_secs(1),
            timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Clone, Debug)]
struct Delivery {
    url: String,
    topic: String,
    trigger: String,
    body: Vec<u8>,
    signature: String,
}

#[derive(Debug)]
struct Context {
    client: Result<reqwest::Client, String>,
    policy: RetryPolicy,
    log: Mutex<VecDeque<WebhookAttempt>>,
}

/// Queues signed deliveries to a worker task started on first use in the
/// caller's Tokio runtime (restarted if that runtime has gone away).
#[derive(Debug)]
pub(super) struct Dispatcher {
    secret: Vec<u8>,
    context: Arc<Context>,
    queue: Mutex<Option<UnboundedSender<Delivery>>>,
}

impl Dispatcher {
    pub fn new(secret: &str, policy: RetryPolicy) -> Self {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(policy.timeout)
            .build()
            .map_err(|e| format!("cannot build the webhook HTTP client: {e}"));
        Dispatcher {
            secret: secret.as_bytes().to_vec(),
            context: Arc::new(Context {
                client,
                policy,
                log: Mutex::new(VecDeque::new()),
            }),
            queue: Mutex::new(None),
        }
    }

    /// Signs `payload` once and queues it for every URL.
    pub fn dispatch(&self, urls: Vec<String>, topic: &str, trigger: &str, payload: &Value) {
        if urls.is_empty() {
            return;
        }
        let body = wire_body(payload);
        let signature = sign(&self.secret, &body);
        for url in urls {
            self.enqueue(Delivery {
                url,
                topic: topic.to_owned(),
                trigger: trigger.to_owned(),
                body: body.clone(),
                signature: signature.clone(),
            });
        }
    }

    pub fn attempts(&self) -> Vec<WebhookAttempt> {
        lock(&self.context.log).iter().cloned().collect()
    }

    fn enqueue(&self, delivery: Delivery) {
        let mut queue = lock(&self.queue);
        let delivery = match queue.as_ref() {
            Some(tx) => match tx.send(delivery) {
                Ok(()) => return,
                // The worker's runtime has ended: start a new worker below.
                Err(returned) => returned.0,
            },
            None => delivery,
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.context.record(
                &delivery,
                1,
                None,
                Some("not sent: no Tokio runtime".into()),
            );
            return;
        };
        let (tx, rx) = unbounded_channel();
        runtime.spawn(run_worker(Arc::clone(&self.context), rx));
        // The receiver was just created and is alive, so this cannot fail.
        let _ = tx.send(delivery);
        *queue = Some(tx);
    }
}

impl Context {
    fn record(&self, d: &Delivery, attempt: u32, status: Option<u16>, error: Option<String>) {
        let mut log = lock(&self.log);
        if log.len() == LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(WebhookAttempt {
            url: d.url.clone(),
            topic: d.topic.clone(),
            trigger: d.trigger.clone(),
            attempt,
            status,
            error,
        });
    }

    /// Makes one attempt; `Some(wait)` when another one should follow.
    async fn attempt(&self, d: &Delivery, attempt: u32) -> Option<Duration> {
        let client = match &self.client {
            Ok(client) => client,
            Err(e) => {
                self.record(d, attempt, None, Some(e.clone()));
                return None;
            }
        };
        let sent = client
            .post(&d.url)
            .header("content-type", "application/json")
            .header("x-loop-signature", &d.signature)
            .body(d.body.clone())
            .send()
            .await;
        let retry_after = match sent {
            Ok(response) if response.status().is_success() => {
                self.record(d, attempt, Some(response.status().as_u16()), None);
                return None;
            }
            Ok(response) => {
                self.record(d, attempt, Some(response.status().as_u16()), None);
                response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs)
            }
            Err(e) => {
                self.record(d, attempt, None, Some(e.to_string()));
                None
            }
        };
        if attempt >= self.policy.max_attempts {
            return None;
        }
        match retry_after {
            Some(wait) if wait > MAX_RETRY_AFTER => None,
            Some(wait) => Some(wait),
            None => Some(self.policy.base_delay * 2u32.saturating_pow(attempt - 1)),
        }
    }
}

async fn run_worker(context: Arc<Context>, mut queue: UnboundedReceiver<Delivery>) {
    while let Some(delivery) = queue.recv().await {
        if let Some(wait) = context.attempt(&delivery, 1).await {
            tokio::spawn(retry(Arc::clone(&context), delivery, wait));
        }
    }
}

async fn retry(context: Arc<Context>, delivery: Delivery, mut wait: Duration) {
    let mut attempt = 2;
    loop {
        tokio::time::sleep(wait).await;
        match context.attempt(&delivery, attempt).await {
            Some(next) => {
                wait = next;
                attempt += 1;
            }
            None => return,
        }
    }
}

/// Compact JSON with `/` escaped as `\/` (valid JSON: `/` only occurs
/// inside strings, where `\/` is a legal escape).
fn wire_body(payload: &Value) -> Vec<u8> {
    payload.to_string().replace('/', "\\/").into_bytes()
}

/// `base64(HMAC-SHA256(secret, body))`.
fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
        .expect("HMAC-SHA256 accepts keys of any length");
    mac.update(body);
    STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn body_escapes_slashes_and_stays_json() {
        let payload = json!({"status_page_url": "https://x.example/#/return/1"});
        let body = wire_body(&payload);
        assert_eq!(
            String::from_utf8_lossy(&body),
            r#"{"status_page_url":"https:\/\/x.example\/#\/return\/1"}"#
        );
        let back: Value = serde_json::from_slice(&body).expect("still JSON");
        assert_eq!(back, payload);
    }

    #[test]
    fn signature_matches_rfc_4231_case_2() {
        let expected = STANDARD.encode([
            0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26, 0x08, 0x95,
            0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9,
            0x64, 0xec, 0x38, 0x43,
        ]);
        assert_eq!(sign(b"Jefe", b"what do ya want for nothing?"), expected);
    }
}
