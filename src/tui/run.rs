//! The TUI's event loop: terminal in and out, keys to actions, effects to files and the engine, file watching,
//! telemetry, and redrawing only when something changed (at most 60 times a second). UI thread.

use super::action::{Action, Effect};
use super::app::App;
use super::{keymap, save, view};
use crate::files::{self, FileError};
use crate::headless::{self, Options, RunError, Sink};
use crate::live::Session;
use ratatui::crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
use ratatui::crossterm::execute;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

const FRAME: Duration = Duration::from_millis(16);
/// Meters and scope refresh at this rate while sound plays.
const METERS: Duration = Duration::from_millis(33);

pub fn run(opts: &Options) -> Result<(), RunError> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return Err(RunError::Read(
            "the editor screen needs a terminal; to play from a script or a pipe, add --headless".into(),
        ));
    }
    crate::cli::patch_opened(&opts.patch);
    let (text, on_disk) = match read_disk(&opts.patch) {
        Ok(t) => (t, true),
        Err(FileError::NotFound(_)) => (super::app::TEMPLATE.to_string(), false),
        Err(e) => return Err(RunError::Read(format!("cannot read patch {e}"))),
    };
    let quiet = Options {
        quiet: true,
        ..opts.clone()
    };
    let (mut session, mut sink, info) = headless::start(&quiet)?;
    let mut keep = crate::keep::Keep::start(&opts.patch, &mut session, &opts.keep, &info);
    let osc = headless::start_osc(opts)?;
    let serve = opts
        .serve
        .as_ref()
        .map(crate::serve::Serve::start)
        .transpose()
        .map_err(headless::RunError::Audio)?;
    if let Some(s) = &serve {
        s.publish(&text);
    }
    crate::sample::watch();
    let mut app = App::new(opts.patch.clone(), &text, on_disk, info);
    // A replayed moment: its text is already playing; the buffer shows it (unsaved when it differs from the file).
    if let Some(t) = &opts.open_text {
        app.editor.replace_all(t);
        app.set_checked(t, super::app::check_text(t));
    }
    if opts.live.quantum_beats > 0.0 {
        app.quantum = opts.live.quantum_beats;
    }
    // A new file's template is heard from its first save, as its status line says.
    if on_disk && opts.open_text.is_none() {
        let result = session.reload(&text);
        app.on_opened(&result);
    }
    let (_watcher, disk_events) = match headless::watch(&opts.patch) {
        Ok((w, rx)) => (Some(w), Some(rx)),
        Err(_) => (None, None),
    };
    if let Ok(text) = files::read_text(&save::recovery_path(&opts.patch), "a patch", files::PATCH_LIMIT) {
        app.offer_recovered(text);
    }
    // Hang-up, terminate, quit and interrupt end the loop below like Ctrl-Q, keeping unsaved text.
    let stop = headless::end_on_signals(save::rescue);
    let mut terminal = ratatui::init();
    save::install_panic_hook();
    let _ = execute!(std::io::stdout(), EnableBracketedPaste);
    let mut scope = Vec::new();
    let mut was_audible = true;
    let mut dirty = true;
    let mut last_meters = Instant::now();
    let mut last_draw = Instant::now().checked_sub(FRAME).unwrap_or_else(Instant::now);
    let mut checker = super::checker::Checker::start();
    let mut last_tty_check = Instant::now();
    let mut previewed = session.playing_src().clone();
    let mut peaks = Vec::new();
    let mut scoped = None;
    while !app.quit {
        // A closed window or a dropped SSH link may arrive as a hang-up, or only as a terminal that is gone.
        if last_tty_check.elapsed() >= Duration::from_secs(1) {
            last_tty_check = Instant::now();
            if !terminal_alive() {
                stop.store(true, Ordering::Relaxed);
            }
        }
        if stop.load(Ordering::Relaxed) {
            keep_unsaved(&app);
            break;
        }
        if dirty && last_draw.elapsed() >= FRAME {
            save::remember(&app.path, &app.editor.text(), app.modified());
            let area = terminal.get_frame().area();
            view::scroll_to_cursor(&mut app, area);
            let _ = terminal.draw(|f| {
                f.render_widget(&app, f.area());
                if app.mode == super::app::Mode::Edit {
                    let (x, y) = view::cursor_in(&app, f.area());
                    f.set_cursor_position((x, y));
                }
            });
            last_draw = Instant::now();
            dirty = false;
        }
        // When something waits to be drawn, wait no longer than the rest of this frame.
        let timeout = if dirty {
            FRAME.saturating_sub(last_draw.elapsed())
        } else {
            FRAME
        };
        // An error means the terminal is gone (closed window, lost SSH): keep the text and end.
        let Ok(ready) = event::poll(timeout) else {
            keep_unsaved(&app);
            stop.store(true, Ordering::Relaxed);
            break;
        };
        if ready {
            let effect = match event::read() {
                Ok(Event::Key(k)) => keymap::action_for(k, &app.mode).and_then(|a| app.update(a)),
                Ok(Event::Paste(t)) => app.update(Action::PasteText(t)),
                _ => None,
            };
            dirty = true;
            if let Some(e) = effect {
                apply_keep(&e, &mut keep);
                apply(e, &mut app, &mut session);
            }
        }
        if let Some(rx) = &disk_events
            && rx.try_iter().fold(false, |any, ours| any | ours)
        {
            std::thread::sleep(Duration::from_millis(30));
            if let Ok(disk) = files::read_settled(&app.path, "a patch", files::PATCH_LIMIT)
                && let Some(e) = app.on_disk_change(&disk)
            {
                apply(e, &mut app, &mut session);
            }
            dirty = true;
        }
        if std::mem::take(&mut app.check_due) {
            checker.request(app.editor.text());
        }
        if let Some((text, checked)) = checker.latest() {
            app.set_checked(&text, checked);
            dirty = true;
        }
        if app.learning.is_some()
            && let Some((ch, cc)) = crate::dsp::midi::input::take_controller()
        {
            app.on_controller(ch, cc);
            dirty = true;
        }
        if let Some(o) = &osc {
            for cmd in o.take_commands() {
                app.status = (headless::osc_command(&cmd, &mut session), super::app::Tone::Info);
                if cmd == crate::osc::OscCommand::Reload {
                    apply(Effect::LoadFromDisk, &mut app, &mut session);
                }
                dirty = true;
            }
        }
        if let Some(s) = &serve {
            dirty |= super::remote::serve_calls(s, &mut app, &mut session);
        }
        if crate::sample::take_changed() {
            // Decoded on the samples thread already: the version playing again, with the new file crossfaded in.
            let playing = session.newest_src().to_string();
            let _ = session.reload(&playing);
            app.status = (
                "a sample file changed on disk: it comes in now".into(),
                super::app::Tone::Info,
            );
            dirty = true;
        }
        let ev = session.tick();
        keep.tick(&ev);
        for r in &ev.log {
            if let crate::setlog::Record::Version(l) = r {
                let secs = l.frame as f64 / f64::from(app.audio.sample_rate.max(1));
                app.history.push((l.version, secs, l.text.clone()));
                dirty = true;
            }
        }
        if let Some(m) = keep.messages.pop() {
            keep.messages.clear();
            app.status = (m, super::app::Tone::Info);
            dirty = true;
        }
        let rec = keep.status(app.audio.sample_rate);
        if rec != app.recording {
            app.recording = rec;
            dirty = true;
        }
        // The scope follows the cursor (or stays on the master): a new tap when either moves or a version lands.
        let want = (!app.scope_pinned).then(|| (app.cursor().line + 1, app.cursor().col));
        let key = (want, session.playing_src().as_ptr());
        if scoped != Some(key) {
            scoped = Some(key);
            let source = session.scope_at(want);
            if source != app.scope_source {
                app.scope_source = source;
                app.scope.clear();
                dirty = true;
            }
        }
        // Planned again when the buffer changes and when another version starts playing.
        if std::mem::take(&mut app.preview_due) || !std::sync::Arc::ptr_eq(session.playing_src(), &previewed) {
            previewed = session.playing_src().clone();
            app.preview = app
                .preview_spec
                .clone()
                .map(|spec| session.preview(&app.editor.text(), spec));
            dirty = true;
        }
        let newest = session.newest_src();
        if !std::sync::Arc::ptr_eq(&newest, &app.live) {
            app.live = newest;
        }
        if let Some(v) = ev.cancelled {
            app.on_cancelled(v);
            dirty = true;
        }
        if app.pending.is_some() && session.is_settled() {
            app.on_settled();
            dirty = true;
        }
        for r in &ev.sent {
            app.on_sent(r);
            dirty = true;
        }
        for fault in ev.faults {
            app.on_fault(&fault);
            dirty = true;
        }
        if last_meters.elapsed() >= METERS {
            scope.clear();
            session.handle().read_scope(&mut scope);
            let levels = session.handle().levels();
            // Silence with nothing new to show needs no redraw, so an idle screen costs next to nothing.
            let audible = scope.iter().any(|v| *v != 0.0);
            if audible || was_audible || levels != app.levels {
                app.on_levels(levels, &scope);
                dirty = true;
            }
            was_audible = audible;
            let clock = session.clock_status();
            if clock != app.clock {
                app.clock = clock;
                dirty = true;
            }
            session.chain_peaks(&mut peaks);
            let chains = session.chain_views(&peaks);
            if chains != app.chains {
                app.chains = chains;
                dirty = true;
            }
            last_meters = Instant::now();
            let debug = crate::dsp::io::debug_line();
            if debug != app.debug {
                app.debug = debug;
                dirty = true;
            }
            for line in crate::audio::device_thread::take_reports() {
                app.status = (line, super::app::Tone::Info);
                dirty = true;
            }
        }
        if sink.lost() {
            app.status = ("audio device lost; reopening…".into(), super::app::Tone::Bad);
            sink = headless::reopen(&quiet, &mut session, &stop);
            keep.reattach(&mut session);
            dirty = true;
        }
    }
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    drop::<Sink>(sink);
    let ev = session.tick();
    keep.tick(&ev);
    keep.finish(&session);
    Ok(())
}

