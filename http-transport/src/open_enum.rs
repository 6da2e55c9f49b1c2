//! One pattern for the vendors' string enums: [`open_enum!`](crate::open_enum).
//!
//! Vendors add values without notice, so a response enum must never fail to
//! decode. Every enum of the three clients is declared with this macro, so
//! they all read the same way: named variants for the values the crate knows,
//! `Unknown(String)` for anything else, kept verbatim.

/// Declares a string enum that never fails on a new value.
///
/// Each variant names its wire spelling, optionally followed by `| "alias"`
/// spellings that decode to the same variant. The macro adds an
/// `Unknown(String)` variant and derives `Debug`, `Clone`, `PartialEq`, `Eq`
/// and `Hash`, and implements:
///
/// - `as_str()` — the wire spelling (an `Unknown` value is given back as sent);
/// - `parse(&str)` — never fails; `try_parse(&str)` — `None` for unknown values;
/// - `is_unknown()` and `KNOWN` (every named variant, in declaration order);
/// - `Display`, `FromStr` (infallible), `From<&str>`, `Serialize` as the wire
///   string, and a lenient `Deserialize`: a string (matched after trimming
///   spaces; an unknown one kept exactly as sent), or a number or boolean read
///   as its text.
///
/// Match on the named variants and treat `Unknown` as "something new": do not
/// match on the text inside `Unknown` — once that value gets its own variant
/// in a later release, such a match silently stops firing.
///
/// ```
/// http_transport::open_enum! {
///     /// How a parcel travels.
///     pub enum Carrier {
///         /// United Parcel Service.
///         Ups = "UPS" | "ups",
///         /// DHL.
///         Dhl = "DHL",
///     }
/// }
///
/// assert_eq!(Carrier::parse("ups"), Carrier::Ups);
/// assert_eq!(Carrier::Ups.as_str(), "UPS");
/// let new: Carrier = serde_json::from_str("\"Pigeon\"").unwrap();
/// assert!(new.is_unknown());
/// assert_eq!(serde_json::to_string(&new).unwrap(), "\"Pigeon\"");
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $wire:literal $(| $alias:literal)*
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $(
                $(#[$vmeta])*
                $variant,
            )+
            /// A value this version of the crate does not know, kept as sent.
            /// Match on it only as a fallback: a later release may give the
            /// value its own variant.
            Unknown(::std::string::String),
        }

        impl $name {
            /// Every named variant, in declaration order.
            pub const KNOWN: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// Parses a wire value; never fails (unknown values become `Unknown`).
            pub fn parse(raw: &str) -> Self {
                match raw {
                    $( $wire $(| $alias)* => $name::$variant, )+
                    other => $name::Unknown(other.to_owned()),
                }
            }

            /// Parses a wire value, answering `None` for values this crate does
            /// not know.
            pub fn try_parse(raw: &str) -> ::std::option::Option<Self> {
                match Self::parse(raw) {
                    $name::Unknown(_) => None,
                    known => Some(known),
                }
            }

            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(raw) => raw,
                }
            }

            /// Whether this is a value the crate does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(raw: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::parse(raw))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(raw: &str) -> Self {
                Self::parse(raw)
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: $crate::__private::serde::Serializer,
            {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: $crate::__private::serde::Deserializer<'de>,
            {
                let raw = deserializer.deserialize_any($crate::__private::WireText)?;
                let value = Self::parse(raw.trim());
                let value = match value {
                    // Keep an unknown value exactly as sent.
                    $name::Unknown(_) => $name::Unknown(raw.into_owned()),
                    known => known,
                };
                if let $name::Unknown(raw) = &value {
                    $crate::__private::tracing::debug!(
                        enum_name = stringify!($name),
                        value = %raw,
                        "value unknown to this crate version"
                    );
                }
                Ok(value)
            }
        }
    };
}

/// Reads an enum's wire value leniently: a string, or a number or boolean
/// (some vendors send `1` or `true` where the documents say `"1"`), as text.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct WireText;

impl<'de> serde::de::Visitor<'de> for WireText {
    type Value = std::borrow::Cow<'de, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string (or a number or boolean) naming a value")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Borrowed(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(v))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(v.to_string()))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(v.to_string()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(v.to_string()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(v.to_string()))
    }
}

#[cfg(test)]
mod tests {
    crate::open_enum! {
        /// A test enum.
        pub enum Phase {
            /// Waiting.
            Waiting = "waiting" | "WAITING",
            /// Done.
            Done = "done",
        }
    }

    #[test]
    fn known_values_and_aliases_parse_to_their_variant() {
        assert_eq!(Phase::parse("waiting"), Phase::Waiting);
        assert_eq!(Phase::parse("WAITING"), Phase::Waiting);
        assert_eq!(Phase::Waiting.as_str(), "waiting");
        assert_eq!(Phase::try_parse("done"), Some(Phase::Done));
        assert_eq!(Phase::KNOWN, &[Phase::Waiting, Phase::Done]);
    }

    #[test]
    fn unknown_values_round_trip_verbatim() {
        let value: Phase = serde_json::from_str("\"Paused\"").unwrap();
        assert_eq!(value, Phase::Unknown("Paused".into()));
        assert!(value.is_unknown());
        assert_eq!(Phase::try_parse("Paused"), None);
        assert_eq!(serde_json::to_string(&value).unwrap(), "\"Paused\"");
        assert_eq!(value.to_string(), "Paused");
    }

    #[test]
    fn numbers_booleans_and_padded_strings_are_read_as_text() {
        assert_eq!(
            serde_json::from_str::<Phase>("\" done \"").unwrap(),
            Phase::Done
        );
        assert_eq!(
            serde_json::from_str::<Phase>("7").unwrap(),
            Phase::Unknown("7".into())
        );
        assert_eq!(
            serde_json::from_str::<Phase>("true").unwrap(),
            Phase::Unknown("true".into())
        );
        // An unknown value is kept exactly as sent, padding included.
        assert_eq!(
            serde_json::from_str::<Phase>("\" new \"").unwrap(),
            Phase::Unknown(" new ".into())
        );
    }

    #[test]
    fn objects_arrays_and_null_are_decode_errors() {
        for json in ["{}", "[]", "null"] {
            assert!(serde_json::from_str::<Phase>(json).is_err(), "{json}");
        }
    }
}
