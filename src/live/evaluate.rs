//! Evaluate one chain (Ctrl-Enter): the statements under the cursor, taken from the buffer, spliced into the text
//! that is live, so only they change and the rest plays as it was last loaded. Pure; UI/control thread.
//!
//! A binding replaces the live binding of the same name. A chain replaces the live chain it continues: chains
//! that are written the same in both texts are matched first (longest common subsequence), and a changed chain
//! pairs with the live chain in the same place between two matches, as the hot swap's own alignment does. A chain
//! with no partner is added where it stands.

use crate::compile::plan::lcs;
use crate::lang::Diagnostic;
use crate::lang::ast::{Patch, Statement};
use crate::lang::parser::parse_all;
use crate::lang::span::{LineIndex, Span};

/// The text to send, and what it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spliced {
    pub text: String,
    /// The 1-based lines (in the buffer) of the statements that went in.
    pub lines: (usize, usize),
    /// How many statements changed (0: they were live already).
    pub changed: usize,
}

/// One statement as text: its name when it is a binding, its span, and its source.
struct Piece<'a> {
    name: Option<&'a str>,
    span: Span,
    text: &'a str,
}

fn pieces<'a>(src: &'a str, patch: &'a Patch) -> Vec<Piece<'a>> {
    patch
        .statements
        .iter()
        .map(|st| {
            let (name, span) = match st {
                Statement::Binding { name, chain } => {
                    (Some(name.name.as_str()), Span::new(name.span.start, chain.span.end))
                }
                Statement::Chain(chain) => (None, chain.span),
            };
            Piece {
                name,
                span,
                text: src.get(span.start..span.end).unwrap_or(""),
            }
        })
        .filter(|p| !p.text.trim().is_empty())
        .collect()
}

/// Splice the statements of `buffer` touching 0-based lines `from..=to` into `live`.
pub fn splice(live: &str, buffer: &str, from: usize, to: usize) -> Result<Spliced, String> {
    let (bpatch, errors) = parse_all(buffer);
    let (lpatch, _) = parse_all(live);
    let index = LineIndex::new(buffer);
    let line_of = |b: usize| index.line_col(buffer, b).0 - 1;
    let bs = pieces(buffer, &bpatch);
    let ls = pieces(live, &lpatch);
    let chosen: Vec<usize> = (0..bs.len())
        .filter(|&i| {
            line_of(bs[i].span.start) <= to && from <= line_of(bs[i].span.end.saturating_sub(1).max(bs[i].span.start))
        })
        .collect();
    let (Some(&first), Some(&last)) = (chosen.first(), chosen.last()) else {
        return Err(format!("nothing to evaluate on line {}", from + 1));
    };
    let (start, end) = (bs[first].span.start, bs[last].span.end);
    if let Some(d) = errors
        .iter()
        .find(|d: &&Diagnostic| d.span.start < end && start <= d.span.end)
    {
        return Err(format!(
            "not evaluated: line {} has an error ({})",
            line_of(d.span.start) + 1,
            d.message
        ));
    }
    let pairs = partners(&bs, &ls);
    // (start, end, text) edits of the live text; insertions have start == end.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut changed = 0;
    for &i in &chosen {
        let b = &bs[i];
        match pairs[i] {
            Some(j) if ls[j].text == b.text => {}
            Some(j) => {
                edits.push((ls[j].span.start, ls[j].span.end, b.text.to_string()));
                changed += 1;
            }
            None => {
                let at = insertion_point(&pairs[..i], &ls, live);
                let gap = if at == 0 || live[..at].ends_with('\n') {
                    ""
                } else {
                    "\n"
                };
                edits.push((at, at, format!("{gap}{}\n", b.text)));
                changed += 1;
            }
        }
    }
    edits.sort_by_key(|e| std::cmp::Reverse((e.0, e.1)));
    let mut text = live.to_string();
    for (s, e, t) in edits {
        text.replace_range(s..e, &t);
    }
    Ok(Spliced {
        text,
        lines: (line_of(start) + 1, line_of(end.saturating_sub(1).max(start)) + 1),
        changed,
    })
}

