//! Fuzzing both languages with proptest, in bounded time (a few hundred cases each, small inputs): Synchrolang-
//! shaped scripts, patch text with hostile bytes (NUL, BOM, control characters, huge numbers, deep brackets).
//! Whatever comes in: no panic; diagnostics stay short and printable with a place inside the text; what compiles
//! renders finite and under the ceiling; an exported script checks again.

use proptest::prelude::*;
use synchrotron_tui::compile::{self, Lang, Settings};
use synchrotron_tui::engine::{Engine, MasterConfig};
use synchrotron_tui::lang::diagnostic::render_all;

const SCRIPT: &[&str] = &[
    "new",
    "link",
    "unlink",
    "remove",
    "clear",
    "start",
    "stop",
    "export",
    "eval",
    "->",
    ";",
    "\n",
    ".",
    "SineNode",
    "SquareNode",
    "SawtoothNode",
    "AddNode",
    "MultiplyNode",
    "SequenceNode",
    "ClockNode",
    "PlaybackNode",
    "DebugNode",
    "MidiTriggerNode",
    "ChordNode",
    "TriggerEnvelopeNode",
    "a",
    "b",
    "c",
    "p",
    "out",
    "left",
    "right",
    "frequency",
    "a",
    "b",
    "value",
    "440",
    "-1",
    "0.5",
    "1e300",
    "1e16",
    "true",
    "null",
    "\"Cm7\"",
    "[1, 2, null]",
    "$rate",
    "/* x */",
    "// y\n",
    "\u{feff}",
    "\0",
];

const HOSTILE: &[&str] = &[
    "sine",
    "saw",
    "->",
    "out",
    "x",
    "=",
    "x*1.5",
    "delay",
    "0.3",
    "max=60",
    "seq",
    "[",
    "]",
    "(",
    ")",
    "#",
    "\0",
    "\u{feff}",
    "\u{7f}",
    "\u{1b}[2J",
    "1e38",
    "-1e38",
    "nan",
    "inf",
    "c#3",
    "h4",
    "\t",
    "\r\n",
    "\n",
    "é",
    "🎹",
    "gain",
    "1000000",
    "lowpass",
    "q=1e9",
    "bpm",
    "0",
    "1/0",
];

fn soup(tokens: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(tokens), 0..max).prop_map(|t| t.join(" "))
}

/// Everything a user could see of `src` stays bounded and printable.
fn check_reports(src: &str, lang: Lang) {
    let diags = match compile::check_as(src, lang) {
        Ok(c) => c.warnings,
        Err(d) => d,
    };
    let text = render_all(&diags, "fuzz.syn", src);
    assert!(
        text.len() <= 1_200 * diags.len().max(1),
        "{} bytes for {} diagnostics",
        text.len(),
        diags.len()
    );
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t'),
        "a control character reached the report: {text:?}"
    );
    for d in &diags {
        assert!(d.span.start <= src.len(), "{d:?} outside {} bytes", src.len());
    }
}

fn renders_sanely(src: &str) {
    if let Ok((graph, _)) = compile::compile(src, &Settings::default()) {
        let mut engine = Engine::new(graph, 48_000.0, MasterConfig::protected());
        let mut buf = vec![0.0; 2 * 512];
        for _ in 0..4 {
            engine.process(&mut buf);
            assert!(buf.iter().all(|v| v.is_finite() && v.abs() <= 0.891_251), "{src:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn synchrolang_scripts_never_panic_and_export_round_trips(src in soup(SCRIPT, 40)) {
        check_reports(&src, Lang::Synchrolang);
        renders_sanely(&src);
        let path = std::path::Path::new("fuzz.syn");
        if let Ok(exported) = synchrotron_tui::cli::export(path, &src, Some(Lang::Synchrolang))
            && compile::check_as(&src, Lang::Synchrolang).is_ok()
        {
            prop_assert!(compile::check_as(&exported, Lang::Synchrolang).is_ok(), "{src:?} exported as {exported:?}");
        }
    }

    #[test]
    fn hostile_patch_text_never_panics(src in soup(HOSTILE, 50)) {
        check_reports(&src, Lang::Patch);
        check_reports(&src, Lang::detect(&src));
        renders_sanely(&src);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let src = String::from_utf8_lossy(&bytes);
        check_reports(&src, Lang::Patch);
        check_reports(&src, Lang::Synchrolang);
    }
}
