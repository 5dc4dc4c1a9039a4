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
    /// The session as last seen (`None` until the first look).
    state: Option<link::LinkState>,
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
            state: None,
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
        l.state = Some(state);
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

    /// Where the tempo comes from now, when not from the patch.
    pub fn tempo_source(&self) -> Option<TempoSource> {
        if let Some(l) = &self.link {
            return Some(l.state.map_or(TempoSource::Waiting, TempoSource::Link));
        }
        let c = self.clock.as_ref()?;
        let (bpm, lost) = c.follower.state(crate::dsp::midi::input::now_micros());
        Some(match (bpm, lost, c.running) {
            (None, _, _) => TempoSource::Waiting,
            (Some(_), _, false) => TempoSource::Stopped,
            (Some(b), true, _) => TempoSource::Lost(b),
            (Some(b), false, _) => TempoSource::Clock(b),
        })
    }

    /// The status bar's words for it: `clock 120.0`, `clock lost: 120.0`, `link 120.0 · 2 peers · 3/4`, ….
    pub fn clock_status(&self) -> Option<String> {
        self.tempo_source().map(|t| t.to_string())
    }
}

/// Where the tempo comes from when an external clock or Link rules it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TempoSource {
    /// Following, and nothing has arrived yet.
    Waiting,
    Clock(f64),
    /// The clock stopped coming: its last tempo holds.
    Lost(f64),
    Stopped,
    Link(link::LinkState),
}

impl TempoSource {
    /// The tempo, when there is one.
    pub fn bpm(&self) -> Option<f64> {
        match self {
            TempoSource::Clock(b) | TempoSource::Lost(b) => Some(*b),
            TempoSource::Link(l) => Some(l.tempo),
            TempoSource::Waiting | TempoSource::Stopped => None,
        }
    }

    /// Worth a line in a log after `last`: another state, or a tempo a tenth of a bpm away (the beat moving within
    /// the bar, or a peer's jitter, is not news).
    pub fn news_after(&self, last: Option<&TempoSource>) -> bool {
        let Some(last) = last else { return true };
        if std::mem::discriminant(self) != std::mem::discriminant(last) {
            return true;
        }
        let peers = |t: &TempoSource| match t {
            TempoSource::Link(l) => Some(l.peers),
            _ => None,
        };
        match (self.bpm(), last.bpm()) {
            (Some(a), Some(b)) => (a - b).abs() >= 0.1 || peers(self) != peers(last),
            _ => false,
        }
    }
}

impl std::fmt::Display for TempoSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TempoSource::Waiting => f.write_str("clock: waiting"),
            TempoSource::Clock(b) => write!(f, "clock {b:.1}"),
            TempoSource::Lost(b) => write!(f, "clock lost: {b:.1}"),
            TempoSource::Stopped => f.write_str("clock stopped"),
            TempoSource::Link(l) => f.write_str(&link::describe(l, LINK_QUANTUM)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_new_state_or_a_tenth_of_a_bpm_is_news() {
        let link = |tempo, beat, peers| {
            TempoSource::Link(link::LinkState {
                tempo,
                beat,
                playing: true,
                peers,
            })
        };
        assert!(TempoSource::Clock(120.0).news_after(None));
        assert!(!TempoSource::Clock(120.05).news_after(Some(&TempoSource::Clock(120.0))));
        assert!(TempoSource::Clock(120.2).news_after(Some(&TempoSource::Clock(120.0))));
        assert!(TempoSource::Lost(120.0).news_after(Some(&TempoSource::Clock(120.0))));
        assert!(
            !link(120.0, 3.5, 2).news_after(Some(&link(120.0, 1.0, 2))),
            "the beat moving is not news"
        );
        assert!(
            link(120.0, 3.5, 3).news_after(Some(&link(120.0, 1.0, 2))),
            "a peer joining is"
        );
        assert_eq!(TempoSource::Lost(98.04).to_string(), "clock lost: 98.0");
    }
}
