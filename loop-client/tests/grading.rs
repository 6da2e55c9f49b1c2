//! Grade Items and Assess Dispositions: request bodies and batching.

#[macro_use]
mod common;

use common::{builder, client, json, loop_mock, server};
use loop_client::{
    ConditionCategory, DispositionOutcome, Error, ItemDisposition, ItemGrade, MAX_ITEMS_PER_CALL,
};
use serde_json::{Value, json as j};
use time::macros::datetime;
use wiremock::matchers::{body_json, body_partial_json};
use wiremock::{Request, ResponseTemplate};

/// Echoes the request's items back, as Loop does.
fn echo(request: &Request) -> ResponseTemplate {
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    ResponseTemplate::new(200).set_body_json(&body["items"])
}

#[tokio::test]
async fn grade_sends_the_documented_body() {
    let server = server().await;
    loop_mock("POST", "/dispositioning/grade")
        .and(body_json(j!({"items": [{
            "line_item_id": 55120931,
            "description": "Scratched sole",
            "condition_category": "grade_b",
            "return_processor": "wms@3pl.example",
            "inspected_at": "2025-03-07 10:02:11"
        }]})))
        .respond_with(json(200, fixture!("graded_items.json")))
        .expect(1)
        .mount(&server)
        .await;

    let graded = client(&server)
        .grade_items(&[ItemGrade::new(55_120_931, "Scratched sole")
            .condition(ConditionCategory::GradeB)
            .return_processor("wms@3pl.example")
            .inspected_at(datetime!(2025-03-07 10:02:11 UTC))])
        .await
        .unwrap();
    assert_eq!(graded.len(), 1);
    assert_eq!(
        graded[0].condition_category,
        Some(ConditionCategory::GradeB)
    );
}

#[tokio::test]
async fn more_than_30_items_are_split_into_calls_in_order() {
    let server = server().await;
    loop_mock("POST", "/dispositioning/grade")
        .respond_with(echo)
        .expect(3)
        .mount(&server)
        .await;

    let items: Vec<ItemGrade> = (1..=65)
        .map(|n| ItemGrade::new(n, format!("item {n}")))
        .collect();
    let graded = client(&server).grade_items(&items).await.unwrap();

    let ids: Vec<u64> = graded
        .iter()
        .map(|g| g.line_item_id.as_ref().unwrap().as_u64().unwrap())
        .collect();
    assert_eq!(ids, (1..=65).collect::<Vec<_>>());
    let sizes: Vec<usize> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().ends_with("/grade"))
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            body["items"].as_array().unwrap().len()
        })
        .collect();
    assert_eq!(sizes, [MAX_ITEMS_PER_CALL, MAX_ITEMS_PER_CALL, 5]);
}

#[tokio::test]
async fn batch_size_can_be_lowered_to_the_guides_20() {
    let server = server().await;
    loop_mock("POST", "/dispositioning/assess")
        .respond_with(echo)
        .expect(2)
        .mount(&server)
        .await;

    let items: Vec<ItemDisposition> = (1..=25)
        .map(|n| ItemDisposition::new(n, DispositionOutcome::BackToStock))
        .collect();
    let client = builder(&server).grading_batch_size(20).build().unwrap();
    assert_eq!(client.assess_dispositions(&items).await.unwrap().len(), 25);
}

#[tokio::test]
async fn a_failing_later_batch_reports_what_was_accepted() {
    let server = server().await;
    loop_mock("POST", "/dispositioning/grade")
        .and(body_partial_json(j!({"items": [{"line_item_id": 31}]})))
        .respond_with(json(
            422,
            r#"{"message":"The items.0.description field is required."}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    loop_mock("POST", "/dispositioning/grade")
        .respond_with(echo)
        .expect(1)
        .mount(&server)
        .await;

    let items: Vec<ItemGrade> = (1..=40).map(|n| ItemGrade::new(n, "ok")).collect();
    let err = client(&server).grade_items(&items).await.unwrap_err();
    let Error::PartialBatch {
        completed, total, ..
    } = &err
    else {
        panic!("expected a partial batch, got {err:?}")
    };
    assert_eq!((*completed, *total), (30, 40));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
}

#[tokio::test]
async fn an_invalid_item_stops_the_whole_call_before_sending() {
    let server = server().await;
    loop_mock("POST", "/dispositioning/grade")
        .respond_with(echo)
        .expect(0)
        .mount(&server)
        .await;

    let mut items: Vec<ItemGrade> = (1..=40).map(|n| ItemGrade::new(n, "ok")).collect();
    items.push(ItemGrade::new(41, "x".repeat(256)));
    let err = client(&server).grade_items(&items).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
}

#[tokio::test]
async fn assess_reads_a_wrapped_echo_with_string_ids() {
    let server = server().await;
    loop_mock("POST", "/dispositioning/assess")
        .and(body_json(j!({"items": [{
            "line_item_id": 55120931,
            "disposition_outcome": "back_to_stock",
            "return_processor": "wms@3pl.example",
            "inspected_at": "2025-03-07 10:02:11"
        }]})))
        .respond_with(json(200, fixture!("assessed_items.json")))
        .expect(1)
        .mount(&server)
        .await;

    let assessed = client(&server)
        .assess_dispositions(&[
            ItemDisposition::new(55_120_931, DispositionOutcome::BackToStock)
                .return_processor("wms@3pl.example")
                .inspected_at(datetime!(2025-03-07 10:02:11 UTC)),
        ])
        .await
        .unwrap();
    assert_eq!(
        assessed[0].line_item_id.as_ref().unwrap().as_str(),
        "55120931"
    );
    assert_eq!(
        assessed[0].disposition_outcome,
        Some(DispositionOutcome::BackToStock)
    );
}

#[tokio::test]
async fn empty_input_sends_nothing() {
    let server = server().await;
    assert!(client(&server).grade_items(&[]).await.unwrap().is_empty());
    assert!(server.received_requests().await.unwrap().is_empty());
}
