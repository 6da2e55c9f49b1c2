//! Small declarative helpers shared by the model modules.

/// A string-valued wire enum that never fails on a new value: known values
/// get a variant, anything else lands in `Unknown(String)` (spec §9, DESIGN
/// "Response enums never fail on new values").
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the crate does not know, kept verbatim.
            /// Match on it only as a fallback: a later release may give the
            /// value its own variant.
            Unknown(String),
        }

        impl $name {
            /// Every known variant, in documentation order.
            pub const KNOWN: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(raw) => raw,
                }
            }

            /// Parses a wire value; unknown values become `Unknown`.
            pub fn parse(raw: &str) -> Self {
                match raw {
                    $( $wire => $name::$variant, )+
                    other => $name::Unknown(other.to_owned()),
                }
            }

            /// Parses a wire value, refusing values this crate does not know.
            pub fn try_parse(raw: &str) -> Option<Self> {
                match Self::parse(raw) {
                    $name::Unknown(_) => None,
                    known => Some(known),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                Ok(Self::parse(raw))
            }
        }

        impl From<&str> for $name {
            fn from(raw: &str) -> Self {
                Self::parse(raw)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <::std::borrow::Cow<'de, str>>::deserialize(d)?;
                let value = Self::parse(&raw);
                if let $name::Unknown(raw) = &value {
                    ::tracing::warn!(enum_name = stringify!($name), value = %raw, "unknown CartRover value");
                }
                Ok(value)
            }
        }
    };
}

/// A string newtype for an identifier: `Display`, `AsRef<str>`, `From` string
/// types, transparent serde; numbers are accepted when decoding and `null`
/// decodes as an empty id.
macro_rules! string_id {
    ( $(#[$meta:meta])* $name:ident ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, ::serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a raw value.
            pub fn new(raw: impl Into<String>) -> Self {
                Self(raw.into())
            }

            /// The raw value.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The raw value, owned.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                Ok(Self(raw.to_owned()))
            }
        }

        impl From<&str> for $name {
            fn from(raw: &str) -> Self {
                Self(raw.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(raw: String) -> Self {
                Self(raw)
            }
        }

        impl From<&String> for $name {
            fn from(raw: &String) -> Self {
                Self(raw.clone())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // `""` and `null` become an empty id rather than failing the whole body.
                Ok(Self($crate::lenient::string::deserialize(d)?.unwrap_or_default()))
            }
        }
    };
}
