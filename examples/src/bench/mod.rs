//! The benchmark suite behind the `bench` binary: each measure compares two
//! things in the same run, because on a shared, noisy machine ratios hold
//! and absolute times do not.
//!
//! | measure | module |
//! |---|---|
//! | 1. core planning + evaluation vs JSON decoding | [`core_vs_decode`] |
//! | 2. typed clients vs raw `reqwest` + `serde_json` | [`overhead`] |
//! | 3. achieved vs allowed rate under a vendor limit | [`rate`] |
//! | 4. peak RSS streaming 100,000 vs 10,000 returns | [`memory`] |
//! | 5. `SyncEngine::reconcile_once` vs the same HTTP calls with raw `reqwest` | [`engine`] |
//! | 6. webhook → CloudX ticket latency, default settings | [`webhook`] |
//! | 7. four workers vs one on one PostgreSQL database | [`workers`] |

pub mod cli;
pub mod core_vs_decode;
pub mod counting;
pub mod decode_cost;
pub mod engine;
pub mod error;
pub mod fixture;
pub mod markdown;
pub mod memory;
pub mod overhead;
pub mod pipeline;
pub mod rate;
pub mod report;
pub mod stats;
pub mod webhook;
pub mod workers;
