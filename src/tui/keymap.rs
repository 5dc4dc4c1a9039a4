//! Keys to actions, per mode. A pure function, so every binding is testable. UI thread.

use super::action::Action;
use super::app::Mode;
use super::editor::Move;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// The footer's key hints.
pub const HINTS: &str = "^S save  ^Q quit  ^P panic  ^U unmute  F1 help  M-Enter eval  F7 mute  F8 solo  F9 scope  F2 next error  F3 panel  F4 quantize  ^Z/^Y undo/redo";

pub fn action_for(key: KeyEvent, mode: &Mode) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    // PANIC and unmute come first, whatever is on screen.
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        match key.code {
            KeyCode::Char('p' | 'P') => return Some(Action::Panic),
            KeyCode::Char('u' | 'U') => return Some(Action::Unmute),
            _ => {}
        }
    }
    match mode {
        Mode::Edit => edit(key),
        Mode::Help { .. } => help(key),
        Mode::History { .. } => match key.code {
            KeyCode::Up => Some(Action::Move(Move::Up, false)),
            KeyCode::Down => Some(Action::Move(Move::Down, false)),
            KeyCode::Enter => Some(Action::Newline),
            KeyCode::Esc => Some(Action::Escape),
            KeyCode::Char('r') if key.modifiers.contains(KeyModifiers::CONTROL) => Some(Action::History),
            _ => None,
        },
        // Only a plain letter answers: Ctrl-R or Ctrl-S pressed out of habit must not restore or save.
        Mode::ConfirmQuit | Mode::Conflict { .. } | Mode::Recovered(_) => match key.code {
            KeyCode::Esc => Some(Action::Answer('n')),
            KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
                Some(Action::Answer(c.to_ascii_lowercase()))
            }
            _ => None,
        },
    }
}

fn help(key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Esc | KeyCode::F(1) => Some(Action::ToggleHelp),
        KeyCode::Backspace => Some(Action::HelpBackspace),
        KeyCode::Up => Some(Action::HelpScroll(-1)),
        KeyCode::Down => Some(Action::HelpScroll(1)),
        KeyCode::PageUp => Some(Action::HelpScroll(-10)),
        KeyCode::PageDown => Some(Action::HelpScroll(10)),
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => Some(Action::HelpQuery(c)),
        KeyCode::Char('q') => Some(Action::Quit),
        _ => None,
    }
}

