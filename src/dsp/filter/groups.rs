//! The state-variable filter four samples at a time: each output, and the state four samples on, is a linear
//! function of the state at the group's start and the group's inputs. With those weights worked out first (in
//! loops with no carried state, which run as vector code), the chain from one state to the next that bounds a
//! filter's speed takes one step per four samples instead of one per sample. Audio thread.

use super::{HIGH, LOW};
use crate::dsp::MAX_BLOCK;

/// A steady filter four samples at a time. Each of the four outputs, and the state four samples on, is a fixed
/// linear function of the state at the start and the four inputs; with those weights precomputed, the chain from
/// one state to the next is one step per four samples instead of one per sample, and the outputs, which nothing
/// waits on, run as vector code. The weights are worked out in f64, so the result stays within float rounding of
/// the sample-by-sample filter.
#[derive(Clone)]
pub struct Quad {
    /// The `(cutoff, q)` the weights were made for.
    pub made_for: Option<(f32, f32)>,
    /// `out[t][j]`: weight of term `t` (s1, s2, x0, x1, x2, x3) in output `j`.
    out: [[f32; 4]; 6],
    /// `next[c][t]`: weight of term `t` in state component `c` four samples on.
    next: [[f32; 6]; 2],
}

impl Quad {
    pub const NONE: Self = Self {
        made_for: None,
        out: [[0.0; 4]; 6],
        next: [[0.0; 6]; 2],
    };

    /// Weights for the 2×2 update `c` (see `coefs`), the output being `low` (v2), `high` or `band` (v1).
    pub fn new(mode: u8, c: [f32; 7]) -> Self {
        let [m11, m12, m21, m22, b1, b2, k] = c.map(f64::from);
        // A state as its weights over the six terms; it starts as s itself.
        let mut state = [[0f64; 6]; 2];
        state[0][0] = 1.0;
        state[1][1] = 1.0;
        let mut q = Self::NONE;
        for j in 0..4 {
            let mut next = [[0f64; 6]; 2];
            for t in 0..6 {
                next[0][t] = m11 * state[0][t] + m12 * state[1][t];
                next[1][t] = m21 * state[0][t] + m22 * state[1][t];
            }
            next[0][2 + j] += b1;
            next[1][2 + j] += b2;
            for t in 0..6 {
                let (v1, v2) = (0.5 * (state[0][t] + next[0][t]), 0.5 * (state[1][t] + next[1][t]));
                let x = if t == 2 + j { 1.0 } else { 0.0 };
                q.out[t][j] = match mode {
                    LOW => v2,
                    HIGH => x - k * v1 - v2,
                    _ => v1,
                } as f32;
            }
            state = next;
        }
        q.next = state.map(|c| c.map(|w| w as f32));
        q
    }

    /// Four samples from state `s`; returns the state after them.
    #[inline]
    pub fn run(&self, (s1, s2): (f32, f32), x: &[f32], o: &mut [f32]) -> (f32, f32) {
        let (x0, x1, x2, x3) = (x[0], x[1], x[2], x[3]);
        let w = &self.out;
        for j in 0..4 {
            o[j] = ((w[2][j] * x0 + w[3][j] * x1) + (w[4][j] * x2 + w[5][j] * x3)) + (w[0][j] * s1 + w[1][j] * s2);
        }
        let [a, b] = &self.next;
        let u1 = (a[2] * x0 + a[3] * x1) + (a[4] * x2 + a[5] * x3);
        let u2 = (b[2] * x0 + b[3] * x1) + (b[4] * x2 + b[5] * x3);
        ((a[0] * s1 + u1) + a[1] * s2, (b[1] * s2 + u2) + b[0] * s1)
    }
}

/// Groups in a block.
const GROUPS: usize = MAX_BLOCK / 4;

/// A filter whose cutoff or q moves, four samples at a time. The per-sample updates `A·s + B·x` (with `A`, `B`
/// from `coefs`) of one group compose into one; for each group the weights of every output over the start state,
/// and the group's own update, come first, in a loop over groups that vectorises.
pub struct Sweep {
    /// Per sample: the update's entries (`m12 = −two_a2`, `m21 = b1 = two_a2`) and k, for the high output.
    pub m11: [f32; MAX_BLOCK],
    pub two_a2: [f32; MAX_BLOCK],
    pub m22: [f32; MAX_BLOCK],
    pub b2: [f32; MAX_BLOCK],
    pub k: [f32; MAX_BLOCK],
}

