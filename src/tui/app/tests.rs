//! The app model driven by actions, without a terminal or an engine.

use super::*;

fn app(text: &str) -> App {
    App::new(PathBuf::from("p.syn"), text, true, AudioInfo::default())
}

#[test]
fn errors_show_while_typing_and_save_asks_for_a_write() {
    let mut a = app("sine 440 -> out");
    assert!(a.diagnostics.is_empty());
    for _ in 0..4 {
        a.update(Action::Move(super::super::editor::Move::Right, false));
    }
    a.update(Action::Insert('x'));
    assert_eq!(a.diagnostics.len(), 1);
    assert_eq!(a.diagnostics[0].code, "E002");
    assert!(a.modified());
    assert_eq!(a.update(Action::Save), Some(Effect::Save("sinex 440 -> out".into())));
}

#[test]
fn next_error_moves_the_cursor_to_it() {
    let mut a = app("sine 440 -> out\nsaw 1 -> lowpas 3 -> out\nsine 3 -> gian 2 -> out");
    a.update(Action::NextError);
    assert_eq!(a.cursor(), Pos { line: 1, col: 9 });
    a.update(Action::NextError);
    assert_eq!(a.cursor(), Pos { line: 2, col: 10 });
    a.update(Action::NextError);
    assert_eq!(a.cursor(), Pos { line: 1, col: 9 }, "wraps round");
    a.update(Action::PrevError);
    assert_eq!(a.cursor(), Pos { line: 2, col: 10 });
}

#[test]
fn quitting_with_unsaved_changes_asks_first() {
    let mut a = app("sine 440 -> out");
    a.update(Action::Insert('x'));
    assert_eq!(a.update(Action::Quit), None);
    assert_eq!(a.mode, Mode::ConfirmQuit);
    assert_eq!(a.update(Action::Answer('n')), None);
    assert_eq!(a.mode, Mode::Edit);
    a.update(Action::Quit);
    assert_eq!(
        a.update(Action::Answer('s')),
        Some(Effect::SaveThenQuit("xsine 440 -> out".into()))
    );
    assert!(!a.quit, "only once the text is on disk");
    // The save failed: the app stays, with the text, and says so.
    a.on_saved_then("xsine 440 -> out", Err("disk full".into()), true);
    assert!(!a.quit && a.modified());
    assert!(
        a.status.0.contains("NOT SAVED (not quitting): disk full"),
        "{:?}",
        a.status
    );
    a.update(Action::Quit);
    a.update(Action::Answer('s'));
    a.on_saved_then("xsine 440 -> out", Ok(()), true);
    assert!(a.quit);
    let mut clean = app("sine 440 -> out");
    assert_eq!(clean.update(Action::Quit), Some(Effect::Quit));
}

#[test]
fn panic_and_unmute_act_in_every_mode_and_leave_it_as_it_was() {
    let modes = [
        Mode::Edit,
        Mode::Help {
            query: "lowpass".into(),
            scroll: 2,
        },
        Mode::ConfirmQuit,
        Mode::Conflict {
            disk: "saw 110 -> out".into(),
        },
        Mode::Conflict { disk: String::new() },
        Mode::Recovered("saw 110 -> out".into()),
    ];
    for mode in modes {
        let mut a = app("sine 440 -> out");
        a.mode = mode.clone();
        assert_eq!(a.update(Action::Panic), Some(Effect::Panic), "{mode:?}");
        assert!(a.muted && !a.quit, "{mode:?}");
        assert_eq!(a.mode, mode, "the dialog stays open");
        assert_eq!(a.update(Action::Unmute), Some(Effect::Unmute), "{mode:?}");
        assert!(!a.muted);
    }
}

#[test]
fn loading_theirs_and_restoring_a_recovered_buffer_can_be_undone() {
    let mut a = app("sine 440 -> out");
    a.update(Action::Insert('#'));
    a.on_disk_change("saw 110 -> out");
    assert!(matches!(a.mode, Mode::Conflict { .. }));
    assert_eq!(a.update(Action::Answer('l')), Some(Effect::LoadFromDisk));
    a.load("saw 110 -> out");
    assert_eq!(a.editor.text(), "saw 110 -> out");
    assert!(!a.modified());
    a.update(Action::Undo);
    assert_eq!(a.editor.text(), "#sine 440 -> out", "mine is back");
    assert!(a.modified());

    let mut b = app("sine 440 -> out");
    b.offer_recovered("sine 440 -> out".into());
    assert_eq!(b.mode, Mode::Edit, "nothing to offer when it is the same text");
    b.offer_recovered("sine 660 -> out # unsaved".into());
    assert!(matches!(b.mode, Mode::Recovered(_)));
    assert_eq!(b.update(Action::Answer('r')), Some(Effect::DropRecovered));
    assert_eq!(b.editor.text(), "sine 660 -> out # unsaved");
    assert!(b.modified(), "restored, not yet saved");
    b.update(Action::Undo);
    assert_eq!(b.editor.text(), "sine 440 -> out");
}

#[test]
fn a_change_on_disk_reloads_a_clean_buffer_and_asks_about_a_modified_one() {
    let mut a = app("sine 440 -> out");
    assert_eq!(a.on_disk_change("sine 440 -> out"), None, "our own save");
    assert_eq!(a.on_disk_change("saw 110 -> out"), Some(Effect::LoadFromDisk));
    a.update(Action::Insert('x'));
    assert_eq!(a.on_disk_change("saw 110 -> out"), None);
    assert!(matches!(a.mode, Mode::Conflict { .. }));
    assert_eq!(a.update(Action::Answer('l')), Some(Effect::LoadFromDisk));
    a.load("saw 110 -> out");
    assert!(!a.modified());
}

