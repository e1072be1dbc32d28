//! The generator's only source of randomness: xoshiro256** seeded through splitmix64, so a seed
//! gives the same bytes on every run (no dependency, no platform entropy).
//!
//! Both algorithms are public domain (Blackman and Vigna, <https://prng.di.unimi.it/>).

/// A small, fast, seedable pseudo-random generator.
pub struct Rng {
    state: [u64; 4],
}

impl Rng {
    /// A generator whose whole stream follows from `seed`.
    pub fn new(seed: u64) -> Rng {
        let mut mix = seed;
        let mut next = || {
            mix = mix.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = mix;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        Rng {
            state: [next(), next(), next(), next()],
        }
    }

    /// An independent generator for one part of the output (a session, a template), so that
    /// changing how much one part draws does not shift every later part.
    pub fn fork(&mut self) -> Rng {
        Rng::new(self.next_u64())
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A number in `0..n` (0 when `n` is 0). Multiply-shift keeps the bias below 2^-32 for the
    /// small ranges used here.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `low..=high`.
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high.saturating_sub(low) + 1)
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One element of a non-empty slice.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// An index drawn with the given weights (which need not sum to 1).
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut target = self.unit() * total;
        for (index, weight) in weights.iter().enumerate() {
            if target < *weight {
                return index;
            }
            target -= weight;
        }
        weights.len() - 1
    }

    /// A log-normal draw with the given median and spread (sigma of the underlying normal):
    /// message lengths, file sizes and session lengths are heavy-tailed like this in practice.
    pub fn log_normal(&mut self, median: f64, sigma: f64) -> f64 {
        // Box-Muller; `1 - unit()` is in (0, 1], so the logarithm is finite.
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        let normal = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        median * (sigma * normal).exp()
    }

    /// Random lowercase hex digits appended to `out`.
    pub fn hex(&mut self, out: &mut String, digits: usize) {
        /// Hex digits.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for _ in 0..digits {
            out.push(HEX[self.below(16) as usize] as char);
        }
    }

    /// Random base-62 characters appended to `out`, as provider ids use them.
    pub fn base62(&mut self, out: &mut String, len: usize) {
        /// Digits and letters.
        const ALPHABET: &[u8; 62] =
            b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for _ in 0..len {
            out.push(ALPHABET[self.below(62) as usize] as char);
        }
    }

    /// A random version-4 UUID in its usual text form.
    pub fn uuid(&mut self) -> String {
        let mut out = String::with_capacity(36);
        self.hex(&mut out, 8);
        out.push('-');
        self.hex(&mut out, 4);
        out.push_str("-4");
        self.hex(&mut out, 3);
        out.push('-');
        out.push(['8', '9', 'a', 'b'][self.below(4) as usize]);
        self.hex(&mut out, 3);
        out.push('-');
        self.hex(&mut out, 12);
        out
    }
}
