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
//! - `{return}`: the return id verbatim when it is 1 to 24 ASCII letters or
//!   digits (Loop ids always are); otherwise `_` followed by the 16 lowercase
//!   hex digits of the id's 64-bit FNV-1a hash.
//! - `{shipment}`: the shipment's position in the return, from 1.
//!
//! Example: order `#10452`, return `40211877`, first shipment →
//! `#10452-R40211877-1`.
//!
//! The result is at most 48 characters of printable ASCII without spaces,
//! and the same inputs always give the same reference, across runs and
//! versions. Neither segment ever contains a dash, so the reference decodes
//! back into (order segment, return segment, shipment) unambiguously; as
//! return ids are unique, references are unique per return shipment. (For
//! ids that are not short alphanumerics this rests on the 64-bit hash:
//! collisions are negligible, about one in 10⁹ among 190,000 such ids.)

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::model::ReturnId;

/// Longest reference the warehouse accepts.
pub const REFERENCE_MAX_LEN: usize = 50;

/// Characters of the order name kept in a reference.
const ORDER_SEGMENT_MAX: usize = 16;
/// Longest return id used verbatim.
const RETURN_SEGMENT_MAX: usize = 24;

/// A warehouse-safe reference number: 1 to 50 printable ASCII characters,
/// no spaces.
///
/// Built deterministically with [`ReferenceNumber::for_shipment`] (see the
/// [module documentation](crate::reference) for the exact format), or parsed
/// from a reference read back from the warehouse.
///
/// ```
/// use returns_core::{ReferenceNumber, ReturnId};
///
/// let reference = ReferenceNumber::for_shipment("#10452", &ReturnId::new("40211877"), 1);
/// assert_eq!(reference.as_str(), "#10452-R40211877-1");
///
/// // Long or non-ASCII input is reduced deterministically.
/// let reference = ReferenceNumber::for_shipment("Bestellung Nr. 2024-ÄÖÜ-0001234567", &ReturnId::new("r/1"), 2);
/// assert_eq!(reference.as_str(), "Nr20240001234567-R_8ae5071961ca154d-2");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReferenceNumber(String);

impl ReferenceNumber {
    /// The reference of shipment number `shipment` (from 1) of a return.
    pub fn for_shipment(order_name: &str, return_id: &ReturnId, shipment: u16) -> Self {
        let order = order_segment(order_name);
        let ret = return_segment(return_id.as_str());
        let reference = if order.is_empty() {
            format!("R{ret}-{shipment}")
        } else {
            format!("{order}-R{ret}-{shipment}")
        };
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

fn order_segment(order_name: &str) -> String {
    let kept: Vec<char> = order_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '#')
        .collect();
    let start = kept.len().saturating_sub(ORDER_SEGMENT_MAX);
    kept[start..].iter().collect()
}

fn return_segment(return_id: &str) -> String {
    let verbatim = (1..=RETURN_SEGMENT_MAX).contains(&return_id.len())
        && return_id.bytes().all(|b| b.is_ascii_alphanumeric());
    if verbatim {
        return_id.to_owned()
    } else {
        format!("_{:016x}", fnv1a_64(return_id.as_bytes()))
    }
}

/// 64-bit FNV-1a: tiny, fixed by its specification, so references stay
/// stable across Rust versions (unlike `std`'s `DefaultHasher`).
fn fnv1a_64(bytes: &[u8]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET_BASIS, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(order: &str, ret: &str, n: u16) -> String {
        ReferenceNumber::for_shipment(order, &ReturnId::new(ret), n).into()
    }

    #[test]
    fn format_table() {
        let long_id = "x".repeat(25);
        let cases: &[(&str, &str, u16, &str)] = &[
            ("#1001", "40211877", 1, "#1001-R40211877-1"),
            ("#1001", "40211877", 2, "#1001-R40211877-2"),
            ("1001", "abc", 65535, "1001-Rabc-65535"),
            ("", "40211877", 1, "R40211877-1"),
            ("ÄÖÜ – ", "40211877", 1, "R40211877-1"),
            ("#SHOP-EU-0001234567", "7", 3, "SHOPEU0001234567-R7-3"),
            (
                "#A-VERY-LONG-ORDER-NAME-000123",
                "7",
                1,
                "GORDERNAME000123-R7-1",
            ),
        ];
        for (order, ret, n, expected) in cases {
            assert_eq!(
                reference(order, ret, *n),
                *expected,
                "{order:?} {ret:?} {n}"
            );
        }
        // Ids that are too long or not alphanumeric are hashed.
        let hashed = reference("#1", &long_id, 1);
        assert!(
            hashed.starts_with("#1-R_") && hashed.ends_with("-1"),
            "{hashed}"
        );
        assert_eq!(reference("#1", "r-1", 1), reference("#1", "r-1", 1));
        assert_ne!(reference("#1", "r-1", 1), reference("#1", "r-2", 1));
    }

    #[test]
    fn fnv_matches_published_vectors() {
        assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a_64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn worst_case_length_is_within_limit() {
        let worst = reference(&"#".repeat(100), &"9".repeat(24), u16::MAX);
        assert_eq!(worst.len(), 16 + 2 + 24 + 1 + 5);
        assert!(worst.len() <= REFERENCE_MAX_LEN);
    }

    #[test]
    fn parse_rejects_unsafe_values() {
        assert!(ReferenceNumber::parse("#1001-R1-1").is_ok());
        for bad in ["", "with space", "tab\t", "é", &"x".repeat(51)] {
            let err = ReferenceNumber::parse(bad).unwrap_err();
            assert_eq!(err.value, bad);
        }
        let from_json: Result<ReferenceNumber, _> = serde_json::from_str(r#""a b""#);
        assert!(from_json.is_err());
    }
}
