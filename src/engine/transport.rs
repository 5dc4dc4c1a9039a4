//! The engine's transport beyond the graph's own tempo: an external tempo, locating, starting and stopping, MIDI
//! clock out on the frames where the beats fall, and what the set log is told. Audio thread; allocates nothing.

use super::{Cmd, Engine, FromAudio};

impl Engine {
    pub(super) fn applied(&mut self, cmd: Cmd) {
        let frame = self.rendered;
        self.send_back(FromAudio::Applied { frame, cmd });
    }

    /// MIDI clock for the next `frames`: a tick wherever the beat crosses a 24th, on that frame.
    pub(super) fn send_clock(&mut self, frames: usize) {
        if self.clock_out.is_none() || self.stopped {
            return;
        }
        let (b0, bpf) = (self.beat(), self.beats_per_frame());
        let end = b0 + frames as f64 * bpf;
        let mut k = (b0 * 24.0 - 1e-9).ceil();
        while k / 24.0 < end {
            let at = ((k / 24.0 - b0) / bpf).round() as u64;
            self.clock_byte(at, 0xF8);
            k += 1.0;
        }
    }

    pub(super) fn clock_byte(&mut self, at: u64, byte: u8) {
        let frame = self.rendered + at;
        if let Some(tx) = &mut self.clock_out {
            let _ = tx.push(crate::dsp::keys::out::OutMsg::Midi {
                key: 0,
                frame,
                bytes: [byte, 0, 0],
            });
        }
    }

    /// A new tempo from this frame on; the beat carries on from where it is.
    pub(super) fn set_tempo(&mut self, bpm: f64) {
        if bpm > 0.0 && bpm.is_finite() && bpm != self.bpm {
            self.beat_origin = self.beat();
            self.frames = 0;
            self.bpm = bpm;
        }
    }
}
