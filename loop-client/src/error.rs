//! The crate's error type.

use std::fmt;

use reqwest::StatusCode;

use crate::enums::{ErrorCode, ReturnState};
use crate::ids::ReturnId;
use crate::validation::InvalidInput;

/// Everything that can go wrong calling Loop.
///
/// Use the predicates rather than matching deeply: [`Error::is_decode`],
/// [`Error::is_transport`], [`Error::is_timeout`], [`Error::is_rate_limited`],
/// [`Error::is_not_found`], [`Error::is_unauthorized`],
/// [`Error::is_retryable`] and, for return actions,
/// [`Error::is_already_closed`]; [`Error::status`] and [`Error::code`]
/// give the details. Nothing needs a match on `http_transport::Error`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The HTTP exchange failed: Loop answered with an error status, the
    /// connection failed or timed out, or a success body did not decode.
    /// Carries status, Loop's code and message, request id and a body excerpt.
    #[error(transparent)]
    Http(#[from] http_transport::Error),
    /// Loop refused a return action for a business reason (the return's state,
    /// a flag, …) — on HTTP 200 with an error body, or on 400/409/422.
    #[error(transparent)]
    Rejected(Box<Rejection>),
    /// The request breaks a limit Loop documents; nothing was sent.
    #[error(transparent)]
    InvalidInput(#[from] InvalidInput),
    /// A return action answered 2xx with a body that is neither Loop's success
    /// value (`"true"` / `true`) nor an error object.
    #[error(
        "loop {operation}: unexpected answer (HTTP {status}): {body_excerpt:?}; expected \"true\" or an error object"
    )]
    UnexpectedAnswer {
        /// The operation.
        operation: &'static str,
        /// HTTP status.
        status: StatusCode,
        /// The start of the body.
        body_excerpt: String,
    },
    /// Pagination cannot go on without losing or repeating returns:
    /// `nextPageUrl` carries no `cursor`, repeats a cursor already followed,
    /// or a page repeats one already read. Yielded by the streams at the
    /// point it is detected, instead of a silent end.
    #[error("loop list_returns: cannot follow nextPageUrl {url:?}: {reason}")]
    Pagination {
        /// The `nextPageUrl` Loop sent (for a repeated page, the link that
        /// led to it).
        url: String,
        /// What is wrong, naming what repeated.
        reason: String,
    },
    /// A stream read its maximum number of pages
    /// ([`LoopClientBuilder::max_pages`](crate::LoopClientBuilder::max_pages),
    /// default [`DEFAULT_MAX_PAGES`](crate::pagination::DEFAULT_MAX_PAGES))
    /// and Loop still named a next page: the list does not end, or is longer
    /// than the limit allows. Yielded after the last page read, instead of
    /// reading on until memory runs out. [`Error::is_pagination`] is true.
    #[error(
        "loop {operation}: more than {limit} pages; stopped reading (the list does not end, or max_pages is too low)"
    )]
    TooManyPages {
        /// The list operation, `list_returns`.
        operation: &'static str,
        /// The page limit that was reached.
        limit: usize,
    },
    /// Remove Line Items answered 403, which Loop documents as "return not
    /// found" (schema `RemoveReturnNotFound`), not as a permission problem.
    /// [`Error::is_not_found`] is true, [`Error::is_unauthorized`] false.
    #[error("loop {operation}: return {return_id} not found (Loop answers 403 for this): {source}")]
    ReturnNotFound {
        /// The operation.
        operation: &'static str,
        /// The return asked for.
        return_id: ReturnId,
        /// Loop's answer.
        source: http_transport::Error,
    },
    /// A call split into several batches failed part-way: the first
    /// `completed` items were accepted by Loop, the rest were not sent.
    #[error("{source} (after {completed} of {total} items were accepted)")]
    PartialBatch {
        /// Items Loop accepted before the failure.
        completed: usize,
        /// Items in the whole call.
        total: usize,
        /// The failure of the batch that failed.
        source: Box<Error>,
    },
    /// The client could not be built.
    #[error("invalid loop client configuration: {0}")]
    Config(#[from] http_transport::ConfigError),
    /// A [`LoopApi`](crate::LoopApi) implementation (typically a test double)
    /// does not implement this operation.
    #[error("loop {operation}: not implemented by this LoopApi implementation")]
    Unsupported {
        /// The operation.
        operation: &'static str,
    },
}

