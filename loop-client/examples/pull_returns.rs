//! Pulls the returns updated in the last days, in every state, and prints one
//! line per return.
//!
//! ```text
//! LOOP_API_KEY=... cargo run -p loop-client --example pull_returns -- 7
//! ```
//!
//! `LOOP_BASE_URL` points it elsewhere, e.g. at the sandbox's Loop simulator.

use futures::TryStreamExt;
use loop_client::{DateFilter, LoopApi, LoopClient, ReturnState, ReturnWindowQuery};
use time::{Duration, OffsetDateTime};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("LOOP_API_KEY").map_err(|_| "set LOOP_API_KEY")?;
    let days: i64 = std::env::args()
        .nth(1)
        .map(|arg| arg.parse())
        .transpose()?
        .unwrap_or(1);
    let mut builder = LoopClient::builder(key);
    if let Ok(base_url) = std::env::var("LOOP_BASE_URL") {
        builder = builder.base_url(base_url);
    }
    let client = builder.build()?;

    let now = OffsetDateTime::now_utc();
    let query = ReturnWindowQuery::new(now - Duration::days(days), now)
        .filter(DateFilter::UpdatedAt)
        .states(ReturnState::ALL)
        .page_size(250);
    let mut returns = client.returns_in_window(query);
    while let Some(ret) = returns.try_next().await? {
        println!(
            "{}\t{}\t{}\t{} item(s)\t{}",
            ret.id,
            ret.state.as_ref().map_or("?", |s| s.as_str()),
            ret.order_name.as_deref().unwrap_or("?"),
            ret.line_items.len(),
            ret.tracking_number.as_deref().unwrap_or("no tracking yet"),
        );
    }
    Ok(())
}
