//! Runaway detection for nodes on a feedback loop: a loop whose level keeps growing above full scale is muted as
//! soon as the growth shows (within one 50 ms window), instead of blasting until it reaches an absolute limit. Only
//! loop members are watched: nothing else can run away, and control signals (a cutoff in Hz) may be large and
//! jump without being faults. Real-time: `observe` runs on the audio thread.

/// Watched windows last this long.
const WINDOW_SECONDS: f32 = 0.05;
/// Growing is only a fault above this RMS (twice full scale): a loop settling at an audio level is fine.
const FLOOR_RMS: f32 = 2.0;
/// Growth of the level from one window to the next that counts as running away (+2 dB).
const RATIO: f32 = 1.25;
/// A loop member above this RMS is a fault however steady it is (no sane loop carries it; Hz stay far below).
const LOOP_CEILING_RMS: f32 = 1e5;

/// What a block says about a loop member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Fine,
    /// The loop's level keeps rising above full scale: open the loop.
    Growing,
    /// This node alone is far beyond anything a loop carries: mute it.
    TooLoud,
}

/// The loudest block of the current and the previous window, as mean squares.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Growth {
    /// Which loop of the graph the node is on.
    pub loop_id: u32,
    /// Everything reaching it comes round the loop: the best place to open the loop.
    pub only_feedback: bool,
    frames: u32,
    now: f32,
    before: f32,
    /// Frames left during which growth is not judged (after another member of a loop was muted).
    hold: u32,
}

impl Growth {
    pub fn new(loop_id: u32, only_feedback: bool) -> Self {
        Self {
            loop_id,
            only_feedback,
            ..Self::default()
        }
    }

    /// Carry on the measurements of the node this one continues across a swap; which loop it is on, and where,
    /// belong to the new graph. Real-time.
    pub fn continue_from(&mut self, old: &Growth) {
        *self = Self {
            loop_id: self.loop_id,
            only_feedback: self.only_feedback,
            ..*old
        };
    }

    /// The loudest block of the window so far (mean square): a loop is opened at its loudest member.
    pub fn level(&self) -> f32 {
        self.now.max(self.before)
    }

    /// Take one block's mean square and judge it. Real-time.
    #[inline]
    pub fn observe(&mut self, mean_square: f32, frames: usize, sample_rate: f32) -> Verdict {
        self.now = self.now.max(mean_square);
        self.frames += frames as u32;
        self.hold = self.hold.saturating_sub(frames as u32);
        let verdict = if mean_square > LOOP_CEILING_RMS * LOOP_CEILING_RMS {
            Verdict::TooLoud
        } else if self.hold == 0
            && self.before > 0.0
            && self.now > FLOOR_RMS * FLOOR_RMS
            && self.now > self.before * RATIO * RATIO
        {
            Verdict::Growing
        } else {
            Verdict::Fine
        };
        if self.frames as f32 >= WINDOW_SECONDS * sample_rate {
            self.before = self.now;
            self.now = 0.0;
            self.frames = 0;
        }
        verdict
    }

    /// Another member of a loop was muted for growing: the loop is open now, but what its delays still hold plays
    /// out for a while and may look like growth. Judge only the absolute ceiling for the next `seconds`. Real-time.
    pub fn hold(&mut self, seconds: f32, sample_rate: f32) {
        *self = Self {
            loop_id: self.loop_id,
            only_feedback: self.only_feedback,
            hold: (seconds * sample_rate) as u32,
            ..Self::default()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(g: &mut Growth, level: f32, blocks: usize) -> bool {
        (0..blocks).any(|_| g.observe(level * level, 64, 48_000.0) != Verdict::Fine)
    }

    #[test]
    fn steady_or_quiet_loops_pass_and_growth_above_full_scale_is_caught_within_a_window() {
        let mut g = Growth::default();
        assert!(!feed(&mut g, 440.0, 200), "a steady loop carrying Hz");
        assert!(
            !feed(&mut g, 0.5, 50) && !feed(&mut g, 1.0, 50),
            "growth below full scale"
        );
        let mut g = Growth::default();
        assert!(!feed(&mut g, 1.5, 40));
        // An echo 1.5 times louder arrives: caught in the same window.
        assert!(feed(&mut g, 2.25, 1));
        assert_eq!(
            Growth::default().observe(1e11, 64, 48_000.0),
            Verdict::TooLoud,
            "the loop ceiling"
        );
    }
}
