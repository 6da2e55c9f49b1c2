//! What a scenario plans for each return: its shipments, what the warehouse
//! will find in the parcels, and so what an integration should end up doing.

/// What the warehouse finds when the parcels of a return arrive. Applied to
/// every receiving ticket of the return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlannedReceipt {
    /// Everything arrives, in the expected quantities and sellable.
    Full,
    /// `missing_units` units fewer than expected arrive.
    Short {
        /// Units missing per ticket.
        missing_units: u32,
    },
    /// Everything arrives but `damaged_units` units are damaged.
    Damaged {
        /// Damaged units per ticket.
        damaged_units: u32,
    },
    /// Everything arrives, plus `quantity` units of `sku` that the return
    /// did not list (a catalogue SKU, present in the item master).
    UnexpectedItem {
        /// SKU of the extra item.
        sku: String,
        /// Units of it.
        quantity: u32,
    },
    /// The parcels never arrive; the tickets stay open.
    NeverArrives,
}

/// What an integration that follows the receipt criteria should do with a
/// return once the warehouse has done its part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Expectation {
    /// Everything arrived as expected: process the return.
    Processed,
    /// The receipt differs from the return (short, damaged or unexpected
    /// item): flag it for review.
    Flagged,
    /// The parcels never arrive: keep waiting, do nothing in Loop.
    Waiting,
    /// An item of the return is missing from the warehouse item master, so
    /// the warehouse rejects the ASN (CloudX `422`, code 83): no ticket
    /// exists and the integration must report the return instead of
    /// syncing it.
    AsnRejected,
}

/// One returned unit (a Loop line item is one unit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedLine {
    /// Loop `line_item_id`.
    pub line_item_id: String,
    /// SKU of the unit.
    pub sku: String,
    /// Barcode (UPC) of the unit.
    pub barcode: String,
}

/// One parcel of a return, i.e. one Loop label and one receiving ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedShipment {
    /// Carrier of the label, e.g. `UPS`.
    pub carrier: String,
    /// Tracking number of the label.
    pub tracking_number: String,
    /// The units in this parcel.
    pub lines: Vec<PlannedLine>,
}

/// The plan of one seeded return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedReturn {
    /// Loop return id (as the string the list endpoint shows).
    pub return_id: String,
    /// Shopify order name, e.g. `#10452`.
    pub order_name: String,
    /// Sales channel of the order (`provider_order_sales_channel`), e.g.
    /// `Online Store`, `Amazon`, `eBay`.
    pub channel: String,
    /// The parcels, one per Loop label; more than one for a multi-shipment
    /// return.
    pub shipments: Vec<PlannedShipment>,
    /// What the warehouse will find.
    pub receipt: PlannedReceipt,
    /// SKUs of the return that are not in the warehouse item master.
    pub missing_skus: Vec<String>,
}

impl PlannedReturn {
    /// The expected end state for an integration that sends this return to
    /// the warehouse. A missing item wins over the receipt (no ticket is ever
    /// created). Channel exclusion is the integration's own setting: see
    /// [`expectation_excluding`](Self::expectation_excluding).
    pub fn expectation(&self) -> Expectation {
        if !self.missing_skus.is_empty() {
            return Expectation::AsnRejected;
        }
        match self.receipt {
            PlannedReceipt::Full => Expectation::Processed,
            PlannedReceipt::Short { .. }
            | PlannedReceipt::Damaged { .. }
            | PlannedReceipt::UnexpectedItem { .. } => Expectation::Flagged,
            PlannedReceipt::NeverArrives => Expectation::Waiting,
        }
    }

    /// Like [`expectation`](Self::expectation), but `None` when the return's
    /// channel is one the integration excludes (compared case-insensitively),
    /// i.e. the return must never reach the warehouse.
    pub fn expectation_excluding(&self, excluded_channels: &[&str]) -> Option<Expectation> {
        let excluded = excluded_channels
            .iter()
            .any(|channel| channel.eq_ignore_ascii_case(&self.channel));
        (!excluded).then(|| self.expectation())
    }

    /// Every returned unit, over all shipments.
    pub fn lines(&self) -> impl Iterator<Item = &PlannedLine> {
        self.shipments.iter().flat_map(|s| s.lines.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(receipt: PlannedReceipt, missing: &[&str]) -> PlannedReturn {
        PlannedReturn {
            return_id: "1".into(),
            order_name: "#1".into(),
            channel: "Amazon".into(),
            shipments: Vec::new(),
            receipt,
            missing_skus: missing.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn expectations_follow_the_receipt() {
        let cases = [
            (PlannedReceipt::Full, Expectation::Processed),
            (
                PlannedReceipt::Short { missing_units: 1 },
                Expectation::Flagged,
            ),
            (
                PlannedReceipt::Damaged { damaged_units: 1 },
                Expectation::Flagged,
            ),
            (
                PlannedReceipt::UnexpectedItem {
                    sku: "X".into(),
                    quantity: 1,
                },
                Expectation::Flagged,
            ),
            (PlannedReceipt::NeverArrives, Expectation::Waiting),
        ];
        for (receipt, expected) in cases {
            assert_eq!(
                planned(receipt.clone(), &[]).expectation(),
                expected,
                "{receipt:?}"
            );
        }
    }

    #[test]
    fn a_missing_item_wins_and_excluded_channels_are_skipped() {
        let plan = planned(PlannedReceipt::Full, &["DX-00001"]);
        assert_eq!(plan.expectation(), Expectation::AsnRejected);
        assert_eq!(plan.expectation_excluding(&["amazon", "eBay"]), None);
        assert_eq!(
            plan.expectation_excluding(&["eBay"]),
            Some(Expectation::AsnRejected)
        );
    }
}
