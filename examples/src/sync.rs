//! The main flow: Loop returns → CloudX receiving tickets → receipt criteria
//! → process or flag in Loop.
//!
//! Every step can be repeated safely, so running the flow again (after a
//! crash, a fault, or simply on a schedule) finishes what was left and does
//! nothing twice:
//!
//! - only **open** returns are listed: processed returns are closed and
//!   flagged ones are in review, so they are not seen again;
//! - a ticket's reference number is derived from the return and shipment,
//!   and CloudX creation is duplicate-proof (409 → existing ticket; an
//!   ambiguous failure is reconciled by reference before any retry);
//! - the note is written **before** the action, and only when an identical
//!   note is not there yet, so a crash between the two leaves an open
//!   return that the next run finishes without a second note;
//! - a repeated Process that Loop answers "already closed" counts as done.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use cloudx_client::{
    CloudxApi, CloudxClient, CreateOutcome, ItemIdentifier, NewReceivingTicket, ReceivingTicket,
    SeenTicket,
};
use futures::{StreamExt, TryStreamExt, stream};
use loop_client::conversion::to_core_return;
use loop_client::{DateFilter, LoopApi, LoopClient, ReturnId, ReturnState, ReturnWindowQuery};
use returns_core::{
    AsnDraft, AsnPlan, Decision, IntegrationSettings, ShipmentObservation, SkipReason,
    evaluate_receipt, plan_asns,
};
use time::OffsetDateTime;

use crate::connect::ReturnsServices;
use crate::progress::Progress;
use crate::report::{ReturnOutcome, ReturnResult, SyncReport};

/// How the flow runs.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Open returns created this many days back are considered.
    pub lookback_days: u32,
    /// Polls of the tickets before the flow stops and reports what still
    /// waits (on the real services a schedule runs the flow again later).
    pub poll_rounds: u32,
    /// Pause between polls on the real services (the sandbox's warehouse is
    /// stepped between polls instead).
    pub poll_interval: Duration,
    /// Calls in flight at once per service.
    pub concurrency: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            lookback_days: 60,
            poll_rounds: 12,
            poll_interval: Duration::from_secs(5),
            concurrency: 8,
        }
    }
}

