//! Turns CloudX's refusals (404, 409, 422 with an `errors` list) into the
//! typed variants of [`Error`], per operation.
//!
//! A refusal is read from the whole body the transport keeps
//! ([`http_transport::ApiError::body`]), not from the 2 KiB excerpt kept for
//! messages, so a refusal listing many bad lines yields every one of them.

use http_transport::{Request, Response, StatusCode, Transport};
use serde::de::DeserializeOwned;

use crate::error::{Error, FieldError, MissingItem};
use crate::model::{ItemIdentifier, NewReceivingTicket, NewTicketLine, TicketId};
use crate::wire::{self, WireErrorBody, code, line_field};

/// A failed call: the transport's error, and CloudX's `errors` body read from
/// the whole answer (empty when there was no answer or it was not the
/// documented shape).
pub(crate) struct Failed {
    pub(crate) error: http_transport::Error,
    pub(crate) body: WireErrorBody,
}

impl From<Failed> for Error {
    fn from(failed: Failed) -> Self {
        Error::Http(failed.error)
    }
}

/// Runs one call, keeping the whole error body of a refusal.
pub(crate) async fn capture<T: DeserializeOwned>(
    transport: &Transport,
    request: Request,
) -> Result<Response<T>, Failed> {
    transport.execute::<T>(request).await.map_err(|error| {
        let body = match error.as_api() {
            Some(api) => WireErrorBody::parse(&api.body),
            None => WireErrorBody::default(),
        };
        Failed { error, body }
    })
}

fn has_status(error: &http_transport::Error, status: StatusCode) -> bool {
    error.status() == Some(status)
}

fn field_errors(body: WireErrorBody) -> Vec<FieldError> {
    body.errors.into_iter().map(FieldError::from).collect()
}

/// A 422 becomes [`Error::InvalidFields`]; anything else stays [`Error::Http`].
pub(crate) fn unprocessable(failed: Failed) -> Error {
    if !has_status(&failed.error, StatusCode::UNPROCESSABLE_ENTITY) {
        return Error::Http(failed.error);
    }
    Error::InvalidFields {
        errors: field_errors(failed.body),
        source: failed.error,
    }
}

/// A 404 with code 41 (`InvalidAsnError`) becomes [`Error::TicketNotFound`].
/// Any other 404 (an HTML page, an unknown route) more likely means a wrong
/// base URL, so it stays [`Error::Http`] rather than claim the ticket is gone.
pub(crate) fn on_ticket(failed: Failed, id: &TicketId) -> Error {
    let cloudx_says_unknown =
        has_status(&failed.error, StatusCode::NOT_FOUND) && failed.body.has_code(code::INVALID_ASN);
    if cloudx_says_unknown {
        return Error::TicketNotFound {
            id: id.clone(),
            code: Some(code::INVALID_ASN),
            source: failed.error,
        };
    }
    unprocessable(failed)
}

/// A 409 on cancel (code 10 `StateError`, or any other conflict: the only
/// documented one) becomes [`Error::NotCancellable`].
pub(crate) fn on_cancel(failed: Failed, id: &TicketId) -> Error {
    if has_status(&failed.error, StatusCode::CONFLICT) {
        let code = failed.body.errors.iter().find_map(wire::WireError::code);
        return Error::NotCancellable {
            id: id.clone(),
            code,
            source: failed.error,
        };
    }
    on_ticket(failed, id)
}

/// A 422 on create naming code 83 (`ItemNotFound`) becomes
/// [`Error::ItemNotFound`] with one [`MissingItem`] per code-83 entry (its
/// field path, line index and the SKU/UPC of the request line it points at)
/// and every entry kept in `errors`; other 422s become
/// [`Error::InvalidFields`].
pub(crate) fn on_create(failed: Failed, ticket: &NewReceivingTicket) -> Error {
    let item_missing = has_status(&failed.error, StatusCode::UNPROCESSABLE_ENTITY)
        && failed.body.has_code(code::ITEM_NOT_FOUND);
    if !item_missing {
        return unprocessable(failed);
    }
    let errors = field_errors(failed.body);
    let mut missing = Vec::new();
    let mut items: Vec<ItemIdentifier> = Vec::new();
    for entry in errors
        .iter()
        .filter(|e| e.code == Some(code::ITEM_NOT_FOUND))
    {
        let parsed = entry.field.as_deref().and_then(wire::parse_line_field);
        let item = parsed
            .and_then(|(index, attribute)| identifier_of(ticket.lines.get(index)?, attribute));
        if let Some(identifier) = item.as_ref().filter(|i| !items.contains(i)) {
            items.push(identifier.clone());
        }
        missing.push(MissingItem {
            field: entry.field.clone(),
            line: parsed.map(|(index, _)| index),
            item,
        });
    }
    Error::ItemNotFound {
        items,
        missing,
        errors,
        source: failed.error,
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
