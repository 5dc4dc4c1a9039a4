//! A feedback delay with a modulatable, fractional (linearly interpolated) time, and the comb/all-pass lines the
//! reverb is built from. The ring is allocated when the graph is built, never in `process` (audio thread).

use super::{Block, Ctx, Processor, input, output};

/// A power-of-two ring buffer of samples.
pub struct Ring {
    buf: Vec<f32>,
    mask: usize,
    write: usize,
}

impl Ring {
    pub fn new(min_len: usize) -> Self {
        let len = min_len.max(4).next_power_of_two();
        Self {
            buf: vec![0.0; len],
            mask: len - 1,
            write: 0,
        }
    }

    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// The sample written `delay` samples ago (fractional, `delay` ≥ 1).
    #[inline]
    pub fn read_frac(&self, delay: f32) -> f32 {
        let whole = delay as usize;
        let frac = delay - whole as f32;
        let i0 = self.write.wrapping_sub(whole) & self.mask;
        let i1 = self.write.wrapping_sub(whole + 1) & self.mask;
        let (a, b) = (self.buf[i0], self.buf[i1]);
        a + (b - a) * frac
    }

    /// The sample written exactly `delay` samples ago.
    #[inline]
    pub fn read(&self, delay: usize) -> f32 {
        self.buf[self.write.wrapping_sub(delay) & self.mask]
    }

    /// Take over another ring's contents; a no-op unless both are the same size, so it never allocates.
    pub fn copy_from(&mut self, other: &Ring) {
        if self.buf.len() == other.buf.len() {
            self.buf.copy_from_slice(&other.buf);
            self.write = other.write;
        }
    }

    pub fn clear(&mut self) {
        self.buf.fill(0.0);
    }

    #[inline]
    pub fn push(&mut self, x: f32) {
        self.write = (self.write + 1) & self.mask;
        self.buf[self.write] = x;
    }
}

/// Inputs `in`, `time` (s), `feedback`, `mix`. Output: in·(1−mix) + echo·mix.
pub struct Delay {
    ring: Ring,
    sr: f32,
}

impl Delay {
    pub fn new(sample_rate: f32, max_seconds: f32) -> Self {
        Self {
            ring: Ring::new(Self::length(sample_rate, max_seconds)),
            sr: sample_rate,
        }
    }

    fn length(sample_rate: f32, max_seconds: f32) -> usize {
        (max_seconds.clamp(0.01, 60.0) * sample_rate) as usize + 4
    }

    /// The bytes a delay line of `max_seconds` holds (its ring rounds up to a power of two).
    pub fn bytes(sample_rate: f32, max_seconds: f32) -> usize {
        Self::length(sample_rate, max_seconds).max(4).next_power_of_two() * std::mem::size_of::<f32>()
    }

    /// The bytes this one's ring holds.
    pub fn ring_bytes(&self) -> usize {
        self.ring.capacity() * std::mem::size_of::<f32>()
    }
}

impl Processor for Delay {
    fn copy_state(&mut self, other: &dyn Processor) {
        if let Some(o) = other.as_any().downcast_ref::<Self>() {
            self.ring.copy_from(&o.ring);
        }
    }

    fn reset(&mut self) {
        self.ring.clear();
    }

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let (x, time, fb, mix) = (input(ins, 0, n), input(ins, 1, n), input(ins, 2, n), input(ins, 3, n));
        let Some(out) = output(outs, 0, n) else {
            return;
        };
        let longest = (self.ring.capacity() - 3) as f32;
        for ((((o, &x), &t), &fb), &m) in out.iter_mut().zip(x).zip(time).zip(fb).zip(mix) {
            // `push` happens after the read, so a delay of d reads what was written d samples ago.
            let d = (t * self.sr).clamp(1.0, longest);
            let wet = self.ring.read_frac(d - 1.0);
            let mut w = x + wet * fb.clamp(-0.99, 0.99);
            if !w.is_finite() {
                w = 0.0;
            }
            self.ring.push(w);
            let m = m.clamp(0.0, 1.0);
            *o = x * (1.0 - m) + wet * m;
        }
    }
}
