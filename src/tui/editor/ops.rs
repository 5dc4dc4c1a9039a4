//! Editing a performer expects beyond typing: word motion and deletion, toggling comments, duplicating and moving
//! lines, and display columns over wide characters. Pure; UI thread.

use super::{EditKind, Editor, Pos, char_len};
use unicode_width::UnicodeWidthChar;

/// What a word is made of, for word motion: names and numbers stick together, everything else stands apart.
fn word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.'
}

impl Editor {
    /// Where the previous word starts (Ctrl-Left): over spaces, then over a run of one kind.
    pub(super) fn word_left(&self, p: Pos) -> Pos {
        if p.col == 0 {
            return if p.line == 0 {
                p
            } else {
                Pos {
                    line: p.line - 1,
                    col: char_len(&self.lines[p.line - 1]),
                }
            };
        }
        let chars: Vec<char> = self.lines[p.line].chars().take(p.col).collect();
        let mut i = chars.len();
        while i > 0 && chars[i - 1].is_whitespace() {
            i -= 1;
        }
        let kind = i.checked_sub(1).map(|k| word_char(chars[k]));
        while i > 0 && !chars[i - 1].is_whitespace() && Some(word_char(chars[i - 1])) == kind {
            i -= 1;
        }
        Pos { line: p.line, col: i }
    }

    /// Where the next word ends (Ctrl-Right).
    pub(super) fn word_right(&self, p: Pos) -> Pos {
        let len = char_len(&self.lines[p.line]);
        if p.col >= len {
            return if p.line + 1 < self.lines.len() {
                Pos {
                    line: p.line + 1,
                    col: 0,
                }
            } else {
                p
            };
        }
        let chars: Vec<char> = self.lines[p.line].chars().collect();
        let mut i = p.col;
        while i < len && chars[i].is_whitespace() {
            i += 1;
        }
        let kind = chars.get(i).map(|&c| word_char(c));
        while i < len && !chars[i].is_whitespace() && Some(word_char(chars[i])) == kind {
            i += 1;
        }
        Pos { line: p.line, col: i }
    }

    /// Ctrl-Backspace, Ctrl-W: delete back to the start of the word (or the selection).
    pub fn delete_word_back(&mut self) {
        if self.selection().is_none() {
            let from = self.word_left(self.cursor);
            self.anchor = Some(from);
        }
        self.checkpoint(EditKind::Other);
        self.delete_selection();
        self.goal = self.display_col(self.cursor);
    }

    /// The lines the selection touches, or the cursor's line.
    fn touched(&self) -> (usize, usize) {
        match self.selection() {
            // A selection ending at column 0 does not take that line.
            Some((a, b)) if b.col == 0 && b.line > a.line => (a.line, b.line - 1),
            Some((a, b)) => (a.line, b.line),
            None => (self.cursor.line, self.cursor.line),
        }
    }

    /// Ctrl-/: comment the touched lines out with `mark` (`#`, or `//` in a script), or back in when all are.
    pub fn toggle_comment(&mut self, mark: &str) {
        let (first, last) = self.touched();
        let lines = first..=last;
        let commented = |l: &String| l.trim_start().starts_with(mark);
        let all = self.lines[lines.clone()]
            .iter()
            .filter(|l| !l.trim().is_empty())
            .all(commented);
        self.checkpoint(EditKind::Other);
        let indent = self.lines[lines.clone()]
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        let mut shift = 0isize;
        for l in lines {
            let line = &mut self.lines[l];
            if line.trim().is_empty() {
                continue;
            }
            let before = char_len(line) as isize;
            if all {
                let at = line.len() - line.trim_start().len();
                let rest = &line[at + mark.len()..];
                let rest = rest.strip_prefix(' ').unwrap_or(rest).to_string();
                line.replace_range(at.., &rest);
            } else {
                line.insert_str(indent.min(line.len()), &format!("{mark} "));
            }
            if l == self.cursor.line {
                shift = char_len(line) as isize - before;
            }
        }
        self.cursor.col =
            (self.cursor.col as isize + shift).clamp(0, char_len(&self.lines[self.cursor.line]) as isize) as usize;
        self.anchor = self.anchor.map(|a| self.clamp(a));
    }

