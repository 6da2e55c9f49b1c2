//! Return → ASN mapping: one ASN draft per return shipment.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::asn::{AsnDraft, AsnLine, AsnPlan, SkipReason, SourceLine};
use crate::exclusion;
use crate::model::{ItemKey, LineId, Return, ReturnLine, ReturnShipment};
use crate::reference::{ReferenceNumber, Segment, Segments};
use crate::settings::{IntegrationSettings, ProductIdentification};
use crate::text::trim;

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
///    number or lines — [`ShipmentKey::for_shipments`](crate::ShipmentKey::for_shipments)), never by its
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
    let channel = ret.sales_channel.as_deref();
    if let Some(matched) = exclusion::first_match(&settings.excluded_sales_channels, channel) {
        return Ok(AsnPlan::Skip(SkipReason::ExcludedChannel(matched)));
    }

    let identification = settings.product_identification;
    let index = LineIndex::new(&ret.lines);
    let mut problems = check_lines(ret, identification);
    if ret.shipments.is_empty() {
        // The implicit shipment (see Return::effective_shipments) carries
        // each line once and cannot be wrong: only the lines can.
        if !problems.is_empty() {
            return Err(MappingError::new(ret, problems));
        }
        let shipment = Shipment {
            lines: ret.lines.iter(),
            count: ret.lines.len(),
            carrier: None,
            tracking_number: None,
        };
        return match draft_for(ret, settings, shipment, Segment::SINGLE, 1) {
            Ok(draft) => Ok(AsnPlan::Create(vec![draft])),
            Err(problem) => Err(MappingError::new(ret, vec![problem])),
        };
    }

    problems.extend(check_shipments(ret, &index, &ret.shipments));
    if !problems.is_empty() {
        return Err(MappingError::new(ret, problems));
    }
    let segments = Segments::of(&ret.shipments);
    let mut drafts = Vec::with_capacity(ret.shipments.len());
    for (position, listed) in ret.shipments.iter().enumerate() {
        // check_shipments guarantees the count fits in u16.
        let number = u16::try_from(position + 1).unwrap_or(u16::MAX);
        let shipment = Shipment {
            // check_shipments guarantees every id is known.
            lines: listed.line_ids.iter().filter_map(|id| index.get(id)),
            count: listed.line_ids.len(),
            carrier: listed.carrier.as_ref(),
            tracking_number: listed.tracking_number.as_ref(),
        };
        match draft_for(ret, settings, shipment, segments.get(position), number) {
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

/// Up to this many keys, lookups scan a slice: for the few lines of a
/// typical return that beats hashing, and needs no allocation.
const SCAN_MAX: usize = 16;

fn check_lines(ret: &Return, identification: ProductIdentification) -> Vec<MappingProblem> {
    let mut problems = Vec::new();
    if ret.lines.is_empty() {
        problems.push(MappingProblem::NoLines);
    }
    let mut seen = (ret.lines.len() > SCAN_MAX).then(|| HashSet::with_capacity(ret.lines.len()));
    for (position, line) in ret.lines.iter().enumerate() {
        let repeated = match &mut seen {
            Some(seen) => !seen.insert(&line.id),
            None => ret.lines[..position]
                .iter()
                .any(|other| other.id == line.id),
        };
        if repeated {
            problems.push(MappingProblem::DuplicateLineId {
                line_id: line.id.clone(),
            });
        }
        if line.item_value(identification).is_none() {
            problems.push(MappingProblem::MissingIdentifier {
                line_id: line.id.clone(),
                identification,
            });
        }
    }
    problems
}

/// The return's lines by id; the first line wins when ids repeat
/// (duplicates are reported by check_lines).
struct LineIndex<'a> {
    lines: &'a [ReturnLine],
    /// Positions by id, for returns too long to scan.
    positions: Option<HashMap<&'a LineId, usize>>,
}

impl<'a> LineIndex<'a> {
    fn new(lines: &'a [ReturnLine]) -> Self {
        let positions = (lines.len() > SCAN_MAX).then(|| {
            let mut positions = HashMap::with_capacity(lines.len());
            for (position, line) in lines.iter().enumerate() {
                positions.entry(&line.id).or_insert(position);
            }
            positions
        });
        Self { lines, positions }
    }

    /// The position of the first line with this id.
    fn position(&self, id: &LineId) -> Option<usize> {
        match &self.positions {
            Some(positions) => positions.get(id).copied(),
            None => self.lines.iter().position(|line| &line.id == id),
        }
    }

    fn get(&self, id: &LineId) -> Option<&'a ReturnLine> {
        self.position(id).map(|position| &self.lines[position])
    }
}

