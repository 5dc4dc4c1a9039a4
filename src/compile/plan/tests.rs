//! The diff, edit by edit: what is kept, retuned, rewired, replaced, added and removed, and how it swaps.

use super::*;
use crate::compile::check;

fn spec(src: &str) -> GraphSpec {
    check(src).unwrap_or_else(|d| panic!("{src}: {d:?}")).spec
}

fn diff(a: &str, b: &str) -> (Counts, SwapMode, GraphSpec, GraphSpec) {
    let old = spec(a);
    let mut new = spec(b);
    let p = plan(Some(&old), &mut new);
    (p.counts, p.mode, old, new)
}

fn c(kept: usize, retuned: usize, added: usize, removed: usize) -> Counts {
    Counts {
        kept,
        retuned,
        added,
        removed,
        ..Counts::default()
    }
}

#[test]
fn a_table_of_edits() {
    let base = "saw 110 -> lowpass 800 -> gain 0.3 -> out";
    let cases: &[(&str, Counts, SwapMode)] = &[
        (base, c(3, 0, 0, 0), SwapMode::Move),
        (
            "saw 110 -> lowpass 1200 -> gain 0.3 -> out",
            c(2, 1, 0, 0),
            SwapMode::Move,
        ),
        (
            "saw 220 -> lowpass 1200 q=3 -> gain 0.3 -> out",
            c(1, 2, 0, 0),
            SwapMode::Move,
        ),
        (
            "saw 110 -> lowpass 800 -> gain 0.3 -> delay 0.2 -> out",
            c(3, 0, 1, 0),
            SwapMode::Crossfade,
        ),
        ("saw 110 -> gain 0.3 -> out", c(1, 0, 1, 2), SwapMode::Crossfade),
        (
            "square 110 -> lowpass 800 -> gain 0.3 -> out",
            Counts {
                kept: 1,
                rewired: 1,
                added: 1,
                removed: 1,
                ..Counts::default()
            },
            SwapMode::Crossfade,
        ),
        (
            "bpm 90\nsaw 110 -> lowpass 800 -> gain 0.3 -> out",
            c(3, 0, 0, 0),
            SwapMode::Crossfade,
        ),
    ];
    for (edit, counts, mode) in cases {
        let (got, m, ..) = diff(base, edit);
        assert_eq!((got, m), (*counts, *mode), "{edit}");
    }
}

#[test]
fn a_new_source_for_a_kept_node_is_a_rewire() {
    let (counts, mode, ..) = diff(
        "lfo = sine 1\nsaw 110 -> lowpass lfo -> out",
        "lfo = sine 1\nsaw 110 -> lowpass 900 -> out",
    );
    assert_eq!((counts.rewired, counts.removed, mode), (1, 0, SwapMode::Crossfade));
    assert_eq!(counts.to_string(), "3 kept, 0 retuned, 0 added, 0 removed");
}

#[test]
fn a_new_list_replaces_the_sequencer() {
    let (counts, ..) = diff("seq [a3 c4] -> saw -> out", "seq [a3 e4] -> saw -> out");
    assert_eq!((counts.replaced, counts.kept), (1, 1));
}

#[test]
fn inserting_a_chain_above_keeps_the_others_identity() {
    let a = "saw 55 -> delay 0.3 -> out\nnoise -> highpass 5000 -> gain 0.1 -> out";
    let b = "sine 440 -> gain 0.2 -> out\nsaw 55 -> delay 0.3 -> out\nnoise -> highpass 5000 -> gain 0.1 -> out";
    let (counts, mode, old, new) = diff(a, b);
    assert_eq!(counts, c(5, 0, 2, 0));
    assert_eq!(mode, SwapMode::Crossfade);
    let delay_key = |s: &GraphSpec| s.nodes.iter().find(|n| n.kind == "delay").unwrap().key.clone();
    assert_eq!(delay_key(&old), delay_key(&new));
}

#[test]
fn an_edited_chain_between_unchanged_ones_keeps_its_place() {
    let a = "sine 1 -> out\nsaw 110 -> lowpass 800 -> out\nsine 3 -> out";
    let b = "sine 1 -> out\nsaw 110 -> highpass 800 -> out\nsine 3 -> out";
    let (counts, ..) = diff(a, b);
    assert_eq!(
        counts,
        Counts {
            kept: 3,
            added: 1,
            removed: 1,
            ..Counts::default()
        }
    );
}

#[test]
fn links_point_at_the_old_node_except_for_replacements() {
    let old = spec("x = seq [1 2] -> saw\nx -> lowpass 500 -> out");
    let mut new = spec("x = seq [1 3] -> saw\nx -> lowpass 700 -> out");
    let p = plan(Some(&old), &mut new);
    for (i, link) in p.links.iter().enumerate() {
        let kind = new.nodes[i].kind;
        match kind {
            "seq" => assert_eq!(*link, None),
            _ => assert_eq!(link.map(|j| old.nodes[j].kind), Some(kind)),
        }
    }
}

#[test]
fn the_first_patch_adds_everything() {
    let mut new = spec("saw 110 -> lowpass 800 -> out");
    let p = plan(None, &mut new);
    assert_eq!(p.counts, c(0, 0, 2, 0));
}

#[test]
fn a_labelled_node_keeps_its_identity_when_its_chain_moves() {
    // Without the label the moved delay would be a new node; with it, it is the same one, kept.
    let a = "sine 3 -> out\nsaw 55 -> delay 0.3 @echo -> out";
    let b = "saw 55 -> delay 0.3 @echo -> out\nnoise -> gain 0.1 -> out";
    let (_, _, old, new) = diff(a, b);
    let key = |s: &GraphSpec| s.nodes.iter().find(|n| n.kind == "delay").unwrap().key.clone();
    assert_eq!(key(&old), "@echo:delay");
    assert_eq!(key(&old), key(&new));
    let twice = check("saw 1 @x -> out\nsaw 2 @x -> out").unwrap_err();
    assert_eq!(twice[0].code, "E005");
}

#[test]
fn a_value_changed_inside_arithmetic_counts_as_retuned() {
    let (counts, mode, _, _) = diff(
        "x = sine 2\nsaw 110 -> gain x*0.5+0.5 -> out",
        "x = sine 2\nsaw 110 -> gain x*0.1+0.5 -> out",
    );
    assert_eq!(mode, SwapMode::Move);
    assert_eq!(counts, c(3, 1, 0, 0));
}

#[test]
fn two_nodes_in_one_place_have_their_own_keys_so_the_same_text_keeps_everything() {
    let src = "(saw 110) + (saw 220*1.01) -> lowpass 900 -> out\nkeys = midi poly=2\n(saw keys.freq) + (saw keys.freq*1.004) -> out\n";
    let old = crate::compile::check(src).expect("checks").spec;
    let mut new = crate::compile::check(src).expect("checks").spec;
    let keys: std::collections::HashSet<&str> = old.nodes.iter().map(|n| n.key.as_str()).collect();
    assert_eq!(keys.len(), old.nodes.len(), "every key is unique");
    let p = plan(Some(&old), &mut new);
    assert_eq!(p.mode, SwapMode::Move, "{:?}", p.counts);
    assert_eq!(
        p.counts.removed + p.counts.added + p.counts.rewired + p.counts.replaced,
        0,
        "{:?}",
        p.counts
    );
}
