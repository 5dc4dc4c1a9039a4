//! Grammar and AST-building tests.

use super::*;
use pest::{consumes_to, fails_with, parses_to};

/// A compact S-expression of an expression, to assert structure and precedence.
fn sx(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Number { value, unit } => match unit {
            Some(u) => format!("{value}{u:?}"),
            None => format!("{value}"),
        },
        ExprKind::Note { name, .. } => format!("note:{name}"),
        ExprKind::Rest => "_".into(),
        ExprKind::Text(t) => format!("{t:?}"),
        ExprKind::List(items) => {
            format!("[{}]", items.iter().map(sx).collect::<Vec<_>>().join(" "))
        }
        ExprKind::Name(i) => i.name.clone(),
        ExprKind::Port { base, port } => format!("{}.{}", base.name, port.name),
        ExprKind::Call(c) => {
            let label = c.label.as_ref().map_or(String::new(), |l| format!(" @{}", l.name));
            let args: Vec<String> = c
                .args
                .iter()
                .map(|a| match a {
                    Arg::Positional(e) => sx(e),
                    Arg::Keyword { name, value } => format!("{}={}", name.name, sx(value)),
                })
                .collect();
            format!("({} {}{label})", c.name.name, args.join(" "))
        }
        ExprKind::Chain(c) => chain_sx(c),
        ExprKind::Neg(x) => format!("(neg {})", sx(x)),
        ExprKind::Binary { op, lhs, rhs } => format!("({op:?} {} {})", sx(lhs), sx(rhs)),
    }
}

fn chain_sx(c: &Chain) -> String {
    c.stages.iter().map(sx).collect::<Vec<_>>().join(" -> ")
}

