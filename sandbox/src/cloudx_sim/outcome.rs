//! What the warehouse finds in a parcel: the receipt outcomes of the
//! warehouse model and how they turn into counts on a ticket.

use super::items::ItemMaster;
use super::ticket::{Line, Ticket};

/// What the warehouse model finds when it works a ticket.
///
/// Counts are recorded when the ticket reaches `CountingInProgress`; they are
/// final once it reaches `AddedToInventory`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReceiptOutcome {
    /// Every line arrives in full and sellable.
    FullReceipt,
    /// `missing_units` units fewer than expected, taken from the last line
    /// backwards (a line can end up with 0 received).
    Short {
        /// Units missing over the whole ticket.
        missing_units: u32,
    },
    /// Everything arrives, but `damaged_units` units are damaged, taken from the
    /// first line forwards; those lines get condition `Damaged`. Damaged units
    /// are part of `received_quantity`.
    Damaged {
        /// Damaged units over the whole ticket.
        damaged_units: u32,
    },
    /// Everything arrives, plus an extra line for `sku` that was not on the
    /// ticket: `expected_quantity` 0, `received_quantity` = `quantity`,
    /// condition `WrongItem` (UPC and description from the item master when the
    /// SKU is there).
    UnexpectedItem {
        /// SKU of the item found in the parcel.
        sku: String,
        /// Units of it found.
        quantity: u32,
    },
    /// The parcel never comes: the model leaves the ticket where it is
    /// (normally `Draft`) forever.
    NeverArrives,
}

/// Weights of a seeded random mix of outcomes. Which outcome a ticket gets
/// depends only on the seed and the ticket's `reference_number`, not on the
/// order tickets were created in.
///
/// Short and damaged tickets miss or damage one unit; the unexpected item is
/// one unit of `unexpected_sku`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeMix {
    /// Weight of [`ReceiptOutcome::FullReceipt`].
    pub full_receipt: u32,
    /// Weight of [`ReceiptOutcome::Short`].
    pub short: u32,
    /// Weight of [`ReceiptOutcome::Damaged`].
    pub damaged: u32,
    /// Weight of [`ReceiptOutcome::UnexpectedItem`].
    pub unexpected_item: u32,
    /// Weight of [`ReceiptOutcome::NeverArrives`].
    pub never_arrives: u32,
    /// SKU found in parcels with an unexpected item.
    pub unexpected_sku: String,
}

impl Default for OutcomeMix {
    /// 70 % full, 10 % short, 10 % damaged, 5 % unexpected item, 5 % never
    /// arrives; the unexpected SKU is `SIM-UNEXPECTED`.
    fn default() -> Self {
        Self {
            full_receipt: 70,
            short: 10,
            damaged: 10,
            unexpected_item: 5,
            never_arrives: 5,
            unexpected_sku: "SIM-UNEXPECTED".to_owned(),
        }
    }
}

impl OutcomeMix {
    /// The outcome of the ticket with `reference_number` under `seed`.
    /// All weights 0 means [`ReceiptOutcome::FullReceipt`].
    pub fn pick(&self, seed: u64, reference_number: &str) -> ReceiptOutcome {
        let weights = [
            self.full_receipt,
            self.short,
            self.damaged,
            self.unexpected_item,
            self.never_arrives,
        ];
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        if total == 0 {
            return ReceiptOutcome::FullReceipt;
        }
        let mut ticket = stable_hash(seed, reference_number) % total;
        let mut chosen = 0;
        for (index, weight) in weights.iter().enumerate() {
            if ticket < u64::from(*weight) {
                chosen = index;
                break;
            }
            ticket -= u64::from(*weight);
        }
        match chosen {
            0 => ReceiptOutcome::FullReceipt,
            1 => ReceiptOutcome::Short { missing_units: 1 },
            2 => ReceiptOutcome::Damaged { damaged_units: 1 },
            3 => ReceiptOutcome::UnexpectedItem {
                sku: self.unexpected_sku.clone(),
                quantity: 1,
            },
            _ => ReceiptOutcome::NeverArrives,
        }
    }
}

/// How the model chooses the outcome of tickets without one set by
/// [`CloudxSim::set_outcome`](super::CloudxSim::set_outcome).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutcomePolicy {
    /// Every ticket gets this outcome.
    Always(ReceiptOutcome),
    /// A seeded random mix (seed in
    /// [`WarehouseModel::seed`](super::WarehouseModel::seed)).
    Mix(OutcomeMix),
}