fn check_shipments(
    ret: &Return,
    index: &LineIndex<'_>,
    shipments: &[ReturnShipment],
) -> Vec<MappingProblem> {
    let mut problems = Vec::new();
    if shipments.len() > usize::from(u16::MAX) {
        problems.push(MappingProblem::TooManyShipments {
            count: shipments.len(),
        });
        return problems;
    }
    // The shipment each line (by its id's first position) is in; 0: none.
    // On the stack for the usual few lines.
    let mut few = [0u16; SCAN_MAX];
    let mut many = Vec::new();
    let shipped_in: &mut [u16] = match few.get_mut(..ret.lines.len()) {
        Some(few) => few,
        None => {
            many.resize(ret.lines.len(), 0);
            &mut many
        }
    };
    for (number, shipment) in (1..=u16::MAX).zip(shipments) {
        if shipment.line_ids.is_empty() && !ret.lines.is_empty() {
            problems.push(MappingProblem::EmptyShipment { shipment: number });
        }
        for line_id in &shipment.line_ids {
            let Some(position) = index.position(line_id) else {
                problems.push(MappingProblem::UnknownLine {
                    line_id: line_id.clone(),
                    shipment: number,
                });
                continue;
            };
            match shipped_in[position] {
                0 => shipped_in[position] = number,
                first => problems.push(MappingProblem::LineShippedTwice {
                    line_id: line_id.clone(),
                    first_shipment: first,
                    second_shipment: number,
                }),
            }
        }
    }
    for (position, line) in ret.lines.iter().enumerate() {
        // A repeated id counts as shipped where its first line is.
        let shipped = shipped_in[position] != 0
            || index
                .position(&line.id)
                .is_some_and(|first| shipped_in[first] != 0);
        if !shipped {
            problems.push(MappingProblem::LineNotShipped {
                line_id: line.id.clone(),
            });
        }
    }
    problems
}

/// One checked shipment: its lines, resolved, and how it travels.
struct Shipment<'a, I> {
    lines: I,
    /// How many lines `lines` yields.
    count: usize,
    carrier: Option<&'a String>,
    tracking_number: Option<&'a String>,
}

fn draft_for<'a>(
    ret: &Return,
    settings: &IntegrationSettings,
    shipment: Shipment<'a, impl Iterator<Item = &'a ReturnLine>>,
    segment: Segment,
    number: u16,
) -> Result<AsnDraft, MappingProblem> {
    let identification = settings.product_identification;
    // Merge lines by identifier, keeping first-seen order.
    let mut lines: Vec<AsnLine> = Vec::with_capacity(shipment.count);
    let mut positions: Option<HashMap<&str, usize>> =
        (shipment.count > SCAN_MAX).then(HashMap::new);
    // The first merged line whose quantity overflowed, if any.
    let mut overflowed: Option<usize> = None;
    for line in shipment.lines {
        // check_lines guarantees every line has its identifier.
        let Some(value) = line.item_value(identification) else {
            continue;
        };
        let found = match &positions {
            Some(positions) => positions.get(value).copied(),
            None => lines.iter().position(|merged| merged.item.value() == value),
        };
        let source = SourceLine::new(line.id.clone(), line.quantity);
        let position = match found {
            Some(position) => {
                let merged = &mut lines[position];
                match merged.expected_quantity.checked_add(line.quantity.get()) {
                    Some(sum) => merged.expected_quantity = sum,
                    None => {
                        overflowed = Some(overflowed.map_or(position, |first| first.min(position)))
                    }
                }
                merged.return_lines.push(source);
                position
            }
            None => {
                if let Some(positions) = &mut positions {
                    positions.insert(value, lines.len());
                }
                lines.push(AsnLine::of_one(item_key(identification, value), source));
                lines.len() - 1
            }
        };
        let merged = &mut lines[position];
        let title = trim(&line.title);
        if merged.description.is_none() && !title.is_empty() {
            merged.description = Some(title.to_owned());
        }
        if let Some(reason) = line.reason.as_deref() {
            merged.add_return_reason(trim(reason));
        }
    }
    if let Some(position) = overflowed {
        return Err(MappingProblem::QuantityOverflow {
            item: lines.swap_remove(position).item,
            shipment: number,
        });
    }

    Ok(AsnDraft::new(
        settings.asn_type(),
        settings.warehouse_code.clone(),
        ReferenceNumber::with_segment(&ret.order_name, &ret.id, segment),
        ret.id.clone(),
        ret.order_number.clone(),
        number,
        lines,
    )
    .with_tracking(shipment.carrier.cloned(), shipment.tracking_number.cloned())
    .with_customer_email(ret.customer_email.clone()))
}

fn item_key(identification: ProductIdentification, value: &str) -> ItemKey {
    match identification {
        ProductIdentification::Sku => ItemKey::Sku(value.to_owned()),
        ProductIdentification::Barcode => ItemKey::Barcode(value.to_owned()),
    }
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
