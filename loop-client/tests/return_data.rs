//! Detailed Returns List, Get Return Details and the ASN report against
//! wiremock: request shape, pagination, and the quirks of Loop's payloads.

#[macro_use]
mod common;

use std::str::FromStr;

use common::{client, json, loop_mock, server};
use futures::{StreamExt, TryStreamExt};
use loop_client::{
    CurrencyType, DateFilter, LabelStatus, ListReturnsQuery, LoopApi, OrderId, ReturnLookup,
    ReturnOutcome, ReturnState, ReturnType, ReturnWindowQuery, ReturnsPage, VariantId,
};
use rust_decimal::Decimal;
use time::macros::datetime;
use wiremock::matchers::{query_param, query_param_is_missing};

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn week_query() -> ListReturnsQuery {
    ListReturnsQuery::new()
        .from(datetime!(2025-03-01 0:00 UTC))
        .to(datetime!(2025-03-08 0:00 UTC))
        .filter(DateFilter::UpdatedAt)
        .page_size(2)
}

#[tokio::test]
async fn list_page_sends_every_parameter_and_decodes_string_ids() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/list")
        .and(query_param("from", "2025-03-01T00:00:00.000Z"))
        .and(query_param("to", "2025-03-08T00:00:00.000Z"))
        .and(query_param("filter", "updated_at"))
        .and(query_param("state", "review"))
        .and(query_param("paginate", "true"))
        .and(query_param("pageSize", "2"))
        .and(query_param_is_missing("cursor"))
        .respond_with(json(200, fixture!("returns_page_1.json")))
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server)
        .list_returns_page(&week_query().state(ReturnState::Review))
        .await
        .unwrap();

    assert_eq!(page.returns.len(), 2);
    assert_eq!(
        page.next_cursor().unwrap().as_deref(),
        Some("eyJwYWdlIjoyfQ==")
    );
    let first = &page.returns[0];
    assert_eq!(first.id.as_str(), "40211877");
    assert_eq!(first.id.as_u64(), Some(40_211_877));
    assert_eq!(first.state, Some(ReturnState::Open));
    assert_eq!(first.outcome, Some(ReturnOutcome::ExchangeRefund));
    assert_eq!(first.created_at, Some(datetime!(2025-03-04 15:12:09 UTC)));
    assert_eq!(first.edited_at, None);
    assert_eq!(first.total, Some(dec("98.00")));
    assert_eq!(
        first.provider_order_id.as_ref().unwrap().as_str(),
        "5987712334"
    );
    assert_eq!(first.label_status, Some(LabelStatus::InTransit));
    assert_eq!(first.return_type, Some(ReturnType::Standard));
    assert_eq!(first.destination_id.as_ref().unwrap().as_str(), "312");
    assert_eq!(first.exchanges.len(), 1);
    // Unknown fields are kept, not rejected.
    assert!(first.extra.contains_key("return_fraud_score"));
    let lines = &first.line_items;
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0].exchange_variant,
        Some(VariantId::from(44_112_233_446))
    );
    // `""` means absent for barcodes and exchange variants.
    assert_eq!(lines[1].barcode, None);
    assert_eq!(lines[1].exchange_variant, None);
    assert!(lines[1].extra.contains_key("loyalty_points_reversed"));
    assert_eq!(
        first.return_method.as_ref().unwrap().state,
        Some(loop_client::ReturnMethodState::InTransit)
    );
}

#[tokio::test]
async fn unknown_enum_values_offsets_and_placeholders_survive() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/list")
        .respond_with(json(200, fixture!("returns_page_1.json")))
        .mount(&server)
        .await;

    let page = client(&server)
        .list_returns_page(&ListReturnsQuery::new())
        .await
        .unwrap();
    let second = &page.returns[1];
    assert_eq!(
        second.state,
        Some(ReturnState::Unknown("awaiting_pickup".into()))
    );
    assert_eq!(
        second.outcome,
        Some(ReturnOutcome::Unknown("store_credit_plus".into()))
    );
    assert_eq!(
        second.label_status,
        Some(LabelStatus::Unknown("awaiting_scan".into()))
    );
    assert_eq!(second.return_type, Some(ReturnType::Warranty));
    // `+01:00` offset, and money as a JSON number.
    assert_eq!(second.created_at, Some(datetime!(2025-03-04 15:00:00 UTC)));
    assert_eq!(second.total, Some(dec("25")));
    // `"N/A"` means no carrier yet.
    assert_eq!(second.carrier, None);
    assert_eq!(second.tracking_number, None);
}