fn edit(key: KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    if ctrl && let KeyCode::Char(c) = key.code {
        return match c.to_ascii_lowercase() {
            's' => Some(Action::Save),
            'q' => Some(Action::Quit),
            'z' => Some(Action::Undo),
            'y' => Some(Action::Redo),
            'c' => Some(Action::Copy),
            'x' => Some(Action::Cut),
            'v' => Some(Action::Paste),
            'a' => Some(Action::SelectAll),
            'p' => Some(Action::Panic),
            'u' => Some(Action::Unmute),
            'n' => Some(Action::NextError),
            'd' => Some(Action::DuplicateLines),
            'e' => Some(Action::Evaluate),
            'l' => Some(Action::Learn),
            'r' => Some(Action::History),
            // Ctrl-Backspace arrives as Ctrl-H in most terminals.
            'w' | 'h' => Some(Action::DeleteWordBack),
            // Ctrl-/ arrives as Ctrl-_ or Ctrl-7 depending on the terminal.
            '/' | '_' | '7' => Some(Action::ToggleComment),
            _ => None,
        };
    }
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    match key.code {
        KeyCode::Left if ctrl || alt => return Some(Action::Move(Move::WordLeft, shift)),
        KeyCode::Right if ctrl || alt => return Some(Action::Move(Move::WordRight, shift)),
        KeyCode::Up if alt => return Some(Action::MoveLines(false)),
        KeyCode::Down if alt => return Some(Action::MoveLines(true)),
        KeyCode::Backspace if ctrl || alt => return Some(Action::DeleteWordBack),
        // Ctrl-Enter reaches the app only from terminals that report it; Alt-Enter and Ctrl-E work everywhere.
        KeyCode::Enter if ctrl || alt => return Some(Action::Evaluate),
        KeyCode::Char('z' | 'Z') if alt => return Some(Action::ToggleWrap),
        _ => {}
    }
    let mv = |m| Some(Action::Move(m, shift));
    match key.code {
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::ALT) => Some(Action::Insert(c)),
        KeyCode::Enter => Some(Action::Newline),
        KeyCode::Backspace => Some(Action::Backspace),
        KeyCode::Delete => Some(Action::Delete),
        KeyCode::Tab => Some(Action::Indent),
        KeyCode::BackTab => Some(Action::Dedent),
        KeyCode::Left => mv(Move::Left),
        KeyCode::Right => mv(Move::Right),
        KeyCode::Up => mv(Move::Up),
        KeyCode::Down => mv(Move::Down),
        KeyCode::Home if ctrl => mv(Move::Top),
        KeyCode::End if ctrl => mv(Move::Bottom),
        KeyCode::Home => mv(Move::Home),
        KeyCode::End => mv(Move::End),
        KeyCode::PageUp => mv(Move::PageUp),
        KeyCode::PageDown => mv(Move::PageDown),
        KeyCode::F(1) => Some(Action::ToggleHelp),
        KeyCode::F(3) => Some(Action::TogglePanel),
        KeyCode::F(4) => Some(Action::ToggleQuantize),
        KeyCode::F(5) => Some(Action::Volume(false)),
        KeyCode::F(6) => Some(Action::Volume(true)),
        KeyCode::F(7) => Some(Action::MuteChain),
        KeyCode::F(8) => Some(Action::SoloChain),
        KeyCode::F(9) => Some(Action::PinScope),
        KeyCode::F(10) => Some(Action::ToggleSpectrum),
        KeyCode::F(11) => Some(Action::ToggleRecording),
        KeyCode::F(12) => Some(Action::SaveRetro),
        // Many terminals send Shift-F2 as F14.
        KeyCode::F(2) if shift => Some(Action::PrevError),
        KeyCode::F(14) => Some(Action::PrevError),
        KeyCode::F(2) => Some(Action::NextError),
        KeyCode::Esc => Some(Action::Escape),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn the_documented_keys_map_to_their_actions() {
        let e = &Mode::Edit;
        let ctrl = KeyModifiers::CONTROL;
        assert_eq!(action_for(key(KeyCode::Char('s'), ctrl), e), Some(Action::Save));
        assert_eq!(action_for(key(KeyCode::Char('q'), ctrl), e), Some(Action::Quit));
        assert_eq!(action_for(key(KeyCode::Char('z'), ctrl), e), Some(Action::Undo));
        assert_eq!(action_for(key(KeyCode::Char('y'), ctrl), e), Some(Action::Redo));
        assert_eq!(action_for(key(KeyCode::Char('c'), ctrl), e), Some(Action::Copy));
        assert_eq!(action_for(key(KeyCode::Char('x'), ctrl), e), Some(Action::Cut));
        assert_eq!(action_for(key(KeyCode::Char('v'), ctrl), e), Some(Action::Paste));
        assert_eq!(action_for(key(KeyCode::Char('p'), ctrl), e), Some(Action::Panic));
        assert_eq!(action_for(key(KeyCode::Char('u'), ctrl), e), Some(Action::Unmute));
        assert_eq!(
            action_for(key(KeyCode::F(1), KeyModifiers::NONE), e),
            Some(Action::ToggleHelp)
        );
        assert_eq!(
            action_for(key(KeyCode::Esc, KeyModifiers::NONE), e),
            Some(Action::Escape)
        );
        assert_eq!(
            action_for(key(KeyCode::Char('é'), KeyModifiers::NONE), e),
            Some(Action::Insert('é'))
        );
        assert_eq!(
            action_for(key(KeyCode::Left, KeyModifiers::SHIFT), e),
            Some(Action::Move(Move::Left, true))
        );
        let help = &Mode::Help {
            query: String::new(),
            scroll: 0,
        };
        assert_eq!(
            action_for(key(KeyCode::Char('s'), KeyModifiers::NONE), help),
            Some(Action::HelpQuery('s'))
        );
        assert_eq!(
            action_for(key(KeyCode::Esc, KeyModifiers::NONE), help),
            Some(Action::ToggleHelp)
        );
        assert_eq!(
            action_for(key(KeyCode::Char('Y'), KeyModifiers::SHIFT), &Mode::ConfirmQuit),
            Some(Action::Answer('y'))
        );
    }

    #[test]
    fn panic_and_unmute_work_in_every_mode() {
        let ctrl = KeyModifiers::CONTROL;
        let modes = [
            Mode::Edit,
            Mode::Help {
                query: "sine".into(),
                scroll: 3,
            },
            Mode::ConfirmQuit,
            Mode::Conflict { disk: String::new() },
            Mode::Recovered("x".into()),
            Mode::History { selected: 0 },
        ];
        for m in &modes {
            assert_eq!(
                action_for(key(KeyCode::Char('p'), ctrl), m),
                Some(Action::Panic),
                "{m:?}"
            );
            assert_eq!(
                action_for(key(KeyCode::Char('u'), ctrl), m),
                Some(Action::Unmute),
                "{m:?}"
            );
        }
        assert_eq!(
            action_for(key(KeyCode::F(14), KeyModifiers::NONE), &Mode::Edit),
            Some(Action::PrevError)
        );
    }

    #[test]
    fn editing_keys_map_to_their_actions() {
        let e = &Mode::Edit;
        let ctrl = KeyModifiers::CONTROL;
        let alt = KeyModifiers::ALT;
        assert_eq!(
            action_for(key(KeyCode::Left, ctrl), e),
            Some(Action::Move(Move::WordLeft, false))
        );
        assert_eq!(
            action_for(key(KeyCode::Right, ctrl | KeyModifiers::SHIFT), e),
            Some(Action::Move(Move::WordRight, true))
        );
        assert_eq!(
            action_for(key(KeyCode::Left, alt), e),
            Some(Action::Move(Move::WordLeft, false))
        );
        for k in [KeyCode::Char('w'), KeyCode::Char('h')] {
            assert_eq!(action_for(key(k, ctrl), e), Some(Action::DeleteWordBack));
        }
        assert_eq!(
            action_for(key(KeyCode::Backspace, ctrl), e),
            Some(Action::DeleteWordBack)
        );
        for k in ['/', '_', '7'] {
            assert_eq!(action_for(key(KeyCode::Char(k), ctrl), e), Some(Action::ToggleComment));
        }
        assert_eq!(
            action_for(key(KeyCode::Char('d'), ctrl), e),
            Some(Action::DuplicateLines)
        );
        assert_eq!(action_for(key(KeyCode::Up, alt), e), Some(Action::MoveLines(false)));
        assert_eq!(action_for(key(KeyCode::Down, alt), e), Some(Action::MoveLines(true)));
        assert_eq!(
            action_for(key(KeyCode::F(3), KeyModifiers::NONE), e),
            Some(Action::TogglePanel)
        );
    }

    #[test]
    fn stage_keys_map_to_their_actions() {
        let e = &Mode::Edit;
        let none = KeyModifiers::NONE;
        for (k, a) in [
            (KeyCode::F(7), Action::MuteChain),
            (KeyCode::F(8), Action::SoloChain),
            (KeyCode::F(9), Action::PinScope),
            (KeyCode::F(10), Action::ToggleSpectrum),
        ] {
            assert_eq!(action_for(key(k, none), e), Some(a));
        }
        for m in [KeyModifiers::CONTROL, KeyModifiers::ALT] {
            assert_eq!(action_for(key(KeyCode::Enter, m), e), Some(Action::Evaluate));
        }
        assert_eq!(
            action_for(key(KeyCode::Char('e'), KeyModifiers::CONTROL), e),
            Some(Action::Evaluate)
        );
        assert_eq!(
            action_for(key(KeyCode::Char('z'), KeyModifiers::ALT), e),
            Some(Action::ToggleWrap)
        );
        assert_eq!(action_for(key(KeyCode::Enter, none), e), Some(Action::Newline));
    }

    #[test]
    fn a_dialog_answers_only_plain_letters() {
        let m = &Mode::Recovered("x".into());
        assert_eq!(action_for(key(KeyCode::Char('r'), KeyModifiers::CONTROL), m), None);
        assert_eq!(
            action_for(key(KeyCode::Char('s'), KeyModifiers::ALT), &Mode::ConfirmQuit),
            None
        );
        assert_eq!(
            action_for(key(KeyCode::Char('r'), KeyModifiers::NONE), m),
            Some(Action::Answer('r'))
        );
    }

    #[test]
    fn key_releases_are_ignored() {
        let mut k = key(KeyCode::Char('a'), KeyModifiers::NONE);
        k.kind = KeyEventKind::Release;
        assert_eq!(action_for(k, &Mode::Edit), None);
    }
}
