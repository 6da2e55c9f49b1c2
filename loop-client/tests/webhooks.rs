//! Webhook subscriptions against wiremock, and delivery verification and
//! parsing on the fixtures.

#[macro_use]
mod common;

use common::{client, json, loop_mock, server};
use loop_client::webhook::{
    SIGNATURE_HEADER, SignatureError, WebhookError, WebhookEvent, parse_event, sign, verify_event,
};
use loop_client::{
    LabelStatus, ReturnId, ReturnState, WebhookId, WebhookStatus, WebhookSubscription,
    WebhookTopic, WebhookTrigger,
};
use serde_json::json as j;
use time::macros::datetime;
use wiremock::ResponseTemplate;
use wiremock::matchers::body_json;

const SECRET: &str = "whsec-test";

fn subscription() -> WebhookSubscription {
    WebhookSubscription::new(
        WebhookTopic::Return,
        WebhookTrigger::ReturnClosed,
        "https://wms.example/hooks/loop",
    )
}

#[tokio::test]
async fn list_reads_known_and_unknown_topics() {
    let server = server().await;
    loop_mock("GET", "/webhooks")
        .respond_with(json(200, fixture!("webhooks_list.json")))
        .expect(1)
        .mount(&server)
        .await;

    let hooks = client(&server).list_webhooks().await.unwrap();
    assert_eq!(hooks.len(), 3);
    assert_eq!(hooks[0].topic, Some(WebhookTopic::Return));
    assert_eq!(hooks[1].status, Some(WebhookStatus::Inactive));
    assert_eq!(hooks[2].id, WebhookId::from(13));
    assert_eq!(
        hooks[2].topic,
        Some(WebhookTopic::Unknown("happy.returns.bulk".into()))
    );
    assert_eq!(
        hooks[2].status,
        Some(WebhookStatus::Unknown("paused".into()))
    );
}

#[tokio::test]
async fn create_sends_topic_trigger_url_and_an_explicit_active_status() {
    let server = server().await;
    loop_mock("POST", "/webhooks")
        .and(body_json(j!({
            "topic": "return",
            "trigger": "return.closed",
            "url": "https://wms.example/hooks/loop",
            "status": "active"
        })))
        .respond_with(json(200, fixture!("webhook_created.json")))
        .expect(1)
        .mount(&server)
        .await;

    let hook = client(&server)
        .create_webhook(&subscription())
        .await
        .unwrap();
    assert_eq!(hook.id, WebhookId::from(14));
    assert_eq!(hook.trigger, Some(WebhookTrigger::ReturnClosed));
}

#[tokio::test]
async fn update_puts_the_body_and_accepts_204() {
    let server = server().await;
    loop_mock("PUT", "/webhooks/14")
        .and(body_json(j!({
            "topic": "return",
            "trigger": "return.closed",
            "url": "https://wms.example/hooks/loop",
            "status": "inactive"
        })))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let updated = client(&server)
        .update_webhook(
            &WebhookId::from(14),
            &subscription().status(WebhookStatus::Inactive),
        )
        .await
        .unwrap();
    assert_eq!(updated, None);
}

#[tokio::test]
async fn update_returns_the_subscription_when_loop_echoes_it() {
    let server = server().await;
    loop_mock("PUT", "/webhooks/14")
        .respond_with(json(200, fixture!("webhook_created.json")))
        .expect(1)
        .mount(&server)
        .await;

    let updated = client(&server)
        .update_webhook(&WebhookId::from(14), &subscription())
        .await
        .unwrap();
    assert_eq!(updated.unwrap().id, WebhookId::from(14));
}

#[tokio::test]
async fn delete_accepts_204_and_reports_404_with_loops_code() {
    let server = server().await;
    loop_mock("DELETE", "/webhooks/14")
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    loop_mock("DELETE", "/webhooks/99")
        .respond_with(json(404, fixture!("error_404_webhook.json")))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    client.delete_webhook(&WebhookId::from(14)).await.unwrap();
    let err = client
        .delete_webhook(&WebhookId::from(99))
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some(loop_client::ErrorCode::NotFound));
}

