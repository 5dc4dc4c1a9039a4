//! The help overlay (F1): every key, then the node reference, filtered by what is typed.

use crate::cli;
use crate::dsp::registry;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

const KEYS: &[(&str, &str)] = &[
    (
        "Ctrl-S",
        "save and reload (a patch with errors is saved; the old sound keeps playing)",
    ),
    ("Ctrl-Q", "quit (asks when there are unsaved changes)"),
    ("Ctrl-Z / Ctrl-Y", "undo / redo"),
    ("Ctrl-C / Ctrl-X / Ctrl-V", "copy / cut / paste (in the app)"),
    ("Ctrl-A", "select all"),
    ("Shift-arrows", "select"),
    ("Tab / Shift-Tab", "indent / dedent"),
    ("Ctrl- or Alt-Left/Right", "word left / right (with Shift: select)"),
    ("Ctrl-Backspace, Ctrl-W", "delete the word before the cursor"),
    ("Ctrl-/", "comment the line or selection out, or back in"),
    ("Ctrl-D", "duplicate the line or selection"),
    ("Alt-Up / Alt-Down", "move the line or selection up / down"),
    ("Page Up / Page Down", "a pane's height"),
    ("F3", "hide or show the side panel"),
    ("F4", "quantize on / off"),
    ("F5 / F6", "master volume down / up"),
    ("Esc", "take back an armed (PENDING) change"),
    ("F2 / Ctrl-N, Shift-F2", "next / previous error: moves the cursor there"),
    ("Ctrl-P", "PANIC: mute everything at once and clear tails"),
    ("Ctrl-U", "unmute"),
    ("F1 / Esc", "this help / close it"),
];

/// The help text for a search query: matching keys, then matching nodes in full.
pub fn lines(query: &str) -> Vec<Line<'static>> {
    let q = query.to_lowercase();
    let heading = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
    let mut out = vec![Line::styled(
        format!("search: {query}▏  (type to filter, Esc to close)"),
        Style::new().fg(Color::Cyan),
    )];
    out.push(Line::styled("Keys", heading));
    for (k, what) in KEYS {
        if q.is_empty() || k.to_lowercase().contains(&q) || what.to_lowercase().contains(&q) {
            out.push(Line::from(format!("  {k:<26} {what}")));
        }
    }
    out.push(Line::styled("Nodes", heading));
    for def in registry::public() {
        let entry = cli::describe(def);
        if q.is_empty() || entry.to_lowercase().contains(&q) {
            out.extend(entry.lines().map(|l| Line::from(format!("  {l}"))));
        }
    }
    out
}

pub fn render(query: &str, scroll: usize, area: Rect, buf: &mut Buffer) {
    let r = Rect {
        x: area.x + 2,
        y: area.y + 1,
        width: area.width.saturating_sub(4),
        height: area.height.saturating_sub(2),
    };
    Clear.render(r, buf);
    let lines = lines(query);
    let scroll = scroll.min(lines.len().saturating_sub(1));
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll as u16, 0))
        .block(
            Block::bordered()
                .title(" help · keys and nodes ")
                .border_style(Style::new().fg(Color::Cyan)),
        )
        .render(r, buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(query: &str) -> String {
        lines(query)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn search_ignores_case_in_keys_and_descriptions() {
        // "PANIC" is written in capitals in the key list; "Undo" is not.
        assert!(text("panic").contains("Ctrl-P"), "{}", text("panic"));
        assert!(text("UNDO").contains("Ctrl-Z"));
        assert!(text("LOWPASS").contains("lowpass"));
    }
}
