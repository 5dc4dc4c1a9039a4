//! pest → AST. The only file that sees pest types; errors leave as `Diagnostic`s with byte spans. Control thread.

use super::ast::{Arg, BinOp, Call, Chain, Expr, ExprKind, Ident, Patch, Statement, Unit};
use super::diagnostic::Diagnostic;
use super::span::Span;
use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::LazyLock;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/patch.pest"]
struct PatchParser;

/// Deeper nesting than this is refused before pest sees it, so no input can overflow the stack.
const MAX_NESTING: usize = 64;
/// Longest run of operators in one expression.
const MAX_OPERATORS: usize = 1024;
/// Most values in one list (a sequencer of 65 536 steps is still a long song). Counted before pest sees the text,
/// since parsing a list of a million steps took 300 MB before anything could refuse it.
const MAX_LIST: usize = 65_536;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left) | Op::infix(Rule::div, Assoc::Left))
        .op(Op::prefix(Rule::neg))
});

/// Most syntax errors reported at once.
const MAX_SYNTAX_ERRORS: usize = 50;

/// Parse a whole patch; any syntax error fails it (see `parse_all` for the rest of the file).
pub fn parse(src: &str) -> Result<Patch, Vec<Diagnostic>> {
    let (patch, errors) = parse_all(src);
    if errors.is_empty() { Ok(patch) } else { Err(errors) }
}

/// Parse a whole patch, recovering after each syntax error at the next statement: every syntax error of the file,
/// and the statements that parsed, so the compiler can report their errors too.
pub fn parse_all(src: &str) -> (Patch, Vec<Diagnostic>) {
    if let Err(d) = check_nesting(src) {
        return (Patch { statements: vec![] }, d);
    }
    let mut text = src.to_string();
    let mut errors = Vec::new();
    loop {
        match parse_text(&text) {
            Ok(patch) => return (patch, errors),
            Err(ParseFail::Syntax(d, pos)) => {
                errors.push(d);
                if errors.len() >= MAX_SYNTAX_ERRORS || !recover::blank_statement(&mut text, pos) {
                    return (Patch { statements: vec![] }, errors);
                }
            }
            Err(ParseFail::Other(d)) => {
                errors.extend(d);
                return (Patch { statements: vec![] }, errors);
            }
        }
    }
}

enum ParseFail {
    /// A syntax error and where it was found.
    Syntax(Diagnostic, usize),
    Other(Vec<Diagnostic>),
}

fn parse_text(src: &str) -> Result<Patch, ParseFail> {
    let mut pairs = PatchParser::parse(Rule::patch, src).map_err(|e| {
        let pos = match e.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
        ParseFail::Syntax(syntax_error(&e, src), pos)
    })?;
    let Some(patch) = pairs.next() else {
        return Ok(Patch { statements: vec![] });
    };
    let mut statements = Vec::new();
    for pair in patch.into_inner() {
        if pair.as_rule() == Rule::statement {
            statements.push(statement(pair).map_err(ParseFail::Other)?);
        }
    }
    Ok(Patch { statements })
}

fn span_of(pair: &Pair<Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

fn ident(pair: &Pair<Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_string(),
        span: span_of(pair),
    }
}

type Res<T> = Result<T, Vec<Diagnostic>>;

fn statement(pair: Pair<Rule>) -> Res<Statement> {
    let Some(inner) = pair.into_inner().next() else {
        return Err(vec![]);
    };
    match inner.as_rule() {
        Rule::binding => {
            let mut it = inner.into_inner();
            let (Some(name), Some(body)) = (it.next(), it.next()) else {
                return Err(vec![]);
            };
            Ok(Statement::Binding {
                name: ident(&name),
                chain: chain(body)?,
            })
        }
        _ => Ok(Statement::Chain(chain(inner)?)),
    }
}

fn chain(pair: Pair<Rule>) -> Res<Chain> {
    let span = span_of(&pair);
    let stages = pair.into_inner().map(stage).collect::<Res<Vec<_>>>()?;
    Ok(Chain { stages, span })
}

fn stage(pair: Pair<Rule>) -> Res<Expr> {
    expr(pair)
}

