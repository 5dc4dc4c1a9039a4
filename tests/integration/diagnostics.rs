//! Every file in `tests/errors/` fails (or warns) with a rendered diagnostic that matches its snapshot.

use synchrotron_tui::compile;
use synchrotron_tui::lang::diagnostic::render_all;

#[test]
fn bad_patches_report_place_and_hint() {
    let mut seen = 0;
    insta::glob!("../errors", "*.syn", |path| {
        seen += 1;
        let src = std::fs::read_to_string(path).unwrap();
        let name = format!("tests/errors/{}", path.file_name().unwrap().to_string_lossy());
        let text = match compile::check(&src) {
            Ok(c) => {
                assert!(!c.warnings.is_empty(), "{name} should not be clean");
                render_all(&c.warnings, &name, &src)
            }
            Err(d) => render_all(&d, &name, &src),
        };
        assert!(text.contains(&format!("--> {name}:")), "{text}");
        assert!(text.contains('^'), "{text}");
        insta::assert_snapshot!(text);
    });
    assert!(seen >= 12, "only {seen} error cases");
}

#[test]
fn a_valid_patch_has_no_diagnostics() {
    let c = compile::check("lfo = sine 0.2\nsquare 440 width=lfo*0.24+0.5 -> gain 0.1 -> out\n").unwrap();
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}
