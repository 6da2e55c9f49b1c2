//! Serde adapters for CartRover's loose JSON typing (spec §2.8, §3).
//!
//! The PHP backend sends numbers as strings (`"8.0000"`), `Y`/`N` for flags,
//! `[]` for an empty map and `null` almost anywhere. Each adapter here accepts
//! every shape seen and turns "nothing" (`null`, `""`) into `None`; a value
//! that is present but unreadable is still a decode error, so nothing is
//! silently lost.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serializer};

/// The visitor methods for "no value": `null`, a unit, and `Some(x)` read
/// through the same visitor (serde_json's `Option` path).
macro_rules! absent_is {
    ($empty:expr) => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($empty)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($empty)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    };
}

pub(crate) mod dates;

/// Parses a decimal written plainly (`"8.0000"`, `"-4"`) or in scientific notation.
fn parse_decimal(text: &str) -> Option<Decimal> {
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .ok()
}

/// `Option<Decimal>` from a JSON number, a numeric string, `""` or `null`.
pub(crate) mod decimal {
    use super::*;

    struct DecimalVisitor;

    impl<'de> Visitor<'de> for DecimalVisitor {
        type Value = Option<Decimal>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number or a numeric string")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(Decimal::from(v)))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(Decimal::from(v)))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            // The shortest round-trip text of the float ("4.4", not 4.4000000000000003...).
            parse_decimal(&v.to_string())
                .map(Some)
                .ok_or_else(|| E::custom(format!("number {v} does not fit a decimal")))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let text = v.trim();
            if text.is_empty() {
                return Ok(None);
            }
            parse_decimal(text)
                .map(Some)
                .ok_or_else(|| E::custom(format!("`{v}` is not a number")))
        }
        absent_is!(None);
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Decimal>, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }

    /// Sent as a JSON string, which CartRover accepts for every amount (§2.8) and
    /// which keeps the exact digits.
    pub(crate) fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }
}

/// `Option<i64>` from a JSON number, an integer string, a decimal string whose
/// fraction is zero (`"2.0000"`), `""` or `null`. Signed: `num_to_ship` may be
/// negative.
pub(crate) mod int {
    use super::*;

    struct IntVisitor;

    fn from_decimal<E: de::Error>(d: Decimal, shown: &dyn fmt::Display) -> Result<i64, E> {
        if !d.fract().is_zero() {
            return Err(E::custom(format!("`{shown}` is not a whole number")));
        }
        i64::try_from(d).map_err(|_| E::custom(format!("`{shown}` is out of range")))
    }

    impl<'de> Visitor<'de> for IntVisitor {
        type Value = Option<i64>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a whole number or a numeric string")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            i64::try_from(v)
                .map(Some)
                .map_err(|_| E::custom(format!("{v} is out of range")))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            let d = parse_decimal(&v.to_string())
                .ok_or_else(|| E::custom(format!("{v} is not a whole number")))?;
            from_decimal(d, &v).map(Some)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let text = v.trim();
            if text.is_empty() {
                return Ok(None);
            }
            if let Ok(n) = text.parse::<i64>() {
                return Ok(Some(n));
            }
            let d = parse_decimal(text)
                .ok_or_else(|| E::custom(format!("`{v}` is not a whole number")))?;
            from_decimal(d, &v).map(Some)
        }
        absent_is!(None);
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        d.deserialize_any(IntVisitor)
    }
}

/// `Option<bool>` from CartRover's `"Y"`/`"N"` flags; JSON booleans, `1`/`0`
/// and `"true"`/`"false"` are accepted too. Serialized as `"Y"`/`"N"`.
pub(crate) mod yes_no {
    use super::*;

    struct YesNoVisitor;

    impl<'de> Visitor<'de> for YesNoVisitor {
        type Value = Option<bool>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a Y/N flag")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            match v {
                0 => Ok(Some(false)),
                1 => Ok(Some(true)),
                _ => Err(E::custom(format!("{v} is not a Y/N flag"))),
            }
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            match v.trim().to_ascii_lowercase().as_str() {
                "" => Ok(None),
                "y" | "yes" | "true" | "1" => Ok(Some(true)),
                "n" | "no" | "false" | "0" => Ok(Some(false)),
                _ => Err(E::custom(format!("`{v}` is not a Y/N flag"))),
            }
        }
        absent_is!(None);
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        d.deserialize_any(YesNoVisitor)
    }

    pub(crate) fn serialize<S: Serializer>(v: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(flag) => s.serialize_str(as_str(*flag)),
            None => s.serialize_none(),
        }
    }

    /// The wire spelling of a flag.
    pub(crate) fn as_str(flag: bool) -> &'static str {
        if flag { "Y" } else { "N" }
    }
}

/// `Option<String>` from a string or a number (ids such as `merchant_pk`, UPC
/// codes); `""` and `null` are `None`.
pub(crate) mod string {
    use super::*;

    struct StringVisitor;

    impl<'de> Visitor<'de> for StringVisitor {
        type Value = Option<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or a number")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok((!v.is_empty()).then(|| v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok((!v.is_empty()).then_some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        absent_is!(None);
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        d.deserialize_any(StringVisitor)
    }
}

/// A map that PHP sends as `[]` when empty (`aliases`, `warehouses`,
/// `extra_fields`); `null` is an empty map too.
pub(crate) mod map {
    use super::*;

    struct MapVisitor<V>(PhantomData<V>);

