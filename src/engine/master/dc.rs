//! The master's DC blocker: a 5 Hz one-pole highpass, `y[n] = x[n] − x[n−1] + r·y[n−1]`, run over whole chunks
//! in a form that vectorises. Audio thread; allocates nothing.
//!
//! A one-pole filter is a chain of dependent steps, one per sample: run that way it cost more than everything
//! else in the master. Unrolled eight times, `y[n] = z[n] + r⁸·y[n−8]`, where `z` is the step `x[n] − x[n−1]`
//! spread over eight samples (a nine-tap filter on the input); both work on eight samples at once, none waiting
//! on its neighbour. The chunks always cut the stream at the same frames, so
//! the result does not depend on the host's buffer size.

use super::CHUNK;

/// How far back the unrolled filter reaches.
const H: usize = 8;

pub struct DcBlocker {
    /// `r^j` for `j` in 0..8: how a step reaches the seven samples after it.
    powers: [f32; 8],
    /// `r⁸`: how an output reaches the one eight later.
    r8: f32,
    /// The last nine inputs (the first difference reaches one further) and eight outputs.
    x_tail: [f32; H + 1],
    y_tail: [f32; H],
}

impl DcBlocker {
    /// A blocker with its corner at `hz`.
    pub fn new(hz: f32, sample_rate: f32) -> Self {
        let r = f64::from(1.0 - std::f32::consts::TAU * hz / sample_rate);
        Self {
            powers: std::array::from_fn(|j| r.powi(j as i32) as f32),
            r8: r.powi(8) as f32,
            x_tail: [0.0; H + 1],
            y_tail: [0.0; H],
        }
    }

    /// Forget the past (after garbage was scrubbed, or a fault).
    pub fn clear(&mut self) {
        self.x_tail = [0.0; H + 1];
        self.y_tail = [0.0; H];
    }

    /// Filter one chunk in place. Real-time.
    #[inline(always)]
    pub fn run(&mut self, chunk: &mut [f32; CHUNK]) {
        // y[n] = Σ taps[j]·x[n−j] + r⁸·y[n−8]: the one-pole unrolled eight times. Both halves work on eight
        // samples at once; the first reads the chunk where it was gathered (reading just-written memory at an
        // offset stalls), and only the first eight, which reach into the chunk before, go through a copy.
        let powers = self.powers;
        let mut z = [0f32; CHUNK];
        let mut first = [0f32; 2 * H + 2];
        first[..=H].copy_from_slice(&self.x_tail);
        first[H + 1..].copy_from_slice(&chunk[..=H]);
        for (i, o) in z[..=H].iter_mut().enumerate() {
            *o = fir(&powers, &first, H + 1 + i);
        }
        for (n, o) in z.iter_mut().enumerate().skip(H + 1) {
            *o = fir(&powers, chunk, n);
        }
        self.x_tail.copy_from_slice(&chunk[CHUNK - H - 1..]);
        for ((y, z), y8) in chunk[..H].iter_mut().zip(&z).zip(&self.y_tail) {
            *y = z + self.r8 * y8;
        }
        for n in H..CHUNK {
            chunk[n] = z[n] + self.r8 * chunk[n - H];
        }
        // Long silence would otherwise leave the history decaying through subnormals, which are slow.
        for (t, &y) in self.y_tail.iter_mut().zip(&chunk[CHUNK - H..]) {
            *t = if y.abs() < 1e-20 { 0.0 } else { y };
        }
    }
}

/// `Σ r^j·(x[n−j] − x[n−j−1])` for `j` in 0..8: differences first, so a constant input gives exactly 0.
#[inline(always)]
fn fir(powers: &[f32; 8], x: &[f32], n: usize) -> f32 {
    let mut z = x[n] - x[n - 1];
    for j in 1..8 {
        z += powers[j] * (x[n - j] - x[n - j - 1]);
    }
    z
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_one_pole_it_stands_for() {
        let sr = 48_000.0;
        let mut dc = DcBlocker::new(5.0, sr);
        let r = 1.0 - std::f32::consts::TAU * 5.0 / sr;
        let (mut x1, mut y1) = (0f32, 0f32);
        for c in 0..200 {
            let mut chunk: [f32; CHUNK] = std::array::from_fn(|i| 0.3 + (0.05 * (c * CHUNK + i) as f32).sin() * 0.5);
            let want: Vec<f32> = chunk
                .iter()
                .map(|&x| {
                    let y = x - x1 + r * y1;
                    (x1, y1) = (x, y);
                    y
                })
                .collect();
            dc.run(&mut chunk);
            for (a, b) in chunk.iter().zip(&want) {
                assert!((a - b).abs() < 1e-5, "chunk {c}: {a} against {b}");
            }
        }
    }

    #[test]
    fn removes_a_constant_offset() {
        let mut dc = DcBlocker::new(5.0, 48_000.0);
        let mut last = 1.0;
        for _ in 0..48_000 / CHUNK {
            let mut chunk = [0.5f32; CHUNK];
            dc.run(&mut chunk);
            last = chunk[CHUNK - 1];
        }
        assert!(last.abs() < 1e-6, "offset left: {last}");
    }
}
