//! Speed: render 60 s of each standard patch P1..P5 at 48 kHz (ns per sample = time / 2,880,000), and compile a
//! 200-node patch. `cargo bench --bench render`. The master section (limiter, DC blocker: about 5 ns a frame) is
//! left out, so the figures compare graph rendering with other engines; `benches/live.rs` measures it.

// Building patch text for benches: clarity over avoiding a few temporary strings.
#![allow(clippy::format_collect)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;
use synchrotron_tui::compile::{self, Settings};
use synchrotron_tui::engine::{Engine, MasterConfig};

const SR: f32 = 48_000.0;
const SECONDS: usize = 60;

/// The five standard patches of the speed comparison.
pub fn standard_patches() -> Vec<(&'static str, String)> {
    synchrotron_tui::patches::standard()
}

fn engine_for(src: &str) -> Engine {
    let (graph, _) = compile::compile(
        src,
        &Settings {
            sample_rate: SR,
            seed: 0,
        },
    )
    .expect("bench patch compiles");
    Engine::new(graph, SR, MasterConfig::raw())
}

fn render(c: &mut Criterion) {
    let mut group = c.benchmark_group("render 60 s");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .warm_up_time(Duration::from_secs(1));
    let frames = SECONDS * SR as usize;
    group.throughput(Throughput::Elements(frames as u64));
    let mut patches = standard_patches();
    for entry in std::fs::read_dir("patches").expect("patches/").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "syn") {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let src = std::fs::read_to_string(&path).expect("readable patch");
            patches.push((Box::leak(name.into_boxed_str()), src));
        }
    }
    for (name, src) in patches {
        group.bench_with_input(BenchmarkId::from_parameter(name), &src, |b, src| {
            let mut buf = vec![0.0f32; 2 * 256];
            b.iter_batched_ref(
                || engine_for(src),
                |engine| {
                    for _ in 0..frames / 256 {
                        engine.process(&mut buf);
                    }
                    black_box(&buf);
                },
                criterion::BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

/// 50 voices of four nodes each: 200 nodes plus the bus.
fn two_hundred_nodes() -> String {
    (0..50)
        .map(|i| {
            format!(
                "saw {} -> lowpass {} q=2 -> gain 0.01 -> pan 0.{} -> out\n",
                50 + i,
                500 + 10 * i,
                i % 10
            )
        })
        .collect()
}

fn compile_bench(c: &mut Criterion) {
    let src = two_hundred_nodes();
    let settings = Settings {
        sample_rate: SR,
        seed: 0,
    };
    c.bench_function("compile 200 nodes", |b| {
        b.iter(|| compile::compile(black_box(&src), &settings).expect("compiles"));
    });
}

criterion_group!(benches, render, compile_bench);
criterion_main!(benches);
