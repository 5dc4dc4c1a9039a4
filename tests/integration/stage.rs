//! The stage editor end to end in tmux (issue 15): the diff preview changes as you type, Ctrl-Enter (Alt-Enter)
//! sends only the chain under the cursor, an armed change lands on the bar, mute silences exactly its chain, and
//! the scope follows the cursor. The sound is read from the ALSA capture and analysed.

use crate::common::{captured_bytes, captured_left_from, level};
use crate::tmux::Tmux;

/// Half a second of what plays from now on, after a second has passed (the change has landed and settled).
fn fresh_tail(t: &Tmux) -> Vec<f32> {
    let from = captured_bytes(&t.dir) + 48_000 * 8;
    t.wait_audio(1.5);
    captured_left_from(&t.dir, from, 24_000)
}

/// Wait until the line holding `text` also holds `mark`.
fn wait_mark(t: &Tmux, text: &str, mark: &str) -> String {
    let started = std::time::Instant::now();
    loop {
        let s = t.screen();
        if line_of(&s, text).contains(mark) {
            return s;
        }
        assert!(
            started.elapsed().as_secs() < 20,
            "no `{mark}` on the line of `{text}`:\n{s}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn line_of<'a>(screen: &'a str, text: &str) -> &'a str {
    screen.lines().find(|l| l.contains(text)).unwrap_or("")
}

#[test]
fn the_diff_preview_changes_as_you_type() {
    let t = Tmux::start(
        "preview",
        Some("lfo = sine 2\nsaw 110 -> lowpass 800 -> gain 0.3 -> out\n"),
    );
    let s = t.wait_screen("playing as written");
    assert!(line_of(&s, "│saw 110").contains("2·"), "kept lines are marked:\n{s}");
    // 800 → 900: a retune, before any save.
    t.keys(&["Down", "End"]);
    for _ in 0..21 {
        t.keys(&["Left"]);
    }
    t.keys(&["BSpace"]);
    t.type_text("9");
    t.wait_screen("on save: 3 kept, 1 retuned · CPU");
    wait_mark(&t, "lowpass 900", "2~");
    // Comment the chain out: its nodes would go.
    t.keys(&["C-_"]);
    let s = wait_mark(&t, "# saw 110", "2−");
    assert!(s.contains("on save: 1 kept, 3 removed"), "{s}");
    assert!(s.contains("CPU ≈"), "the estimated CPU change shows:\n{s}");
    // Nothing was sent: the first version still plays.
    assert!(s.contains("v1 ok"), "{s}");
}

#[test]
fn alt_enter_sends_only_the_chain_under_the_cursor() {
    let t = Tmux::start(
        "evaluate",
        Some("sine 220 -> gain 0.3 -> out\nsine 330 -> gain 0.3 -> out\n"),
    );
    t.wait_screen("v1 ok");
    // Edit both lines, then evaluate only the first.
    t.keys(&[
        "Home", "Right", "Right", "Right", "Right", "Right", "Delete", "Delete", "Delete",
    ]);
    t.type_text("440");
    t.keys(&[
        "Down", "Home", "Right", "Right", "Right", "Right", "Right", "Delete", "Delete", "Delete",
    ]);
    t.type_text("550");
    t.keys(&["Up", "M-Enter"]);
    let s = t.wait_screen("line 1 evaluated");
    assert!(line_of(&s, "│sine 440").contains("1·"), "line 1 is live now:\n{s}");
    assert!(
        line_of(&s, "│sine 550").contains("2~"),
        "line 2's edit waits for a save:\n{s}"
    );
    let x = fresh_tail(&t);
    assert!(
        level(&x, 440.0) > 0.25,
        "the evaluated chain plays: {}",
        level(&x, 440.0)
    );
    assert!(
        level(&x, 330.0) > 0.25,
        "the other chain plays as loaded: {}",
        level(&x, 330.0)
    );
    assert!(level(&x, 220.0) < 0.01, "the old line 1 is gone: {}", level(&x, 220.0));
    assert!(
        level(&x, 550.0) < 0.01,
        "line 2's edit stays unsent: {}",
        level(&x, 550.0)
    );
    assert_eq!(
        std::fs::read_to_string(t.dir.join("p.syn")).unwrap(),
        "sine 220 -> gain 0.3 -> out\nsine 330 -> gain 0.3 -> out\n",
        "evaluating does not save"
    );
}

#[test]
fn an_armed_change_lands_on_the_bar_line() {
    // 120 bpm, the tempo the engine starts with: a bar is two seconds, 96 000 frames from the first frame played.
    let t = Tmux::start("armed", Some("bpm 120\nsine 220 -> gain 0.1 -> out\n"));
    t.wait_screen("v1 ok");
    t.keys(&["F4"]);
    t.wait_screen("quantize on");
    t.keys(&["Down", "End"]);
    for _ in 0..7 {
        t.keys(&["Left"]);
    }
    t.keys(&["BSpace"]);
    t.type_text("5");
    t.wait_screen("gain 0.5");
    // The capture runs far faster than real time: what was written before the save is older than it.
    let from = captured_bytes(&t.dir) / 8 * 8;
    t.keys(&["C-s"]);
    t.wait_screen("v2 ok");
    let x = fresh_tail(&t);
    assert!(level(&x, 220.0) > 0.45, "the change landed");
    let after = captured_left_from(&t.dir, from, 60 * 48_000);
    let step = after
        .iter()
        .position(|v| v.abs() > 0.2)
        .expect("the louder version plays")
        + (from / 8) as usize;
    let into_bar = step % 96_000;
    // The gain glides from the bar line (10 ms); it passes 0.2 within a block of it.
    assert!(
        into_bar < 1024,
        "landed {into_bar} frames after a bar line (frame {step})"
    );
    assert!(step >= 96_000, "not before the first bar after the save");
}

#[test]
fn mute_silences_exactly_its_chain_and_the_same_key_undoes_it() {
    let t = Tmux::start(
        "mute",
        Some("sine 220 -> gain 0.3 -> out\nsine 330 -> gain 0.3 -> out\n"),
    );
    t.wait_screen("v1 ok");
    t.keys(&["Down", "F7"]);
    t.wait_screen("line 2 muted");
    wait_mark(&t, "│sine 330", "M│");
    let x = fresh_tail(&t);
    assert!(level(&x, 330.0) < 0.01, "muted chain: {}", level(&x, 330.0));
    assert!(level(&x, 220.0) > 0.25, "the other chain: {}", level(&x, 220.0));
    t.keys(&["F7"]);
    t.wait_screen("line 2 no longer muted");
    let x = fresh_tail(&t);
    assert!(level(&x, 330.0) > 0.25, "unmuted: {}", level(&x, 330.0));
    // Solo the first: the second goes quiet.
    t.keys(&["Up", "F8"]);
    t.wait_screen("line 1 soloed");
    let x = fresh_tail(&t);
    assert!(level(&x, 330.0) < 0.01 && level(&x, 220.0) > 0.25);
}

#[test]
fn the_scope_follows_the_cursor_and_pins_to_the_master() {
    let t = Tmux::start("scope", Some("lfo = sine 3\nsaw 110 -> lowpass 800+lfo*200 -> out\n"));
    t.wait_screen("scope · sine (line 1)");
    t.keys(&["Down"]);
    t.wait_screen("scope · saw (line 2)");
    t.keys(&["End"]);
    t.wait_screen("scope · lowpass (line 2)");
    t.keys(&["F9"]);
    t.wait_screen("scope · master");
    t.keys(&["F10"]);
    t.wait_screen("spectrum · master");
}