impl Default for OutcomePolicy {
    /// Every ticket is received in full.
    fn default() -> Self {
        OutcomePolicy::Always(ReceiptOutcome::FullReceipt)
    }
}

impl OutcomePolicy {
    pub(crate) fn outcome_for(&self, seed: u64, reference_number: &str) -> ReceiptOutcome {
        match self {
            OutcomePolicy::Always(outcome) => outcome.clone(),
            OutcomePolicy::Mix(mix) => mix.pick(seed, reference_number),
        }
    }
}

/// FNV-1a over the seed and the text, then a splitmix64 finaliser: stable
/// across runs and platforms, unlike `std`'s randomly keyed hasher.
fn stable_hash(seed: u64, text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in seed.to_le_bytes().iter().chain(text.as_bytes()) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

/// Records the counts `outcome` produces on `ticket` and marks it counted.
/// [`ReceiptOutcome::NeverArrives`] records nothing.
pub(crate) fn record_counts(outcome: &ReceiptOutcome, ticket: &mut Ticket, items: &ItemMaster) {
    if *outcome == ReceiptOutcome::NeverArrives {
        return;
    }
    for line in &mut ticket.lines {
        line.received_quantity = line.expected_quantity;
        line.damaged_quantity = 0;
    }
    match outcome {
        ReceiptOutcome::FullReceipt | ReceiptOutcome::NeverArrives => {}
        ReceiptOutcome::Short { missing_units } => {
            let mut missing = *missing_units;
            for line in ticket.lines.iter_mut().rev() {
                let taken = missing.min(line.received_quantity);
                line.received_quantity -= taken;
                missing -= taken;
            }
        }
        ReceiptOutcome::Damaged { damaged_units } => {
            let mut damaged = *damaged_units;
            for line in &mut ticket.lines {
                let hit = damaged.min(line.received_quantity);
                line.damaged_quantity = hit;
                damaged -= hit;
            }
        }
        ReceiptOutcome::UnexpectedItem { sku, quantity } => {
            let item = items.by_sku(sku);
            let line = Line {
                line_id: ticket.next_line_id(),
                sku: Some(sku.clone()),
                upc: item.and_then(|i| i.upc.clone()),
                description: item.and_then(|i| i.description.clone()),
                expected_quantity: 0,
                received_quantity: *quantity,
                damaged_quantity: 0,
                condition: Some("WrongItem".to_owned()),
                return_reason_code: None,
            };
            ticket.lines.push(line);
        }
    }
    for line in &mut ticket.lines {
        if line.condition.is_none() || line.expected_quantity > 0 {
            line.condition = default_condition(line);
        }
    }
    ticket.counted = true;
}

/// `Damaged` when any unit is damaged, `Sellable` when some units arrived,
/// none otherwise.
pub(crate) fn default_condition(line: &Line) -> Option<String> {
    if line.damaged_quantity > 0 {
        Some("Damaged".to_owned())
    } else if line.received_quantity > 0 {
        Some("Sellable".to_owned())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{OutcomeMix, ReceiptOutcome};

    #[test]
    fn the_mix_is_stable_and_uses_every_outcome() {
        let mix = OutcomeMix::default();
        let picks: Vec<ReceiptOutcome> = (0..400)
            .map(|n| mix.pick(42, &format!("#{n}-R1")))
            .collect();
        let again: Vec<ReceiptOutcome> = (0..400)
            .map(|n| mix.pick(42, &format!("#{n}-R1")))
            .collect();
        assert_eq!(picks, again);
        let full = picks
            .iter()
            .filter(|o| **o == ReceiptOutcome::FullReceipt)
            .count();
        assert!((220..340).contains(&full), "{full} of 400 full receipts");
        assert!(picks.contains(&ReceiptOutcome::NeverArrives));
        assert!(
            picks
                .iter()
                .any(|o| matches!(o, ReceiptOutcome::UnexpectedItem { .. }))
        );
        let other_seed: Vec<ReceiptOutcome> =
            (0..400).map(|n| mix.pick(7, &format!("#{n}-R1"))).collect();
        assert_ne!(picks, other_seed);
    }

    #[test]
    fn zero_weights_mean_full_receipt() {
        let mix = OutcomeMix {
            full_receipt: 0,
            short: 0,
            damaged: 0,
            unexpected_item: 0,
            never_arrives: 0,
            unexpected_sku: String::new(),
        };
        assert_eq!(mix.pick(1, "x"), ReceiptOutcome::FullReceipt);
    }
}