/// Per group: each output's weights over the start state (p1, p2) plus what the inputs add (w), and the group's
/// whole update (m, u).
struct Weights {
    p1: [f32; MAX_BLOCK],
    p2: [f32; MAX_BLOCK],
    w: [f32; MAX_BLOCK],
    m: [[f32; GROUPS]; 4],
    u: [[f32; GROUPS]; 2],
}

impl Sweep {
    pub const fn new() -> Self {
        Self {
            m11: [0.0; MAX_BLOCK],
            two_a2: [0.0; MAX_BLOCK],
            m22: [0.0; MAX_BLOCK],
            b2: [0.0; MAX_BLOCK],
            k: [0.0; MAX_BLOCK],
        }
    }

    /// The whole groups of `x` (its length rounded down to four) from state `s`; returns the state after them.
    pub fn run(&self, mode: u8, s: (f32, f32), x: &[f32], out: &mut [f32]) -> (f32, f32) {
        let groups = (x.len() / 4).min(GROUPS);
        let mut wt = Weights {
            p1: [0.0; MAX_BLOCK],
            p2: [0.0; MAX_BLOCK],
            w: [0.0; MAX_BLOCK],
            m: [[0.0; GROUPS]; 4],
            u: [[0.0; GROUPS]; 2],
        };
        for g in 0..groups {
            self.weigh(mode, g, &x[4 * g..4 * g + 4], &mut wt);
        }
        // The only carried dependency: one 2×2 step per group.
        let mut starts = [(0f32, 0f32); GROUPS];
        let (mut s1, mut s2) = s;
        for (g, start) in starts.iter_mut().enumerate().take(groups) {
            *start = (s1, s2);
            let [m11, m12, m21, m22] = [wt.m[0][g], wt.m[1][g], wt.m[2][g], wt.m[3][g]];
            (s1, s2) = ((m11 * s1 + wt.u[0][g]) + m12 * s2, (m22 * s2 + wt.u[1][g]) + m21 * s1);
        }
        for (g, &(a, b)) in starts.iter().enumerate().take(groups) {
            for i in 4 * g..4 * g + 4 {
                out[i] = wt.p1[i] * a + wt.p2[i] * b + wt.w[i];
            }
        }
        (s1, s2)
    }

    /// Group `g`: walks the state's weights (over the start state: `m`, and over the inputs: `u`) through its four
    /// samples, taking each output's weights on the way.
    #[inline(always)]
    fn weigh(&self, mode: u8, g: usize, x: &[f32], wt: &mut Weights) {
        let mut m = [1f32, 0.0, 0.0, 1.0];
        let mut u = [0f32; 2];
        for (j, &xj) in x.iter().enumerate().take(4) {
            let i = 4 * g + j;
            let (a11, a12, a21, a22) = (self.m11[i], -self.two_a2[i], self.two_a2[i], self.m22[i]);
            let (b1, b2) = (self.two_a2[i], self.b2[i]);
            let nm = if j == 0 {
                [a11, a12, a21, a22]
            } else {
                [
                    a11 * m[0] + a12 * m[2],
                    a11 * m[1] + a12 * m[3],
                    a21 * m[0] + a22 * m[2],
                    a21 * m[1] + a22 * m[3],
                ]
            };
            let nu = if j == 0 {
                [b1 * xj, b2 * xj]
            } else {
                [(a11 * u[0] + a12 * u[1]) + b1 * xj, (a21 * u[0] + a22 * u[1]) + b2 * xj]
            };
            // v1, v2: the means of the state before and after the sample, as weights.
            let v1 = [0.5 * (m[0] + nm[0]), 0.5 * (m[1] + nm[1]), 0.5 * (u[0] + nu[0])];
            let v2 = [0.5 * (m[2] + nm[2]), 0.5 * (m[3] + nm[3]), 0.5 * (u[1] + nu[1])];
            let (p1, p2, w) = match mode {
                LOW => (v2[0], v2[1], v2[2]),
                HIGH => {
                    let k = self.k[i];
                    (-k * v1[0] - v2[0], -k * v1[1] - v2[1], xj - k * v1[2] - v2[2])
                }
                _ => (v1[0], v1[1], v1[2]),
            };
            (wt.p1[i], wt.p2[i], wt.w[i]) = (p1, p2, w);
            (m, u) = (nm, nu);
        }
        for (c, v) in m.iter().enumerate() {
            wt.m[c][g] = *v;
        }
        (wt.u[0][g], wt.u[1][g]) = (u[0], u[1]);
    }
}
