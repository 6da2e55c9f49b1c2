//! Exact decimal numbers for the money and quantity fields CartRover echoes
//! back as strings (`"8.0000"`, `"19.00"`, `"-4"`), without going through
//! floating point.

use serde_json::Value;

/// Largest number of fraction digits kept; more would overflow `i128` for
/// ordinary amounts and no CartRover field needs them.
const MAX_SCALE: u32 = 18;

/// A decimal number: `units / 10^scale`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Decimal {
    units: i128,
    scale: u32,
}

/// A value that should have been a number or a numeric string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NotANumber;

impl Decimal {
    /// The integer `value`.
    #[cfg(test)]
    pub(crate) fn from_int(value: i64) -> Self {
        Self {
            units: i128::from(value),
            scale: 0,
        }
    }

    /// Parses `-12.5`, `+3`, `.5`, `1e3`, `2.5E-2` (JSON numbers may come in
    /// exponent form); surrounding whitespace is ignored.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (negative, rest) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => (&rest[..at], rest[at + 1..].parse::<i32>().ok()?),
            None => (rest, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if whole.is_empty() && fraction.is_empty() {
            return None;
        }
        let mut units: i128 = 0;
        for digit in whole.bytes().chain(fraction.bytes()) {
            if !digit.is_ascii_digit() {
                return None;
            }
            units = units
                .checked_mul(10)?
                .checked_add(i128::from(digit - b'0'))?;
        }
        let fraction_digits = i64::try_from(fraction.len()).ok()?;
        let scale = fraction_digits - i64::from(exponent);
        let value = if scale >= 0 {
            Self {
                units,
                scale: u32::try_from(scale).ok()?,
            }
        } else {
            let factor = 10_i128.checked_pow(u32::try_from(-scale).ok()?)?;
            Self {
                units: units.checked_mul(factor)?,
                scale: 0,
            }
        };
        let value = if value.scale > MAX_SCALE {
            value.rescaled(MAX_SCALE)?
        } else {
            value
        };
        Some(if negative { value.negated() } else { value })
    }

    /// Reads a JSON number or numeric string; `Ok(None)` for `null`, absent-
    /// like empty strings; `Err` for anything else.
    pub(crate) fn from_json(value: &Value) -> Result<Option<Self>, NotANumber> {
        match value {
            Value::Null => Ok(None),
            Value::String(text) if text.trim().is_empty() => Ok(None),
            Value::String(text) => Self::parse(text).map(Some).ok_or(NotANumber),
            Value::Number(number) => Self::parse(&number.to_string()).map(Some).ok_or(NotANumber),
            _ => Err(NotANumber),
        }
    }

    /// Formats with exactly `places` fraction digits, rounding half away from
    /// zero: `8` → `"8.0000"` for 4 places.
    pub(crate) fn to_fixed(self, places: u32) -> String {
        let Some(value) = self.rescaled(places) else {
            // Only reachable for absurd magnitudes: show what we have.
            return self.normalized();
        };
        value.render()
    }

    /// Formats without trailing fraction zeros: `2.500` → `"2.5"`, `3.0` → `"3"`.
    pub(crate) fn normalized(self) -> String {
        let mut value = self;
        while value.scale > 0 && value.units % 10 == 0 {
            value.units /= 10;
            value.scale -= 1;
        }
        value.render()
    }

    /// Exact sum (`None` on overflow).
    pub(crate) fn checked_add(self, other: Self) -> Option<Self> {
        let scale = self.scale.max(other.scale);
        let left = self.rescaled(scale)?;
        let right = other.rescaled(scale)?;
        Some(Self {
            units: left.units.checked_add(right.units)?,
            scale,
        })
    }

    /// Exact difference (`None` on overflow).
    pub(crate) fn checked_sub(self, other: Self) -> Option<Self> {
        self.checked_add(other.negated())
    }

    /// Whether the value is above zero.
    pub(crate) fn is_positive(self) -> bool {
        self.units > 0
    }

    fn negated(self) -> Self {
        Self {
            units: -self.units,
            scale: self.scale,
        }
    }

    /// The same value with `scale` fraction digits, rounding half away from
    /// zero when digits are dropped.
    fn rescaled(self, scale: u32) -> Option<Self> {
        if scale >= self.scale {
            let factor = 10_i128.checked_pow(scale - self.scale)?;
            return Some(Self {
                units: self.units.checked_mul(factor)?,
                scale,
            });
        }
        let divisor = 10_i128.checked_pow(self.scale - scale)?;
        let quotient = self.units / divisor;
        let remainder = self.units % divisor;
        let rounded = if remainder.abs() * 2 >= divisor {
            quotient + self.units.signum()
        } else {
            quotient
        };
        Some(Self {
            units: rounded,
            scale,
        })
    }

    fn render(self) -> String {
        let sign = if self.units < 0 { "-" } else { "" };
        let digits = self.units.unsigned_abs().to_string();
        let scale = self.scale as usize;
        if scale == 0 {
            return format!("{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (whole, fraction) = padded.split_at(padded.len() - scale);
        format!("{sign}{whole}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fixed(text: &str, places: u32) -> String {
        Decimal::parse(text).unwrap().to_fixed(places)
    }

    #[test]
    fn formats_with_fixed_places() {
        assert_eq!(fixed("8", 4), "8.0000");
        assert_eq!(fixed("4.4", 4), "4.4000");
        assert_eq!(fixed("19.005", 2), "19.01");
        assert_eq!(fixed("-19.005", 2), "-19.01");
        assert_eq!(fixed("0.004", 2), "0.00");
        assert_eq!(fixed(".5", 2), "0.50");
        assert_eq!(fixed("1e3", 2), "1000.00");
        assert_eq!(fixed("2.5E-2", 4), "0.0250");
    }

    #[test]
    fn normalizes_quantities() {
        assert_eq!(Decimal::parse("2.500").unwrap().normalized(), "2.5");
        assert_eq!(Decimal::parse("3.0").unwrap().normalized(), "3");
        assert_eq!(Decimal::parse("-4").unwrap().normalized(), "-4");
    }

    #[test]
    fn rejects_non_numbers() {
        for text in ["", "-", "1.2.3", "abc", "1e", "١"] {
            assert_eq!(Decimal::parse(text), None, "{text:?}");
        }
        assert_eq!(Decimal::from_json(&json!(true)), Err(NotANumber));
        assert_eq!(Decimal::from_json(&json!("two")), Err(NotANumber));
        assert_eq!(Decimal::from_json(&json!(null)), Ok(None));
        assert_eq!(Decimal::from_json(&json!(" ")), Ok(None));
        assert_eq!(
            Decimal::from_json(&json!(9.5))
                .unwrap()
                .unwrap()
                .to_fixed(2),
            "9.50"
        );
    }

    #[test]
    fn adds_and_subtracts_exactly() {
        let a = Decimal::parse("0.1").unwrap();
        let b = Decimal::parse("0.2").unwrap();
        assert_eq!(a.checked_add(b).unwrap().normalized(), "0.3");
        let shipped = Decimal::from_int(6);
        let total = Decimal::from_int(2);
        let to_ship = total.checked_sub(shipped).unwrap();
        assert_eq!(to_ship.normalized(), "-4");
        assert!(!to_ship.is_positive());
    }
}
