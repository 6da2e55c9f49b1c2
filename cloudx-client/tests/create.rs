//! Creating receiving tickets: request shape, validation, typed refusals and
//! the duplicate guarantees.

mod common;

use std::time::Duration;

use cloudx_client::transport::{RetryPolicy, Timeouts};
use cloudx_client::{
    CloudxApi, CreateOutcome, Error, ItemIdentifier, NewReceivingTicket, NewTicketLine,
    ProductIdentification, TicketKind, ValidationProblem,
};
use common::{SECRET, builder, client, count, fixture, json, page_of, server};
use serde_json::json;
use wiremock::matchers::{bearer_token, body_json, header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

const TICKETS: &str = "/v1/receiving-tickets";

fn draft() -> NewReceivingTicket {
    let mut ticket = NewReceivingTicket::new(
        "#1001-R1",
        "BERGEN-NJ-01",
        vec![
            NewTicketLine::by_sku("TEE-M-BLK", 2),
            NewTicketLine::by_sku("TEE-XXL", 1),
        ],
    );
    ticket.rma_number = Some("RMA-55012".into());
    ticket.order_number = Some("#1001".into());
    ticket.tracking_numbers = vec!["1Z999AA10123456784".into()];
    ticket.carrier = Some("UPS".into());
    ticket
}

/// `GET /receiving-tickets?reference_number=#1001-R1`.
fn lookup() -> wiremock::MockBuilder {
    Mock::given(method("GET"))
        .and(path(TICKETS))
        .and(query_param("reference_number", "#1001-R1"))
        .and(bearer_token(SECRET))
}

fn create() -> wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path(TICKETS))
        .and(bearer_token(SECRET))
}

#[tokio::test]
async fn create_sends_bearer_and_the_json_body() {
    let server = server().await;
    create()
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "type": "Return",
            "warehouse_code": "BERGEN-NJ-01",
            "reference_number": "#1001-R1",
            "rma_number": "RMA-55012",
            "order_number": "#1001",
            "tracking_numbers": ["1Z999AA10123456784"],
            "carrier": "UPS",
            "lines": [
                {"sku": "TEE-M-BLK", "expected_quantity": 2},
                {"sku": "TEE-XXL", "expected_quantity": 1}
            ]
        })))
        .respond_with(json(201, fixture!("ticket_draft.json")))
        .expect(1)
        .mount(&server)
        .await;

    let outcome = client(&server)
        .create_ticket(&draft())
        .await
        .expect("created");

    assert!(matches!(outcome, CreateOutcome::Created(_)), "{outcome:?}");
    assert_eq!(outcome.ticket().id.as_str(), "WHRTN1044588");
    assert_eq!(count(&server, "GET", TICKETS).await, 0, "no lookup needed");
}

#[tokio::test]
async fn test_mode_creates_a_test_ticket() {
    let server = server().await;
    create()
        .and(wiremock::matchers::body_partial_json(
            json!({"type": "Test"}),
        ))
        .respond_with(json(201, fixture!("ticket_draft.json")))
        .expect(1)
        .mount(&server)
        .await;
    let mut ticket = draft();
    ticket.kind = TicketKind::Test;
    client(&server)
        .create_ticket(&ticket)
        .await
        .expect("created");
}

/// Duplicate guarantee (a): CloudX stores the ticket but the answer never
/// arrives in time. Real time with a short timeout (paused time would fire
/// the timeout while the socket is busy).
#[tokio::test]
async fn timeout_after_the_server_stored_the_ticket_finds_it_by_reference() {
    let server = server().await;
    create()
        .respond_with(json(201, fixture!("ticket_draft.json")).set_delay(Duration::from_secs(2)))
        .expect(1)
        .mount(&server)
        .await;
    lookup()
        .respond_with(json(200, page_of(vec![fixture!("ticket_draft.json")])))
        .expect(1)
        .mount(&server)
        .await;
    let cloudx = builder(&server)
        .timeouts(Timeouts::none().with_request(Duration::from_millis(200)))
        .build()
        .expect("valid configuration");

    let outcome = cloudx.create_ticket(&draft()).await.expect("recovered");

    assert!(
        matches!(outcome, CreateOutcome::Recovered(_)),
        "{outcome:?}"
    );
    assert_eq!(outcome.ticket().reference_number.as_str(), "#1001-R1");
    assert_eq!(
        count(&server, "POST", TICKETS).await,
        1,
        "exactly one create reached the server"
    );
}