/// Mounts the three-page fixture chain, each page matched by its cursor.
async fn mount_three_pages(server: &wiremock::MockServer) {
    loop_mock("GET", "/warehouse/return/list")
        .and(query_param_is_missing("cursor"))
        .and(query_param("filter", "updated_at"))
        .respond_with(json(200, fixture!("returns_page_1.json")))
        .expect(1)
        .mount(server)
        .await;
    loop_mock("GET", "/warehouse/return/list")
        .and(query_param("cursor", "eyJwYWdlIjoyfQ=="))
        // The caller's filters go with the cursor, not the link's.
        .and(query_param("from", "2025-03-01T00:00:00.000Z"))
        .and(query_param("filter", "updated_at"))
        .respond_with(json(200, fixture!("returns_page_2.json")))
        .expect(1)
        .mount(server)
        .await;
    loop_mock("GET", "/warehouse/return/list")
        .and(query_param("cursor", "eyJwYWdlIjozfQ=="))
        .respond_with(json(200, fixture!("returns_page_3.json")))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn stream_follows_next_page_url_over_three_pages() {
    let server = server().await;
    mount_three_pages(&server).await;

    let returns: Vec<_> = client(&server)
        .returns_stream(week_query())
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<&str> = returns.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["40211877", "40211878", "40211879", "40211880"]);
    // `line_items: null` reads as no items.
    assert!(returns[3].line_items.is_empty());
}

#[tokio::test]
async fn a_repeated_cursor_is_a_pagination_error_after_the_page_that_carried_it() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/list")
        .and(query_param_is_missing("cursor"))
        .respond_with(json(200, fixture!("returns_page_1.json")))
        .expect(1)
        .mount(&server)
        .await;
    // Page 2 points at its own cursor again.
    loop_mock("GET", "/warehouse/return/list")
        .and(query_param("cursor", "eyJwYWdlIjoyfQ=="))
        .respond_with(json(200, fixture!("returns_page_repeating.json")))
        .expect(1)
        .mount(&server)
        .await;

    let results: Vec<Result<_, loop_client::Error>> =
        client(&server).returns_stream(week_query()).collect().await;
    // The three returns read, then the error naming the repeated cursor:
    // never a silent `Ok` end.
    assert_eq!(results.len(), 4);
    assert!(results[..3].iter().all(Result::is_ok));
    let Err(err @ loop_client::Error::Pagination { url, reason }) = &results[3] else {
        panic!("expected a pagination error, got {:?}", results[3])
    };
    assert!(err.is_pagination());
    assert!(url.contains("cursor=eyJwYWdlIjoyfQ%3D%3D"), "{url}");
    assert!(reason.contains("\"eyJwYWdlIjoyfQ==\""), "{reason}");
}

#[tokio::test]
async fn returns_in_window_reports_a_repeated_page_instead_of_ending() {
    let server = server().await;
    // The first page links onwards; the server ignores the cursor and
    // serves the first page again.
    loop_mock("GET", "/warehouse/return/list")
        .and(query_param("state", "open"))
        .and(query_param_is_missing("cursor"))
        .respond_with(json(
            200,
            r#"{"returns":[{"id":"1"},{"id":"2"}],"nextPageUrl":"https://x/list?cursor=c1"}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    loop_mock("GET", "/warehouse/return/list")
        .and(query_param("state", "open"))
        .and(query_param("cursor", "c1"))
        .respond_with(json(
            200,
            r#"{"returns":[{"id":"1"},{"id":"2"}],"nextPageUrl":"https://x/list?cursor=c2"}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;

    let query = ReturnWindowQuery::new(
        datetime!(2025-03-01 0:00 UTC),
        datetime!(2025-03-08 0:00 UTC),
    )
    .states([ReturnState::Open]);
    let client = client(&server);
    let mut stream = client.returns_in_window(query);
    assert_eq!(stream.try_next().await.unwrap().unwrap().id.as_str(), "1");
    assert_eq!(stream.try_next().await.unwrap().unwrap().id.as_str(), "2");
    let err = stream.try_next().await.unwrap_err();
    let loop_client::Error::Pagination { url, reason } = &err else {
        panic!("expected a pagination error, got {err:?}")
    };
    assert_eq!(url, "https://x/list?cursor=c1");
    assert!(reason.contains("repeats a page already read"), "{reason}");
}

#[tokio::test]
async fn pages_carry_their_request_id_and_links() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/list")
        .and(query_param_is_missing("cursor"))
        .respond_with(
            json(200, fixture!("returns_page_1.json")).insert_header("x-request-id", "req-1"),
        )
        .expect(1)
        .mount(&server)
        .await;
    loop_mock("GET", "/warehouse/return/list")
        .and(query_param("cursor", "eyJwYWdlIjoyfQ=="))
        .respond_with(
            json(200, fixture!("returns_page_3.json")).insert_header("x-request-id", "req-2"),
        )
        .expect(1)
        .mount(&server)
        .await;

    // No trait import beyond the prelude is needed to find the streams.
    use loop_client::prelude::*;
    let client = client(&server);
    let pages: Vec<ReturnsPage> = client
        .returns_pages(week_query())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].request_id.as_deref(), Some("req-1"));
    assert_eq!(pages[1].request_id.as_deref(), Some("req-2"));
    assert!(pages[0].next_page_url.is_some());
    assert_eq!(pages[1].next_page_url, None);
}

#[tokio::test]
async fn pagination_off_accepts_a_bare_array() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/list")
        .and(query_param_is_missing("paginate"))
        .respond_with(json(200, fixture!("returns_bare_array.json")))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let returns: Vec<_> = client
        .returns_stream(ListReturnsQuery::new().paginate(false))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(returns.len(), 2);
    // The same id as a string and as an integer.
    assert_eq!(returns[1].id.as_str(), "40211878");
    assert_eq!(returns[1].state, Some(ReturnState::Review));
    assert_eq!(
        returns[1].created_at,
        Some(datetime!(2025-03-04 16:00:00 UTC))
    );
    assert_eq!(returns[1].total, Some(dec("25.5")));
}

