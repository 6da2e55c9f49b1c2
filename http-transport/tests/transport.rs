//! The transport against a local mock server: retries, timeouts, limits,
//! classification, decoding and redaction.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_transport::{
    ApiFailure, Auth, Classification, Classifier, DefaultClassifier, Error, RateLimit, Request,
    ResponseParts, RetryClass, RetryPolicy, Timeouts, Transport, VendorProfile,
};
use serde::Deserialize;
use tokio::time::Instant;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const VENDOR: VendorProfile = VendorProfile::new("testvendor").request_id_header("x-request-id");
const SECRET: &str = "sk_live_do_not_print_me";

/// A transport aimed at `server` with a base path and no limiter. Paused
/// time jumps to the next timer whenever the runtime waits on a socket, so
/// the tests switch off every timer but the transport's own sleeps: no
/// timeouts, and no idle-connection reaper in the pool.
fn transport(server: &MockServer) -> Transport {
    builder(server).build().unwrap()
}

fn builder(server: &MockServer) -> http_transport::TransportBuilder {
    Transport::builder(VENDOR)
        .base_url(&format!("{}/api/v1", server.uri()))
        .unwrap()
        .auth(Auth::bearer(SECRET))
        .timeouts(Timeouts::none())
        .http_client(paused_time_client())
}

fn paused_time_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .unwrap()
}

#[derive(Debug, Deserialize, PartialEq)]
struct Thing {
    id: u64,
}

#[tokio::test(start_paused = true)]
async fn two_server_errors_then_success_take_exactly_three_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/things/7"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/things/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 7})))
        .expect(1)
        .mount(&server)
        .await;

    let response = transport(&server)
        .execute::<Thing>(Request::get("/things/{id}").path_param(7))
        .await
        .unwrap();
    assert_eq!(response.body, Thing { id: 7 });
    assert_eq!(response.attempts, 3);
}

#[tokio::test(start_paused = true)]
async fn a_429_with_retry_after_waits_that_long_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "2"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 1})))
        .expect(1)
        .mount(&server)
        .await;

    let started = Instant::now();
    let response = transport(&server)
        .execute::<Thing>(Request::get("/things"))
        .await
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(response.attempts, 2);
    assert!(
        waited >= Duration::from_secs(2) && waited < Duration::from_millis(2100),
        "waited {waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_non_idempotent_post_answered_500_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .expect(1)
        .mount(&server)
        .await;

    let error = transport(&server)
        .execute::<Thing>(Request::post("/things").json(&serde_json::json!({"a": 1})))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert!(
        error.is_retryable(),
        "a 500 is transient even if we did not retry"
    );
}

#[tokio::test(start_paused = true)]
async fn a_throttled_post_is_retried_because_it_was_not_processed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": 3})))
        .expect(1)
        .mount(&server)
        .await;
    let response = transport(&server)
        .execute::<Thing>(Request::post("/things"))
        .await
        .unwrap();
    assert_eq!((response.body.id, response.attempts), (3, 2));
}

#[tokio::test(start_paused = true)]
async fn a_post_marked_idempotent_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .expect(4)
        .mount(&server)
        .await;

    let error = transport(&server)
        .execute::<Thing>(Request::post("/things").idempotent(true))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test(start_paused = true)]
async fn a_refused_connection_is_retried_even_for_a_post() {
    // Bind and drop a listener to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let transport = Transport::builder(VENDOR)
        .base_url(&format!("http://127.0.0.1:{port}"))
        .unwrap()
        .timeouts(Timeouts::none())
        .http_client(paused_time_client())
        .build()
        .unwrap();
    let error = transport
        .execute::<Thing>(Request::post("/things").operation("create_thing"))
        .await
        .unwrap_err();
    let Error::Transport(transport_error) = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert!(!transport_error.was_sent());
    assert_eq!(
        transport_error.attempts, 4,
        "never sent, so every attempt was allowed"
    );
    assert!(error.to_string().contains("create_thing"), "{error}");
}

#[tokio::test]
async fn a_slow_answer_hits_the_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;

    let error = builder(&server)
        .timeouts(Timeouts::none().with_request(Duration::from_millis(150)))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
        .execute::<Thing>(Request::get("/slow").operation("slow_call"))
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(error.is_retryable());
    assert!(error.to_string().contains("timed out"), "{error}");
}

#[tokio::test]
async fn a_per_call_timeout_overrides_the_default() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let error = transport(&server)
        .execute::<Thing>(
            Request::get("/slow")
                .timeout(Duration::from_millis(100))
                .retry_policy(RetryPolicy::none()),
        )
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
}

