//! The mini-notation against the meanings Tidal's and Strudel's documentation give: each pattern's onsets (in
//! cycles) and values over the first cycles, written from the documented semantics, not from this code's output.

use super::*;

fn onsets(src: &str, cycles: u32) -> Vec<(f64, String)> {
    let c = compile(src, 1).unwrap_or_else(|d| panic!("{src}: {}", d.message));
    let mut evs = Vec::new();
    c.clone().events_over(cycles, &mut evs);
    evs.into_iter()
        .map(|e| {
            let v = match &e.value {
                Value::Sample(n, 0) => n.clone(),
                Value::Sample(n, i) => format!("{n}:{i}"),
                Value::Number(x) => format!("{x}"),
                Value::Note(m) => format!("n{m}"),
            };
            (e.begin, v)
        })
        .collect()
}

impl Compiled {
    /// The events of the first `cycles` cycles (the period repeated).
    fn events_over(self, cycles: u32, out: &mut Vec<Event>) {
        for rep in 0..cycles.div_ceil(self.period) {
            let shift = f64::from(rep * self.period);
            out.extend(self.events.iter().map(|e| Event {
                begin: e.begin + shift,
                end: e.end + shift,
                value: e.value.clone(),
            }));
        }
        out.retain(|e| e.begin < f64::from(cycles));
    }
}

