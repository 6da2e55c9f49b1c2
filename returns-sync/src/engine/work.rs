//! One return on its way through a run: what the engine knows of it, and
//! the steps that move it (send to the warehouse, poll, decide, act, or
//! close out a return that ended before arrival).
//!
//! Every step is ordered so that a crash between two vendor calls is
//! finished by the next run without a duplicate: the ticket is created
//! before it is recorded (a re-run finds it by reference), a note is looked
//! for before it is written (unless it names a ticket created in this very
//! call, which no note can name yet), the note comes before the action, and
//! an action Loop answers "already closed" counts as done.

use std::collections::HashMap;

use cloudx_client::prelude::*;
use cloudx_client::{CreateOutcome, NewReceivingTicket, ReceivingTicket, TicketId};
use loop_client::conversion::{Applied, apply_decision};
use returns_core::{
    ArrivalClock, AsnDraft, Decision, ItemKey, ShipmentObservation, evaluate_receipt,
};
use time::OffsetDateTime;

use super::{Inner, notes};
use crate::report::{FailedStep, Outcome, StepCounts};
use crate::store::{JournalEntry, ReturnStage, Step, TrackedReturn, TrackedTicket};

/// A return the run works on.
#[derive(Debug)]
pub(crate) struct Work {
    pub(crate) loop_id: loop_client::ReturnId,
    pub(crate) core: returns_core::Return,
    pub(crate) drafts: Vec<AsnDraft>,
    /// What the store knew before this run.
    pub(crate) tracked: Option<TrackedReturn>,
    /// One slot per draft: the ticket, once created or found.
    pub(crate) tickets: Vec<Option<ReceivingTicket>>,
    /// When each ticket was created (the "not arrived" clock).
    pub(crate) created_at: Vec<Option<OffsetDateTime>>,
    /// One slot per draft: whether this run created the ticket. A return
    /// with such a ticket is not judged in the same run (the warehouse
    /// cannot have received it yet).
    pub(crate) created_now: Vec<bool>,
    /// The journal as stored before this run, then this run's entries.
    pub(crate) history: Vec<JournalEntry>,
    pub(crate) new_entries: Vec<JournalEntry>,
    pub(crate) counts: StepCounts,
    pub(crate) stage: ReturnStage,
    pub(crate) outcome: Option<Outcome>,
}

impl Work {
    pub(crate) fn new(
        loop_id: loop_client::ReturnId,
        core: returns_core::Return,
        drafts: Vec<AsnDraft>,
        tracked: Option<TrackedReturn>,
        history: Vec<JournalEntry>,
    ) -> Self {
        let slots = drafts.len();
        let mut work = Self {
            loop_id,
            core,
            drafts,
            tracked,
            tickets: vec![None; slots],
            created_at: vec![None; slots],
            created_now: vec![false; slots],
            history,
            new_entries: Vec::new(),
            counts: StepCounts::default(),
            stage: ReturnStage::Blocked,
            outcome: None,
        };
        work.adopt_tracked_tickets();
        work
    }

    /// The tickets the store knew, by reference (a plan that gained a
    /// shipment keeps the ones it had).
    fn adopt_tracked_tickets(&mut self) {
        let Some(tracked) = &self.tracked else { return };
        let by_reference: HashMap<&str, &TrackedTicket> = tracked
            .tickets
            .iter()
            .map(|t| (t.reference.as_str(), t))
            .collect();
        for (slot, draft) in self.drafts.iter().enumerate() {
            // The ticket itself is read again when polled.
            if let Some(known) = by_reference.get(draft.reference_number.as_str()) {
                self.created_at[slot] = Some(known.created_at);
            }
        }
    }

    pub(crate) fn id(&self) -> String {
        self.loop_id.to_string()
    }

    fn record(&mut self, at: OffsetDateTime, step: Step, detail: impl Into<String>) {
        let entry = JournalEntry::new(self.id(), at, step, detail);
        self.new_entries.push(entry);
    }

    pub(crate) fn settle(&mut self, at: OffsetDateTime, stage: ReturnStage, outcome: Outcome) {
        if let Outcome::Failed { step, error } = &outcome {
            self.record(at, Step::Failed, format!("{step}: {error}"));
        }
        self.stage = stage;
        self.outcome = Some(outcome);
    }

