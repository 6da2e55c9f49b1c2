//! Money amounts.
//!
//! Loop sends amounts mostly as decimal strings (`"98.00"`), sometimes as JSON
//! numbers (`refunds[].amount` in the Return webhook; label `rate` as an
//! integer such as `1093`). Every amount decodes into [`Decimal`], never a
//! binary float; numbers are converted through their shortest decimal text, so
//! `49.9` stays `49.9`. `null`, `""` and `"N/A"` mean absent. Amounts
//! serialize back as decimal strings.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserializer, Serialize, Serializer};

struct AmountVisitor;

impl Visitor<'_> for AmountVisitor {
    type Value = Option<Decimal>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an amount as a decimal string or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if crate::de::is_blank(v) {
            return Ok(None);
        }
        let text = v.trim();
        Decimal::from_str(text)
            .or_else(|_| Decimal::from_scientific(text))
            .map(Some)
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // `f64`'s Display is the shortest text that reads back to the same
        // float, i.e. what the sender most likely wrote.
        Decimal::from_str(&v.to_string())
            .map(Some)
            .map_err(|_| E::invalid_value(de::Unexpected::Float(v), &self))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// Serde helpers for `Option<Decimal>` amount fields.
pub(crate) mod option {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Decimal>, D::Error> {
        d.deserialize_any(AmountVisitor)
    }

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<Decimal>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(amount) => amount.to_string().serialize(s),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Serialize)]
    struct Probe {
        #[serde(default, with = "option")]
        amount: Option<Decimal>,
    }

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn amount(json: &str) -> Option<Decimal> {
        serde_json::from_str::<Probe>(json).unwrap().amount
    }

    #[test]
    fn strings_integers_and_floats_decode_exactly() {
        assert_eq!(amount(r#"{"amount":"98.00"}"#), Some(dec("98.00")));
        assert_eq!(amount(r#"{"amount":1093}"#), Some(dec("1093")));
        assert_eq!(amount(r#"{"amount":49.9}"#), Some(dec("49.9")));
        assert_eq!(amount(r#"{"amount":-5}"#), Some(dec("-5")));
        assert_eq!(amount(r#"{"amount":" 7.5 "}"#), Some(dec("7.5")));
    }

    #[test]
    fn absent_forms_are_none() {
        for json in [
            "{}",
            r#"{"amount":null}"#,
            r#"{"amount":""}"#,
            r#"{"amount":"N/A"}"#,
        ] {
            assert_eq!(amount(json), None, "{json}");
        }
    }

    #[test]
    fn non_numbers_fail() {
        assert!(serde_json::from_str::<Probe>(r#"{"amount":"ten"}"#).is_err());
    }

    #[test]
    fn serializes_as_a_decimal_string() {
        let probe = Probe {
            amount: Some(dec("98.00")),
        };
        assert_eq!(
            serde_json::to_string(&probe).unwrap(),
            r#"{"amount":"98.00"}"#
        );
    }
}
