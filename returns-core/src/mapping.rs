//! Return → ASN mapping: one ASN draft per return shipment.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::asn::{AsnDraft, AsnLine, AsnPlan, SkipReason, SourceLine};
use crate::exclusion::ChannelExclusion;
use crate::model::{ItemKey, LineId, Return, ReturnLine, ReturnShipment};
use crate::reference::{ReferenceNumber, ShipmentKey};
use crate::settings::{IntegrationSettings, ProductIdentification};

/// Plans the ASNs for a return.
///
/// 1. A return from an excluded sales channel is skipped — before anything
///    else is checked, since its data never reaches the warehouse.
/// 2. Otherwise the return is checked as a whole, and every problem is
///    reported at once ([`MappingError`]); no partial plan is produced, since
///    an ASN missing lines would make a complete receipt look like a surplus.
/// 3. Each shipment (or the implicit single one, see
///    [`Return::effective_shipments`]) becomes one [`AsnDraft`] whose lines are
///    keyed by SKU or barcode per the settings; lines with the same
///    identifier in one shipment are merged and their quantities summed.
///    Each draft's [reference number](crate::reference) identifies its
///    shipment by what stays (the only shipment, its label id, tracking
///    number or lines — [`ShipmentKey::for_shipments`]), never by its
///    position: listing the shipments in another order gives the same
///    references. Drafts come in shipment order, and
///    [`AsnDraft::shipment_number`] is that position (for people only).
///
/// Identifiers are trimmed; a blank SKU or barcode counts as missing. The
/// settings are not validated here: call
/// [`IntegrationSettings::validate`] once when loading them.
///
/// ```
/// use returns_core::{plan_asns, AsnPlan, IntegrationSettings, Return, ReturnLine};
/// use time::macros::datetime;
///
/// let settings = IntegrationSettings::new("BERGEN-NJ-01");
/// let ret = Return::new("40211877", "#10452", "10452", datetime!(2025-03-04 15:12:09 UTC))
///     .with_line(ReturnLine::new("1").with_sku("LS-SAND-M"))
///     .with_line(ReturnLine::new("2").with_sku("LS-SAND-M"));
/// let AsnPlan::Create(drafts) = plan_asns(&ret, &settings)? else { unreachable!() };
/// assert_eq!(drafts.len(), 1);
/// assert_eq!(drafts[0].reference_number.as_str(), "#10452-R40211877-S");
/// assert_eq!(drafts[0].lines[0].expected_quantity.get(), 2);
/// # Ok::<(), returns_core::MappingError>(())
/// ```
pub fn plan_asns(ret: &Return, settings: &IntegrationSettings) -> Result<AsnPlan, MappingError> {
    let exclusion = ChannelExclusion::new(settings.excluded_sales_channels.iter().cloned());
    if let Some(matched) = exclusion.check(ret.sales_channel.as_deref()) {
        return Ok(AsnPlan::Skip(SkipReason::ExcludedChannel(matched)));
    }

    let identification = settings.product_identification;
    let shipments = ret.effective_shipments();
    let mut problems = check_lines(ret, identification);
    // First line of each id (duplicates are reported by check_lines).
    let mut by_id: LineIndex<'_> = HashMap::with_capacity(ret.lines.len());
    for line in &ret.lines {
        by_id.entry(&line.id).or_insert(line);
    }
    problems.extend(check_shipments(ret, &by_id, &shipments));
    if !problems.is_empty() {
        return Err(MappingError::new(ret, problems));
    }

    let keys = ShipmentKey::for_shipments(&shipments);
    let mut drafts = Vec::with_capacity(shipments.len());
    for (index, (shipment, key)) in shipments.iter().zip(&keys).enumerate() {
        // check_shipments guarantees the count fits in u16.
        let number = u16::try_from(index + 1).unwrap_or(u16::MAX);
        match draft_for(ret, &by_id, settings, shipment, key, number) {
            Ok(draft) => drafts.push(draft),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(AsnPlan::Create(drafts))
    } else {
        Err(MappingError::new(ret, problems))
    }
}

fn check_lines(ret: &Return, identification: ProductIdentification) -> Vec<MappingProblem> {
    let mut problems = Vec::new();
    if ret.lines.is_empty() {
        problems.push(MappingProblem::NoLines);
    }
    let mut seen = HashSet::new();
    for line in &ret.lines {
        if !seen.insert(&line.id) {
            problems.push(MappingProblem::DuplicateLineId {
                line_id: line.id.clone(),
            });
        }
        if line.item_key(identification).is_none() {
            problems.push(MappingProblem::MissingIdentifier {
                line_id: line.id.clone(),
                identification,
            });
        }
    }
    problems
}

/// The return's lines by id.
type LineIndex<'a> = HashMap<&'a LineId, &'a ReturnLine>;

fn check_shipments(
    ret: &Return,
    by_id: &LineIndex<'_>,
    shipments: &[ReturnShipment],
) -> Vec<MappingProblem> {
    let mut problems = Vec::new();
    if shipments.len() > usize::from(u16::MAX) {
        problems.push(MappingProblem::TooManyShipments {
            count: shipments.len(),
        });
        return problems;
    }
    let mut shipped_in: HashMap<&LineId, u16> = HashMap::new();
    for (number, shipment) in (1..=u16::MAX).zip(shipments) {
        if shipment.line_ids.is_empty() && !ret.lines.is_empty() {
            problems.push(MappingProblem::EmptyShipment { shipment: number });
        }
        for line_id in &shipment.line_ids {
            if !by_id.contains_key(line_id) {
                problems.push(MappingProblem::UnknownLine {
                    line_id: line_id.clone(),
                    shipment: number,
                });
            } else if let Some(first) = shipped_in.insert(line_id, number) {
                problems.push(MappingProblem::LineShippedTwice {
                    line_id: line_id.clone(),
                    first_shipment: first,
                    second_shipment: number,
                });
                shipped_in.insert(line_id, first);
            }
        }
    }
    for line in &ret.lines {
        if !shipped_in.contains_key(&line.id) {
            problems.push(MappingProblem::LineNotShipped {
                line_id: line.id.clone(),
            });
        }
    }
    problems
}

fn draft_for(
    ret: &Return,
    by_id: &LineIndex<'_>,
    settings: &IntegrationSettings,
    shipment: &ReturnShipment,
    key: &ShipmentKey,
    number: u16,
) -> Result<AsnDraft, MappingProblem> {
    // Group the shipment's lines by identifier, keeping first-seen order.
    let mut groups: Vec<(ItemKey, Vec<&ReturnLine>)> = Vec::new();
    let mut index_of: HashMap<ItemKey, usize> = HashMap::new();
    for line_id in &shipment.line_ids {
        let Some(&line) = by_id.get(line_id) else {
            continue;
        };
        let Some(key) = line.item_key(settings.product_identification) else {
            continue;
        };
        let index = *index_of.entry(key.clone()).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[index].1.push(line);
    }

    let mut lines = Vec::with_capacity(groups.len());
    for (item, members) in groups {
        let sources = members
            .iter()
            .map(|line| SourceLine::new(line.id.clone(), line.quantity))
            .collect();
        let Some(mut asn_line) = AsnLine::new(item.clone(), sources) else {
            return Err(MappingProblem::QuantityOverflow {
                item,
                shipment: number,
            });
        };
        asn_line.description = members
            .iter()
            .map(|line| line.title.trim())
            .find(|title| !title.is_empty())
            .map(str::to_owned);
        for reason in members.iter().filter_map(|line| line.reason.as_deref()) {
            asn_line = asn_line.with_return_reason(reason.trim());
        }
        lines.push(asn_line);
    }

    Ok(AsnDraft::new(
        settings.asn_type(),
        settings.warehouse_code.clone(),
        ReferenceNumber::new(&ret.order_name, &ret.id, key),
        ret.id.clone(),
        ret.order_number.clone(),
        number,
        lines,
    )
    .with_tracking(shipment.carrier.clone(), shipment.tracking_number.clone())
    .with_customer_email(ret.customer_email.clone()))
}

/// Why a return cannot be mapped to ASNs: every problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MappingError {
    /// The return concerned.
    pub return_id: crate::model::ReturnId,
    /// Every problem, lines first, then shipments; never empty.
    pub problems: Vec<MappingProblem>,
}

