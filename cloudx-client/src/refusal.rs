//! Turns CloudX's refusals (404, 409, 422 with an `errors` list) into the
//! typed variants of [`Error`], per operation.

use http_transport::StatusCode;

use crate::error::{Error, FieldError};
use crate::model::{ItemIdentifier, NewReceivingTicket, NewTicketLine, TicketId};
use crate::wire::{self, WireErrorBody, code, line_field};

/// The parsed `errors` body of an API error; `None` for other failures.
///
/// The transport keeps the first 2 KiB of the body; an error list longer than
/// that does not parse and reads as empty (the raw excerpt stays in the
/// source error).
pub(crate) fn error_body(error: &http_transport::Error) -> Option<WireErrorBody> {
    let api = error.as_api()?;
    Some(WireErrorBody::parse(&api.body_excerpt))
}

fn has_status(error: &http_transport::Error, status: StatusCode) -> bool {
    error.status() == Some(status)
}

/// A 422 becomes [`Error::InvalidFields`]; anything else stays [`Error::Http`].
pub(crate) fn unprocessable(error: http_transport::Error) -> Error {
    if !has_status(&error, StatusCode::UNPROCESSABLE_ENTITY) {
        return Error::Http(error);
    }
    let errors = error_body(&error)
        .map(|body| body.errors.into_iter().map(FieldError::from).collect())
        .unwrap_or_default();
    Error::InvalidFields {
        errors,
        source: error,
    }
}

/// A 404 with code 41 (`InvalidAsnError`) becomes [`Error::TicketNotFound`].
/// Any other 404 (an HTML page, an unknown route) more likely means a wrong
/// base URL, so it stays [`Error::Http`] rather than claim the ticket is gone.
pub(crate) fn on_ticket(error: http_transport::Error, id: &TicketId) -> Error {
    let cloudx_says_unknown = has_status(&error, StatusCode::NOT_FOUND)
        && error_body(&error).is_some_and(|body| body.has_code(code::INVALID_ASN));
    if cloudx_says_unknown {
        return Error::TicketNotFound {
            id: id.clone(),
            source: error,
        };
    }
    unprocessable(error)
}

/// A 409 on cancel (code 10 `StateError`, or any other conflict: the only
/// documented one) becomes [`Error::NotCancellable`].
pub(crate) fn on_cancel(error: http_transport::Error, id: &TicketId) -> Error {
    if has_status(&error, StatusCode::CONFLICT) {
        return Error::NotCancellable {
            id: id.clone(),
            source: error,
        };
    }
    on_ticket(error, id)
}

/// A 422 on create naming code 83 (`ItemNotFound`) becomes
/// [`Error::ItemNotFound`] with the SKU/UPC of each line its field paths point
/// at; other 422s become [`Error::InvalidFields`].
pub(crate) fn on_create(error: http_transport::Error, ticket: &NewReceivingTicket) -> Error {
    let item_missing = has_status(&error, StatusCode::UNPROCESSABLE_ENTITY)
        && error_body(&error).is_some_and(|body| body.has_code(code::ITEM_NOT_FOUND));
    if !item_missing {
        return unprocessable(error);
    }
    let errors: Vec<FieldError> = error_body(&error)
        .map(|body| body.errors.into_iter().map(FieldError::from).collect())
        .unwrap_or_default();
    let mut items: Vec<ItemIdentifier> = Vec::new();
    for entry in errors
        .iter()
        .filter(|e| e.code == Some(code::ITEM_NOT_FOUND))
    {
        let named = entry
            .field
            .as_deref()
            .and_then(wire::parse_line_field)
            .and_then(|(index, attribute)| identifier_of(ticket.lines.get(index)?, attribute));
        if let Some(identifier) = named.filter(|i| !items.contains(i)) {
            items.push(identifier);
        }
    }
    Error::ItemNotFound {
        items,
        errors,
        source: error,
    }
}

/// The identifier a field path's attribute names on a request line; for a
/// path naming the whole line, its SKU or else its UPC.
fn identifier_of(line: &NewTicketLine, attribute: &str) -> Option<ItemIdentifier> {
    let sku = || line.sku.clone().map(ItemIdentifier::Sku);
    let upc = || line.upc.clone().map(ItemIdentifier::Upc);
    match attribute {
        line_field::SKU => sku(),
        line_field::UPC => upc(),
        _ => sku().or_else(upc),
    }
}