#[tokio::test]
async fn window_helper_splits_long_ranges_and_passes_each_state() {
    let server = server().await;
    // 200 days → two windows; two states each → four requests. Each pass
    // lists its own return, and the return updated on the shared bound
    // comes back in both windows.
    let bound = "2024-04-30T00:00:00.000Z";
    for (window, from, to) in [
        ("w1", "2024-01-01T00:00:00.000Z", bound),
        ("w2", bound, "2024-07-19T00:00:00.000Z"),
    ] {
        for state in ["cancelled", "review"] {
            let body = format!(
                r#"{{"returns":[
                    {{"id":"{state}-{window}","state":"{state}","updated_at":"{from}"}},
                    {{"id":"edge-{state}","state":"{state}","updated_at":"{bound}"}}
                ],"nextPageUrl":null}}"#
            );
            loop_mock("GET", "/warehouse/return/list")
                .and(query_param("from", from))
                .and(query_param("to", to))
                .and(query_param("state", state))
                .and(query_param("filter", "updated_at"))
                .respond_with(json(200, &body))
                .expect(1)
                .mount(&server)
                .await;
        }
    }

    let query = ReturnWindowQuery::new(
        datetime!(2024-01-01 0:00 UTC),
        datetime!(2024-07-19 0:00 UTC),
    )
    .filter(DateFilter::UpdatedAt)
    .states([ReturnState::Cancelled, ReturnState::Review]);
    let returns: Vec<_> = client(&server)
        .returns_in_window(query)
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<&str> = returns.iter().map(|r| r.id.as_str()).collect();
    // Each return once: the bound's returns are not repeated by the second
    // window.
    assert_eq!(
        ids,
        [
            "cancelled-w1",
            "edge-cancelled",
            "review-w1",
            "edge-review",
            "cancelled-w2",
            "review-w2"
        ]
    );
}

#[tokio::test]
async fn page_size_over_750_is_refused_before_sending() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/list")
        .respond_with(json(200, "[]"))
        .expect(0)
        .mount(&server)
        .await;

    let err = client(&server)
        .list_returns_page(&ListReturnsQuery::new().page_size(751))
        .await
        .unwrap_err();
    assert!(matches!(err, loop_client::Error::InvalidInput(_)), "{err}");
}

