//! Decoders and parsers never panic.
//!
//! CloudX's wire types are private to the crate (its wire names live in one
//! module), so every response is read the way a caller reads it: through the
//! client, over a loopback socket, from a server answering each case with a
//! hostile variant of a recorded fixture or arbitrary bytes. That covers
//! the transport's classifier and decoder, the wire → model conversion, the
//! error-body reading and the `returns-core` conversion of a ticket. The
//! property: each call returns a value or a typed error; it never panics and
//! never overflows the stack.
//!
//! 256 cases per operation by default; more with
//! `PROPTEST_CASES=20000 cargo test --release -p cloudx-client --test never_panics`.

use cloudx_client::prelude::*;
use cloudx_client::transport::{RateLimit, Request, RetryPolicy, Timeouts};
use cloudx_client::*;
use futures::StreamExt;
use http_transport::fixture;
use http_transport::testing::json_mutation::{hostile_body, nesting_bombs};
use http_transport::testing::{CannedAnswer, CannedServer};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
#[cfg(feature = "core")]
use returns_core::ShipmentObservation;

const FIXTURES: &[(&str, &[u8])] = &[
    fixture!("error_404_ticket.json"),
    fixture!("error_409_duplicate.json"),
    fixture!("error_409_not_cancellable.json"),
    fixture!("error_422_fields.json"),
    fixture!("error_422_item_not_found.json"),
    fixture!("items_empty.json"),
    fixture!("items_found.json"),
    fixture!("ticket_draft.json"),
    fixture!("ticket_received.json"),
    fixture!("ticket_unknown_status.json"),
    fixture!("tickets_empty.json"),
    fixture!("tickets_page_1.json"),
    fixture!("tickets_page_2.json"),
    fixture!("warehouses.json"),
];

/// The fixture called `name`.
fn fixture(name: &str) -> &'static [u8] {
    FIXTURES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, bytes)| *bytes)
        .unwrap_or_else(|| panic!("no fixture {name}"))
}

/// The seeds of operation `n` (see [`call`]): the bodies it answers to,
/// so that mutations reach deep into what it reads.
fn seeds(n: usize) -> Vec<&'static [u8]> {
    let names: &[&str] = match n {
        0 => &[
            "tickets_empty.json",
            "tickets_page_1.json",
            "ticket_draft.json",
            "error_409_duplicate.json",
            "error_422_fields.json",
            "error_422_item_not_found.json",
        ],
        1 | 8 => &[
            "ticket_received.json",
            "ticket_draft.json",
            "ticket_unknown_status.json",
            "error_404_ticket.json",
        ],
        2 | 6 | 9 => &[
            "tickets_page_1.json",
            "tickets_page_2.json",
            "tickets_empty.json",
        ],
        3 => &[
            "ticket_draft.json",
            "error_409_not_cancellable.json",
            "error_404_ticket.json",
        ],
        4 | 7 => &[
            "items_found.json",
            "items_empty.json",
            "error_422_item_not_found.json",
        ],
        5 | 10 => &["warehouses.json"],
        _ => return FIXTURES.iter().map(|(_, bytes)| *bytes).collect(),
    };
    names.iter().map(|name| fixture(name)).collect()
}

/// A status a response may carry: mostly 200, then every class.
fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        6 => Just(200u16),
        3 => prop::sample::select(vec![201u16, 204, 400, 401, 403, 404, 409, 422, 429, 500, 503]),
        1 => 100u16..=999,
    ]
}

struct Harness {
    runtime: tokio::runtime::Runtime,
    client: CloudxClient,
    server: CannedServer,
}

/// A client whose every call reaches the canned answer: no retries, no rate
/// limit, at most 3 pages per stream.
fn harness() -> Harness {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = runtime.block_on(CannedServer::start());
    let client = CloudxClient::builder("cx-secret")
        .base_url(format!("{}/v1", server.uri()))
        .timeouts(Timeouts::none())
        .retry_policy(RetryPolicy::none())
        .rate_limit(RateLimit::Unlimited)
        .max_pages(3)
        .build()
        .expect("client builds");
    Harness {
        runtime,
        client,
        server,
    }
}

/// Reads everything a caller may read of a ticket, including its
/// `returns-core` observation.
fn read_ticket(ticket: &ReceivingTicket) {
    let _ = (ticket.phase(), ticket.is_terminal());
    let _ = (ticket.total_expected(), ticket.total_received());
    let _ = ticket.is_received_as_expected();
    for line in &ticket.lines {
        let _ = (
            line.shortage(),
            line.over_receipt(),
            line.sellable_quantity(),
        );
        let _ = (line.is_damaged(), line.is_complete());
    }
    #[cfg(feature = "core")]
    let _ = ShipmentObservation::try_from(ticket);
}

