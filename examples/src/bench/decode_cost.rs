//! Diagnostics for measure 2: the CPU cost of decoding one answer body the
//! way the typed clients do, against decoding it into `serde_json::Value`
//! as the raw side does.
//!
//! The transport decodes every body through `serde_path_to_error` (so that
//! a decode error names its JSON path); these rows time that against plain
//! `serde_json` into the same type. For CartRover they also time the second
//! parse its classifier makes of every body (`EnvelopeHead::parse`, reading
//! `success_code` before the transport decodes the whole envelope), with a
//! local struct of the same shape, since the client's own is private.

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::report::Row;
use super::stats::{human, median_nanos, ratio};

/// Decodes per timed batch (one decode takes microseconds).
const BATCH: u32 = 50;

/// CartRover's envelope around the order status, as the client reads it.
#[derive(Debug, Deserialize)]
#[expect(dead_code, reason = "decoded only, to time the decoding")]
struct StatusEnvelope {
    #[serde(default)]
    response: Option<cartrover_client::OrderStatusInfo>,
}

/// The head the CartRover classifier reads from every body.
#[derive(Debug, Deserialize)]
#[expect(dead_code, reason = "decoded only, to time the decoding")]
struct EnvelopeHead {
    #[serde(default)]
    success_code: Option<Value>,
    #[serde(default)]
    error_code: Option<Value>,
    #[serde(default, alias = "status_message")]
    message: Option<String>,
    #[serde(default)]
    error_response: Option<Value>,
}

fn plain<T: DeserializeOwned>(body: &[u8]) -> bool {
    black_box(serde_json::from_slice::<T>(black_box(body))).is_ok()
}

fn path_tracked<T: DeserializeOwned>(body: &[u8]) -> bool {
    let mut deserializer = serde_json::Deserializer::from_slice(black_box(body));
    black_box(serde_path_to_error::deserialize::<_, T>(&mut deserializer)).is_ok()
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

fn versus(label: &str, typed: f64, value: f64) -> Row {
    Row::info(
        label,
        format!(
            "{:.3} ({} vs {})",
            ratio(typed, value),
            human(typed),
            human(value)
        ),
    )
}

/// The diagnostic rows for one Loop details body and one CartRover status
/// body.
pub fn rows(loop_details: &[u8], cartrover_status: &[u8], rounds: usize) -> Vec<Row> {
    let loop_times = interleaved(
        rounds,
        &[
            &|| plain::<Value>(loop_details),
            &|| path_tracked::<loop_client::Return>(loop_details),
            &|| plain::<loop_client::Return>(loop_details),
        ],
    );
    let cartrover_times = interleaved(
        rounds,
        &[
            &|| plain::<Value>(cartrover_status),
            &|| path_tracked::<StatusEnvelope>(cartrover_status),
            &|| plain::<StatusEnvelope>(cartrover_status),
            &|| plain::<EnvelopeHead>(cartrover_status),
        ],
    );
    vec![
        versus(
            "   decode loop details body: typed as the transport does / Value",
            loop_times[1],
            loop_times[0],
        ),
        versus(
            "   decode loop details body: typed, plain serde_json / Value",
            loop_times[2],
            loop_times[0],
        ),
        versus(
            "   decode cartrover status body: typed as the transport does / Value",
            cartrover_times[1],
            cartrover_times[0],
        ),
        versus(
            "   decode cartrover status body: typed, plain serde_json / Value",
            cartrover_times[2],
            cartrover_times[0],
        ),
        Row::info(
            "   cartrover classifier's extra parse of the envelope head",
            human(cartrover_times[3]),
        ),
    ]
}
