//! The master's DC blocker: a 5 Hz one-pole highpass, `y[n] = x[n] − x[n−1] + r·y[n−1]`, run over whole chunks
//! in a form that vectorises. Audio thread; allocates nothing.
//!
//! A one-pole filter is a chain of dependent steps, one per sample: run that way it cost more than everything
//! else in the master. Unrolled eight times, `y[n] = z[n] + r⁸·y[n−8]`, where `z` is the step `x[n] − x[n−1]`
//! spread over eight samples in three doubling passes (by `r`, `r²`, `r⁴`); each pass works on eight samples at
//! once, none waiting on its neighbour. The chunks always cut the stream at the same frames, so the result does
//! not depend on the host's buffer size.

use super::CHUNK;

/// How far back the unrolled filter reaches.
const H: usize = 8;

/// A side's working copy, led by `H` values of its history.
type Work = [f32; H + CHUNK];

/// Both sides' blockers: the passes of one side run while the other's stores settle (reading just-written memory
/// at an offset stalls until the writes are done).
pub struct DcBlocker {
    /// `r`, `r²`, `r⁴`, `r⁸`.
    r: [f32; 4],
    /// Per side: the last two inputs, and the last `H` values of the first two passes and of the output.
    x_tail: [[f32; 2]; 2],
    tails: [[[f32; H]; 3]; 2],
}

impl DcBlocker {
    /// A stereo blocker with its corner at `hz`.
    pub fn new(hz: f32, sample_rate: f32) -> Self {
        let r = f64::from(1.0 - std::f32::consts::TAU * hz / sample_rate);
        Self {
            r: [r as f32, r.powi(2) as f32, r.powi(4) as f32, r.powi(8) as f32],
            x_tail: [[0.0; 2]; 2],
            tails: [[[0.0; H]; 3]; 2],
        }
    }

    /// Forget the past (after garbage was scrubbed, or a fault).
    pub fn clear(&mut self) {
        self.x_tail = [[0.0; 2]; 2];
        self.tails = [[[0.0; H]; 3]; 2];
    }

    /// Filter both sides of a chunk in place. Real-time.
    #[inline(always)]
    pub fn run(&mut self, chunk: &mut [[f32; CHUNK]; 2]) {
        // y[n] = z[n] + r⁸·y[n−8], z the step x[n] − x[n−1] spread over eight samples by doubling: by r, r², r⁴.
        let [r1, r2, r4, r8] = self.r;
        let mut u = [[0f32; H + CHUNK]; 2];
        let mut v = [[0f32; H + CHUNK]; 2];
        for c in 0..2 {
            let (x, [x2, x1]) = (&chunk[c], self.x_tail[c]);
            let u = &mut u[c];
            u[..H].copy_from_slice(&self.tails[c][0]);
            // Differences first, so a constant input gives exactly 0.
            u[H] = (x[0] - x1) + r1 * (x1 - x2);
            u[H + 1] = (x[1] - x[0]) + r1 * (x[0] - x1);
            for n in 2..CHUNK {
                u[H + n] = (x[n] - x[n - 1]) + r1 * (x[n - 1] - x[n - 2]);
            }
            self.x_tail[c] = [x[CHUNK - 2], x[CHUNK - 1]];
            self.tails[c][0] = tail(u);
        }
        for c in 0..2 {
            v[c][..H].copy_from_slice(&self.tails[c][1]);
            pass(&u[c], &mut v[c], 2, r2);
            self.tails[c][1] = tail(&v[c]);
        }
        for c in 0..2 {
            pass(&v[c], &mut u[c], 4, r4);
        }
        for c in 0..2 {
            let (y, z, y_tail) = (&mut chunk[c], &u[c], &mut self.tails[c][2]);
            for n in 0..H {
                y[n] = z[H + n] + r8 * y_tail[n];
            }
            for n in H..CHUNK {
                y[n] = z[H + n] + r8 * y[n - H];
            }
            // Long silence would otherwise leave the history decaying through subnormals, which are slow.
            for (t, &v) in y_tail.iter_mut().zip(&y[CHUNK - H..]) {
                *t = if v.abs() < 1e-20 { 0.0 } else { v };
            }
        }
    }
}

/// The last `H` values: the history the next chunk begins with.
#[inline(always)]
fn tail(x: &Work) -> [f32; H] {
    let mut t = [0f32; H];
    t.copy_from_slice(&x[CHUNK..]);
    t
}

/// One doubling pass over the chunk: `to[n] = from[n] + q·from[n−k]` (`from` begins with its history).
#[inline(always)]
fn pass(from: &Work, to: &mut Work, k: usize, q: f32) {
    for n in H..H + CHUNK {
        to[n] = from[n] + q * from[n - k];
    }
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
            let side: [f32; CHUNK] = std::array::from_fn(|i| 0.3 + (0.05 * (c * CHUNK + i) as f32).sin() * 0.5);
            let mut chunk = [side, side.map(|x| -x)];
            let want: Vec<f32> = side
                .iter()
                .map(|&x| {
                    let y = x - x1 + r * y1;
                    (x1, y1) = (x, y);
                    y
                })
                .collect();
            dc.run(&mut chunk);
            for (a, b) in chunk[0].iter().zip(&want) {
                assert!((a - b).abs() < 1e-5, "chunk {c}: {a} against {b}");
            }
            for (a, b) in chunk[1].iter().zip(&want) {
                assert!((a + b).abs() < 1e-5, "the other side, chunk {c}: {a} against {b}");
            }
        }
    }

    #[test]
    fn removes_a_constant_offset() {
        let mut dc = DcBlocker::new(5.0, 48_000.0);
        let mut last = 1.0;
        for _ in 0..48_000 / CHUNK {
            let mut chunk = [[0.5f32; CHUNK], [-0.25; CHUNK]];
            dc.run(&mut chunk);
            last = chunk[0][CHUNK - 1].abs().max(chunk[1][CHUNK - 1].abs());
        }
        assert!(last.abs() < 1e-6, "offset left: {last}");
    }
}
