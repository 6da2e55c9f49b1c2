//! Return data (spec §5): the Detailed Returns List with its window, state
//! filter and cursor pagination; Get Return Details; the ASN report.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use axum::Json;
use axum::extract::{OriginalUri, Query, State};
use axum::http::HeaderMap;
use axum::http::header::HOST;
use axum::response::IntoResponse;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime, Time};

use super::asn::asn_rows;
use super::cursor::Cursor;
use super::errors::{LoopError, LoopResult};
use super::model::{ReturnState, Surface};
use super::store::{Position, TimeField, Window};
use super::{Shared, lock, time_fmt};

/// Widest `from`..`to` window of the list (spec §5.1).
const MAX_WINDOW: Duration = Duration::days(120);
/// Window of a list call without `from` / `to`.
const DEFAULT_WINDOW: Duration = Duration::hours(24);
/// Page size without `pageSize`, and its maximum (spec §2.5).
const DEFAULT_PAGE_SIZE: usize = 100;
const MAX_PAGE_SIZE: usize = 750;

type Params = Query<HashMap<String, String>>;

/// A validated Detailed Returns List request.
#[derive(Debug)]
struct ListRequest {
    field: TimeField,
    from: OffsetDateTime,
    to: OffsetDateTime,
    state: Option<ReturnState>,
    paginate: bool,
    page_size: usize,
    cursor: Option<Cursor>,
}

impl ListRequest {
    fn parse(params: &HashMap<String, String>, now: OffsetDateTime) -> Result<Self, LoopError> {
        let mut errors: Vec<(String, String)> = Vec::new();
        let mut bad = |field: &str, message: &str| errors.push((field.into(), message.into()));
        let param = |key: &str| params.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());

        let mut date = |key: &str| match param(key) {
            None => None,
            Some(text) => {
                let parsed = time_fmt::parse(text);
                if parsed.is_none() {
                    bad(key, &format!("The {key} is not a valid date."));
                }
                parsed
            }
        };
        let given_from = date("from");
        let given_to = date("to");
        let (from, to) = match (given_from, given_to) {
            (Some(from), Some(to)) => (from, to),
            (Some(from), None) => (from, now),
            (None, Some(to)) => (to - DEFAULT_WINDOW, to),
            (None, None) => (now - DEFAULT_WINDOW, now),
        };
        if from > to {
            bad("to", "The to must be a date after from.");
        } else if to - from > MAX_WINDOW {
            bad(
                "to",
                "The range between from and to may not be greater than 120 days.",
            );
        }
        let field = match param("filter") {
            None => TimeField::CreatedAt,
            Some(text) => TimeField::parse(text).unwrap_or_else(|| {
                bad("filter", "The selected filter is invalid.");
                TimeField::CreatedAt
            }),
        };
        let state = param("state").and_then(|text| {
            let parsed = ReturnState::parse(text);
            if parsed.is_none() {
                bad("state", "The selected state is invalid.");
            }
            parsed
        });
        let paginate = match param("paginate") {
            None | Some("false" | "0") => false,
            Some("true" | "1") => true,
            Some(_) => {
                bad("paginate", "The paginate field must be true or false.");
                false
            }
        };
        let page_size = match param("pageSize") {
            None => DEFAULT_PAGE_SIZE,
            Some(text) => match text.parse::<usize>() {
                Ok(size) if (1..=MAX_PAGE_SIZE).contains(&size) => size,
                _ => {
                    bad(
                        "pageSize",
                        "The page size must be an integer between 1 and 750.",
                    );
                    DEFAULT_PAGE_SIZE
                }
            },
        };
        let cursor = param("cursor").and_then(|text| {
            let cursor = Cursor::decode(text).filter(|c| c.field == field);
            if cursor.is_none() {
                bad("cursor", "The cursor is invalid.");
            }
            cursor
        });
        if !errors.is_empty() {
            return Err(LoopError::validation(errors));
        }
        Ok(ListRequest {
            field,
            from,
            to,
            state,
            paginate,
            page_size,
            cursor,
        })
    }

    fn states(&self) -> Vec<ReturnState> {
        match self.state {
            Some(state) => vec![state],
            None => ReturnState::LIST_DEFAULT.to_vec(),
        }
    }

    /// The URL of another page: the resolved filters plus `cursor`.
    fn page_url(&self, origin: &str, path: &str, cursor: Cursor) -> String {
        let mut pairs = vec![
            ("from", time_fmt::iso_millis(self.from)),
            ("to", time_fmt::iso_millis(self.to)),
            ("filter", self.field.as_str().to_owned()),
        ];
        if let Some(state) = self.state {
            pairs.push(("state", state.as_str().to_owned()));
        }
        pairs.push(("paginate", "true".to_owned()));
        pairs.push(("pageSize", self.page_size.to_string()));
        pairs.push(("cursor", cursor.encode()));
        let query: Vec<String> = pairs
            .iter()
            .map(|(key, value)| format!("{key}={}", percent_encode(value)))
            .collect();
        format!("{origin}{path}?{}", query.join("&"))
    }
}