#[tokio::test(start_paused = true)]
async fn an_html_502_page_is_an_api_error_with_the_excerpt() {
    let server = MockServer::start().await;
    let page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(502)
                .insert_header("content-type", "text/html")
                .insert_header("x-request-id", "req-123")
                .set_body_string(page),
        )
        .expect(4)
        .mount(&server)
        .await;

    let error = transport(&server)
        .execute::<Thing>(Request::get("/things").operation("list_things"))
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.status.map(|s| s.as_u16()), Some(502));
    assert_eq!(api.body_excerpt, page);
    assert_eq!(error.request_id(), Some("req-123"));
    let line = error.to_string();
    assert!(
        line.starts_with("testvendor list_things: HTTP 502"),
        "{line}"
    );
    assert!(line.contains("502 Bad Gateway"), "{line}");
    assert!(line.contains("req-123"), "{line}");
    assert!(!line.contains('\n'));
}

#[tokio::test]
async fn a_wrong_json_type_names_its_path() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Page {
        returns: Vec<Thing>,
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "returns": [{"id": 1}, {"id": 2}, {"id": 3}, {"id": "four"}]
        })))
        .mount(&server)
        .await;

    let error = transport(&server)
        .execute::<Page>(Request::get("/returns"))
        .await
        .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.path(), "returns[3].id");
    assert!(error.to_string().contains("returns[3].id"), "{error}");
    assert!(decode.body_excerpt.contains("four"));
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn requests_carry_auth_base_path_encoded_params_query_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/orders/A%2F1%20x/notes"))
        .and(header("authorization", format!("Bearer {SECRET}").as_str()))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/json"))
        .and(header("user-agent", "test-client/9.9"))
        .and(header("x-merchant-pk", "42"))
        .and(query_param("from", "2024-01-01 00:00:00+00:00"))
        .and(body_json(serde_json::json!({"content": "hello"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 9})))
        .expect(1)
        .mount(&server)
        .await;

    let response = builder(&server)
        .user_agent("test-client/9.9")
        .build()
        .unwrap()
        .execute::<Thing>(
            Request::post("/orders/{id}/notes")
                .path_param("A/1 x")
                .query("from", "2024-01-01 00:00:00+00:00")
                .header("x-merchant-pk", 42)
                .json(&serde_json::json!({"content": "hello"})),
        )
        .await
        .unwrap();
    assert_eq!(response.body.id, 9);
}

#[tokio::test]
async fn the_transports_own_client_sends_the_same_headers() {
    // Without a caller's client the fixed headers ride on the transport's
    // own client instead of each request: they must still all arrive.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/things/7"))
        .and(header("authorization", format!("Bearer {SECRET}").as_str()))
        .and(header("accept", "application/json"))
        .and(header("user-agent", "test-client/9.9"))
        .and(header("x-merchant-pk", "42"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 7})))
        .expect(2)
        .mount(&server)
        .await;

    let transport = Transport::builder(VENDOR)
        .base_url(&format!("{}/api/v1", server.uri()))
        .unwrap()
        .auth(Auth::bearer(SECRET))
        .user_agent("test-client/9.9")
        .build()
        .unwrap();
    for _ in 0..2 {
        let request = Request::get("/things/{id}")
            .path_param(7)
            .header("x-merchant-pk", 42);
        let response = transport.execute::<Thing>(request).await.unwrap();
        assert_eq!(response.body.id, 7);
    }
}

#[tokio::test]
async fn an_empty_body_decodes_as_unit() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let response = transport(&server)
        .execute::<()>(Request::delete("/things/1"))
        .await
        .unwrap();
    assert_eq!(response.status.as_u16(), 204);
}

#[tokio::test]
async fn secrets_never_reach_debug_or_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_string("unauthorized"))
        .mount(&server)
        .await;
    for auth in [
        Auth::bearer(SECRET),
        Auth::api_key_header("X-Authorization", SECRET),
        Auth::basic("api-user", SECRET),
    ] {
        let builder = builder(&server).auth(auth);
        assert!(!format!("{builder:?}").contains(SECRET));
        let transport = builder.build().unwrap();
        let debug = format!("{transport:?} {:?}", transport.clone());
        assert!(!debug.contains(SECRET), "{debug}");
        assert!(debug.contains("REDACTED"), "{debug}");
        let error = transport
            .execute::<Thing>(Request::get("/x"))
            .await
            .unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(SECRET), "{shown}");
    }
}

