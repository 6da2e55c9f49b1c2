//! String helpers for the per-return paths.

/// `value.trim()`, answered at once when both ends are visible ASCII (the
/// usual identifier, title or reason) rather than by the general Unicode
/// whitespace search, which showed in planning's profile.
pub(crate) fn trim(value: &str) -> &str {
    match value.as_bytes() {
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => value,
        [only] if only.is_ascii_graphic() => value,
        _ => value.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::trim;

    #[test]
    fn trims_like_str_trim() {
        for value in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta\n",
            "LS-SAND-M",
            " LS SAND ",
            "\u{a0}x\u{a0}",
            "é",
            " é ",
            "x\u{2003}",
            "\u{85}",
            "a b",
        ] {
            assert_eq!(trim(value), value.trim(), "{value:?}");
        }
    }
}
