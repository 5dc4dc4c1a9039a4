//! The session's side of an external clock: clock messages drained from the MIDI threads into a `Follower`, its
//! decisions sent to the engine's transport, and a line for the screen. Control thread.

use super::Session;
use crate::clock::follow::{Follower, Transport};
use crate::engine::ToAudio;
use std::sync::mpsc::Receiver;

pub struct ClockIn {
    rx: Receiver<crate::clock::Stamped>,
    follower: Follower,
    running: bool,
}

impl ClockIn {
    pub fn listen() -> Self {
        Self {
            rx: crate::clock::listen(),
            follower: Follower::new(),
            running: true,
        }
    }

    /// What the messages that arrived since the last call ask of the transport.
    pub fn drain(&mut self) -> Vec<Transport> {
        let mut out = Vec::new();
        // Bounded per tick, so a flood cannot hold the control thread.
        for (micros, bytes) in self.rx.try_iter().take(10_000) {
            self.follower.feed(micros, &bytes, &mut out);
        }
        for t in &out {
            if let Transport::Run(r) = t {
                self.running = *r;
            }
        }
        out
    }
}

pub fn to_audio(t: Transport) -> ToAudio {
    match t {
        Transport::Tempo(bpm) => ToAudio::Tempo(bpm),
        Transport::Locate(beat) => ToAudio::Locate(beat),
        Transport::Run(r) => ToAudio::Run(r),
    }
}

impl Session {
    /// The clock's state for the status bar: `clock 120.0` (following), `clock lost: 120.0` (holding),
    /// `clock stopped`, `clock: waiting`; `None` without `--clock-in`.
    pub fn clock_status(&self) -> Option<String> {
        let c = self.clock.as_ref()?;
        let (bpm, lost) = c.follower.state(crate::dsp::midi::input::now_micros());
        Some(match (bpm, lost, c.running) {
            (None, _, _) => "clock: waiting".into(),
            (Some(_), _, false) => "clock stopped".into(),
            (Some(b), true, _) => format!("clock lost: {b:.1}"),
            (Some(b), false, _) => format!("clock {b:.1}"),
        })
    }
}
