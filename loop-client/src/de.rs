//! Lenient deserialization helpers shared by the models.
//!
//! Loop's JSON types drift between surfaces (a number here, a string there;
//! `null`, `""` or `"N/A"` for "absent"). These helpers absorb that drift so a
//! new shape never fails a whole list.

use std::fmt;

use serde::de::{self, DeserializeOwned, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A string that may arrive as a JSON string, number or boolean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LenientString(pub(crate) String);

impl<'de> Deserialize<'de> for LenientString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = LenientString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientString, E> {
                Ok(LenientString(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<LenientString, E> {
                Ok(LenientString(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LenientString, E> {
                Ok(LenientString(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LenientString, E> {
                Ok(LenientString(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<LenientString, E> {
                Ok(LenientString(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<LenientString, E> {
                Ok(LenientString(v.to_string()))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// Whether a wire value means "absent": `null`, `""` or `"N/A"`.
pub(crate) fn is_blank(text: &str) -> bool {
    let text = text.trim();
    text.is_empty() || text.eq_ignore_ascii_case("n/a")
}

/// Optional text that may arrive as a number; `null` becomes `None`, an empty
/// string stays `Some("")`.
pub(crate) fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<LenientString>::deserialize(d)?.map(|s| s.0))
}

/// Optional text where `null`, `""` and `"N/A"` all mean "absent" (carrier,
/// tracking number, barcode, …).
pub(crate) fn opt_present_text<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    Ok(Option::<LenientString>::deserialize(d)?
        .map(|s| s.0)
        .filter(|s| !is_blank(s)))
}

/// Any optional value where `null`, `""` and `"N/A"` mean "absent"; anything
/// else must decode as `T` (used for ids, which must not become `Some("")`).
pub(crate) fn opt_present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if is_blank(&s) => Ok(None),
        Some(value) => T::deserialize(value).map(Some).map_err(de::Error::custom),
    }
}

/// A list where `null` means empty.
pub(crate) fn vec_or_null<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// An optional boolean that may arrive as `true`/`false`, `0`/`1` or their
/// string forms (PHP back ends send all of these).
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(b)),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(0) => Ok(Some(false)),
            Some(1) => Ok(Some(true)),
            _ => Err(de::Error::custom(format!("expected a boolean, got {n}"))),
        },
        Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "" => Ok(None),
            "true" | "1" | "yes" => Ok(Some(true)),
            "false" | "0" | "no" => Ok(Some(false)),
            _ => Err(de::Error::custom(format!("expected a boolean, got {s:?}"))),
        },
        Some(other) => Err(de::Error::custom(format!(
            "expected a boolean, got {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::DestinationId;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "opt_text")]
        text: Option<String>,
        #[serde(default, deserialize_with = "opt_present_text")]
        carrier: Option<String>,
        #[serde(default, deserialize_with = "opt_present")]
        destination: Option<DestinationId>,
        #[serde(default, deserialize_with = "vec_or_null")]
        items: Vec<u32>,
        #[serde(default, deserialize_with = "opt_bool")]
        flag: Option<bool>,
    }

    #[test]
    fn absent_null_blank_and_na_mean_none() {
        for json in [
            "{}",
            r#"{"text":null,"carrier":null,"destination":null,"items":null,"flag":null}"#,
            r#"{"carrier":"N/A","destination":"","flag":""}"#,
        ] {
            let probe: Probe = serde_json::from_str(json).unwrap();
            assert_eq!(probe.text, None, "{json}");
            assert_eq!(probe.carrier, None, "{json}");
            assert_eq!(probe.destination, None, "{json}");
            assert!(probe.items.is_empty(), "{json}");
            assert_eq!(probe.flag, None, "{json}");
        }
    }

    #[test]
    fn drifting_types_are_absorbed() {
        let probe: Probe = serde_json::from_str(
            r#"{"text":10452,"carrier":"DHL","destination":312,"items":[1],"flag":1}"#,
        )
        .unwrap();
        assert_eq!(probe.text.as_deref(), Some("10452"));
        assert_eq!(probe.carrier.as_deref(), Some("DHL"));
        assert_eq!(probe.destination, Some(DestinationId::from(312)));
        assert_eq!(probe.items, vec![1]);
        assert_eq!(probe.flag, Some(true));
    }

    #[test]
    fn empty_text_is_kept_where_it_carries_meaning() {
        let probe: Probe = serde_json::from_str(r#"{"text":""}"#).unwrap();
        assert_eq!(probe.text.as_deref(), Some(""));
    }
}
