//! Syntax classes for the editor: a line lexer that follows the grammar's tokens, and looks node names up in the
//! registry and binding names in the patch. Pure; UI thread.

use crate::dsp::registry;
use std::collections::HashSet;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Plain,
    Comment,
    Number,
    Note,
    Node,
    Param,
    Binding,
    Operator,
}

/// Names bound by `name = …` at the start of a line.
pub fn bindings(text: &str) -> HashSet<String> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let end = l.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
            let rest = l[end..].trim_start();
            (end > 0 && rest.starts_with('=') && !rest.starts_with("==")).then(|| l[..end].to_string())
        })
        .collect()
}

/// Byte ranges of one line with their classes, covering the line.
pub fn line<S: std::hash::BuildHasher>(text: &str, bound: &HashSet<String, S>) -> Vec<(Range<usize>, Class)> {
    let b = text.as_bytes();
    let mut out: Vec<(Range<usize>, Class)> = Vec::new();
    let mut i = 0;
    let first = text.find(|c: char| !c.is_whitespace()).unwrap_or(text.len());
    let at_start = |i: usize| i <= first;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let class = if c == b'#' {
            i = b.len();
            Class::Comment
        } else if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            i = number_end(b, i);
            Class::Number
        } else if c.is_ascii_alphabetic() || c == b'_' {
            if let Some(end) = note_end(b, i) {
                i = end;
                Class::Note
            } else {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                word_class(&text[start..i], text[i..].trim_start(), at_start(start), bound)
            }
        } else if c == b'@' {
            i += 1;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            Class::Binding
        } else if c.is_ascii_whitespace() {
            i += 1;
            Class::Plain
        } else {
            i += if text[i..].starts_with("->") {
                2
            } else {
                text[i..].chars().next().map_or(1, char::len_utf8)
            };
            if b"+-*/=()[],>".contains(&c) {
                Class::Operator
            } else {
                Class::Plain
            }
        };
        match out.last_mut() {
            Some((r, k)) if *k == class && r.end == start => r.end = i,
            _ => out.push((start..i, class)),
        }
    }
    out
}

fn word_class<S: std::hash::BuildHasher>(word: &str, after: &str, at_start: bool, bound: &HashSet<String, S>) -> Class {
    let assigns = after.starts_with('=') && !after.starts_with("==");
    if assigns {
        return if at_start { Class::Binding } else { Class::Param };
    }
    if bound.contains(word) {
        Class::Binding
    } else if word == "bpm" || registry::lookup(word).is_some_and(|d| !d.hidden) {
        Class::Node
    } else if word == "_" {
        Class::Operator
    } else {
        Class::Plain
    }
}

fn number_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
        i += 1;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') && b.get(i + 1).is_some_and(|c| c.is_ascii_digit() || *c == b'-') {
        i += 2;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    let rest = &b[i..];
    for unit in [&b"khz"[..], b"hz", b"ms", b"s"] {
        if rest.len() >= unit.len()
            && rest[..unit.len()].eq_ignore_ascii_case(unit)
            && !rest
                .get(unit.len())
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            return i + unit.len();
        }
    }
    i
}

/// `a4`, `c#3`, `eb2`: a note name standing alone.
fn note_end(b: &[u8], i: usize) -> Option<usize> {
    if !matches!(b[i].to_ascii_lowercase(), b'a'..=b'g')
        || (i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
    {
        return None;
    }
    let mut j = i + 1;
    if matches!(b.get(j), Some(b'#' | b'b')) && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
        j += 1;
    }
    if !b.get(j).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    j += 1;
    (!b.get(j).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')).then_some(j)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(src: &str) -> Vec<(&str, Class)> {
        let bound = bindings(src);
        line(src, &bound)
            .into_iter()
            .filter(|(_, c)| *c != Class::Plain)
            .map(|(r, c)| (&src[r], c))
            .collect()
    }

    #[test]
    fn every_kind_of_token_gets_its_class() {
        use Class::*;
        assert_eq!(
            classes("lfo = sine 0.2hz -> lowpass cutoff=lfo*800 q=c#3 # sweep"),
            vec![
                ("lfo", Binding),
                ("=", Operator),
                ("sine", Node),
                ("0.2hz", Number),
                ("->", Operator),
                ("lowpass", Node),
                ("cutoff", Param),
                ("=", Operator),
                ("lfo", Binding),
                ("*", Operator),
                ("800", Number),
                ("q", Param),
                ("=", Operator),
                ("c#3", Note),
                ("# sweep", Comment),
            ]
        );
        assert_eq!(
            classes("seq [a3 _ eb2]"),
            vec![
                ("seq", Node),
                ("[", Operator),
                ("a3", Note),
                ("_", Operator),
                ("eb2", Note),
                ("]", Operator)
            ]
        );
    }

    #[test]
    fn ranges_cover_the_line_even_with_unicode() {
        let src = "sine 440 # ♪ é";
        let total: usize = line(src, &HashSet::new()).iter().map(|(r, _)| r.len()).sum();
        assert_eq!(total, src.len());
    }
}
