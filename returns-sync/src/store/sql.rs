//! What the SQL stores share: how timestamps, returns and errors are
//! written and read, whatever the database.
//!
//! Both stores keep timestamps as RFC 3339 text (UTC, nine fractional
//! digits) and `core`/`tickets` as JSON text, so one set of encoders serves
//! both and a row means the same in either database.

use std::collections::HashSet;

use sqlx::{ColumnIndex, Decode, Row, Type};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

use super::{
    InboxEvent, JournalEntry, PendingEvent, ReturnStage, Step, StoreError, TrackedReturn,
    TrackedTicket,
};

/// The `sync_state` row holding the pull watermark.
pub(super) const WATERMARK: &str = "pull_watermark";

/// The columns of `tracked_returns` that [`decode_return`] reads.
pub(super) const RETURN_COLUMNS: &str = "return_id, order_name, stage, core, tickets, updated_at";

/// A tracked return's columns, encoded for a write.
pub(super) struct EncodedReturn<'a> {
    pub return_id: &'a str,
    pub order_name: &'a str,
    pub stage: &'static str,
    pub core: String,
    pub tickets: String,
    pub updated_at: String,
}

/// Encodes a tracked return's columns.
pub(super) fn encode_return<'a>(
    operation: &'static str,
    tracked: &'a TrackedReturn,
) -> Result<EncodedReturn<'a>, StoreError> {
    Ok(EncodedReturn {
        return_id: &tracked.return_id,
        order_name: &tracked.order_name,
        stage: tracked.stage.as_str(),
        core: serde_json::to_string(&tracked.core).map_err(|err| io_error(operation, err))?,
        tickets: serde_json::to_string(&tracked.tickets).map_err(|err| io_error(operation, err))?,
        updated_at: encode_time(operation, tracked.updated_at)?,
    })
}

/// Decodes a `tracked_returns` row (the [`RETURN_COLUMNS`]).
pub(super) fn decode_return<R>(
    operation: &'static str,
    row: &R,
) -> Result<TrackedReturn, StoreError>
where
    R: Row,
    for<'r> &'r str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
{
    let stage: String = get(operation, row, "stage")?;
    let core: String = get(operation, row, "core")?;
    let tickets: String = get(operation, row, "tickets")?;
    Ok(TrackedReturn {
        return_id: get(operation, row, "return_id")?,
        order_name: get(operation, row, "order_name")?,
        stage: ReturnStage::parse(&stage)
            .ok_or_else(|| corrupt(operation, format!("unknown stage {stage:?}")))?,
        core: serde_json::from_str(&core)
            .map_err(|err| corrupt(operation, format!("column `core`: {err}")))?,
        tickets: serde_json::from_str::<Vec<TrackedTicket>>(&tickets)
            .map_err(|err| corrupt(operation, format!("column `tickets`: {err}")))?,
        updated_at: decode_time(operation, &get::<R, String>(operation, row, "updated_at")?)?,
    })
}

/// Decodes a `return_id, updated_at` row: what
/// [`Store::in_flight_ids`](super::Store::in_flight_ids) lists.
pub(super) fn decode_id_and_time<R>(
    operation: &'static str,
    row: &R,
) -> Result<(String, OffsetDateTime), StoreError>
where
    R: Row,
    for<'r> &'r str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
{
    let at = decode_time(operation, &get::<R, String>(operation, row, "updated_at")?)?;
    Ok((get(operation, row, "return_id")?, at))
}

/// The ids of `asked` not among `tracked`, in the order asked: what
/// [`Store::untracked`](super::Store::untracked) answers.
pub(super) fn not_tracked(asked: &[String], tracked: &HashSet<String>) -> Vec<String> {
    asked
        .iter()
        .filter(|id| !tracked.contains(id.as_str()))
        .cloned()
        .collect()
}

