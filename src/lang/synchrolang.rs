//! Synchrolang (the original Synchrotron's command language) → a list of commands with byte spans. The only file
//! that sees this grammar's pest types. Control thread.

use super::diagnostic::Diagnostic;
use super::span::Span;
use pest::Parser as _;
use pest::iterators::Pair;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/synchrolang.pest"]
struct SynParser;

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Int(i64),
    Float(f64),
    /// As written, quotes removed.
    Str(String),
    Bool(bool),
    Null,
    Array(Vec<Literal>),
    Global(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

impl Name {
    fn empty() -> Self {
        Self {
            text: String::new(),
            span: Span::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortRef {
    pub node: Name,
    pub port: Name,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Ctor {
    Type(Name),
    Literal(Literal, Span),
}

#[derive(Debug, Clone, PartialEq)]
pub enum UnlinkTarget {
    Node(Name),
    Port(PortRef),
    Link(PortRef, PortRef),
}

#[derive(Debug, Clone, PartialEq)]
pub enum CommandKind {
    New { ctor: Ctor, name: Option<Name> },
    Link { from: PortRef, to: PortRef },
    Unlink(UnlinkTarget),
    Remove(Name),
    Start,
    Stop,
    Clear,
    Export,
    Eval,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub kind: CommandKind,
    pub span: Span,
}

/// Words that begin a Synchrolang command, to tell a script from a native patch.
pub const KEYWORDS: &[&str] = &[
    "new",
    "create",
    "link",
    "connect",
    "attach",
    "unlink",
    "disconnect",
    "detach",
    "remove",
    "delete",
    "start",
    "stop",
    "clear",
    "export",
    "save",
    "eval",
    "get",
    "query",
];

/// Whether `src` reads as Synchrolang: a `.sui` header, or a first command word from `KEYWORDS`.
pub fn looks_like(src: &str) -> bool {
    let mut rest = src.trim_start_matches('\u{feff}').trim_start();
    loop {
        if let Some(after) = rest.strip_prefix(';') {
            rest = after.trim_start();
        } else if rest.starts_with("/*") {
            // The close is searched after the opening, so `/*/` does not close itself.
            let Some(end) = rest[2..].find("*/") else { return true };
            rest = rest[end + 4..].trim_start();
        } else if rest.starts_with("//") {
            rest = rest.split_once('\n').map_or("", |x| x.1).trim_start();
        } else {
            break;
        }
    }
    let word: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
    KEYWORDS.contains(&word.to_ascii_lowercase().as_str())
        && rest[word.len()..]
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || c == ';')
}

/// Most values in one array literal, counted before pest sees the text (a million took 200 MB to parse).
const MAX_ARRAY: usize = 65_536;

/// Refuse an array literal longer than `MAX_ARRAY`, skipping strings and comments.
fn check_arrays(src: &str) -> Result<(), Vec<Diagnostic>> {
    let b = src.as_bytes();
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = src[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 1);
            }
            b'[' => open.push((i, 1)),
            b']' => {
                open.pop();
            }
            b',' => {
                if let Some((at, items)) = open.last_mut() {
                    *items += 1;
                    if *items > MAX_ARRAY {
                        return Err(vec![
                            Diagnostic::error(
                                "E001",
                                Span::new(*at, *at + 1),
                                format!("this array has more than {MAX_ARRAY} values"),
                            )
                            .with_help("split it into several sequences"),
                        ]);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn span(p: &Pair<Rule>) -> Span {
    Span::new(p.as_span().start(), p.as_span().end())
}

fn name(p: &Pair<Rule>) -> Name {
    Name {
        text: p.as_str().to_string(),
        span: span(p),
    }
}

pub fn parse(src: &str) -> Result<Vec<Command>, Vec<Diagnostic>> {
    check_arrays(src)?;
    let pairs = SynParser::parse(Rule::script, src).map_err(|e| vec![syntax_error(&e, src)])?;
    let mut out = Vec::new();
    for script in pairs {
        for cmd in script.into_inner().filter(|p| p.as_rule() == Rule::command) {
            let Some(inner) = cmd.into_inner().next() else { continue };
            let sp = span(&inner);
            out.push(Command {
                kind: command(inner)?,
                span: sp,
            });
        }
    }
    Ok(out)
}

fn port(p: Pair<Rule>) -> PortRef {
    let mut it = p.into_inner();
    let (n, q) = (it.next(), it.next());
    PortRef {
        node: n.as_ref().map_or_else(Name::empty, name),
        port: q.as_ref().map_or_else(Name::empty, name),
    }
}

fn command(p: Pair<Rule>) -> Result<CommandKind, Vec<Diagnostic>> {
    let rule = p.as_rule();
    let mut it = p.into_inner().filter(|x| {
        !matches!(
            x.as_rule(),
            Rule::kw_new | Rule::kw_link | Rule::kw_unlink | Rule::kw_remove | Rule::kw_eval
        )
    });
    Ok(match rule {
        Rule::new => {
            let Some(c) = it.next() else { return Err(vec![]) };
            let ctor = match c.as_rule() {
                Rule::type_name => Ctor::Type(name(&c)),
                _ => {
                    let sp = span(&c);
                    Ctor::Literal(literal(c)?, sp)
                }
            };
            CommandKind::New {
                ctor,
                name: it.next().as_ref().map(name),
            }
        }
        Rule::link => {
            let (Some(a), Some(b)) = (it.next(), it.next()) else {
                return Err(vec![]);
            };
            CommandKind::Link {
                from: port(a),
                to: port(b),
            }
        }
        Rule::unlink => match (it.next(), it.next()) {
            (Some(a), Some(b)) => CommandKind::Unlink(UnlinkTarget::Link(port(a), port(b))),
            (Some(a), None) if a.as_rule() == Rule::port => CommandKind::Unlink(UnlinkTarget::Port(port(a))),
            (Some(a), None) => CommandKind::Unlink(UnlinkTarget::Node(name(&a))),
            _ => return Err(vec![]),
        },
        Rule::remove => CommandKind::Remove(it.next().as_ref().map_or_else(Name::empty, name)),
        Rule::start => CommandKind::Start,
        Rule::stop => CommandKind::Stop,
        Rule::clear => CommandKind::Clear,
        Rule::export => CommandKind::Export,
        _ => CommandKind::Eval,
    })
}

fn literal(p: Pair<Rule>) -> Result<Literal, Vec<Diagnostic>> {
    let p = if p.as_rule() == Rule::value {
        p.into_inner().next().ok_or_else(Vec::new)?
    } else {
        p
    };
    let sp = span(&p);
    let bad = |what: &str| {
        vec![Diagnostic::error(
            "E001",
            sp,
            format!("`{what}` is not a number Synchrolang can hold"),
        )]
    };
    Ok(match p.as_rule() {
        Rule::int => p
            .as_str()
            .trim_start_matches('+')
            .parse()
            .map(Literal::Int)
            .map_err(|_| bad(p.as_str()))?,
        Rule::float => p.as_str().parse().map(Literal::Float).map_err(|_| bad(p.as_str()))?,
        Rule::string => {
            let s = p.as_str();
            Literal::Str(s[1..s.len() - 1].replace("\\\"", "\"").replace("\\\\", "\\"))
        }
        Rule::boolean => Literal::Bool(p.as_str().eq_ignore_ascii_case("true")),
        Rule::null => Literal::Null,
        Rule::array => Literal::Array(p.into_inner().map(literal).collect::<Result<_, _>>()?),
        _ => Literal::Global(p.as_str()[1..].to_string()),
    })
}

fn syntax_error(err: &pest::error::Error<Rule>, src: &str) -> Diagnostic {
    let pos = match err.location {
        pest::error::InputLocation::Pos(p) | pest::error::InputLocation::Span((p, _)) => p,
    };
    let found = src[pos..].chars().next();
    let what = match found {
        None => "end of file".to_string(),
        Some('\n' | '\r') => "end of line".to_string(),
        Some(c) => format!("`{c}`"),
    };
    let end = found.map_or(pos, |c| pos + c.len_utf8());
    Diagnostic::error(
        "E001",
        Span::new(pos, end),
        format!("unexpected {what} in a Synchrolang command"),
    )
    .with_help("commands look like `new SineNode osc`, `link a.out -> b.frequency`, `unlink osc`, `remove osc`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_form_parses() {
        let src = "/*** {\"x\": {\"x\": 1, \"y\": 2}} ***/\n\nnew SineNode osc; create 440 freq\n// a comment\nlink freq.out -> osc.frequency;;\n\
                   connect osc.out -> p.left\nunlink osc; detach osc.out; disconnect a.out -> b.in\nremove osc; delete p\n\
                   start; stop; clear; export; save; eval $rate; get osc; query osc.out; [1, 2 3,]\nnew [0.5, -1, .5, 1e3, \"s\", true, null, _] x";
        let cmds = parse(src).unwrap();
        let kinds: Vec<String> = cmds
            .iter()
            .map(|c| {
                format!("{:?}", c.kind)
                    .split(['(', ' ', '{'])
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "New", "New", "Link", "Link", "Unlink", "Unlink", "Unlink", "Remove", "Remove", "Start", "Stop",
                "Clear", "Export", "Export", "Eval", "Eval", "Eval", "Eval", "New"
            ]
        );
        let CommandKind::New {
            ctor: Ctor::Literal(Literal::Array(items), _),
            ..
        } = &cmds[18].kind
        else {
            panic!()
        };
        assert_eq!(
            items,
            &vec![
                Literal::Float(0.5),
                Literal::Int(-1),
                Literal::Float(0.5),
                Literal::Float(1000.0),
                Literal::Str("s".into()),
                Literal::Bool(true),
                Literal::Null,
                Literal::Null
            ]
        );
    }

    #[test]
    fn a_huge_array_is_refused_before_it_is_parsed() {
        let src = format!("new [{}] seq;", "1, ".repeat(70_000));
        let e = parse(&src).unwrap_err();
        assert!(e[0].message.contains("more than 65536 values"), "{}", e[0].message);
        let fine = format!(
            "new [{}] seq; new \"a, [b\" t; // [ , , \n/* , ] */",
            "1, ".repeat(1_000)
        );
        parse(&fine).unwrap();
    }

    #[test]
    fn scripts_are_told_from_patches() {
        assert!(looks_like("new SineNode osc;"));
        assert!(looks_like("/*** {} ***/\n\nnew 1 x"));
        assert!(looks_like("// hi\nlink a.out -> b.in"));
        assert!(looks_like(";;\n; new SineNode x;"));
        assert!(looks_like("\u{feff}/* header */ ; new SineNode x;"));
        assert!(looks_like("/* a */ /* b */\n// c\nstart"));
        assert!(looks_like("/*/ a script */ new SineNode x;"));
        assert!(looks_like("/**/new SineNode x;"));
        assert!(!looks_like("sine 440 -> out"));
        assert!(!looks_like("newt = sine 3"));
        assert!(!looks_like("# start\nsine 3 -> out"));
    }

    #[test]
    fn errors_have_a_place() {
        let e = parse("new SineNode osc\nlink osc.out => p.left").unwrap_err();
        assert_eq!(e[0].code, "E001");
        assert_eq!(e[0].line_col("new SineNode osc\nlink osc.out => p.left").0, 2);
    }
}
