//! Identifier newtypes.
//!
//! Loop sends the same identifier as a JSON string on one surface and as a JSON
//! integer on another (the Detailed Returns List sends `"id": "40211877"`, Get
//! Return Details sends `"id": 37603915`). Every id type here accepts both and
//! keeps the textual form, so `"123"` and `123` decode to equal values.
//!
//! When serialized, an id made only of digits (and fitting a `u64`) is written
//! as a JSON integer — the shape Loop's request bodies expect (grading, for
//! example, declares `line_item_id` an integer); any other id is written as a
//! string.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        ///
        /// Decodes from a JSON string or integer; see the [module docs](crate::ids).
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Wraps an id given in its textual form.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id as text, as it goes into URLs.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id as an integer, when it is one.
            pub fn as_u64(&self) -> Option<u64> {
                self.0.parse().ok()
            }

            /// Gives back the textual form.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self(s.to_owned()))
            }
        }

        impl From<u64> for $name {
            fn from(id: u64) -> Self {
                Self(id.to_string())
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serialize_id(&self.0, serializer)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(IdVisitor).map(Self)
            }
        }
    };
}

id_type!(
    /// A Loop return id (`id` of a return, `return_id` of actions).
    ReturnId
);
id_type!(
    /// A Loop order id (`order_id`). Not the Shopify order id: see [`ProviderOrderId`].
    OrderId
);
id_type!(
    /// The order's id at the commerce provider, usually Shopify (`provider_order_id`).
    ProviderOrderId
);
id_type!(
    /// A Loop return line-item id (`line_item_id`): the id Remove Line Items,
    /// grading and disposition take. Not the Shopify line-item id.
    LineItemId
);
id_type!(
    /// The line item's id at the commerce provider (`provider_line_item_id`).
    ProviderLineItemId
);
id_type!(
    /// A product id at the commerce provider (`product_id`).
    ProductId
);
id_type!(
    /// A variant id at the commerce provider (`variant_id`, `exchange_variant`).
    VariantId
);
id_type!(
    /// A Loop shop id (`shop_id`).
    ShopId
);
id_type!(
    /// A programmatic webhook subscription id.
    WebhookId
);
id_type!(
    /// A Loop destination (warehouse) id (`destination_id`).
    DestinationId
);
id_type!(
    /// A return note id.
    NoteId
);
id_type!(
    /// The id of one row of the ASN report.
    AsnRowId
);
id_type!(
    /// An exchange id (`exchanges[].exchange_id`).
    ExchangeId
);
id_type!(
    /// A Loop shipment id (label webhook `shipment_id`).
    ShipmentId
);

fn serialize_id<S: Serializer>(id: &str, serializer: S) -> Result<S::Ok, S::Error> {
    // Only canonical integers become numbers, so "007" keeps its leading zeros.
    match id.parse::<u64>() {
        Ok(n) if n.to_string() == id => serializer.serialize_u64(n),
        _ => serializer.serialize_str(id),
    }
}

struct IdVisitor;

impl Visitor<'_> for IdVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an id as a string or an integer")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.trim().to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        if v.trim().len() == v.len() {
            Ok(v)
        } else {
            Ok(v.trim().to_owned())
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        // A whole number sent as a float (`123.0`) is still an id; anything
        // else is not.
        if v.fract() == 0.0 && v.is_finite() && v.abs() < 9.0e15 {
            Ok(format!("{v:.0}"))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_and_integer_decode_to_the_same_id() {
        let from_string: ReturnId = serde_json::from_str(r#""40211877""#).unwrap();
        let from_integer: ReturnId = serde_json::from_str("40211877").unwrap();
        let from_float: ReturnId = serde_json::from_str("40211877.0").unwrap();
        assert_eq!(from_string, from_integer);
        assert_eq!(from_string, from_float);
        assert_eq!(from_string.as_u64(), Some(40_211_877));
    }

    #[test]
    fn non_numeric_ids_stay_strings() {
        let id: ShipmentId = serde_json::from_str(r#""shp_9Xk""#).unwrap();
        assert_eq!(id.as_str(), "shp_9Xk");
        assert_eq!(id.as_u64(), None);
        assert_eq!(serde_json::to_string(&id).unwrap(), r#""shp_9Xk""#);
    }

    #[test]
    fn numeric_ids_serialize_as_integers_but_keep_leading_zeros() {
        assert_eq!(serde_json::to_string(&LineItemId::from(55)).unwrap(), "55");
        assert_eq!(
            serde_json::to_string(&LineItemId::new("007")).unwrap(),
            r#""007""#
        );
    }

    #[test]
    fn fractional_numbers_are_not_ids() {
        assert!(serde_json::from_str::<ReturnId>("1.5").is_err());
        assert!(serde_json::from_str::<ReturnId>("true").is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_integer_id_reads_the_same_as_string_or_number(n in proptest::num::u64::ANY) {
            let as_number: LineItemId = serde_json::from_str(&n.to_string()).unwrap();
            let as_string: LineItemId = serde_json::from_str(&format!("\"{n}\"")).unwrap();
            proptest::prop_assert_eq!(&as_number, &as_string);
            let encoded = serde_json::to_string(&as_string).unwrap();
            proptest::prop_assert_eq!(encoded, n.to_string());
        }
    }
}
