//! Ableton Link, as our transport sees it: a session's tempo and beat at a moment, and what our transport must do to
//! play in step (take the tempo; move the beat onto the session's phase when it drifts). The session itself is a
//! `LinkSession`: Link proper (with the `link` feature, `rusty_link`), or a stand-in in tests, since no test may
//! announce a session on the network. Pure; control thread.

use super::follow::Transport;

/// What a Link session says at one moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkState {
    pub tempo: f64,
    /// The session's beat at that moment (on its timeline, phase-aligned to the quantum).
    pub beat: f64,
    pub playing: bool,
    pub peers: u64,
}

/// A Link session (or a stand-in).
pub trait LinkSession: Send {
    /// The state now.
    fn state(&mut self, quantum: f64) -> LinkState;
    /// Propose a new session tempo (a `bpm` edit).
    fn propose_tempo(&mut self, bpm: f64);
}

/// Beats our transport may be off the session's phase before it is moved onto it.
const PHASE_SLACK: f64 = 0.02;

/// What our transport (at `our_beat`, `our_bpm`, running or not) must do to be in step with `link`, on bars of
/// `quantum` beats.
pub fn align(our_beat: f64, our_bpm: f64, running: bool, link: &LinkState, quantum: f64) -> Vec<Transport> {
    let mut out = Vec::new();
    if (link.tempo - our_bpm).abs() > 1e-3 && link.tempo > 0.0 {
        out.push(Transport::Tempo(link.tempo));
    }
    if link.playing != running {
        out.push(Transport::Run(link.playing));
    }
    let q = quantum.max(1.0);
    // The phase difference, wrapped to the nearest (never more than half a bar either way).
    let diff = (link.beat - our_beat).rem_euclid(q);
    let diff = if diff > q / 2.0 { diff - q } else { diff };
    if diff.abs() > PHASE_SLACK {
        out.push(Transport::Locate(our_beat + diff));
    }
    out
}

/// The status bar's words: `link 120.0 · 2 peers · 3/4`.
pub fn describe(link: &LinkState, quantum: f64) -> String {
    let q = quantum.max(1.0);
    let beat_in_bar = link.beat.rem_euclid(q).floor() as u64 + 1;
    let peers = match link.peers {
        1 => "1 peer".to_string(),
        n => format!("{n} peers"),
    };
    format!("link {:.1} · {peers} · {beat_in_bar}/{}", link.tempo, q as u64)
}

/// Link proper, through `rusty_link`. Enabling it announces this app on the local network.
#[cfg(feature = "link")]
pub struct AbletonLink {
    link: rusty_link::AblLink,
    state: rusty_link::SessionState,
}

#[cfg(feature = "link")]
impl AbletonLink {
    pub fn join(bpm: f64) -> Self {
        let link = rusty_link::AblLink::new(bpm);
        link.enable(true);
        link.enable_start_stop_sync(true);
        Self {
            link,
            state: rusty_link::SessionState::new(),
        }
    }
}

#[cfg(feature = "link")]
impl LinkSession for AbletonLink {
    fn state(&mut self, quantum: f64) -> LinkState {
        self.link.capture_app_session_state(&mut self.state);
        let now = self.link.clock_micros();
        LinkState {
            tempo: self.state.tempo(),
            beat: self.state.beat_at_time(now, quantum),
            playing: self.state.is_playing(),
            peers: self.link.num_peers(),
        }
    }

    fn propose_tempo(&mut self, bpm: f64) {
        self.link.capture_app_session_state(&mut self.state);
        let now = self.link.clock_micros();
        self.state.set_tempo(bpm, now);
        self.link.commit_app_session_state(&self.state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(tempo: f64, beat: f64) -> LinkState {
        LinkState {
            tempo,
            beat,
            playing: true,
            peers: 2,
        }
    }

    #[test]
    fn our_transport_takes_the_session_tempo_and_phase_by_the_shortest_way() {
        // In step: nothing to do.
        assert!(align(8.0, 120.0, true, &link(120.0, 12.0), 4.0).is_empty());
        // A new session tempo.
        assert_eq!(
            align(8.0, 120.0, true, &link(128.0, 12.0), 4.0),
            vec![Transport::Tempo(128.0)]
        );
        // A quarter beat behind the session's phase: forward a quarter, not back three and three quarters.
        assert_eq!(
            align(8.0, 120.0, true, &link(120.0, 32.25), 4.0),
            vec![Transport::Locate(8.25)]
        );
        // Three quarters of a bar ahead reads as a quarter behind.
        assert_eq!(
            align(8.0, 120.0, true, &link(120.0, 7.0), 4.0),
            vec![Transport::Locate(7.0)]
        );
        // Small drift is left alone; a stopped session stops us.
        assert!(align(8.0, 120.0, true, &link(120.0, 8.01), 4.0).is_empty());
        let stopped = LinkState {
            playing: false,
            ..link(120.0, 8.0)
        };
        assert_eq!(align(8.0, 120.0, true, &stopped, 4.0), vec![Transport::Run(false)]);
    }

    #[test]
    fn the_status_names_tempo_peers_and_beat_in_the_bar() {
        assert_eq!(describe(&link(120.0, 10.5), 4.0), "link 120.0 · 2 peers · 3/4");
        let alone = LinkState {
            peers: 1,
            ..link(99.95, 0.0)
        };
        assert_eq!(describe(&alone, 4.0), "link 100.0 · 1 peer · 1/4");
    }
}
