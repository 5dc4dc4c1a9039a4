//! The engine's mailbox: taking messages from the control thread (swaps, commands) and sending back what it is done
//! with, parking returns when the ring is full (invariant 3). Audio thread; allocates nothing.

use super::{Cmd, Engine, FromAudio, ToAudio};

impl Engine {
    /// Take new messages. A swap replaces any swap still waiting (latest wins).
    pub(super) fn receive(&mut self) {
        while let Ok(msg) = self.rx.pop() {
            match msg {
                ToAudio::Swap(swap) => {
                    if let Some(older) = self.pending.replace(swap) {
                        self.send_back(FromAudio::Unused(older));
                    }
                }
                ToAudio::Panic => {
                    self.muted = true;
                    self.tails_cleared = false;
                    self.master.set_muted(true, self.sample_rate);
                    self.applied(Cmd::Panic);
                }
                ToAudio::Resume => {
                    self.muted = false;
                    self.master.set_muted(false, self.sample_rate);
                    self.applied(Cmd::Resume);
                }
                ToAudio::Volume(gain) => {
                    self.master.set_volume(gain);
                    self.applied(Cmd::Volume(gain));
                }
                ToAudio::Scope(tap) => self.scope_tap = tap,
                ToAudio::Tempo(bpm) => {
                    self.tempo_locked = true;
                    self.set_tempo(bpm);
                    self.applied(Cmd::Tempo(bpm));
                }
                ToAudio::Locate(beat) => {
                    self.beat_origin = beat;
                    self.frames = 0;
                    self.applied(Cmd::Locate(beat));
                }
                ToAudio::Run(run) => {
                    self.stopped = !run;
                    self.clock_byte(0, if run { 0xFB } else { 0xFC });
                    self.applied(Cmd::Run(run));
                }
                ToAudio::Capture(tx) => {
                    self.capture = Some(tx);
                    self.applied(Cmd::Capture);
                }
                ToAudio::ClockOut(tx) => {
                    self.clock_out = Some(tx);
                    self.clock_byte(0, 0xFA);
                }
                ToAudio::Cancel { version } => {
                    if self.pending.as_ref().is_some_and(|s| s.version == version)
                        && let Some(swap) = self.pending.take()
                    {
                        self.send_back(FromAudio::Unused(swap));
                    }
                }
            }
            if !self.parked.is_empty() {
                break;
            }
        }
    }

    pub(super) fn send_back(&mut self, msg: FromAudio) {
        if !self.parked.is_empty() {
            self.park(msg);
            return;
        }
        if let Err(rtrb::PushError::Full(msg)) = self.tx.push(msg) {
            self.park(msg);
        }
    }

    fn park(&mut self, msg: FromAudio) {
        if self.parked.len() < self.parked.capacity() {
            self.parked.push(msg);
        } else if matches!(msg, FromAudio::Retired(_) | FromAudio::Unused(_)) {
            // Unreachable while invariant 3 holds; leaking beats freeing on the audio thread.
            std::mem::forget(msg);
        }
    }

    pub(super) fn flush_parked(&mut self) {
        while !self.parked.is_empty() && self.tx.slots() > 0 {
            let msg = self.parked.remove(0);
            if let Err(rtrb::PushError::Full(msg)) = self.tx.push(msg) {
                self.parked.insert(0, msg);
                break;
            }
        }
    }
}
