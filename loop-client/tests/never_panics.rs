//! Decoders and parsers never panic.
//!
//! Every body Loop can send — response bodies of every endpoint, webhook
//! deliveries with their signature header — is fed, as hostile variants of
//! the recorded fixtures and as arbitrary bytes, to the code that reads it.
//! The property: the reader returns a value or a typed error; it never
//! panics and never overflows the stack.
//!
//! 256 cases per property by default; more with
//! `PROPTEST_CASES=20000 cargo test --release -p loop-client --test never_panics`.

use http_transport::fixture;
use http_transport::testing::decode;
use http_transport::testing::json_mutation::{
    NESTING_DEPTH, arbitrary_bytes, hostile_body, nested_arrays, nested_objects, nesting_bombs,
};
use http_transport::testing::{CannedAnswer, CannedServer};
use http_transport::{Classifier, ResponseParts, StatusCode, header};
use loop_client::webhook::{
    DeliveryKey, LabelEvent, ReturnEvent, ReturnProcessingEvent, SignatureError, WebhookError,
    parse_event, sign, verify_event, verify_signature,
};
use loop_client::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use time::macros::datetime;

/// Every recorded body: responses, errors, webhooks, and the odd ones (an
/// HTML gateway page, a truncated body) that only get byte-level damage.
const FIXTURES: &[(&str, &[u8])] = &[
    fixture!("asn_report.json"),
    fixture!("assessed_items.json"),
    fixture!("destination.json"),
    fixture!("destinations.json"),
    fixture!("error_401.json"),
    fixture!("error_404_webhook.json"),
    fixture!("error_422_line_items.json"),
    fixture!("error_422_validation.json"),
    fixture!("error_content.json"),
    fixture!("error_message_only.json"),
    fixture!("error_unprocessable_closed.json"),
    fixture!("error_unprocessable_flagged.json"),
    fixture!("gateway_502.html"),
    fixture!("graded_items.json"),
    fixture!("notes.json"),
    fixture!("order.json"),
    fixture!("return_details.json"),
    fixture!("returns_bare_array.json"),
    fixture!("returns_page_1.json"),
    fixture!("returns_page_2.json"),
    fixture!("returns_page_3.json"),
    fixture!("returns_page_repeating.json"),
    fixture!("truncated.json"),
    fixture!("webhook_created.json"),
    fixture!("webhook_label.json"),
    fixture!("webhook_restock.json"),
    fixture!("webhook_return.json"),
    fixture!("webhook_return_processing.json"),
    fixture!("webhooks_list.json"),
];

const WEBHOOK_FIXTURES: &[(&str, &[u8])] = &[
    fixture!("webhook_label.json"),
    fixture!("webhook_restock.json"),
    fixture!("webhook_return.json"),
    fixture!("webhook_return_processing.json"),
];

/// The fixture called `name`.
fn fixture(name: &str) -> &'static [u8] {
    FIXTURES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, bytes)| *bytes)
        .unwrap_or_else(|| panic!("no fixture {name}"))
}

