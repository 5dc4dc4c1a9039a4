//! A stereo Schroeder–Moorer reverb (eight damped combs and four all-passes per side, the right side's lines
//! slightly longer for width). Lines are allocated at build time; `process` runs on the audio thread.

use super::delay::Ring;
use super::{Block, Ctx, Processor, input};

const COMBS: [usize; 8] = [1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617];
const ALLPASSES: [usize; 4] = [556, 441, 341, 225];
const SPREAD: usize = 23;
/// Input gain into the combs, so the tail's level is near the dry level.
const INPUT_GAIN: f32 = 0.015 * 2.0;

struct Comb {
    ring: Ring,
    len: usize,
    low: f32,
}

impl Comb {
    #[inline]
    fn tick(&mut self, x: f32, feedback: f32, damp: f32) -> f32 {
        let y = self.ring.read(self.len);
        self.low = y + (self.low - y) * damp;
        self.ring.push(x + self.low * feedback);
        y
    }
}

struct AllPass {
    ring: Ring,
    len: usize,
}

impl AllPass {
    #[inline]
    fn tick(&mut self, x: f32) -> f32 {
        let b = self.ring.read(self.len);
        self.ring.push(x + b * 0.5);
        b - x
    }
}

struct Side {
    combs: Vec<Comb>,
    allpasses: Vec<AllPass>,
}

impl Side {
    fn new(scale: f32, extra: usize) -> Self {
        let len = |l: usize| (((l + extra) as f32) * scale) as usize;
        Self {
            combs: COMBS
                .iter()
                .map(|&l| Comb {
                    ring: Ring::new(len(l) + 1),
                    len: len(l),
                    low: 0.0,
                })
                .collect(),
            allpasses: ALLPASSES
                .iter()
                .map(|&l| AllPass {
                    ring: Ring::new(len(l) + 1),
                    len: len(l),
                })
                .collect(),
        }
    }

    fn copy_from(&mut self, other: &Side) {
        for (a, b) in self.combs.iter_mut().zip(&other.combs) {
            a.ring.copy_from(&b.ring);
            a.low = b.low;
        }
        for (a, b) in self.allpasses.iter_mut().zip(&other.allpasses) {
            a.ring.copy_from(&b.ring);
        }
    }

    fn clear(&mut self) {
        for c in &mut self.combs {
            c.ring.clear();
            c.low = 0.0;
        }
        for a in &mut self.allpasses {
            a.ring.clear();
        }
    }

    #[inline]
    fn tick(&mut self, x: f32, feedback: f32, damp: f32) -> f32 {
        let mut y = 0.0;
        for c in &mut self.combs {
            y += c.tick(x, feedback, damp);
        }
        for a in &mut self.allpasses {
            y = a.tick(y);
        }
        if y.is_finite() { y } else { 0.0 }
    }
}

/// Inputs `in`, `size` (0..1), `damp` (0..1), `mix` (0..1). Outputs left, right.
pub struct Reverb {
    left: Side,
    right: Side,
}

impl Reverb {
    /// The bytes both sides' combs and allpasses hold at `sample_rate` (rings round up to powers of two).
    pub fn bytes(sample_rate: f32) -> usize {
        let scale = sample_rate / 44_100.0;
        let ring = |l: usize| ((l as f32 * scale) as usize + 1).max(4).next_power_of_two() * 4;
        [0, SPREAD]
            .iter()
            .map(|&extra| COMBS.iter().chain(&ALLPASSES).map(|&l| ring(l + extra)).sum::<usize>())
            .sum()
    }

    pub fn new(sample_rate: f32) -> Self {
        let scale = sample_rate / 44_100.0;
        Self {
            left: Side::new(scale, 0),
            right: Side::new(scale, SPREAD),
        }
    }
}

impl Processor for Reverb {
    fn copy_state(&mut self, other: &dyn Processor) {
        if let Some(o) = other.as_any().downcast_ref::<Self>() {
            self.left.copy_from(&o.left);
            self.right.copy_from(&o.right);
        }
    }

    fn reset(&mut self) {
        self.left.clear();
        self.right.clear();
    }

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let (x, size, damp, mix) = (input(ins, 0, n), input(ins, 1, n), input(ins, 2, n), input(ins, 3, n));
        let [l, r, ..] = outs else { return };
        for i in 0..n.min(x.len()).min(size.len()).min(damp.len()).min(mix.len()) {
            let feedback = 0.7 + 0.28 * size[i].clamp(0.0, 1.0);
            let d = damp[i].clamp(0.0, 1.0) * 0.4;
            let m = mix[i].clamp(0.0, 1.0);
            let input = x[i] * INPUT_GAIN;
            let wl = self.left.tick(input, feedback, d);
            let wr = self.right.tick(input, feedback, d);
            l[i] = x[i] * (1.0 - m) + wl * m;
            r[i] = x[i] * (1.0 - m) + wr * m;
        }
    }
}
