//! The session's side of an external clock: clock messages drained from the MIDI threads into a `Follower`, its
//! decisions sent to the engine's transport, and a line for the screen. Control thread.

use super::Session;
use crate::clock::follow::{Follower, Transport};
use crate::clock::link::{self, LinkSession};
use crate::engine::ToAudio;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

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

/// A Link session being played along with.
pub struct LinkIn {
    session: Box<dyn LinkSession>,
    /// Our transport as last told: tempo and running.
    bpm: f64,
    running: bool,
    last_locate: Option<Instant>,
    status: String,
}

/// Bars of this many beats are shared with the Link session.
const LINK_QUANTUM: f64 = 4.0;

impl Session {
    /// Play along with a Link session (Link proper, or a stand-in): its tempo and phase rule the transport from now
    /// on, and the patch's `bpm` edits are proposed to it.
    pub fn join_link(&mut self, session: Box<dyn LinkSession>) {
        self.link = Some(LinkIn {
            session,
            bpm: 0.0,
            running: true,
            last_locate: None,
            status: "link: joining".into(),
        });
    }

    /// Propose a version's tempo to the Link session, if there is one.
    pub(super) fn propose_tempo(&mut self, bpm: f64, previous: f64) {
        if let Some(l) = &mut self.link
            && bpm != previous
        {
            l.session.propose_tempo(bpm);
        }
    }

    /// Bring the transport in step with the Link session (every tick).
    pub(super) fn follow_link(&mut self, events: &mut Vec<Transport>) {
        let Some(l) = &mut self.link else { return };
        let state = l.session.state(LINK_QUANTUM);
        l.status = link::describe(&state, LINK_QUANTUM);
        let ours = self.handle.telemetry().beat();
        let mut todo = link::align(ours, l.bpm, l.running, &state, LINK_QUANTUM);
        // Joining: take the session's beat itself (its bar count), not only its phase.
        if l.last_locate.is_none() {
            todo.retain(|t| !matches!(t, Transport::Locate(_)));
            todo.push(Transport::Locate(state.beat));
        }
        for t in todo {
            match t {
                Transport::Tempo(b) => l.bpm = b,
                Transport::Run(r) => l.running = r,
                // Moving the beat at most twice a second, so a late meter reading cannot make it hunt.
                Transport::Locate(_) if l.last_locate.is_some_and(|t| t.elapsed() < Duration::from_millis(500)) => {
                    continue;
                }
                Transport::Locate(_) => l.last_locate = Some(Instant::now()),
            }
            let _ = self.handle.send(to_audio(t));
            events.push(t);
        }
    }

    /// The clock's state for the status bar: `clock 120.0` (following), `clock lost: 120.0` (holding),
    /// `clock stopped`, `clock: waiting`; `None` without `--clock-in`.
    pub fn clock_status(&self) -> Option<String> {
        if let Some(l) = &self.link {
            return Some(l.status.clone());
        }
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
