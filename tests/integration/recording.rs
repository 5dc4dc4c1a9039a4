//! RecordingNode: frames written to the capture hub (as the input device's callback writes them) come out of the
//! node sample for sample when input and output run in step, whatever the block size; our microphone script
//! crushes and pans them, and the native `input` node reads the same frames; a set that played the input replays
//! it sample for sample from what its log kept. These are the only tests in the binary that write to the hub (one
//! at a time).

use crate::common::zero_crossing_freq;
use synchrotron_tui::compile::{self, Settings};
use synchrotron_tui::dsp::capture;
use synchrotron_tui::engine::{Engine, MasterConfig};

const SR: f32 = 48_000.0;

/// The hub is one per process: its tests take turns.
static HUB: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Render `src` for `frames`, writing `input(frame)` (left, right) to the hub just before each block is played.
fn render_live(src: &str, frames: usize, buffer: usize, input: impl Fn(usize) -> (f32, f32)) -> Vec<f32> {
    let settings = Settings {
        sample_rate: SR,
        seed: 0,
    };
    let (graph, _) = compile::compile(src, &settings).unwrap_or_else(|d| panic!("{d:?}"));
    let mut engine = Engine::new(graph, SR, MasterConfig::raw());
    let mut out = Vec::with_capacity(2 * frames);
    let mut done = 0;
    while done < frames {
        let n = buffer.min(frames - done);
        let block: Vec<f32> = (done..done + n).flat_map(|f| <[f32; 2]>::from(input(f))).collect();
        capture::push(&block, 2);
        out.extend(synchrotron_tui::audio::offline::render(&mut engine, n, n));
        done += n;
    }
    out
}

fn tone(f: usize) -> (f32, f32) {
    let t = f as f32 / SR;
    (
        0.5 * (std::f32::consts::TAU * 440.0 * t).sin(),
        0.25 * (std::f32::consts::TAU * 660.0 * t).sin(),
    )
}

#[test]
fn recording_passes_the_input_through_exactly_and_the_microphone_script_crushes_it() {
    let _hub = HUB.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let swap = "new RecordingNode mic; new PlaybackNode out; link mic.left -> out.right; link mic.right -> out.left;";
    for buffer in [1, 37, 64] {
        let out = render_live(swap, 9_600, buffer, tone);
        for f in 0..9_600 {
            let (l, r) = tone(f);
            assert_eq!(
                (out[2 * f], out[2 * f + 1]),
                (r, l),
                "frame {f} at {buffer}-frame blocks"
            );
        }
    }
    // The native node reads the same input: `input.right` is its right channel.
    let out = render_live("input.right -> gain 2 -> out\n", 4_800, 64, tone);
    assert!((0..4_800).all(|f| out[2 * f] == 2.0 * tone(f).1 && out[2 * f + 1] == out[2 * f]));
    let script = std::fs::read_to_string("patches/synchrolang/microphone.syn").unwrap();
    let out = render_live(&script, 48_000, 64, tone);
    let (left, right): (Vec<f32>, Vec<f32>) = out.chunks_exact(2).map(|f| (f[0], f[1])).unzip();
    assert!((zero_crossing_freq(&left[..24_000], SR) - 440.0).abs() < 2.0);
    // Six bits: the 440 Hz sine holds each level for several samples near its peaks; the raw input never repeats.
    let held = |x: &[f32]| x.windows(2).filter(|w| (w[1] - w[0]).abs() < 1e-4).count() as f32 / x.len() as f32;
    let raw: Vec<f32> = (0..24_000).map(|f| tone(f).0).collect();
    assert!(
        held(&raw) < 0.01 && held(&left[..24_000]) > 0.1,
        "{} {}",
        held(&raw),
        held(&left[..24_000])
    );
    let energy = |x: &[f32]| x.iter().map(|v| v * v).sum::<f32>();
    // The pan swings at 0.25 Hz: the first second leans one way.
    assert!(
        energy(&left[..24_000]) > 1.5 * energy(&right[..24_000])
            || energy(&right[..24_000]) > 1.5 * energy(&left[..24_000])
    );
}

/// A live set whose input nodes play a microphone that runs at its own pace (blocks of 100 frames against the
/// engine's 300, one late delivery that costs silence), with edits that crossfade two input nodes, drop the input
/// and take it back: the log keeps what the nodes played beside it, and the replay equals the output frame for
/// frame.
#[test]
fn a_set_that_played_the_input_replays_sample_for_sample_from_the_kept_input() {
    use synchrotron_tui::setlog::Record;
    use synchrotron_tui::setlog::input::{InputLog, path_beside};
    let _hub = HUB.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = crate::common::scratch("input-replay");
    let log_path = dir.join("p.syn.1.setlog");
    let mut kept = InputLog::new(&log_path, 48_000);
    let mut set = crate::live_set::LiveSet::new();
    let mut written = 0usize;
    let mut play = |set: &mut crate::live_set::LiveSet, blocks: usize| {
        let device = |b: usize| {
            // The device delivers 3 x 100 frames a block, except once, late.
            if b != 7 {
                for _ in 0..3 {
                    let frames: Vec<f32> = (written..written + 100)
                        .flat_map(|f| <[f32; 2]>::from(tone(f)))
                        .collect();
                    capture::push(&frames, 2);
                    written += 100;
                }
            }
        };
        set.play_with(blocks, device, |ev| kept.write(&ev.input));
    };
    let v1 = "input -> gain 0.5 -> out\nsine 220 -> gain 0.1 -> out\n";
    set.s.reload(v1).expect("v1");
    play(&mut set, 20);
    set.s
        .reload(&v1.replace("0.5", "0.7").replace("input ->", "input.right ->"))
        .expect("crossfaded");
    play(&mut set, 20);
    set.s.reload("sine 220 -> gain 0.1 -> out\n").expect("no input");
    play(&mut set, 20);
    set.s.reload(v1).expect("the input again");
    play(&mut set, 30);
    kept.flush();
    let runs = set.log.iter().filter(|r| matches!(r, Record::Input { .. })).count();
    assert_eq!(
        runs, 2,
        "two runs of input (the middle version had none): {:?}",
        set.log
    );
    let (played, heard, capture) = set.assert_replays(Some(path_beside(&log_path)), 2 * 25_000);
    // The input is in it: without what was kept, the replay differs.
    let end = played.end.expect("ended");
    let deaf = synchrotron_tui::setlog::replay::SetLog { input: None, ..played };
    let mut without = Vec::new();
    deaf.render(capture, end, &mut |x| without.extend_from_slice(x))
        .expect("replays");
    assert!(heard.iter().zip(&without).any(|(a, b)| a != b));
}