    pub(crate) fn settled(&self) -> bool {
        self.outcome.is_some()
    }

    /// Whether every draft has a known ticket (created, found, or tracked).
    fn all_tickets_known(&self) -> bool {
        self.created_at.iter().all(Option::is_some)
    }

    /// The record the store keeps after this run.
    pub(crate) fn to_tracked(&self, now: OffsetDateTime) -> TrackedReturn {
        let known: HashMap<&str, &TrackedTicket> = self
            .tracked
            .iter()
            .flat_map(|t| &t.tickets)
            .map(|t| (t.reference.as_str(), t))
            .collect();
        let tickets = self
            .drafts
            .iter()
            .enumerate()
            .filter_map(|(slot, draft)| {
                let reference = draft.reference_number.as_str();
                match (&self.tickets[slot], self.created_at[slot]) {
                    (Some(ticket), Some(created_at)) => Some(TrackedTicket {
                        reference: reference.to_owned(),
                        ticket_id: ticket.id.to_string(),
                        created_at,
                    }),
                    _ => known.get(reference).map(|t| (*t).clone()),
                }
            })
            .collect();
        TrackedReturn {
            return_id: self.id(),
            order_name: self.core.order_name.clone(),
            stage: self.stage,
            core: self.core.clone(),
            tickets,
            updated_at: now,
        }
    }

    fn ticket_id(&self, slot: usize) -> Option<String> {
        if let Some(ticket) = &self.tickets[slot] {
            return Some(ticket.id.to_string());
        }
        let reference = self.drafts[slot].reference_number.as_str();
        self.tracked
            .iter()
            .flat_map(|t| &t.tickets)
            .find(|t| t.reference == reference)
            .map(|t| t.ticket_id.clone())
    }

    fn ticket_ids(&self) -> Vec<String> {
        (0..self.drafts.len())
            .filter_map(|slot| self.ticket_id(slot))
            .collect()
    }

    /// The items of the drafts still to be created.
    pub(crate) fn items_to_create(&self) -> Vec<ItemKey> {
        self.drafts
            .iter()
            .enumerate()
            .filter(|(slot, _)| self.created_at[*slot].is_none())
            .flat_map(|(_, d)| d.lines.iter().map(|l| l.item.clone()))
            .collect()
    }

    fn journaled(&self, text: &str) -> bool {
        notes::journaled(&self.history, text) || notes::journaled(&self.new_entries, text)
    }

    /// Writes a note exactly once (see [`notes::write_once`]).
    async fn note_once(&mut self, inner: &Inner, text: &str) -> Result<(), loop_client::Error> {
        if self.journaled(text) {
            return Ok(());
        }
        let wrote = notes::write_once(&inner.loop_client, &self.loop_id, text).await?;
        if wrote {
            self.counts.notes_written += 1;
        }
        self.record(inner.now(), Step::NoteWritten, text);
        Ok(())
    }

    /// Writes the note of a ticket this run created, without looking for it
    /// in Loop first: the id CloudX has just given a new ticket belongs to no
    /// earlier one (tickets are never deleted; a cancelled one keeps its
    /// id), so no note on the return can name it yet.
    async fn note_new_ticket(
        &mut self,
        inner: &Inner,
        text: &str,
    ) -> Result<(), loop_client::Error> {
        inner.loop_client.create_note(&self.loop_id, text).await?;
        self.counts.notes_written += 1;
        self.record(inner.now(), Step::NoteWritten, text);
        Ok(())
    }
}

/// Items unknown to the warehouse stop the return before any ticket: the
/// warehouse would refuse its ASN. Written on the timeline once.
pub(crate) async fn block_on_missing_items(inner: &Inner, work: &mut Work, missing: Vec<String>) {
    let note = notes::items_missing(&missing);
    let at = inner.now();
    if !work.journaled(&note) {
        work.record(at, Step::NotSent, note.clone());
    }
    match work.note_once(inner, &note).await {
        Ok(()) => work.settle(
            at,
            ReturnStage::Blocked,
            Outcome::ItemsMissing { items: missing },
        ),
        Err(e) => work.settle(
            at,
            ReturnStage::Blocked,
            Outcome::failed(FailedStep::WriteNote, e),
        ),
    }
}

