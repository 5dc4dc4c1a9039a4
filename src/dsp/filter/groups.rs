//! The state-variable filter four samples at a time. Each output, and the state four samples on, is a linear
//! function of the state at the group's start and the group's inputs. With those weights worked out first (in
//! loops over groups with no carried state, which run as vector code), the chain from one state to the next that
//! bounds a filter's speed takes one step per four samples instead of one per sample. Groups count from the
//! node's first frame: a block that ends inside a group outputs its frames so far and carries their inputs into
//! the next block, which redoes the group with the same arithmetic, so every frame's value is the same however
//! the blocks are cut. Audio thread.

// Loops index many parallel lane arrays at once; zipping six iterators would hide the algebra.
#![allow(clippy::needless_range_loop)]

use super::{HIGH, LOW};
use crate::dsp::{MAX_BLOCK, is_constant};

/// Room for the groups in a block plus the one carried in, rounded up to whole vectors of eight groups.
pub const SPAN: usize = (MAX_BLOCK / 4 + 1).next_multiple_of(VECTOR);
const FRAMES: usize = 4 * SPAN;
/// Loops over groups run to a multiple of this: a count the vector code covers with no scalar leftover, which
/// for a 64-frame block (16 groups) costs as much again as a whole vector.
const VECTOR: usize = 8;

/// Frames by position in their group of four, then by group: `[j][g]` is frame `4g + j`. Loops over `g` then run
/// four groups per vector instruction.
pub type Lanes = [[f32; SPAN]; 4];

/// A block's inputs with the frames of the unfinished group before it in front, so that frame 0 starts a group.
/// It lives in the node: after a block, those frames are its own last `len % 4`.
#[derive(Clone)]
pub struct Virtual {
    pub x: [f32; FRAMES],
    pub cutoff: [f32; FRAMES],
    pub q: [f32; FRAMES],
    seen: usize,
    len: usize,
}

impl Virtual {
    pub const EMPTY: Self = Self {
        x: [0.0; FRAMES],
        cutoff: [0.0; FRAMES],
        q: [0.0; FRAMES],
        seen: 0,
        len: 0,
    };

    /// Take the next block, behind the unfinished group's frames of the last one. A non-finite input carried over
    /// becomes 0, so a NaN doesn't poison the group it falls in for ever.
    #[inline(always)]
    pub fn fill(&mut self, x: &[f32], cutoff: &[f32], q: &[f32]) {
        let seen = self.len % 4;
        let from = self.len - seen;
        let n = x.len().min(MAX_BLOCK);
        let end = 4 * (seen + n).div_ceil(4).next_multiple_of(VECTOR).min(SPAN);
        let put = |a: &mut [f32; FRAMES], now: &[f32], pad: f32| {
            // At most three frames: a loop, not `copy_within`, whose library call costs more than the copy.
            for k in 0..seen {
                a[k] = a[from + k];
            }
            a[seen..seen + n].copy_from_slice(&now[..n]);
            // Frames past the end run through the group arithmetic too (their outputs unused): keep them tame.
            a[seen + n..end].fill(pad);
        };
        put(&mut self.x, x, 0.0);
        put(&mut self.cutoff, cutoff, 1000.0);
        put(&mut self.q, q, 0.7);
        for v in &mut self.x[..seen] {
            if !v.is_finite() {
                *v = 0.0;
            }
        }
        (self.seen, self.len) = (seen, seen + n);
    }

    /// Groups begun, the last possibly unfinished.
    #[inline(always)]
    pub fn groups(&self) -> usize {
        self.len.div_ceil(4)
    }

    /// Groups worked out: those begun, rounded up to whole vectors.
    #[inline(always)]
    pub fn width(&self) -> usize {
        self.groups().next_multiple_of(VECTOR).min(SPAN)
    }

    /// The cutoff and q, when neither moves.
    #[inline(always)]
    pub fn steady(&self) -> Option<(f32, f32)> {
        let (c, q) = (&self.cutoff[..self.len], &self.q[..self.len]);
        (is_constant(c) && is_constant(q))
            .then(|| (c.first().copied().unwrap_or(1000.0), q.first().copied().unwrap_or(0.7)))
    }

    /// The first `width` groups of `a` by position in the group.
    #[inline(always)]
    pub fn lanes(a: &[f32; FRAMES], width: usize) -> Lanes {
        let mut t = [[0f32; SPAN]; 4];
        for (g, c) in a[..4 * width.min(SPAN)].chunks_exact(4).enumerate() {
            for (lane, &v) in t.iter_mut().zip(c) {
                lane[g] = v;
            }
        }
        t
    }
}

/// The weights of a block's groups.
#[derive(Clone)]
pub struct Sweep {
    /// Per frame, by group: the update's distinct entries `[m11, 2·a2, m22, b2, k]` (see `Svf::parts`).
    pub coef: [Lanes; 5],
    /// Each output's weights, by position and group.
    y: Affine<4>,
    /// The state's weights through the group, ending as the group's whole update: rows s1 and s2.
    st: Affine<2>,
    /// The cutoff and q that `coef` and the weights over the start state hold for every frame, if they do: a
    /// filter that holds still works them out once, not every block.
    pub held: Option<(f32, f32)>,
}

/// Weights over the start state (`p1`, `p2`) and what the inputs add (`w`), per output or per state component.
#[derive(Clone)]
struct Affine<const N: usize> {
    p1: [[f32; SPAN]; N],
    p2: [[f32; SPAN]; N],
    w: [[f32; SPAN]; N],
}

impl<const N: usize> Affine<N> {
    const ZERO: Self = Self {
        p1: [[0.0; SPAN]; N],
        p2: [[0.0; SPAN]; N],
        w: [[0.0; SPAN]; N],
    };
}