#[tokio::test(start_paused = true)]
async fn the_limiter_spaces_calls_and_is_shared_by_clones() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 1})))
        .expect(6)
        .mount(&server)
        .await;
    let transport = builder(&server)
        .rate_limit(RateLimit::bucket(2, Duration::from_secs(1)))
        .build()
        .unwrap();
    let clone = transport.clone();
    let started = Instant::now();
    let mut at = Vec::new();
    for i in 0..6 {
        let t = if i % 2 == 0 { &transport } else { &clone };
        t.execute::<Thing>(Request::get("/x")).await.unwrap();
        at.push(started.elapsed().as_secs());
    }
    // A burst of two, then one call per second, across both clones.
    assert_eq!(at, [0, 0, 1, 2, 3, 4]);
}

#[tokio::test(start_paused = true)]
async fn calls_exempt_from_the_limiter_do_not_wait() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 1})))
        .mount(&server)
        .await;
    let transport = builder(&server)
        .rate_limit(RateLimit::bucket(1, Duration::from_secs(10)))
        .build()
        .unwrap();
    let started = Instant::now();
    for _ in 0..5 {
        transport
            .execute::<Thing>(Request::post("/orders").rate_limited(false))
            .await
            .unwrap();
    }
    assert_eq!(started.elapsed(), Duration::ZERO);
}

/// A vendor that answers 200 with `{"success_code": false, "error_code": …}`.
#[derive(Debug)]
struct EnvelopeClassifier;

impl Classifier for EnvelopeClassifier {
    fn classify(&self, response: &ResponseParts<'_>) -> Classification {
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(response.body) else {
            return DefaultClassifier.classify(response);
        };
        if json["success_code"] == false {
            let code = json["error_code"].as_str().unwrap_or_default();
            let retry = if code == "RateLimit" {
                RetryClass::Throttle
            } else {
                RetryClass::Fatal
            };
            let mut failure = ApiFailure::new(retry).code(code);
            if let Some(message) = json["message"].as_str() {
                failure = failure.message(message);
            }
            return Classification::Failure(failure);
        }
        DefaultClassifier.classify(response)
    }
}

#[tokio::test(start_paused = true)]
async fn a_classifier_turns_a_200_error_body_into_a_retried_throttle() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "success_code": false, "error_code": "RateLimit", "message": "slow down"
        })))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "success_code": true, "id": 5
        })))
        .expect(1)
        .mount(&server)
        .await;
    let transport = builder(&server)
        .classifier(Arc::new(EnvelopeClassifier))
        .build()
        .unwrap();
    let response = transport
        .execute::<Thing>(Request::get("/orders/1"))
        .await
        .unwrap();
    assert_eq!(response.body.id, 5);
    assert_eq!(response.attempts, 3);
}

#[tokio::test(start_paused = true)]
async fn a_classified_fatal_200_is_an_api_error_with_code_and_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "success_code": false, "error_code": "Invalid", "message": "bad order"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let error = builder(&server)
        .classifier(Arc::new(EnvelopeClassifier))
        .build()
        .unwrap()
        .execute::<Thing>(Request::get("/orders/1").operation("view_order"))
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("Invalid"));
    assert_eq!(error.message(), Some("bad order"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(!error.is_rate_limited());
    assert_eq!(
        error.to_string(),
        "testvendor view_order: HTTP 200 OK (Invalid): bad order"
    );
}

/// Throttles do not use up attempts (a per-minute vendor may need a whole
/// minute): only the time budget ends them.
#[tokio::test(start_paused = true)]
async fn exhausted_throttles_stop_at_the_time_budget_and_report_rate_limited() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .expect(4) // at 0, 1, 2 and 3 s; a fifth at 4 s would overrun 3.5 s
        .mount(&server)
        .await;
    let policy = RetryPolicy::default()
        .with_max_attempts(2)
        .with_max_elapsed(Duration::from_millis(3500));
    let error = builder(&server)
        .retry_policy(policy)
        .build()
        .unwrap()
        .execute::<Thing>(Request::get("/x"))
        .await
        .unwrap_err();
    assert!(error.is_rate_limited());
    assert!(error.is_retryable());
}

