//! String newtypes for CloudX identifiers, so a ticket id can never be passed
//! where a reference number is expected.

use std::fmt;

/// Defines a transparent string newtype with the usual conversions.
macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a raw value as given; no validation or normalisation happens.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The raw value.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Unwraps the raw value.
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

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self(s.to_owned()))
            }
        }
    };
}

string_id!(
    /// Server-assigned, opaque id of a receiving ticket, e.g. `WHRTN1044588`.
    TicketId
);
string_id!(
    /// Server-assigned id of one line of a receiving ticket.
    LineId
);
string_id!(
    /// Caller-chosen reference of a receiving ticket, unique per CloudX account.
    ///
    /// It is the idempotency key of a return shipment: derive it
    /// deterministically (e.g. `#1001-R1`, order name plus shipment number) so a
    /// retried or re-run create finds the ticket it already made.
    ReferenceNumber
);
string_id!(
    /// Code of a Bergen warehouse location, e.g. `BERGEN-NJ-01`.
    WarehouseCode
);
string_id!(
    /// Stock keeping unit: an item's key in CloudX's item master.
    Sku
);
string_id!(
    /// Barcode (UPC) of an item in CloudX's item master.
    Upc
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_display_and_serialize_as_the_raw_string() {
        let id = TicketId::new("WHRTN1044588");
        assert_eq!(id.to_string(), "WHRTN1044588");
        assert_eq!(
            serde_json::to_string(&id).expect("serializes"),
            "\"WHRTN1044588\""
        );
        let back: TicketId = serde_json::from_str("\"WHRTN1\"").expect("deserializes");
        assert_eq!(back.as_str(), "WHRTN1");
        let parsed: ReferenceNumber = "#1001-R1".parse().expect("infallible");
        assert_eq!(parsed.into_inner(), "#1001-R1");
    }
}
