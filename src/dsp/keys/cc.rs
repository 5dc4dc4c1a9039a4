//! `cc` and `bend`: a controller (or the pitch wheel) as a signal, mapped to a range (linear or exponential) and
//! gliding so a knob never zips. Audio thread.

use crate::dsp::midi::input::MidiIn;
use crate::dsp::{Block, Ctx, Processor};

/// What the node listens to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Controller(u8),
    /// The pitch wheel, −1..1.
    Bend,
}

pub struct Cc {
    input: MidiIn,
    source: Source,
    /// 0: every channel; else 1..16.
    channel: u8,
    min: f32,
    max: f32,
    exp: bool,
    coef: f32,
    /// The controller's position, 0..1 (−1..1 for the wheel).
    raw: f32,
    value: f32,
}

impl Cc {
    /// `cc`: settings are number, ch, min, max, glide, init, port; `choice` 1 is the exponential curve.
    pub fn controller(sample_rate: f32, s: &[f32], choice: usize) -> Self {
        let get = |k: usize, d: f32| s.get(k).copied().unwrap_or(d);
        let source = Source::Controller(get(0, 1.0).clamp(0.0, 127.0) as u8);
        let mut c = Self::new(
            sample_rate,
            source,
            get(6, -1.0),
            (get(2, 0.0), get(3, 1.0)),
            get(4, 0.01),
            choice == 1,
        );
        c.channel = get(1, 0.0).clamp(0.0, 16.0) as u8;
        c.raw = get(5, 0.0);
        c.value = c.target();
        c
    }

    /// `bend`: settings are range (semitones), ch, glide, port.
    pub fn wheel(sample_rate: f32, s: &[f32]) -> Self {
        let get = |k: usize, d: f32| s.get(k).copied().unwrap_or(d);
        let range = get(0, 2.0);
        let mut c = Self::new(
            sample_rate,
            Source::Bend,
            get(3, -1.0),
            (-range, range),
            get(2, 0.01),
            false,
        );
        c.channel = get(1, 0.0).clamp(0.0, 16.0) as u8;
        c
    }

    fn new(sr: f32, source: Source, port: f32, (min, max): (f32, f32), glide: f32, exp: bool) -> Self {
        let mut c = Self {
            input: MidiIn::new(port as i32, sr),
            source,
            channel: 0,
            min,
            max,
            // Exponential needs two ends of one sign.
            exp: exp && min > 0.0 && max > 0.0,
            coef: if glide > 0.0 {
                1.0 - (-1.0 / (glide * sr)).exp()
            } else {
                1.0
            },
            raw: 0.0,
            value: 0.0,
        };
        c.value = c.target();
        c
    }

    fn target(&self) -> f32 {
        match self.source {
            Source::Bend => self.raw * self.max,
            Source::Controller(_) if self.exp => self.min * (self.max / self.min).powf(self.raw),
            Source::Controller(_) => self.min + (self.max - self.min) * self.raw,
        }
    }

    fn handle(&mut self, status: u8, d1: u8, d2: u8) {
        if self.channel != 0 && status & 0x0F != self.channel - 1 {
            return;
        }
        match (self.source, status & 0xF0) {
            (Source::Controller(n), 0xB0) if d1 == n => self.raw = f32::from(d2) / 127.0,
            (Source::Bend, 0xE0) => {
                let v = (i32::from(d2) << 7 | i32::from(d1)) - 8192;
                self.raw = (v as f32 / 8191.0).clamp(-1.0, 1.0);
            }
            _ => {}
        }
    }

    fn render(&mut self, out: &mut [f32]) {
        let t = self.target();
        glide(out, &mut self.value, t, self.coef);
    }
}

/// Fill `out` gliding `now` towards `target` (one pole, `coef` a frame), landing on it exactly once close. Also
/// the `ctl` node's glide. Real-time.
#[inline]
pub fn glide(out: &mut [f32], now: &mut f32, target: f32, coef: f32) {
    if *now == target {
        out.fill(target);
        return;
    }
    for o in out {
        *now += (target - *now) * coef;
        if (*now - target).abs() <= 1e-6 * target.abs().max(1e-3) {
            *now = target;
        }
        *o = *now;
    }
}

impl Processor for Cc {
    fn process(&mut self, ctx: &Ctx, _ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let Some(out) = outs.first_mut() else { return };
        let mut at = 0;
        while let Some((pos, m)) = self.input.poll(ctx.frame, n as u64) {
            let pos = pos.max(at);
            self.render(&mut out[at..pos]);
            at = pos;
            self.handle(m.status, m.data1, m.data2);
        }
        self.render(&mut out[at..n]);
        self.input.advance(ctx.frame, n as u64);
    }

    fn copy_state(&mut self, other: &dyn Processor) {
        if let Some(o) = other.as_any().downcast_ref::<Self>() {
            self.input.copy_state(&o.input);
            self.raw = o.raw;
            // A new range glides from where the old one was.
            self.value = o.value;
        }
    }

    fn reset(&mut self) {}
}