    /// Replace characters `from..to` of `line` with `text` (one line), as one undoable edit; the cursor goes after it.
    pub fn replace_in_line(&mut self, line: usize, from: usize, to: usize, text: &str) {
        let Some(l) = self.lines.get(line) else { return };
        let byte = |c: usize| l.char_indices().nth(c).map_or(l.len(), |(b, _)| b);
        let (a, b) = (byte(from), byte(to.max(from)));
        self.checkpoint(EditKind::Other);
        self.lines[line].replace_range(a..b, text);
        self.set_cursor(Pos {
            line,
            col: from + text.chars().count(),
        });
    }

    /// The plain number (`800`, `-0.5`, `1.25`) around character `col` of `line`: its columns and value. Not part
    /// of a name (`a4`, `x2`).
    pub fn number_at(&self, line: usize, col: usize) -> Option<(usize, usize, f64)> {
        let chars: Vec<char> = self.lines.get(line)?.chars().collect();
        let num = |c: char| c.is_ascii_digit() || c == '.';
        let mut a = col.min(chars.len());
        // On the sign of a negative number: the number after it.
        if a + 1 < chars.len() && chars[a] == '-' && chars[a + 1].is_ascii_digit() {
            a += 1;
        }
        if a == chars.len() || !num(chars[a]) {
            a = a.checked_sub(1).filter(|&p| num(chars[p]))?;
        }
        let mut start = a;
        while start > 0 && num(chars[start - 1]) {
            start -= 1;
        }
        let mut end = a + 1;
        while end < chars.len() && num(chars[end]) {
            end += 1;
        }
        if start > 0 && chars[start - 1] == '-' && (start == 1 || !chars[start - 2].is_alphanumeric()) {
            start -= 1;
        }
        if start > 0 && (chars[start - 1].is_alphanumeric() || chars[start - 1] == '_' || chars[start - 1] == '#') {
            return None;
        }
        let text: String = chars[start..end].iter().collect();
        text.parse().ok().map(|v| (start, end, v))
    }

    /// Ctrl-D: a copy of the touched lines below them; the cursor moves with the copy.
    pub fn duplicate_lines(&mut self) {
        let (first, last) = self.touched();
        self.checkpoint(EditKind::Other);
        let copy: Vec<String> = self.lines[first..=last].to_vec();
        let n = copy.len();
        self.lines.splice((last + 1)..=last, copy);
        self.cursor.line += n;
        self.anchor = self.anchor.map(|a| Pos { line: a.line + n, ..a });
    }

    /// Alt-Up / Alt-Down: move the touched lines one line up or down, with the cursor and selection.
    pub fn move_lines(&mut self, down: bool) {
        let (first, last) = self.touched();
        if (down && last + 1 >= self.lines.len()) || (!down && first == 0) {
            return;
        }
        self.checkpoint(EditKind::Other);
        if down {
            let below = self.lines.remove(last + 1);
            self.lines.insert(first, below);
        } else {
            let above = self.lines.remove(first - 1);
            self.lines.insert(last, above);
        }
        let step = |p: Pos| Pos {
            line: if down { p.line + 1 } else { p.line - 1 },
            ..p
        };
        // A selection ending at the start of the line after the block may now end past the text: clamp it.
        self.cursor = self.clamp(step(self.cursor));
        self.anchor = self.anchor.map(|a| self.clamp(step(a)));
    }

    /// The cursor's column as the screen shows it (wide characters take two cells).
    pub fn display_col(&self, p: Pos) -> usize {
        self.lines[p.line]
            .chars()
            .take(p.col)
            .map(|c| c.width().unwrap_or(0))
            .sum()
    }

    /// The character column on `line` nearest the display column `width` (for moving up and down).
    pub(super) fn col_at_width(&self, line: usize, width: usize) -> usize {
        let mut x = 0;
        for (i, c) in self.lines[line].chars().enumerate() {
            let w = c.width().unwrap_or(0);
            if x + w > width {
                return i;
            }
            x += w;
        }
        char_len(&self.lines[line])
    }
}
