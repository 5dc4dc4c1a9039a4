//! The editor screen, drawn with ratatui's TestBackend and driven by synthetic keys through the keymap, as a
//! performer would type. Whole screens are snapshotted at 80x24 and 120x40; colours are checked cell by cell.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier};
use std::path::PathBuf;
use synchrotron_tui::live::AudioInfo;
use synchrotron_tui::tui::action::Effect;
use synchrotron_tui::tui::app::App;
use synchrotron_tui::tui::keymap;

const PATCH: &str = "# a bass line\nbpm 112\nnotes = seq [a2 c3 _ e3] every=1/4\nsaw notes -> lowpass cutoff=(sine 0.1)*900+1300 q=3 -> gain 0.3 -> out\n";

fn app(text: &str) -> App {
    let audio = AudioInfo {
        device: "Test Device".into(),
        sample_rate: 48_000,
        buffer: Some(256),
    };
    App::new(PathBuf::from("bass.syn"), text, true, audio)
}

fn press(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Option<Effect> {
    keymap::action_for(KeyEvent::new(code, mods), &app.mode).and_then(|a| app.update(a))
}

fn typing(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| f.render_widget(app, f.area())).unwrap();
    t
}

#[test]
fn the_editor_with_a_patch_at_80x24_and_120x40() {
    let a = app(PATCH);
    insta::assert_snapshot!("editor_80x24", draw(&a, 80, 24).backend());
    insta::assert_snapshot!("editor_120x40", draw(&a, 120, 40).backend());
}

#[test]
fn syntax_is_coloured_by_kind() {
    let a = app(PATCH);
    let t = draw(&a, 120, 40);
    let buf = t.backend().buffer();
    // Line 4 starts at row 4 (border + 3 lines), text after the 8-column gutter and the border.
    let at = |row: u16, col: u16| &buf[(1 + 8 + col, row)];
    assert_eq!(at(4, 0).symbol(), "s");
    assert_eq!(at(4, 0).fg, Color::Cyan, "node name");
    assert!(at(4, 0).modifier.contains(Modifier::BOLD));
    assert_eq!(at(4, 4).fg, Color::Green, "binding reference");
    assert_eq!(at(4, 10).fg, Color::Blue, "arrow");
    assert_eq!(at(4, 21).fg, Color::Yellow, "parameter name");
    assert_eq!(at(1, 0).fg, Color::DarkGray, "comment");
    assert_eq!(at(3, 13).fg, Color::LightMagenta, "note");
    assert_eq!(at(2, 4).fg, Color::Magenta, "number");
}

#[test]
fn an_error_typed_in_is_marked_underlined_and_listed() {
    let mut a = app(PATCH);
    for _ in 0..3 {
        press(&mut a, KeyCode::Down, KeyModifiers::NONE);
    }
    press(&mut a, KeyCode::End, KeyModifiers::NONE);
    press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    typing(&mut a, "noise -> revrb -> out");
    press(&mut a, KeyCode::Home, KeyModifiers::NONE);
    press(&mut a, KeyCode::F(2), KeyModifiers::NONE);
    assert_eq!(
        a.cursor(),
        synchrotron_tui::tui::editor::Pos { line: 4, col: 9 },
        "F2 jumps to the error"
    );
    let t = draw(&a, 80, 24);
    insta::assert_snapshot!("error_80x24", t.backend());
    let buf = t.backend().buffer();
    // Row 5 is line 5; the mark sits after the line number, the span is underlined in red.
    assert_eq!(buf[(6, 5)].symbol(), "●");
    assert_eq!(buf[(6, 5)].fg, Color::Red, "gutter mark");
    let r = &buf[(1 + 8 + 9, 5)];
    assert_eq!(r.symbol(), "r");
    assert!(
        r.modifier.contains(Modifier::UNDERLINED) && r.fg == Color::Red,
        "underlined span"
    );
    let t = draw(&a, 120, 40);
    insta::assert_snapshot!("error_120x40", t.backend());
    // Saving a bad patch still saves the text.
    assert_eq!(
        press(&mut a, KeyCode::Char('s'), KeyModifiers::CONTROL),
        Some(Effect::Save(a.editor.text()))
    );
}

