//! The stage editor's screen with a real session behind it (issue 15): the diff preview's gutter and summary, the
//! chains' meters, mute and solo marks, the scope's source, the spectrum, soft wrap. Snapshotted at 80x24 and
//! 120x40 with ratatui's TestBackend; the session renders offline.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;
use synchrotron_tui::engine::Engine;
use synchrotron_tui::live::{AudioInfo, LiveConfig, Session};
use synchrotron_tui::tui::app::App;
use synchrotron_tui::tui::{keymap, view};

const PATCH: &str = "bpm 112\nlfo = sine 0.1\nsaw 55 -> lowpass cutoff=lfo*900+1300 q=3 -> gain 0.3 -> out\nsine 220 -> gain 0.2 -> out\nnoise -> gain 0.05 -> out\n";

fn press(app: &mut App, code: KeyCode, mods: KeyModifiers) {
    let _ = keymap::action_for(KeyEvent::new(code, mods), &app.mode).and_then(|a| app.update(a));
}

/// What the runner does each tick, without a terminal: render a little, then refresh what the screen shows.
fn tick(app: &mut App, s: &mut Session, e: &mut Engine) {
    let mut buf = vec![0.0f32; 2 * 2048];
    e.process(&mut buf);
    for r in s.tick().log {
        if let synchrotron_tui::setlog::Record::Version(l) = r {
            app.history.push((l.version, l.frame as f64 / 48_000.0, l.text));
        }
    }
    let mut peaks = Vec::new();
    s.chain_peaks(&mut peaks);
    app.chains = s.chain_views(&peaks);
    app.live = s.newest_src();
    app.preview = app.preview_spec.clone().map(|spec| s.preview(&app.editor.text(), spec));
    let (line, col) = (app.cursor().line + 1, app.cursor().col);
    app.scope_source = s.scope_at((!app.scope_pinned).then_some((line, col)));
}

fn playing(text: &str) -> (App, Session, Engine) {
    let audio = AudioInfo {
        device: "Test Device".into(),
        sample_rate: 48_000,
        buffer: Some(256),
    };
    let mut app = App::new(PathBuf::from("stage.syn"), text, true, audio);
    let (mut s, mut e) = Session::new(LiveConfig::default());
    app.on_opened(&s.reload(text));
    for _ in 0..3 {
        tick(&mut app, &mut s, &mut e);
    }
    (app, s, e)
}

fn draw(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| {
        view::scroll_to_cursor(app, f.area());
        f.render_widget(&*app, f.area());
    })
    .unwrap();
    t
}

