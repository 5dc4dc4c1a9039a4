//! The original's four example scripts, and two of ours, rendered by our engine against what the original Python Synchrotron
//! rendered for them (tests/original/*.ref: every DECIMATE-th stereo frame of SECONDS at 44.1 kHz, made by
//! `make reference`, which runs tests/original/render_original.py on the pip package). Sample for sample, up to
//! float rounding.

use crate::common::render_with;

const DECIMATE: usize = 31;
const SECONDS: f64 = 6.0;
/// The original's examples, and those of our scripts the original can play (the others use its later nodes, null
/// literals that crash it, or its unfinished TriggerEnvelopeNode).
const SCRIPTS: [&str; 6] = [
    "../shared/synchrotron-examples/pwm.syn",
    "../shared/synchrotron-examples/pwm_plus.syn",
    "../shared/synchrotron-examples/pwm_plus_notes.syn",
    "../shared/synchrotron-examples/megalovania.syn",
    "patches/synchrolang/oscillators.syn",
    "patches/synchrolang/sequencer.syn",
];

fn name(script: &str) -> &str {
    script
        .rsplit('/')
        .next()
        .and_then(|f| f.strip_suffix(".syn"))
        .unwrap_or(script)
}

fn frames(bytes: &[u8]) -> Vec<(f32, f32)> {
    bytes
        .chunks_exact(8)
        .map(|f| {
            let s = |i: usize| f32::from_le_bytes([f[i], f[i + 1], f[i + 2], f[i + 3]]);
            (s(0), s(4))
        })
        .collect()
}

/// How far ours strays from `reference` (taken every `step` frames): the worst difference and where.
fn worst(ours: &crate::common::Stereo, reference: &[(f32, f32)], step: usize) -> (f32, usize) {
    let mut worst = (0.0f32, 0);
    for (k, (l, r)) in reference.iter().enumerate() {
        let i = k * step;
        let d = (ours.left[i] - l).abs().max((ours.right[i] - r).abs());
        if d > worst.0 || d.is_nan() {
            worst = (d, i);
        }
    }
    worst
}

#[test]
fn the_originals_examples_render_as_the_original_rendered_them() {
    for script in SCRIPTS {
        let name = name(script);
        let Ok(src) = std::fs::read_to_string(script) else {
            eprintln!("skipped {script}: the original's examples are not beside this checkout");
            continue;
        };
        let reference = frames(&std::fs::read(format!("tests/original/{name}.ref")).unwrap());
        assert_eq!(
            reference.len(),
            (SECONDS * 44_100.0) as usize / DECIMATE + 1,
            "{name}.ref"
        );
        let ours = render_with(&src, SECONDS, 44_100.0, 256, 0);
        let (d, at) = worst(&ours, &reference, DECIMATE);
        // Measured: at most one float32 ulp (6e-8) anywhere in the six seconds.
        assert!(
            d < 1e-6,
            "{name}: {d} apart at frame {at} ({:.4} s)",
            at as f64 / 44_100.0
        );
    }
}

/// Every frame against full-resolution renders of the original (files NAME.raw in `ORIGINAL_RAW`, made with
/// `render_original.py SCRIPT SECONDS NAME.raw`): `ORIGINAL_RAW=dir cargo test -- --ignored every_frame`.
#[test]
#[ignore = "needs full renders of the original in ORIGINAL_RAW"]
fn every_frame_matches_a_full_original_render() {
    let dir = std::env::var("ORIGINAL_RAW").expect("ORIGINAL_RAW names a folder of full renders");
    for script in SCRIPTS {
        let (name, src) = (name(script), std::fs::read_to_string(script).unwrap());
        let reference = frames(&std::fs::read(format!("{dir}/{name}.raw")).unwrap());
        let seconds = reference.len() as f64 / 44_100.0;
        let ours = render_with(&src, seconds, 44_100.0, 256, 0);
        let (d, at) = worst(&ours, &reference, 1);
        eprintln!("{name}: worst {d} at frame {at}");
        assert!(d < 1e-6, "{name}: {d} apart at frame {at}");
    }
}
