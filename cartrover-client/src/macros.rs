//! Small declarative helpers shared by the model modules.

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