impl MappingError {
    fn new(ret: &Return, problems: Vec<MappingProblem>) -> Self {
        Self {
            return_id: ret.id.clone(),
            problems,
        }
    }

    /// The ids of the lines lacking the identifier the settings need.
    pub fn lines_missing_identifier(&self) -> impl Iterator<Item = &LineId> {
        self.problems.iter().filter_map(|problem| match problem {
            MappingProblem::MissingIdentifier { line_id, .. } => Some(line_id),
            _ => None,
        })
    }
}

impl fmt::Display for MappingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "return {} cannot be mapped to ASNs: ", self.return_id)?;
        crate::settings::write_joined(f, &self.problems)
    }
}

impl std::error::Error for MappingError {}

/// One reason a return cannot be mapped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "problem")]
#[non_exhaustive]
pub enum MappingProblem {
    /// The return has no lines: there is nothing to expect.
    NoLines,
    /// Two lines share an id, so shipments cannot say which one they carry.
    DuplicateLineId {
        /// The repeated id.
        line_id: LineId,
    },
    /// A line lacks the SKU or barcode the warehouse matches on.
    MissingIdentifier {
        /// The line.
        line_id: LineId,
        /// The identifier the settings require.
        identification: ProductIdentification,
    },
    /// A shipment lists a line id that the return does not have.
    UnknownLine {
        /// The unknown id.
        line_id: LineId,
        /// The shipment number, from 1.
        shipment: u16,
    },
    /// A line is listed twice (in two shipments, or twice in one).
    LineShippedTwice {
        /// The line.
        line_id: LineId,
        /// Where it was listed first.
        first_shipment: u16,
        /// Where it was listed again.
        second_shipment: u16,
    },
    /// Shipments are listed but none carries this line. (A return with no
    /// shipments listed is one shipment carrying every line.)
    LineNotShipped {
        /// The line.
        line_id: LineId,
    },
    /// A shipment carries no line; the warehouse rejects empty ASNs.
    EmptyShipment {
        /// The shipment number, from 1.
        shipment: u16,
    },
    /// More shipments than a reference number can count (65,535).
    TooManyShipments {
        /// How many shipments the return lists.
        count: usize,
    },
    /// The merged quantity of an item does not fit in `u32`.
    QuantityOverflow {
        /// The item.
        item: ItemKey,
        /// The shipment number, from 1.
        shipment: u16,
    },
}

impl fmt::Display for MappingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoLines => f.write_str("the return has no lines"),
            Self::DuplicateLineId { line_id } => write!(f, "line id {line_id} appears twice"),
            Self::MissingIdentifier {
                line_id,
                identification,
            } => write!(f, "line {line_id} has no {identification}"),
            Self::UnknownLine { line_id, shipment } => {
                write!(f, "shipment {shipment} lists unknown line {line_id}")
            }
            Self::LineShippedTwice {
                line_id,
                first_shipment,
                second_shipment,
            } => write!(
                f,
                "line {line_id} is listed in shipment {first_shipment} and again in shipment {second_shipment}"
            ),
            Self::LineNotShipped { line_id } => write!(f, "line {line_id} is in no shipment"),
            Self::EmptyShipment { shipment } => write!(f, "shipment {shipment} carries no line"),
            Self::TooManyShipments { count } => {
                write!(f, "{count} shipments exceed the limit of 65535")
            }
            Self::QuantityOverflow { item, shipment } => {
                write!(f, "the quantity of {item} in shipment {shipment} overflows")
            }
        }
    }
}
