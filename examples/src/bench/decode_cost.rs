//! How a careful user decodes each answer body by hand — the raw side of
//! measure 2 — and diagnostics of what decoding costs.
//!
//! The raw side decodes into the very model types the typed clients return,
//! through the vendor's envelope where there is one, with the small serde
//! structs below. The diagnostic rows time decoding the same bodies into
//! those types against decoding them into `serde_json::Value`: the old
//! baseline, which made "typed is faster than raw" a matter of the decode
//! target, not of the client.

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::report::Row;
use super::stats::{human, median_nanos, ratio};

/// Decodes per timed batch (one decode takes microseconds).
const BATCH: u32 = 20;

/// A Loop list page as a user would read it: the returns and the cursor.
#[derive(Debug, Deserialize)]
pub struct LoopPage {
    /// The returns, in the client's own model.
    pub returns: Vec<loop_client::Return>,
    /// The next page's URL, absent on the last page.
    #[serde(rename = "nextPageUrl", default)]
    pub next_page_url: Option<String>,
}

/// CartRover's envelope as a user would read it: success or the vendor's
/// error, and the `response` in the client's own model.
#[derive(Debug, Deserialize)]
pub struct CartroverEnvelope<T> {
    /// `false` on an error, which CartRover sends with HTTP 200.
    pub success_code: bool,
    /// The payload of a success.
    #[serde(default = "Option::default")]
    pub response: Option<T>,
    /// `Invalid`, `Failure` or `RateLimit` on an error.
    #[serde(default)]
    pub error_code: Option<String>,
    /// The error text (`status_message` in the legacy docs).
    #[serde(default, alias = "status_message")]
    pub message: Option<String>,
}

impl<T> CartroverEnvelope<T> {
    /// The payload, or CartRover's error as text.
    pub fn into_response(self) -> Result<T, String> {
        match (self.success_code, self.response) {
            (true, Some(response)) => Ok(response),
            (true, None) => Err("success without a response".to_owned()),
            (false, _) => Err(format!(
                "{}: {}",
                self.error_code.unwrap_or_default(),
                self.message.unwrap_or_default()
            )),
        }
    }
}

fn decodes<T: DeserializeOwned>(body: &[u8]) -> bool {
    black_box(serde_json::from_slice::<T>(black_box(body))).is_ok()
}

/// Median time of one decode for each side, sides interleaved round by
/// round.
fn interleaved(rounds: usize, sides: &[&dyn Fn() -> bool]) -> Vec<f64> {
    let mut samples: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); sides.len()];
    for _ in 0..rounds.max(1) {
        for (side, into) in sides.iter().zip(samples.iter_mut()) {
            let started = Instant::now();
            for _ in 0..BATCH {
                black_box(side());
            }
            into.push(started.elapsed() / BATCH);
        }
    }
    samples.iter().map(|s| median_nanos(s)).collect()
}

fn versus(label: &str, model: f64, value: f64) -> Row {
    Row::info(
        format!("   decode {label}: into the client's types / into Value"),
        format!(
            "{:.3} ({} vs {})",
            ratio(model, value),
            human(model),
            human(value)
        ),
    )
}

/// Answer bodies to time, as the server sends them.
#[derive(Debug)]
pub struct Bodies {
    /// Loop return details.
    pub loop_details: Vec<u8>,
    /// A Loop list page.
    pub loop_page: Vec<u8>,
    /// A CartRover order status.
    pub cartrover_status: Vec<u8>,
}

/// The diagnostic rows: each body into the client's types against into
/// `Value`.
pub fn rows(bodies: &Bodies, rounds: usize) -> Vec<Row> {
    let details = interleaved(
        rounds,
        &[
            &|| decodes::<loop_client::Return>(&bodies.loop_details),
            &|| decodes::<Value>(&bodies.loop_details),
        ],
    );
    let page = interleaved(
        rounds.div_ceil(10),
        &[&|| decodes::<LoopPage>(&bodies.loop_page), &|| {
            decodes::<Value>(&bodies.loop_page)
        }],
    );
    let status = interleaved(
        rounds,
        &[
            &|| {
                decodes::<CartroverEnvelope<cartrover_client::OrderStatusInfo>>(
                    &bodies.cartrover_status,
                )
            },
            &|| decodes::<Value>(&bodies.cartrover_status),
        ],
    );
    vec![
        versus("loop return details", details[0], details[1]),
        versus("loop list page", page[0], page[1]),
        versus("cartrover order status", status[0], status[1]),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cartrover_error_envelope_is_an_error() {
        let error: CartroverEnvelope<Value> = serde_json::from_str(
            r#"{"success_code":false,"error_code":"RateLimit","status_message":"slow down"}"#,
        )
        .unwrap();
        assert_eq!(error.into_response().unwrap_err(), "RateLimit: slow down");
        let ok: CartroverEnvelope<u32> =
            serde_json::from_str(r#"{"success_code":true,"response":7}"#).unwrap();
        assert_eq!(ok.into_response(), Ok(7));
        let empty: CartroverEnvelope<u32> =
            serde_json::from_str(r#"{"success_code":true}"#).unwrap();
        assert!(empty.into_response().is_err());
    }
}
