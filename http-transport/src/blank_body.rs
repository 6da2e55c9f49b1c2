//! What a blank response body decodes into: nothing but "no value".
//!
//! Outside a 204, a blank body is how an answer cut off in transit looks as
//! often as it is how an endpoint says "done". Reading it as JSON `null`
//! would turn a lost answer into a real one wherever `null` means
//! something: an `Option` would read "not found", a lenient list "no
//! items". So a blank body satisfies only targets that expect no value at
//! all — `()`, a unit struct, [`IgnoredAny`](serde::de::IgnoredAny) — and
//! is a decode error for everything else, which the transport retries on
//! idempotent requests like any body cut short.

use serde::de::{self, Visitor};

/// The deserializer of a blank body.
pub(crate) struct BlankBody;

/// The message of the decode error for a blank body.
pub(crate) const BLANK_BODY: &str = "empty body where a value is needed";

impl<'de> de::Deserializer<'de> for BlankBody {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom(BLANK_BODY))
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option newtype_struct seq tuple tuple_struct map struct
        enum identifier
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde::de::IgnoredAny;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Done;

    #[test]
    fn only_targets_without_a_value_accept_a_blank_body() {
        assert_eq!(<()>::deserialize(BlankBody), Ok(()));
        assert_eq!(Done::deserialize(BlankBody), Ok(Done));
        assert!(IgnoredAny::deserialize(BlankBody).is_ok());
        for refused in [
            Option::<u32>::deserialize(BlankBody).map(|_| ()),
            Vec::<u32>::deserialize(BlankBody).map(|_| ()),
            serde_json::Value::deserialize(BlankBody).map(|_| ()),
            String::deserialize(BlankBody).map(|_| ()),
        ] {
            assert_eq!(refused.unwrap_err().to_string(), BLANK_BODY);
        }
    }
}