fn one(src: &str) -> String {
    let p = parse(src).unwrap_or_else(|e| panic!("{src:?}: {e:?}"));
    p.statements
        .iter()
        .map(|s| match s {
            Statement::Binding { name, chain } => format!("{} = {}", name.name, chain_sx(chain)),
            Statement::Chain(c) => chain_sx(c),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_smallest_patch() {
    assert_eq!(one("sine freq=440 -> out"), "(sine freq=440) -> out");
    assert_eq!(one("sine 440 -> out"), "(sine 440) -> out");
}

#[test]
fn precedence_and_unary_minus() {
    assert_eq!(one("x = 1 + 2 * 3"), "x = (Add 1 (Mul 2 3))");
    assert_eq!(one("x = (1 + 2) * 3"), "x = (Mul (Add 1 2) 3)");
    assert_eq!(one("x = -a * 2 - 3 / 4"), "x = (Sub (Mul (neg a) 2) (Div 3 4))");
    assert_eq!(one("x = 8 / 2 / 2"), "x = (Div (Div 8 2) 2)");
}

#[test]
fn keyword_values_are_expressions_and_calls_nest_in_parens() {
    assert_eq!(
        one("square 440 width=lfo*0.24+0.5 -> out"),
        "(square 440 width=(Add (Mul lfo 0.24) 0.5)) -> out"
    );
    // Spaces separate arguments: operators with spaces around them apply to the call.
    assert_eq!(one("x = sine 0.1 * 900 + 1300"), "x = (Add (Mul (sine 0.1) 900) 1300)");
    assert_eq!(one("x = sine 0.1*900"), "x = (sine (Mul 0.1 900))");
    assert_eq!(one("x = 2 * sine 3 q=-1"), "x = (Mul 2 (sine 3 q=(neg 1)))");
    assert_eq!(
        one("saw 110 -> lowpass cutoff=(sine 0.5)*1000+1500 q=2 -> out"),
        "(saw 110) -> (lowpass cutoff=(Add (Mul (sine 0.5) 1000) 1500) q=2) -> out"
    );
}

#[test]
fn units_notes_lists_and_rests() {
    assert_eq!(
        one("x = 2khz + 20ms + 1s + 3Hz"),
        "x = (Add (Add (Add 2KHz 20Ms) 1S) 3Hz)"
    );
    assert_eq!(one("seq [a4 c#3 eb2 _ 440]"), "(seq [note:a4 note:c#3 note:eb2 _ 440])");
    assert_eq!(one("pat \"bd [sn cp]\" len=0.3"), "(pat \"bd [sn cp]\" len=0.3)");
    assert!(parse("pat \"bd\nsn\"").is_err(), "text stays on one line");
    let p = parse("x = c#3").unwrap();
    let Statement::Binding { chain, .. } = &p.statements[0] else {
        panic!()
    };
    let ExprKind::Note { hz, .. } = chain.stages[0].kind else {
        panic!()
    };
    assert!((hz - 138.591).abs() < 0.01, "{hz}");
}

#[test]
fn comments_blank_lines_and_continued_chains() {
    let src = "# a patch\n\nbpm 120   # tempo\nsaw a2 ->\n  lowpass 900 ->\n  out\n\n";
    assert_eq!(one(src), "(bpm 120)\n(saw note:a2) -> (lowpass 900) -> out");
    let leading = "saw a2   # bass\n  -> lowpass 900\n\n  -> out\nsine 3 -> out";
    assert_eq!(one(leading), "(saw note:a2) -> (lowpass 900) -> out\n(sine 3) -> out");
}

#[test]
fn labels_name_nodes() {
    assert_eq!(
        one("saw 110 @bass -> lowpass 800 @filter q=2 -> out"),
        "(saw 110 @bass) -> (lowpass 800 q=2 @filter) -> out"
    );
    assert_eq!(one("noise @hiss -> out"), "(noise  @hiss) -> out");
}

#[test]
fn ports_and_multiline_lists() {
    assert_eq!(
        one("s = seq [\n a3\n c4,\n]\nadsr s.gate -> out.left"),
        "s = (seq [note:a3 note:c4])\n(adsr s.gate) -> out.left"
    );
}

#[test]
fn spans_are_byte_offsets() {
    let src = "lfo = sine 0.2";
    let p = parse(src).unwrap();
    let Statement::Binding { name, chain } = &p.statements[0] else {
        panic!()
    };
    assert_eq!(&src[name.span.start..name.span.end], "lfo");
    assert_eq!(&src[chain.span.start..chain.span.end], "sine 0.2");
}

#[test]
fn pest_rules_directly() {
    parses_to! { parser: PatchParser, input: "c#3", rule: Rule::note, tokens: [note(0, 3)] };
    parses_to! { parser: PatchParser, input: "20ms", rule: Rule::quantity,
    tokens: [quantity(0, 4, [number(0, 2), unit(2, 4)])] };
    fails_with! { parser: PatchParser, input: "h4", rule: Rule::note,
    positives: vec![Rule::note], negatives: vec![], pos: 0 };
}

fn err(src: &str) -> String {
    let diags = parse(src).expect_err("should fail");
    diags[0].render("t.syn", src)
}

#[test]
fn syntax_errors_point_at_the_place() {
    insta::assert_snapshot!(err("sine 440 ->"), @r"
    error[E001]: expected a node or value, found end of file
     --> t.syn:1:12
      |
    1 | sine 440 ->
      |            ^
      = help: to continue a chain on the next line, end this line with `->` or start the next with it
    ");
    insta::assert_snapshot!(err("lowpass 800 q = = 3"), @r"
    error[E001]: expected a node or value, found `=`
     --> t.syn:1:17
      |
    1 | lowpass 800 q = = 3
      |                 ^
      = help: a parameter is written `name=value`, right after its node: `lowpass 800 q=0.7`
    ");
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let src = format!("x = {}1{}", "(".repeat(500), ")".repeat(500));
    let d = parse(&src).unwrap_err();
    assert!(d[0].message.contains("nested too deeply"));
}

#[test]
fn brackets_in_comments_and_sharp_notes_do_not_count_as_nesting() {
    let comments = "# ((((((( [[[[[[[ a comment about (brackets\n".repeat(200);
    let sharps = "n = seq [c#3 d#4 f#2] # [[[\n".repeat(100);
    let src = format!("{comments}{sharps}sine 440 -> out\n");
    parse(&src).unwrap();
    let deep = format!("# (((\nx = {}1{}", "(".repeat(100), ")".repeat(100));
    assert!(parse(&deep).unwrap_err()[0].message.contains("nested too deeply"));
}

#[test]
fn a_byte_order_mark_at_the_start_is_ignored() {
    let p = parse("\u{feff}sine 440 -> out\n").unwrap();
    assert_eq!(p.statements.len(), 1);
    assert!(crate::compile::check("\u{feff}new SineNode s; new PlaybackNode p; link s.out -> p.left;").is_ok());
}

#[test]
fn a_list_of_a_million_steps_is_refused_before_it_is_parsed() {
    let src = format!("s = seq [{}]\nsaw s -> out\n", "a3 ".repeat(1_000_000));
    let d = parse(&src).unwrap_err();
    assert!(d[0].message.contains("more than 65536 values"), "{}", d[0].message);
    assert_eq!(d[0].span.start, src.find('[').unwrap());
    // Sharp notes, commas and comments inside a list are counted as values only where they are.
    let ok = format!(
        "s = seq [{}] # [ {} ]\nsaw s -> out\n",
        "c#3, ".repeat(60_000),
        "x ".repeat(70_000)
    );
    parse(&ok).unwrap();
}

#[test]
fn every_syntax_error_of_the_file_is_reported_and_the_rest_still_parses() {
    let src = "x = sine (440\nsaw 110 -> out\ny = lowpass 800 q = = 3\nsine x -> out\n";
    let (patch, errors) = parse_all(src);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[1].span.start > src.find("y =").unwrap());
    // What parsed is kept, `x` and `y` as stand-ins so their uses are not reported as unknown.
    assert_eq!(patch.statements.len(), 4);
    let all = crate::compile::check(src).unwrap_err();
    assert_eq!(all.iter().filter(|d| d.is_error()).count(), 2, "{all:?}");
}
