//! The mini-notation of patterns (`grammar/mini.pest`) → a tree of steps with their byte spans. Pure; control
//! thread. What the tree means in time is `pattern`'s business.

use super::diagnostic::Diagnostic;
use super::span::Span;
use pest::Parser as _;
use pest::iterators::Pair;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/mini.pest"]
struct MiniParser;

/// Sequences played together (`a b, c d`).
pub type Stack = Vec<Vec<Step>>;

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub term: Term,
    pub mods: Vec<Mod>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// A number, note name or sample name, as written.
    Word(String),
    Rest,
    /// `[ ]`: the stack shares this step.
    Sub(Stack),
    /// `< >`: each sequence plays one of its steps per cycle, in turn.
    Alt(Stack),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mod {
    Fast(f64),
    Slow(f64),
    /// Played as this many steps.
    Replicate(u32),
    Weight(f64),
    /// Dropped with this chance.
    Degrade(f64),
    /// Hits, steps, rotation.
    Euclid(u32, u32, u32),
}

/// Parse a pattern's text; spans count from its first character.
pub fn parse(src: &str) -> Result<Stack, Diagnostic> {
    let mut pairs = MiniParser::parse(Rule::pattern, src).map_err(|e| syntax_error(&e, src))?;
    let stack = pairs
        .next()
        .and_then(|p| p.into_inner().next())
        .map(stack)
        .transpose()?;
    Ok(stack.unwrap_or_default())
}

fn stack(p: Pair<Rule>) -> Result<Stack, Diagnostic> {
    p.into_inner().map(sequence).collect()
}

fn sequence(p: Pair<Rule>) -> Result<Vec<Step>, Diagnostic> {
    p.into_inner().map(step).collect()
}

fn span(p: &Pair<Rule>) -> Span {
    Span::new(p.as_span().start(), p.as_span().end())
}

fn step(p: Pair<Rule>) -> Result<Step, Diagnostic> {
    let sp = span(&p);
    let mut inner = p.into_inner();
    let t = inner
        .next()
        .ok_or_else(|| Diagnostic::error("E001", sp, "a step with nothing in it"))?;
    let term = match t.as_rule() {
        Rule::sub => Term::Sub(first_stack(t)?),
        Rule::alt => Term::Alt(first_stack(t)?),
        Rule::rest => Term::Rest,
        _ => Term::Word(t.as_str().to_string()),
    };
    let mods = inner.map(modifier).collect::<Result<_, _>>()?;
    Ok(Step { term, mods, span: sp })
}

fn first_stack(p: Pair<Rule>) -> Result<Stack, Diagnostic> {
    p.into_inner().next().map_or_else(|| Ok(Vec::new()), stack)
}

fn modifier(p: Pair<Rule>) -> Result<Mod, Diagnostic> {
    let sp = span(&p);
    let rule = p.as_rule();
    let nums: Vec<f64> = p.into_inner().filter_map(|n| n.as_str().parse().ok()).collect();
    let first = nums.first().copied();
    let bad = |what: &str| Diagnostic::error("E002", sp, format!("{what} must be more than 0"));
    Ok(match rule {
        Rule::fast => Mod::Fast(first.filter(|&n| n > 0.0).ok_or_else(|| bad("a `*` factor"))?),
        Rule::slow => Mod::Slow(first.filter(|&n| n > 0.0).ok_or_else(|| bad("a `/` factor"))?),
        Rule::replicate => Mod::Replicate(first.map_or(2, |n| n as u32).max(1)),
        Rule::weight => Mod::Weight(first.filter(|&n| n > 0.0).ok_or_else(|| bad("an `@` weight"))?),
        Rule::degrade => Mod::Degrade(first.unwrap_or(0.5).clamp(0.0, 1.0)),
        _ => {
            let (k, n) = (
                nums.first().copied().unwrap_or(0.0),
                nums.get(1).copied().unwrap_or(0.0),
            );
            if n < 1.0 || k > n {
                return Err(
                    Diagnostic::error("E002", sp, "a euclidean rhythm needs (hits,steps) with hits ≤ steps")
                        .with_help("for example `bd(3,8)`: three hits spread over eight steps"),
                );
            }
            Mod::Euclid(k as u32, n as u32, nums.get(2).copied().unwrap_or(0.0) as u32)
        }
    })
}

fn syntax_error(err: &pest::error::Error<Rule>, src: &str) -> Diagnostic {
    let pos = match err.location {
        pest::error::InputLocation::Pos(p) | pest::error::InputLocation::Span((p, _)) => p,
    };
    let found = src[pos..].chars().next();
    let message = found.map_or_else(
        || "the pattern ends too soon (is a `[` or `<` left open?)".to_string(),
        |c| format!("unexpected `{c}` in a pattern"),
    );
    let end = found.map_or(pos, |c| pos + c.len_utf8());
    Diagnostic::error("E001", Span::new(pos, end), message)
        .with_help("patterns look like `bd*2 [sn cp] ~ <hh oh>`: steps, `[ ]` to subdivide, `< >` to alternate")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_parses_and_a_broken_one_says_where() {
        let s = parse("bd*2 [sn, cp] <a2 c3>/2 ~ hh!3 e3@2 oh? sn:3(3,8,2)").expect("parses");
        assert_eq!(s.len(), 1);
        let steps = &s[0];
        assert_eq!(steps.len(), 8);
        assert_eq!(steps[0].mods, [Mod::Fast(2.0)]);
        assert!(matches!(&steps[1].term, Term::Sub(st) if st.len() == 2));
        assert_eq!(steps[2].mods, [Mod::Slow(2.0)]);
        assert_eq!(steps[3].term, Term::Rest);
        assert_eq!(steps[4].mods, [Mod::Replicate(3)]);
        assert_eq!(steps[5].mods, [Mod::Weight(2.0)]);
        assert_eq!(steps[6].mods, [Mod::Degrade(0.5)]);
        assert_eq!(steps[7].term, Term::Word("sn:3".into()));
        assert_eq!(steps[7].mods, [Mod::Euclid(3, 8, 2)]);
        let e = parse("bd [sn").expect_err("unclosed");
        assert_eq!(e.span.start, 6);
        assert!(parse("bd(9,8)").is_err());
        assert_eq!(parse("").expect("empty is silence"), vec![Vec::<Step>::new()]);
    }
}