/// After the live partner of the nearest statement before, or at the start.
fn insertion_point(before: &[Option<usize>], ls: &[Piece<'_>], live: &str) -> usize {
    before
        .iter()
        .rev()
        .find_map(|p| p.map(|j| ls[j].span.end))
        .map_or(0, |e| live[e..].find('\n').map_or(live.len(), |n| e + n + 1))
}

/// For each buffer statement, the live statement it continues.
fn partners(bs: &[Piece<'_>], ls: &[Piece<'_>]) -> Vec<Option<usize>> {
    let mut out = vec![None; bs.len()];
    for (i, b) in bs.iter().enumerate() {
        if let Some(name) = b.name {
            out[i] = ls.iter().position(|l| l.name == Some(name));
        }
    }
    let bc: Vec<usize> = (0..bs.len()).filter(|&i| bs[i].name.is_none()).collect();
    let lc: Vec<usize> = (0..ls.len()).filter(|&j| ls[j].name.is_none()).collect();
    let matched = lcs(
        &bc.iter().map(|&i| bs[i].text).collect::<Vec<_>>(),
        &lc.iter().map(|&j| ls[j].text).collect::<Vec<_>>(),
    );
    let (mut x, mut y) = (0, 0);
    for &(mx, my) in matched.iter().chain(std::iter::once(&(bc.len(), lc.len()))) {
        // The gap before this match pairs up in order.
        while x < mx && y < my {
            out[bc[x]] = Some(lc[y]);
            x += 1;
            y += 1;
        }
        if mx < bc.len() && my < lc.len() {
            out[bc[mx]] = Some(lc[my]);
        }
        (x, y) = (mx + 1, my + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::splice;

    const LIVE: &str = "bpm 120\nlfo = sine 2\nsaw 110 -> out\nsine 220 -> out\n";

    #[test]
    fn only_the_chain_under_the_cursor_changes() {
        let buffer = "bpm 90\nlfo = sine 5\nsaw 110 -> out\nsine 330 -> out\n";
        let s = splice(LIVE, buffer, 3, 3).expect("splices");
        assert_eq!(s.text, "bpm 120\nlfo = sine 2\nsaw 110 -> out\nsine 330 -> out\n");
        assert_eq!((s.lines, s.changed), ((4, 4), 1));
    }

    #[test]
    fn a_binding_replaces_its_namesake_wherever_it_is() {
        let buffer = "sine 220 -> out\nlfo = sine 7\nbpm 120\nsaw 110 -> out\n";
        let s = splice(LIVE, buffer, 1, 1).expect("splices");
        assert_eq!(s.text, "bpm 120\nlfo = sine 7\nsaw 110 -> out\nsine 220 -> out\n");
    }

    #[test]
    fn a_new_chain_is_added_after_the_one_before_it_and_a_chain_already_live_changes_nothing() {
        let buffer = "bpm 120\nlfo = sine 2\nsaw 110 -> out\nnoise -> gain 0.1 -> out\nsine 220 -> out\n";
        let s = splice(LIVE, buffer, 3, 3).expect("splices");
        assert_eq!(
            s.text,
            "bpm 120\nlfo = sine 2\nsaw 110 -> out\nnoise -> gain 0.1 -> out\nsine 220 -> out\n"
        );
        assert_eq!(splice(LIVE, buffer, 2, 2).expect("splices").changed, 0);
    }

    #[test]
    fn a_chain_over_several_lines_goes_whole_and_an_error_in_it_refuses() {
        let buffer = "bpm 120\nlfo = sine 2\nsaw 110\n  -> lowpass 900\n  -> out\nsine 220 -> out\n";
        let s = splice(LIVE, buffer, 3, 3).expect("splices");
        assert!(
            s.text.contains("saw 110\n  -> lowpass 900\n  -> out\nsine 220"),
            "{}",
            s.text
        );
        assert_eq!(s.lines, (3, 5));
        let broken = "bpm 120\nlfo = sine 2\nsaw 110 -> lowpass (900 -> out\nsine 220 -> out\n";
        let e = splice(LIVE, broken, 2, 2).expect_err("refuses");
        assert!(e.contains("line 3"), "{e}");
        assert!(splice(LIVE, "\n\n", 1, 1).is_err());
    }
}
