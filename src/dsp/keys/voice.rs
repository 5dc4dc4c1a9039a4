//! One voice of a `midi` source: the note it plays, its gate and velocity, and the short fade that hands a stolen
//! voice to its new note without a click. Plain data; audio thread.

/// A voice's state. `Copy`, so a hot swap copies every voice without allocating.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Voice {
    pub note: u8,
    /// The pitch sounding, in semitones (it glides to `note` in mono with `glide=`).
    pitch: f32,
    pub vel: f32,
    pub gate: bool,
    /// Released while the sustain pedal was down: the gate stays up until the pedal lifts.
    pub sustained: bool,
    pub press: f32,
    /// When it was last struck and released (sample clock), for choosing which voice to take.
    pub started: u64,
    pub released: u64,
    used: bool,
    /// A note waiting for the voice to fade out (a steal).
    pending: Option<(u8, f32)>,
    amp: f32,
    /// Frames left of the fade out (then the pending note starts) and of the fade in.
    fade_out: u32,
    fade_in: u32,
    fade_len: u32,
}

impl Voice {
    pub const IDLE: Self = Self {
        note: 0,
        pitch: 0.0,
        vel: 0.0,
        gate: false,
        sustained: false,
        press: 0.0,
        started: 0,
        released: 0,
        used: false,
        pending: None,
        amp: 1.0,
        fade_out: 0,
        fade_in: 0,
        fade_len: 0,
    };

    /// Held, or about to be.
    pub fn active(&self) -> bool {
        self.gate || self.pending.is_some()
    }

    /// Strike `note`. A voice that has sounded fades out over `fade` frames first, then the note fades in.
    pub fn start(&mut self, note: u8, vel: f32, fade: u32, now: u64) {
        if self.used && fade > 0 {
            self.pending = Some((note, vel));
            self.gate = false;
            self.sustained = false;
            self.fade_len = fade;
            self.fade_out = fade.saturating_sub(((1.0 - self.amp) * fade as f32) as u32).max(1);
            self.fade_in = 0;
            self.started = now;
            return;
        }
        self.play(note, vel, false, now);
    }

    /// Play `note` at once; `legato` keeps the gate up (mono: a new key while one is held).
    pub fn play(&mut self, note: u8, vel: f32, legato: bool, now: u64) {
        if !self.used || !legato {
            self.pitch = f32::from(note);
        }
        self.note = note;
        self.vel = vel;
        self.gate = true;
        self.sustained = false;
        self.used = true;
        if !legato {
            self.started = now;
        }
    }

    pub fn release(&mut self, now: u64) {
        if self.gate || self.sustained || self.pending.is_some() {
            self.released = now;
        }
        self.gate = false;
        self.sustained = false;
        // A note still waiting for the fade is let go before it starts.
        self.pending = None;
    }

    /// Whether `note` plays here, or waits to.
    pub fn plays(&self, note: u8) -> bool {
        (self.gate && self.note == note) || self.pending.is_some_and(|(n, _)| n == note)
    }

    /// Frames `from..to` of this voice's seven outputs. `glide` is the per-frame pitch coefficient (1: none).
    pub fn render(
        &mut self,
        o: &mut [[f32; super::super::MAX_BLOCK]],
        from: usize,
        to: usize,
        bend: f32,
        press: f32,
        glide: f32,
    ) {
        if from >= to {
            return;
        }
        let steady = self.fade_out == 0 && self.fade_in == 0 && (glide >= 1.0 || self.pitch == f32::from(self.note));
        if steady {
            self.pitch = f32::from(self.note);
            for (out, v) in o.iter_mut().zip(self.outputs(bend, press)) {
                out[from..to].fill(v);
            }
            return;
        }
        for i in from..to {
            self.step(glide);
            for (out, v) in o.iter_mut().zip(self.outputs(bend, press)) {
                out[i] = v;
            }
        }
    }

    /// The seven outputs now: freq, gate, vel, note, bend, press, the allocator's fade.
    fn outputs(&self, bend: f32, press: f32) -> [f32; 7] {
        [
            hz(self.pitch + bend),
            f32::from(u8::from(self.gate)),
            self.vel,
            f32::from(self.note),
            bend,
            self.press.max(press),
            self.amp,
        ]
    }

    /// One frame of the fades and the glide.
    fn step(&mut self, glide: f32) {
        if self.fade_out > 0 {
            self.fade_out -= 1;
            self.amp = self.fade_out as f32 / self.fade_len as f32;
            // Let go while fading (no note waiting), it stays silent until the next note fades in.
            if self.fade_out == 0
                && let Some((note, vel)) = self.pending.take()
            {
                let started = self.started;
                self.play(note, vel, false, started);
                self.fade_in = self.fade_len;
            }
        } else if self.fade_in > 0 {
            self.fade_in -= 1;
            self.amp = 1.0 - self.fade_in as f32 / self.fade_len as f32;
        }
        self.pitch += (f32::from(self.note) - self.pitch) * glide;
        if (self.pitch - f32::from(self.note)).abs() < 1e-4 {
            self.pitch = f32::from(self.note);
        }
    }
}

/// A MIDI pitch (with fractions) in Hz.
fn hz(pitch: f32) -> f32 {
    440.0 * ((pitch - 69.0) / 12.0).exp2()
}
