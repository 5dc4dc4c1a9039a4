//! White and pink noise from a seeded xorshift generator, so renders are repeatable. `process`: audio thread.

use super::{Block, Ctx, Processor, output};

#[derive(Clone)]
pub struct Noise {
    state: u32,
    pink: bool,
    b: [f32; 7],
}

impl Noise {
    pub fn new(seed: u64, pink: bool) -> Self {
        // Mix the 64-bit seed down; xorshift must never start at 0.
        let s = (seed ^ (seed >> 32)) as u32;
        Self {
            state: if s == 0 { 0x9E37_79B9 } else { s },
            pink,
            b: [0.0; 7],
        }
    }

    #[inline]
    fn white(&mut self) -> f32 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.state = x;
        (x >> 8) as f32 * (2.0 / 16_777_216.0) - 1.0
    }

    /// Paul Kellet's refined pink filter; scaled to peak near ±1.
    #[inline]
    fn pink(&mut self, w: f32) -> f32 {
        let b = &mut self.b;
        b[0] = 0.998_86 * b[0] + w * 0.055_517_9;
        b[1] = 0.993_32 * b[1] + w * 0.075_075_9;
        b[2] = 0.969_00 * b[2] + w * 0.153_852;
        b[3] = 0.866_50 * b[3] + w * 0.310_485_6;
        b[4] = 0.550_00 * b[4] + w * 0.532_952_2;
        b[5] = -0.761_6 * b[5] - w * 0.016_898_0;
        let y = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + w * 0.5362;
        b[6] = w * 0.115_926;
        y * 0.11
    }
}

impl Processor for Noise {
    crate::plain_state!(|s| Self {
        b: [0.0; 7],
        ..s.clone()
    });

    fn process(&mut self, ctx: &Ctx, _ins: &[&[f32]], outs: &mut [Block]) {
        let Some(out) = output(outs, 0, ctx.frames) else {
            return;
        };
        for o in out {
            let w = self.white();
            *o = if self.pink { self.pink(w) } else { w };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_noise_and_pink_is_darker() {
        let ctx = Ctx::new(48_000.0, 64, 0.0, 120.0);
        let run = |seed, pink| {
            let mut n = Noise::new(seed, pink);
            let mut outs = [[0.0; 64]];
            let mut v = Vec::new();
            for _ in 0..100 {
                n.process(&ctx, &[], &mut outs);
                v.extend_from_slice(&outs[0]);
            }
            v
        };
        assert_eq!(run(7, false), run(7, false));
        assert_ne!(run(7, false), run(8, false));
        // Pink has far less sample-to-sample change than white.
        let diff = |v: &[f32]| v.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f32>();
        assert!(diff(&run(1, true)) < diff(&run(1, false)) / 4.0);
        assert!(run(1, true).iter().all(|v| v.abs() <= 1.0));
    }
}
