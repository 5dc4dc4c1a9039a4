//! Properties: no input, however odd, makes the parser or compiler panic; whatever compiles also renders.

use proptest::prelude::*;
use synchrotron_tui::compile::{self, Settings};
use synchrotron_tui::engine::{Engine, MasterConfig};

const TOKENS: &[&str] = &[
    "sine",
    "saw",
    "lowpass",
    "delay",
    "seq",
    "adsr",
    "out",
    "out.left",
    "x",
    "y",
    "x.gate",
    "bpm",
    "noise",
    "pink",
    "->",
    "=",
    "(",
    ")",
    "[",
    "]",
    "+",
    "-",
    "*",
    "/",
    "_",
    "0",
    "440",
    "1/4",
    "a4",
    "c#3",
    "20ms",
    "2khz",
    "q=",
    "cutoff=",
    "freq=",
    "\n",
    " ",
    "#",
    "feedback=",
    "reverb",
    "pan",
    "clock",
    "perc",
    "mix",
];

fn patchish() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..40).prop_map(|t| t.join(" "))
}

fn exercise(src: &str) {
    if let Ok((graph, _)) = compile::compile(src, &Settings::default()) {
        let mut engine = Engine::new(graph, 48_000.0, MasterConfig::protected());
        let mut buf = vec![0.0; 2 * 300];
        engine.process(&mut buf);
        assert!(buf.iter().all(|v| v.is_finite()) || src.contains('/'), "{src:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_text_never_panics(src in "\\PC{0,200}") {
        exercise(&src);
    }

    #[test]
    fn patch_shaped_text_never_panics(src in patchish()) {
        exercise(&src);
    }
}
