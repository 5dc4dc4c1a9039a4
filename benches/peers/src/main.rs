//! Side by side: the five standard patches P1..P5 and the polyphony patch P6 rendered by synchrotron-tui, FunDSP, Glicol and knyst in one run
//! (mono 48 kHz, 64-frame blocks, each engine's own oscillators and lowpass), best and median of N runs of S
//! seconds, as ns per output sample, with our speed-up over each peer. `make bench-peers` runs it.
//! A second table times the whole `synchrotron-tui render P.syn --out /dev/null` process (protection on, WAV
//! written) against the fastest peer's bare engine from the first.
//! Usage: synchrotron-peers [--seconds S] [--process-seconds S (600)] [--runs N] [--only ENGINE-NAME-PREFIX]
//! [--patch 1..6] [--baseline]
//! (`--baseline` runs our kernels as compiled for baseline x86-64, as if the CPU had no AVX2.)

mod fundsp_p;
mod glicol_p;
mod knyst_p;
mod ours;
mod process;

use std::time::Instant;

pub const SR: u32 = 48_000;
pub const BLOCK: usize = 64;

/// One engine rendering one patch: fills `out` (mono) block by block.
pub trait Render {
    fn render(&mut self, out: &mut [f32]);
}

type Make = fn(usize) -> Option<Box<dyn Render>>;

const ENGINES: [(&str, Make); 4] = [
    ("synchrotron-tui", ours::make),
    ("FunDSP 0.23", fundsp_p::make),
    ("Glicol 0.13", glicol_p::make),
    ("knyst 0.5", knyst_p::make),
];

struct Timing {
    best: f64,
    median: f64,
    rms: f64,
}

fn measure(make: Make, patch: usize, frames: usize, runs: usize) -> Option<Timing> {
    let only = std::env::args().skip_while(|a| a != "--only").nth(1);
    if only.is_some_and(|o| {
        !ENGINES
            .iter()
            .any(|(n, m)| n.starts_with(&o) && *m as usize == make as usize)
    }) {
        return None;
    }
    let mut times = Vec::new();
    let mut rms = 0.0;
    let mut out = vec![0.0f32; frames];
    for _ in 0..runs {
        let mut engine = make(patch)?;
        let t = Instant::now();
        engine.render(&mut out);
        times.push(t.elapsed().as_secs_f64() * 1e9 / frames as f64);
        rms = (out.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>() / frames as f64).sqrt();
    }
    times.sort_by(f64::total_cmp);
    Some(Timing {
        best: times[0],
        median: times[times.len() / 2],
        rms,
    })
}

fn arg(name: &str, default: f64) -> f64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const PATCHES: [&str; 6] = [
    "P1 1 sine",
    "P2 64 sines",
    "P3 saw → swept resonant lowpass",
    "P4 FM pair",
    "P5 16 saws → 16 lowpass → delay",
    "P6 32 voices (2 saws + lowpass + adsr; 8 held, 24 releasing)",
];

fn main() {
    let seconds = arg("--seconds", 60.0);
    let runs = arg("--runs", 5.0).max(1.0) as usize;
    let frames = (seconds * f64::from(SR)) as usize;
    println!(
        "ns per sample, median (best) of {runs} × {seconds} s at {SR} Hz, {BLOCK}-frame blocks; ratio = peer ÷ ours"
    );
    println!("synchrotron-tui kernels: {}\n", ours::simd().name());
    let names: Vec<&str> = ENGINES.iter().map(|e| e.0).collect();
    println!("| patch | {} | speed-up vs fastest peer |", names.join(" | "));
    println!("|---|{}---|", "---|".repeat(names.len()));
    let only_patch = arg("--patch", 0.0) as usize;
    let mut fastest_peer = [f64::NAN; 6];
    for (p, label) in PATCHES.iter().enumerate() {
        if only_patch != 0 && only_patch != p + 1 {
            continue;
        }
        let results: Vec<Option<Timing>> = ENGINES
            .iter()
            .map(|(_, make)| measure(*make, p, frames, runs))
            .collect();
        let ours = results[0].as_ref().map_or(f64::NAN, |t| t.median);
        let cells: Vec<String> = results
            .iter()
            .enumerate()
            .map(|(i, r)| match r {
                None => "n/a".to_string(),
                Some(t) if i == 0 => format!("**{:.2}** ({:.2})", t.median, t.best),
                Some(t) => format!("{:.2} ({:.2}) ×{:.2}", t.median, t.best, t.median / ours),
            })
            .collect();
        let fastest = results[1..]
            .iter()
            .flatten()
            .map(|t| t.median)
            .fold(f64::INFINITY, f64::min);
        fastest_peer[p] = fastest;
        println!("| {label} | {} | ×{:.2} |", cells.join(" | "), fastest / ours);
        let levels: Vec<String> = results
            .iter()
            .zip(&names)
            .map(|(r, n)| format!("{n} {:.3}", r.as_ref().map_or(f64::NAN, |t| t.rms)))
            .collect();
        eprintln!("  {label}: output rms {}", levels.join(", "));
    }
    // As long as a set: the process's start (a few milliseconds) then weighs what it weighs for a performer.
    let process_seconds = arg("--process-seconds", 600.0);
    println!(
        "\nWhole process: `synchrotron-tui render P.syn --out /dev/null --seconds {process_seconds}` (protection on, WAV \
         written, start to exit), ns per frame, median (best) of {runs}, against the fastest peer's bare engine above"
    );
    println!("| patch | synchrotron-tui render | fastest peer, engine only | speed-up |");
    println!("|---|---|---|---|");
    for (p, label) in PATCHES.iter().enumerate() {
        if only_patch != 0 && only_patch != p + 1 {
            continue;
        }
        if p == 5 {
            // P6 is played by notes sent in-process; `render` would need them as a MIDI file.
            continue;
        }
        match process::measure(p, process_seconds, runs) {
            Some((median, best)) => println!(
                "| {label} | **{median:.2}** ({best:.2}) | {:.2} | ×{:.2} |",
                fastest_peer[p],
                fastest_peer[p] / median
            ),
            None => println!("| {label} | n/a (build the main crate with `cargo build --release` first) | | |"),
        }
    }
}
