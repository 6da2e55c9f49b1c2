//! Return actions, and how their answers are read.

use http_transport::Request;
use reqwest::StatusCode;

use super::LoopClient;
use crate::api::AdditionalDetails;
use crate::error::{Error, Rejection};
use crate::error_body;
use crate::ids::{LineItemId, ReturnId};
use crate::models::list_body::NotesKey;
use crate::models::notes::{CreateNoteBody, Note, NoteContent};
use crate::validation::InvalidInput;

impl LoopClient {
    /// Process a return (`POST /warehouse/return/{return_id}/process`).
    ///
    /// Asynchronous on Loop's side: `Ok` means **queued**. The outcome arrives
    /// as a `return.closed` webhook, or `return.processing.failed` on failure.
    /// `additional_details` are attached to orders processing creates and
    /// noted on the return's timeline.
    ///
    /// Retried on throttling and transient failures: a repeat is harmless,
    /// because Loop rejects processing a closed return. Treat that rejection
    /// as done with [`Error::is_already_closed`].
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`] when Loop refuses (e.g. `UNPROCESSABLE_RETURN`,
    /// `UNPROCESSABLE_FLAGGED_RETURN`), even with HTTP 200; [`Error::Http`].
    pub async fn process_return(
        &self,
        return_id: &ReturnId,
        additional_details: Option<&AdditionalDetails>,
    ) -> Result<(), Error> {
        let mut request = Request::post("/warehouse/return/{return_id}/process")
            .operation("process_return")
            .path_param(return_id)
            .idempotent(true);
        if let Some(details) = additional_details {
            request = request.json(details);
        }
        self.action(request, "process_return", Some(return_id))
            .await
    }

    /// Flag a return for review (`POST /warehouse/return/{return_id}/flag`):
    /// automated processing stops until a person reviews it. Flag takes no
    /// reason; record it with [`create_note`](Self::create_note).
    ///
    /// Retried only when Loop cannot have acted on it (throttled, or the
    /// connection never opened). Unlike Process, a repeat is not refused:
    /// Loop accepts Flag on a flagged return as a no-op success, so a
    /// retry after a timeout, a dropped connection or a 5xx could flag the
    /// return a second time. After such a failure, read the return's state
    /// to learn whether the flag landed (`review`) before flagging again.
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`] when the return's state does not allow it; [`Error::Http`].
    pub async fn flag_return(&self, return_id: &ReturnId) -> Result<(), Error> {
        let request = Request::post("/warehouse/return/{return_id}/flag")
            .operation("flag_return")
            .path_param(return_id);
        self.action(request, "flag_return", Some(return_id)).await
    }

    /// Cancel a return (`POST /warehouse/return/{return_id}/cancel`): the
    /// customer may return the same items again. Retried like
    /// [`process_return`](Self::process_return).
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`] (e.g. an expired or flagged return); [`Error::Http`].
    pub async fn cancel_return(&self, return_id: &ReturnId) -> Result<(), Error> {
        self.simple_action(
            "/warehouse/return/{return_id}/cancel",
            "cancel_return",
            return_id,
        )
        .await
    }

    /// Close a return without fulfilling any outcome
    /// (`POST /warehouse/return/{return_id}/close`); its items cannot be
    /// returned again. Retried like [`process_return`](Self::process_return).
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`]; [`Error::Http`].
    pub async fn close_return(&self, return_id: &ReturnId) -> Result<(), Error> {
        self.simple_action(
            "/warehouse/return/{return_id}/close",
            "close_return",
            return_id,
        )
        .await
    }

    /// Remove line items from a return **and process it**
    /// (`POST /warehouse/return/{return_id}/remove?line_item_id=1,2`): the
    /// documented path for partial receipts. Only items whose outcome is a
    /// refund or store credit can be removed. Not retried automatically
    /// (a repeat would find the return processed).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an empty list; [`Error::Rejected`] for
    /// items that do not qualify (422); [`Error::ReturnNotFound`] for the
    /// **403** Loop documents as "return not found" ([`Error::is_not_found`]
    /// is true, [`Error::is_unauthorized`] false); [`Error::Http`].
    pub async fn remove_line_items(
        &self,
        return_id: &ReturnId,
        line_item_ids: &[LineItemId],
    ) -> Result<(), Error> {
        if line_item_ids.is_empty() {
            return Err(InvalidInput::NoLineItems {
                operation: "remove_line_items",
            }
            .into());
        }
        let ids = line_item_ids
            .iter()
            .map(LineItemId::as_str)
            .collect::<Vec<_>>()
            .join(",");
        let request = Request::post("/warehouse/return/{return_id}/remove")
            .operation("remove_line_items")
            .path_param(return_id)
            .query("line_item_id", ids);
        match self
            .action(request, "remove_line_items", Some(return_id))
            .await
        {
            Err(Error::Http(source)) if source.status() == Some(StatusCode::FORBIDDEN) => {
                Err(Error::ReturnNotFound {
                    operation: "remove_line_items",
                    return_id: return_id.clone(),
                    source,
                })
            }
            other => other,
        }
    }

    /// The notes on a return (`GET /warehouse/return/{return_id}/notes`).
    /// Loop answers 422 when a return has no notes; that is an empty list
    /// here (a 422 for any other reason is indistinguishable and reads the
    /// same way).
    ///
    /// # Errors
    ///
    /// [`Error::Http`].
    pub async fn return_notes(&self, return_id: &ReturnId) -> Result<Vec<Note>, Error> {
        let request = Request::get("/warehouse/return/{return_id}/notes")
            .operation("return_notes")
            .path_param(return_id);
        match self.get_list::<Note, NotesKey>(request).await {
            Err(Error::Http(e)) if e.status() == Some(StatusCode::UNPROCESSABLE_ENTITY) => {
                Ok(Vec::new())
            }
            other => other,
        }
    }

    /// Write a note on a return (`POST /warehouse/return/{return_id}/note`).
    /// Not retried automatically (a repeat would write the note twice).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] — before anything is sent — for empty content
    /// or more than [`NoteContent::MAX_CHARS`] characters; [`Error::Rejected`];
    /// [`Error::Http`].
    pub async fn create_note(&self, return_id: &ReturnId, content: &str) -> Result<(), Error> {
        let content = NoteContent::new(content)?;
        let request = Request::post("/warehouse/return/{return_id}/note")
            .operation("create_note")
            .path_param(return_id)
            .json(&CreateNoteBody {
                content: content.as_str(),
            });
        self.action(request, "create_note", Some(return_id)).await
    }

    /// A body-less action on one return, retried like Process (a repeat is
    /// at worst refused as "already …").
    async fn simple_action(
        &self,
        template: &'static str,
        operation: &'static str,
        return_id: &ReturnId,
    ) -> Result<(), Error> {
        let request = Request::post(template)
            .operation(operation)
            .path_param(return_id)
            .idempotent(true);
        self.action(request, operation, Some(return_id)).await
    }

    /// Sends a return action and reads Loop's answer: `"true"` / `true` is
    /// success, an error object is a [`Rejection`] even on HTTP 200, and a
    /// body that is not JSON (or is cut off) is a decode error with its path.
    async fn action(
        &self,
        request: Request,
        operation: &'static str,
        return_id: Option<&ReturnId>,
    ) -> Result<(), Error> {
        match self.transport.execute::<serde_json::Value>(request).await {
            Ok(response) => read_action_answer(
                operation,
                return_id,
                response.status,
                &response.body,
                response.request_id,
            ),
            Err(error) => Err(rejection_from_error_status(operation, return_id, error)),
        }
    }
}

