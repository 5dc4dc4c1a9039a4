//! The five standard speed patches P1..P5 (foundation issue), in the patch language: shared by `benches/render.rs`
//! and the side-by-side comparison in `benches/peers/`, so both measure the same graphs. Pure data.

use std::fmt::Write as _;

/// (label, patch text) for P1..P5.
pub fn standard() -> Vec<(&'static str, String)> {
    let mut p2 = String::new();
    for i in 0..64 {
        let _ = writeln!(p2, "sine {} -> out", 100 + 7 * i);
    }
    let mut p5 = String::new();
    for i in 0..16 {
        let _ = writeln!(p5, "v{i} = saw {} -> lowpass {}", 55 + 13 * i, 600 + 97 * i);
    }
    let voices: Vec<String> = (0..16).map(|i| format!("v{i}")).collect();
    let _ = writeln!(p5, "{} -> delay 0.3 feedback=0.4 -> out", voices.join("+"));
    vec![
        ("P1 sine", "sine 440 -> out\n".to_string()),
        ("P2 64 sines", p2),
        (
            "P3 saw→swept lowpass",
            "saw 110 -> lowpass cutoff=(sine 0.5)*1000+1500 q=2 -> out\n".to_string(),
        ),
        ("P4 FM pair", "sine (sine 440)*300+220 -> out\n".to_string()),
        ("P5 16 saws→lowpass→delay", p5),
    ]
}

/// P2's and P5's oscillator frequencies and P5's cutoffs, for engines that build the same graphs in code.
pub fn p2_freq(i: usize) -> f32 {
    100.0 + 7.0 * i as f32
}

pub fn p5_voice(i: usize) -> (f32, f32) {
    (55.0 + 13.0 * i as f32, 600.0 + 97.0 * i as f32)
}
