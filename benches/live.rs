//! Live-change speed: save-to-new-sound latency (compile + diff + build + send + install + collect) for 10-, 100-
//! and 1000-node patches, and the audio callback's fixed cost (swap checks, master, telemetry) on a 64-frame block.
//! `cargo bench --bench live`.

#![allow(clippy::format_collect)]

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use synchrotron_tui::compile::{self, Settings};
use synchrotron_tui::engine::{Engine, MasterConfig};
use synchrotron_tui::live::{LiveConfig, Session};

/// `voices` voices of five nodes each (plus internal arithmetic and the bus).
fn voices(voices: usize, cutoff: usize) -> String {
    (0..voices)
        .map(|i| {
            format!(
                "saw {} -> lowpass {} q=2 -> drive 1.5 -> gain 0.02 -> pan 0.{} -> out\n",
                55 + 11 * (i % 40),
                cutoff + 40 * (i % 40),
                i % 10
            )
        })
        .collect()
}

/// Save to installed for 10, 100 and 1000 nodes: every value retuned, so the whole plan runs each time.
fn reload(c: &mut Criterion) {
    for nodes in [10, 100, 1000] {
        let (mut session, mut engine) = Session::new(LiveConfig::default());
        let variants = [voices(nodes / 5, 800), voices(nodes / 5, 900)];
        session.reload(&variants[0]).expect("compiles");
        let mut buf = vec![0.0f32; 2 * 64];
        engine.process(&mut buf);
        session.tick();
        let mut k = 0;
        c.bench_function(&format!("reload {nodes}-node patch: save to installed"), |b| {
            b.iter(|| {
                k ^= 1;
                session.reload(black_box(&variants[k])).expect("compiles");
                engine.process(&mut buf);
                black_box(session.tick());
            });
        });
    }
}

fn callback(c: &mut Criterion) {
    let settings = Settings::default();
    let (graph, _) = compile::compile("", &settings).expect("empty patch");
    let mut engine = Engine::new(graph, 48_000.0, MasterConfig::protected());
    let mut buf = vec![0.0f32; 2 * 64];
    // An empty graph: what remains is the machinery around it (1% of a 64-frame block is 13.3 µs).
    c.bench_function("callback overhead, 64 frames, empty graph", |b| {
        b.iter(|| {
            engine.process(black_box(&mut buf));
        });
    });
}

fn draw(c: &mut Criterion) {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let src = std::fs::read_to_string("patches/demo.syn").expect("demo patch");
    let mut app = synchrotron_tui::tui::app::App::new(
        "demo.syn".into(),
        &src,
        true,
        synchrotron_tui::live::AudioInfo::default(),
    );
    let scope: Vec<f32> = (0..8192).map(|i| ((i / 2) as f32 * 0.05).sin() * 0.5).collect();
    app.on_levels(synchrotron_tui::engine::telemetry::Levels::default(), &scope);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    c.bench_function("draw a full frame, 120x40", |b| {
        b.iter(|| {
            terminal.draw(|f| f.render_widget(&app, f.area())).expect("draws");
        });
    });
    // The worst a performer can paste: 10 000 broken lines, then a one-megabyte line under the cursor.
    let broken: String = (0..10_000).map(|i| format!("sinee {} -> out\n", 100 + i)).collect();
    let long = format!("{broken}x = {}\n", "saw 1 ".repeat(170_000));
    for (name, text) in [
        ("10 000 diagnostics", broken),
        ("10 000 diagnostics and a 1 MB line", long),
    ] {
        app.editor = synchrotron_tui::tui::editor::Editor::new(&text);
        app.editor
            .set_cursor(synchrotron_tui::tui::editor::Pos { line: 10_000, col: 3 });
        app.editor.scroll = 9_990;
        app.set_checked(&text, synchrotron_tui::tui::app::check_text(&text));
        app.bound = synchrotron_tui::tui::highlight::bindings(&text);
        c.bench_function(&format!("draw a full frame, 120x40, {name}"), |b| {
            b.iter(|| {
                terminal.draw(|f| f.render_widget(&app, f.area())).expect("draws");
            });
        });
    }
}

criterion_group!(benches, reload, callback, draw);
criterion_main!(benches);