/// The keys for the take: record on/off, write the last minutes.
fn apply_keep(effect: &Effect, keep: &mut crate::keep::Keep) {
    match effect {
        Effect::ToggleRecording => keep.toggle_recording(),
        Effect::SaveRetro => keep.save_retro(),
        _ => {}
    }
}

/// Carry out what the app asked for.
pub(super) fn apply(effect: Effect, app: &mut App, session: &mut Session) {
    match effect {
        Effect::Save(text) => save_and_reload(app, session, &text, false),
        Effect::SaveThenQuit(text) => save_and_reload(app, session, &text, true),
        Effect::DropRecovered => {
            let _ = std::fs::remove_file(save::recovery_path(&app.path));
        }
        Effect::LoadFromDisk => {
            if let Ok(text) = read_disk(&app.path) {
                app.load(&text);
                let result = session.reload(&text);
                app.on_reload(&result);
            }
        }
        Effect::CancelPending => {
            if let Some(v) = session.cancel() {
                app.status = (format!("cancelling v{v}…"), super::app::Tone::Info);
            }
        }
        Effect::ToggleQuantize => {
            let q = session.quantum();
            let next = if q > 0.0 { 0.0 } else { app.quantum };
            if q > 0.0 {
                app.quantum = q;
            }
            session.set_quantum(next);
            let what = match next {
                0.0 => "off: changes land at once".to_string(),
                4.0 => "on: changes land on the next bar".to_string(),
                1.0 => "on: changes land on the next beat".to_string(),
                n => format!("on: changes land on the next {n}-beat boundary"),
            };
            app.status = (format!("quantize {what}"), super::app::Tone::Info);
        }
        Effect::Volume(db) => session.set_volume_db(db as f32),
        Effect::Learn => {
            crate::dsp::midi::input::open_app_port();
            let _ = crate::dsp::midi::input::take_controller();
        }
        Effect::ToggleChain { line, solo } => app.on_toggled(session.toggle_chain(line, solo)),
        Effect::Evaluate(text) => {
            let result = session.reload(&text);
            app.on_evaluated(&result);
        }
        // Quitting ends the loop; the take's keys went to `apply_keep`.
        Effect::Quit | Effect::ToggleRecording | Effect::SaveRetro => {}
        Effect::Panic => session.panic(),
        Effect::Unmute => session.resume(),
    }
}

fn save_and_reload(app: &mut App, session: &mut Session, text: &str, quit: bool) {
    let saved = save::atomic(&app.path, text).map_err(|e| e.to_string());
    let ok = saved.is_ok();
    app.on_saved_then(text, saved, quit);
    if ok && !quit {
        let result = session.reload(text);
        app.on_reload(&result);
    }
}

/// The app is ending without the performer's say (a signal, the terminal gone): unsaved text goes to
/// `PATCH.recovered`, offered back at the next start.
fn keep_unsaved(app: &App) {
    if app.modified() {
        let _ = save::atomic(&save::recovery_path(&app.path), &app.editor.text());
    }
}

/// Whether this process still has its terminal: after a hang-up it has no controlling terminal to open.
fn terminal_alive() -> bool {
    std::fs::OpenOptions::new().read(true).open("/dev/tty").is_ok()
}

/// The patch as it is on disk: bounded, never blocking on a FIFO or a device put in its place.
fn read_disk(path: &std::path::Path) -> Result<String, FileError> {
    files::read_text(path, "a patch", files::PATCH_LIMIT)
}