/// An onset: (numerator, denominator) of its cycle position, and its value.
type Onset = (u32, u32, &'static str);

/// Pattern, cycles looked at, expected onsets.
const TABLE: &[(&str, u32, &[Onset])] = &[
    ("bd sd", 1, &[(0, 1, "bd"), (1, 2, "sd")]),
    ("bd sd hh", 1, &[(0, 1, "bd"), (1, 3, "sd"), (2, 3, "hh")]),
    ("bd ~ sd ~", 1, &[(0, 1, "bd"), (1, 2, "sd")]),
    ("~ bd", 1, &[(1, 2, "bd")]),
    ("bd [sd sd]", 1, &[(0, 1, "bd"), (1, 2, "sd"), (3, 4, "sd")]),
    (
        "bd [sd [hh hh]]",
        1,
        &[(0, 1, "bd"), (1, 2, "sd"), (3, 4, "hh"), (7, 8, "hh")],
    ),
    ("bd [~ sd]", 1, &[(0, 1, "bd"), (3, 4, "sd")]),
    ("bd*2 sd", 1, &[(0, 1, "bd"), (1, 4, "bd"), (1, 2, "sd")]),
    ("bd sd*3", 1, &[(0, 1, "bd"), (1, 2, "sd"), (2, 3, "sd"), (5, 6, "sd")]),
    (
        "[bd sd]*2",
        1,
        &[(0, 1, "bd"), (1, 4, "sd"), (1, 2, "bd"), (3, 4, "sd")],
    ),
    (
        "bd [sd cp]*2",
        1,
        &[(0, 1, "bd"), (1, 2, "sd"), (5, 8, "cp"), (3, 4, "sd"), (7, 8, "cp")],
    ),
    ("<bd sd>", 2, &[(0, 1, "bd"), (1, 1, "sd")]),
    ("<bd sd cp>", 3, &[(0, 1, "bd"), (1, 1, "sd"), (2, 1, "cp")]),
    (
        "bd <sd cp>",
        2,
        &[(0, 1, "bd"), (1, 2, "sd"), (1, 1, "bd"), (3, 2, "cp")],
    ),
    ("<[bd bd] sd>", 2, &[(0, 1, "bd"), (1, 2, "bd"), (1, 1, "sd")]),
    ("<bd sd>*2", 1, &[(0, 1, "bd"), (1, 2, "sd")]),
    (
        "<bd sd, hh*2>",
        2,
        &[
            (0, 1, "bd"),
            (0, 1, "hh"),
            (1, 2, "hh"),
            (1, 1, "sd"),
            (1, 1, "hh"),
            (3, 2, "hh"),
        ],
    ),
    ("bd!3 sd", 1, &[(0, 1, "bd"), (1, 4, "bd"), (2, 4, "bd"), (3, 4, "sd")]),
    ("bd! sd", 1, &[(0, 1, "bd"), (1, 3, "bd"), (2, 3, "sd")]),
    (
        "[bd sd]!2",
        1,
        &[(0, 1, "bd"), (1, 4, "sd"), (1, 2, "bd"), (3, 4, "sd")],
    ),
    ("bd@3 sd", 1, &[(0, 1, "bd"), (3, 4, "sd")]),
    ("[bd sd]@2 hh", 1, &[(0, 1, "bd"), (1, 3, "sd"), (2, 3, "hh")]),
    ("bd, hh*2", 1, &[(0, 1, "bd"), (0, 1, "hh"), (1, 2, "hh")]),
    ("[bd, sd] hh", 1, &[(0, 1, "bd"), (0, 1, "sd"), (1, 2, "hh")]),
    ("bd(3,8)", 1, &[(0, 1, "bd"), (3, 8, "bd"), (6, 8, "bd")]),
    ("bd(3,8,2)", 1, &[(1, 8, "bd"), (4, 8, "bd"), (6, 8, "bd")]),
    (
        "bd(5,8)",
        1,
        &[(0, 1, "bd"), (2, 8, "bd"), (3, 8, "bd"), (5, 8, "bd"), (6, 8, "bd")],
    ),
    ("bd(3,4)", 1, &[(0, 1, "bd"), (1, 4, "bd"), (2, 4, "bd")]),
    ("bd/2", 2, &[(0, 1, "bd")]),
    ("[bd sd]/2", 2, &[(0, 1, "bd"), (1, 1, "sd")]),
    ("bd sd/2", 2, &[(0, 1, "bd"), (1, 2, "sd"), (1, 1, "bd")]),
    ("bd*1.5", 2, &[(0, 1, "bd"), (2, 3, "bd"), (4, 3, "bd")]),
    ("c3 e3 g3", 1, &[(0, 1, "n48"), (1, 3, "n52"), (2, 3, "n55")]),
    ("0.25 1 ~ 3", 1, &[(0, 1, "0.25"), (1, 4, "1"), (3, 4, "3")]),
    ("sn:3 sn", 1, &[(0, 1, "sn:3"), (1, 2, "sn")]),
];

#[test]
fn every_pattern_starts_its_steps_where_the_mini_notation_says() {
    for (src, cycles, want) in TABLE {
        let got = onsets(src, *cycles);
        let mut want: Vec<(f64, String)> = want
            .iter()
            .map(|&(n, d, v)| (f64::from(n) / f64::from(d), v.to_string()))
            .collect();
        let key = |a: &(f64, String), b: &(f64, String)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
        want.sort_by(key);
        let mut sorted = got.clone();
        sorted.sort_by(key);
        assert_eq!(sorted.len(), want.len(), "{src}: {got:?}");
        for (g, w) in sorted.iter().zip(&want) {
            assert!(
                (g.0 - w.0).abs() < 1e-9 && g.1 == w.1,
                "{src}: got {got:?}, want {want:?}"
            );
        }
    }
    assert!(TABLE.len() >= 30);
}

#[test]
fn steps_last_their_share_and_patterns_repeat_after_their_period() {
    let c = compile("bd@3 sd", 0).expect("compiles");
    assert_eq!((c.events[0].end, c.events[1].end), (0.75, 1.0));
    for (src, period) in [
        ("<a b c>", 3),
        ("a/2", 2),
        ("a*1.5", 2),
        ("<a b>/2", 4),
        ("a b", 1),
        ("<a <b c>>", 4),
    ] {
        assert_eq!(compile(src, 0).expect("compiles").period, period, "{src}");
    }
    assert!(compile("a*1.2345", 0).is_err(), "never lines up");
}

#[test]
fn random_drops_are_seeded_repeatable_and_about_as_likely_as_asked() {
    let a = compile("hh*16?", 7).expect("compiles");
    assert_eq!(
        a,
        compile("hh*16?", 7).expect("compiles"),
        "the same seed, the same drops"
    );
    assert_ne!(a, compile("hh*16?", 8).expect("compiles"), "another seed, other drops");
    let kept = a.events.len() as f64 / (16.0 * f64::from(a.period));
    assert!((0.35..0.65).contains(&kept), "about half kept: {kept}");
    let rare = compile("hh*16?0.9", 7).expect("compiles");
    assert!((rare.events.len() as f64) < 0.2 * 16.0 * f64::from(rare.period));
}
