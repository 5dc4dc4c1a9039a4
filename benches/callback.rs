//! The audio callback's cost for every example patch, as a fraction of real time: 64-frame callbacks through the
//! whole engine (protected master, meters, scope, fault checks), 10 s of audio three times, the median.
//! `cargo bench --bench callback` prints a table; under `cargo test` it only checks each patch runs a block.

use std::fmt::Write as _;
use std::time::Instant;
use synchrotron_tui::compile::{self, Settings};
use synchrotron_tui::engine::taps::ScopeTap;
use synchrotron_tui::engine::{Engine, MasterConfig, ToAudio};

const SR: f32 = 48_000.0;
const BLOCK: usize = 64;

fn patches() -> Vec<std::path::PathBuf> {
    let mut all: Vec<_> = ["patches", "patches/synchrolang"]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).into_iter().flatten().flatten())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "syn"))
        .collect();
    all.sort();
    all
}

/// Seconds per callback: the median of `runs` runs of `calls` callbacks.
fn time(engine: &mut Engine, calls: usize, runs: usize) -> f64 {
    let mut buf = vec![0.0f32; 2 * BLOCK];
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..calls {
                engine.process(&mut buf);
            }
            t.elapsed().as_secs_f64() / calls as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let real_time = BLOCK as f64 / f64::from(SR);
    if bench {
        println!("| patch | µs per 64-frame callback | share of real time (1333 µs) |\n|---|---|---|");
    }
    for path in patches() {
        synchrotron_tui::cli::patch_opened(&path);
        let Ok(src) = std::fs::read_to_string(&path) else {
            continue;
        };
        let settings = Settings {
            sample_rate: SR,
            seed: 0,
        };
        let Ok((graph, _)) = compile::compile(&src, &settings) else {
            eprintln!("{} does not compile", path.display());
            std::process::exit(1);
        };
        let mut engine = Engine::new(graph, SR, MasterConfig::protected());
        if !bench {
            time(&mut engine, 1, 1);
            continue;
        }
        // A second of warm-up: fonts loaded, sequences running, tails filled.
        time(&mut engine, 750, 1);
        let t = time(&mut engine, 7_500, 3);
        println!(
            "| {} | {:.1} | {:.2}% |",
            path.display(),
            t * 1e6,
            100.0 * t / real_time
        );
    }
    taps(bench);
    voices(bench);
    dense_pattern(bench);
    one_shots(bench);
}

/// Compile `src` and, benchmarking, print one table row of its callback's cost; `prepare` gets the engine first
/// (to send it notes).
fn measure(what: &str, src: &str, bench: bool, prepare: impl FnOnce(&mut Engine)) {
    let settings = Settings {
        sample_rate: SR,
        seed: 0,
    };
    let Ok((graph, _)) = compile::compile(src, &settings) else {
        eprintln!("{what}: the patch does not compile");
        std::process::exit(1);
    };
    let mut engine = Engine::new(graph, SR, MasterConfig::protected());
    prepare(&mut engine);
    if !bench {
        time(&mut engine, 1, 1);
        return;
    }
    time(&mut engine, 750, 1);
    let t = time(&mut engine, 7_500, 5);
    let real_time = BLOCK as f64 / f64::from(SR);
    println!(
        "\n| {what} | {:.1} µs per callback | {:.2}% of real time |",
        t * 1e6,
        100.0 * t / real_time
    );
}

/// A 16-voice patch (two saws, a resonant lowpass and an adsr per voice) holding an 8-note chord.
fn voices(bench: bool) {
    use synchrotron_tui::dsp::midi::input::send_at_frame;
    let src = "keys = midi poly=16 port=60\nenv = adsr keys.gate a=5ms d=200ms s=0.7 r=300ms\n(saw keys.freq) + (saw keys.freq*1.005) -> lowpass cutoff=1800 q=4 -> gain env*keys.vel*0.05 -> out\n";
    measure(
        "16 voices, 8-note chord (2 saws + lowpass + adsr each)",
        src,
        bench,
        |_| {
            for (k, note) in [48u8, 52, 55, 59, 62, 64, 67, 71].into_iter().enumerate() {
                send_at_frame(60, k as u64, &[0x90, note, 100]);
            }
        },
    );
}