fn call(pair: Pair<Rule>) -> Res<Expr> {
    let span = span_of(&pair);
    let mut it = pair.into_inner();
    let Some(name) = it.next() else {
        return Err(vec![]);
    };
    let mut args = Vec::new();
    let mut label = None;
    for arg in it {
        if arg.as_rule() == Rule::label {
            if let Some(id) = arg.into_inner().next() {
                label = Some(ident(&id));
            }
        } else if arg.as_rule() == Rule::kwarg {
            let mut kv = arg.into_inner();
            let (Some(k), Some(v)) = (kv.next(), kv.next()) else {
                return Err(vec![]);
            };
            args.push(Arg::Keyword {
                name: ident(&k),
                value: expr(v)?,
            });
        } else {
            args.push(Arg::Positional(expr(arg)?));
        }
    }
    Ok(Expr {
        kind: ExprKind::Call(Call {
            name: ident(&name),
            args,
            label,
        }),
        span,
    })
}

fn expr(pair: Pair<Rule>) -> Res<Expr> {
    let span = span_of(&pair);
    if pair.clone().into_inner().count() > MAX_OPERATORS * 2 {
        return Err(vec![
            Diagnostic::error("E001", span, "this expression is too long")
                .with_help("split it with bindings: `a = …` then use `a`"),
        ]);
    }
    PRATT
        .map_primary(primary)
        .map_prefix(|op, rhs| {
            let rhs = rhs?;
            let span = span_of(&op).to(rhs.span);
            Ok(Expr {
                kind: ExprKind::Neg(Box::new(rhs)),
                span,
            })
        })
        .map_infix(|lhs, op, rhs| {
            let (lhs, rhs) = (lhs?, rhs?);
            let op = match op.as_rule() {
                Rule::add => BinOp::Add,
                Rule::sub => BinOp::Sub,
                Rule::mul => BinOp::Mul,
                _ => BinOp::Div,
            };
            let span = lhs.span.to(rhs.span);
            Ok(Expr {
                kind: ExprKind::Binary {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
                span,
            })
        })
        .parse(pair.into_inner())
}

fn primary(pair: Pair<Rule>) -> Res<Expr> {
    let span = span_of(&pair);
    let kind = match pair.as_rule() {
        Rule::call => return call(pair),
        Rule::quantity => quantity(&pair, span)?,
        Rule::note => note(pair.as_str(), span)?,
        Rule::rest => ExprKind::Rest,
        Rule::text => {
            let s = pair.as_str();
            ExprKind::Text(s[1..s.len() - 1].to_string())
        }
        Rule::list => ExprKind::List(pair.into_inner().map(expr).collect::<Res<Vec<_>>>()?),
        Rule::port_ref => {
            let mut it = pair.into_inner();
            let (Some(b), Some(p)) = (it.next(), it.next()) else {
                return Err(vec![]);
            };
            ExprKind::Port {
                base: ident(&b),
                port: ident(&p),
            }
        }
        Rule::paren => {
            let Some(inner) = pair.into_inner().next() else {
                return Err(vec![]);
            };
            let mut c = chain(inner)?;
            if c.stages.len() == 1 {
                let mut only = c.stages.remove(0);
                only.span = span;
                return Ok(only);
            }
            ExprKind::Chain(c)
        }
        _ => ExprKind::Name(ident(&pair)),
    };
    Ok(Expr { kind, span })
}

fn quantity(pair: &Pair<Rule>, span: Span) -> Res<ExprKind> {
    let mut it = pair.clone().into_inner();
    let number = it.next().map_or("", |p| p.as_str());
    let value: f64 = number
        .parse()
        .map_err(|_| vec![Diagnostic::error("E001", span, format!("`{number}` is not a number"))])?;
    if !value.is_finite() {
        return Err(vec![Diagnostic::error("E001", span, "this number is too large")]);
    }
    let unit = it.next().map(|u| match u.as_str().to_ascii_lowercase().as_str() {
        "khz" => Unit::KHz,
        "hz" => Unit::Hz,
        "ms" => Unit::Ms,
        _ => Unit::S,
    });
    Ok(ExprKind::Number { value, unit })
}

/// Note name → Hz, equal temperament, a4 = 440.
fn note(text: &str, span: Span) -> Res<ExprKind> {
    let bytes = text.as_bytes();
    let pc: i32 = match bytes.first().map(u8::to_ascii_lowercase) {
        Some(b'c') => 0,
        Some(b'd') => 2,
        Some(b'e') => 4,
        Some(b'f') => 5,
        Some(b'g') => 7,
        Some(b'a') => 9,
        Some(b'b') => 11,
        _ => return Err(vec![Diagnostic::error("E001", span, "not a note name")]),
    };
    let (acc, rest) = match bytes.get(1) {
        Some(b'#') => (1, &text[2..]),
        Some(b'b') => (-1, &text[2..]),
        _ => (0, &text[1..]),
    };
    let octave: i32 = rest.parse().unwrap_or(4);
    let midi = (octave + 1) * 12 + pc + acc;
    let hz = 440.0 * 2f64.powf(f64::from(midi - 69) / 12.0);
    Ok(ExprKind::Note {
        name: text.to_string(),
        hz,
    })
}

fn check_nesting(src: &str) -> Res<()> {
    let mut depth = 0usize;
    let mut comment = false;
    let bytes = src.as_bytes();
    // Per open `[`: where it is and how many values it has held so far.
    let mut lists: Vec<(usize, usize)> = Vec::new();
    let mut in_word = false;
    for (i, c) in src.char_indices() {
        let starts_word = !comment && !c.is_whitespace() && !matches!(c, '[' | ']' | ',' | '#');
        if starts_word
            && !in_word
            && let Some((at, items)) = lists.last_mut()
        {
            *items += 1;
            if *items > MAX_LIST {
                return Err(vec![
                    Diagnostic::error(
                        "E001",
                        Span::new(*at, *at + 1),
                        format!("this list has more than {MAX_LIST} values"),
                    )
                    .with_help("split it into several sequencers, or use a shorter pattern that repeats"),
                ]);
            }
        }
        in_word = starts_word || (in_word && !c.is_whitespace() && !matches!(c, '[' | ']' | ','));
        // Brackets in comments are prose, not nesting; the `#` of a sharp note (`c#3`) starts no comment.
        match c {
            '\n' => comment = false,
            _ if comment => {}
            '#' => {
                let sharp =
                    i > 0 && bytes[i - 1].is_ascii_alphabetic() && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
                comment = !sharp;
            }
            '(' | '[' => {
                if c == '[' {
                    lists.push((i, 0));
                }
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(vec![
                        Diagnostic::error("E001", Span::new(i, i + 1), "brackets nested too deeply")
                            .with_help(format!("at most {MAX_NESTING} levels; use bindings instead")),
                    ]);
                }
            }
            ')' | ']' => {
                if c == ']' {
                    lists.pop();
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    Ok(())
}

fn rule_name(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of file",
        Rule::statement | Rule::chain | Rule::binding | Rule::call | Rule::expr | Rule::tight => "a node or value",
        Rule::kwarg => "a parameter",
        Rule::ident => "a name",
        Rule::quantity | Rule::number => "a number",
        Rule::unit => "a unit",
        Rule::note => "a note",
        Rule::list => "a list",
        Rule::text => "text in quotes",
        Rule::paren => "`(`",
        Rule::add | Rule::sub | Rule::mul | Rule::div => "an operator",
        Rule::neg => "`-`",
        Rule::rest => "`_`",
        Rule::port_ref => "a port",
        _ => return None,
    })
}

fn syntax_error(err: &pest::error::Error<Rule>, src: &str) -> Diagnostic {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let found = src[pos..].chars().next();
    let found_text = match found {
        None => "end of file".to_string(),
        Some('\n' | '\r') => "end of line".to_string(),
        Some(c) => format!("`{c}`"),
    };
    let mut expected: Vec<&str> = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.iter().filter_map(|r| rule_name(*r)).collect(),
        ErrorVariant::CustomError { .. } => vec![],
    };
    expected.sort_unstable();
    expected.dedup();
    // A node or value may start with a name; saying both is noise.
    if expected.contains(&"a node or value") {
        expected.retain(|e| *e != "a name");
    }
    let message = match expected.as_slice() {
        [] => format!("unexpected {found_text}"),
        [one] => format!("expected {one}, found {found_text}"),
        [init @ .., last] => format!("expected {} or {last}, found {found_text}", init.join(", ")),
    };
    let end = found.map_or(pos, |c| pos + c.len_utf8());
    let d = Diagnostic::error("E001", Span::new(pos, end), message);
    let before = &src[..pos];
    if before.matches('(').count() > before.matches(')').count() {
        return d.with_help("a `(` before this is never closed");
    }
    if before.matches('[').count() > before.matches(']').count() {
        return d.with_help("a `[` before this is never closed");
    }
    match found {
        Some('=') => d.with_help("a parameter is written `name=value`, right after its node: `lowpass 800 q=0.7`"),
        Some('\n' | '\r') | None => {
            d.with_help("to continue a chain on the next line, end this line with `->` or start the next with it")
        }
        Some(')') => d.with_help("check that every `(` has its `)`"),
        _ => d.with_help("a statement is `name = chain` or a chain such as `sine 440 -> out`"),
    }
}

mod recover;

#[cfg(test)]
mod tests;
