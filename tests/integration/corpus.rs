//! Every patch in `patches/`: checks without warnings, its graph matches the snapshot, and one render is
//! finite, audible and within full scale.

use crate::common::{peak, render, rms};
use synchrotron_tui::compile;

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
        let out = render(&src, 8.0);
        for (side, x) in [("left", &out.left), ("right", &out.right)] {
            assert!(x.iter().all(|v| v.is_finite()), "{} {side}: NaN or inf", path.display());
            assert!(peak(x) <= 1.0, "{} {side}: peak {}", path.display(), peak(x));
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
