//! Playing the patch language from a keyboard: `midi` (notes, allocated to voices), the voices' sum, and `cc`
//! (controllers). The compiler copies whatever depends on a `midi` source once per voice (`compile::voices`); this
//! room holds what runs. `process` runs on the audio thread and allocates nothing.

pub mod cc;
pub mod defs;
pub mod out;
pub mod route;
pub mod sum;
mod voice;

use super::midi::input::MidiIn;
use super::midi::{Msg, Note};
use super::{Block, Ctx, Processor};
use voice::Voice;

/// Most voices one `midi` source plays.
pub const MAX_VOICES: usize = 32;
/// Outputs per voice: freq, gate, vel, note, bend, press, and the allocator's own fade (`amp`).
pub const PER_VOICE: usize = 7;
/// The fade that keeps a stolen voice from clicking: out, then the new note fades in, each this long.
const STEAL_SECONDS: f32 = 0.003;

/// The `midi` node: notes in, one set of outputs per voice.
pub struct Keys {
    input: MidiIn,
    voices: [Voice; MAX_VOICES],
    count: usize,
    /// 0: every channel; else 1..16.
    channel: u8,
    /// Semitones of a full pitch-bend.
    bend_range: f32,
    /// Seconds a mono voice glides between legato notes (0: none).
    glide: f32,
    sample_rate: f32,
    /// Samples rendered, the clock for "oldest".
    now: u64,
    pedal: bool,
    bend: f32,
    press: f32,
    /// Keys held down, newest last (for mono's last-note priority).
    held: [u8; 128],
    held_count: usize,
}

impl Keys {
    pub fn new(sample_rate: f32, settings: &[f32]) -> Self {
        let get = |k: usize, d: f32| settings.get(k).copied().unwrap_or(d);
        let port = get(4, -1.0) as i32;
        Self {
            input: MidiIn::new(port, sample_rate),
            voices: [Voice::IDLE; MAX_VOICES],
            count: voices_of(settings),
            channel: get(0, 0.0).clamp(0.0, 16.0) as u8,
            bend_range: get(2, 2.0),
            glide: get(3, 0.0).max(0.0),
            sample_rate,
            now: 0,
            pedal: false,
            bend: 0.0,
            press: 0.0,
            held: [0; 128],
            held_count: 0,
        }
    }

    fn hears(&self, m: Msg) -> bool {
        self.channel == 0 || m.status & 0x0F == self.channel - 1
    }

    fn handle(&mut self, m: Msg) {
        if !self.hears(m) {
            return;
        }
        match (m.status & 0xF0, m.note()) {
            (_, Note::On { note, velocity }) => self.note_on(note, f32::from(velocity) / 127.0),
            (_, Note::Off { note }) => self.note_off(note),
            (0xB0, _) => self.control(m.data1, m.data2),
            (0xE0, _) => {
                let v = (i32::from(m.data2) << 7 | i32::from(m.data1)) - 8192;
                self.bend = v as f32 / 8192.0 * self.bend_range;
            }
            (0xD0, _) => self.press = f32::from(m.data1) / 127.0,
            (0xA0, _) => {
                for v in self.voices[..self.count]
                    .iter_mut()
                    .filter(|v| v.note == m.data1 && v.gate)
                {
                    v.press = f32::from(m.data2) / 127.0;
                }
            }
            _ => {}
        }
    }

    fn control(&mut self, cc: u8, value: u8) {
        match cc {
            64 => {
                self.pedal = value >= 64;
                if !self.pedal {
                    let now = self.now;
                    for v in self.voices[..self.count].iter_mut().filter(|v| v.sustained) {
                        v.release(now);
                    }
                }
            }
            // All sound off, all notes off: release everything (tails play out).
            120 | 123 => {
                let now = self.now;
                for v in &mut self.voices[..self.count] {
                    v.release(now);
                }
                self.held_count = 0;
            }
            _ => {}
        }
    }