#[tokio::test]
async fn details_by_return_id_reads_integer_ids_and_space_timestamps() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/details")
        .and(query_param("return_id", "37603915"))
        .and(query_param("currency_type", "presentment"))
        .and(query_param_is_missing("order_id"))
        .respond_with(json(200, fixture!("return_details.json")))
        .expect(1)
        .mount(&server)
        .await;

    let ret = client(&server)
        .get_return(
            &ReturnLookup::ReturnId(37_603_915.into()),
            Some(CurrencyType::Presentment),
        )
        .await
        .unwrap();

    assert_eq!(ret.id.as_str(), "37603915");
    assert_eq!(ret.order_id, Some(OrderId::from(2_347_613_440_760)));
    assert_eq!(ret.created_at, Some(datetime!(2023-08-22 14:08:31 UTC)));
    assert_eq!(ret.provider_order_number.as_deref(), Some("2222"));
    assert_eq!(ret.multi_currency, Some(true));
    assert_eq!(ret.refunds[0].amount, Some(dec("60.00")));
    let item = &ret.line_items[0];
    assert_eq!(item.line_item_id.as_str(), "77001");
    assert_eq!(item.line_item_title.as_deref(), Some("Jacket - Black / L"));
    let condition = item.condition.as_ref().unwrap();
    assert_eq!(
        condition.condition_category,
        Some(loop_client::ConditionCategory::GradeC)
    );
    assert_eq!(
        condition.inspected_at,
        Some(datetime!(2023-08-25 10:00:00 UTC))
    );
    assert_eq!(
        item.disposition.as_ref().unwrap().disposition_outcome,
        Some(loop_client::DispositionOutcome::Unknown("refurbish".into()))
    );
    let label = &ret.labels[0];
    assert_eq!(label.rate, Some(dec("1093")));
    assert_eq!(label.status, Some(LabelStatus::Delivered));
    assert_eq!(label.line_items, vec![77_001.into()]);
}

#[tokio::test]
async fn details_by_order_id_and_by_order_name() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/details")
        .and(query_param("order_id", "2347613440760"))
        .and(query_param_is_missing("currency_type"))
        .respond_with(json(200, fixture!("return_details.json")))
        .expect(1)
        .mount(&server)
        .await;
    loop_mock("GET", "/warehouse/return/details")
        .and(query_param("order_name", "#2222"))
        .and(query_param("currency_type", "shop"))
        .respond_with(json(200, fixture!("return_details.json")))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let by_order = client
        .get_return(&ReturnLookup::OrderId(2_347_613_440_760.into()), None)
        .await
        .unwrap();
    let by_name = client
        .get_return(
            &ReturnLookup::OrderName("#2222".into()),
            Some(CurrencyType::Shop),
        )
        .await
        .unwrap();
    assert_eq!(by_order, by_name);
}

#[tokio::test]
async fn asn_report_sends_the_window_and_reads_mixed_rows() {
    let server = server().await;
    loop_mock("GET", "/warehouse/reporting/asn")
        .and(query_param("from", "2025-03-04T00:00:00.000Z"))
        .and(query_param("to", "2025-03-05T00:00:00.000Z"))
        .respond_with(json(200, fixture!("asn_report.json")))
        .expect(1)
        .mount(&server)
        .await;

    let rows = client(&server)
        .asn_report(
            datetime!(2025-03-04 0:00 UTC),
            datetime!(2025-03-05 0:00 UTC),
        )
        .await
        .unwrap();

    assert_eq!(rows.len(), 2);
    // Integer row id, string line-item id in one row; the reverse in the other.
    assert_eq!(rows[0].id.as_ref().unwrap().as_str(), "918273");
    assert_eq!(
        rows[0].return_line_item_id.as_ref().unwrap().as_str(),
        "55120931"
    );
    assert_eq!(rows[1].id.as_ref().unwrap().as_str(), "918274");
    assert_eq!(
        rows[1].return_line_item_id.as_ref().unwrap().as_str(),
        "55120932"
    );
    assert_eq!(rows[0].label_rate, Some(dec("5.99")));
    assert_eq!(rows[0].restock_status, None);
    assert_eq!(rows[1].state, Some(ReturnState::Review));
    assert_eq!(rows[1].label_status, Some(LabelStatus::NotAvailable));
    assert_eq!(rows[1].carrier, None);
    assert_eq!(rows[1].barcode, None);
    assert_eq!(rows[1].outcome, Some(ReturnOutcome::CreditRefund));
    assert_eq!(rows[1].created_at, Some(datetime!(2025-03-04 15:12:09 UTC)));
    assert!(rows[1].extra.contains_key("new_column_added_by_loop"));
}

#[tokio::test]
async fn fixtures_survive_an_encode_decode_round_trip() {
    // Catches fields that decode but do not encode back (and the reverse).
    let page: ReturnsPage = serde_json::from_str(fixture!("returns_page_1.json")).unwrap();
    for ret in &page.returns {
        let encoded = serde_json::to_string(ret).unwrap();
        let decoded: loop_client::Return = serde_json::from_str(&encoded).unwrap();
        assert_eq!(&decoded, ret);
    }
    let rows: Vec<loop_client::AsnRow> = serde_json::from_str(fixture!("asn_report.json")).unwrap();
    for row in &rows {
        let decoded: loop_client::AsnRow =
            serde_json::from_str(&serde_json::to_string(row).unwrap()).unwrap();
        assert_eq!(&decoded, row);
    }
}