#[test]
fn a_new_file_starts_modified_from_the_template() {
    let a = App::new(PathBuf::from("new.syn"), TEMPLATE, false, AudioInfo::default());
    assert!(a.modified());
    assert!(
        a.diagnostics.is_empty(),
        "the template is a valid patch: {:?}",
        a.diagnostics
    );
}

#[test]
fn a_failed_save_keeps_the_text_and_says_so() {
    let mut a = app("sine 440 -> out");
    a.update(Action::Insert('x'));
    a.on_saved("xsine 440 -> out", Err("permission denied".into()));
    assert!(a.modified());
    assert!(a.status.0.contains("NOT SAVED"));
    assert_eq!(a.editor.text(), "xsine 440 -> out");
}

#[test]
fn help_takes_a_search_and_escape_closes_it() {
    let mut a = app("");
    a.update(Action::ToggleHelp);
    a.update(Action::HelpQuery('l'));
    a.update(Action::HelpQuery('o'));
    assert_eq!(
        a.mode,
        Mode::Help {
            query: "lo".into(),
            scroll: 0
        }
    );
    a.update(Action::Escape);
    assert_eq!(a.mode, Mode::Edit);
}

#[test]
fn peak_hold_holds_then_falls() {
    let mut a = app("");
    let loud = Levels {
        peak: [0.8, 0.5],
        ..Levels::default()
    };
    a.on_levels(loud, &[]);
    for _ in 0..30 {
        a.on_levels(Levels::default(), &[]);
    }
    assert_eq!(a.meters.hold, [0.8, 0.5]);
    for _ in 0..10 {
        a.on_levels(Levels::default(), &[]);
    }
    assert!(a.meters.hold[0] < 0.8 * 0.5);
}

#[test]
fn an_empty_file_on_disk_goes_live_only_when_asked() {
    let mut a = app("sine 440 -> out");
    assert_eq!(a.on_disk_change(""), None);
    assert_eq!(a.mode, Mode::Conflict { disk: String::new() });
    assert_eq!(a.update(Action::Answer('k')), None);
    assert_eq!(a.editor.text(), "sine 440 -> out");
    assert!(a.modified(), "Ctrl-S would write the text back");
    a.on_disk_change("  \n");
    assert_eq!(a.update(Action::Answer('l')), Some(Effect::LoadFromDisk));
    let mut empty = app("");
    assert_eq!(empty.on_disk_change(""), None);
    assert_eq!(empty.mode, Mode::Edit, "nothing lost when the buffer is empty too");
}

#[test]
fn next_and_previous_error_cycle_through_every_diagnostic_in_text_order() {
    // An error between two warnings: the list shows the error first, but F2 and Shift-F2 go in text order.
    let mut a = app("saw (sine 1 -> pan 0) -> out\nsinn 440 -> out\nsaw (sine 2 -> pan 0) -> out\n");
    assert_eq!(a.diagnostics.len(), 3, "{:?}", a.diagnostics);
    assert!(a.diagnostics[0].is_error());
    let mut seen = Vec::new();
    for _ in 0..6 {
        a.update(Action::NextError);
        seen.push(a.cursor().line);
    }
    assert_eq!(seen, [0, 1, 2, 0, 1, 2]);
    seen.clear();
    for _ in 0..6 {
        a.update(Action::PrevError);
        seen.push(a.cursor().line);
    }
    assert_eq!(seen, [1, 0, 2, 1, 0, 2]);
}

#[test]
fn the_status_tells_what_plays_not_what_is_typed() {
    let mut a = app("bpm 100\nsine 440 -> out");
    a.on_opened(&Err(a.diagnostics.clone()));
    assert!(
        a.status.0.starts_with("opened with 0 error(s): nothing plays"),
        "{:?}",
        a.status
    );
    let report = |version, bpm| crate::live::Report {
        version,
        lands: None,
        bpm,
        counts: crate::compile::plan::Counts::default(),
        mode: crate::engine::SwapMode::Move,
        compile_time: std::time::Duration::ZERO,
        warnings: vec![],
    };
    a.on_sent(&report(1, 100.0));
    assert_eq!(a.bpm, 100.0);
    // Typing a new tempo changes nothing until it is saved and lands.
    a.editor.replace_all("bpm 140\nsine 440 -> out");
    a.update(Action::Insert(' '));
    assert_eq!(a.bpm, 100.0);
    a.on_sent(&report(2, 140.0));
    assert_eq!(a.bpm, 140.0);
}

#[test]
fn escape_takes_back_an_armed_change_and_f4_asks_to_toggle_quantize() {
    let mut a = app("sine 440 -> out");
    assert_eq!(
        a.update(Action::Escape),
        None,
        "nothing armed: Esc only clears the selection"
    );
    a.pending = Some("v2 ok: 0 kept, 1 retuned".into());
    assert_eq!(a.update(Action::Escape), Some(Effect::CancelPending));
    a.on_cancelled(2);
    assert!(a.pending.is_none() && a.last_reload.starts_with("v2 cancelled"));
    assert_eq!(a.update(Action::ToggleQuantize), Some(Effect::ToggleQuantize));
}
