//! Every patch in `patches/`: checks without warnings, its graph matches the snapshot, and one render is
//! finite, audible and within full scale.

use crate::common::{SR, peak, render_master, rms};
use synchrotron_tui::compile;
use synchrotron_tui::engine::MasterConfig;

#[test]
fn every_example_patch_checks_renders_and_is_sane() {
    let mut seen = 0;
    insta::glob!("../../patches", "*.syn", |path| {
        seen += 1;
        let src = std::fs::read_to_string(path).unwrap();
        let checked = compile::check(&src).unwrap_or_else(|d| panic!("{}: {d:?}", path.display()));
        assert!(
            checked.warnings.is_empty(),
            "{}: {:?}",
            path.display(),
            checked.warnings
        );
        insta::assert_snapshot!(checked.spec.to_string());
        // Raw, without the limiter: through it every patch would stay under the ceiling whatever it did, and
        // the examples are meant to be well-levelled on their own.
        let out = if src.contains("= midi") {
            played(&src)
        } else {
            render_master(&src, 8.0, SR, 256, 0, MasterConfig::raw())
        };
        for (side, x) in [("left", &out.left), ("right", &out.right)] {
            assert!(x.iter().all(|v| v.is_finite()), "{} {side}: NaN or inf", path.display());
            assert!(
                peak(x) <= 1.0,
                "{} {side}: peak {} above full scale",
                path.display(),
                peak(x)
            );
            assert!(
                rms(x) > 0.01,
                "{} {side}: nearly silent, rms {}",
                path.display(),
                rms(x)
            );
        }
    });
    assert!(seen >= 6, "only {seen} example patches");
}

/// A keyboard patch, played: a chord held for four seconds (on a port of its own, so no other test hears it).
fn played(src: &str) -> crate::common::Stereo {
    use synchrotron_tui::dsp::midi::input::send_at_frame;
    let src = src.replace("= midi", "= midi port=41");
    let (graph, _) = compile::compile(&src, &compile::Settings::default()).expect("compiles");
    let mut engine = synchrotron_tui::engine::Engine::new(graph, SR, MasterConfig::raw());
    let (mut left, mut right) = (Vec::new(), Vec::new());
    let mut buf = [0.0f32; 512];
    for block in 0..(8 * 48_000 / 256) {
        let frame = block as u64 * 256;
        for (at, bytes) in [
            (0, [0x90, 57, 100]),
            (0, [0x90, 64, 90]),
            (0, [0x90, 69, 80]),
            (192_000, [0xB0, 123, 0]),
        ] {
            if (frame..frame + 256).contains(&at) {
                assert!(send_at_frame(41, at, &bytes));
            }
        }
        engine.process(&mut buf);
        left.extend(buf.iter().step_by(2));
        right.extend(buf.iter().skip(1).step_by(2));
    }
    crate::common::Stereo { left, right }
}
