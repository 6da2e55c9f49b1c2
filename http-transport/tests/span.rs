//! The transport's tracing span, alone in its test binary: tracing caches
//! its interest in a callsite process-wide, from the first thread that
//! reaches it, so a test without a subscriber running in parallel could
//! switch the span off for this one.

use std::sync::{Arc, Mutex};

use http_transport::{Auth, Request, Timeouts, Transport, VendorProfile};
use serde::Deserialize;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const VENDOR: VendorProfile = VendorProfile::new("testvendor").request_id_header("x-request-id");
const SECRET: &str = "sk_live_do_not_print_me";

#[derive(Debug, Deserialize)]
struct Thing {
    id: u64,
}

/// Paused time: no timeouts and no idle-connection reaper in the pool.
fn transport(server: &MockServer) -> Transport {
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .unwrap();
    Transport::builder(VENDOR)
        .base_url(&format!("{}/api/v1", server.uri()))
        .unwrap()
        .auth(Auth::bearer(SECRET))
        .timeouts(Timeouts::none())
        .http_client(http)
        .build()
        .unwrap()
}

/// Collects everything the fmt subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn one_span_per_call_names_the_call_without_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 1})))
        .mount(&server)
        .await;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let response = transport(&server)
        .execute::<Thing>(
            Request::get("/things/{id}")
                .path_param(3)
                .operation("get_thing"),
        )
        .await
        .unwrap();
    assert_eq!(response.body.id, 1);

    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let close = output
        .lines()
        // Other spans (the HTTP stack's, at TRACE) close too, in an order
        // that depends on scheduling: pick the call's own.
        .find(|line| line.contains("close") && line.contains("vendor_call"))
        .unwrap_or_else(|| panic!("no vendor_call span close in {output}"));
    for field in [
        "vendor=\"testvendor\"",
        "operation=\"get_thing\"",
        "method=GET",
        "path=\"/things/{id}\"",
        "status=200",
        "attempts=2",
    ] {
        assert!(close.contains(field), "{field} missing from {close}");
    }
    assert!(output.contains("retrying"), "{output}");
    assert!(!output.contains(SECRET), "{output}");
}