fn seeds(fixtures: &[(&str, &'static [u8])]) -> Vec<&'static [u8]> {
    fixtures.iter().map(|(_, bytes)| *bytes).collect()
}

/// Decodes `body` as every public response type, the way the transport
/// does, and returns how many decodes succeeded. Each decode must return;
/// none may panic.
fn decode_as_every_type(body: &[u8]) -> usize {
    if let Ok(ret) = decode::<Return>(body) {
        read_return(&ret);
    }
    let results = [
        decode::<Return>(body).is_ok(),
        decode::<Vec<Return>>(body).is_ok(),
        decode::<ReturnsPage>(body).is_ok(),
        decode::<LineItem>(body).is_ok(),
        decode::<Label>(body).is_ok(),
        decode::<Exchange>(body).is_ok(),
        decode::<Refund>(body).is_ok(),
        decode::<Address>(body).is_ok(),
        decode::<CustomerDetail>(body).is_ok(),
        decode::<Order>(body).is_ok(),
        decode::<Destination>(body).is_ok(),
        decode::<Vec<Destination>>(body).is_ok(),
        decode::<Webhook>(body).is_ok(),
        decode::<Vec<Webhook>>(body).is_ok(),
        decode::<Note>(body).is_ok(),
        decode::<Vec<Note>>(body).is_ok(),
        decode::<AsnRow>(body).is_ok(),
        decode::<Vec<AsnRow>>(body).is_ok(),
        decode::<GradedItem>(body).is_ok(),
        decode::<Vec<GradedItem>>(body).is_ok(),
        decode::<AssessedItem>(body).is_ok(),
        decode::<Vec<AssessedItem>>(body).is_ok(),
        decode::<ReturnEvent>(body).is_ok(),
        decode::<LabelEvent>(body).is_ok(),
        decode::<ReturnProcessingEvent>(body).is_ok(),
        decode::<ReturnState>(body).is_ok(),
        decode::<ReturnId>(body).is_ok(),
    ];
    results.into_iter().filter(|ok| *ok).count()
}

/// A status a response may carry: mostly 200, then every class.
fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        6 => Just(200u16),
        3 => prop::sample::select(vec![201u16, 204, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503]),
        1 => 100u16..=999,
    ]
}

/// A header value: anything a server could send, including non-UTF-8 bytes.
fn header_value() -> impl Strategy<Value = Option<header::HeaderValue>> {
    prop_oneof![
        Just(None),
        prop::sample::select(vec![
            "0",
            "1",
            "120",
            "-1",
            "1e3",
            "18446744073709551616",
            "Wed, 21 Oct 2015 07:28:00 GMT",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "",
        ])
        .prop_map(|s| header::HeaderValue::from_str(s).ok()),
        prop::collection::vec(any::<u8>(), 0..40)
            .prop_map(|bytes| header::HeaderValue::from_bytes(&bytes).ok()),
    ]
}

proptest! {
    /// Every public response type, decoded through the transport's decoder,
    /// from mutated fixtures, arbitrary JSON and arbitrary bytes.
    #[test]
    fn response_types_never_panic(body in hostile_body(&seeds(FIXTURES))) {
        decode_as_every_type(&body);
    }

    /// The classifier reads every answer, whatever its status and headers.
    #[test]
    fn classifier_never_panics(
        status in status(),
        retry_after in header_value(),
        body in hostile_body(&seeds(FIXTURES)),
    ) {
        let mut headers = header::HeaderMap::new();
        if let Some(value) = retry_after {
            headers.insert(header::RETRY_AFTER, value);
        }
        let status = StatusCode::from_u16(status).expect("100..=999 is a status");
        let _ = LoopClassifier.classify(&ResponseParts::new(status, &headers, &body));
    }

    /// Webhook payloads: `parse_event` on mutated deliveries, and the
    /// delivery key of any body.
    #[test]
    fn webhook_payloads_never_panic(body in hostile_body(&seeds(WEBHOOK_FIXTURES))) {
        if let Ok(event) = parse_event(&body) {
            let _ = DeliveryKey::of_event(&event);
            let _ = event.return_id();
            let _ = event.trigger();
        }
        let _ = DeliveryKey::of_body(&body);
    }

    /// Signature verification with arbitrary bodies, secrets and header
    /// values never panics, and accepts exactly the right signature.
    #[test]
    fn signature_check_never_panics(
        body in prop_oneof![hostile_body(&seeds(WEBHOOK_FIXTURES)), arbitrary_bytes()],
        secret in prop::collection::vec(any::<u8>(), 0..80),
        header in signature_header(),
    ) {
        let valid = sign(&body, &secret);
        let presented = header.render(&valid);
        let verdict = verify_signature(&body, presented.as_deref(), &secret);
        let event = verify_event(&body, presented.as_deref(), &secret);
        if secret.is_empty() {
            prop_assert_eq!(verdict, Err(SignatureError::EmptySecret));
        } else if presented.as_deref().map(str::trim) == Some(valid.as_str()) {
            prop_assert_eq!(verdict, Ok(()));
            prop_assert!(!matches!(event, Err(WebhookError::Signature(_))));
        } else {
            // Base64 is decoded strictly (canonical padding and trailing
            // bits), so any other text is another MAC, or none.
            prop_assert!(verdict.is_err(), "accepted {:?} for {:?}", presented, valid);
            prop_assert!(matches!(event, Err(WebhookError::Signature(_))));
        }
    }
}

/// What a delivery's `X-Loop-Signature` header holds.
#[derive(Debug, Clone)]
enum SignatureHeader {
    Absent,
    /// The right signature, with surrounding whitespace.
    Valid {
        padding: String,
    },
    /// The right signature with one character replaced.
    Altered {
        at: prop::sample::Index,
        with: char,
    },
    /// The right signature cut short.
    Truncated {
        at: prop::sample::Index,
    },
    /// Anything at all.
    Arbitrary(String),
}

fn signature_header() -> impl Strategy<Value = SignatureHeader> {
    prop_oneof![
        Just(SignatureHeader::Absent),
        "[ \t]{0,3}".prop_map(|padding| SignatureHeader::Valid { padding }),
        (any::<prop::sample::Index>(), any::<char>())
            .prop_map(|(at, with)| SignatureHeader::Altered { at, with }),
        any::<prop::sample::Index>().prop_map(|at| SignatureHeader::Truncated { at }),
        ".{0,64}".prop_map(SignatureHeader::Arbitrary),
    ]
}

impl SignatureHeader {
    fn render(&self, valid: &str) -> Option<String> {
        match self {
            Self::Absent => None,
            Self::Valid { padding } => Some(format!("{padding}{valid}{padding}")),
            Self::Altered { at, with } => {
                let mut chars: Vec<char> = valid.chars().collect();
                let at = at.index(chars.len());
                chars[at] = *with;
                Some(chars.into_iter().collect())
            }
            Self::Truncated { at } => Some(valid[..at.index(valid.len())].to_owned()),
            Self::Arbitrary(text) => Some(text.clone()),
        }
    }
}

/// A client whose every call reaches `server`'s answer, without retries or
/// rate limit so each case is one request.
fn client_and_server(runtime: &tokio::runtime::Runtime) -> (LoopClient, CannedServer) {
    let server = runtime.block_on(CannedServer::start());
    let client = LoopClient::builder("test-loop-key")
        .base_url(format!("{}/api/v1", server.uri()))
        .retry_policy(RetryPolicy::none())
        .rate_limit(RateLimit::per_second(1_000_000))
        .build()
        .expect("client builds");
    (client, server)
}

/// The operations whose answers the client reads, by number.
const OPERATIONS: usize = 16;

/// Runs operation `n`; `Ok` when it returned a value.
async fn call(client: &LoopClient, n: usize) -> Result<(), Error> {
    let id = ReturnId::from(40_211_877);
    match n {
        0 => client
            .list_returns_page(&ListReturnsQuery::new())
            .await
            .map(drop),
        1 => client.get_return(&id.clone().into(), None).await.map(drop),
        2 => client
            .asn_report(
                datetime!(2025-03-01 0:00 UTC),
                datetime!(2025-03-02 0:00 UTC),
            )
            .await
            .map(drop),
        3 => client.process_return(&id, None).await,
        4 => client.flag_return(&id).await,
        5 => client.close_return(&id).await,
        6 => client.remove_line_items(&id, &[LineItemId::from(1)]).await,
        7 => client.return_notes(&id).await.map(drop),
        8 => client.create_note(&id, "hello").await,
        9 => client
            .grade_items(&[ItemGrade::new(1, "ok")])
            .await
            .map(drop),
        10 => client
            .assess_dispositions(&[ItemDisposition::new(1, DispositionOutcome::BackToStock)])
            .await
            .map(drop),
        11 => client.list_webhooks().await.map(drop),
        12 => client.delete_webhook(&WebhookId::from(7)).await,
        13 => client.list_destinations().await.map(drop),
        14 => client
            .get_destination(&DestinationId::from(312))
            .await
            .map(drop),
        _ => client.get_order(&OrderId::from(88_120_045)).await.map(drop),
    }
}

/// Reads what a caller reads of a return: its `returns-core` conversion.
fn read_return(ret: &Return) {
    #[cfg(feature = "core")]
    let _ = loop_client::conversion::to_core_return(ret);
    #[cfg(not(feature = "core"))]
    let _ = ret;
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// The seeds of operation `n` (see [`call`]): the bodies it answers to and
/// Loop's error bodies, so that mutations reach deep into what it reads.
fn operation_seeds(n: usize) -> Vec<&'static [u8]> {
    let own: &[&str] = match n {
        0 => &[
            "returns_page_1.json",
            "returns_page_2.json",
            "returns_page_3.json",
            "returns_bare_array.json",
        ],
        1 => &["return_details.json"],
        2 => &["asn_report.json"],
        7 | 8 => &["notes.json"],
        9 => &["graded_items.json"],
        10 => &["assessed_items.json"],
        11 | 12 => &["webhooks_list.json", "webhook_created.json"],
        13 => &["destinations.json"],
        14 => &["destination.json"],
        15 => &["order.json"],
        _ => &[],
    };
    let errors = FIXTURES
        .iter()
        .filter(|(name, _)| name.starts_with("error_") || !name.ends_with(".json"))
        .map(|(_, bytes)| *bytes);
    own.iter()
        .map(|name| fixture(name))
        .chain(std::iter::once(b"true".as_slice()))
        .chain(errors)
        .collect()
}

/// The whole read path of every operation — classifier, decoder, the
/// client's own unwrapping, the `returns-core` conversion of a return — over
/// a real socket, 256 cases per operation (or `PROPTEST_CASES`).
#[test]
fn client_operations_never_panic() {
    let runtime = runtime();
    let (client, server) = client_and_server(&runtime);
    for operation in 0..OPERATIONS {
        let strategy = (status(), hostile_body(&operation_seeds(operation)));
        TestRunner::new(Config {
            failure_persistence: None,
            ..Config::default()
        })
        .run(&strategy, |(status, body)| {
            server.answer(CannedAnswer::new(status, &body[..]));
            let _ = runtime.block_on(call(&client, operation));
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("operation {operation}: {failure}"));
    }
}

/// The wiring check: each operation fed its own fixture succeeds, so the
/// properties above reach the decoders rather than stopping short.
#[test]
fn client_operations_accept_their_fixtures() {
    let runtime = runtime();
    let (client, server) = client_and_server(&runtime);
    let cases: &[(usize, &[u8])] = &[
        (0, fixture("returns_page_1.json")),
        (1, fixture("return_details.json")),
        (2, fixture("asn_report.json")),
        (3, b"true"),
        (7, fixture("notes.json")),
        (9, fixture("graded_items.json")),
        (10, fixture("assessed_items.json")),
        (11, fixture("webhooks_list.json")),
        (13, fixture("destinations.json")),
        (14, fixture("destination.json")),
        (15, fixture("order.json")),
    ];
    for &(operation, body) in cases {
        server.answer(CannedAnswer::new(200, body));
        runtime
            .block_on(call(&client, operation))
            .unwrap_or_else(|e| panic!("operation {operation}: {e}"));
    }
}

/// The seeds themselves are what the types expect, so mutations start from
/// bodies that decode.
#[test]
fn fixtures_decode() {
    for (name, body) in FIXTURES {
        let json = name.ends_with(".json") && *name != "truncated.json";
        let is_error = name.starts_with("error_");
        if !json {
            assert_eq!(decode_as_every_type(body), 0, "{name}");
        } else if !is_error {
            assert!(decode_as_every_type(body) > 0, "{name}");
        }
    }
    for (name, body) in WEBHOOK_FIXTURES {
        parse_event(body).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

/// 10 000 nested arrays or objects, as the whole body, in place of every
/// value and as an extra field of every object of every fixture: the decoders
/// stop at serde_json's recursion limit (or skip an unknown field
/// iteratively). A decoder that recursed on its own would overflow the
/// stack and abort this test.
#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // One fixture of each response and webhook shape.
    let seeds = [
        "return_details.json",
        "returns_page_2.json",
        "asn_report.json",
        "notes.json",
        "order.json",
        "destinations.json",
        "webhooks_list.json",
        "graded_items.json",
        "assessed_items.json",
        "webhook_label.json",
        "webhook_return_processing.json",
        "error_422_validation.json",
    ];
    for name in seeds {
        for (i, bomb) in nesting_bombs(fixture(name)).iter().enumerate() {
            let accepted = decode_as_every_type(bomb);
            let _ = parse_event(bomb);
            if i == 0 {
                // 10 000 nested arrays as the whole body: no type accepts
                // them. (Nested objects as the whole body are one unknown
                // field, which serde_json skips without recursing.)
                assert_eq!(accepted, 0, "{bomb:?}");
                assert!(parse_event(bomb).is_err());
            }
        }
    }
    let runtime = runtime();
    let (client, server) = client_and_server(&runtime);
    for bomb in nesting_bombs(b"{}") {
        server.answer(CannedAnswer::new(200, &bomb[..]));
        for operation in 0..OPERATIONS {
            let _ = runtime.block_on(call(&client, operation));
        }
    }
}

/// A nesting bomb in a field the types keep (unknown fields are kept as
/// JSON) fails with serde_json's recursion-limit error, which is what keeps
/// the stack bounded.
#[test]
fn deep_nesting_hits_the_recursion_limit() {
    for bomb in [nested_arrays(NESTING_DEPTH), nested_objects(NESTING_DEPTH)] {
        let mut body = br#"{"topic": "return", "id": 1, "nested": "#.to_vec();
        body.extend_from_slice(&bomb);
        body.push(b'}');
        let failure = decode::<Return>(&body).expect_err("10 000 levels are refused");
        assert!(
            failure.message.contains("recursion limit"),
            "{}",
            failure.message
        );
        match parse_event(&body) {
            Err(WebhookError::Payload { source, .. }) => {
                assert!(source.to_string().contains("recursion limit"), "{source}")
            }
            other => panic!("{other:?}"),
        }
    }
}

/// Found by `classifier_never_panics`: a `Retry-After` past `u64::MAX`
/// seconds panicked in `Duration::from_secs_f64` while the answer was
/// classified. It now reads as the longest wait (capped by the retry policy).
#[test]
fn regression_retry_after_past_u64_seconds() {
    let mut headers = header::HeaderMap::new();
    headers.insert(
        header::RETRY_AFTER,
        header::HeaderValue::from_static("18446744073709551616"),
    );
    let parts = ResponseParts::new(StatusCode::BAD_REQUEST, &headers, b"");
    let _ = LoopClassifier.classify(&parts);
    let parts = ResponseParts::new(StatusCode::TOO_MANY_REQUESTS, &headers, b"");
    assert_eq!(parts.retry_after(), Some(std::time::Duration::MAX));
}
