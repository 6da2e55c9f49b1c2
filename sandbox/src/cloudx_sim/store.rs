//! The simulator's state — tickets with their id and reference indexes, the
//! item master and the per-ticket outcomes — and every operation on it.
//!
//! Operations take `now` and return API errors, but know nothing of HTTP
//! routing; callers hold the lock for one operation and never across an await.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use time::OffsetDateTime;

use super::config::WarehouseModel;
use super::create::{NewLine, NewTicket};
use super::error::{ApiError, FieldError};
use super::items::ItemMaster;
use super::outcome::{ReceiptOutcome, default_condition, record_counts};
use super::query::ListQuery;
use super::receive::{LineKey, ReceiveRequest};
use super::status::Status;
use super::ticket::{Line, Ticket, line_id};

/// Ticket ids are `WHRTN` followed by a number counting up from here.
const FIRST_TICKET_NUMBER: usize = 1_000_001;

/// One page of a ticket listing.
#[derive(Debug, serde::Serialize)]
pub(crate) struct Page {
    pub(crate) data: Vec<Ticket>,
    pub(crate) page: u32,
    pub(crate) per_page: u32,
    pub(crate) next_page: Option<u32>,
}

#[derive(Debug, Default)]
pub(crate) struct Store {
    /// In creation order; never removed, so the position is stable.
    tickets: Vec<Ticket>,
    by_id: HashMap<String, usize>,
    by_reference: HashMap<String, usize>,
    pub(crate) items: ItemMaster,
    /// Outcomes set per return, keyed by `rma_number` (or `reference_number`).
    outcomes: HashMap<String, ReceiptOutcome>,
}

impl Store {
    /// Creates a ticket. The duplicate check and the insertion happen under
    /// the caller's one write lock, so two concurrent creates with one
    /// reference number make exactly one ticket.
    pub(crate) fn create(
        &mut self,
        new: NewTicket,
        now: OffsetDateTime,
    ) -> Result<Ticket, ApiError> {
        let index = self.tickets.len();
        let id = format!("WHRTN{}", FIRST_TICKET_NUMBER + index);
        let lines = self.resolve_lines(&id, &new.lines);
        let slot = match self.by_reference.entry(new.reference_number.clone()) {
            Entry::Occupied(existing) => {
                let existing_id = &self.tickets[*existing.get()].id;
                return Err(ApiError::duplicate_reference(
                    &new.reference_number,
                    existing_id,
                ));
            }
            Entry::Vacant(slot) => slot,
        };
        let lines = lines.map_err(ApiError::items_not_found)?;
        slot.insert(index);
        let ticket = Ticket {
            id: id.clone(),
            kind: new.kind,
            status: Status::Draft,
            warehouse_code: new.warehouse_code,
            reference_number: new.reference_number,
            rma_number: new.rma_number,
            order_number: new.order_number,
            tracking_numbers: new.tracking_numbers,
            carrier: new.carrier,
            ship_from: new.ship_from,
            memo: new.memo,
            expected_date: new.expected_date,
            created_at: now,
            updated_at: now,
            arrived_at: None,
            received_at: None,
            lines,
            counted: false,
        };
        self.by_id.insert(id, index);
        self.tickets.push(ticket.clone());
        Ok(ticket)
    }

