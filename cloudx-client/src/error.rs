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

    /// Lines' SKUs/UPCs are not in CloudX's item master (422, code 83).
    ///
    /// `Display` names every missing line with its field path and identifier,
    /// then any other error CloudX listed in the same answer.
    #[error("{}", ItemNotFoundMessage { missing, errors })]
    ItemNotFound {
        /// The distinct identifiers CloudX did not know, as named by the
        /// request lines the error's field paths point at. May be shorter than
        /// `missing` when lines repeat an item or CloudX named no field.
        items: Vec<ItemIdentifier>,
        /// One entry per code-83 error, in CloudX's order.
        missing: Vec<MissingItem>,
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
        /// CloudX's error code (41).
        code: Option<u32>,
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
        /// CloudX's error code (10 `StateError` when it sends one).
        code: Option<u32>,
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

    /// A ticket search named a next page that does not move forward (the
    /// same page again, or the server answered another page than the one
    /// asked for). The ticket stream yields this error where it detects it,
    /// after the tickets it read, instead of ending as if the search were
    /// complete.
    #[error(
        "cloudx ticket search did not advance: asked for page {page}, the answer was page {answered} naming page {next_page} as next"
    )]
    Pagination {
        /// The page that was asked for.
        page: u32,
        /// The page number the answer carried.
        answered: u32,
        /// The next page the answer named.
        next_page: u32,
    },

    /// A stream read its maximum number of pages
    /// ([`CloudxClientBuilder::max_pages`](crate::CloudxClientBuilder::max_pages),
    /// default [`DEFAULT_MAX_PAGES`](crate::DEFAULT_MAX_PAGES)) and the
    /// answer still named a next page: the search does not end, or is longer
    /// than the limit allows. Yielded after the last page read, instead of
    /// reading on until memory runs out. [`Error::is_pagination`] is true.
    #[error(
        "cloudx {operation}: more than {limit} pages; stopped reading (the list does not end, or max_pages is too low)"
    )]
    TooManyPages {
        /// The list operation, `list_tickets`.
        operation: &'static str,
        /// The page limit that was reached.
        limit: usize,
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
    pub fn as_http(&self) -> Option<&http_transport::Error> {
        match self {
            Self::InvalidFields { source, .. }
            | Self::ItemNotFound { source, .. }
            | Self::TicketNotFound { source, .. }
            | Self::NotCancellable { source, .. }
            | Self::DuplicateNotFound { source, .. }
            | Self::CreateOutcomeUnknown { create: source, .. }
            | Self::Http(source) => Some(source),
            Self::Validation(_)
            | Self::Config(_)
            | Self::Pagination { .. }
            | Self::TooManyPages { .. } => None,
        }
    }

    /// Whether a ticket search stopped advancing ([`Error::Pagination`]) or
    /// reached its page limit ([`Error::TooManyPages`]).
    pub fn is_pagination(&self) -> bool {
        matches!(self, Self::Pagination { .. } | Self::TooManyPages { .. })
    }

    /// The HTTP status of CloudX's answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        self.as_http().and_then(http_transport::Error::status)
    }

    /// CloudX's `X-Request-Id` of the failed answer, for support.
    pub fn request_id(&self) -> Option<&str> {
        self.as_http().and_then(http_transport::Error::request_id)
    }

    /// CloudX's numeric error code of a typed refusal (41 unknown ticket,
    /// 83 item not found, 10 not cancellable, the first listed code of a 422),
    /// or the code of any other CloudX error answer; `None` when there was no
    /// coded answer.
    pub fn code(&self) -> Option<u32> {
        match self {
            Self::TicketNotFound { code, .. } | Self::NotCancellable { code, .. } => *code,
            Self::ItemNotFound { .. } => Some(crate::wire::code::ITEM_NOT_FOUND),
            Self::InvalidFields { errors, .. } => errors.iter().find_map(|e| e.code),
            _ => self
                .as_http()
                .and_then(http_transport::Error::code)
                .and_then(|code| code.trim().parse().ok()),
        }
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

    /// Whether a call timed out (for an unknown create outcome: the create).
    pub fn is_timeout(&self) -> bool {
        self.as_http()
            .is_some_and(http_transport::Error::is_timeout)
    }

    /// Whether no usable answer arrived (connect failure, timeout, dropped connection).
    pub fn is_transport(&self) -> bool {
        self.as_http()
            .is_some_and(http_transport::Error::is_transport)
    }

    /// Whether the answer was larger than the client reads (see the
    /// builder's `max_response_bytes`).
    pub fn is_too_large(&self) -> bool {
        self.as_http()
            .is_some_and(http_transport::Error::is_too_large)
    }

    /// Whether a success answer's body was not the expected JSON (see [`HttpError::Decode`](http_transport::Error::Decode) for the path).
    pub fn is_decode(&self) -> bool {
        self.as_http().is_some_and(http_transport::Error::is_decode)
    }

    /// Whether CloudX throttled the call (429).
    pub fn is_rate_limited(&self) -> bool {
        self.as_http()
            .is_some_and(http_transport::Error::is_rate_limited)
    }

    /// Whether CloudX refused the client secret (401 or 403).
    pub fn is_unauthorized(&self) -> bool {
        self.as_http()
            .is_some_and(http_transport::Error::is_unauthorized)
    }

    /// Whether the thing asked for does not exist: an unknown ticket, or a 404.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::TicketNotFound { .. })
            || self
                .as_http()
                .is_some_and(http_transport::Error::is_not_found)
    }

    /// Whether CloudX reported the reference number as taken but the existing ticket could not be found (a found one is [`CreateOutcome::AlreadyExisted`](crate::CreateOutcome::AlreadyExisted)).
    pub fn is_duplicate(&self) -> bool {
        matches!(self, Self::DuplicateNotFound { .. })
    }

    /// Whether lines name items missing from CloudX's item master ([`Error::ItemNotFound`]).
    pub fn is_item_not_found(&self) -> bool {
        matches!(self, Self::ItemNotFound { .. })
    }

    /// Whether the ticket is past the point where it can be cancelled ([`Error::NotCancellable`]).
    pub fn is_not_cancellable(&self) -> bool {
        matches!(self, Self::NotCancellable { .. })
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

/// One line of a create that CloudX's item master does not know (an entry
/// with code 83 of an [`Error::ItemNotFound`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MissingItem {
    /// The field path CloudX named, e.g. `lines[3].upc`.
    pub field: Option<String>,
    /// The request line it points at (0-based), when the path names one.
    pub line: Option<usize>,
    /// That line's SKU or UPC, when the path points at a line of the request.
    pub item: Option<ItemIdentifier>,
}

impl fmt::Display for MissingItem {
    /// `lines[3].upc (UPC 0123)`, or what of it is known.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.field, &self.item) {
            (Some(field), Some(item)) => write!(f, "{field} ({item})"),
            (Some(field), None) => f.write_str(field),
            (None, Some(item)) => write!(f, "{item}"),
            (None, None) => f.write_str("an item cloudx did not name"),
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

/// `not in the cloudx item master: lines[0].sku (SKU a), lines[2].upc (UPC b);
/// also rejected: carrier: too long (code 12)`.
struct ItemNotFoundMessage<'a> {
    missing: &'a [MissingItem],
    errors: &'a [FieldError],
}

impl fmt::Display for ItemNotFoundMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not in the cloudx item master: ")?;
        if self.missing.is_empty() {
            f.write_str("items not named by cloudx")?;
        }
        for (i, item) in self.missing.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{item}")?;
        }
        let others: Vec<FieldError> = self
            .errors
            .iter()
            .filter(|e| e.code != Some(crate::wire::code::ITEM_NOT_FOUND))
            .cloned()
            .collect();
        if !others.is_empty() {
            write!(f, "; also rejected: {}", FieldErrorList(&others))?;
        }
        Ok(())
    }
}
