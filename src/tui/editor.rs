//! The text buffer being edited: lines of text, a cursor and selection in character columns, an in-app clipboard,
//! and undo/redo. Pure; UI thread. Columns count `char`s, so every edit lands on a character boundary.

/// A place in the text: line and character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone, PartialEq)]
struct Snapshot {
    lines: Vec<String>,
    cursor: Pos,
}

/// What kind of edit the last one was, so runs of typing undo as one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EditKind {
    Typing,
    Other,
}

#[derive(Debug, Clone)]
pub struct Editor {
    lines: Vec<String>,
    cursor: Pos,
    anchor: Option<Pos>,
    /// Display column the cursor wants when moving through shorter lines (or lines of wide characters).
    goal: usize,
    /// Lines the pane shows, for Page Up and Page Down.
    page: usize,
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    last: EditKind,
    clipboard: String,
    /// First visible line.
    pub scroll: usize,
}

const INDENT: &str = "  ";
const UNDO_DEPTH: usize = 500;

fn char_to_byte(s: &str, col: usize) -> usize {
    s.char_indices().nth(col).map_or(s.len(), |(i, _)| i)
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

impl Editor {
    pub fn new(text: &str) -> Self {
        let mut lines: Vec<String> = text.split('\n').map(|l| l.trim_end_matches('\r').to_string()).collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        Self {
            lines,
            cursor: Pos::default(),
            anchor: None,
            goal: 0,
            page: 20,
            undo: Vec::new(),
            redo: Vec::new(),
            last: EditKind::Other,
            clipboard: String::new(),
            scroll: 0,
        }
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    pub fn cursor(&self) -> Pos {
        self.cursor
    }

    /// The selection as an ordered range, if any and not empty.
    pub fn selection(&self) -> Option<(Pos, Pos)> {
        let a = self.anchor?;
        (a != self.cursor).then(|| {
            if a < self.cursor {
                (a, self.cursor)
            } else {
                (self.cursor, a)
            }
        })
    }

    pub fn clipboard(&self) -> &str {
        &self.clipboard
    }

    /// Byte offset of a position in `text()`.
    pub fn offset_of(&self, p: Pos) -> usize {
        let before: usize = self.lines.iter().take(p.line).map(|l| l.len() + 1).sum();
        before + self.lines.get(p.line).map_or(0, |l| char_to_byte(l, p.col))
    }

    /// The position of a byte offset in `text()`.
    pub fn pos_of(&self, mut offset: usize) -> Pos {
        for (i, l) in self.lines.iter().enumerate() {
            if offset <= l.len() {
                let col = l.char_indices().take_while(|(b, _)| *b < offset).count();
                return Pos { line: i, col };
            }
            offset -= l.len() + 1;
        }
        let last = self.lines.len() - 1;
        Pos {
            line: last,
            col: char_len(&self.lines[last]),
        }
    }

    pub fn set_cursor(&mut self, p: Pos) {
        self.anchor = None;
        self.cursor = self.clamp(p);
        self.goal = self.display_col(self.cursor);
        self.last = EditKind::Other;
    }

    fn clamp(&self, p: Pos) -> Pos {
        let line = p.line.min(self.lines.len() - 1);
        Pos {
            line,
            col: p.col.min(char_len(&self.lines[line])),
        }
    }

    fn checkpoint(&mut self, kind: EditKind) {
        if kind == EditKind::Typing && self.last == EditKind::Typing {
            return;
        }
        self.undo.push(Snapshot {
            lines: self.lines.clone(),
            cursor: self.cursor,
        });
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
        self.last = kind;
    }

    pub fn undo(&mut self) -> bool {
        let Some(s) = self.undo.pop() else { return false };
        self.redo.push(Snapshot {
            lines: std::mem::replace(&mut self.lines, s.lines),
            cursor: self.cursor,
        });
        self.set_cursor(s.cursor);
        true
    }

    pub fn redo(&mut self) -> bool {
        let Some(s) = self.redo.pop() else { return false };
        self.undo.push(Snapshot {
            lines: std::mem::replace(&mut self.lines, s.lines),
            cursor: self.cursor,
        });
        self.set_cursor(s.cursor);
        true
    }

    /// Replace the whole text as one undoable edit (text from disk, a recovered buffer), the cursor kept where it can be.
    pub fn replace_all(&mut self, text: &str) {
        self.checkpoint(EditKind::Other);
        let cursor = self.cursor;
        self.lines = Editor::new(text).lines;
        self.set_cursor(cursor);
    }

    /// Remove the selection's text, leaving the cursor at its start.
    fn delete_selection(&mut self) -> bool {
        let Some((a, b)) = self.selection() else {
            self.anchor = None;
            return false;
        };
        let tail = self.lines[b.line][char_to_byte(&self.lines[b.line], b.col)..].to_string();
        let head_end = char_to_byte(&self.lines[a.line], a.col);
        self.lines[a.line].truncate(head_end);
        self.lines[a.line].push_str(&tail);
        self.lines.drain(a.line + 1..=b.line);
        self.cursor = a;
        self.anchor = None;
        true
    }

    /// Type text at the cursor, replacing any selection. Newlines split lines.
    pub fn insert(&mut self, text: &str) {
        let kind = if text.chars().all(|c| c.is_alphanumeric() || c == '_') {
            EditKind::Typing
        } else {
            EditKind::Other
        };
        self.checkpoint(if self.selection().is_some() {
            EditKind::Other
        } else {
            kind
        });
        self.delete_selection();
        let mut parts = text.split('\n');
        let first = parts.next().unwrap_or("");
        let line = &mut self.lines[self.cursor.line];
        let at = char_to_byte(line, self.cursor.col);
        let rest = line.split_off(at);
        line.push_str(first);
        self.cursor.col += char_len(first);
        for part in parts {
            self.lines.insert(self.cursor.line + 1, part.to_string());
            self.cursor = Pos {
                line: self.cursor.line + 1,
                col: char_len(part),
            };
        }
        self.lines[self.cursor.line].push_str(&rest);
        self.goal = self.display_col(self.cursor);
        self.last = kind;
    }

    /// Enter: split the line, keeping the indentation.
    pub fn newline(&mut self) {
        let indent: String = self.lines[self.cursor.line]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let keep = indent.chars().count().min(self.cursor.col);
        self.insert(&format!("\n{}", &indent[..char_to_byte(&indent, keep)]));
    }

    pub fn backspace(&mut self) {
        self.checkpoint(EditKind::Other);
        if self.delete_selection() {
            return;
        }
        if self.cursor.col > 0 {
            let line = &mut self.lines[self.cursor.line];
            let start = char_to_byte(line, self.cursor.col - 1);
            let end = char_to_byte(line, self.cursor.col);
            line.replace_range(start..end, "");
            self.cursor.col -= 1;
        } else if self.cursor.line > 0 {
            let line = self.lines.remove(self.cursor.line);
            self.cursor.line -= 1;
            self.cursor.col = char_len(&self.lines[self.cursor.line]);
            self.lines[self.cursor.line].push_str(&line);
        }
        self.goal = self.display_col(self.cursor);
    }

    pub fn delete(&mut self) {
        self.checkpoint(EditKind::Other);
        if self.delete_selection() {
            return;
        }
        let len = char_len(&self.lines[self.cursor.line]);
        if self.cursor.col < len {
            let line = &mut self.lines[self.cursor.line];
            let start = char_to_byte(line, self.cursor.col);
            let end = char_to_byte(line, self.cursor.col + 1);
            line.replace_range(start..end, "");
        } else if self.cursor.line + 1 < self.lines.len() {
            let next = self.lines.remove(self.cursor.line + 1);
            self.lines[self.cursor.line].push_str(&next);
        }
    }

    /// Tab: indent the selected lines, or insert an indent at the cursor.
    pub fn indent(&mut self) {
        match self.selection() {
            None => self.insert(INDENT),
            Some((a, b)) => {
                self.checkpoint(EditKind::Other);
                for l in a.line..=b.line {
                    self.lines[l].insert_str(0, INDENT);
                }
                self.shift_selection(INDENT.len() as isize);
            }
        }
    }

    /// Shift-Tab: remove one indent from the current or selected lines.
    pub fn dedent(&mut self) {
        let (a, b) = self.selection().unwrap_or((self.cursor, self.cursor));
        self.checkpoint(EditKind::Other);
        for l in a.line..=b.line {
            let n = self.lines[l]
                .chars()
                .take(INDENT.len())
                .take_while(|c| *c == ' ')
                .count();
            self.lines[l].replace_range(..n, "");
        }
        self.shift_selection(-(INDENT.len() as isize));
    }

    fn shift_selection(&mut self, by: isize) {
        let fix = |p: Pos, lines: &[String]| Pos {
            line: p.line,
            col: (p.col as isize + by).clamp(0, char_len(&lines[p.line]) as isize) as usize,
        };
        self.cursor = fix(self.cursor, &self.lines);
        self.anchor = self.anchor.map(|a| fix(a, &self.lines));
    }

    pub fn copy(&mut self) {
        if let Some((a, b)) = self.selection() {
            let (s, e) = (self.offset_of(a), self.offset_of(b));
            self.clipboard = self.text()[s..e].to_string();
        }
    }

    pub fn cut(&mut self) {
        if self.selection().is_some() {
            self.copy();
            self.checkpoint(EditKind::Other);
            self.delete_selection();
        }
    }

    pub fn paste(&mut self) {
        if !self.clipboard.is_empty() {
            let text = self.clipboard.clone();
            self.checkpoint(EditKind::Other);
            self.last = EditKind::Other;
            self.insert(&text);
            self.last = EditKind::Other;
        }
    }

    pub fn select_all(&mut self) {
        self.anchor = Some(Pos::default());
        let last = self.lines.len() - 1;
        self.cursor = Pos {
            line: last,
            col: char_len(&self.lines[last]),
        };
    }

    /// Move the cursor; with `select` the selection grows from where it started.
    pub fn move_to(&mut self, m: Move, select: bool) {
        if select {
            self.anchor.get_or_insert(self.cursor);
        } else {
            self.anchor = None;
        }
        let c = self.cursor;
        let len = |l: usize| char_len(&self.lines[l]);
        let vertical = matches!(m, Move::Up | Move::Down | Move::PageUp | Move::PageDown);
        self.cursor = match m {
            Move::Left if c.col > 0 => Pos { col: c.col - 1, ..c },
            Move::Left if c.line > 0 => Pos {
                line: c.line - 1,
                col: len(c.line - 1),
            },
            Move::Right if c.col < len(c.line) => Pos { col: c.col + 1, ..c },
            Move::Right if c.line + 1 < self.lines.len() => Pos {
                line: c.line + 1,
                col: 0,
            },
            Move::Left | Move::Right => c,
            Move::Home => Pos { col: 0, ..c },
            Move::End => Pos { col: len(c.line), ..c },
            Move::WordLeft => self.word_left(c),
            Move::WordRight => self.word_right(c),
            Move::Up => self.at_goal(c.line.saturating_sub(1)),
            Move::Down => self.at_goal(c.line + 1),
            // A page is the pane's height, less a line kept for context.
            Move::PageUp => self.at_goal(c.line.saturating_sub(self.page.saturating_sub(1).max(1))),
            Move::PageDown => self.at_goal(c.line + self.page.saturating_sub(1).max(1)),
            Move::Top => Pos::default(),
            Move::Bottom => Pos {
                line: self.lines.len() - 1,
                col: len(self.lines.len() - 1),
            },
        };
        if !vertical {
            self.goal = self.display_col(self.cursor);
        }
        self.last = EditKind::Other;
    }

    /// The cursor on `line` (clamped) at the display column it wants.
    fn at_goal(&self, line: usize) -> Pos {
        let line = line.min(self.lines.len() - 1);
        Pos {
            line,
            col: self.col_at_width(line, self.goal),
        }
    }

    /// Keep the cursor within `height` visible lines (the pane's height, which is also a page).
    pub fn scroll_to_cursor(&mut self, height: usize) {
        let h = height.max(1);
        self.page = h;
        if self.cursor.line < self.scroll {
            self.scroll = self.cursor.line;
        } else if self.cursor.line >= self.scroll + h {
            self.scroll = self.cursor.line + 1 - h;
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    WordLeft,
    WordRight,
    PageUp,
    PageDown,
    Top,
    Bottom,
}

mod ops;

#[cfg(test)]
mod tests;