    /// Matches each line to the item master, by SKU first, then by UPC; the
    /// item fills in the identifiers and description the line left out.
    fn resolve_lines(
        &self,
        ticket_id: &str,
        lines: &[NewLine],
    ) -> Result<Vec<Line>, Vec<FieldError>> {
        let mut resolved = Vec::with_capacity(lines.len());
        let mut missing = Vec::new();
        for (index, line) in lines.iter().enumerate() {
            let item = line
                .sku
                .as_deref()
                .and_then(|sku| self.items.by_sku(sku))
                .or_else(|| line.upc.as_deref().and_then(|upc| self.items.by_upc(upc)));
            let Some(item) = item else {
                let (field, value) = match (&line.sku, &line.upc) {
                    (Some(sku), _) => ("sku", sku),
                    (None, Some(upc)) => ("upc", upc),
                    (None, None) => continue, // validation guarantees one
                };
                missing.push(FieldError::new(
                    format!("lines[{index}].{field}"),
                    format!("ItemNotFound: no item with {field} {value:?} in the item master"),
                ));
                continue;
            };
            resolved.push(Line {
                line_id: line_id(ticket_id, index),
                sku: line.sku.clone().or_else(|| Some(item.sku.clone())),
                upc: line.upc.clone().or_else(|| item.upc.clone()),
                description: line
                    .description
                    .clone()
                    .or_else(|| item.description.clone()),
                expected_quantity: line.expected_quantity,
                received_quantity: 0,
                damaged_quantity: 0,
                condition: None,
                return_reason_code: line.return_reason_code.clone(),
            });
        }
        if missing.is_empty() {
            Ok(resolved)
        } else {
            Err(missing)
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Ticket> {
        self.by_id.get(id).map(|&index| &self.tickets[index])
    }

    fn get_mut(&mut self, id: &str) -> Result<&mut Ticket, ApiError> {
        match self.by_id.get(id) {
            Some(&index) => Ok(&mut self.tickets[index]),
            None => Err(ApiError::ticket_not_found(id)),
        }
    }

    /// Tickets in creation order, filtered and paged.
    pub(crate) fn list(&self, query: &ListQuery) -> Page {
        let per_page = query.per_page as usize;
        let skip = (query.page as usize - 1).saturating_mul(per_page);
        let (data, more) = if query.has_filters() {
            let candidates: Box<dyn Iterator<Item = &Ticket>> = match &query.reference_number {
                Some(reference) => Box::new(
                    self.by_reference
                        .get(reference)
                        .map(|&index| &self.tickets[index])
                        .into_iter(),
                ),
                None => Box::new(self.tickets.iter()),
            };
            let mut matching = candidates.filter(|t| query.matches(t)).skip(skip);
            let data: Vec<Ticket> = matching.by_ref().take(per_page).cloned().collect();
            (data, matching.next().is_some())
        } else {
            // Unfiltered pages are slices: listing 100,000 tickets stays linear.
            let rest = self.tickets.get(skip..).unwrap_or_default();
            let data = rest.iter().take(per_page).cloned().collect();
            (data, rest.len() > per_page)
        };
        Page {
            data,
            page: query.page,
            per_page: query.per_page,
            next_page: more.then(|| query.page + 1),
        }
    }

    /// Cancels a `Draft` or `PendingCSR` ticket.
    pub(crate) fn cancel(&mut self, id: &str, now: OffsetDateTime) -> Result<Ticket, ApiError> {
        let ticket = self.get_mut(id)?;
        if !ticket.status.is_cancellable() {
            return Err(ApiError::state(format!(
                "ticket {id} is {}; only Draft and PendingCSR tickets can be cancelled",
                ticket.status.as_str()
            )));
        }
        ticket.move_to(Status::Cancelled, now);
        Ok(ticket.clone())
    }

    /// Moves a ticket forward to `target` (or cancels it, under the cancel rules).
    pub(crate) fn advance(
        &mut self,
        id: &str,
        target: Status,
        now: OffsetDateTime,
    ) -> Result<Ticket, ApiError> {
        let ticket = self.get_mut(id)?;
        if !ticket.status.can_move_to(target) {
            return Err(ApiError::state(format!(
                "ticket {id} cannot move from {} to {}: statuses only move forward, \
                 terminal ones never, and only Draft and PendingCSR can be cancelled",
                ticket.status.as_str(),
                target.as_str()
            )));
        }
        ticket.move_to(target, now);
        Ok(ticket.clone())
    }

    /// Records counts on a ticket; lines named by SKU/UPC that are not on the
    /// ticket are added as unexpected lines (`expected_quantity` 0). Nothing
    /// changes unless every line of the request is valid.
    pub(crate) fn receive(
        &mut self,
        id: &str,
        request: ReceiveRequest,
        now: OffsetDateTime,
    ) -> Result<Ticket, ApiError> {
        let ticket = self.get_mut(id)?;
        if ticket.status.is_terminal() {
            return Err(ApiError::state(format!(
                "ticket {id} is {} and can no longer be counted",
                ticket.status.as_str()
            )));
        }
        let unknown_line_ids: Vec<FieldError> = request
            .lines
            .iter()
            .enumerate()
            .filter_map(|(index, line)| match &line.key {
                LineKey::LineId(line_id) if !ticket.lines.iter().any(|l| l.line_id == *line_id) => {
                    Some(FieldError::new(
                        format!("lines[{index}].line_id"),
                        format!("ticket {id} has no line {line_id:?}"),
                    ))
                }
                _ => None,
            })
            .collect();
        if !unknown_line_ids.is_empty() {
            return Err(ApiError::validation(unknown_line_ids));
        }
        for count in request.lines {
            let position = ticket.lines.iter().position(|line| match &count.key {
                LineKey::LineId(line_id) => line.line_id == *line_id,
                LineKey::Sku(sku) => line.sku.as_deref() == Some(sku.as_str()),
                LineKey::Upc(upc) => line.upc.as_deref() == Some(upc.as_str()),
            });
            let index = match position {
                Some(index) => index,
                None => {
                    let (sku, upc) = match count.key {
                        LineKey::Sku(sku) => (Some(sku), None),
                        LineKey::Upc(upc) => (None, Some(upc)),
                        LineKey::LineId(_) => continue, // checked above
                    };
                    ticket.lines.push(Line {
                        line_id: ticket.next_line_id(),
                        sku,
                        upc,
                        description: None,
                        expected_quantity: 0,
                        received_quantity: 0,
                        damaged_quantity: 0,
                        condition: Some("WrongItem".to_owned()),
                        return_reason_code: None,
                    });
                    ticket.lines.len() - 1
                }
            };
            let line = &mut ticket.lines[index];
            line.received_quantity = count.received_quantity;
            line.damaged_quantity = count.damaged_quantity;
            line.condition = match count.condition {
                Some(condition) => Some(condition),
                None if line.expected_quantity == 0 => Some("WrongItem".to_owned()),
                None => default_condition(line),
            };
        }
        ticket.counted = true;
        if request.is_final {
            ticket.move_to(Status::AddedToInventory, now);
        } else if ticket.status < Status::CountingInProgress {
            ticket.move_to(Status::CountingInProgress, now);
        } else {
            ticket.updated_at = now;
        }
        Ok(ticket.clone())
    }

    /// Sets the outcome for tickets whose `rma_number` (or, lacking one,
    /// `reference_number`) is `key`.
    pub(crate) fn set_outcome(&mut self, key: &str, outcome: ReceiptOutcome) {
        self.outcomes.insert(key.to_owned(), outcome);
    }

    fn outcome_for(&self, ticket: &Ticket, model: &WarehouseModel) -> ReceiptOutcome {
        let by_rma = ticket
            .rma_number
            .as_deref()
            .and_then(|rma| self.outcomes.get(rma));
        let by_reference = || self.outcomes.get(&ticket.reference_number);
        match by_rma.or_else(by_reference) {
            Some(outcome) => outcome.clone(),
            None => model
                .outcomes
                .outcome_for(model.seed, &ticket.reference_number),
        }
    }

    /// One step of the warehouse model (see [`WarehouseModel`]); returns how
    /// many tickets moved.
    pub(crate) fn work_warehouse(&mut self, model: &WarehouseModel, now: OffsetDateTime) -> usize {
        let mut moved = 0;
        for index in 0..self.tickets.len() {
            let status = self.tickets[index].status;
            if status.next_in_warehouse().is_none() || model.statuses_per_step == 0 {
                continue;
            }
            let outcome = self.outcome_for(&self.tickets[index], model);
            if outcome == ReceiptOutcome::NeverArrives {
                continue;
            }
            let ticket = &mut self.tickets[index];
            for _ in 0..model.statuses_per_step {
                let Some(next) = ticket.status.next_in_warehouse() else {
                    break;
                };
                if next >= Status::CountingInProgress && !ticket.counted {
                    record_counts(&outcome, ticket, &self.items);
                }
                ticket.move_to(next, now);
            }
            moved += 1;
        }
        moved
    }

    /// Every ticket in its wire form, in creation order.
    pub(crate) fn snapshot(&self) -> Vec<serde_json::Value> {
        self.tickets
            .iter()
            .map(|ticket| serde_json::to_value(ticket).unwrap_or_default())
            .collect()
    }
}
