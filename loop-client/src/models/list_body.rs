//! Decoding list answers that come either as a bare array or wrapped in an
//! object (`{"webhooks": [...]}`), without buffering the body into a
//! `serde_json::Value` (so decode errors keep their JSON path).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// Which wrapper keys a list may arrive under.
pub(crate) trait ListKey {
    /// Accepted keys of the wrapping object.
    const KEYS: &'static [&'static str];
    /// Whether `null`, `false` and `"false"` mean "no items" (Get Return Notes).
    const FALSE_IS_EMPTY: bool = false;
}

/// A list decoded from either shape.
pub(crate) struct Listed<T, K> {
    pub(crate) items: Vec<T>,
    key: PhantomData<K>,
}

impl<'de, T: Deserialize<'de>, K: ListKey> Deserialize<'de> for Listed<T, K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(ListVisitor::<T, K>(PhantomData))
            .map(|items| Listed {
                items,
                key: PhantomData,
            })
    }
}

struct ListVisitor<T, K>(PhantomData<(T, K)>);

/// The empty list where `K` allows "no items" spellings, else a type error.
fn empty_or<T, K: ListKey, E: de::Error>(
    unexpected: de::Unexpected<'_>,
    expected: &dyn de::Expected,
) -> Result<Vec<T>, E> {
    if K::FALSE_IS_EMPTY {
        Ok(Vec::new())
    } else {
        Err(E::invalid_type(unexpected, expected))
    }
}

impl<'de, T: Deserialize<'de>, K: ListKey> Visitor<'de> for ListVisitor<T, K> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an array, or an object with one of {:?}", K::KEYS)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(items)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<T>, A::Error> {
        let mut items = None;
        while let Some(key) = map.next_key::<String>()? {
            if items.is_none() && K::KEYS.contains(&key.as_str()) {
                items = Some(map.next_value::<Option<Vec<T>>>()?.unwrap_or_default());
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        items.ok_or_else(|| de::Error::missing_field(K::KEYS[0]))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
        empty_or::<T, K, E>(de::Unexpected::Unit, &self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Vec<T>, E> {
        if v {
            Err(E::invalid_type(de::Unexpected::Bool(v), &self))
        } else {
            empty_or::<T, K, E>(de::Unexpected::Bool(v), &self)
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<T>, E> {
        if v == "false" {
            empty_or::<T, K, E>(de::Unexpected::Str(v), &self)
        } else {
            Err(E::invalid_type(de::Unexpected::Str(v), &self))
        }
    }
}

/// `{"webhooks": [...]}` or a bare array.
pub(crate) struct WebhooksKey;
impl ListKey for WebhooksKey {
    const KEYS: &'static [&'static str] = &["webhooks", "data"];
}

/// `{"notes": [...]}`, a bare array, or Loop's `"false"` for "no notes".
pub(crate) struct NotesKey;
impl ListKey for NotesKey {
    const KEYS: &'static [&'static str] = &["notes", "data"];
    const FALSE_IS_EMPTY: bool = true;
}

/// `{"destinations": [...]}` or a bare array.
pub(crate) struct DestinationsKey;
impl ListKey for DestinationsKey {
    const KEYS: &'static [&'static str] = &["destinations", "data"];
}

/// A bare array (grading echoes, ASN), or `{"items": [...]}` / `{"data": [...]}`.
pub(crate) struct ItemsKey;
impl ListKey for ItemsKey {
    const KEYS: &'static [&'static str] = &["items", "data"];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notes(json: &str) -> Result<Vec<u32>, serde_json::Error> {
        serde_json::from_str::<Listed<u32, NotesKey>>(json).map(|l| l.items)
    }

    fn webhooks(json: &str) -> Result<Vec<u32>, serde_json::Error> {
        serde_json::from_str::<Listed<u32, WebhooksKey>>(json).map(|l| l.items)
    }

    #[test]
    fn both_shapes_decode() {
        assert_eq!(webhooks("[1,2]").unwrap(), vec![1, 2]);
        assert_eq!(
            webhooks(r#"{"other":{"x":1},"webhooks":[3]}"#).unwrap(),
            vec![3]
        );
        assert_eq!(webhooks(r#"{"webhooks":null}"#).unwrap(), Vec::<u32>::new());
    }

    #[test]
    fn false_means_empty_only_where_loop_uses_it() {
        assert_eq!(notes(r#""false""#).unwrap(), Vec::<u32>::new());
        assert_eq!(notes("false").unwrap(), Vec::<u32>::new());
        assert_eq!(notes("null").unwrap(), Vec::<u32>::new());
        assert!(webhooks("false").is_err());
        assert!(webhooks(r#"{"items":[1]}"#).is_err());
    }
}
