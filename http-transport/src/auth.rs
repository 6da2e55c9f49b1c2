//! Credentials applied to every request, never printed.

use std::fmt;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::error::ConfigError;

/// How a client proves who it is. Secrets are held in [`SecretString`], so
/// `Debug` shows `[REDACTED]` and the memory is zeroed on drop.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Auth {
    /// No credentials.
    #[default]
    None,
    /// `Authorization: Bearer <token>` (CloudX's client secret).
    Bearer(SecretString),
    /// An API key in a named header (Loop's `X-Authorization`).
    Header {
        /// The header name.
        name: HeaderName,
        /// The key.
        value: SecretString,
    },
    /// HTTP Basic (CartRover's API user and key).
    Basic {
        /// User name (not secret).
        username: String,
        /// Password or key.
        password: SecretString,
    },
}

impl Auth {
    /// A bearer token.
    pub fn bearer(token: impl Into<String>) -> Self {
        Auth::Bearer(SecretString::from(token.into()))
    }

    /// An API key sent in the header `name`.
    ///
    /// # Panics
    /// If `name` is not a valid header name; use [`Auth::try_api_key_header`]
    /// for names that come from configuration.
    pub fn api_key_header(name: &'static str, key: impl Into<String>) -> Self {
        Self::try_api_key_header(name, key).expect("a valid static header name")
    }

    /// An API key sent in the header `name`, checking the name.
    ///
    /// # Errors
    /// [`ConfigError::InvalidHeader`] if `name` is not a valid header name.
    pub fn try_api_key_header(name: &str, key: impl Into<String>) -> Result<Self, ConfigError> {
        let name = HeaderName::try_from(name).map_err(|e| ConfigError::InvalidHeader {
            name: name.to_owned(),
            reason: e.to_string(),
        })?;
        Ok(Auth::Header {
            name,
            value: SecretString::from(key.into()),
        })
    }

    /// HTTP Basic credentials.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Auth::Basic {
            username: username.into(),
            password: SecretString::from(password.into()),
        }
    }

    /// The header carrying these credentials, marked sensitive so HTTP
    /// tooling does not log it.
    pub(crate) fn header(&self) -> Result<Option<(HeaderName, HeaderValue)>, ConfigError> {
        let (name, value) = match self {
            Auth::None => return Ok(None),
            Auth::Bearer(token) => (AUTHORIZATION, format!("Bearer {}", token.expose_secret())),
            Auth::Header { name, value } => (name.clone(), value.expose_secret().to_owned()),
            Auth::Basic { username, password } => {
                use base64::Engine as _;
                let pair = format!("{username}:{}", password.expose_secret());
                let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
                (AUTHORIZATION, format!("Basic {encoded}"))
            }
        };
        let mut value = HeaderValue::try_from(value).map_err(|_| ConfigError::InvalidHeader {
            name: name.to_string(),
            reason: "the credential contains characters not allowed in a header".to_owned(),
        })?;
        value.set_sensitive(true);
        Ok(Some((name, value)))
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Bearer(_) => f.write_str("Bearer([REDACTED])"),
            Auth::Header { name, .. } => write!(f, "Header({name}: [REDACTED])"),
            Auth::Basic { username, .. } => write!(f, "Basic({username}:[REDACTED])"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_carry_the_credentials_and_debug_hides_them() {
        let cases = [
            (
                Auth::bearer("s3cr3t-token"),
                "authorization",
                "Bearer s3cr3t-token",
            ),
            (
                Auth::api_key_header("X-Authorization", "s3cr3t-token"),
                "x-authorization",
                "s3cr3t-token",
            ),
            // base64("user:s3cr3t-token")
            (
                Auth::basic("user", "s3cr3t-token"),
                "authorization",
                "Basic dXNlcjpzM2NyM3QtdG9rZW4=",
            ),
        ];
        for (auth, name, value) in cases {
            let (got_name, got_value) = auth.header().unwrap().unwrap();
            assert_eq!(got_name.as_str(), name);
            assert_eq!(got_value.to_str().unwrap(), value);
            assert!(got_value.is_sensitive());
            let debug = format!("{auth:?}");
            assert!(!debug.contains("s3cr3t"), "{debug}");
            assert!(debug.contains("REDACTED"), "{debug}");
        }
        assert!(Auth::None.header().unwrap().is_none());
    }

    #[test]
    fn invalid_header_names_and_values_are_config_errors() {
        assert!(Auth::try_api_key_header("bad header", "k").is_err());
        let err = Auth::bearer("line\nbreak").header().unwrap_err();
        assert!(!err.to_string().contains("line"), "{err}");
    }
}
