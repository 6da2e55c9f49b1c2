//! The ASN reference number: the idempotency key of one return shipment at
//! the warehouse.
//!
//! # Format
//!
//! ```text
//! {order}-R{return}-{shipment}
//! ```
//!
//! - `{order}`: the order name reduced to ASCII letters, digits and `#`
//!   (everything else dropped), keeping its **last** 16 characters (the
//!   distinctive end of names like `#SHOP-EU-0001234`). When nothing is
//!   left, the segment and its dash are omitted: `R{return}-{shipment}`.
//! - `{return}`: the return id verbatim when it is 1 to 20 ASCII letters or
//!   digits (Loop ids always are); otherwise `_` followed by the 16 lowercase
//!   hex digits of the id's 64-bit FNV-1a hash.
//! - `{shipment}`: the shipment's identity, from a [`ShipmentKey`] — never
//!   its position in the platform's answer, so that listing the labels in
//!   another order never produces another reference:
//!
//!   | segment | when | example |
//!   |---|---|---|
//!   | `S` | the return has exactly one shipment (with or without a label) | `S` |
//!   | `L` + last 10 letters/digits of the label id | several shipments, this one has a label id | `L9f3a20c81b` |
//!   | `T` + last 10 letters/digits of the tracking number | several shipments, no label id, a tracking number | `T4161234567` |
//!   | `N` + 10 lowercase hex digits | several shipments, neither (or a clash, below) | `N460bb91818` |
//!
//!   The `N` form hashes (64-bit FNV-1a, first 40 bits) the shipment's line
//!   ids, **sorted** and joined with a NUL byte: line ids are unique within
//!   a return and a line travels in one shipment only (the mapping checks
//!   both), so the segment identifies the parcel by what it carries, which
//!   does not depend on list order either. When two shipments of a return
//!   would get the same `L`/`T` segment (the same label id or tracking
//!   number twice, or the same last 10 characters), each of them takes its
//!   `N` form instead: the set of clashing shipments does not depend on
//!   order, so neither does the result. See [`ShipmentKey::for_shipments`].
//!
//!   Why a single shipment is always `S`: returns are usually sent to the
//!   warehouse as soon as they are created, often before the label (and its
//!   tracking number) exists. A return that gains its label keeps its
//!   reference, so no second ASN is created for the same parcel. The
//!   identity changes only when a return goes from one shipment to several
//!   (or a shipment gains or loses lines in the `N` form) — an engine must
//!   compare the lines of a ticket found by reference with its draft.
//!
//! Example: order `#10452`, return `40211877`, one shipment →
//! `#10452-R40211877-S`.
//!
//! The result is at most 50 characters (16 + 2 + 20 + 1 + 11) of printable
//! ASCII without spaces, and the same inputs always give the same
//! reference, across runs and versions. No segment ever contains a dash, so
//! the reference decodes back into (order segment, return segment, shipment
//! segment) unambiguously with [`ReferenceNumber::parts`]; as return ids are
//! unique, references are unique per return shipment. (For ids that are not
//! short alphanumerics this rests on the 64-bit hash: collisions are
//! negligible, about one in 10⁹ among 190,000 such ids.)
//!
//! References made by earlier versions of this crate ended in the shipment's position
//! (`-1`, `-2`, …); those still parse, and [`ReferenceParts::shipment`]
//! returns their last segment as is.

mod segment;

use std::fmt::{self, Write as _};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::model::{LineId, ReturnId, ReturnShipment};
pub(crate) use segment::{Segment, Segments};

/// Longest reference the warehouse accepts.
pub const REFERENCE_MAX_LEN: usize = 50;

/// Characters of the order name kept in a reference.
const ORDER_SEGMENT_MAX: usize = 16;
/// Longest return id used verbatim.
const RETURN_SEGMENT_MAX: usize = 20;
/// Characters of a label id or tracking number kept in a shipment segment.
const TOKEN_MAX: usize = 10;
/// Hex digits of the line-id hash in an `N` shipment segment.
const LINES_HASH_DIGITS: usize = 10;

/// What identifies one shipment of a return in its reference number (the
/// `{shipment}` segment, see the [module documentation](crate::reference)).
///
/// Usually computed for all of a return's shipments at once with
/// [`ShipmentKey::for_shipments`], which applies the single-shipment and
/// clash rules; [`plan_asns`](crate::plan_asns) does that.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
#[non_exhaustive]
pub enum ShipmentKey {
    /// The return's only shipment: segment `S`.
    Single,
    /// A shipment known by its label id: segment `L` + the id's last 10
    /// letters and digits.
    Label(String),
    /// A shipment known by its tracking number: segment `T` + the number's
    /// last 10 letters and digits.
    Tracking(String),
    /// A shipment known by the lines it carries: segment `N` + a hash of the
    /// sorted line ids.
    Lines(Vec<LineId>),
}