#[test]
fn return_payload_parses_with_integer_ids_and_sales_channel() {
    let event = parse_event(fixture!("webhook_return.json").as_bytes()).unwrap();
    let WebhookEvent::Return(event) = event else {
        panic!("expected a return event, got {event:?}")
    };
    assert_eq!(event.trigger, Some(WebhookTrigger::ReturnUpdated));
    assert_eq!(event.shop_id.as_ref().unwrap().as_str(), "5521");
    let ret = &event.ret;
    assert_eq!(ret.id, ReturnId::from(1673));
    // Older docs' spelling of the review state.
    assert_eq!(ret.state, Some(ReturnState::Review));
    assert_eq!(
        ret.provider_order_sales_channel.as_deref(),
        Some("Online Store")
    );
    assert_eq!(ret.provider_order_number.as_deref(), Some("10452"));
    assert_eq!(
        ret.status_page_url.as_deref(),
        Some("https://shop.loopreturns.com/#/return/0d1c")
    );
    assert_eq!(
        ret.customer_detail.as_ref().unwrap().last_name.as_deref(),
        Some("Doe")
    );
    assert_eq!(
        ret.address.as_ref().unwrap().city.as_deref(),
        Some("Berlin")
    );
    // Refund amount as a JSON number.
    assert_eq!(ret.refunds[0].amount.unwrap().to_string(), "49.5");
    assert_eq!(ret.labels[0].line_items.len(), 2);
    assert_eq!(ret.line_items[1].barcode, None);
    assert!(ret.extra.contains_key("brand_new_field"));
    assert!(!ret.extra.contains_key("topic"));
}

#[test]
fn label_payload_reads_the_misspelt_timestamp() {
    let event = parse_event(fixture!("webhook_label.json").as_bytes()).unwrap();
    let WebhookEvent::Label(label) = &event else {
        panic!("expected a label event, got {event:?}")
    };
    assert_eq!(event.return_id(), Some(&ReturnId::from(40_211_877)));
    assert_eq!(label.label_status, Some(LabelStatus::OutForDelivery));
    assert_eq!(
        label.label_updated_at,
        Some(datetime!(2025-03-06 07:30:00 UTC))
    );
    assert_eq!(label.shipment_id.as_ref().unwrap().as_str(), "991");
}

#[test]
fn processing_failure_payload_parses() {
    let event = parse_event(fixture!("webhook_return_processing.json").as_bytes()).unwrap();
    let WebhookEvent::ReturnProcessing(failure) = &event else {
        panic!("expected a processing event, got {event:?}")
    };
    assert_eq!(
        event.trigger(),
        Some(&WebhookTrigger::ReturnProcessingFailed)
    );
    assert_eq!(failure.return_id, Some(ReturnId::from(40_211_877)));
    assert_eq!(failure.return_state, Some(ReturnState::Open));
    assert_eq!(failure.message, None);
    assert_eq!(failure.source.as_deref(), Some("warehouse"));
}

#[test]
fn unknown_topics_fall_back_to_raw_json() {
    let event = parse_event(fixture!("webhook_restock.json").as_bytes()).unwrap();
    let WebhookEvent::Other(other) = &event else {
        panic!("expected the fallback, got {event:?}")
    };
    assert_eq!(other.topic, Some(WebhookTopic::Restock));
    assert_eq!(other.payload["items"][0]["sku"], "LS-SAND-M");
}

#[test]
fn invalid_payload_names_the_json_path() {
    let err = parse_event(br#"{"topic":"return","id":"1","line_items":[{"line_item_id":true}]}"#)
        .unwrap_err();
    let WebhookError::Payload { path, .. } = &err else {
        panic!("expected a payload error, got {err:?}")
    };
    assert_eq!(path, "line_items[0].line_item_id");
}

#[test]
fn verification_accepts_the_raw_body_it_was_signed_over() {
    let body = fixture!("webhook_return.json").as_bytes();
    let header = sign(body, SECRET);
    let event = verify_event(body, Some(&header), SECRET).unwrap();
    assert!(matches!(event, WebhookEvent::Return(_)));
    assert_eq!(SIGNATURE_HEADER, "X-Loop-Signature");
}

#[test]
fn verification_rejects_tampering_wrong_secret_missing_header_and_reserialisation() {
    let body = fixture!("webhook_return.json").as_bytes();
    let header = sign(body, SECRET);

    let tampered = String::from_utf8(body.to_vec())
        .unwrap()
        .replace("98.00", "0.01");
    let cases: [(&[u8], Option<&str>, &str, SignatureError); 3] = [
        (
            tampered.as_bytes(),
            Some(&header),
            SECRET,
            SignatureError::Mismatch,
        ),
        (
            body,
            Some(&header),
            "another-secret",
            SignatureError::Mismatch,
        ),
        (body, None, SECRET, SignatureError::MissingHeader),
    ];
    for (body, header, secret, expected) in cases {
        let err = verify_event(body, header, secret).unwrap_err();
        assert!(
            matches!(&err, WebhookError::Signature(e) if *e == expected),
            "{err:?}"
        );
    }

    // Parsing and re-encoding changes the bytes (escaped slashes, spacing):
    // the signature no longer matches.
    let value: serde_json::Value = serde_json::from_slice(body).unwrap();
    let reserialised = serde_json::to_vec(&value).unwrap();
    assert!(matches!(
        verify_event(&reserialised, Some(&header), SECRET),
        Err(WebhookError::Signature(SignatureError::Mismatch))
    ));
}
