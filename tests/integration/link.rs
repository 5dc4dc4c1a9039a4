//! Playing along with an Ableton Link session, through a stand-in session (no test may announce a real one on the
//! network): the transport takes the session's tempo and phase, `bpm` edits are proposed to it, and the status
//! bar says where the session is. What only Link proper can show (peers on a network) is not tested here.

use std::sync::{Arc, Mutex};
use synchrotron_tui::clock::link::{LinkSession, LinkState};
use synchrotron_tui::live::{LiveConfig, Session};

/// A session whose state the test sets; it remembers what was proposed to it.
struct StandIn(Arc<Mutex<(LinkState, Vec<f64>)>>);

impl LinkSession for StandIn {
    fn state(&mut self, _quantum: f64) -> LinkState {
        self.0.lock().unwrap().0
    }

    fn propose_tempo(&mut self, bpm: f64) {
        self.0.lock().unwrap().1.push(bpm);
    }
}

use crate::common::run_session as run;

#[test]
fn the_transport_plays_in_step_with_a_link_session_and_proposes_bpm_edits() {
    let shared = Arc::new(Mutex::new((
        LinkState {
            tempo: 128.0,
            beat: 2.5,
            playing: true,
            peers: 2,
        },
        Vec::new(),
    )));
    let (mut s, mut e) = Session::new(LiveConfig::default());
    s.reload("bpm 100\nsine 220 -> gain 0.1 -> out\n").expect("loads");
    s.join_link(Box::new(StandIn(shared.clone())));
    let a = run(&mut s, &mut e, 0.1);
    assert!((a - 2.5).abs() < 0.2, "moved onto the session's phase: {a}");
    let b = run(&mut s, &mut e, 1.0);
    // Keep the stand-in's beat moving as a session would, so the phase stays put.
    let rate = b - a;
    assert!(
        (rate - 128.0 / 60.0).abs() < 0.1,
        "the session's tempo: {rate} beats a second"
    );
    assert_eq!(
        s.clock_status()
            .as_deref()
            .map(|t| t.starts_with("link 128.0 · 2 peers")),
        Some(true)
    );
    s.reload("bpm 140\nsine 220 -> gain 0.1 -> out\n").expect("reloads");
    run(&mut s, &mut e, 0.05);
    assert_eq!(
        shared.lock().unwrap().1,
        vec![140.0],
        "the bpm edit is proposed to the session"
    );
    // The session accepts it: we follow.
    shared.lock().unwrap().0.tempo = 140.0;
    shared.lock().unwrap().0.beat = run(&mut s, &mut e, 0.05);
    let c = run(&mut s, &mut e, 0.1);
    let d = run(&mut s, &mut e, 1.0);
    assert!(((d - c) - 140.0 / 60.0).abs() < 0.1, "{}", d - c);
}
