//! Return actions against wiremock: request shape, Loop's `"true"` / `true`
//! success bodies, and business errors inside HTTP 200.

#[macro_use]
mod common;

use common::{client, json, loop_mock, server};
use loop_client::{AdditionalDetails, Error, ErrorCode, LineItemId, ReturnId, ReturnState};
use serde_json::json as j;
use wiremock::ResponseTemplate;
use wiremock::matchers::{body_json, body_string, header_exists, query_param};

fn return_id() -> ReturnId {
    ReturnId::from(40_211_877)
}

#[tokio::test]
async fn process_without_details_sends_no_body_and_accepts_the_string_true() {
    let server = server().await;
    loop_mock("POST", "/warehouse/return/40211877/process")
        .and(body_string(""))
        .respond_with(json(200, "\"true\""))
        .expect(1)
        .mount(&server)
        .await;

    client(&server)
        .process_return(&return_id(), None)
        .await
        .unwrap();
}

#[tokio::test]
async fn process_with_additional_details_sends_them_as_json() {
    let server = server().await;
    loop_mock("POST", "/warehouse/return/40211877/process")
        .and(body_json(
            j!({"wms_rma": "RMA-40211877", "received_by": "dock-3"}),
        ))
        .and(header_exists("content-type"))
        .respond_with(json(200, "true"))
        .expect(1)
        .mount(&server)
        .await;

    let mut details = AdditionalDetails::new();
    details.insert("wms_rma".into(), "RMA-40211877".into());
    details.insert("received_by".into(), "dock-3".into());
    client(&server)
        .process_return(&return_id(), Some(&details))
        .await
        .unwrap();
}

#[tokio::test]
async fn flag_cancel_and_close_post_to_their_paths() {
    let server = server().await;
    for action in ["flag", "cancel", "close"] {
        loop_mock("POST", &format!("/warehouse/return/40211877/{action}"))
            .and(body_string(""))
            .respond_with(json(200, "\"true\""))
            .expect(1)
            .mount(&server)
            .await;
    }

    let client = client(&server);
    client.flag_return(&return_id()).await.unwrap();
    client.cancel_return(&return_id()).await.unwrap();
    client.close_return(&return_id()).await.unwrap();
}

#[tokio::test]
async fn remove_line_items_joins_ids_with_commas() {
    let server = server().await;
    loop_mock("POST", "/warehouse/return/40211877/remove")
        .and(query_param("line_item_id", "55120931,55120932"))
        .respond_with(json(200, "\"true\""))
        .expect(1)
        .mount(&server)
        .await;

    client(&server)
        .remove_line_items(
            &return_id(),
            &[LineItemId::from(55_120_931), LineItemId::new("55120932")],
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn remove_line_items_needs_at_least_one_id() {
    let server = server().await;
    let err = client(&server)
        .remove_line_items(&return_id(), &[])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
}

#[tokio::test]
async fn remove_line_items_403_is_not_found_not_unauthorized() {
    let server = server().await;
    loop_mock("POST", "/warehouse/return/40211877/remove")
        .respond_with(json(403, r#"{"message":"Forbidden"}"#))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .remove_line_items(&return_id(), &[LineItemId::from(1)])
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert!(matches!(err, Error::ReturnNotFound { .. }), "{err}");
    assert!(err.is_not_found(), "{err}");
    assert!(!err.is_unauthorized(), "{err}");
    assert!(!err.is_retryable(), "{err}");
    assert!(
        err.to_string().contains("return 40211877 not found"),
        "{err}"
    );
}

#[tokio::test]
async fn remove_line_items_422_is_a_rejection_with_the_reason() {
    let server = server().await;
    loop_mock("POST", "/warehouse/return/40211877/remove")
        .respond_with(json(422, fixture!("error_422_line_items.json")))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .remove_line_items(&return_id(), &[LineItemId::from(55_120_940)])
        .await
        .unwrap_err();
    let rejection = err.rejection().expect("a rejection");
    assert_eq!(rejection.status.as_u16(), 422);
    assert_eq!(
        rejection.message.as_deref(),
        Some("line_item_id: Line item 55120940 has an exchange outcome.")
    );
}

#[tokio::test]
async fn business_error_on_200_is_typed_and_already_closed_is_recognised() {
    let server = server().await;
    loop_mock("POST", "/warehouse/return/40211877/process")
        .respond_with(json(200, fixture!("error_unprocessable_closed.json")))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .process_return(&return_id(), None)
        .await
        .unwrap_err();

    let Error::Rejected(rejection) = &err else {
        panic!("expected a rejection, got {err:?}")
    };
    assert_eq!(rejection.status.as_u16(), 200);
    assert_eq!(rejection.code, Some(ErrorCode::UnprocessableReturn));
    assert_eq!(rejection.return_id, Some(return_id()));
    assert_eq!(rejection.reported_state(), Some(ReturnState::Closed));
    assert!(err.is_already_closed());
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("UNPROCESSABLE_RETURN"), "{err}");
}

#[tokio::test]
async fn flagged_and_message_only_and_content_shapes_are_rejections_too() {
    let server = server().await;
    loop_mock("POST", "/warehouse/return/1/process")
        .respond_with(json(200, fixture!("error_unprocessable_flagged.json")))
        .mount(&server)
        .await;
    loop_mock("POST", "/warehouse/return/2/process")
        .respond_with(json(200, fixture!("error_message_only.json")))
        .mount(&server)
        .await;
    loop_mock("POST", "/warehouse/return/3/cancel")
        .respond_with(json(200, fixture!("error_content.json")))
        .mount(&server)
        .await;

    let client = client(&server);
    let flagged = client
        .process_return(&ReturnId::from(1), None)
        .await
        .unwrap_err();
    assert!(flagged.rejection().unwrap().is_flagged());
    assert!(!flagged.is_already_closed());

    let cancelled = client
        .process_return(&ReturnId::from(2), None)
        .await
        .unwrap_err();
    let rejection = cancelled.rejection().unwrap();
    assert_eq!(rejection.code, None);
    assert_eq!(rejection.reported_state(), Some(ReturnState::Cancelled));
    assert!(!cancelled.is_already_closed());

    let expired = client.cancel_return(&ReturnId::from(3)).await.unwrap_err();
    assert_eq!(
        expired.rejection().unwrap().message.as_deref(),
        Some("Return is expired and cannot be processed.")
    );
}

#[tokio::test]
async fn an_answer_that_is_neither_true_nor_an_error_is_reported_as_such() {
    let server = server().await;
    loop_mock("POST", "/warehouse/return/40211877/close")
        .respond_with(json(200, "\"false\""))
        .mount(&server)
        .await;

    let err = client(&server)
        .close_return(&return_id())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnexpectedAnswer { .. }), "{err}");
}

#[tokio::test]
async fn notes_are_listed() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/40211877/notes")
        .respond_with(json(200, fixture!("notes.json")))
        .expect(1)
        .mount(&server)
        .await;

    let notes = client(&server).return_notes(&return_id()).await.unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0].id.as_ref().unwrap().as_str(), "501");
    assert_eq!(notes[1].id.as_ref().unwrap().as_str(), "502");
    assert_eq!(
        notes[1].created_at,
        Some(time::macros::datetime!(2025-03-06 08:00:00 UTC))
    );
}