impl ShipmentKey {
    /// The key of one shipment among several, ignoring clashes: its label id
    /// when it has one (with at least one letter or digit), else its
    /// tracking number (likewise), else its lines.
    ///
    /// The label id comes first because it exists as soon as the label does,
    /// while some platforms fill the tracking number in later.
    pub fn of(shipment: &ReturnShipment) -> Self {
        if let Some(label) = segment::usable(shipment.label_id.as_deref()) {
            Self::Label(label.to_owned())
        } else if let Some(tracking) = segment::usable(shipment.tracking_number.as_deref()) {
            Self::Tracking(tracking.to_owned())
        } else {
            Self::Lines(shipment.line_ids.clone())
        }
    }

    /// The keys of all the shipments of one return, in the same order as
    /// `shipments`:
    ///
    /// - one shipment → [`ShipmentKey::Single`];
    /// - otherwise [`ShipmentKey::of`] each, except that shipments whose
    ///   segments would clash take [`ShipmentKey::Lines`].
    ///
    /// The key of a shipment depends only on the set of shipments, never on
    /// their order.
    ///
    /// ```
    /// use returns_core::{ReturnShipment, ShipmentKey};
    ///
    /// let a = ReturnShipment::new(["1"]).with_tracking("DHL", "00340434161234567890");
    /// let b = ReturnShipment::new(["2"]).with_label_id("lbl_77");
    /// let keys = ShipmentKey::for_shipments(&[a.clone(), b.clone()]);
    /// assert_eq!(keys[0].segment(), "T1234567890");
    /// assert_eq!(keys[1].segment(), "Llbl77");
    /// let reversed = ShipmentKey::for_shipments(&[b, a]);
    /// assert_eq!(reversed[0], keys[1]);
    /// assert_eq!(reversed[1], keys[0]);
    ///
    /// // One parcel: a fixed segment, label or not.
    /// let only = ReturnShipment::new(["1"]).with_label_id("lbl_77");
    /// assert_eq!(ShipmentKey::for_shipments(&[only]), [ShipmentKey::Single]);
    /// ```
    pub fn for_shipments(shipments: &[ReturnShipment]) -> Vec<Self> {
        let segments = Segments::of(shipments);
        shipments
            .iter()
            .enumerate()
            .map(|(index, shipment)| match segments.get(index).kind() {
                b'S' => Self::Single,
                // A clash turns a label or tracking key into its lines.
                b'N' => Self::Lines(shipment.line_ids.clone()),
                _ => Self::of(shipment),
            })
            .collect()
    }

    /// The `{shipment}` segment of the reference: at most 11 ASCII letters
    /// and digits.
    ///
    /// A label id or tracking number keeps its last 10 letters and digits
    /// (`"0"` when it has none, which [`ShipmentKey::of`] never gives).
    pub fn segment(&self) -> String {
        Segment::of_key(self).as_str().to_owned()
    }
}

/// A warehouse-safe reference number: 1 to 50 printable ASCII characters,
/// no spaces.
///
/// Built deterministically with [`ReferenceNumber::new`] (see the
/// [module documentation](crate::reference) for the exact format), or parsed
/// from a reference read back from the warehouse.
///
/// ```
/// use returns_core::{ReferenceNumber, ReturnId, ShipmentKey};
///
/// let reference = ReferenceNumber::new("#10452", &ReturnId::new("40211877"), &ShipmentKey::Single);
/// assert_eq!(reference.as_str(), "#10452-R40211877-S");
///
/// // Long or non-ASCII input is reduced deterministically.
/// let reference = ReferenceNumber::new(
///     "Bestellung Nr. 2024-ÄÖÜ-0001234567",
///     &ReturnId::new("r/1"),
///     &ShipmentKey::Tracking("1Z 999 AA1 01 2345 6784".into()),
/// );
/// assert_eq!(reference.as_str(), "Nr20240001234567-R_8ae5071961ca154d-T0123456784");
///
/// let parts = reference.parts().unwrap();
/// assert_eq!(parts.order, "Nr20240001234567");
/// assert_eq!(parts.return_segment, "_8ae5071961ca154d");
/// assert_eq!(parts.shipment, "T0123456784");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReferenceNumber(String);

