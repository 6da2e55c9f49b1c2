//! Conversions with `returns-core` (feature `core`, on by default): an ASN
//! draft becomes a create request, a ticket becomes the warehouse observation
//! that [`returns_core::evaluate_receipt`] takes.
//!
//! The shared identifiers convert both ways: [`ReferenceNumber`] (into the
//! core's checked type with `TryFrom`, since the core validates length and
//! characters), [`ProductIdentification`] (`Upc` is the core's `Barcode`) and
//! [`ItemIdentifier`] ↔ [`ItemKey`].
//!
//! ```
//! use cloudx_client::{NewReceivingTicket, ReceivingTicket};
//! use returns_core::ShipmentObservation;
//!
//! fn submit(draft: &returns_core::AsnDraft) -> NewReceivingTicket {
//!     NewReceivingTicket::from(draft)
//! }
//! fn observe(ticket: &ReceivingTicket) -> Option<ShipmentObservation> {
//!     ShipmentObservation::try_from(ticket).ok()
//! }
//! ```

use returns_core::{
    AsnDraft, AsnLine, AsnType, InvalidReferenceNumber, ItemCondition, ItemKey, ObservedLine,
    ReceivingPhase, ShipmentObservation,
};

use crate::model::{
    Address, ItemIdentifier, LineCondition, NewReceivingTicket, NewTicketLine,
    ProductIdentification, ReceivingTicket, ReferenceNumber, Sku, TicketKind, TicketLine,
    TicketPhase, Upc, WarehouseCode,
};

impl From<AsnType> for TicketKind {
    fn from(kind: AsnType) -> Self {
        match kind {
            AsnType::Return => Self::Return,
            AsnType::Test => Self::Test,
        }
    }
}

impl From<&returns_core::ReferenceNumber> for ReferenceNumber {
    fn from(reference: &returns_core::ReferenceNumber) -> Self {
        Self::new(reference.as_str())
    }
}

impl From<returns_core::ReferenceNumber> for ReferenceNumber {
    fn from(reference: returns_core::ReferenceNumber) -> Self {
        Self::from(&reference)
    }
}

impl TryFrom<&ReferenceNumber> for returns_core::ReferenceNumber {
    type Error = InvalidReferenceNumber;

    /// Checks the reference as the core does.
    ///
    /// # Errors
    ///
    /// When it is not a valid core reference number (e.g. a ticket this
    /// integration did not create).
    fn try_from(reference: &ReferenceNumber) -> Result<Self, Self::Error> {
        Self::parse(reference.as_str())
    }
}

impl TryFrom<ReferenceNumber> for returns_core::ReferenceNumber {
    type Error = InvalidReferenceNumber;

    /// As the conversion from `&ReferenceNumber`.
    fn try_from(reference: ReferenceNumber) -> Result<Self, Self::Error> {
        Self::parse(reference.into_inner())
    }
}

impl From<ItemKey> for ItemIdentifier {
    /// A barcode is CloudX's UPC.
    fn from(key: ItemKey) -> Self {
        match key {
            ItemKey::Sku(sku) => Self::sku(sku),
            ItemKey::Barcode(barcode) => Self::upc(barcode),
        }
    }
}

impl From<ItemIdentifier> for ItemKey {
    /// A UPC is the core's barcode.
    fn from(identifier: ItemIdentifier) -> Self {
        match identifier {
            ItemIdentifier::Sku(sku) => Self::Sku(sku.into_inner()),
            ItemIdentifier::Upc(upc) => Self::Barcode(upc.into_inner()),
        }
    }
}

impl From<ProductIdentification> for returns_core::ProductIdentification {
    /// CloudX's UPC is the core's barcode.
    fn from(identification: ProductIdentification) -> Self {
        match identification {
            ProductIdentification::Sku => Self::Sku,
            ProductIdentification::Upc => Self::Barcode,
        }
    }
}

impl From<&ItemKey> for ItemIdentifier {
    /// A barcode is CloudX's UPC.
    fn from(key: &ItemKey) -> Self {
        match key {
            ItemKey::Sku(sku) => Self::sku(sku.clone()),
            ItemKey::Barcode(barcode) => Self::upc(barcode.clone()),
        }
    }
}