/// Creates (or finds) a ticket for every draft that has none, records
/// them, then writes each "ASN created" note once.
pub(crate) async fn send(inner: &Inner, work: &mut Work) {
    for slot in 0..work.drafts.len() {
        if work.created_at[slot].is_some() {
            continue;
        }
        let request = NewReceivingTicket::from(&work.drafts[slot]);
        let outcome = match inner.cloudx.create_ticket(&request).await {
            Ok(outcome) => outcome,
            Err(e) if e.is_item_not_found() => {
                let missing = vec![e.to_string()];
                block_on_missing_items(inner, work, missing).await;
                return;
            }
            Err(e) => {
                work.settle(
                    inner.now(),
                    ReturnStage::Blocked,
                    Outcome::failed(FailedStep::CreateTicket, e),
                );
                return;
            }
        };
        let at = inner.now();
        let (ticket, created) = match outcome {
            CreateOutcome::Created(ticket) => (ticket, true),
            other => (other.into_ticket(), false),
        };
        if let Some(detail) = mismatch(&work.drafts[slot], &ticket).filter(|_| !created) {
            let reference = work.drafts[slot].reference_number.to_string();
            work.record(
                at,
                Step::NotSent,
                format!("ticket {} differs from the plan: {detail}", ticket.id),
            );
            work.settle(
                at,
                ReturnStage::Blocked,
                Outcome::TicketMismatch { reference, detail },
            );
            return;
        }
        if created {
            work.counts.tickets_created += 1;
            work.created_now[slot] = true;
            work.record(at, Step::TicketCreated, ticket.id.to_string());
        } else {
            work.counts.tickets_found += 1;
            work.record(at, Step::TicketFound, ticket.id.to_string());
        }
        work.created_at[slot] = Some(ticket.created_at.unwrap_or(at));
        work.tickets[slot] = Some(ticket);
    }
    // Saved with the batch once the return has gone as far as it can: a
    // stop before that leaves tickets the next run finds by reference
    // (CloudX answers its create with the existing ticket) and notes it
    // finds in Loop.
    work.stage = ReturnStage::AtWarehouse;
    let shipments = work.drafts.len();
    for slot in 0..shipments {
        let Some(ticket_id) = work.ticket_id(slot) else {
            continue;
        };
        let note = notes::ticket_created(&ticket_id, &work.drafts[slot], slot + 1, shipments);
        let written = if work.created_now[slot] {
            work.note_new_ticket(inner, &note).await
        } else {
            work.note_once(inner, &note).await
        };
        if let Err(e) = written {
            work.settle(
                inner.now(),
                ReturnStage::AtWarehouse,
                Outcome::failed(FailedStep::WriteNote, e),
            );
            return;
        }
    }
}