impl Sweep {
    pub const ZERO: Self = Self {
        coef: [[[0.0; SPAN]; 4]; 5],
        y: Affine::ZERO,
        st: Affine::ZERO,
        held: None,
    };

    /// The weights over the start state for `held` coefficients: every group has the same ones, worked out for
    /// the first and copied. (For moving ones `run` works them out group by group, next to the inputs' part.)
    #[inline(always)]
    pub fn weigh_held<const MODE: u8>(&mut self) {
        for j in 0..4 {
            self.start_part::<MODE>(j, 1);
        }
        let (y, st) = (&mut self.y, &mut self.st);
        let rows = [&mut y.p1, &mut y.p2].into_iter().flatten();
        for a in rows.chain([&mut st.p1, &mut st.p2].into_iter().flatten()) {
            let first = a[0];
            a.fill(first);
        }
    }

    /// Run the block `v` from `start`, the state at its frame 0; writes the block's own frames (not the carried
    /// ones) to `out` and returns the start state of its unfinished group (or the state after it, if none).
    #[inline(always)]
    pub fn run<const MODE: u8>(&mut self, start: (f32, f32), v: &Virtual, out: &mut [f32]) -> (f32, f32) {
        let (groups, whole, width) = (v.groups().min(SPAN), v.len / 4, v.width());
        let xt = Virtual::lanes(&v.x, width);
        for j in 0..4 {
            if self.held.is_none() {
                self.start_part::<MODE>(j, width);
            }
            self.input_part::<MODE>(j, &xt[j], width);
        }
        let (y, st) = (&self.y, &self.st);
        // The only carried dependency: one 2×2 step per whole group.
        let (mut start1, mut start2) = ([0f32; SPAN], [0f32; SPAN]);
        let (mut s1, mut s2) = start;
        for g in 0..groups {
            (start1[g], start2[g]) = (s1, s2);
            if g < whole {
                let (a, b) = (
                    (st.p1[0][g] * s1 + st.w[0][g]) + st.p2[0][g] * s2,
                    (st.p2[1][g] * s2 + st.w[1][g]) + st.p1[1][g] * s1,
                );
                (s1, s2) = (a, b);
            }
        }
        let mut frames = [0f32; FRAMES];
        for j in 0..4 {
            for g in 0..width {
                frames[4 * g + j] = (y.p1[j][g] * start1[g] + y.p2[j][g] * start2[g]) + y.w[j][g];
            }
        }
        let n = out.len().min(v.len - v.seen);
        out[..n].copy_from_slice(&frames[v.seen..v.seen + n]);
        (s1, s2)
    }

    /// Position `j` of groups `..to`, the part over the start state: the state's weights one sample on, and
    /// output `j`'s (the means of the state before and after the sample, through the output's mix).
    #[inline(always)]
    fn start_part<const MODE: u8>(&mut self, j: usize, to: usize) {
        let Self {
            coef: [m11, two_a2, m22, _, k],
            y,
            st,
            ..
        } = self;
        for g in 0..to.min(SPAN) {
            let (a11, t2, a22) = (m11[j][g], two_a2[j][g], m22[j][g]);
            let (a12, a21) = (-t2, t2);
            // Before the sample: the identity at the group's start.
            let old = if j == 0 {
                [[1.0, 0.0], [0.0, 1.0]]
            } else {
                [[st.p1[0][g], st.p2[0][g]], [st.p1[1][g], st.p2[1][g]]]
            };
            let [r1, r2] = old;
            let new = if j == 0 {
                [[a11, a12], [a21, a22]]
            } else {
                [
                    [a11 * r1[0] + a12 * r2[0], a11 * r1[1] + a12 * r2[1]],
                    [a21 * r1[0] + a22 * r2[0], a21 * r1[1] + a22 * r2[1]],
                ]
            };
            let v1 = [0.5 * (r1[0] + new[0][0]), 0.5 * (r1[1] + new[0][1])];
            let v2 = [0.5 * (r2[0] + new[1][0]), 0.5 * (r2[1] + new[1][1])];
            let o = match MODE {
                LOW => v2,
                HIGH => [-k[j][g] * v1[0] - v2[0], -k[j][g] * v1[1] - v2[1]],
                _ => v1,
            };
            (y.p1[j][g], y.p2[j][g]) = (o[0], o[1]);
            for (c, row) in new.iter().enumerate() {
                (st.p1[c][g], st.p2[c][g]) = (row[0], row[1]);
            }
        }
    }

    /// Position `j` of every group, the part the inputs add.
    #[inline(always)]
    fn input_part<const MODE: u8>(&mut self, j: usize, x: &[f32; SPAN], width: usize) {
        let Self {
            coef: [m11, two_a2, m22, b2, k],
            y,
            st,
            ..
        } = self;
        // Whole vectors of groups: the unused ones only see tame padding.
        for g in 0..width.min(SPAN) {
            let (a11, t2, a22, b2) = (m11[j][g], two_a2[j][g], m22[j][g], b2[j][g]);
            let (a12, a21, b1) = (-t2, t2, t2);
            let xv = x[g];
            let old = if j == 0 { [0.0, 0.0] } else { [st.w[0][g], st.w[1][g]] };
            let new = if j == 0 {
                [b1 * xv, b2 * xv]
            } else {
                [
                    (a11 * old[0] + a12 * old[1]) + b1 * xv,
                    (a21 * old[0] + a22 * old[1]) + b2 * xv,
                ]
            };
            let (v1, v2) = (0.5 * (old[0] + new[0]), 0.5 * (old[1] + new[1]));
            y.w[j][g] = match MODE {
                LOW => v2,
                HIGH => xv - k[j][g] * v1 - v2,
                _ => v1,
            };
            (st.w[0][g], st.w[1][g]) = (new[0], new[1]);
        }
    }
}