impl Error {
    /// The HTTP status of Loop's answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Http(e) => e.status(),
            Error::ReturnNotFound { source, .. } => source.status(),
            Error::Rejected(r) => Some(r.status),
            Error::UnexpectedAnswer { status, .. } => Some(*status),
            Error::PartialBatch { source, .. } => source.status(),
            _ => None,
        }
    }

    /// The transport error underneath, when the failure came from the HTTP
    /// exchange.
    pub fn as_http(&self) -> Option<&http_transport::Error> {
        match self {
            Error::Http(e) => Some(e),
            Error::ReturnNotFound { source, .. } => Some(source),
            Error::PartialBatch { source, .. } => source.as_http(),
            _ => None,
        }
    }

    /// Whether the same call may succeed later (throttling, 5xx, timeouts,
    /// connection failures); business rejections and invalid input never are.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Http(e) => e.is_retryable(),
            Error::PartialBatch { source, .. } => source.is_retryable(),
            _ => false,
        }
    }

    /// Whether the answer was larger than the client reads (see the
    /// builder's `max_response_bytes`).
    pub fn is_too_large(&self) -> bool {
        self.as_http()
            .is_some_and(http_transport::Error::is_too_large)
    }

    /// Whether a 2xx answer's body was not what the call expects (not JSON, cut
    /// off, a field of the wrong type — the JSON path is in the message — or an
    /// action answer that is neither `"true"` nor an error object).
    pub fn is_decode(&self) -> bool {
        match self {
            Error::UnexpectedAnswer { .. } => true,
            Error::PartialBatch { source, .. } => source.is_decode(),
            _ => self.as_http().is_some_and(http_transport::Error::is_decode),
        }
    }

    /// Whether no usable answer arrived (connect failure, timeout, dropped connection).
    pub fn is_transport(&self) -> bool {
        self.as_http()
            .is_some_and(http_transport::Error::is_transport)
    }

    /// Whether the call ran out of time (connect or whole-request timeout).
    pub fn is_timeout(&self) -> bool {
        self.as_http()
            .is_some_and(http_transport::Error::is_timeout)
    }

    /// Whether what was asked for does not exist: a 404, Loop's `NOT_FOUND` /
    /// `ORDER_NOT_FOUND` codes, or Remove Line Items' documented 403.
    pub fn is_not_found(&self) -> bool {
        match self {
            Error::Http(e) => e.is_not_found(),
            Error::ReturnNotFound { .. } => true,
            Error::PartialBatch { source, .. } => source.is_not_found(),
            _ => matches!(
                self.code(),
                Some(ErrorCode::NotFound | ErrorCode::OrderNotFound)
            ),
        }
    }

    /// Whether Loop refused the API key: it is wrong **or lacks the scope** of
    /// this endpoint (Loop answers 401 for both), or `NOT_AUTHORIZED`; never
    /// the 403 of Remove Line Items, which means "return not found".
    pub fn is_unauthorized(&self) -> bool {
        match self {
            Error::Http(e) => e.is_unauthorized(),
            Error::ReturnNotFound { .. } => false,
            Error::Rejected(r) => r.code == Some(ErrorCode::NotAuthorized),
            Error::PartialBatch { source, .. } => source.is_unauthorized(),
            _ => false,
        }
    }

    /// Whether Loop throttled the call (and the retries ran out).
    pub fn is_rate_limited(&self) -> bool {
        self.as_http()
            .is_some_and(http_transport::Error::is_rate_limited)
    }

    /// Whether pagination had to stop because a cursor or page repeated or a
    /// next link carried no cursor ([`Error::Pagination`]), or because the
    /// stream reached its page limit ([`Error::TooManyPages`]).
    pub fn is_pagination(&self) -> bool {
        matches!(self, Error::Pagination { .. } | Error::TooManyPages { .. })
    }

    /// Loop's error code, from a rejection or an error status.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Error::Http(e) => e.code().map(ErrorCode::parse),
            Error::ReturnNotFound { source, .. } => source.code().map(ErrorCode::parse),
            Error::Rejected(r) => r.code.clone(),
            Error::PartialBatch { source, .. } => source.code(),
            _ => None,
        }
    }

    /// The rejection, when Loop refused a return action.
    pub fn rejection(&self) -> Option<&Rejection> {
        match self {
            Error::Rejected(r) => Some(r),
            Error::PartialBatch { source, .. } => source.rejection(),
            _ => None,
        }
    }

    /// Whether Loop refused the action because the return is already closed
    /// (processed or closed by hand) — see [`Rejection::is_already_closed`].
    /// Integrations may treat a repeated Process that fails this way as done.
    pub fn is_already_closed(&self) -> bool {
        self.rejection().is_some_and(Rejection::is_already_closed)
    }

    /// Loop's error message, from a rejection or an error status.
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Http(e) => e.message(),
            Error::ReturnNotFound { source, .. } => source.message(),
            Error::Rejected(r) => r.message.as_deref(),
            Error::PartialBatch { source, .. } => source.message(),
            _ => None,
        }
    }

    /// The request id of Loop's answer, when it sent one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Http(e) => e.request_id(),
            Error::ReturnNotFound { source, .. } => source.request_id(),
            Error::Rejected(r) => r.request_id.as_deref(),
            Error::PartialBatch { source, .. } => source.request_id(),
            _ => None,
        }
    }
}