/// `GET /warehouse/return/list`.
pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Query(params): Params,
) -> LoopResult {
    let state = lock(&shared.state);
    let request = ListRequest::parse(&params, state.now())?;
    let states = request.states();
    let window = Window {
        field: request.field,
        from: request.from.unix_timestamp_nanos(),
        to: request.to.unix_timestamp_nanos(),
        states: &states,
    };
    let render = |keys: &[(i128, u64)]| -> Vec<Value> {
        keys.iter()
            .filter_map(|(_, id)| state.store.get(*id))
            .map(|r| shared.render_return_data(r, Surface::List))
            .collect()
    };
    if !request.paginate {
        let returns = render(&state.store.keys_in(&window));
        drop(state);
        return Ok(Json(returns).into_response());
    }
    let position = request.cursor.map_or(Position::Start, Cursor::position);
    let page = state.store.page(&window, position, request.page_size);
    let returns = render(&page.keys);
    drop(state);

    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let origin = format!("http://{host}");
    let url = |cursor| Value::String(request.page_url(&origin, uri.path(), cursor));
    let next = match page.keys.last() {
        Some(last) if page.has_next => url(Cursor::next(request.field, *last)),
        _ => Value::Null,
    };
    let previous = match page.keys.first() {
        Some(first) if page.has_previous => url(Cursor::previous(request.field, *first)),
        _ => Value::Null,
    };
    Ok(Json(json!({
        "returns": returns,
        "nextPageUrl": next,
        "previousPageUrl": previous,
    }))
    .into_response())
}

/// `GET /warehouse/return/details?return_id=…` (or `order_id` / `order_name`).
pub(super) async fn details(
    State(shared): State<Arc<Shared>>,
    Query(params): Params,
) -> LoopResult {
    let param = |key: &str| params.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
    if let Some(currency) = param("currency_type")
        && !matches!(currency, "shop" | "presentment")
    {
        return Err(LoopError::field(
            "currency_type",
            "The selected currency type is invalid.",
        ));
    }
    let integer = |key: &str| -> Result<Option<u64>, LoopError> {
        param(key)
            .map(|v| {
                v.parse()
                    .map_err(|_| LoopError::field(key, format!("The {key} must be an integer.")))
            })
            .transpose()
    };
    let return_id = integer("return_id")?;
    let order_id = integer("order_id")?;
    let order_name = param("order_name");
    let state = lock(&shared.state);
    let id = match (return_id, order_id, order_name) {
        (Some(id), _, _) => state
            .store
            .get(id)
            .map(|r| r.id)
            .ok_or(LoopError::NotFound("Return not found."))?,
        (None, None, None) => {
            return Err(LoopError::field(
                "return_id",
                "One of return_id, order_id or order_name is required.",
            ));
        }
        (None, order_id, order_name) => state
            .store
            .find_by_order(order_id, order_name)
            .ok_or(LoopError::OrderNotFound)?,
    };
    let body = state
        .store
        .get(id)
        .map(|r| shared.render_return_data(r, Surface::Details))
        .ok_or(LoopError::NotFound("Return not found."))?;
    drop(state);
    Ok(Json(body).into_response())
}

/// `GET /warehouse/reporting/asn?from=…&to=…`: one row per line item of the
/// returns created in the window, every state, oldest first.
pub(super) async fn asn(State(shared): State<Arc<Shared>>, Query(params): Params) -> LoopResult {
    let state = lock(&shared.state);
    let now = state.now();
    let bound = |key: &str, default: OffsetDateTime| match params.get(key) {
        None => default,
        Some(text) => time_fmt::parse(text).unwrap_or(OffsetDateTime::UNIX_EPOCH),
    };
    let from = bound("from", now - Duration::weeks(1));
    let to = bound("to", now.replace_time(Time::MAX));
    let window = Window {
        field: TimeField::CreatedAt,
        from: from.unix_timestamp_nanos(),
        to: to.unix_timestamp_nanos(),
        states: &ReturnState::ALL,
    };
    let rows: Vec<Value> = state
        .store
        .keys_in(&window)
        .iter()
        .filter_map(|(_, id)| state.store.get(*id))
        .flat_map(asn_rows)
        .collect();
    drop(state);
    Ok(Json(rows).into_response())
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn parse(pairs: &[(&str, &str)]) -> Result<ListRequest, LoopError> {
        let params = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        ListRequest::parse(&params, datetime!(2025-06-01 12:00 UTC))
    }

    #[test]
    fn default_window_is_the_last_day() {
        let request = parse(&[]).expect("valid");
        assert_eq!(request.from, datetime!(2025-05-31 12:00 UTC));
        assert_eq!(request.to, datetime!(2025-06-01 12:00 UTC));
        assert_eq!(request.states(), ReturnState::LIST_DEFAULT);
        assert!(!request.paginate);
    }

    #[test]
    fn window_of_more_than_120_days_is_refused() {
        assert!(parse(&[("from", "2025-01-01"), ("to", "2025-05-01")]).is_ok());
        match parse(&[("from", "2025-01-01"), ("to", "2025-05-02")]) {
            Err(LoopError::Validation { errors, .. }) => assert_eq!(errors[0].0, "to"),
            other => panic!("expected a 422, got {other:?}"),
        }
    }

    #[test]
    fn every_bad_parameter_is_reported() {
        match parse(&[("state", "lost"), ("filter", "x"), ("pageSize", "751")]) {
            Err(LoopError::Validation { errors, .. }) => {
                let fields: Vec<_> = errors.iter().map(|(f, _)| f.as_str()).collect();
                assert_eq!(fields, ["filter", "state", "pageSize"]);
            }
            other => panic!("expected a 422, got {other:?}"),
        }
    }

    #[test]
    fn encodes_query_values() {
        assert_eq!(
            percent_encode("2025-01-01T00:00:00.000Z"),
            "2025-01-01T00%3A00%3A00.000Z"
        );
        assert_eq!(percent_encode("a b+c"), "a%20b%2Bc");
    }
}