/// A failure that stops the whole flow (per-return failures are reported in
/// the [`SyncReport`] and retried by the next run).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The returns could not be listed.
    #[error("listing returns from Loop failed: {0}")]
    ListReturns(#[source] loop_client::Error),
    /// The item master could not be checked.
    #[error("checking items in CloudX failed: {0}")]
    VerifyItems(#[source] cloudx_client::Error),
}

/// One return on its way through the flow.
struct Work {
    loop_id: ReturnId,
    core: returns_core::Return,
    drafts: Vec<AsnDraft>,
    tickets: Vec<Option<ReceivingTicket>>,
    outcome: Option<ReturnOutcome>,
}

impl Work {
    fn settled(&self) -> bool {
        self.outcome.is_some()
    }

    fn all_tickets_terminal(&self) -> bool {
        self.tickets.iter().all(|t| {
            t.as_ref()
                .and_then(ReceivingTicket::phase)
                .is_some_and(|p| p.is_terminal())
        })
    }
}

/// Runs the flow once over the open returns of the last
/// [`lookback_days`](SyncOptions::lookback_days).
///
/// # Errors
/// Only when the returns cannot be listed or the item master cannot be
/// read; everything that fails for one return is in the report.
pub async fn run_sync(
    services: &ReturnsServices,
    settings: &IntegrationSettings,
    options: &SyncOptions,
    progress: &Progress,
) -> Result<SyncReport, SyncError> {
    let started = std::time::Instant::now();
    let now = OffsetDateTime::now_utc();
    let (mut report, mut work) = send(services, settings, options, now, progress).await?;
    poll_tickets(services, &mut work, options, progress).await;
    decide_and_act(
        &services.loop_client,
        settings,
        &mut work,
        options,
        now,
        progress,
    )
    .await;
    let unfinished = ReturnOutcome::Failed {
        step: "poll",
        error: "tickets could not be read".to_owned(),
    };
    finish(&mut report, work, started, unfinished, progress);
    Ok(report)
}

/// The one-way flow: open returns → channel exclusion → ASNs → receiving
/// tickets, without waiting for the warehouse. Returns the report (outcome
/// [`ReturnOutcome::Sent`] for each return now at the warehouse) and every
/// ticket, new or found.
///
/// # Errors
/// As [`run_sync`].
pub async fn send_to_warehouse(
    services: &ReturnsServices,
    settings: &IntegrationSettings,
    options: &SyncOptions,
    progress: &Progress,
) -> Result<(SyncReport, Vec<ReceivingTicket>), SyncError> {
    let started = std::time::Instant::now();
    let now = OffsetDateTime::now_utc();
    let (mut report, work) = send(services, settings, options, now, progress).await?;
    let tickets = work
        .iter()
        .filter(|w| !w.settled())
        .flat_map(|w| w.tickets.iter().flatten().cloned())
        .collect();
    finish(&mut report, work, started, ReturnOutcome::Sent, progress);
    Ok((report, tickets))
}

/// The steps both flows share: pull and plan, check items, create tickets.
async fn send(
    services: &ReturnsServices,
    settings: &IntegrationSettings,
    options: &SyncOptions,
    now: OffsetDateTime,
    progress: &Progress,
) -> Result<(SyncReport, Vec<Work>), SyncError> {
    let mut report = SyncReport::default();
    // The client checks ticket lines for the identifier the settings use.
    let cloudx = services
        .cloudx
        .clone()
        .with_product_identification(settings.product_identification.into());
    let mut work = pull_and_plan(
        &services.loop_client,
        settings,
        options,
        now,
        progress,
        &mut report,
    )
    .await?;
    check_items(&cloudx, &mut work, progress).await?;
    create_tickets(&cloudx, &mut work, options, progress, &mut report).await;
    Ok((report, work))
}

/// Moves every return into the report; returns not settled by then get
/// `unsettled`.
fn finish(
    report: &mut SyncReport,
    work: Vec<Work>,
    started: std::time::Instant,
    unsettled: ReturnOutcome,
    progress: &Progress,
) {
    report.results.extend(work.into_iter().map(|w| {
        ReturnResult {
            return_id: w.loop_id.to_string(),
            order_name: w.core.order_name.clone(),
            tickets: w
                .tickets
                .iter()
                .flatten()
                .map(|t| t.id.to_string())
                .collect(),
            outcome: w.outcome.unwrap_or_else(|| unsettled.clone()),
        }
    }));
    report.elapsed = started.elapsed();
    progress.step(format!("done: {}", report.one_line()));
}

/// Lists the open returns (streamed, page by page) and plans their ASNs.
async fn pull_and_plan(
    loop_client: &LoopClient,
    settings: &IntegrationSettings,
    options: &SyncOptions,
    now: OffsetDateTime,
    progress: &Progress,
    report: &mut SyncReport,
) -> Result<Vec<Work>, SyncError> {
    let from = now - time::Duration::days(i64::from(options.lookback_days));
    let query = ReturnWindowQuery::new(from, now)
        .filter(DateFilter::CreatedAt)
        .states([ReturnState::Open]);
    let mut returns = loop_client.returns_in_window(query);
    let mut work = Vec::new();
    while let Some(ret) = returns.try_next().await.map_err(SyncError::ListReturns)? {
        report.returns_seen += 1;
        if report.returns_seen.is_multiple_of(250) {
            progress.step(format!(
                "pulled {} open returns from Loop",
                report.returns_seen
            ));
        }
        let core = match to_core_return(&ret) {
            Ok(core) => core,
            Err(e) => {
                report.results.push(ReturnResult::settled(
                    &ret.id,
                    "",
                    ReturnOutcome::Unmappable(e.to_string()),
                ));
                continue;
            }
        };
        let outcome = match plan_asns(&core, settings) {
            Ok(AsnPlan::Create(drafts)) => {
                let tickets = vec![None; drafts.len()];
                work.push(Work {
                    loop_id: ret.id.clone(),
                    core,
                    drafts,
                    tickets,
                    outcome: None,
                });
                continue;
            }
            Ok(AsnPlan::Skip(SkipReason::ExcludedChannel(found))) => {
                ReturnOutcome::SkippedChannel {
                    channel: found.channel.clone(),
                }
            }
            Ok(AsnPlan::Skip(other)) => ReturnOutcome::Unmappable(other.to_string()),
            Err(e) => ReturnOutcome::Unmappable(e.to_string()),
        };
        report
            .results
            .push(ReturnResult::settled(&ret.id, &core.order_name, outcome));
    }
    progress.step(format!(
        "pulled {} open returns; {} to send to the warehouse",
        report.returns_seen,
        work.len()
    ));
    Ok(work)
}

/// Looks every planned item up in the item master once, and settles the
/// returns holding an unknown one (the warehouse would reject their ASN).
async fn check_items(
    cloudx: &CloudxClient,
    work: &mut [Work],
    progress: &Progress,
) -> Result<(), SyncError> {
    let identifiers: Vec<ItemIdentifier> = work
        .iter()
        .flat_map(|w| &w.drafts)
        .flat_map(|d| &d.lines)
        .map(|line| ItemIdentifier::from(&line.item))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let missing: HashSet<ItemIdentifier> = cloudx
        .verify_items(&identifiers)
        .await
        .map_err(SyncError::VerifyItems)?
        .into_iter()
        .collect();
    progress.step(format!(
        "checked {} items in the CloudX item master: {} unknown",
        identifiers.len(),
        missing.len()
    ));
    for w in work.iter_mut() {
        let unknown: Vec<String> = w
            .drafts
            .iter()
            .flat_map(|d| &d.lines)
            .map(|line| ItemIdentifier::from(&line.item))
            .filter(|id| missing.contains(id))
            .map(|id| id.to_string())
            .collect();
        if !unknown.is_empty() {
            w.outcome = Some(ReturnOutcome::ItemsMissing(unknown));
        }
    }
    Ok(())
}

/// Creates (or finds) one ticket per planned shipment.
async fn create_tickets(
    cloudx: &CloudxClient,
    work: &mut [Work],
    options: &SyncOptions,
    progress: &Progress,
    report: &mut SyncReport,
) {
    let jobs: Vec<(usize, usize, NewReceivingTicket)> = work
        .iter()
        .enumerate()
        .filter(|(_, w)| !w.settled())
        .flat_map(|(i, w)| {
            w.drafts
                .iter()
                .enumerate()
                .map(move |(j, d)| (i, j, NewReceivingTicket::from(d)))
        })
        .collect();
    let results: Vec<_> = stream::iter(jobs)
        .map(|(i, j, ticket)| async move { (i, j, cloudx.create_ticket(&ticket).await) })
        .buffer_unordered(options.concurrency.max(1))
        .collect()
        .await;
    for (i, j, result) in results {
        let w = &mut work[i];
        match result {
            Ok(outcome) => {
                match &outcome {
                    CreateOutcome::Created(_) => report.tickets_created += 1,
                    CreateOutcome::AlreadyExisted(_) => report.tickets_existing += 1,
                    _ => report.tickets_recovered += 1,
                }
                w.tickets[j] = Some(outcome.into_ticket());
            }
            Err(e) if w.outcome.is_none() => {
                w.outcome = Some(match &e {
                    cloudx_client::Error::ItemNotFound { .. } => {
                        ReturnOutcome::ItemsMissing(vec![e.to_string()])
                    }
                    _ => ReturnOutcome::Failed {
                        step: "create ASN",
                        error: e.to_string(),
                    },
                });
            }
            Err(_) => {}
        }
    }
    progress.step(format!(
        "receiving tickets: {} created, {} already there, {} found after an interrupted create",
        report.tickets_created, report.tickets_existing, report.tickets_recovered
    ));
}

/// Refreshes the tickets until every return's are terminal or the rounds
/// run out. In the sandbox, the simulated warehouse works one step first.
async fn poll_tickets(
    services: &ReturnsServices,
    work: &mut [Work],
    options: &SyncOptions,
    progress: &Progress,
) {
    for round in 1..=options.poll_rounds {
        let open: Vec<SeenTicket> = work
            .iter()
            .filter(|w| !w.settled() && !w.all_tickets_terminal())
            .flat_map(|w| w.tickets.iter().flatten())
            .filter(|t| !t.phase().is_some_and(|p| p.is_terminal()))
            .map(SeenTicket::from)
            .collect();
        if open.is_empty() {
            break;
        }
        // The simulated warehouse works one step per poll; once it has
        // nothing left to move, this poll is the last one worth making.
        let last_round = match &services.sandbox {
            Some(sandbox) => sandbox.cloudx().work_warehouse() == 0,
            None if round > 1 => {
                tokio::time::sleep(options.poll_interval).await;
                false
            }
            None => false,
        };
        let poll = services.cloudx.refresh_tickets(&open).await;
        let fresh: HashMap<String, ReceivingTicket> = poll
            .changed
            .into_iter()
            .map(|change| change.ticket)
            .chain(poll.unchanged)
            .map(|t| (t.id.to_string(), t))
            .collect();
        for ticket in work.iter_mut().flat_map(|w| w.tickets.iter_mut()).flatten() {
            if let Some(new) = fresh.get(ticket.id.as_ref()) {
                *ticket = new.clone();
            }
        }
        let terminal = work
            .iter()
            .filter(|w| !w.settled() && w.all_tickets_terminal())
            .count();
        progress.step(format!(
            "poll {round}: {} tickets still open at the warehouse, {terminal} returns fully received",
            open.len() - poll_terminal_count(&fresh)
        ));
        if last_round {
            break;
        }
    }
}

fn poll_terminal_count(fresh: &HashMap<String, ReceivingTicket>) -> usize {
    fresh
        .values()
        .filter(|t| t.phase().is_some_and(|p| p.is_terminal()))
        .count()
}

/// Evaluates the receipt of every return whose tickets are known and
/// carries the decision out in Loop.
async fn decide_and_act(
    loop_client: &LoopClient,
    settings: &IntegrationSettings,
    work: &mut [Work],
    options: &SyncOptions,
    now: OffsetDateTime,
    progress: &Progress,
) {
    let decisions: Vec<(usize, Decision)> = work
        .iter()
        .enumerate()
        .filter(|(_, w)| !w.settled() && w.tickets.iter().all(Option::is_some))
        .map(|(i, w)| {
            let observations: Vec<ShipmentObservation> = w
                .tickets
                .iter()
                .flatten()
                .filter_map(|t| ShipmentObservation::try_from(t).ok())
                .collect();
            let decision = evaluate_receipt(
                &w.drafts,
                &observations,
                &settings.receipt_criteria,
                returns_core::ArrivalClock::asn_created(w.core.created_at),
                now,
            );
            (i, decision)
        })
        .collect();
    let auto_process = settings.auto_process;
    let outcomes: Vec<(usize, ReturnOutcome)> = stream::iter(decisions)
        .map(|(i, decision)| {
            let id = work[i].loop_id.clone();
            async move { (i, act(loop_client, &id, decision, auto_process).await) }
        })
        .buffer_unordered(options.concurrency.max(1))
        .collect()
        .await;
    let acted = outcomes.len();
    for (i, outcome) in outcomes {
        work[i].outcome = Some(outcome);
    }
    progress.step(format!("decided {acted} returns and updated Loop"));
}

/// Carries one decision out: note first (once), then the action.
async fn act(
    loop_client: &LoopClient,
    id: &ReturnId,
    decision: Decision,
    auto_process: bool,
) -> ReturnOutcome {
    let note = decision.note();
    let failed = |step: &'static str, e: loop_client::Error| ReturnOutcome::Failed {
        step,
        error: e.to_string(),
    };
    match &decision {
        Decision::Wait { reason } => return ReturnOutcome::Waiting(reason.to_string()),
        Decision::Process { .. } if !auto_process => return ReturnOutcome::ReadyToProcess,
        _ => {}
    }
    if let Err(e) = write_note_once(loop_client, id, &note).await {
        return failed("write note", e);
    }
    match decision {
        Decision::Flag { reasons } => match loop_client.flag_return(id).await {
            Ok(()) => ReturnOutcome::Flagged {
                reasons: reasons.iter().map(ToString::to_string).collect(),
                note,
            },
            Err(e) => failed("flag", e),
        },
        decision => {
            let lines: Vec<_> = decision
                .lines_to_remove()
                .iter()
                .map(|line| loop_client::LineItemId::new(line.as_str()))
                .collect();
            let result = if lines.is_empty() {
                loop_client.process_return(id, None).await
            } else {
                loop_client.remove_line_items(id, &lines).await
            };
            match result {
                Ok(()) => ReturnOutcome::Processed {
                    removed_lines: lines.len(),
                },
                Err(e) if e.is_already_closed() => ReturnOutcome::Processed {
                    removed_lines: lines.len(),
                },
                Err(e) => failed("process", e),
            }
        }
    }
}

/// Writes `note` unless the return already carries exactly this note.
async fn write_note_once(
    loop_client: &LoopClient,
    id: &ReturnId,
    note: &str,
) -> Result<(), loop_client::Error> {
    let existing = loop_client.return_notes(id).await?;
    if existing.iter().any(|n| n.content.as_deref() == Some(note)) {
        return Ok(());
    }
    loop_client.create_note(id, note).await
}
