//! The help overlay (F1): every key, the language in brief, then the node reference, filtered by what is typed.

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
    (
        "Ctrl/Alt-Enter, Ctrl-E",
        "evaluate: only the statement(s) under the cursor go live; the file is not saved",
    ),
    ("F7", "mute the chain under the cursor (again: unmute)"),
    ("F8", "solo the chain under the cursor (again: take the solo back)"),
    ("F9", "scope: pin to the master / follow the node under the cursor"),
    ("F10", "scope panel: waveform / spectrum"),
    ("Alt-Z", "soft wrap long lines on / off"),
    (
        "F11 / F12",
        "record on / off; write the last minutes (retro buffer) to a file",
    ),
    (
        "Ctrl-L",
        "MIDI learn: on a number, the next knob moved takes its place as `(cc N …)`",
    ),
    (
        "gutter",
        "· kept ~ retuned ≈ crossfaded + added − removed (if saved now); ▁…█ a chain's level, red past full scale; M muted, S soloed; ● error ▲ warning ✕ muted by the engine or held back",
    ),
    ("Esc", "take back an armed (PENDING) change"),
    ("F2 / Ctrl-N, Shift-F2", "next / previous error: moves the cursor there"),
    ("Ctrl-P", "PANIC: mute everything at once and clear tails"),
    ("Ctrl-U", "unmute"),
    ("F1 / Esc", "this help / close it"),
];

/// The patch language in brief, one topic a line, searchable like the rest.
const LANGUAGE: &[(&str, &str)] = &[
    (
        "chain",
        "`saw 110 -> lowpass 800 -> out`: each node feeds the next; `out` is the speakers",
    ),
    (
        "binding",
        "`lfo = sine 0.2` names a signal; use the name wherever a value goes (modulation)",
    ),
    (
        "parameters",
        "a bare first value sets the main one (`lowpass 800`), the rest by name (`q=2`)",
    ),
    (
        "units",
        "`hz`, `khz`, `ms`, `s`: `20ms`, `2khz`; a plain number is in the parameter's own unit",
    ),
    (
        "notes",
        "`a4` = 440 Hz, `c#3`, `eb2`: a to g, # or b, then the octave (no H: it is `b`)",
    ),
    (
        "lists",
        "for `seq`: `[a3 c4 _ e4]`, `_` is a rest; at most 65 536 values",
    ),
    (
        "arithmetic",
        "`+ - * /` on numbers and signals; no spaces inside one argument (`width=lfo*0.2+0.5`)",
    ),
    (
        "node in a value",
        "in parentheses: `lowpass cutoff=(sine 0.5)*1000+1500`",
    ),
    (
        "ports",
        "`s.gate` is the gate output of `s`; `out.left` / `out.right` address one side",
    ),
    (
        "labels",
        "`saw 110 @bass` keeps a node's state wherever it moves in the text",
    ),
    (
        "feedback",
        "a loop needs a `delay`: `echoes = (dry + echoes*0.5) -> delay 0.3`; growing loops are muted",
    ),
    (
        "tempo",
        "`bpm 120` on its own line; `clock` and `seq` count in beats (`every=1/4` is a sixteenth)",
    ),
    (
        "comments",
        "`#` to the end of the line (`//` and `/* */` in Synchrotron scripts)",
    ),
    (
        "lines",
        "one statement a line; end a line with `->` (or start the next with it) to go on",
    ),
    (
        "scripts",
        "a file starting with `new`, `link`… is a Synchrotron script (its nodes: `synchrotron-tui nodes`)",
    ),
];

/// The help text for a search query: matching keys, language topics, then matching nodes in full.
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
    out.push(Line::styled("Language", heading));
    for (topic, what) in LANGUAGE {
        if q.is_empty() || topic.contains(&q) || what.to_lowercase().contains(&q) {
            out.push(Line::from(format!("  {topic:<26} {what}")));
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
                .title(" help · keys, language and nodes ")
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
    fn the_language_is_covered_and_searchable() {
        for (query, want) in [
            ("label", "@bass"),
            ("FEEDBACK", "delay 0.3"),
            ("units", "2khz"),
            ("ports", "out.left"),
            ("note", "c#3"),
        ] {
            assert!(text(query).contains(want), "{query}: {}", text(query));
        }
    }

    #[test]
    fn search_ignores_case_in_keys_and_descriptions() {
        // "PANIC" is written in capitals in the key list; "Undo" is not.
        assert!(text("panic").contains("Ctrl-P"), "{}", text("panic"));
        assert!(text("UNDO").contains("Ctrl-Z"));
        assert!(text("LOWPASS").contains("lowpass"));
    }
}