impl From<&ItemIdentifier> for ItemKey {
    fn from(identifier: &ItemIdentifier) -> Self {
        match identifier {
            ItemIdentifier::Sku(sku) => Self::Sku(sku.to_string()),
            ItemIdentifier::Upc(upc) => Self::Barcode(upc.to_string()),
        }
    }
}

impl From<returns_core::ProductIdentification> for ProductIdentification {
    fn from(identification: returns_core::ProductIdentification) -> Self {
        match identification {
            returns_core::ProductIdentification::Sku => Self::Sku,
            returns_core::ProductIdentification::Barcode => Self::Upc,
        }
    }
}

impl From<&AsnLine> for NewTicketLine {
    /// The line's several return reasons, if any, are joined with `"; "` into
    /// CloudX's single free-text `return_reason_code` (a choice: the spec has
    /// one field).
    fn from(line: &AsnLine) -> Self {
        let mut new_line = match &line.item {
            ItemKey::Sku(sku) => Self::by_sku(sku.as_str(), line.expected_quantity.get()),
            ItemKey::Barcode(barcode) => {
                Self::by_upc(barcode.as_str(), line.expected_quantity.get())
            }
        };
        new_line.description = line.description.clone();
        new_line.return_reason_code =
            (!line.return_reasons.is_empty()).then(|| line.return_reasons.join("; "));
        new_line
    }
}

impl From<&AsnDraft> for NewReceivingTicket {
    /// The draft's return id becomes the RMA number and its order name the
    /// order number; the customer's e-mail, when known, becomes the
    /// `ship_from` contact (a choice: the parcel ships from the customer).
    fn from(draft: &AsnDraft) -> Self {
        let mut ticket = Self::new(
            ReferenceNumber::from(&draft.reference_number),
            WarehouseCode::new(draft.warehouse_code.as_str()),
            draft.lines.iter().map(NewTicketLine::from).collect(),
        );
        ticket.kind = draft.asn_type.into();
        ticket.rma_number = Some(draft.rma_number.as_str().to_owned());
        ticket.order_number = Some(draft.order_number.clone());
        ticket.carrier = draft.carrier.clone();
        ticket.tracking_numbers = draft.tracking_number.iter().cloned().collect();
        ticket.ship_from = draft.customer_email.as_ref().map(|email| Address {
            email: Some(email.clone()),
            ..Address::default()
        });
        ticket
    }
}

impl From<TicketPhase> for ReceivingPhase {
    fn from(phase: TicketPhase) -> Self {
        match phase {
            TicketPhase::Open => Self::Open,
            TicketPhase::Arrived => Self::Arrived,
            TicketPhase::Receiving => Self::Receiving,
            TicketPhase::Received => Self::Received,
            TicketPhase::Cancelled => Self::Cancelled,
        }
    }
}

impl From<&LineCondition> for ItemCondition {
    fn from(condition: &LineCondition) -> Self {
        Self::parse(condition.as_str())
    }
}

impl From<&TicketLine> for ObservedLine {
    fn from(line: &TicketLine) -> Self {
        // A CloudX line may carry a SKU, a UPC, both or neither, so set the
        // identifiers directly rather than through one item key.
        let mut observed = ObservedLine::new(
            &ItemKey::Sku(String::new()),
            line.received_quantity,
            line.damaged_quantity,
        );
        observed.sku = line.sku.as_ref().map(Sku::to_string);
        observed.barcode = line.upc.as_ref().map(Upc::to_string);
        observed.condition = line.condition.as_ref().map(ItemCondition::from);
        observed
    }
}

impl TryFrom<&ReceivingTicket> for ShipmentObservation {
    type Error = InvalidReferenceNumber;