/// A dense pattern: 80 steps a bar in one part and a stack of random sixteenths in another, at 170 bpm, each
/// driving a voice.
fn dense_pattern(bench: bool) {
    let src = "bpm 170\nline = pat \"[c3 e3 g3 b3 <d4 f4>]*16?0.1\" len=0.3\nhits = pat \"x*32?, [x ~ x x]*8, x(7,16,3)\"\n\
               saw line -> lowpass 1500 -> gain (adsr line.gate a=1ms r=30ms)*0.1 -> out\n\
               noise -> highpass 6000 -> gain (perc hits.trig d=20ms)*0.05 -> out\n";
    measure(
        "dense patterns (80 + 32 + 32 + 7 steps a bar at 170 bpm, two voices)",
        src,
        bench,
        |_| {},
    );
}

/// 64 overlapping one-shots with their pitch moving: four samplers of 16 voices each, retriggered 40 times a
/// second with the kit's half-second bass note, so every voice sounds (and the oldest are stolen) all the time.
fn one_shots(bench: bool) {
    let mut src = String::new();
    for k in 0..4 {
        let _ = writeln!(
            src,
            "sample \"bass\" trig=(square 40) pitch=(sine 0.{k}3)*12 voices=16 gain=0.01 -> out"
        );
    }
    measure(
        "64 overlapping one-shots, pitch moving (4 samplers x 16 voices)",
        &src,
        bench,
        |_| {},
    );
}

/// What the editor's listening costs on `patches/demo.syn`: the chains' meters and a scope tapped on a node (the
/// lowpass), against the same graph with neither. Issue 15 allows 2% of the callback.
fn taps(bench: bool) {
    let src = std::fs::read_to_string("patches/demo.syn").unwrap_or_default();
    let settings = Settings {
        sample_rate: SR,
        seed: 0,
    };
    let make = |listen: bool| {
        let Ok((mut graph, checked)) = compile::compile(&src, &settings) else {
            eprintln!("patches/demo.syn does not compile");
            std::process::exit(1);
        };
        let lowpass = checked.spec.nodes.iter().position(|n| n.kind == "lowpass");
        if !listen {
            graph.taps.clear();
        }
        let slot = lowpass.and_then(|i| graph.slots.iter().position(|s| *s.key == checked.spec.nodes[i].key));
        let (engine, mut handle) = synchrotron_tui::engine::pair(graph, SR, MasterConfig::protected());
        if listen && let Some(slot) = slot {
            let tap = ScopeTap {
                version: 0,
                slot: slot as u32,
                port: 0,
            };
            let _ = handle.send(ToAudio::Scope(Some(tap)));
        }
        (engine, handle)
    };
    let (mut off_engine, _off_handle) = make(false);
    let (mut on_engine, _on_handle) = make(true);
    if !bench {
        time(&mut off_engine, 1, 1);
        time(&mut on_engine, 1, 1);
        return;
    }
    time(&mut off_engine, 750, 1);
    time(&mut on_engine, 750, 1);
    // Taken in turns, so a busy moment of the machine falls on both alike.
    let (mut offs, mut ons) = (Vec::new(), Vec::new());
    for _ in 0..21 {
        offs.push(time(&mut off_engine, 2_000, 1));
        ons.push(time(&mut on_engine, 2_000, 1));
    }
    offs.sort_by(f64::total_cmp);
    ons.sort_by(f64::total_cmp);
    let (off, on) = (offs[10], ons[10]);
    {
        println!(
            "\n| demo.syn | µs per callback |\n|---|---|\n| without meters or tapped scope | {:.2} |\n| chain meters + scope on the lowpass | {:.2} ({:+.2}%) |",
            off * 1e6,
            on * 1e6,
            100.0 * (on - off) / off
        );
    }
}
