//! The built-in kit, made by our own engine (`make kit` renders `patches/samples/src/*.syn`), inside the binary so
//! `sample "bd"` plays wherever the app is installed. Pure data.

/// Bank name, the file's bytes, what it is.
pub const KIT: &[(&str, &[u8], &str)] = &[
    ("bd", include_bytes!("../../patches/samples/bd.wav"), "kick"),
    ("sd", include_bytes!("../../patches/samples/sd.wav"), "snare"),
    ("cp", include_bytes!("../../patches/samples/cp.wav"), "clap"),
    ("hh", include_bytes!("../../patches/samples/hh.wav"), "closed hat"),
    ("oh", include_bytes!("../../patches/samples/oh.wav"), "open hat"),
    ("lt", include_bytes!("../../patches/samples/lt.wav"), "tom"),
    ("rim", include_bytes!("../../patches/samples/rim.wav"), "rimshot"),
    (
        "bass",
        include_bytes!("../../patches/samples/bass.wav"),
        "bass note, A1 (55 Hz)",
    ),
    (
        "stab",
        include_bytes!("../../patches/samples/stab.wav"),
        "chord stab, C minor",
    ),
];