    impl<'de, V: DeserializeOwned> Visitor<'de> for MapVisitor<V> {
        type Value = BTreeMap<String, V>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object, or [] for an empty one")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((key, value)) = access.next_entry::<String, V>()? {
                out.insert(key, value);
            }
            Ok(out)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
            match access.next_element::<de::IgnoredAny>()? {
                None => Ok(BTreeMap::new()),
                Some(_) => Err(de::Error::custom(
                    "expected an object, found a non-empty array",
                )),
            }
        }
        absent_is!(BTreeMap::new());
    }

    pub(crate) fn deserialize<'de, D, V>(d: D) -> Result<BTreeMap<String, V>, D::Error>
    where
        D: Deserializer<'de>,
        V: DeserializeOwned,
    {
        d.deserialize_any(MapVisitor(PhantomData))
    }
}

/// A string-valued map (inventory `aliases`) whose values may be numbers
/// (a UPC sent as a JSON number) or `null` (dropped).
pub(crate) mod string_map {
    use super::*;

    #[derive(Deserialize)]
    struct Loose(#[serde(deserialize_with = "string::deserialize")] Option<String>);

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<String, String>, D::Error> {
        let loose: BTreeMap<String, Loose> = map::deserialize(d)?;
        Ok(loose
            .into_iter()
            .filter_map(|(k, Loose(v))| v.map(|v| (k, v)))
            .collect())
    }
}

/// A list that may arrive as `null` (an empty list).
pub(crate) mod list {
    use super::*;

    pub(crate) fn deserialize<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Probe {
        #[serde(default, with = "decimal")]
        amount: Option<Decimal>,
        #[serde(default, deserialize_with = "int::deserialize")]
        count: Option<i64>,
        #[serde(default, with = "yes_no")]
        flag: Option<bool>,
        #[serde(default, deserialize_with = "string::deserialize")]
        id: Option<String>,
        #[serde(default, deserialize_with = "string_map::deserialize")]
        aliases: BTreeMap<String, String>,
    }

    fn probe(json: &str) -> Probe {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    #[test]
    fn decimals_come_as_numbers_strings_or_nothing() {
        let cases = [
            (r#"{"amount": "8.0000"}"#, Some("8.0000")),
            (r#"{"amount": 4.4}"#, Some("4.4")),
            (r#"{"amount": 19}"#, Some("19")),
            (r#"{"amount": "-4"}"#, Some("-4")),
            (r#"{"amount": " 1.5 "}"#, Some("1.5")),
            (r#"{"amount": "1e2"}"#, Some("100")),
            (r#"{"amount": ""}"#, None),
            (r#"{"amount": null}"#, None),
            ("{}", None),
        ];
        for (json, want) in cases {
            let got = probe(json).amount;
            assert_eq!(got, want.map(|w| Decimal::from_str(w).unwrap()), "{json}");
        }
    }

    #[test]
    fn integers_accept_strings_negatives_and_zero_fractions() {
        let cases = [
            (r#"{"count": "156"}"#, Some(156)),
            (r#"{"count": "-4"}"#, Some(-4)),
            (r#"{"count": -4}"#, Some(-4)),
            (r#"{"count": "2.0000"}"#, Some(2)),
            (r#"{"count": 3.0}"#, Some(3)),
            (r#"{"count": ""}"#, None),
            (r#"{"count": null}"#, None),
        ];
        for (json, want) in cases {
            assert_eq!(probe(json).count, want, "{json}");
        }
    }

    #[test]
    fn unreadable_values_are_errors_not_silence() {
        for json in [
            r#"{"count": "2.5"}"#,
            r#"{"count": "many"}"#,
            r#"{"amount": "abc"}"#,
            r#"{"flag": "maybe"}"#,
            r#"{"aliases": ["UPC"]}"#,
        ] {
            assert!(
                serde_json::from_str::<Probe>(json).is_err(),
                "{json} must fail"
            );
        }
    }

    #[test]
    fn flags_read_y_n_and_booleans_and_write_y_n() {
        let cases = [
            (r#"{"flag": "Y"}"#, Some(true)),
            (r#"{"flag": "N"}"#, Some(false)),
            (r#"{"flag": "y"}"#, Some(true)),
            (r#"{"flag": true}"#, Some(true)),
            (r#"{"flag": 0}"#, Some(false)),
            (r#"{"flag": ""}"#, None),
            (r#"{"flag": null}"#, None),
        ];
        for (json, want) in cases {
            assert_eq!(probe(json).flag, want, "{json}");
        }
        let written = serde_json::to_value(probe(r#"{"flag": true, "amount": 9.5}"#)).unwrap();
        assert_eq!(written["flag"], "Y");
        assert_eq!(written["amount"], "9.5");
    }

    #[test]
    fn ids_accept_numbers_and_maps_accept_empty_arrays() {
        assert_eq!(probe(r#"{"id": 1234}"#).id.as_deref(), Some("1234"));
        assert_eq!(probe(r#"{"id": "1234"}"#).id.as_deref(), Some("1234"));
        assert_eq!(probe(r#"{"id": ""}"#).id, None);
        assert!(probe(r#"{"aliases": []}"#).aliases.is_empty());
        assert!(probe(r#"{"aliases": null}"#).aliases.is_empty());
        let aliases =
            probe(r#"{"aliases": {"UPC": 12345678905, "ALT_CODE": "A-1", "X": null}}"#).aliases;
        assert_eq!(aliases.get("UPC").map(String::as_str), Some("12345678905"));
        assert_eq!(aliases.get("ALT_CODE").map(String::as_str), Some("A-1"));
        assert_eq!(aliases.len(), 2);
    }
}