/// Loop refused a return action.
///
/// Loop reports these as an error body, often with HTTP 200; which statuses
/// it uses is unconfirmed (spec open question 2), so this crate reads an
/// error object (with a code or message) answered to an action with any 2xx,
/// 400, 409 or 422 as a rejection.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rejection {
    /// The operation, e.g. `process_return`.
    pub operation: &'static str,
    /// The return acted on, when the action targets one.
    pub return_id: Option<ReturnId>,
    /// HTTP status (often 200).
    pub status: StatusCode,
    /// Loop's code (`UNPROCESSABLE_RETURN`, …), when the body has one.
    pub code: Option<ErrorCode>,
    /// Loop's message, when the body has one.
    pub message: Option<String>,
    /// The start of the raw body.
    pub body_excerpt: String,
    /// The request id header, when Loop sent one.
    pub request_id: Option<String>,
}

impl Rejection {
    /// The state Loop's message says the return is in, e.g. `Closed` for
    /// "Return is closed and therefore cannot be processed.".
    pub fn reported_state(&self) -> Option<ReturnState> {
        let message = self.message.as_deref()?.to_ascii_lowercase();
        if message.contains("already closed")
            || message.contains("already been closed")
            || message.contains("already processed")
            || message.contains("already been processed")
        {
            return Some(ReturnState::Closed);
        }
        let rest = &message[message.find("return is ")? + "return is ".len()..];
        let end = [" and", ".", ",", " therefore", " so "]
            .iter()
            .filter_map(|stop| rest.find(stop))
            .min()
            .unwrap_or(rest.len());
        let state = ReturnState::parse(rest[..end].trim());
        (!state.is_unknown()).then_some(state)
    }

    /// Whether the return is already closed, so a repeated Process (or Close)
    /// has nothing left to do.
    ///
    /// True when Loop's message says the return is closed (or already
    /// processed). A bare `UNPROCESSABLE_RETURN` without a message is **not**
    /// taken as closed, because Loop uses the same code for cancelled, expired
    /// and review returns; when in doubt, read the return with
    /// [`get_return`](crate::LoopClient::get_return) and check its state.
    pub fn is_already_closed(&self) -> bool {
        self.reported_state() == Some(ReturnState::Closed)
    }

    /// Whether the return is flagged (`UNPROCESSABLE_FLAGGED_RETURN`): it can
    /// only be processed with the shop setting "Allow flagged returns to
    /// process".
    pub fn is_flagged(&self) -> bool {
        self.code == Some(ErrorCode::UnprocessableFlaggedReturn)
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "loop {}", self.operation)?;
        if let Some(id) = &self.return_id {
            write!(f, " of return {id}")?;
        }
        write!(f, " rejected (HTTP {}", self.status.as_u16())?;
        if let Some(code) = &self.code {
            write!(f, ", {code}")?;
        }
        f.write_str(")")?;
        match &self.message {
            Some(message) => write!(f, ": {message}")?,
            None => write!(f, ": {:?}", self.body_excerpt)?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for Rejection {}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejection(code: Option<ErrorCode>, message: Option<&str>) -> Rejection {
        Rejection {
            operation: "process_return",
            return_id: Some(ReturnId::from(7)),
            status: StatusCode::OK,
            code,
            message: message.map(str::to_owned),
            body_excerpt: "{}".into(),
            request_id: None,
        }
    }

    #[test]
    fn state_is_read_from_loops_messages() {
        let cases = [
            (
                "Return is closed and therefore cannot be processed.",
                Some(ReturnState::Closed),
            ),
            (
                "Return is cancelled and therefore cannot be processed.",
                Some(ReturnState::Cancelled),
            ),
            (
                "Return is review and therefore cannot be processed.",
                Some(ReturnState::Review),
            ),
            (
                "Return is expired and cannot be processed.",
                Some(ReturnState::Expired),
            ),
            (
                "Return is open and therefore cannot be processed.",
                Some(ReturnState::Open),
            ),
            (
                "This return has already been processed",
                Some(ReturnState::Closed),
            ),
            ("Something else went wrong", None),
        ];
        for (message, expected) in cases {
            let r = rejection(Some(ErrorCode::UnprocessableReturn), Some(message));
            assert_eq!(r.reported_state(), expected, "{message}");
            assert_eq!(r.is_already_closed(), expected == Some(ReturnState::Closed));
        }
    }

    #[test]
    fn a_bare_code_is_not_taken_as_closed() {
        assert!(!rejection(Some(ErrorCode::UnprocessableReturn), None).is_already_closed());
    }

    #[test]
    fn display_names_operation_return_status_code_and_message() {
        let r = rejection(
            Some(ErrorCode::UnprocessableFlaggedReturn),
            Some("Return is open and therefore cannot be processed."),
        );
        assert!(r.is_flagged());
        assert_eq!(
            r.to_string(),
            "loop process_return of return 7 rejected (HTTP 200, UNPROCESSABLE_FLAGGED_RETURN): \
             Return is open and therefore cannot be processed."
        );
    }
}
