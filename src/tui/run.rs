//! The TUI's event loop: terminal in and out, keys to actions, effects to files and the engine, file watching,
//! telemetry, and redrawing only when something changed (at most 60 times a second). UI thread.

use super::action::{Action, Effect};
use super::app::App;
use super::{keymap, save, view};
use crate::headless::{self, Options, RunError, Sink};
use crate::live::Session;
use ratatui::crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
use ratatui::crossterm::execute;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

const FRAME: Duration = Duration::from_millis(16);
/// Meters and scope refresh at this rate while sound plays.
const METERS: Duration = Duration::from_millis(33);

pub fn run(opts: &Options) -> Result<(), RunError> {
    let (text, on_disk) = match std::fs::read_to_string(&opts.patch) {
        Ok(t) => (t, true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (super::app::TEMPLATE.to_string(), false),
        Err(e) => return Err(RunError::Read(opts.patch.display().to_string(), e.to_string())),
    };
    let quiet = Options {
        quiet: true,
        ..opts.clone()
    };
    let (mut session, mut sink, info) = headless::start(&quiet)?;
    let mut app = App::new(opts.patch.clone(), &text, on_disk, info);
    let result = session.reload(&text);
    app.on_reload(&result);
    let (_watcher, disk_events) = match headless::watch(&opts.patch) {
        Ok((w, rx)) => (Some(w), Some(rx)),
        Err(_) => (None, None),
    };
    let mut terminal = ratatui::init();
    save::install_panic_hook();
    let _ = execute!(std::io::stdout(), EnableBracketedPaste);
    let stop = AtomicBool::new(false);
    let mut scope = Vec::new();
    let mut was_audible = true;
    let mut dirty = true;
    let mut last_meters = Instant::now();
    let mut last_draw = Instant::now().checked_sub(FRAME).unwrap_or_else(Instant::now);
    while !app.quit {
        if dirty && last_draw.elapsed() >= FRAME {
            save::remember(&app.path, &app.editor.text());
            let area = terminal.get_frame().area();
            app.editor.scroll_to_cursor(view::editor_area(area).height as usize);
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
        if event::poll(timeout).unwrap_or(false) {
            let effect = match event::read() {
                Ok(Event::Key(k)) => keymap::action_for(k, &app.mode).and_then(|a| app.update(a)),
                Ok(Event::Paste(t)) => app.update(Action::PasteText(t)),
                _ => None,
            };
            dirty = true;
            if let Some(e) = effect {
                apply(e, &mut app, &mut session);
            }
        }
        if let Some(rx) = &disk_events
            && rx.try_iter().fold(false, |any, ours| any | ours)
        {
            std::thread::sleep(Duration::from_millis(30));
            if let Ok(disk) = std::fs::read_to_string(&app.path)
                && let Some(e) = app.on_disk_change(&disk)
            {
                apply(e, &mut app, &mut session);
            }
            dirty = true;
        }
        let ev = session.tick();
        for r in &ev.sent {
            app.on_sent(r);
            dirty = true;
        }
        for (v, key, kind) in ev.faults {
            app.status = (format!("v{v}: node `{key}` muted ({kind:?})"), super::app::Tone::Bad);
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
            dirty = true;
        }
    }
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    drop::<Sink>(sink);
    session.tick();
    Ok(())
}

/// Carry out what the app asked for.
fn apply(effect: Effect, app: &mut App, session: &mut Session) {
    match effect {
        Effect::Save(text) => {
            let saved = save::atomic(&app.path, &text).map_err(|e| e.to_string());
            let ok = saved.is_ok();
            app.on_saved(&text, saved);
            if ok {
                let result = session.reload(&text);
                app.on_reload(&result);
            }
        }
        Effect::LoadFromDisk => {
            if let Ok(text) = std::fs::read_to_string(&app.path) {
                app.load(&text);
                let result = session.reload(&text);
                app.on_reload(&result);
            }
        }
        Effect::Quit => {}
        Effect::Panic => session.panic(),
        Effect::Unmute => session.resume(),
    }
}
