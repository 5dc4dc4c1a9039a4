//! Recovery after a syntax error: the statement in error is blanked (its bytes turned to spaces, newlines kept, so
//! every span still points into the original text) and parsing goes on, so one unclosed `(` no longer hides the
//! rest of the file. A binding keeps its name (`name = 0`), so later uses of it are not reported as unknown.
//! Pure; control thread.

/// Blank the statement that the error at byte `pos` belongs to. Returns false when nothing could be blanked.
pub fn blank_statement(text: &mut String, pos: usize) -> bool {
    let pos = unclosed_before(text, pos).unwrap_or(pos).min(text.len());
    let (start, end) = statement_around(text, pos);
    if start >= end || text.as_bytes()[start..end].iter().all(u8::is_ascii_whitespace) {
        return false;
    }
    let keep = binding_name(&text[start..end]).map(|n| start + n);
    let mut bytes = std::mem::take(text).into_bytes();
    for (i, b) in bytes.iter_mut().enumerate().take(end).skip(start) {
        if keep.is_some_and(|k| i < k) || *b == b'\n' {
            continue;
        }
        *b = if keep == Some(i) { b'0' } else { b' ' };
    }
    // Only ASCII bytes were written over whole statements (lines of them), so the text is still UTF-8.
    *text = String::from_utf8(bytes).unwrap_or_default();
    true
}

/// The innermost bracket still open at `pos` (outside comments), where an unclosed one was opened.
fn unclosed_before(text: &str, pos: usize) -> Option<usize> {
    let mut open = Vec::new();
    let mut comment = false;
    for (i, c) in text[..pos.min(text.len())].char_indices() {
        match c {
            '\n' => comment = false,
            _ if comment => {}
            '#' => comment = true,
            '(' | '[' => open.push(i),
            ')' | ']' => {
                open.pop();
            }
            _ => {}
        }
    }
    open.last().copied()
}

/// The lines of the statement around `pos`: its line, and the lines an arrow at the end or start joins to it.
fn statement_around(text: &str, pos: usize) -> (usize, usize) {
    let line_start = |p: usize| text[..p].rfind('\n').map_or(0, |i| i + 1);
    let line_end = |p: usize| text[p..].find('\n').map_or(text.len(), |i| p + i);
    let code = |a: usize, b: usize| text[a..b].split('#').next().unwrap_or("").trim();
    let mut start = line_start(pos);
    let mut end = line_end(pos);
    while start > 0 {
        let prev = line_start(start - 1);
        if code(start, line_end(start)).starts_with("->") || code(prev, start - 1).ends_with("->") {
            start = prev;
        } else {
            break;
        }
    }
    while end < text.len() {
        let next_end = line_end(end + 1);
        if code(line_start(end), end).ends_with("->") || code(end + 1, next_end).starts_with("->") {
            end = next_end;
        } else {
            break;
        }
    }
    (start, end)
}

/// For `  name = …`: the offset just past the `=`, where the `0` goes (when there is a character to write it on).
fn binding_name(statement: &str) -> Option<usize> {
    let lead = statement.len() - statement.trim_start().len();
    let rest = &statement[lead..];
    let name = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let after = rest[name..].trim_start();
    let eq = statement.len() - after.len();
    (name > 0 && after.starts_with('=') && !after.starts_with("==") && eq + 1 < statement.len()).then_some(eq + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_the_statement_keeping_offsets_and_binding_names() {
        // An unclosed `(`: the error is found at the end, the statement blanked is the one that opened it.
        let mut t = "a = sine (440\nsaw a -> out\n".to_string();
        let end = t.len();
        assert!(blank_statement(&mut t, end));
        assert_eq!(t, format!("a =0{}\nsaw a -> out\n", " ".repeat(9)));
        // A statement continued over lines by arrows is blanked whole.
        let mut t = "b = lowpass ->\n  -> ) out\nsaw 1 -> out\n".to_string();
        let at = t.find(')').unwrap();
        assert!(blank_statement(&mut t, at));
        assert_eq!(t, format!("b =0{}\n{}\nsaw 1 -> out\n", " ".repeat(10), " ".repeat(10)));
    }
}