/// Decodes a `journal` row (`return_id, at, step, detail`).
pub(super) fn decode_entry<R>(operation: &'static str, row: &R) -> Result<JournalEntry, StoreError>
where
    R: Row,
    for<'r> &'r str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
{
    let step: String = get(operation, row, "step")?;
    Ok(JournalEntry {
        return_id: get(operation, row, "return_id")?,
        at: decode_time(operation, &get::<R, String>(operation, row, "at")?)?,
        step: Step::parse(&step)
            .ok_or_else(|| corrupt(operation, format!("unknown step {step:?}")))?,
        detail: get(operation, row, "detail")?,
    })
}

/// Decodes an `inbox` row (`seq, event_key, return_id, topic, received_at,
/// body`).
pub(super) fn decode_pending<R>(
    operation: &'static str,
    row: &R,
) -> Result<PendingEvent, StoreError>
where
    R: Row,
    for<'r> &'r str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(PendingEvent {
        seq: get(operation, row, "seq")?,
        event: InboxEvent {
            key: get(operation, row, "event_key")?,
            return_id: get(operation, row, "return_id")?,
            topic: get(operation, row, "topic")?,
            received_at: decode_time(operation, &get::<R, String>(operation, row, "received_at")?)?,
            body: get(operation, row, "body")?,
        },
    })
}

/// Reads a column; a value of the wrong type (or a NULL where none belongs)
/// is corrupt data, not a failed read.
pub(super) fn get<'r, R, T>(
    operation: &'static str,
    row: &'r R,
    column: &str,
) -> Result<T, StoreError>
where
    R: Row,
    for<'c> &'c str: ColumnIndex<R>,
    T: Decode<'r, R::Database> + Type<R::Database>,
{
    row.try_get(column).map_err(|err| sql_error(operation, err))
}

/// Formats a timestamp as stored: UTC, nine fractional digits.
pub(super) fn encode_time(
    operation: &'static str,
    at: OffsetDateTime,
) -> Result<String, StoreError> {
    let utc = at.to_offset(UtcOffset::UTC);
    if !(0..=9999).contains(&utc.year()) {
        return Err(StoreError::Io {
            operation,
            reason: format!("timestamp {at} is outside the years 0000–9999 the store keeps"),
        });
    }
    utc.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:9]Z"
    ))
    .map_err(|err| io_error(operation, err))
}

/// Parses a stored timestamp (any RFC 3339 text, so a hand-edited value in
/// another offset still reads).
pub(super) fn decode_time(
    operation: &'static str,
    text: &str,
) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|err| corrupt(operation, format!("timestamp {text:?}: {err}")))
}

/// Parses a stored stage count.
pub(super) fn decode_count(
    operation: &'static str,
    stage: &str,
    n: i64,
) -> Result<(ReturnStage, u64), StoreError> {
    let stage = ReturnStage::parse(stage)
        .ok_or_else(|| corrupt(operation, format!("unknown stage {stage:?}")))?;
    let n = u64::try_from(n).map_err(|err| corrupt(operation, err))?;
    Ok((stage, n))
}

/// Sorts stage counts in the order a report lists them, not the database's.
pub(super) fn in_report_order(mut counts: Vec<(ReturnStage, u64)>) -> Vec<(ReturnStage, u64)> {
    counts.sort_by_key(|(stage, _)| ReturnStage::ALL.iter().position(|s| s == stage));
    counts
}

/// The names of the stages still worked on.
pub(super) fn in_flight_stages() -> Vec<&'static str> {
    ReturnStage::ALL
        .into_iter()
        .filter(|stage| stage.is_in_flight())
        .map(ReturnStage::as_str)
        .collect()
}

pub(super) fn sql_error(operation: &'static str, err: sqlx::Error) -> StoreError {
    match err {
        sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::TypeNotFound { .. } => corrupt(operation, err),
        other => io_error(operation, other),
    }
}

pub(super) fn io_error(operation: &'static str, err: impl std::fmt::Display) -> StoreError {
    StoreError::Io {
        operation,
        reason: err.to_string(),
    }
}

pub(super) fn corrupt(operation: &'static str, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        operation,
        reason: reason.to_string(),
    }
}