#[tokio::test]
async fn no_notes_422_is_an_empty_list() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/40211877/notes")
        .respond_with(json(422, "\"false\""))
        .expect(1)
        .mount(&server)
        .await;

    let notes = client(&server).return_notes(&return_id()).await.unwrap();
    assert!(notes.is_empty());
}

/// The lookup that keeps a note from being written twice: an answer cut
/// off to nothing is asked again, never read as "no notes".
#[tokio::test]
async fn a_blank_notes_answer_is_asked_again_not_read_as_no_notes() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/40211877/notes")
        .respond_with(ResponseTemplate::new(200).set_body_raw("", "application/json"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    loop_mock("GET", "/warehouse/return/40211877/notes")
        .respond_with(json(200, fixture!("notes.json")))
        .expect(1)
        .mount(&server)
        .await;

    let notes = client(&server).return_notes(&return_id()).await.unwrap();
    assert_eq!(notes.len(), 2);
}

#[tokio::test]
async fn create_note_sends_the_content() {
    let server = server().await;
    loop_mock("POST", "/warehouse/return/40211877/note")
        .and(body_json(
            j!({"content": "Flagged by WMS: outer box damaged"}),
        ))
        .respond_with(json(200, "\"true\""))
        .expect(1)
        .mount(&server)
        .await;

    client(&server)
        .create_note(&return_id(), "Flagged by WMS: outer box damaged")
        .await
        .unwrap();
}

#[tokio::test]
async fn a_note_over_255_characters_is_refused_before_sending() {
    let server = server().await;
    loop_mock("POST", "/warehouse/return/40211877/note")
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;

    let err = client(&server)
        .create_note(&return_id(), &"x".repeat(256))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidInput(loop_client::InvalidInput::NoteTooLong {
                chars: 256,
                max: 255
            })
        ),
        "{err}"
    );
}

#[tokio::test]
async fn note_validation_failure_from_loop_is_a_rejection() {
    let server = server().await;
    loop_mock("POST", "/warehouse/return/40211877/note")
        .respond_with(json(
            422,
            r#"{"errors":{"message":"Content is required and must be less than 255 characters."}}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .create_note(&return_id(), "ok")
        .await
        .unwrap_err();
    assert_eq!(
        err.rejection().unwrap().message.as_deref(),
        Some("Content is required and must be less than 255 characters.")
    );
}

#[tokio::test]
async fn flag_is_not_repeated_after_an_ambiguous_failure_but_process_is() {
    // Loop accepts a second Flag as a no-op success: a retry after a 5xx
    // (or a timeout) that Loop acted on would flag the return twice.
    let server = server().await;
    loop_mock("POST", "/warehouse/return/40211877/flag")
        .respond_with(ResponseTemplate::new(503).set_body_string("<html>503</html>"))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server).flag_return(&return_id()).await.unwrap_err();
    assert!(error.is_retryable(), "{error}");

    // A repeated Process is refused by Loop once the first landed: retried.
    loop_mock("POST", "/warehouse/return/40211877/process")
        .respond_with(ResponseTemplate::new(503).set_body_string("<html>503</html>"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    loop_mock("POST", "/warehouse/return/40211877/process")
        .respond_with(json(200, "\"true\""))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .process_return(&return_id(), None)
        .await
        .unwrap();
}