#[tokio::test]
async fn mismatched_path_parameters_fail_before_sending() {
    let server = MockServer::start().await;
    let error = transport(&server)
        .execute::<Thing>(Request::get("/a/{x}/b/{y}").path_param(1))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

static_assertions::assert_impl_all!(Transport: Send, Sync, Clone, std::fmt::Debug);
static_assertions::assert_impl_all!(Error: Send, Sync, std::error::Error);

#[tokio::test]
async fn an_announced_body_over_the_limit_is_too_large_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(format!(r#"{{"id": 1, "padding": "{}"}}"#, "x".repeat(4096))),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = builder(&server)
        .max_response_bytes(1024)
        .build()
        .unwrap()
        .execute::<Thing>(Request::get("/x"))
        .await
        .unwrap_err();
    assert!(error.is_too_large(), "{error:?}");
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("1024 bytes"), "{error}");
}

/// A vendor that never stops sending: the client stops at its limit
/// instead of filling memory.
#[tokio::test]
async fn an_endless_unannounced_body_is_cut_at_the_limit() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let sent = Arc::new(Mutex::new(0usize));
    let counter = sent.clone();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 4096];
        let _ = socket.read(&mut request).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        socket.write_all(head.as_bytes()).await.unwrap();
        let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
        // Bounded so the test ends by itself even if the client kept reading.
        for _ in 0..(64 * 1024) {
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
            *counter.lock().unwrap() += 64 * 1024;
        }
    });
    let error = Transport::builder(VENDOR)
        .base_url(&format!("http://{address}/api/v1"))
        .unwrap()
        .retry_policy(RetryPolicy::none())
        .max_response_bytes(1024 * 1024)
        .build()
        .unwrap()
        .execute::<Thing>(Request::get("/x"))
        .await
        .unwrap_err();
    assert!(error.is_too_large(), "{error:?}");
    let sent = *sent.lock().unwrap();
    assert!(
        sent < 64 * 1024 * 1024,
        "the client kept reading: {sent} bytes sent"
    );
}

/// Answers GETs of `route` with `answers` in turn, the last one from then on.
async fn answer_in_turn<const N: usize>(
    server: &MockServer,
    route: &str,
    answers: [ResponseTemplate; N],
) {
    for (n, answer) in answers.into_iter().enumerate() {
        let mock = Mock::given(method("GET"))
            .and(path(route))
            .respond_with(answer);
        let mock = if n + 1 < N {
            mock.up_to_n_times(1)
        } else {
            mock
        };
        mock.mount(server).await;
    }
}

#[tokio::test(start_paused = true)]
async fn a_body_cut_short_is_fetched_again_for_an_idempotent_call_only() {
    let server = MockServer::start().await;
    answer_in_turn(
        &server,
        "/api/v1/things/7",
        [
            ResponseTemplate::new(200).set_body_raw(r#"{"id": 7, "na"#, "application/json"),
            ResponseTemplate::new(200).set_body_raw("", "application/json"),
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 7})),
        ],
    )
    .await;
    let transport = transport(&server);
    let thing = transport
        .execute::<Thing>(Request::get("/things/7"))
        .await
        .unwrap();
    assert_eq!(thing.body, Thing { id: 7 });
    assert_eq!(server.received_requests().await.unwrap().len(), 3);

    // A POST that may have been processed is not sent again.
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_raw(r#"{"id": 8"#, "application/json"))
        .mount(&server)
        .await;
    let error = transport
        .execute::<Thing>(Request::post("/things"))
        .await
        .unwrap_err();
    assert!(error.is_decode(), "{error}");
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test(start_paused = true)]
async fn a_blank_body_is_never_read_as_none() {
    let server = MockServer::start().await;
    answer_in_turn(
        &server,
        "/api/v1/things/7",
        [
            ResponseTemplate::new(200).set_body_raw("", "application/json"),
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 7})),
        ],
    )
    .await;
    let transport = transport(&server);
    // A lookup whose answer was lost in transit is asked again, not taken
    // for "not found".
    let thing = transport
        .execute::<Option<Thing>>(Request::get("/things/7"))
        .await
        .unwrap();
    assert_eq!(thing.body, Some(Thing { id: 7 }));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    // Out of attempts, it is a decode error naming the empty body.
    Mock::given(method("GET"))
        .and(path("/api/v1/blank"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("  ", "application/json"))
        .mount(&server)
        .await;
    let error = transport
        .execute::<Option<Vec<Thing>>>(Request::get("/blank"))
        .await
        .unwrap_err();
    assert!(error.is_decode(), "{error}");
    assert!(error.to_string().contains("empty body"), "{error}");

    // An endpoint that answers nothing still succeeds where nothing is
    // expected, and a 204 says there is nothing.
    transport
        .execute::<()>(Request::get("/blank"))
        .await
        .unwrap();
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let echoed = transport
        .execute::<Option<Thing>>(Request::put("/things/7"))
        .await
        .unwrap();
    assert_eq!(echoed.body, None);
}

#[tokio::test(start_paused = true)]
async fn a_complete_body_of_the_wrong_shape_is_not_fetched_again() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>oops</html>", "text/html"))
        .mount(&server)
        .await;
    let error = transport(&server)
        .execute::<Thing>(Request::get("/things/7"))
        .await
        .unwrap_err();
    assert!(error.is_decode(), "{error}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
