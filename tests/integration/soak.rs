//! Soak: thousands of random edits to a running engine, rendered offline. The output stays finite and under the
//! ceiling, at most a couple of graphs are ever waiting to be freed, and every one sent comes back and is freed.

use crate::common::Rng;
use synchrotron_tui::engine::MasterConfig;
use synchrotron_tui::live::{LiveConfig, Session};

fn chain(r: &mut Rng, id: usize) -> String {
    let f = r.range(30.0, 3000.0).round();
    let g = r.range(0.0, 2.0);
    let c = r.range(50.0, 12_000.0).round();
    let q = r.range(0.3, 20.0);
    match r.below(6) {
        0 => format!("sine {f} -> gain {g:.3} -> out"),
        1 => format!("saw {f} -> lowpass {c} q={q:.2} -> gain {g:.3} -> out"),
        2 => format!("noise -> bandpass {c} q={q:.2} -> gain {g:.3} -> out"),
        3 => format!(
            "square {f} width={:.2} -> delay {:.3} feedback={:.2} -> gain {g:.3} -> out",
            r.range(0.05, 0.95),
            r.range(0.01, 0.5),
            r.range(0.0, 0.95)
        ),
        4 => format!(
            "x{id} = (saw {f} + x{id}*{:.2}) -> delay {:.3}\nx{id} -> gain {g:.3} -> out",
            r.range(0.0, 0.9),
            r.range(0.002, 0.2)
        ),
        _ => format!(
            "seq [a3 c4 _ e4] every=1/{} -> triangle -> gain (adsr (clock 1/4))*{g:.3} -> reverb -> out",
            1 + r.below(8)
        ),
    }
}

#[test]
fn thousands_of_random_edits_stay_safe_and_free_everything() {
    let mut r = Rng(0x5EED_1234_ABCD);
    let (mut session, mut engine) = Session::new(LiveConfig {
        master: MasterConfig::protected(),
        ..LiveConfig::default()
    });
    let mut chains: Vec<String> = vec![chain(&mut r, 0)];
    let (mut sent, mut freed, mut broken) = (0usize, 0usize, 0usize);
    let mut buf = vec![0.0f32; 2 * 256];
    let mut bpm = 120;
    for edit in 1..=3_000 {
        match r.below(10) {
            0..=3 => {
                let i = r.below(chains.len() as u64) as usize;
                chains[i] = chain(&mut r, edit);
            }
            4 | 5 if chains.len() < 12 => chains.push(chain(&mut r, edit)),
            6 if chains.len() > 1 => {
                let i = r.below(chains.len() as u64) as usize;
                chains.remove(i);
            }
            7 => bpm = 60 + r.below(120),
            _ => {}
        }
        let mut src = format!("bpm {bpm}\n{}\n", chains.join("\n"));
        if r.below(8) == 0 {
            src.push_str(
                ["saw 110 -> lowpas 800 -> out\n", "sine ->\n", "y = sine y\ny -> out\n"][r.below(3) as usize],
            );
            broken += 1;
            assert!(session.reload(&src).is_err(), "{src}");
        } else if let Ok(Some(_)) = session.reload(&src) {
            sent += 1;
        }
        for _ in 0..=r.below(4) {
            engine.process(&mut buf);
            for (i, v) in buf.iter().enumerate() {
                assert!(
                    v.is_finite() && v.abs() <= 0.8913,
                    "edit {edit}, sample {i}: {v}\n{src}"
                );
            }
            let ev = session.tick();
            sent += ev.sent.len();
            freed += ev.freed;
            assert!(
                sent - freed <= 2,
                "edit {edit}: {} graphs waiting to be freed",
                sent - freed
            );
        }
    }
    // Long enough for a held-back loud version saved again to finish its one-second fade-in.
    for _ in 0..400 {
        engine.process(&mut buf);
        let ev = session.tick();
        sent += ev.sent.len();
        freed += ev.freed;
    }
    assert!(session.is_settled());
    assert!(sent > 1_000 && broken > 200, "sent {sent}, broken {broken}");
    assert_eq!(freed, sent, "every graph sent was retired and freed on this thread");
}
