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

/// P6, polyphony: 32 voices of two detuned band-limited saws, a resonant lowpass and an adsr each, played by the
/// notes of `poly_notes` on MIDI port `port`; the first `POLY_HELD` are held, the others released at
/// `POLY_RELEASE_AT` seconds into a 60 s release, so they sound, releasing, for the whole run.
pub fn poly(port: i32) -> String {
    format!(
        "keys = midi poly=32 port={port}\nenv = adsr keys.gate a=5ms d=200ms s=0.7 r=60s\n\
         (saw keys.freq) + (saw keys.freq*1.005) -> lowpass cutoff=1800 q=4 -> gain env*keys.vel*0.02 -> out\n"
    )
}

/// Voices of P6 held to the end; the rest are released.
pub const POLY_HELD: usize = 8;
/// When P6's released voices are let go, in seconds.
pub const POLY_RELEASE_AT: f32 = 0.25;

/// P6's 32 notes (MIDI numbers) and their frequencies.
pub fn poly_notes() -> impl Iterator<Item = (u8, f32)> {
    (0..32u8).map(|i| {
        let note = 36 + i;
        (note, 440.0 * 2f32.powf((f32::from(note) - 69.0) / 12.0))
    })
}
