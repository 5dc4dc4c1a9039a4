//! RecordingNode: frames written to the capture hub (as the input device's callback writes them) come out of the
//! node sample for sample when input and output run in step, whatever the block size; our microphone script
//! crushes and pans them, and the native `input` node reads the same frames. This is the only test in the binary that writes to the hub.

use crate::common::zero_crossing_freq;
use synchrotron_tui::compile::{self, Settings};
use synchrotron_tui::dsp::capture;
use synchrotron_tui::engine::{Engine, MasterConfig};

const SR: f32 = 48_000.0;

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
