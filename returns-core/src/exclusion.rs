//! Sales-channel exclusion: returns whose order came from an excluded channel
//! are not sent to this warehouse.
//!
//! A channel matches an entry when both are equal after trimming surrounding
//! whitespace and folding case, so `" amazon "` matches `"Amazon"`. There is
//! no substring matching: `"Amazon"` does not exclude `"Amazon Prime"`, since
//! a too-wide filter would silently keep returns from the warehouse. A return
//! without a channel is never excluded: absence of data must not hide a
//! return.

use serde::{Deserialize, Serialize};

/// A filter built from the settings' excluded channels.
///
/// ```
/// use returns_core::ChannelExclusion;
///
/// let exclusion = ChannelExclusion::new(["Amazon", "eBay"]);
/// let matched = exclusion.check(Some(" amazon ")).expect("excluded");
/// assert_eq!(matched.entry, "Amazon");
/// assert!(exclusion.check(Some("Amazon Prime")).is_none());
/// assert!(exclusion.check(None).is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(from = "Vec<String>", into = "Vec<String>")]
pub struct ChannelExclusion {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    configured: String,
    normalized: String,
}

impl ChannelExclusion {
    /// A filter excluding the given channels. Blank entries never match
    /// anything ([`IntegrationSettings::validate`](crate::IntegrationSettings::validate)
    /// reports them).
    pub fn new<I, S>(channels: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let entries = channels
            .into_iter()
            .map(Into::into)
            .filter_map(|configured| {
                let normalized = normalize_channel(&configured);
                (!normalized.is_empty()).then_some(Entry {
                    configured,
                    normalized,
                })
            })
            .collect();
        Self { entries }
    }

    /// The entries as configured (blank ones dropped).
    pub fn entries(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|entry| entry.configured.as_str())
    }

    /// Whether a return from `channel` is excluded, and by which entry.
    ///
    /// Returns the first matching entry in configuration order, or `None`
    /// when the channel is allowed or unknown.
    pub fn check(&self, channel: Option<&str>) -> Option<ExclusionMatch> {
        let channel = channel?;
        let normalized = normalize_channel(channel);
        if normalized.is_empty() {
            return None;
        }
        self.entries
            .iter()
            .find(|entry| entry.normalized == normalized)
            .map(|entry| ExclusionMatch {
                channel: channel.to_owned(),
                entry: entry.configured.clone(),
            })
    }

    /// Shorthand for `check(channel).is_some()`.
    pub fn is_excluded(&self, channel: Option<&str>) -> bool {
        self.check(channel).is_some()
    }
}

impl From<Vec<String>> for ChannelExclusion {
    fn from(channels: Vec<String>) -> Self {
        Self::new(channels)
    }
}

impl From<ChannelExclusion> for Vec<String> {
    fn from(exclusion: ChannelExclusion) -> Self {
        exclusion
            .entries
            .into_iter()
            .map(|entry| entry.configured)
            .collect()
    }
}

/// Why a return was excluded: its channel and the entry that matched, for
/// logs and notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExclusionMatch {
    /// The return's sales channel, as the platform reported it.
    pub channel: String,
    /// The excluded-channel entry that matched, as configured.
    pub entry: String,
}

impl ExclusionMatch {
    /// A match of `channel` against the configured `entry`.
    pub fn new(channel: impl Into<String>, entry: impl Into<String>) -> Self {
        Self {
            channel: channel.into(),
            entry: entry.into(),
        }
    }
}

/// What [`ChannelExclusion::new`] then [`ChannelExclusion::check`] give for
/// `entries`, without building the filter: planning checks each return
/// once, and normalizing every entry (a string each) per return cost more
/// than the check.
pub(crate) fn first_match(entries: &[String], channel: Option<&str>) -> Option<ExclusionMatch> {
    let channel = channel?;
    if channel.trim().is_empty() {
        return None;
    }
    entries
        .iter()
        .find(|entry| !entry.trim().is_empty() && same_channel(entry, channel))
        .map(|entry| ExclusionMatch::new(channel, entry.as_str()))
}

/// Whether two channel names have the same [`normalize_channel`] form. For
/// ASCII names that form is the trimmed name in ASCII lowercase, compared
/// here without allocating; other names take the full case folding (`"ß"`
/// matches `"SS"`).
fn same_channel(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        normalize_channel(a) == normalize_channel(b)
    }
}

/// The comparison form of a channel name: trimmed, then case-folded.
///
/// Case folding is approximated by upper- then lower-casing, which also
/// equates forms that plain lower-casing keeps apart (`"ß"` and `"SS"`).
pub fn normalize_channel(channel: &str) -> String {
    channel.trim().to_uppercase().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_table() {
        let exclusion = ChannelExclusion::new(["Amazon", " eBay ", "Straße", "  "]);
        let cases: &[(Option<&str>, Option<&str>)] = &[
            (Some("Amazon"), Some("Amazon")),
            (Some(" amazon "), Some("Amazon")),
            (Some("AMAZON\t"), Some("Amazon")),
            (Some("ebay"), Some(" eBay ")),
            (Some("STRASSE"), Some("Straße")),
            (Some("Amazon Prime"), None),
            (Some("Amaz"), None),
            (Some("Online Store"), None),
            (Some(""), None),
            (Some("   "), None),
            (None, None),
        ];
        for (channel, expected_entry) in cases {
            let got = exclusion.check(*channel).map(|m| m.entry);
            assert_eq!(got.as_deref(), *expected_entry, "channel {channel:?}");
        }
    }

    #[test]
    fn blank_entries_are_dropped_and_serde_round_trips() {
        let exclusion = ChannelExclusion::new(["Amazon", " "]);
        assert_eq!(exclusion.entries().collect::<Vec<_>>(), ["Amazon"]);
        let json = serde_json::to_string(&exclusion).unwrap();
        assert_eq!(json, r#"["Amazon"]"#);
        let back: ChannelExclusion = serde_json::from_str(&json).unwrap();
        assert_eq!(back, exclusion);
    }

    #[test]
    fn first_match_agrees_with_the_filter() {
        let entries: Vec<String> = ["Amazon", " eBay ", "Straße", "  ", "KELVIN"]
            .map(String::from)
            .to_vec();
        let exclusion = ChannelExclusion::new(entries.clone());
        let channels = [
            "Amazon",
            " amazon ",
            "AMAZON\t",
            "ebay",
            "STRASSE",
            "strasse",
            "Amazon Prime",
            "",
            "   ",
            "\u{212A}elvin",
            "kelvin",
            "Online Store",
        ];
        for channel in channels.map(Some).into_iter().chain([None]) {
            assert_eq!(
                first_match(&entries, channel),
                exclusion.check(channel),
                "channel {channel:?}"
            );
        }
    }

    #[test]
    fn match_reports_channel_as_given() {
        let exclusion = ChannelExclusion::new(["eBay"]);
        let matched = exclusion.check(Some(" EBAY")).unwrap();
        assert_eq!(matched, ExclusionMatch::new(" EBAY", "eBay"));
        assert!(exclusion.is_excluded(Some("ebay")));
    }
}
