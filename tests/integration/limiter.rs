//! The master's ceiling on whole patches: a thousand random patches of loud noise, narrow pulses (impulses),
//! oscillators and resonant filters, rendered through the engine with protection on, in random buffer sizes.

use crate::common::Rng;
use synchrotron_tui::audio::offline;
use synchrotron_tui::compile::{self, Settings};
use synchrotron_tui::engine::{Engine, MasterConfig};

fn term(rng: &mut Rng) -> String {
    let hz = 1.0 + rng.range(0.0, 1.0) * 8_000.0;
    let source = match rng.below(5) {
        0 => "noise".to_string(),
        1 => format!("square {:.1} width=0.001", 1.0 + rng.range(0.0, 1.0) * 40.0),
        2 => format!("sine {hz:.1}"),
        3 => format!("saw {hz:.1}"),
        _ => format!("square {hz:.1}"),
    };
    let gain = 10f64.powf(rng.range(0.0, 1.0) * 3.0 - 1.0);
    format!("({source}) * {gain:.3}")
}

fn patch(rng: &mut Rng) -> String {
    let terms: Vec<String> = (0..=rng.below(4)).map(|_| term(rng)).collect();
    let mut s = terms.join(" + ");
    if rng.below(2) == 0 {
        let (cutoff, q) = (50.0 + rng.range(0.0, 1.0) * 10_000.0, 0.5 + rng.range(0.0, 1.0) * 15.0);
        s = format!("{s} -> lowpass {cutoff:.0} q={q:.1}");
    }
    s.push_str(" -> out\n");
    s
}

#[test]
fn the_ceiling_holds_on_a_thousand_random_patches() {
    let ceiling = MasterConfig::protected().ceiling.unwrap_or(0.0);
    let mut rng = Rng(0x1eaf);
    let settings = Settings {
        sample_rate: 48_000.0,
        seed: 0,
    };
    let mut loudest = 0f32;
    for case in 0..1_000 {
        let src = patch(&mut rng);
        let (graph, _) = compile::compile(&src, &settings).unwrap_or_else(|d| panic!("{src}: {d:?}"));
        let mut engine = Engine::new(graph, 48_000.0, MasterConfig::protected());
        let out = offline::render(&mut engine, 4_800, 1 + rng.below(300) as usize);
        for (i, s) in out.iter().enumerate() {
            assert!(s.abs() <= ceiling, "case {case} `{}`, sample {i}: {s}", src.trim());
        }
        loudest = out.iter().fold(loudest, |m, s| m.max(s.abs()));
    }
    assert!(loudest > 0.99 * ceiling, "the patches reached the ceiling ({loudest})");
}