/// Reads a 2xx answer of a return action (already parsed as JSON; a 204
/// reads as `null`, any other empty body is a decode error before this):
/// `"true"` / `true` is success; an object carrying
/// Loop's error code or message is a rejection; anything else (including an
/// object with neither) is an unexpected answer.
fn read_action_answer(
    operation: &'static str,
    return_id: Option<&ReturnId>,
    status: StatusCode,
    answer: &serde_json::Value,
    request_id: Option<String>,
) -> Result<(), Error> {
    let body = serde_json::to_vec(answer).unwrap_or_default();
    match answer {
        serde_json::Value::Bool(true) => Ok(()),
        serde_json::Value::String(text) if text.trim() == "true" => Ok(()),
        serde_json::Value::Object(_) => match error_body::parse(&body) {
            Some(found) if found.code.is_some() || found.message.is_some() => {
                Err(Error::Rejected(Box::new(Rejection {
                    operation,
                    return_id: return_id.cloned(),
                    status,
                    code: found.code.as_deref().map(Into::into),
                    message: found.message,
                    body_excerpt: excerpt(&body),
                    request_id,
                })))
            }
            _ => Err(unexpected_answer(operation, status, &body)),
        },
        _ => Err(unexpected_answer(operation, status, &body)),
    }
}

fn unexpected_answer(operation: &'static str, status: StatusCode, body: &[u8]) -> Error {
    Error::UnexpectedAnswer {
        operation,
        status,
        body_excerpt: excerpt(body),
    }
}

