//! A validated base URL whose path survives joining.

use std::fmt;

use url::Url;

use crate::error::ConfigError;

/// An absolute `http`/`https` URL that request paths are appended to.
///
/// Unlike [`Url::join`], appending keeps the base path: the base
/// `https://api.loopreturns.com/api/v1` and the path `/warehouse/return/list`
/// give `https://api.loopreturns.com/api/v1/warehouse/return/list`.
///
/// ```
/// # use http_transport::BaseUrl;
/// let base = BaseUrl::parse("https://api.loopreturns.com/api/v1/")?;
/// assert_eq!(base.as_str(), "https://api.loopreturns.com/api/v1");
/// assert_eq!(
///     base.join("/warehouse/return/list").as_str(),
///     "https://api.loopreturns.com/api/v1/warehouse/return/list"
/// );
/// # Ok::<(), http_transport::ConfigError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl {
    url: Url,
}

impl BaseUrl {
    /// Parses and checks a base URL: absolute, `http` or `https`, with a host,
    /// no query or fragment. A trailing slash is ignored.
    ///
    /// # Errors
    /// [`ConfigError::InvalidBaseUrl`] naming the URL and what is wrong.
    pub fn parse(input: &str) -> Result<Self, ConfigError> {
        let invalid = |reason: &str| ConfigError::InvalidBaseUrl {
            url: input.to_owned(),
            reason: reason.to_owned(),
        };
        let mut url = Url::parse(input.trim()).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("the scheme must be http or https"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("a host is required"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("a base URL cannot have a query or fragment"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "credentials belong in the client's auth setting, not the URL",
            ));
        }
        let trimmed = url.path().trim_end_matches('/').to_owned();
        url.set_path(&trimmed);
        Ok(Self { url })
    }

    /// The base URL without a trailing slash.
    pub fn as_str(&self) -> &str {
        self.url.as_str().trim_end_matches('/')
    }

    /// Appends an already-encoded path (with or without a leading slash) to
    /// the base path.
    pub fn join(&self, path: &str) -> Url {
        let mut url = self.url.clone();
        let joined = format!(
            "{}/{}",
            url.path().trim_end_matches('/'),
            path.trim_start_matches('/')
        );
        url.set_path(&joined);
        url
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BaseUrl").field(&self.as_str()).finish()
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for BaseUrl {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joining_keeps_the_base_path() {
        let table = [
            ("https://h/api/v1", "/x/y", "https://h/api/v1/x/y"),
            ("https://h/api/v1/", "x/y", "https://h/api/v1/x/y"),
            ("https://h", "/x", "https://h/x"),
            ("https://h/", "/x", "https://h/x"),
            (
                "http://127.0.0.1:8080/v1",
                "/receiving-tickets",
                "http://127.0.0.1:8080/v1/receiving-tickets",
            ),
            ("https://h/v1", "/a%2Fb", "https://h/v1/a%2Fb"),
        ];
        for (base, path, expected) in table {
            assert_eq!(
                BaseUrl::parse(base).unwrap().join(path).as_str(),
                expected,
                "{base} + {path}"
            );
        }
    }

    #[test]
    fn bad_base_urls_are_rejected_with_the_reason() {
        for bad in [
            "",
            "api.loopreturns.com",
            "ftp://h/x",
            "https://h/v1?x=1",
            "https://u:p@h/",
            "https://h/#f",
        ] {
            let err = BaseUrl::parse(bad).unwrap_err();
            assert!(
                matches!(err, ConfigError::InvalidBaseUrl { .. }),
                "{bad}: {err}"
            );
            assert!(err.to_string().contains("invalid base URL"), "{err}");
        }
    }
}
