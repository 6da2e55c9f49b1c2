//! The crate's one error type: CloudX's own refusals in typed form, over the
//! shared transport error for everything else.

use std::fmt;

use http_transport::StatusCode;

use crate::model::{ItemIdentifier, ReferenceNumber, TicketId};
use crate::validate::ValidationErrors;

/// A failed CloudX call.
///
/// `Display` is one line a person can act on; the client secret never appears
/// in it (nor in `Debug`). Variants that come from an HTTP answer keep the
/// transport error as their source, with status, request id and a body excerpt.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The ticket was checked before sending and is not valid; nothing was sent.
    #[error("invalid receiving ticket: {0}")]
    Validation(#[from] ValidationErrors),

    /// CloudX rejected the request's fields (422), naming each offending path.
    #[error("cloudx rejected the request: {}", FieldErrorList(.errors))]
    InvalidFields {
        /// Every field error CloudX listed.
        errors: Vec<FieldError>,
        /// The underlying answer.
        #[source]
        source: http_transport::Error,
    },

    /// A line's SKU/UPC is not in CloudX's item master (422, code 83).
    #[error("not in the cloudx item master: {}", ItemList(.items))]
    ItemNotFound {
        /// The identifiers CloudX did not know, as named by the request lines
        /// the error's field paths point at. May be shorter than `errors` when
        /// CloudX named no field.
        items: Vec<ItemIdentifier>,
        /// Every error entry CloudX listed, the missing items' included.
        errors: Vec<FieldError>,
        /// The underlying answer.
        #[source]
        source: http_transport::Error,
    },

    /// No receiving ticket has this id (404, code 41 `InvalidAsnError`).
    #[error("no cloudx receiving ticket {id}")]
    TicketNotFound {
        /// The id asked for.
        id: TicketId,
        /// The underlying answer.
        #[source]
        source: http_transport::Error,
    },

    /// The ticket is past the point where it can be cancelled (409, code 10
    /// `StateError`); only `Draft` and `PendingCSR` tickets can be.
    #[error("cloudx receiving ticket {id} can no longer be cancelled")]
    NotCancellable {
        /// The ticket.
        id: TicketId,
        /// The underlying answer.
        #[source]
        source: http_transport::Error,
    },

    /// CloudX says a ticket with this reference exists (409) but it could not
    /// be found, neither by the `existing_id` in the answer nor by reference.
    #[error(
        "cloudx reports receiving ticket {reference} as a duplicate, but the existing ticket could not be found"
    )]
    DuplicateNotFound {
        /// The reference number.
        reference: ReferenceNumber,
        /// The 409 answer.
        #[source]
        source: http_transport::Error,
    },

    /// A create failed in a way that may have created the ticket (timeout,
    /// dropped connection, 5xx), and looking the reference up failed too, so
    /// whether the ticket exists is unknown. Calling
    /// [`create_ticket`](crate::CloudxApi::create_ticket) again with the same
    /// reference is safe: it finds the ticket if it exists.
    #[error(
        "creating cloudx receiving ticket {reference} may or may not have succeeded ({create}); looking it up failed: {lookup}"
    )]
    CreateOutcomeUnknown {
        /// The reference number.
        reference: ReferenceNumber,
        /// The ambiguous create failure.
        #[source]
        create: http_transport::Error,
        /// Why the lookup by reference failed.
        lookup: Box<Error>,
    },

    /// Any other failure: the API said no, no answer arrived, or the answer
    /// did not decode. See [`http_transport::Error`].
    #[error(transparent)]
    Http(#[from] http_transport::Error),

    /// The client could not be configured.
    #[error("cloudx client configuration: {0}")]
    Config(#[from] http_transport::ConfigError),
}

impl Error {
    /// The HTTP error underneath, when there was a call.
    pub fn http(&self) -> Option<&http_transport::Error> {
        match self {
            Self::InvalidFields { source, .. }
            | Self::ItemNotFound { source, .. }
            | Self::TicketNotFound { source, .. }
            | Self::NotCancellable { source, .. }
            | Self::DuplicateNotFound { source, .. }
            | Self::CreateOutcomeUnknown { create: source, .. }
            | Self::Http(source) => Some(source),
            Self::Validation(_) | Self::Config(_) => None,
        }
    }

    /// The HTTP status of CloudX's answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        self.http().and_then(http_transport::Error::status)
    }

    /// CloudX's `X-Request-Id` of the failed answer, for support.
    pub fn request_id(&self) -> Option<&str> {
        self.http().and_then(http_transport::Error::request_id)
    }

    /// Whether the same call may succeed later (throttles, 5xx, timeouts,
    /// connection failures, and a create whose outcome is unknown).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::CreateOutcomeUnknown { .. } => true,
            Self::Http(e) => e.is_retryable(),
            _ => false,
        }
    }

    /// Whether the call timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Http(e) if e.is_timeout())
    }

    /// Whether CloudX throttled the call (429).
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Self::Http(e) if e.is_rate_limited())
    }

    /// Whether the thing asked for does not exist: an unknown ticket, or a 404.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::TicketNotFound { .. })
            || self.http().is_some_and(http_transport::Error::is_not_found)
    }

    /// The field errors of a 422 answer ([`Error::InvalidFields`] or
    /// [`Error::ItemNotFound`]); empty otherwise.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Self::InvalidFields { errors, .. } | Self::ItemNotFound { errors, .. } => errors,
            _ => &[],
        }
    }
}

/// One entry of CloudX's `errors` list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldError {
    /// Path of the offending field, e.g. `lines[0].upc`, when CloudX names one.
    pub field: Option<String>,
    /// CloudX's numeric error code, e.g. 83 for `ItemNotFound`.
    pub code: Option<u32>,
    /// Severity, e.g. `Error`.
    pub severity: Option<String>,
    /// Human-readable message.
    pub message: Option<String>,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = self.field.as_deref().unwrap_or("request");
        let message = self.message.as_deref().unwrap_or("invalid");
        write!(f, "{field}: {message}")?;
        if let Some(code) = self.code {
            write!(f, " (code {code})")?;
        }
        Ok(())
    }
}

/// `a: x; b: y`, or a fallback when CloudX listed nothing.
struct FieldErrorList<'a>(&'a [FieldError]);

impl fmt::Display for FieldErrorList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("no field errors listed");
        }
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

/// `SKU a, UPC b`, or a fallback when no line could be named.
struct ItemList<'a>(&'a [ItemIdentifier]);

impl fmt::Display for ItemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("items not named by cloudx");
        }
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{item}")?;
        }
        Ok(())
    }
}