/// Duplicate guarantee (b): 409 returns the existing ticket, fetched by the
/// `existing_id` of the answer.
#[tokio::test]
async fn conflict_returns_the_existing_ticket_marked_as_already_existing() {
    let server = server().await;
    create()
        .respond_with(json(409, fixture!("error_409_duplicate.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/WHRTN1044588"))
        .and(bearer_token(SECRET))
        .respond_with(json(200, fixture!("ticket_draft.json")))
        .expect(1)
        .mount(&server)
        .await;

    let outcome = client(&server)
        .create_ticket(&draft())
        .await
        .expect("existing ticket");

    assert!(outcome.already_existed());
    assert_eq!(outcome.into_ticket().id.as_str(), "WHRTN1044588");
}

#[tokio::test]
async fn conflict_without_existing_id_is_resolved_by_reference() {
    let server = server().await;
    create()
        .respond_with(json(
            409,
            json!({"errors": [{"code": 409, "message": "duplicate"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    lookup()
        .respond_with(json(200, page_of(vec![fixture!("ticket_draft.json")])))
        .expect(1)
        .mount(&server)
        .await;

    let outcome = client(&server)
        .create_ticket(&draft())
        .await
        .expect("existing ticket");

    assert!(outcome.already_existed());
}

#[tokio::test]
async fn conflict_whose_ticket_cannot_be_found_is_a_typed_error() {
    let server = server().await;
    create()
        .respond_with(json(
            409,
            json!({"errors": [{"code": 409, "message": "duplicate"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    lookup()
        .respond_with(json(200, fixture!("tickets_empty.json")))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .create_ticket(&draft())
        .await
        .expect_err("nothing to return");

    assert!(
        matches!(&error, Error::DuplicateNotFound { reference, .. } if reference.as_str() == "#1001-R1"),
        "{error:?}"
    );
}

/// Duplicate guarantee (c): a 500 is ambiguous; the lookup finds nothing, so
/// exactly one retry creates the ticket.
#[tokio::test(start_paused = true)]
async fn server_error_then_empty_lookup_retries_once_and_creates() {
    let server = server().await;
    create()
        .respond_with(json(
            500,
            json!({"errors": [{"code": 1, "message": "boom"}]}),
        ))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    create()
        .respond_with(json(201, fixture!("ticket_draft.json")))
        .expect(1)
        .mount(&server)
        .await;
    lookup()
        .respond_with(json(200, fixture!("tickets_empty.json")))
        .expect(1)
        .mount(&server)
        .await;

    let outcome = client(&server)
        .create_ticket(&draft())
        .await
        .expect("created on retry");

    assert!(matches!(outcome, CreateOutcome::Created(_)), "{outcome:?}");
    assert_eq!(count(&server, "POST", TICKETS).await, 2);
}

#[tokio::test(start_paused = true)]
async fn every_retry_is_preceded_by_a_lookup_and_attempts_are_bounded() {
    let server = server().await;
    create()
        .respond_with(json(
            503,
            json!({"errors": [{"code": 2, "message": "down"}]}),
        ))
        .expect(3)
        .mount(&server)
        .await;
    lookup()
        .respond_with(json(200, fixture!("tickets_empty.json")))
        .expect(3)
        .mount(&server)
        .await;
    let cloudx = builder(&server)
        .retry_policy(RetryPolicy::default().with_max_attempts(3))
        .build()
        .expect("valid configuration");

    let error = cloudx.create_ticket(&draft()).await.expect_err("gives up");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.is_retryable());
}

#[tokio::test(start_paused = true)]
async fn ambiguous_failure_with_a_failing_lookup_reports_an_unknown_outcome() {
    let server = server().await;
    create()
        .respond_with(json(
            502,
            json!({"errors": [{"code": 2, "message": "bad gateway"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    lookup()
        .respond_with(json(422, json!({"errors": [{"code": 5, "message": "search unavailable", "field": "reference_number"}]})))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .create_ticket(&draft())
        .await
        .expect_err("outcome unknown");

    assert!(
        matches!(&error, Error::CreateOutcomeUnknown { reference, lookup, .. }
            if reference.as_str() == "#1001-R1" && matches!(**lookup, Error::InvalidFields { .. })),
        "{error:?}"
    );
    assert!(error.is_retryable(), "calling again is safe");
}

#[tokio::test(start_paused = true)]
async fn throttled_create_waits_retry_after_and_repeats_without_lookup() {
    let server = server().await;
    create()
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "5"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    create()
        .respond_with(json(201, fixture!("ticket_draft.json")))
        .expect(1)
        .mount(&server)
        .await;
    let started = tokio::time::Instant::now();

    let outcome = client(&server)
        .create_ticket(&draft())
        .await
        .expect("created after waiting");

    assert!(matches!(outcome, CreateOutcome::Created(_)));
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(
        count(&server, "GET", TICKETS).await,
        0,
        "a 429 needs no lookup"
    );
}

#[tokio::test]
async fn invalid_ticket_is_rejected_before_sending_with_every_problem() {
    let server = server().await;
    let mut ticket = draft();
    ticket.lines = vec![
        NewTicketLine::by_upc("0123", 1),
        NewTicketLine::by_sku("TEE-M-BLK", 0),
    ];

    let error = client(&server)
        .create_ticket(&ticket)
        .await
        .expect_err("invalid");

    let Error::Validation(errors) = &error else {
        panic!("expected a validation error, got {error:?}");
    };
    assert_eq!(
        errors.problems(),
        [
            ValidationProblem::MissingIdentifier {
                line: 0,
                needed: ProductIdentification::Sku
            },
            ValidationProblem::ZeroQuantity { line: 1 },
        ]
    );
    assert!(
        server
            .received_requests()
            .await
            .expect("recording")
            .is_empty(),
        "nothing was sent"
    );
}

#[tokio::test]
async fn unprocessable_fields_become_a_typed_list() {
    let server = server().await;
    create()
        .respond_with(
            json(422, fixture!("error_422_fields.json")).insert_header("X-Request-Id", "req-422"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .create_ticket(&draft())
        .await
        .expect_err("rejected");

    let fields: Vec<_> = error
        .field_errors()
        .iter()
        .map(|e| e.field.as_deref())
        .collect();
    assert_eq!(
        fields,
        [Some("lines[0].expected_quantity"), Some("warehouse_code")]
    );
    assert!(matches!(error, Error::InvalidFields { .. }), "{error:?}");
    assert_eq!(error.request_id(), Some("req-422"));
    assert_eq!(
        error.to_string(),
        "cloudx rejected the request: lines[0].expected_quantity: must be at least 1 (code 20); warehouse_code: unknown warehouse (code 21)"
    );
}

#[tokio::test]
async fn unknown_item_becomes_item_not_found_naming_the_sku() {
    let server = server().await;
    create()
        .respond_with(json(422, fixture!("error_422_item_not_found.json")))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .create_ticket(&draft())
        .await
        .expect_err("rejected");

    let Error::ItemNotFound { items, .. } = &error else {
        panic!("expected ItemNotFound, got {error:?}");
    };
    assert_eq!(items, &[ItemIdentifier::sku("TEE-XXL")]);
    assert_eq!(
        error.to_string(),
        "not in the cloudx item master: lines[1].sku (SKU TEE-XXL)"
    );
    assert_eq!(error.code(), Some(83));
    assert!(error.is_item_not_found());
}

/// A ticket of `n` lines by SKU `SKU-000`, `SKU-001`, ….
fn draft_of(n: usize) -> NewReceivingTicket {
    let lines = (0..n)
        .map(|i| NewTicketLine::by_sku(format!("SKU-{i:03}"), 1))
        .collect();
    NewReceivingTicket::new("#1001-R1", "BERGEN-NJ-01", lines)
}

/// Answers 429 (`Retry-After: 50`) twice, then 503, and again, forever.
struct ThrottleThenFail(std::sync::atomic::AtomicUsize);

impl wiremock::Respond for ThrottleThenFail {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if n % 3 == 2 {
            json(503, json!({"errors": [{"code": 2, "message": "down"}]}))
        } else {
            ResponseTemplate::new(429).insert_header("Retry-After", "50")
        }
    }
}

#[tokio::test(start_paused = true)]
async fn create_attempts_and_waits_are_bounded_by_the_one_retry_policy() {
    let server = server().await;
    create()
        .respond_with(ThrottleThenFail(Default::default()))
        .mount(&server)
        .await;
    lookup()
        .respond_with(json(200, fixture!("tickets_empty.json")))
        .mount(&server)
        .await;
    let policy = RetryPolicy::default()
        .with_max_attempts(4)
        .with_max_elapsed(Duration::from_secs(120));
    let cloudx = builder(&server)
        .retry_policy(policy)
        .build()
        .expect("valid configuration");
    let started = tokio::time::Instant::now();

    let error = cloudx.create_ticket(&draft()).await.expect_err("gives up");

    // 429 at 0 s and 50 s, 503 at 100 s, lookup, 429 at ~100 s; the next
    // wait would pass the 120 s budget. A create loop on top of the
    // transport's own retries starts a fresh budget per attempt and goes on
    // far longer.
    assert!(
        started.elapsed() <= Duration::from_secs(120),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(count(&server, "POST", TICKETS).await, 4);
    assert_eq!(
        count(&server, "GET", TICKETS).await,
        1,
        "one lookup after the 503"
    );
    assert!(error.is_rate_limited(), "{error:?}");
}

#[tokio::test(start_paused = true)]
async fn a_throttled_create_makes_as_many_attempts_as_any_single_call() {
    let server = server().await;
    create()
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/warehouses"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .mount(&server)
        .await;
    let cloudx = builder(&server)
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(3)
                .with_max_elapsed(Duration::from_secs(10)),
        )
        .build()
        .expect("valid configuration");

    let create_error = cloudx.create_ticket(&draft()).await.expect_err("gives up");
    let read_error = cloudx.list_warehouses().await.expect_err("gives up");

    assert!(create_error.is_rate_limited() && read_error.is_rate_limited());
    let posts = count(&server, "POST", TICKETS).await;
    assert_eq!(posts, count(&server, "GET", "/v1/warehouses").await);
    assert_eq!(posts, 11, "one every second within the 10 s budget");
    assert_eq!(
        count(&server, "GET", TICKETS).await,
        0,
        "a 429 needs no lookup"
    );
}

#[tokio::test(start_paused = true)]
async fn server_errors_on_create_use_exactly_the_policys_attempts() {
    for max_attempts in [1, 2, 5] {
        let server = server().await;
        create()
            .respond_with(json(
                503,
                json!({"errors": [{"code": 2, "message": "down"}]}),
            ))
            .mount(&server)
            .await;
        lookup()
            .respond_with(json(200, fixture!("tickets_empty.json")))
            .mount(&server)
            .await;
        let cloudx = builder(&server)
            .retry_policy(RetryPolicy::default().with_max_attempts(max_attempts))
            .build()
            .expect("valid configuration");

        let error = cloudx.create_ticket(&draft()).await.expect_err("gives up");

        assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
        assert_eq!(
            count(&server, "POST", TICKETS).await,
            max_attempts as usize,
            "max_attempts {max_attempts}"
        );
    }
}

#[tokio::test]
async fn a_refusal_listing_forty_bad_lines_yields_forty_field_errors() {
    let server = server().await;
    let errors: Vec<_> = (0..40)
        .map(|i| {
            json!({
                "code": 20,
                "severity": "Error",
                "message": format!("expected_quantity of line {i} exceeds the RMA's quantity"),
                "field": format!("lines[{i}].expected_quantity"),
            })
        })
        .collect();
    let body = json!({ "errors": errors });
    assert!(body.to_string().len() > 2048, "longer than the excerpt");
    create()
        .respond_with(json(422, body))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .create_ticket(&draft_of(40))
        .await
        .expect_err("rejected");

    assert!(matches!(error, Error::InvalidFields { .. }), "{error:?}");
    let fields: Vec<_> = error
        .field_errors()
        .iter()
        .map(|e| e.field.clone().unwrap_or_default())
        .collect();
    let expected: Vec<_> = (0..40)
        .map(|i| format!("lines[{i}].expected_quantity"))
        .collect();
    assert_eq!(fields, expected);
    assert_eq!(error.code(), Some(20));
}

#[tokio::test]
async fn item_not_found_names_every_bad_line_and_keeps_the_other_errors() {
    let server = server().await;
    let mut errors: Vec<_> = (0..40)
        .map(|i| {
            json!({
                "code": 83,
                "severity": "Error",
                "message": format!("ItemNotFound: SKU-{i:03} is not in the item master"),
                "field": format!("lines[{i}].sku"),
            })
        })
        .collect();
    errors.insert(
        7,
        json!({"code": 12, "severity": "Error", "message": "too long", "field": "carrier"}),
    );
    create()
        .respond_with(json(422, json!({ "errors": errors })))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .create_ticket(&draft_of(40))
        .await
        .expect_err("rejected");

    let Error::ItemNotFound {
        items,
        missing,
        errors,
        ..
    } = &error
    else {
        panic!("expected ItemNotFound, got {error:?}");
    };
    assert_eq!(items.len(), 40);
    assert_eq!(missing.len(), 40);
    assert_eq!(errors.len(), 41, "the other error is kept");
    assert_eq!(missing[39].line, Some(39));
    assert_eq!(missing[39].item, Some(ItemIdentifier::sku("SKU-039")));
    let shown = error.to_string();
    for i in 0..40 {
        let named = format!("lines[{i}].sku (SKU SKU-{i:03})");
        assert!(shown.contains(&named), "{named} missing from: {shown}");
    }
    assert!(
        shown.ends_with("; also rejected: carrier: too long (code 12)"),
        "{shown}"
    );
    assert_eq!(error.code(), Some(83));
}

#[tokio::test]
async fn item_not_found_display_keeps_lines_that_repeat_an_item() {
    let server = server().await;
    create()
        .respond_with(json(
            422,
            json!({"errors": [
                {"code": 83, "message": "ItemNotFound", "field": "lines[0].sku"},
                {"code": 83, "message": "ItemNotFound", "field": "lines[1].sku"},
                {"code": 83, "message": "ItemNotFound"},
            ]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let mut ticket = draft_of(2);
    ticket.lines[1].sku = ticket.lines[0].sku.clone();

    let error = client(&server)
        .create_ticket(&ticket)
        .await
        .expect_err("rejected");

    assert_eq!(
        error.to_string(),
        "not in the cloudx item master: lines[0].sku (SKU SKU-000), lines[1].sku (SKU SKU-000), an item cloudx did not name"
    );
}