impl ReferenceNumber {
    /// The reference of the shipment identified by `shipment` in a return.
    pub fn new(order_name: &str, return_id: &ReturnId, shipment: &ShipmentKey) -> Self {
        Self::with_segment(order_name, return_id, Segment::of_key(shipment))
    }

    /// [`ReferenceNumber::new`] from a rendered shipment segment, written
    /// straight into the one string the reference keeps.
    pub(crate) fn with_segment(order_name: &str, return_id: &ReturnId, shipment: Segment) -> Self {
        let mut reference = String::with_capacity(REFERENCE_MAX_LEN);
        push_order_segment(&mut reference, order_name);
        if !reference.is_empty() {
            reference.push('-');
        }
        reference.push('R');
        push_return_segment(&mut reference, return_id.as_str());
        reference.push('-');
        reference.push_str(shipment.as_str());
        debug_assert!(check(&reference).is_ok(), "{reference}");
        Self(reference)
    }

    /// Parses a reference, checking length and characters.
    pub fn parse(value: impl Into<String>) -> Result<Self, InvalidReferenceNumber> {
        let value = value.into();
        match check(&value) {
            Ok(()) => Ok(Self(value)),
            Err(reason) => Err(InvalidReferenceNumber { value, reason }),
        }
    }

    /// The reference as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Decodes a reference made by [`ReferenceNumber::new`] (or by earlier
    /// versions of this crate) into its segments; `None` when the reference
    /// does not have that shape (for example one typed by a person).
    pub fn parts(&self) -> Option<ReferenceParts<'_>> {
        let mut segments = self.0.split('-');
        let (order, ret, shipment) = match (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) {
            (Some(ret), Some(shipment), None, None) => ("", ret, shipment),
            (Some(order), Some(ret), Some(shipment), None) if !order.is_empty() => {
                (order, ret, shipment)
            }
            _ => return None,
        };
        let return_segment = ret.strip_prefix('R').filter(|ret| !ret.is_empty())?;
        if shipment.is_empty() {
            return None;
        }
        Some(ReferenceParts {
            order,
            return_segment,
            shipment,
        })
    }
}

/// The segments of a [`ReferenceNumber`], borrowed from it (see
/// [`ReferenceNumber::parts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReferenceParts<'a> {
    /// The reduced order name; empty when the reference has none.
    pub order: &'a str,
    /// The return id, or `_` and its hash, without the `R` prefix.
    pub return_segment: &'a str,
    /// The shipment segment (`S`, `L…`, `T…`, `N…`; a number in references
    /// made by earlier versions).
    pub shipment: &'a str,
}

impl ReferenceParts<'_> {
    /// Whether the reference belongs to the return `return_id` (its return
    /// segment is the one [`ReferenceNumber::new`] makes from that id).
    pub fn is_return(&self, return_id: &ReturnId) -> bool {
        let mut expected = String::new();
        push_return_segment(&mut expected, return_id.as_str());
        self.return_segment == expected
    }
}

impl fmt::Display for ReferenceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for ReferenceNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for ReferenceNumber {
    type Err = InvalidReferenceNumber;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for ReferenceNumber {
    type Error = InvalidReferenceNumber;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<ReferenceNumber> for String {
    fn from(reference: ReferenceNumber) -> Self {
        reference.0
    }
}

/// A string that cannot be a [`ReferenceNumber`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidReferenceNumber {
    /// The rejected value.
    pub value: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl fmt::Display for InvalidReferenceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid reference number {:?}: {}",
            self.value, self.reason
        )
    }
}

impl std::error::Error for InvalidReferenceNumber {}

fn check(value: &str) -> Result<(), &'static str> {
    if value.is_empty() {
        Err("it is empty")
    } else if value.len() > REFERENCE_MAX_LEN {
        Err("it is longer than 50 characters")
    } else if !value.bytes().all(|b| b.is_ascii_graphic()) {
        Err("it contains characters other than printable ASCII without spaces")
    } else {
        Ok(())
    }
}

/// Appends the last [`ORDER_SEGMENT_MAX`] ASCII letters, digits and `#` of
/// the order name. Filtering bytes is filtering characters: no byte of a
/// multi-byte character is ASCII.
fn push_order_segment(out: &mut String, order_name: &str) {
    let is_kept = |byte: &u8| byte.is_ascii_alphanumeric() || *byte == b'#';
    let count = order_name.bytes().filter(is_kept).count();
    order_name
        .bytes()
        .filter(is_kept)
        .skip(count.saturating_sub(ORDER_SEGMENT_MAX))
        .for_each(|byte| out.push(char::from(byte)));
}

