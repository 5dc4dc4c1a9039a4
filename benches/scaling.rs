//! How checking grows with the size of a patch: 1 000, 10 000 and 100 000 statements of the shapes that used to
//! cost the square of their count (unused bindings and their warnings, long binding chains, Synchrolang scripts
//! of many nodes and links, rendering every diagnostic). Per-statement time should stay flat across the three.
//! `cargo bench --bench scaling`.

#![allow(clippy::format_collect, clippy::format_push_string)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use synchrotron_tui::compile;
use synchrotron_tui::lang::diagnostic::render_all;

fn unused(n: usize) -> String {
    let mut s: String = (0..n).map(|i| format!("b{i} = sine {}\n", 100 + i % 900)).collect();
    s.push_str("sine 440 -> out\n");
    s
}

fn chain(n: usize) -> String {
    let mut s = String::from("a0 = sine 1\n");
    s.extend((1..n).map(|i| format!("a{i} = a{} -> gain 0.999\n", i - 1)));
    s.push_str(&format!("a{} -> out\n", n - 1));
    s
}

fn script(n: usize) -> String {
    let mut s: String = (0..n).map(|i| format!("new SineNode s{i};\n")).collect();
    s.extend((1..n).map(|i| format!("link s{}.out -> s{i}.frequency;\n", i - 1)));
    s.push_str(&format!("new PlaybackNode p; link s{}.out -> p.left;\n", n - 1));
    s
}

/// A patch shape: a name and how to write it with `n` statements.
type Shape = (&'static str, fn(usize) -> String);

fn scaling(c: &mut Criterion) {
    let shapes: [Shape; 3] = [
        ("unused bindings", unused),
        ("binding chain", chain),
        ("synchrolang nodes", script),
    ];
    for (name, make) in shapes {
        let mut group = c.benchmark_group(format!("check: {name}"));
        group.sample_size(10);
        for n in [1_000, 10_000, 100_000] {
            let src = make(n);
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::from_parameter(n), &src, |b, src| {
                b.iter(|| match compile::check(black_box(src)) {
                    Ok(c) => black_box(render_all(&c.warnings, "p.syn", src).len()),
                    Err(d) => black_box(render_all(&d, "p.syn", src).len()),
                });
            });
        }
        group.finish();
    }
}

criterion_group!(benches, scaling);
criterion_main!(benches);
