//! Playing a set and checking its replay, shared by the tests of keeping the take: in-process (a `Session` and its
//! engine, the output copied as the recorder copies it) or through the binary (its `--record` file against
//! `replay --out`). Either way the replay must be the recording, sample for sample.

use std::path::Path;
use synchrotron_tui::engine::{Cmd, Engine, ToAudio};
use synchrotron_tui::live::{Events, LiveConfig, Session};
use synchrotron_tui::setlog::Record;
use synchrotron_tui::setlog::replay::SetLog;

/// Frames in each buffer the in-process sets play (not a power of two, so blocks split unevenly).
const BUFFER: usize = 300;

pub struct LiveSet {
    pub s: Session,
    pub e: Engine,
    rx: rtrb::Consumer<f32>,
    pub log: Vec<Record>,
    heard: Vec<f32>,
    buf: Vec<f32>,
}

impl LiveSet {
    /// A session with the recorder's ring attached.
    pub fn new() -> Self {
        let (mut s, e) = Session::new(LiveConfig::default());
        let (tx, rx) = rtrb::RingBuffer::<f32>::new(1 << 22);
        let _ = s.handle().send(ToAudio::Capture(tx));
        Self {
            s,
            e,
            rx,
            log: Vec::new(),
            heard: Vec::new(),
            buf: vec![0.0; 2 * BUFFER],
        }
    }

    /// Play `blocks` buffers, the log taking what each tick says.
    pub fn play(&mut self, blocks: usize) {
        self.play_with(blocks, |_| {}, |_| Vec::new());
    }

    /// As `play`, with `before` run ahead of each buffer (a device delivering input) and `after` given each tick's
    /// events (for records kept elsewhere, such as the input's).
    pub fn play_with(
        &mut self,
        blocks: usize,
        mut before: impl FnMut(usize),
        mut after: impl FnMut(&Events) -> Vec<Record>,
    ) {
        for b in 0..blocks {
            before(b);
            self.e.process(&mut self.buf);
            let ev = self.s.tick();
            self.log.extend(after(&ev));
            self.log.extend(ev.log);
            while let Ok(x) = self.rx.pop() {
                self.heard.push(x);
            }
        }
    }

    /// The set is over: replay its log (with the input kept at `input`) and check it is what was heard, for at
    /// least `min` samples. Returns the set log, what was heard and the frame the recording began on.
    pub fn assert_replays(mut self, input: Option<std::path::PathBuf>, min: usize) -> (SetLog, Vec<f32>, u64) {
        let end = self.s.handle().telemetry().rendered();
        self.log.push(Record::End { frame: end });
        let capture = self
            .log
            .iter()
            .find_map(|r| match r {
                Record::Cmd {
                    frame,
                    cmd: Cmd::Capture,
                } => Some(*frame),
                _ => None,
            })
            .expect("the capture's start is logged");
        let set = SetLog {
            sample_rate: 48_000,
            seed: 0,
            protected: true,
            records: self.log,
            end: Some(end),
            input,
        };
        let mut replayed = Vec::new();
        set.render(capture, end, &mut |x| replayed.extend_from_slice(x))
            .expect("replays");
        assert_same(&self.heard, &replayed, min);
        (set, self.heard, capture)
    }
}

/// `a` and `b` agree bit for bit over their common length, which is at least `min` samples.
pub fn assert_same(a: &[f32], b: &[f32], min: usize) {
    let n = a.len().min(b.len());
    assert!(n >= min, "only {n} samples to compare");
    let first = (0..n).find(|&i| a[i].to_bits() != b[i].to_bits());
    assert_eq!(
        first, None,
        "the replay differs from the recording at sample {first:?} of {n}"
    );
}

fn wav(path: &Path) -> Vec<f32> {
    hound::WavReader::open(path)
        .unwrap()
        .samples::<f32>()
        .map(Result::unwrap)
        .collect()
}

/// The binary played a set in `dir`, recording to `take.wav` and logging to `log`: `replay --out` renders the log
/// and the result is the recording from its first frame on, for at least `min` samples. Returns the recording.
pub fn assert_binary_replays(dir: &Path, log: &Path, min: usize) -> Vec<f32> {
    let text = std::fs::read_to_string(log).unwrap();
    let capture = text
        .lines()
        .find(|l| l.contains("\"ev\":\"capture\""))
        .and_then(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .and_then(|v| v["frame"].as_u64())
        .expect("the capture's first frame is logged") as usize;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_synchrotron-tui"))
        .arg("replay")
        .arg(log)
        .args(["--out", "replay.wav"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let take = wav(&dir.join("take.wav"));
    // The recording begins at the capture's frame, the replay at frame 0.
    let replay = wav(&dir.join("replay.wav"));
    assert_same(&take, &replay[(2 * capture).min(replay.len())..], min);
    take
}
