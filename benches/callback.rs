//! The audio callback's cost for every example patch, as a fraction of real time: 64-frame callbacks through the
//! whole engine (protected master, meters, scope, fault checks), 10 s of audio three times, the median.
//! `cargo bench --bench callback` prints a table; under `cargo test` it only checks each patch runs a block.

use std::time::Instant;
use synchrotron_tui::compile::{self, Settings};
use synchrotron_tui::engine::{Engine, MasterConfig};

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
}
