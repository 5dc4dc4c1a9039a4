//! How fast a set log replays: `patches/demo.syn` over a 10-minute log (a few edits, a panic), rendered through
//! `setlog::replay` as `synchrotron-tui replay` does, in times real time. `cargo bench --bench replay` prints it;
//! under `cargo test` it replays two seconds to check the path works.

use std::time::Instant;
use synchrotron_tui::engine::Cmd;
use synchrotron_tui::setlog::replay::SetLog;
use synchrotron_tui::setlog::{Landed, Record};

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let demo = std::fs::read_to_string("patches/demo.syn").unwrap_or_default();
    let minutes = if bench { 10 } else { 1 };
    let version = |v: u32, frame: u64, text: String| {
        Record::Version(Landed {
            version: v,
            frame,
            text,
            muted: vec![],
            soloed: vec![],
            glide: 480,
            fade: 960,
            crossfade: false,
            changes: vec![],
            mode: String::new(),
        })
    };
    let mut records = vec![version(1, 0, demo.clone())];
    for k in 1..minutes as u64 {
        let edited = demo.replace("q=3", &format!("q={}", 2 + k % 3));
        records.push(version(k as u32 + 1, k * 60 * 48_000, edited));
    }
    records.push(Record::Cmd {
        frame: 30 * 48_000,
        cmd: Cmd::Panic,
    });
    records.push(Record::Cmd {
        frame: 31 * 48_000,
        cmd: Cmd::Resume,
    });
    let end = minutes as u64 * 60 * 48_000;
    records.push(Record::End { frame: end });
    let set = SetLog {
        sample_rate: 48_000,
        seed: 0,
        protected: true,
        records,
        end: Some(end),
        input: None,
    };
    let to = if bench { end } else { 2 * 48_000 };
    let started = Instant::now();
    let mut peak = 0f32;
    set.render(0, to, &mut |s| peak = s.iter().fold(peak, |m, x| m.max(x.abs())))
        .expect("replays");
    let took = started.elapsed().as_secs_f64();
    if bench {
        println!(
            "replayed {minutes} minutes of demo.syn in {took:.2} s: {:.0}x real time (peak {peak:.2})",
            to as f64 / 48_000.0 / took
        );
    }
}