#[test]
fn the_help_overlay_lists_keys_and_searches_nodes() {
    let mut a = app(PATCH);
    press(&mut a, KeyCode::F(1), KeyModifiers::NONE);
    insta::assert_snapshot!("help_80x24", draw(&a, 80, 24).backend());
    typing(&mut a, "reverb");
    insta::assert_snapshot!("help_search_120x40", draw(&a, 120, 40).backend());
    press(&mut a, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(a.mode, synchrotron_tui::tui::app::Mode::Edit);
}

#[test]
fn quitting_unsaved_asks_on_screen() {
    let mut a = app(PATCH);
    typing(&mut a, "x");
    press(&mut a, KeyCode::Char('q'), KeyModifiers::CONTROL);
    let t = draw(&a, 80, 24);
    let screen = format!("{}", t.backend());
    assert!(screen.contains("Quit without saving?"), "{screen}");
}

#[test]
fn tiny_terminals_do_not_panic() {
    let a = app(PATCH);
    for (w, h) in [(1, 1), (10, 5), (30, 8), (79, 23), (200, 60)] {
        draw(&a, w, h);
    }
}

/// The row of the screen as text.
fn row(t: &Terminal<TestBackend>, y: u16) -> String {
    let buf = t.backend().buffer();
    (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
}

#[test]
fn long_files_keep_whole_line_numbers_and_big_pastes_are_checked_off_the_ui_thread() {
    let text: String = (0..12_000).fold(String::new(), |mut t, i| {
        use std::fmt::Write as _;
        let _ = writeln!(t, "sinee {} -> out", 100 + i);
        t
    });
    let mut a = app("sine 440 -> out\n");
    press(&mut a, KeyCode::Char('a'), KeyModifiers::CONTROL);
    a.update(synchrotron_tui::tui::action::Action::PasteText(text.clone()));
    assert!(a.check_due, "a large buffer is checked on the checker thread");
    assert!(a.diagnostics.is_empty(), "not checked on the UI thread");
    let checked = synchrotron_tui::tui::app::check_text(&a.editor.text());
    a.set_checked(&a.editor.text(), checked);
    assert_eq!(a.diagnostics.len(), 12_000);
    a.editor
        .set_cursor(synchrotron_tui::tui::editor::Pos { line: 11_000, col: 0 });
    a.editor.scroll = 10_990;
    let t = draw(&a, 120, 40);
    let line = row(&t, 11);
    assert!(line.contains("11001 ● │sinee 11100"), "{line}");
    // The panel shows the selected diagnostic's place from the positions worked out at check time.
    let screen: String = (0..40).map(|y| row(&t, y)).collect::<Vec<_>>().join("\n");
    assert!(screen.contains("1:1 unknown node or binding"), "{screen}");
}

#[test]
fn a_muted_node_is_named_with_its_line_and_marked_in_the_gutter() {
    let mut a = app("sine 440 -> out\necho = (sine 2 + echo*1.5) -> delay 0.3\necho -> out\n");
    a.on_fault(&synchrotron_tui::live::Fault {
        version: 3,
        key: "echo/0:mul1".into(),
        kind: synchrotron_tui::engine::graph::FaultKind::Runaway,
        span: synchrotron_tui::lang::Span::new(30, 36),
        line: 2,
    });
    let t = draw(&a, 120, 40);
    assert!(row(&t, 2).contains("2 ✕ │echo"), "{}", row(&t, 2));
    let screen: String = (0..40).map(|y| row(&t, y)).collect::<Vec<_>>().join("\n");
    assert!(screen.contains("v3: `echo` (line 2) muted: it ran away"), "{screen}");
}

#[test]
fn the_panel_shrinks_hides_and_nothing_important_vanishes_on_small_screens() {
    let mut a = app(&format!("{PATCH}noise -> revrb -> out\n"));
    press(&mut a, KeyCode::Char('p'), KeyModifiers::CONTROL);
    // 80x24 with the panel: the editor keeps most of the width, the device and PANIC stay on screen.
    let t = draw(&a, 80, 24);
    let screen: String = (0..24).map(|y| row(&t, y)).collect::<Vec<_>>().join("\n");
    assert!(screen.contains("Test Devic") && screen.contains("MUTED"), "{screen}");
    assert!(row(&t, 0).find("┐┌").is_some_and(|x| x >= 54), "{}", row(&t, 0));
    // F3 hides it: the text takes the width, the error moves to the footer.
    press(&mut a, KeyCode::F(3), KeyModifiers::NONE);
    let t = draw(&a, 80, 24);
    let screen: String = (0..24).map(|y| row(&t, y)).collect::<Vec<_>>().join("\n");
    assert!(!screen.contains("scope"), "{screen}");
    assert!(
        row(&t, 4).contains("-> gain 0.3 -> out"),
        "the whole line fits now: {}",
        row(&t, 4)
    );
    assert!(
        row(&t, 23).contains("MUTED") && row(&t, 23).contains("unknown node or binding `revrb`"),
        "{}",
        row(&t, 23)
    );
    // 60x20 stays usable: text, status and the error are all there.
    press(&mut a, KeyCode::F(3), KeyModifiers::NONE);
    insta::assert_debug_snapshot!("editor_60x20", draw(&a, 60, 20).backend());
}
