//! Small statistics over timing samples.

use std::time::Duration;

/// The median of `values` (the mean of the two middle values for an even
/// count); `0.0` when there are none.
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    } else {
        sorted[middle]
    }
}

/// The median of durations, in nanoseconds.
pub fn median_nanos(values: &[Duration]) -> f64 {
    let nanos: Vec<f64> = values.iter().map(|d| d.as_nanos() as f64).collect();
    median(&nanos)
}

/// `numerator / denominator`, or infinity when the denominator is zero (a
/// ratio bar then fails instead of passing on a division by zero).
pub fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else {
        f64::INFINITY
    }
}

/// A duration as a short human string: `812 ns`, `14.2 µs`, `3.10 ms`, `1.25 s`.
pub fn human(nanos: f64) -> String {
    if nanos < 1_000.0 {
        format!("{nanos:.0} ns")
    } else if nanos < 1_000_000.0 {
        format!("{:.1} µs", nanos / 1_000.0)
    } else if nanos < 1_000_000_000.0 {
        format!("{:.2} ms", nanos / 1_000_000.0)
    } else {
        format!("{:.2} s", nanos / 1_000_000_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
    }

    #[test]
    fn ratio_by_zero_is_infinite() {
        assert_eq!(ratio(1.0, 4.0), 0.25);
        assert!(ratio(1.0, 0.0).is_infinite());
    }

    #[test]
    fn human_units() {
        assert_eq!(human(812.0), "812 ns");
        assert_eq!(human(14_200.0), "14.2 µs");
        assert_eq!(human(3_100_000.0), "3.10 ms");
    }
}
