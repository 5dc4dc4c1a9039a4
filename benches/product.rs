//! The product path's own cost, per frame: the protected master (scrub, DC blocker, limiter acting and not,
//! soft start, meters) and the WAV writer, beside the same patch with the master off. `cargo bench --bench
//! product`. The budget: master and writer together under 1 ns a frame. Then how the cost of a render grows
//! with the size of the patch.

// Building patch text for benches: clarity over avoiding a few temporary strings.
#![allow(clippy::format_collect)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;
use synchrotron_tui::audio::offline::WavStream;
use synchrotron_tui::compile::{self, Settings};
use synchrotron_tui::dsp::simd::Simd;
use synchrotron_tui::engine::Engine;
use synchrotron_tui::engine::master::{Master, MasterConfig};

const SR: f32 = 48_000.0;
const FRAMES: usize = 48_000;

fn engine(src: &str, master: MasterConfig) -> Engine {
    let settings = Settings {
        sample_rate: SR,
        seed: 0,
    };
    let (graph, _) = compile::compile(src, &settings).expect("bench patch compiles");
    Engine::new(graph, SR, master)
}

fn sine(amp: f32) -> Vec<f32> {
    (0..FRAMES)
        .map(|i| amp * (i as f32 * 440.0 / SR * std::f32::consts::TAU).sin())
        .collect()
}

fn master(c: &mut Criterion) {
    let mut g = c.benchmark_group("master alone, 64-frame blocks");
    g.throughput(Throughput::Elements(FRAMES as u64));
    let no_dc = MasterConfig {
        dc_block: false,
        ..MasterConfig::protected()
    };
    let cases = [
        ("under the ceiling", 0.5, MasterConfig::protected()),
        ("limiting", 1.0, MasterConfig::protected()),
        ("under the ceiling, no DC blocker", 0.5, no_dc),
    ];
    for (name, amp, cfg) in cases {
        let x = sine(amp);
        let mut m = Master::new(cfg, SR);
        let (mut l, mut r) = (x.clone(), x.clone());
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut at = 0;
                for (a, b) in x.chunks(64).zip(x.chunks(64)) {
                    m.process(Simd::best(), [a, b], |ol, or| {
                        l[at..at + ol.len()].copy_from_slice(ol);
                        r[at..at + or.len()].copy_from_slice(or);
                        at += ol.len();
                    });
                }
                black_box((&l, &r));
            });
        });
    }
    g.finish();
}

fn product(c: &mut Criterion) {
    let mut g = c.benchmark_group("P1 per frame");
    g.throughput(Throughput::Elements(FRAMES as u64));
    let mut out = vec![0f32; 2 * FRAMES];
    for (name, cfg) in [
        ("master off", MasterConfig::raw()),
        ("protected", MasterConfig::protected()),
    ] {
        let mut e = engine("sine 440 -> out\n", cfg);
        g.bench_function(name, |b| {
            b.iter(|| {
                for chunk in out.chunks_mut(128) {
                    e.process(chunk);
                }
                black_box(&out);
            });
        });
    }
    g.bench_function("WAV writer", |b| {
        b.iter(|| {
            let mut wav = WavStream::create(std::path::Path::new("/dev/null"), 48_000).expect("/dev/null");
            wav.write(black_box(&out)).expect("write");
            wav.finish().expect("finish");
        });
    });
    g.finish();
}

/// How cost grows with the patch: 1, 10, 100 and 1 000 nodes (half oscillators, half resonant lowpasses they
/// feed, summed to `out`), per frame, protection on. Linear growth shows as a flat cost per node.
fn scaling(c: &mut Criterion) {
    let mut g = c.benchmark_group("cost by patch size");
    g.throughput(Throughput::Elements(FRAMES as u64));
    g.sample_size(10);
    let mut out = vec![0f32; 2 * FRAMES];
    for nodes in [1usize, 10, 100, 1000] {
        let src: String = if nodes == 1 {
            "saw 110 -> out\n".to_string()
        } else {
            (0..nodes / 2)
                .map(|i| format!("saw {} -> lowpass {} q=2 -> out\n", 55 + i % 500, 300 + 7 * (i % 900)))
                .collect()
        };
        let mut e = engine(&src, MasterConfig::protected());
        g.bench_function(format!("{nodes} nodes"), |b| {
            b.iter(|| {
                for chunk in out.chunks_mut(128) {
                    e.process(chunk);
                }
                black_box(&out);
            });
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = master, product, scaling
}
criterion_main!(benches);