fn row(t: &Terminal<TestBackend>, y: u16) -> String {
    let buf = t.backend().buffer();
    (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
}

#[test]
fn the_preview_meters_and_mutes_at_80x24_and_120x40() {
    let (mut a, mut s, mut e) = playing(PATCH);
    // Retune the sine (line 4) and mute the noise (line 5).
    for _ in 0..3 {
        press(&mut a, KeyCode::Down, KeyModifiers::NONE);
    }
    for _ in 0..7 {
        press(&mut a, KeyCode::Right, KeyModifiers::NONE);
    }
    press(&mut a, KeyCode::Backspace, KeyModifiers::NONE);
    press(&mut a, KeyCode::Char('3'), KeyModifiers::NONE);
    press(&mut a, KeyCode::Down, KeyModifiers::NONE);
    a.on_toggled(s.toggle_chain(5, false));
    for _ in 0..3 {
        tick(&mut a, &mut s, &mut e);
    }
    let t = draw(&mut a, 120, 40);
    insta::assert_snapshot!("stage_120x40", t.backend());
    assert!(row(&t, 4).contains("4~"), "the retuned line: {}", row(&t, 4));
    assert!(row(&t, 5).contains("M│noise"), "the muted chain: {}", row(&t, 5));
    assert!(
        row(&t, 37).contains("on save: 7 kept, 1 retuned · CPU ≈ 0.1→0.1%"),
        "the summary: {}",
        row(&t, 37)
    );
    assert!(row(&t, 0).contains("scope · gain (line 5)"), "{}", row(&t, 0));
    insta::assert_snapshot!("stage_80x24", draw(&mut a, 80, 24).backend());
}

#[test]
fn soft_wrap_shows_a_long_line_whole_and_keeps_the_cursor_on_it() {
    let long = format!(
        "sine 220 -> gain 0.2 -> out\n# {}\nsaw 110 -> gain 0.1 -> out\n",
        "word ".repeat(30)
    );
    let (mut a, _s, _e) = playing(&long);
    press(&mut a, KeyCode::Char('z'), KeyModifiers::ALT);
    assert!(a.wrap);
    press(&mut a, KeyCode::Down, KeyModifiers::NONE);
    press(&mut a, KeyCode::End, KeyModifiers::NONE);
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut cursor = (0, 0);
    t.draw(|f| {
        view::scroll_to_cursor(&mut a, f.area());
        f.render_widget(&a, f.area());
        cursor = view::cursor_in(&a, f.area());
    })
    .unwrap();
    insta::assert_snapshot!("wrap_80x24", t.backend());
    let screen: String = (0..24).map(|y| row(&t, y)).collect::<Vec<_>>().join("\n");
    assert!(screen.contains('↪'), "continuation rows are marked:\n{screen}");
    assert!(!screen.contains('›'), "nothing runs past the edge:\n{screen}");
    assert!(
        screen.contains("saw 110"),
        "the line after the long one still shows:\n{screen}"
    );
    // The cursor (after the last word) is on the long line's last row, where its text ends.
    let last_row = (0..24).rev().find(|&y| row(&t, y).contains("word")).unwrap();
    assert_eq!(cursor.1, last_row);
    let text_end = row(&t, last_row).trim_end_matches([' ', '│', '┐', '┘']).chars().count();
    assert!(
        usize::from(cursor.0) <= text_end + 1,
        "cursor {cursor:?}, text to {text_end}"
    );
}

#[test]
fn the_scope_names_its_source_and_the_spectrum_is_a_second_view() {
    let (mut a, mut s, mut e) = playing(PATCH);
    press(&mut a, KeyCode::Down, KeyModifiers::NONE);
    press(&mut a, KeyCode::Down, KeyModifiers::NONE);
    tick(&mut a, &mut s, &mut e);
    let t = draw(&mut a, 120, 40);
    assert!(row(&t, 0).contains("scope · saw (line 3)"), "{}", row(&t, 0));
    press(&mut a, KeyCode::F(10), KeyModifiers::NONE);
    press(&mut a, KeyCode::F(9), KeyModifiers::NONE);
    tick(&mut a, &mut s, &mut e);
    let t = draw(&mut a, 120, 40);
    assert!(row(&t, 0).contains("spectrum · master"), "{}", row(&t, 0));
}

#[test]
fn midi_learn_writes_the_knob_in_place_of_the_number_as_one_undoable_edit() {
    let audio = AudioInfo::default();
    let text = "saw 110 -> lowpass 1200 q=2 -> gain -0.5 -> out\n";
    let mut a = App::new(PathBuf::from("learn.syn"), text, true, audio);
    for _ in 0..20 {
        press(&mut a, KeyCode::Right, KeyModifiers::NONE);
    }
    press(&mut a, KeyCode::Char('l'), KeyModifiers::CONTROL);
    assert!(a.learning.is_some(), "{}", a.status.0);
    // A controller that moved before learning started is forgotten; the next one is taken.
    synchrotron_tui::dsp::midi::input::send(-1, 0, &[0xB3, 74, 64]);
    let (ch, cc) = synchrotron_tui::dsp::midi::input::take_controller().expect("a knob moved");
    a.on_controller(ch, cc);
    let learned = a.editor.text();
    assert_eq!(
        learned,
        "saw 110 -> lowpass (cc 74 min=300 max=4800 curve=exp init=0.5 ch=4) q=2 -> gain -0.5 -> out\n"
    );
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    let spec = synchrotron_tui::compile::check(&learned).expect("checks").spec;
    assert!(spec.nodes.iter().any(|n| n.kind == "cc"));
    press(&mut a, KeyCode::Char('z'), KeyModifiers::CONTROL);
    assert_eq!(a.editor.text(), text, "one undo brings the number back");
    // A negative number maps linearly around it; a note name is not a number.
    for _ in 0..60 {
        press(&mut a, KeyCode::Left, KeyModifiers::NONE);
    }
    for _ in 0..36 {
        press(&mut a, KeyCode::Right, KeyModifiers::NONE);
    }
    press(&mut a, KeyCode::Char('l'), KeyModifiers::CONTROL);
    a.on_controller(0, 1);
    assert!(
        a.editor.text().contains("gain (cc 1 min=-1 max=1 init=0.25 ch=1)"),
        "{}",
        a.editor.text()
    );
    let mut b = App::new(PathBuf::from("n.syn"), "sine a4 -> out\n", true, AudioInfo::default());
    for _ in 0..6 {
        press(&mut b, KeyCode::Right, KeyModifiers::NONE);
    }
    press(&mut b, KeyCode::Char('l'), KeyModifiers::CONTROL);
    assert!(
        b.learning.is_none() && b.status.0.contains("on a number"),
        "{}",
        b.status.0
    );
}

#[test]
fn the_history_lists_this_sessions_versions_and_loads_one_as_an_undoable_edit() {
    let (mut a, mut s, mut e) = playing("sine 220 -> gain 0.1 -> out\n");
    s.reload("sine 330 -> gain 0.1 -> out\n").expect("reloads");
    // What the runner does with the set log's records.
    for _ in 0..4 {
        tick(&mut a, &mut s, &mut e);
    }
    let now = a.editor.text();
    press(&mut a, KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert_eq!(a.mode, synchrotron_tui::tui::app::Mode::History { selected: 0 });
    let t = draw(&mut a, 80, 24);
    let screen: String = (0..24).map(|y| row(&t, y)).collect::<Vec<_>>().join("\n");
    assert!(
        screen.contains("versions this session") && screen.contains("v2") && screen.contains("sine 330"),
        "{screen}"
    );
    press(&mut a, KeyCode::Down, KeyModifiers::NONE);
    press(&mut a, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(
        a.editor.text(),
        "sine 220 -> gain 0.1 -> out\n",
        "the older version, loaded"
    );
    assert!(a.status.0.contains("v1 loaded"), "{}", a.status.0);
    press(&mut a, KeyCode::Char('z'), KeyModifiers::CONTROL);
    assert_eq!(a.editor.text(), now, "Ctrl-Z brings the text back");
}

#[test]
fn the_tapped_scope_carries_the_nodes_own_signal_and_each_chain_meter_its_own_level() {
    let (mut s, mut e) = Session::new(LiveConfig {
        master: synchrotron_tui::engine::MasterConfig::raw(),
        ..LiveConfig::default()
    });
    s.reload("sine 220 -> gain 0.5 -> out\nsine 330 -> gain 0.1 -> out\n")
        .expect("loads");
    let mut buf = [0.0f32; 512];
    let mut scope = Vec::new();
    let mut run = |s: &mut Session, e: &mut Engine, scope: &mut Vec<f32>| {
        for _ in 0..40 {
            e.process(&mut buf);
            s.tick();
        }
        scope.clear();
        s.handle().read_scope(scope);
    };
    run(&mut s, &mut e, &mut scope);
    let peak = |x: &[f32]| x.iter().fold(0f32, |m, v| m.max(v.abs()));
    assert!((peak(&scope) - 0.6).abs() < 0.05, "the master: {}", peak(&scope));
    // The first sine, before its gain: full scale, and the same on both sides of the scope.
    assert_eq!(s.scope_at(Some((1, 0))).as_deref(), Some("sine (line 1)"));
    run(&mut s, &mut e, &mut scope);
    assert!((peak(&scope) - 1.0).abs() < 0.02, "the tapped sine: {}", peak(&scope));
    assert!(scope.chunks(2).all(|f| f[0] == f[1]));
    assert_eq!(s.scope_at(None), None);
    run(&mut s, &mut e, &mut scope);
    assert!(
        (peak(&scope) - 0.6).abs() < 0.05,
        "back on the master: {}",
        peak(&scope)
    );
    let mut peaks = Vec::new();
    s.chain_peaks(&mut peaks);
    assert_eq!(peaks.len(), 2);
    assert!(
        (peaks[0] - 0.5).abs() < 0.01 && (peaks[1] - 0.1).abs() < 0.01,
        "{peaks:?}"
    );
}
