//! The master section after the graph: NaN/inf scrubbing, DC blocking, a peak limiter with a hard ceiling, the soft
//! start and the panic fade. Real-time: audio thread.

/// Master settings, fixed when the engine is made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MasterConfig {
    /// Output never exceeds this (linear); `None` turns the limiter off.
    pub ceiling: Option<f32>,
    pub dc_block: bool,
    /// Fade-in when the engine starts, in seconds.
    pub soft_start: f32,
}

impl MasterConfig {
    /// Protection on: −1 dBFS ceiling, DC blocker, 50 ms soft start.
    pub fn protected() -> Self {
        Self {
            ceiling: Some(0.891_250_9),
            dc_block: true,
            soft_start: 0.05,
        }
    }

    /// Nothing between the graph and the output (for measuring DSP).
    pub fn raw() -> Self {
        Self {
            ceiling: None,
            dc_block: false,
            soft_start: 0.0,
        }
    }
}

pub struct Master {
    config: MasterConfig,
    dc_x: [f32; 2],
    dc_y: [f32; 2],
    dc_r: f32,
    gain: f32,
    release: f32,
    /// Output level 0..1 (soft start, panic).
    level: f32,
    level_step: f32,
    target: f32,
    /// The performer's master volume (linear), gliding to `volume_target` so a change never clicks.
    volume: f32,
    volume_target: f32,
    volume_k: f32,
}

impl Master {
    pub fn new(config: MasterConfig, sample_rate: f32) -> Self {
        let start = if config.soft_start > 0.0 { 0.0 } else { 1.0 };
        Self {
            config,
            dc_x: [0.0; 2],
            dc_y: [0.0; 2],
            // A 5 Hz one-pole highpass.
            dc_r: 1.0 - std::f32::consts::TAU * 5.0 / sample_rate,
            gain: 1.0,
            // Limiter recovers with a 80 ms time constant.
            release: 1.0 - (-1.0 / (0.08 * sample_rate)).exp(),
            level: start,
            level_step: 1.0 / (config.soft_start.max(1e-3) * sample_rate),
            target: 1.0,
            volume: 1.0,
            volume_target: 1.0,
            // A 10 ms glide.
            volume_k: 1.0 - (-1.0 / (0.01 * sample_rate)).exp(),
        }
    }

    /// Fade out in 5 ms (panic) or back in.
    pub fn set_muted(&mut self, muted: bool, sample_rate: f32) {
        self.target = if muted { 0.0 } else { 1.0 };
        self.level_step = 1.0 / (0.005 * sample_rate);
    }

    /// Forget what a faulted node left in the DC blocker and the limiter, so the sound after a mute is not offset
    /// or ducked by it for seconds. Real-time.
    pub fn clear(&mut self) {
        self.dc_x = [0.0; 2];
        self.dc_y = [0.0; 2];
        self.gain = 1.0;
    }

    /// Set the master volume (linear gain); it glides there. Real-time.
    pub fn set_volume(&mut self, gain: f32) {
        if gain.is_finite() {
            self.volume_target = gain.clamp(0.0, 4.0);
        }
    }

    /// Whether `frame` can change anything: protection is on, or the level or volume is not simply 1.
    pub fn is_active(&self) -> bool {
        self.config.ceiling.is_some()
            || self.config.dc_block
            || self.level != 1.0
            || self.target != 1.0
            || self.volume != 1.0
            || self.volume_target != 1.0
    }

    /// True once a panic fade has reached silence.
    pub fn is_silent(&self) -> bool {
        self.target == 0.0 && self.level == 0.0
    }

    /// Process one stereo frame in place; returns the limiter's gain.
    #[inline]
    pub fn frame(&mut self, l: &mut f32, r: &mut f32) -> f32 {
        let mut s = [*l, *r];
        for (c, x) in s.iter_mut().enumerate() {
            if !x.is_finite() {
                *x = 0.0;
                self.dc_x[c] = 0.0;
                self.dc_y[c] = 0.0;
            }
            if self.config.dc_block {
                let y = *x - self.dc_x[c] + self.dc_r * self.dc_y[c];
                self.dc_x[c] = *x;
                self.dc_y[c] = y;
                *x = y;
            }
        }
        if self.level != self.target {
            self.level = if self.level < self.target {
                (self.level + self.level_step).min(self.target)
            } else {
                (self.level - self.level_step).max(self.target)
            };
        }
        if self.volume != self.volume_target {
            self.volume += (self.volume_target - self.volume) * self.volume_k;
            // Within -80 dB of the target the last step is inaudible.
            if (self.volume - self.volume_target).abs() < 1e-4 {
                self.volume = self.volume_target;
            }
        }
        s[0] *= self.level * self.volume;
        s[1] *= self.level * self.volume;
        if let Some(ceiling) = self.config.ceiling {
            // Instant attack guarantees the ceiling; the release is smooth.
            let peak = s[0].abs().max(s[1].abs());
            let want = if peak > ceiling { ceiling / peak } else { 1.0 };
            self.gain = if want < self.gain {
                want
            } else {
                self.gain + (want - self.gain) * self.release
            };
            s[0] = (s[0] * self.gain).clamp(-ceiling, ceiling);
            s[1] = (s[1] * self.gain).clamp(-ceiling, ceiling);
        }
        (*l, *r) = (s[0], s[1]);
        self.gain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ceiling_holds_and_garbage_becomes_silence() {
        let mut m = Master::new(
            MasterConfig {
                soft_start: 0.0,
                ..MasterConfig::protected()
            },
            48_000.0,
        );
        let (mut l, mut r) = (4.0, -3.0);
        m.frame(&mut l, &mut r);
        assert!(l.abs() <= 0.891_251 && r.abs() <= 0.891_251);
        let (mut l, mut r) = (f32::NAN, f32::INFINITY);
        m.frame(&mut l, &mut r);
        assert_eq!((l, r), (0.0, 0.0));
    }

    #[test]
    fn the_master_volume_glides_without_a_step() {
        let mut m = Master::new(MasterConfig::raw(), 48_000.0);
        assert!(!m.is_active());
        m.set_volume(0.5);
        assert!(m.is_active());
        let mut last = 1.0f32;
        for _ in 0..4_800 {
            let (mut l, mut r) = (1.0, 1.0);
            m.frame(&mut l, &mut r);
            assert!((last - l).abs() < 0.01, "a step from {last} to {l}");
            last = l;
        }
        assert_eq!(last, 0.5);
        m.set_volume(f32::NAN);
        let (mut l, mut r) = (1.0, 1.0);
        m.frame(&mut l, &mut r);
        assert_eq!(l, 0.5, "a NaN volume is ignored");
    }

    #[test]
    fn soft_start_and_panic_fade() {
        let sr = 48_000.0;
        let mut m = Master::new(
            MasterConfig {
                ceiling: None,
                dc_block: false,
                soft_start: 0.01,
            },
            sr,
        );
        let run = |m: &mut Master, n: usize| {
            let mut last = 0.0;
            for _ in 0..n {
                let (mut l, mut r) = (0.5, 0.5);
                m.frame(&mut l, &mut r);
                last = l;
            }
            last
        };
        assert!(run(&mut m, 10) < 0.02);
        assert_eq!(run(&mut m, 480), 0.5);
        m.set_muted(true, sr);
        assert_eq!(run(&mut m, 250), 0.0);
        assert!(m.is_silent());
    }
}