/// What differs between a found ticket and the draft it should match, if
/// anything: the warehouse, or the expected lines (item, by the identifier
/// the draft uses, and expected quantity). What the warehouse adds itself (a
/// UPC from the item master, counts, lines for unexpected items it
/// received, which expect nothing) is not compared.
fn mismatch(draft: &AsnDraft, ticket: &ReceivingTicket) -> Option<String> {
    if ticket.warehouse_code.as_str() != draft.warehouse_code {
        return Some(format!(
            "warehouse {} instead of {}",
            ticket.warehouse_code, draft.warehouse_code
        ));
    }
    let mut want: Vec<(String, u32)> = draft
        .lines
        .iter()
        .map(|l| (l.item.to_string(), l.expected_quantity.get()))
        .collect();
    let mut have: Vec<(String, u32)> = ticket
        .lines
        .iter()
        .filter(|l| l.expected_quantity > 0)
        .map(|l| {
            let key = match draft.lines.first().map(|d| &d.item) {
                Some(ItemKey::Barcode(_)) => {
                    l.upc.as_ref().map(|u| ItemKey::Barcode(u.to_string()))
                }
                _ => l.sku.as_ref().map(|s| ItemKey::Sku(s.to_string())),
            };
            (
                key.map_or_else(|| "no identifier".to_owned(), |k| k.to_string()),
                l.expected_quantity,
            )
        })
        .collect();
    want.sort();
    have.sort();
    if want == have {
        return None;
    }
    let show = |lines: &[(String, u32)]| {
        lines
            .iter()
            .map(|(item, qty)| format!("{item} ×{qty}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Some(format!("lines {} instead of {}", show(&have), show(&want)))
}

/// Reads the return's tickets, evaluates the receipt with the clock's time,
/// and carries the decision out (or writes it for a person).
pub(crate) async fn poll_and_decide(inner: &Inner, work: &mut Work) {
    if work.created_now.contains(&true) || !work.all_tickets_known() {
        work.settle(
            inner.now(),
            work.stage,
            Outcome::AtWarehouse {
                tickets: work.ticket_ids(),
            },
        );
        return;
    }
    let mut observations = Vec::with_capacity(work.drafts.len());
    for slot in 0..work.drafts.len() {
        let Some(id) = work.ticket_id(slot) else {
            continue;
        };
        let ticket = match inner.cloudx.get_ticket(&TicketId::new(id)).await {
            Ok(ticket) => ticket,
            Err(e) => {
                work.settle(
                    inner.now(),
                    ReturnStage::AtWarehouse,
                    Outcome::failed(FailedStep::Poll, e),
                );
                return;
            }
        };
        work.counts.tickets_polled += 1;
        // A status this SDK does not know would read as "not arrived yet";
        // it is a failure to read the ticket, retried next run.
        if ticket.phase().is_none() {
            let error = format!("ticket {}: unknown status {}", ticket.id, ticket.status);
            work.settle(
                inner.now(),
                ReturnStage::AtWarehouse,
                Outcome::failed(FailedStep::ReadTicket, error),
            );
            return;
        }
        match ShipmentObservation::try_from(&ticket) {
            Ok(observation) => observations.push(observation),
            Err(e) => {
                let error = format!("ticket {}: {e}", ticket.id);
                work.settle(
                    inner.now(),
                    ReturnStage::AtWarehouse,
                    Outcome::failed(FailedStep::ReadTicket, error),
                );
                return;
            }
        }
        work.tickets[slot] = Some(ticket);
    }
    // "Not arrived" counts from the earliest ticket's creation: the
    // warehouse could not have seen the parcel before it had the ASN.
    let clock = ArrivalClock::asn_created(
        work.created_at
            .iter()
            .flatten()
            .min()
            .copied()
            .unwrap_or_else(|| inner.now()),
    );
    // The time is read now, at this evaluation, not once per run.
    let decision = evaluate_receipt(
        &work.drafts,
        &observations,
        &inner.settings.receipt_criteria,
        clock,
        inner.now(),
    );
    if let Decision::Wait { reason } = &decision {
        let reason = reason.to_string();
        work.settle(
            inner.now(),
            ReturnStage::AtWarehouse,
            Outcome::Waiting { reason },
        );
        return;
    }
    work.counts.decided += 1;
    work.record(inner.now(), Step::Decided, decision.note());
    if inner.settings.auto_process {
        act(inner, work, &decision).await;
    } else {
        let note = notes::awaiting_person(&decision);
        match work.note_once(inner, &note).await {
            Ok(()) => work.settle(
                inner.now(),
                ReturnStage::AwaitingPerson,
                Outcome::AwaitingPerson { note },
            ),
            Err(e) => work.settle(
                inner.now(),
                ReturnStage::AtWarehouse,
                Outcome::failed(FailedStep::WriteNote, e),
            ),
        }
    }
}

/// Carries a decision out in Loop through the one implementation users
/// share ([`apply_decision`]: the note first and once, then the action).
///
/// A flag is sent only to a return Loop does not show in review already:
/// Loop accepts a second Flag as a no-op success, and an earlier flag may
/// have landed unheard (its answer lost, or the engine stopped right after
/// sending it) while the store still has the return at the warehouse. A
/// repeated Process needs no such check: Loop refuses it once closed.
async fn act(inner: &Inner, work: &mut Work, decision: &Decision) {
    if matches!(decision, Decision::Flag { .. }) {
        let lookup = loop_client::ReturnId::new(work.loop_id.as_ref()).into();
        match inner.loop_client.get_return(&lookup, None).await {
            Ok(ret) if ret.state == Some(loop_client::ReturnState::Review) => {
                return flagged(inner, work, decision);
            }
            Ok(_) => {}
            Err(e) => {
                return work.settle(
                    inner.now(),
                    ReturnStage::AtWarehouse,
                    Outcome::failed(FailedStep::Act, e),
                );
            }
        }
    }
    match apply_decision(&inner.loop_client, &work.loop_id, decision).await {
        Ok(applied) => {
            work.counts.acted += 1;
            let at = inner.now();
            let outcome = match (applied, decision) {
                (Applied::Flagged, Decision::Flag { reasons }) => Outcome::Flagged {
                    reasons: reasons.iter().map(ToString::to_string).collect(),
                },
                _ => Outcome::Processed {
                    removed_lines: decision.lines_to_remove().len(),
                },
            };
            work.record(at, Step::Acted, outcome.kind());
            work.settle(at, ReturnStage::Decided, outcome);
        }
        Err(e) => work.settle(
            inner.now(),
            ReturnStage::AtWarehouse,
            Outcome::failed(FailedStep::Act, e),
        ),
    }
}

/// Records a flag found already in place in Loop as carried out.
fn flagged(inner: &Inner, work: &mut Work, decision: &Decision) {
    let Decision::Flag { reasons } = decision else {
        return;
    };
    let at = inner.now();
    let outcome = Outcome::Flagged {
        reasons: reasons.iter().map(ToString::to_string).collect(),
    };
    work.record(
        at,
        Step::Acted,
        format!("{} (found in review)", outcome.kind()),
    );
    work.settle(at, ReturnStage::Decided, outcome);
}

/// A return that ended in Loop (cancelled, expired, closed) while some of
/// its tickets were still waiting for the parcel: tickets still `Draft` or
/// `PendingCSR` are cancelled in CloudX; tickets past that point are left as
/// they are and reported. A return whose tickets were all received or
/// cancelled already ended normally: nothing to report.
pub(crate) async fn close_out(inner: &Inner, work: &mut Work, state: &str) {
    let mut cancelled = Vec::new();
    let mut left = Vec::new();
    for slot in 0..work.drafts.len() {
        let ticket = match work.ticket_id(slot) {
            Some(id) => inner.cloudx.get_ticket(&TicketId::new(id)).await.map(Some),
            None => {
                let reference =
                    cloudx_client::ReferenceNumber::from(&work.drafts[slot].reference_number);
                inner.cloudx.find_ticket_by_reference(&reference).await
            }
        };
        let ticket = match ticket {
            Ok(Some(ticket)) => ticket,
            Ok(None) => continue,
            Err(e) => {
                work.settle(
                    inner.now(),
                    work.stage,
                    Outcome::failed(FailedStep::Poll, e),
                );
                return;
            }
        };
        if ticket.status.is_cancellable() {
            match inner.cloudx.cancel_ticket(&ticket.id).await {
                Ok(_) => {
                    work.counts.tickets_cancelled += 1;
                    work.record(
                        inner.now(),
                        Step::TicketCancelled,
                        format!("{} (return {state})", ticket.id),
                    );
                    cancelled.push(ticket.id.to_string());
                }
                Err(e) => {
                    work.settle(
                        inner.now(),
                        work.stage,
                        Outcome::failed(FailedStep::CancelTicket, e),
                    );
                    return;
                }
            }
        } else if !ticket.is_terminal() {
            left.push(ticket.id.to_string());
        }
    }
    let at = inner.now();
    if cancelled.is_empty() && left.is_empty() {
        let stage = work
            .tracked
            .as_ref()
            .map_or(ReturnStage::Ended, |t| match t.stage {
                ReturnStage::Pulled | ReturnStage::AtWarehouse | ReturnStage::Blocked => {
                    ReturnStage::Ended
                }
                other => other,
            });
        work.stage = stage;
        return;
    }
    let state = state.to_owned();
    work.settle(
        at,
        ReturnStage::Ended,
        Outcome::Ended {
            state,
            cancelled,
            left,
        },
    );
}