/// Turns a 400/409/422 with a Loop error body into a [`Rejection`], so a
/// refused action reads the same whatever status Loop chose.
fn rejection_from_error_status(
    operation: &'static str,
    return_id: Option<&ReturnId>,
    error: http_transport::Error,
) -> Error {
    let rejection = error.as_api().and_then(|api| {
        let status = api.status?;
        if !matches!(status.as_u16(), 400 | 409 | 422) {
            return None;
        }
        let found = error_body::parse(api.body_excerpt.as_bytes())?;
        Some(Rejection {
            operation,
            return_id: return_id.cloned(),
            status,
            code: found
                .code
                .or_else(|| api.code.clone())
                .as_deref()
                .map(Into::into),
            message: found.message.or_else(|| api.message.clone()),
            body_excerpt: api.body_excerpt.clone(),
            request_id: api.request_id.clone(),
        })
    });
    match rejection {
        Some(rejection) => Error::Rejected(Box::new(rejection)),
        None => Error::Http(error),
    }
}

/// How much of a body errors keep, as the transport does.
const BODY_EXCERPT_LIMIT: usize = 2048;

fn excerpt(body: &[u8]) -> String {
    let cut = body.len().min(BODY_EXCERPT_LIMIT);
    String::from_utf8_lossy(&body[..cut]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_answers_true_in_both_spellings() {
        for body in [&b"\"true\""[..], b"true", b" \"true\"\n"] {
            let answer = serde_json::from_slice(body).unwrap();
            assert!(read_action_answer("flag_return", None, StatusCode::OK, &answer, None).is_ok());
        }
    }

    #[test]
    fn error_objects_on_200_are_rejections_with_loops_code() {
        let body = br#"{"errors":{"message":"Return is closed and therefore cannot be processed.","code":"UNPROCESSABLE_RETURN"}}"#;
        let id = ReturnId::from(9);
        let answer = serde_json::from_slice(body).unwrap();
        let err = read_action_answer("process_return", Some(&id), StatusCode::OK, &answer, None)
            .unwrap_err();
        assert_eq!(err.code(), Some(crate::ErrorCode::UnprocessableReturn));
        assert!(err.is_already_closed());
        assert_eq!(err.status(), Some(StatusCode::OK));
    }

    #[test]
    fn anything_else_is_an_unexpected_answer() {
        // A 204 reads as `null`; a body that is not JSON at all never
        // gets here: the transport reports it as a decode error.
        for body in [
            &b"\"false\""[..],
            b"false",
            b"null",
            b"[]",
            br#"{"queued":1}"#,
        ] {
            let answer = serde_json::from_slice(body).unwrap();
            let err = read_action_answer("close_return", None, StatusCode::OK, &answer, None)
                .unwrap_err();
            assert!(matches!(err, Error::UnexpectedAnswer { .. }), "{err}");
            assert!(err.is_decode(), "{err}");
        }
    }
}
