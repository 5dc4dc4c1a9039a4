//! The diff preview's marks in the gutter and its summary under the editor. UI thread.

use super::super::app::App;
use crate::live::preview::LineChange;
use ratatui::style::{Color, Modifier, Style};

/// The preview's mark for a 0-based line: · kept, ~ retuned, ≈ crossfaded, + added, − removed.
pub fn mark(app: &App, line: usize) -> (&'static str, Style) {
    let Some(change) = app.preview.as_ref().and_then(|p| p.at(line)) else {
        return (" ", Style::new());
    };
    match change {
        LineChange::Kept => ("·", Style::new().fg(Color::DarkGray)),
        LineChange::Retuned => ("~", Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)),
        LineChange::Crossfaded => ("≈", Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)),
        LineChange::Added => ("+", Style::new().fg(Color::Green).add_modifier(Modifier::BOLD)),
        LineChange::Removed => ("−", Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)),
    }
}

/// The summary for the editor's bottom border, when there is one.
pub fn summary(app: &App) -> Option<String> {
    app.preview.as_ref().map(|p| format!(" {} ", p.summary()))
}
