//! Counting a soak from the simulators' state (and, for the returns that
//! wait, the store): decided, waiting, lost, and everything done twice.

use std::collections::{HashMap, HashSet};

use returns_sync::{ReturnStage, Store};
use sandbox::Sandbox;
use sandbox::loop_sim::ReturnState;
use sandbox::scenario::{Expectation, PlannedReturn};

use super::SoakResult;

/// What the scenario asks of the run.
#[derive(Debug, Clone, Copy)]
pub(super) struct Expected {
    /// Returns seeded.
    pub(super) returns: usize,
    /// Tickets once every return is at the warehouse.
    tickets: usize,
    /// Returns to process or flag.
    decided: usize,
}

impl Expected {
    pub(super) fn of(sandbox: &Sandbox) -> Self {
        let plans = plans(sandbox);
        Self {
            returns: plans.len(),
            tickets: plans.iter().map(|p| p.shipments.len()).sum(),
            decided: plans
                .iter()
                .filter(|p| p.expectation() != Expectation::Waiting)
                .count(),
        }
    }
}

/// How far the run is: tickets created, returns decided.
#[derive(Debug, Clone, Copy)]
pub(super) struct Progress {
    tickets: f64,
    decided: f64,
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "tickets {:.0} %, decided {:.0} %",
            self.tickets * 100.0,
            self.decided * 100.0
        )
    }
}

impl Progress {
    /// One number in `[0, 1]`: half for the tickets, half for the
    /// decisions, so that crash points early in the run fall while tickets
    /// are being created and later ones while returns are being decided.
    pub(super) fn share(self) -> f64 {
        (self.tickets.min(1.0) + self.decided.min(1.0)) / 2.0
    }
}

pub(super) fn progress(sandbox: &Sandbox, expected: &Expected) -> Progress {
    let decided = plans(sandbox)
        .iter()
        .filter(|p| is_decided(state(sandbox, p)))
        .count();
    Progress {
        tickets: ratio(sandbox.cloudx().create_count() as usize, expected.tickets),
        decided: ratio(decided, expected.decided),
    }
}

/// Returns decided, or waiting with a reason and all their tickets.
pub(super) fn settled(sandbox: &Sandbox, waiting: &HashMap<String, String>) -> usize {
    let tickets = tickets_per_return(sandbox);
    plans(sandbox)
        .iter()
        .filter(|p| {
            let state = state(sandbox, p);
            is_decided(state)
                || (state == Some(ReturnState::Open)
                    && waiting.contains_key(&p.return_id)
                    && tickets.get(&p.return_id).copied() == Some(p.shipments.len()))
        })
        .count()
}

/// The whole count at the end of a run. A return waits when it is open in
/// Loop, has every ticket, the engine's last word on it was a reason to
/// wait (`waiting`), and the store tracks it at the warehouse.
pub(super) async fn count(
    sandbox: &Sandbox,
    store: &dyn Store,
    waiting: &HashMap<String, String>,
) -> SoakResult {
    let mut result = SoakResult::default();
    let mut per_reference: HashMap<String, usize> = HashMap::new();
    for ticket in sandbox.cloudx().tickets() {
        let reference = ticket["reference_number"].as_str().unwrap_or_default();
        *per_reference.entry(reference.to_owned()).or_default() += 1;
    }
    result.tickets = per_reference.values().sum();
    result.duplicate_tickets = per_reference.values().filter(|&&n| n > 1).count();
    result.duplicate_actions = sandbox.loop_sim().duplicate_actions();
    let tickets = tickets_per_return(sandbox);
    for plan in plans(sandbox) {
        result.returns += 1;
        let Ok(id) = plan.return_id.parse::<u64>() else {
            continue;
        };
        let notes = sandbox.loop_sim().notes(id);
        if let Some(repeated) = repeated(&notes) {
            result.duplicate_notes += 1;
            if result.examples.len() < 10 {
                result.examples.push(format!(
                    "{}: note written twice: {repeated}",
                    plan.return_id
                ));
            }
        }
        let actions = sandbox.loop_sim().accepted_actions(id);
        if actions.len() > 1 && result.examples.len() < 10 {
            let listed: Vec<String> = actions
                .iter()
                .map(|a| format!("{} (state changed: {})", a.action, a.changed_state))
                .collect();
            result.examples.push(format!(
                "{}: actions accepted: {}",
                plan.return_id,
                listed.join(", ")
            ));
        }
        let state = state(sandbox, plan);
        let have = tickets.get(&plan.return_id).copied().unwrap_or(0);
        if is_decided(state) {
            result.decided += 1;
            let right = match plan.expectation() {
                Expectation::Processed => state == Some(ReturnState::Closed),
                Expectation::Flagged => state == Some(ReturnState::Review),
                _ => false,
            };
            if !right {
                result.wrong_decisions += 1;
            }
            continue;
        }
        let reason = waiting.get(&plan.return_id);
        let tracked = store.tracked_return(&plan.return_id).await.ok().flatten();
        let at_warehouse = tracked.as_ref().is_some_and(|t| {
            t.stage == ReturnStage::AtWarehouse && t.tickets.len() == plan.shipments.len()
        });
        if state == Some(ReturnState::Open)
            && reason.is_some()
            && at_warehouse
            && have == plan.shipments.len()
        {
            result.waiting += 1;
            continue;
        }
        result.lost += 1;
        if result.examples.len() < 10 {
            result.examples.push(format!(
                "lost {} (planned {:?}): Loop {}, {have} of {} tickets, store {}, last reason {}",
                plan.return_id,
                plan.expectation(),
                state.map_or_else(|| "unknown".to_owned(), |s| format!("{s:?}")),
                plan.shipments.len(),
                tracked.map_or_else(|| "nothing".to_owned(), |t| t.stage.to_string()),
                reason.map_or("none", String::as_str),
            ));
        }
    }
    result
}

fn plans(sandbox: &Sandbox) -> &[PlannedReturn] {
    sandbox.scenario().map(|s| s.plans()).unwrap_or_default()
}

fn state(sandbox: &Sandbox, plan: &PlannedReturn) -> Option<ReturnState> {
    let id = plan.return_id.parse().ok()?;
    sandbox.loop_sim().return_state(id)
}

/// Processed (closed) or flagged (in review).
fn is_decided(state: Option<ReturnState>) -> bool {
    matches!(state, Some(ReturnState::Closed | ReturnState::Review))
}

fn tickets_per_return(sandbox: &Sandbox) -> HashMap<String, usize> {
    let mut per_return: HashMap<String, usize> = HashMap::new();
    for ticket in sandbox.cloudx().tickets() {
        let rma = ticket["rma_number"].as_str().unwrap_or_default();
        *per_return.entry(rma.to_owned()).or_default() += 1;
    }
    per_return
}

/// The first note that appears more than once.
fn repeated(notes: &[String]) -> Option<&str> {
    let mut seen = HashSet::new();
    notes
        .iter()
        .find(|note| !seen.insert(note.as_str()))
        .map(String::as_str)
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 1.0;
    }
    part as f64 / whole as f64
}