    /// The warehouse's report on one shipment. An unknown status becomes
    /// [`ReceivingPhase::Unknown`], which the evaluation never treats as
    /// final.
    ///
    /// # Errors
    ///
    /// When the ticket's reference is not a valid core reference number (a
    /// ticket this integration did not create).
    fn try_from(ticket: &ReceivingTicket) -> Result<Self, Self::Error> {
        let reference = returns_core::ReferenceNumber::try_from(&ticket.reference_number)?;
        let phase = ticket
            .phase()
            .map_or(ReceivingPhase::Unknown, ReceivingPhase::from);
        let mut observation = ShipmentObservation::new(reference, phase);
        observation.arrived_at = ticket.arrived_at;
        observation.received_at = ticket.received_at;
        observation.lines = ticket.lines.iter().map(ObservedLine::from).collect();
        Ok(observation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TicketStatus;
    use returns_core::{
        IntegrationSettings, Return, ReturnLine, ReturnShipment, evaluate_receipt, plan_asns,
    };
    use time::macros::datetime;

    fn settings(test_mode: bool) -> IntegrationSettings {
        serde_json::from_value(serde_json::json!({
            "warehouse_code": "BERGEN-NJ-01",
            "test_mode": test_mode,
        }))
        .expect("valid settings")
    }

    fn sample_return() -> Return {
        Return::new(
            "40211877",
            "#10452",
            "10452",
            datetime!(2025-03-04 15:12 UTC),
        )
        .with_line(ReturnLine::new("1").with_sku("LS-SAND-M"))
        .with_line(ReturnLine::new("2").with_sku("LS-SAND-M"))
        .with_line(ReturnLine::new("3").with_sku("CAP-RED"))
        .with_shipment(ReturnShipment::new(["1", "2", "3"]).with_tracking("DHL", "0034043416"))
    }

    fn draft(test_mode: bool) -> AsnDraft {
        plan_asns(&sample_return(), &settings(test_mode))
            .expect("plannable")
            .drafts()[0]
            .clone()
    }

    /// A ticket as CloudX would report the draft once counted.
    fn counted(
        draft: &AsnDraft,
        status: TicketStatus,
        received: &[(&str, u32, u32)],
    ) -> ReceivingTicket {
        let lines = received
            .iter()
            .map(|(sku, got, damaged)| TicketLine {
                sku: Some(Sku::new(*sku)),
                expected_quantity: draft
                    .line(&ItemKey::Sku((*sku).to_owned()))
                    .map_or(0, |l| l.expected_quantity.get()),
                received_quantity: *got,
                damaged_quantity: *damaged,
                ..TicketLine::default()
            })
            .collect();
        ReceivingTicket {
            reference_number: ReferenceNumber::new(draft.reference_number.as_str()),
            status,
            received_at: Some(datetime!(2025-03-08 09:30 UTC)),
            arrived_at: Some(datetime!(2025-03-07 12:00 UTC)),
            lines,
            ..ReceivingTicket::default()
        }
    }

    #[test]
    fn a_draft_becomes_a_valid_create_request() {
        let draft = draft(false);
        let request = NewReceivingTicket::from(&draft);
        assert_eq!(request.kind, TicketKind::Return);
        assert_eq!(
            request.reference_number.as_str(),
            draft.reference_number.as_str()
        );
        assert_eq!(request.warehouse_code.as_str(), "BERGEN-NJ-01");
        assert_eq!(request.rma_number.as_deref(), Some("40211877"));
        assert_eq!(
            request.order_number.as_deref(),
            Some(draft.order_number.as_str())
        );
        assert_eq!(request.carrier.as_deref(), Some("DHL"));
        assert_eq!(request.tracking_numbers, ["0034043416"]);
        let lines: Vec<_> = request
            .lines
            .iter()
            .map(|l| (l.sku.as_ref().map(Sku::as_str), l.expected_quantity))
            .collect();
        assert_eq!(lines, [(Some("LS-SAND-M"), 2), (Some("CAP-RED"), 1)]);
        assert_eq!(request.validate(ProductIdentification::Sku), Ok(()));
    }

    #[test]
    fn test_mode_drafts_become_test_tickets() {
        assert_eq!(
            NewReceivingTicket::from(&draft(true)).kind,
            TicketKind::Test
        );
    }

    #[test]
    fn barcodes_are_upcs_both_ways() {
        let key = ItemKey::Barcode("0123".into());
        let identifier = ItemIdentifier::from(&key);
        assert_eq!(identifier, ItemIdentifier::upc("0123"));
        assert_eq!(ItemKey::from(&identifier), key);
        assert_eq!(
            ProductIdentification::from(returns_core::ProductIdentification::Barcode),
            ProductIdentification::Upc
        );
    }

    #[test]
    fn reference_numbers_and_identification_convert_both_ways() {
        let core = draft(false).reference_number;
        let cloudx = ReferenceNumber::from(&core);
        assert_eq!(cloudx.as_str(), core.as_str());
        assert_eq!(
            returns_core::ReferenceNumber::try_from(&cloudx).as_ref(),
            Ok(&core)
        );
        assert_eq!(
            returns_core::ReferenceNumber::try_from(cloudx),
            Ok(core.clone())
        );
        assert_eq!(ReferenceNumber::from(core.clone()).as_str(), core.as_str());
        assert!(returns_core::ReferenceNumber::try_from(ReferenceNumber::new("")).is_err());

        for identification in [ProductIdentification::Sku, ProductIdentification::Upc] {
            let core = returns_core::ProductIdentification::from(identification);
            assert_eq!(ProductIdentification::from(core), identification);
        }
        assert_eq!(
            returns_core::ProductIdentification::from(ProductIdentification::Upc),
            returns_core::ProductIdentification::Barcode
        );

        for key in [ItemKey::Sku("TEE".into()), ItemKey::Barcode("0123".into())] {
            let identifier = ItemIdentifier::from(key.clone());
            assert_eq!(ItemKey::from(identifier), key);
        }
    }

    #[test]
    fn a_complete_receipt_is_processed_and_a_short_one_flagged() {
        let draft = draft(false);
        let criteria = settings(false).receipt_criteria;
        let evaluate = |ticket: &ReceivingTicket| {
            let observation = ShipmentObservation::try_from(ticket).expect("our reference");
            evaluate_receipt(
                std::slice::from_ref(&draft),
                &[observation],
                &criteria,
                returns_core::ArrivalClock::asn_created(datetime!(2025-03-04 15:12 UTC)),
                datetime!(2025-03-08 10:00 UTC),
            )
        };

        let complete = counted(
            &draft,
            TicketStatus::AddedToInventory,
            &[("LS-SAND-M", 2, 0), ("CAP-RED", 1, 0)],
        );
        assert!(
            evaluate(&complete).is_process(),
            "{:?}",
            evaluate(&complete)
        );

        let short = counted(
            &draft,
            TicketStatus::AddedToInventory,
            &[("LS-SAND-M", 1, 0), ("CAP-RED", 1, 0)],
        );
        assert!(evaluate(&short).is_flag(), "{:?}", evaluate(&short));
    }

    #[test]
    fn observation_keeps_phase_dates_and_counts() {
        let draft = draft(false);
        let mut ticket = counted(
            &draft,
            TicketStatus::CountingInProgress,
            &[("CAP-RED", 1, 1)],
        );
        ticket.lines[0].condition = Some(LineCondition::Damaged);
        ticket.lines[0].upc = Some(Upc::new("0123"));
        let observation = ShipmentObservation::try_from(&ticket).expect("our reference");
        assert_eq!(observation.phase, ReceivingPhase::Receiving);
        assert_eq!(observation.received_at, ticket.received_at);
        let line = &observation.lines[0];
        assert_eq!(line.sku.as_deref(), Some("CAP-RED"));
        assert_eq!(line.barcode.as_deref(), Some("0123"));
        assert_eq!((line.received, line.damaged), (1, 1));
        assert_eq!(line.condition, Some(ItemCondition::Damaged));

        ticket.status = TicketStatus::parse("QuarantineHold");
        let unknown = ShipmentObservation::try_from(&ticket).expect("our reference");
        assert_eq!(unknown.phase, ReceivingPhase::Unknown);
    }

    #[test]
    fn a_foreign_reference_is_refused() {
        let ticket = ReceivingTicket {
            reference_number: ReferenceNumber::new(""),
            ..ReceivingTicket::default()
        };
        assert!(ShipmentObservation::try_from(&ticket).is_err());
    }
}
