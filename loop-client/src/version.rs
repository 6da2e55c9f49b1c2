//! The API version segment of the base URL.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::validation::InvalidInput;

/// The version segment of Loop's base URL: `v1` (the default), a dated
/// version such as `2026-10` (Loop labels `2026-10` "Stable" and `2026-07`
/// an older dated release), or `unstable` ("Preview").
///
/// Whether response shapes differ between `v1` and the dated versions is
/// unconfirmed (spec open question 9); the only documented difference is the
/// name of the return path parameter (`{return_id}` vs `{id}`), which does not
/// change the URLs this client builds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ApiVersion(Cow<'static, str>);

impl ApiVersion {
    /// `v1`, the version of every per-endpoint reference page.
    pub const V1: ApiVersion = ApiVersion(Cow::Borrowed("v1"));
    /// `unstable`, Loop's preview version.
    pub const UNSTABLE: ApiVersion = ApiVersion(Cow::Borrowed("unstable"));

    /// A dated version, e.g. `ApiVersion::dated(2026, 10)` for `2026-10`.
    ///
    /// # Errors
    ///
    /// [`InvalidInput::ApiVersion`] for a month outside 1..=12 or a year
    /// outside 2000..=9999.
    pub fn dated(year: u16, month: u8) -> Result<Self, InvalidInput> {
        let text = format!("{year:04}-{month:02}");
        if !(2000..=9999).contains(&year) || !(1..=12).contains(&month) {
            return Err(InvalidInput::ApiVersion(text));
        }
        Ok(Self(Cow::Owned(text)))
    }

    /// The segment as it appears in URLs.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a path segment looks like a version (`v2`, `2026-07`, `unstable`).
    pub(crate) fn looks_like_version(segment: &str) -> bool {
        segment.parse::<ApiVersion>().is_ok()
    }
}

impl Default for ApiVersion {
    fn default() -> Self {
        Self::V1
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ApiVersion {
    type Err = InvalidInput;

    /// Parses `vN`, `YYYY-MM` or `unstable`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidInput::ApiVersion(s.to_owned());
        if s == "unstable" {
            return Ok(Self::UNSTABLE);
        }
        if let Some(number) = s.strip_prefix('v') {
            if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) {
                return Ok(Self(Cow::Owned(s.to_owned())));
            }
            return Err(invalid());
        }
        let (year, month) = s.split_once('-').ok_or_else(invalid)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(invalid());
        }
        let year = year.parse().map_err(|_| invalid())?;
        let month = month.parse().map_err(|_| invalid())?;
        Self::dated(year, month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_versions_parse() {
        for text in ["v1", "v2", "2026-10", "2026-07", "unstable"] {
            assert_eq!(text.parse::<ApiVersion>().unwrap().as_str(), text);
        }
    }

    #[test]
    fn other_segments_are_rejected() {
        for text in ["", "v", "vx", "api", "2026-13", "26-10", "2026-7", "latest"] {
            assert!(text.parse::<ApiVersion>().is_err(), "{text}");
        }
    }
}
