//! Measures how many simple GETs per second the sandbox answers on loopback,
//! so benchmarks know the simulators are not their bottleneck (target:
//! ≥ 5,000/s on 2 cores).
//!
//! ```text
//! cargo run -p bergen-sandbox --release --example throughput -- --requests 20000 --concurrency 32
//! ```
//!
//! Client and server share one 2-thread Tokio runtime, as in a benchmark
//! that runs the sandbox in-process. Each endpoint gets `--requests` GETs,
//! spread over `--concurrency` keep-alive connections; every answer must be
//! a 200 with a body, which is read in full. Rate limits are off; the fault
//! layers are inert (no overhead).

use std::sync::Arc;
use std::time::Instant;

use clap::Parser;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use sandbox::scenario::ScenarioConfig;
use sandbox::{Sandbox, SandboxConfig};

/// Command-line options.
#[derive(Debug, Parser)]
struct Args {
    /// GETs per endpoint.
    #[arg(long, default_value_t = 20_000)]
    requests: usize,
    /// Concurrent connections.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Worker threads of the runtime (client and server together).
    #[arg(long, default_value_t = 2)]
    threads: usize,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads)
        .enable_all()
        .build()?
        .block_on(run(args))
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let config = SandboxConfig::default()
        .without_rate_limits()
        .with_scenario(ScenarioConfig::new(42, 1_000));
    let sandbox = Sandbox::start(config).await?;
    let scenario = sandbox.scenario().ok_or("no scenario")?;
    let credentials = sandbox.credentials();

    let return_id = &scenario.plans()[500].return_id;
    let sku = &scenario.item_master()[100].sku;
    let cust_ref = scenario.orders()[500]["cust_ref"]
        .as_str()
        .ok_or("no cust_ref")?;
    let cartrover_basic = format!(
        "Basic {}",
        base64_encode(&format!(
            "{}:{}",
            credentials.cartrover_cart_api_user, credentials.cartrover_cart_api_key
        ))
    );
    let cases = [
        (
            "Loop   GET /warehouse/return/details",
            format!(
                "{}/warehouse/return/details?return_id={return_id}",
                sandbox.loop_base_url()
            ),
            header("x-authorization", &credentials.loop_api_key)?,
        ),
        (
            "CloudX GET /v1/items?sku=",
            format!("{}/items?sku={sku}", sandbox.cloudx_base_url()),
            header(
                AUTHORIZATION.as_str(),
                &format!("Bearer {}", credentials.cloudx_client_secret),
            )?,
        ),
        (
            "CartRover GET /v1/cart/orders/{cust_ref}",
            format!("{}/v1/cart/orders/{cust_ref}", sandbox.cartrover_base_url()),
            header(AUTHORIZATION.as_str(), &cartrover_basic)?,
        ),
    ];
    println!(
        "{} GETs per endpoint, {} connections, {} runtime threads",
        args.requests, args.concurrency, args.threads
    );
    for (name, url, headers) in cases {
        let rate = measure(&url, headers, args.requests, args.concurrency).await?;
        println!("{name:<42} {rate:>9.0} requests/s");
    }
    sandbox.shutdown().await?;
    Ok(())
}

/// Sends `requests` GETs over `concurrency` workers; returns requests/s.
async fn measure(
    url: &str,
    headers: HeaderMap,
    requests: usize,
    concurrency: usize,
) -> Result<f64, Box<dyn std::error::Error>> {
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .pool_max_idle_per_host(concurrency)
        .build()?;
    // Warm up: open the connections and check the endpoint answers 200.
    let warm_up = client.get(url).send().await?;
    if !warm_up.status().is_success() {
        return Err(format!("{url} answered {}", warm_up.status()).into());
    }
    let url: Arc<str> = Arc::from(url);
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|worker| {
            let client = client.clone();
            let url = Arc::clone(&url);
            // Bounded loop: this worker's share of the requests.
            let share = requests / concurrency + usize::from(worker < requests % concurrency);
            tokio::spawn(async move {
                for _ in 0..share {
                    let response = client.get(&*url).send().await.map_err(|e| e.to_string())?;
                    let status = response.status();
                    let body = response.bytes().await.map_err(|e| e.to_string())?;
                    if !status.is_success() || body.is_empty() {
                        return Err(format!("{url} answered {status}"));
                    }
                }
                Ok::<(), String>(())
            })
        })
        .collect();
    for worker in workers {
        worker.await??;
    }
    Ok(requests as f64 / started.elapsed().as_secs_f64())
}

fn header(name: &str, value: &str) -> Result<HeaderMap, Box<dyn std::error::Error>> {
    let mut headers = HeaderMap::new();
    headers.insert(
        HeaderName::from_bytes(name.as_bytes())?,
        HeaderValue::from_str(value)?,
    );
    Ok(headers)
}

fn base64_encode(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}