/// Appends the return id verbatim, or `_` and its hash.
fn push_return_segment(out: &mut String, return_id: &str) {
    let verbatim = (1..=RETURN_SEGMENT_MAX).contains(&return_id.len())
        && return_id.bytes().all(|b| b.is_ascii_alphanumeric());
    if verbatim {
        out.push_str(return_id);
    } else {
        // Writing to a String cannot fail.
        let _ = write!(out, "_{:016x}", fnv1a_64(return_id.as_bytes()));
    }
}

/// 64-bit FNV-1a: tiny, fixed by its specification, so references stay
/// stable across Rust versions (unlike `std`'s `DefaultHasher`).
fn fnv1a_64(bytes: &[u8]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    fnv1a_64_extend(OFFSET_BASIS, bytes)
}

/// Continues an FNV-1a hash with more bytes: hashing pieces in turn is
/// hashing their concatenation.
fn fnv1a_64_extend(hash: u64, bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(hash, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(order: &str, ret: &str, key: &ShipmentKey) -> String {
        ReferenceNumber::new(order, &ReturnId::new(ret), key).into()
    }

    fn tracking(number: &str) -> ShipmentKey {
        ShipmentKey::Tracking(number.into())
    }

    #[test]
    fn format_table() {
        let single = ShipmentKey::Single;
        let cases: &[(&str, &str, ShipmentKey, &str)] = &[
            ("#1001", "40211877", single.clone(), "#1001-R40211877-S"),
            (
                "#1001",
                "40211877",
                tracking("00340434161234567890"),
                "#1001-R40211877-T1234567890",
            ),
            (
                "#1001",
                "40211877",
                tracking("1Z-999"),
                "#1001-R40211877-T1Z999",
            ),
            (
                "1001",
                "abc",
                ShipmentKey::Label("lbl_0123456789abcdef".into()),
                "1001-Rabc-L6789abcdef",
            ),
            (
                "1001",
                "abc",
                ShipmentKey::Lines(vec!["2".into(), "1".into()]),
                "1001-Rabc-N460bb91818",
            ),
            ("", "40211877", single.clone(), "R40211877-S"),
            ("ÄÖÜ – ", "40211877", single.clone(), "R40211877-S"),
            (
                "#SHOP-EU-0001234567",
                "7",
                single.clone(),
                "SHOPEU0001234567-R7-S",
            ),
            (
                "#A-VERY-LONG-ORDER-NAME-000123",
                "7",
                single.clone(),
                "GORDERNAME000123-R7-S",
            ),
        ];
        for (order, ret, key, expected) in cases {
            assert_eq!(
                reference(order, ret, key),
                *expected,
                "{order:?} {ret:?} {key:?}"
            );
        }
        // Ids that are too long or not alphanumeric are hashed.
        let hashed = reference("#1", &"x".repeat(21), &single);
        assert!(
            hashed.starts_with("#1-R_") && hashed.ends_with("-S"),
            "{hashed}"
        );
        assert_eq!(
            reference("#1", &"x".repeat(20), &single),
            format!("#1-R{}-S", "x".repeat(20))
        );
        assert_eq!(
            reference("#1", "r-1", &single),
            reference("#1", "r-1", &single)
        );
        assert_ne!(
            reference("#1", "r-1", &single),
            reference("#1", "r-2", &single)
        );
    }

    #[test]
    fn line_segment_ignores_line_order_and_duplicates() {
        let a = ShipmentKey::Lines(vec!["1".into(), "2".into(), "3".into()]);
        let b = ShipmentKey::Lines(vec!["3".into(), "1".into(), "2".into(), "1".into()]);
        assert_eq!(a.segment(), b.segment());
        let c = ShipmentKey::Lines(vec!["1".into(), "2".into()]);
        assert_ne!(a.segment(), c.segment());
        // "1" + "23" and "12" + "3" are different sets of lines.
        let d = ShipmentKey::Lines(vec!["1".into(), "23".into()]);
        let e = ShipmentKey::Lines(vec!["12".into(), "3".into()]);
        assert_ne!(d.segment(), e.segment());
        assert_eq!(a.segment().len(), 11);
    }

    #[test]
    fn keys_prefer_label_then_tracking_then_lines() {
        let both = ReturnShipment::new(["1"])
            .with_tracking("UPS", "1Z999")
            .with_label_id("L-42");
        assert_eq!(ShipmentKey::of(&both), ShipmentKey::Label("L-42".into()));
        let tracked = ReturnShipment::new(["1"]).with_tracking("UPS", "1Z999");
        assert_eq!(ShipmentKey::of(&tracked), tracking("1Z999"));
        // Placeholders without a letter or digit do not identify anything.
        let blank = ReturnShipment::new(["1"])
            .with_tracking_number(" - ")
            .with_label_id("");
        assert_eq!(
            ShipmentKey::of(&blank),
            ShipmentKey::Lines(vec!["1".into()])
        );
    }

    #[test]
    fn clashing_segments_fall_back_to_lines_whatever_the_order() {
        let a = ReturnShipment::new(["1"]).with_tracking_number("XX1234567890");
        let b = ReturnShipment::new(["2"]).with_tracking_number("YY1234567890");
        let c = ReturnShipment::new(["3"]).with_tracking_number("ZZ1");
        let keys = ShipmentKey::for_shipments(&[a.clone(), b.clone(), c.clone()]);
        assert_eq!(
            keys,
            [
                ShipmentKey::Lines(vec!["1".into()]),
                ShipmentKey::Lines(vec!["2".into()]),
                tracking("ZZ1"),
            ]
        );
        let reversed = ShipmentKey::for_shipments(&[c, b, a]);
        assert_eq!(
            reversed,
            [keys[2].clone(), keys[1].clone(), keys[0].clone()]
        );
        let segments: std::collections::HashSet<String> =
            keys.iter().map(ShipmentKey::segment).collect();
        assert_eq!(segments.len(), 3);
    }

    #[test]
    fn one_shipment_is_single_with_or_without_a_label() {
        for shipment in [
            ReturnShipment::new(["1"]),
            ReturnShipment::new(["1"]).with_tracking("DHL", "003404"),
            ReturnShipment::new(["1"]).with_label_id("9"),
        ] {
            assert_eq!(
                ShipmentKey::for_shipments(&[shipment]),
                [ShipmentKey::Single]
            );
        }
        assert!(ShipmentKey::for_shipments(&[]).is_empty());
    }

    #[test]
    fn parts_decode_every_form() {
        let cases: &[(&str, (&str, &str, &str))] = &[
            ("#1001-R40211877-S", ("#1001", "40211877", "S")),
            ("R40211877-T1Z999", ("", "40211877", "T1Z999")),
            (
                "1001-R_8ae5071961ca154d-N460bb91818",
                ("1001", "_8ae5071961ca154d", "N460bb91818"),
            ),
            ("#1001-R9001-2", ("#1001", "9001", "2")),
        ];
        for (text, (order, ret, shipment)) in cases {
            let reference = ReferenceNumber::parse(*text).unwrap();
            let parts = reference.parts().unwrap();
            assert_eq!(
                (parts.order, parts.return_segment, parts.shipment),
                (*order, *ret, *shipment)
            );
        }
        for odd in [
            "ASN-1", "a-b-c-d", "-R1-S", "#1-X1-S", "#1-R-S", "#1-R1-", "plain",
        ] {
            assert_eq!(ReferenceNumber::parse(odd).unwrap().parts(), None, "{odd}");
        }
        let reference = ReferenceNumber::parse("#1-R_8ae5071961ca154d-S").unwrap();
        assert!(reference.parts().unwrap().is_return(&ReturnId::new("r/1")));
        assert!(!reference.parts().unwrap().is_return(&ReturnId::new("r/2")));
    }

    #[test]
    fn fnv_matches_published_vectors() {
        assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a_64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn worst_case_length_is_within_limit() {
        let worst = reference(
            &"#".repeat(100),
            &"9".repeat(20),
            &ShipmentKey::Label("x".repeat(100)),
        );
        assert_eq!(worst.len(), 16 + 2 + 20 + 1 + 11);
        assert!(worst.len() <= REFERENCE_MAX_LEN);
    }

    #[test]
    fn parse_rejects_unsafe_values() {
        assert!(ReferenceNumber::parse("#1001-R1-S").is_ok());
        for bad in ["", "with space", "tab\t", "é", &"x".repeat(51)] {
            let err = ReferenceNumber::parse(bad).unwrap_err();
            assert_eq!(err.value, bad);
        }
        let from_json: Result<ReferenceNumber, _> = serde_json::from_str(r#""a b""#);
        assert!(from_json.is_err());
    }
}