    fn note_on(&mut self, note: u8, vel: f32) {
        self.hold(note);
        if self.count == 1 {
            let legato = self.voices[0].gate;
            self.voices[0].play(note, vel, legato, self.now);
            return;
        }
        // A key struck again takes its own voice back.
        let k = (0..self.count)
            .find(|&k| self.voices[k].note == note && self.voices[k].active())
            .unwrap_or_else(|| self.choose());
        let fade = (STEAL_SECONDS * self.sample_rate) as u32;
        self.voices[k].start(note, vel, fade, self.now);
    }

    /// Free voice first (never used, or released longest ago), then the oldest held.
    fn choose(&self) -> usize {
        let vs = &self.voices[..self.count];
        (0..self.count)
            .filter(|&k| !vs[k].active())
            .min_by_key(|&k| vs[k].released)
            .or_else(|| (0..self.count).min_by_key(|&k| vs[k].started))
            .unwrap_or(0)
    }

    fn note_off(&mut self, note: u8) {
        self.unhold(note);
        if self.count == 1 {
            // Mono, last-note priority: back to the newest key still held, legato.
            if self.voices[0].note == note && self.voices[0].gate {
                match self.held_count {
                    0 if self.pedal => self.voices[0].sustained = true,
                    0 => self.voices[0].release(self.now),
                    n => {
                        let back = self.held[n - 1];
                        let vel = self.voices[0].vel;
                        self.voices[0].play(back, vel, true, self.now);
                    }
                }
            }
            return;
        }
        let (pedal, now) = (self.pedal, self.now);
        for v in self.voices[..self.count].iter_mut().filter(|v| v.plays(note)) {
            if pedal && v.gate {
                v.sustained = true;
            } else {
                v.release(now);
            }
        }
    }

    fn hold(&mut self, note: u8) {
        self.unhold(note);
        if self.held_count < self.held.len() {
            self.held[self.held_count] = note;
            self.held_count += 1;
        }
    }

    fn unhold(&mut self, note: u8) {
        if let Some(i) = self.held[..self.held_count].iter().position(|&n| n == note) {
            self.held.copy_within(i + 1..self.held_count, i);
            self.held_count -= 1;
        }
    }

    /// Write frames `from..to` of every voice's outputs.
    fn render(&mut self, outs: &mut [Block], from: usize, to: usize) {
        let glide = if self.count == 1 && self.glide > 0.0 {
            // 99% of the way in `glide` seconds.
            1.0 - (-4.6 / (self.glide * self.sample_rate)).exp()
        } else {
            1.0
        };
        for (k, v) in self.voices[..self.count].iter_mut().enumerate() {
            let Some(o) = outs.get_mut(k * PER_VOICE..(k + 1) * PER_VOICE) else {
                return;
            };
            v.render(o, from, to, self.bend, self.press, glide);
        }
    }
}

/// How many voices a `midi` node's settings ask for.
pub fn voices_of(settings: &[f32]) -> usize {
    (settings.get(1).copied().unwrap_or(8.0) as usize).clamp(1, MAX_VOICES)
}

impl Processor for Keys {
    fn process(&mut self, ctx: &Ctx, _ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let start = self.now;
        let mut at = 0;
        while let Some((pos, msg)) = self.input.poll(ctx.frame, n as u64) {
            let pos = pos.max(at);
            self.render(outs, at, pos);
            at = pos;
            self.now = start + pos as u64;
            self.handle(msg);
        }
        self.render(outs, at, n);
        self.input.advance(ctx.frame, n as u64);
        self.now = start + n as u64;
    }

    fn copy_state(&mut self, other: &dyn Processor) {
        if let Some(o) = other.as_any().downcast_ref::<Self>() {
            self.input.copy_state(&o.input);
            self.voices = o.voices;
            self.now = o.now;
            self.pedal = o.pedal;
            self.bend = o.bend;
            self.press = o.press;
            self.held = o.held;
            self.held_count = o.held_count;
        }
    }

    fn reset(&mut self) {
        self.voices = [Voice::IDLE; MAX_VOICES];
        self.held_count = 0;
        self.pedal = false;
    }
}

#[cfg(test)]
mod tests;
