//! When returns arrive: at random like independent customers, or all at
//! once.

use std::time::Duration;

/// Offsets from the start of a run at which returns are created in Loop.
#[derive(Debug, Clone, Copy)]
pub enum Arrivals {
    /// A Poisson process: independent customers, gaps drawn from an
    /// exponential distribution with this mean (seeded, so every run sees
    /// the same bunching).
    Poisson {
        /// Returns.
        count: usize,
        /// Mean gap between two returns.
        mean_gap: Duration,
        /// Seed of the gaps.
        seed: u64,
    },
    /// Every return at the same moment.
    Burst {
        /// Returns.
        count: usize,
    },
}

impl Arrivals {
    /// Returns in the pattern.
    pub fn count(&self) -> usize {
        match *self {
            Arrivals::Poisson { count, .. } | Arrivals::Burst { count } => count,
        }
    }

    /// The offset of each arrival, in order; the first is at zero.
    pub fn offsets(&self) -> Vec<Duration> {
        match *self {
            Arrivals::Burst { count } => vec![Duration::ZERO; count],
            Arrivals::Poisson {
                count,
                mean_gap,
                seed,
            } => {
                let mut state = seed;
                let mut at = Duration::ZERO;
                (0..count)
                    .map(|n| {
                        if n > 0 {
                            // Inverse transform: −ln(U) is exponential with mean 1.
                            let uniform = unit_open(splitmix64(&mut state));
                            at += mean_gap.mul_f64(-uniform.ln());
                        }
                        at
                    })
                    .collect()
            }
        }
    }
}

/// The next value of a SplitMix64 generator (small, seedable, good enough
/// for drawing gaps; no dependency needed).
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A value in `(0, 1]` from 53 random bits (never zero: `ln(0)` is −∞).
fn unit_open(bits: u64) -> f64 {
    ((bits >> 11) + 1) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_arrives_at_once() {
        let offsets = Arrivals::Burst { count: 3 }.offsets();
        assert_eq!(offsets, [Duration::ZERO; 3]);
    }

    #[test]
    fn poisson_gaps_average_the_mean_and_repeat_with_the_seed() {
        let pattern = Arrivals::Poisson {
            count: 20_001,
            mean_gap: Duration::from_millis(500),
            seed: 7,
        };
        let offsets = pattern.offsets();
        assert_eq!(offsets.len(), 20_001);
        assert_eq!(offsets[0], Duration::ZERO);
        assert!(offsets.windows(2).all(|w| w[0] <= w[1]), "in order");
        let mean = offsets[20_000].as_secs_f64() / 20_000.0;
        assert!((mean - 0.5).abs() < 0.02, "mean gap {mean} s");
        assert_eq!(offsets, pattern.offsets(), "the same seed, the same gaps");
        let other = Arrivals::Poisson {
            count: 20_001,
            mean_gap: Duration::from_millis(500),
            seed: 8,
        };
        assert_ne!(offsets, other.offsets());
    }

    #[test]
    fn the_unit_draw_is_never_zero() {
        assert!(unit_open(0) > 0.0);
        assert!(unit_open(u64::MAX) <= 1.0);
    }
}