fn draft() -> NewReceivingTicket {
    NewReceivingTicket::new(
        "#1001-R1",
        "BERGEN-NJ-01",
        vec![
            NewTicketLine::by_sku("TEE-M-BLK", 2),
            NewTicketLine::by_upc("0123456789012", 1),
        ],
    )
}

/// The operations whose answers the client reads, by number.
const OPERATIONS: usize = 12;

/// Runs operation `n` and reads its result; `Ok` when it returned a value.
async fn call(client: &CloudxClient, n: usize) -> Result<(), Error> {
    let id = TicketId::new("WHRTN1044588");
    match n {
        0 => client
            .create_ticket(&draft())
            .await
            .map(|outcome| read_ticket(outcome.ticket())),
        1 => client.get_ticket(&id).await.map(|t| read_ticket(&t)),
        2 => client
            .list_tickets(&TicketQuery::new().per_page(50))
            .await
            .map(|page| page.tickets.iter().for_each(read_ticket)),
        3 => client
            .cancel_ticket(&id)
            .await
            .map(|outcome| read_ticket(outcome.ticket())),
        4 => client
            .find_item(&ItemIdentifier::sku("TEE-M-BLK"))
            .await
            .map(drop),
        5 => client.list_warehouses().await.map(drop),
        6 => client
            .find_ticket_by_reference(&ReferenceNumber::new("#1001-R1"))
            .await
            .map(|t| t.iter().for_each(read_ticket)),
        7 => client
            .verify_items(&[
                ItemIdentifier::sku("TEE-M-BLK"),
                ItemIdentifier::upc("0123456789012"),
            ])
            .await
            .map(drop),
        8 => {
            let seen = [
                SeenTicket::new("WHRTN1044588", Some(TicketPhase::Open)),
                SeenTicket::new("WHRTN1044600", None),
            ];
            let report = client.refresh_tickets(&seen).await;
            let _ = report.newly_terminal().count();
            Ok(())
        }
        9 => {
            let tickets: Vec<Result<ReceivingTicket, Error>> =
                client.tickets(TicketQuery::new()).collect().await;
            tickets.iter().flatten().for_each(read_ticket);
            Ok(())
        }
        10 => client.check_connection("BERGEN-NJ-01").await.map(drop),
        _ => client
            .send_raw(Request::get("/receiving-tickets"))
            .await
            .map(drop),
    }
}

/// Every operation, 256 cases each (or `PROPTEST_CASES`): mutated fixtures
/// and arbitrary bytes under any status.
#[test]
fn client_operations_never_panic() {
    let harness = harness();
    for operation in 0..OPERATIONS {
        let strategy = (status(), hostile_body(&seeds(operation)));
        TestRunner::new(Config {
            failure_persistence: None,
            ..Config::default()
        })
        .run(&strategy, |(status, body)| {
            harness.server.answer(CannedAnswer::new(status, &body[..]));
            let _ = harness.runtime.block_on(call(&harness.client, operation));
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("operation {operation}: {failure}"));
    }
}

/// The wiring check: each read operation fed its own fixture succeeds, so
/// the property above reaches the decoders rather than stopping short.
#[test]
fn client_operations_accept_their_fixtures() {
    let harness = harness();
    let cases = [
        (1, "ticket_received.json"),
        (1, "ticket_unknown_status.json"),
        (2, "tickets_page_1.json"),
        (4, "items_found.json"),
        (5, "warehouses.json"),
        (6, "tickets_page_1.json"),
        (10, "warehouses.json"),
    ];
    for (operation, name) in cases {
        harness.server.answer(CannedAnswer::new(200, fixture(name)));
        harness
            .runtime
            .block_on(call(&harness.client, operation))
            .unwrap_or_else(|e| panic!("operation {operation} on {name}: {e}"));
    }
}

/// 10 000 nested arrays or objects as the whole body, in place of every
/// value and as an extra field of every object of the ticket fixtures, read
/// through the ticket operations: each is an error or is skipped, never a
/// stack overflow (which would abort this test).
#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let harness = harness();
    for name in [
        "ticket_received.json",
        "tickets_page_2.json",
        "warehouses.json",
    ] {
        for (i, bomb) in nesting_bombs(fixture(name)).iter().enumerate() {
            harness.server.answer(CannedAnswer::new(200, &bomb[..]));
            for operation in [1, 2, 5] {
                let result = harness.runtime.block_on(call(&harness.client, operation));
                if i == 0 {
                    let error = result.expect_err("10 000 nested arrays are refused");
                    assert!(error.is_decode(), "{error}");
                }
            }
        }
    }
}
