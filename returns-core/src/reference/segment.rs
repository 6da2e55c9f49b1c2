//! The `{shipment}` segment of a reference, rendered on the stack: planning
//! renders one per ASN, and a heap string per segment (plus the owned
//! [`ShipmentKey`] it came from) was a large share of planning's cost.

use std::fmt;

use super::{LINES_HASH_DIGITS, ShipmentKey, TOKEN_MAX, fnv1a_64, fnv1a_64_extend};
use crate::model::ReturnShipment;

/// Longest segment: a kind letter and a token or hash.
const SEGMENT_MAX: usize = 1 + if TOKEN_MAX > LINES_HASH_DIGITS {
    TOKEN_MAX
} else {
    LINES_HASH_DIGITS
};

/// One `{shipment}` segment: a kind letter (`S`, `L`, `T`, `N`) and at most
/// [`TOKEN_MAX`] ASCII letters and digits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Segment {
    bytes: [u8; SEGMENT_MAX],
    len: usize,
}

impl Segment {
    /// The segment of a return's only shipment.
    pub(crate) const SINGLE: Self = Self::start(b'S');

    const fn start(kind: u8) -> Self {
        let mut bytes = [0; SEGMENT_MAX];
        bytes[0] = kind;
        Self { bytes, len: 1 }
    }

    /// Appends a byte; callers never exceed [`SEGMENT_MAX`] (a longer
    /// segment would be a bug here, and is dropped rather than panicking).
    fn push(&mut self, byte: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = byte;
            self.len += 1;
        }
    }

    /// The kind letter followed by the last [`TOKEN_MAX`] ASCII letters
    /// and digits of `value` (`"0"` when it has none). Filtering bytes is
    /// filtering characters: no byte of a multi-byte character is ASCII.
    fn token(kind: u8, value: &str) -> Self {
        let mut segment = Self::start(kind);
        let kept = || value.bytes().filter(u8::is_ascii_alphanumeric);
        let count = kept().count();
        if count == 0 {
            segment.push(b'0');
        }
        kept()
            .skip(count.saturating_sub(TOKEN_MAX))
            .for_each(|byte| segment.push(byte));
        segment
    }

    /// `N` and the top 40 bits, in lowercase hex, of the FNV-1a hash of the
    /// distinct line ids, sorted and joined with NUL bytes.
    fn lines<'a>(ids: impl Iterator<Item = &'a str>) -> Self {
        let mut sorted: Vec<&str> = ids.collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut hash = fnv1a_64(&[]);
        for (index, id) in sorted.iter().enumerate() {
            if index > 0 {
                hash = fnv1a_64_extend(hash, b"\0");
            }
            hash = fnv1a_64_extend(hash, id.as_bytes());
        }
        let mut segment = Self::start(b'N');
        for digit in (0..LINES_HASH_DIGITS).rev() {
            let nibble = (hash >> (64 - 4 * LINES_HASH_DIGITS + 4 * digit)) & 0xf;
            segment.push(b"0123456789abcdef"[nibble as usize]);
        }
        segment
    }

    /// The segment of a key (the key's own, without the clash rule).
    pub(crate) fn of_key(key: &ShipmentKey) -> Self {
        match key {
            ShipmentKey::Single => Self::SINGLE,
            ShipmentKey::Label(id) => Self::token(b'L', id),
            ShipmentKey::Tracking(number) => Self::token(b'T', number),
            ShipmentKey::Lines(lines) => Self::lines(lines.iter().map(|id| id.as_str())),
        }
    }

    /// The segment of one shipment among several, ignoring clashes: what
    /// [`ShipmentKey::of`] gives, without building the key.
    fn of_shipment(shipment: &ReturnShipment) -> Self {
        if let Some(label) = usable(shipment.label_id.as_deref()) {
            Self::token(b'L', label)
        } else if let Some(tracking) = usable(shipment.tracking_number.as_deref()) {
            Self::token(b'T', tracking)
        } else {
            Self::of_lines(shipment)
        }
    }

    fn of_lines(shipment: &ReturnShipment) -> Self {
        Self::lines(shipment.line_ids.iter().map(|id| id.as_str()))
    }

    /// The kind letter.
    pub(crate) fn kind(&self) -> u8 {
        self.bytes[0]
    }

    /// The segment as text.
    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII bytes are ever pushed.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl fmt::Debug for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A label id or tracking number that identifies something: at least one
/// ASCII letter or digit.
pub(crate) fn usable(value: Option<&str>) -> Option<&str> {
    value.filter(|value| value.bytes().any(|b| b.is_ascii_alphanumeric()))
}

/// The segments of all the shipments of one return, in their order, with
/// the single-shipment and clash rules of [`ShipmentKey::for_shipments`].
pub(crate) enum Segments {
    /// One shipment: `S`, with no allocation.
    Single,
    /// One segment per shipment.
    Each(Vec<Segment>),
}

impl Segments {
    /// Applies the rules to `shipments`.
    pub(crate) fn of(shipments: &[ReturnShipment]) -> Self {
        if shipments.len() == 1 {
            return Self::Single;
        }
        let own: Vec<Segment> = shipments.iter().map(Segment::of_shipment).collect();
        let clashes = |index: usize| {
            matches!(own[index].kind(), b'L' | b'T')
                && own
                    .iter()
                    .enumerate()
                    .any(|(other, segment)| other != index && *segment == own[index])
        };
        let settled = shipments
            .iter()
            .enumerate()
            .map(|(index, shipment)| {
                if clashes(index) {
                    Segment::of_lines(shipment)
                } else {
                    own[index]
                }
            })
            .collect();
        Self::Each(settled)
    }

    /// The segment of the shipment at `index` (`S` past the end, which
    /// callers never ask for).
    pub(crate) fn get(&self, index: usize) -> Segment {
        match self {
            Self::Single => Segment::SINGLE,
            Self::Each(segments) => segments.get(index).copied().unwrap_or(Segment::SINGLE),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_the_last_ten_letters_and_digits() {
        assert_eq!(
            Segment::token(b'T', "1Z 999 AA1 01 2345 6784").as_str(),
            "T0123456784"
        );
        assert_eq!(Segment::token(b'L', "lbl_77").as_str(), "Llbl77");
        assert_eq!(Segment::token(b'L', "ééé9").as_str(), "L9");
        assert_eq!(Segment::token(b'T', " - ").as_str(), "T0");
    }

    #[test]
    fn line_hash_is_fnv_of_the_sorted_ids_joined_with_nul() {
        let joined = fnv1a_64(b"1\x002");
        let expected = format!("N{:010x}", joined >> 24);
        assert_eq!(
            Segment::lines(["2", "1", "2"].into_iter()).as_str(),
            expected
        );
    }

    #[test]
    fn clashing_shipments_take_their_line_segments() {
        let shipments = [
            ReturnShipment::new(["1"]).with_tracking_number("XX1234567890"),
            ReturnShipment::new(["2"]).with_tracking_number("YY1234567890"),
            ReturnShipment::new(["3"]).with_label_id("lbl_77"),
        ];
        let Segments::Each(segments) = Segments::of(&shipments) else {
            panic!("three shipments have three segments");
        };
        let kinds: Vec<u8> = segments.iter().map(Segment::kind).collect();
        assert_eq!(kinds, b"NNL");
        assert_eq!(segments[0], Segment::of_lines(&shipments[0]));
        assert!(matches!(Segments::of(&shipments[..1]), Segments::Single));
    }
}
