//! Native patches written out as Synchrolang scripts in the original's export format (`new …;` lines, a blank
//! line, `link …;` lines). Native node types keep their own names, capitalised (`new Lowpass lowpass3;`), constants become data
//! nodes, sums become chains of `add`, and `out` becomes a PlaybackNode, so loading the script back builds the same
//! graph and renders the same samples. Control thread.

use super::graph::{GraphSpec, NodeSpec, Source};
use super::synchrolang::literal_text;
use crate::dsp::registry::{NodeDef, ParamKind};
use crate::lang::sui_header::{SECTION, quote};
use crate::lang::synchrolang::Literal;
use std::fmt::Write as _;

struct Script {
    news: String,
    links: String,
}

impl Script {
    fn node(&mut self, ctor: &str, name: &str) {
        let _ = writeln!(self.news, "new {ctor} {name};");
    }

    fn link(&mut self, from: &str, to: &str) {
        let _ = writeln!(self.links, "link {from} -> {to};");
    }

    /// A data node holding `v`, linked into `to`.
    fn value(&mut self, v: &Literal, name: &str, to: &str) {
        self.node(&literal_text(v), name);
        self.link(&format!("{name}.out"), to);
    }
}

/// The shortest text that reads back as the same f32.
fn float(v: f32) -> Literal {
    Literal::Float(format!("{v}").parse().unwrap_or(f64::from(v)))
}

/// A native node's type as Synchrolang spells types, with a capital: `sample_hold` → `SampleHold`.
pub fn type_name(native: &str) -> String {
    native
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The native node a capitalised type names, if any (`SampleHold` → `sample_hold`).
pub fn native_name(type_name: &str) -> String {
    let mut out = String::new();
    for (i, c) in type_name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Each spec node's script name, and the port its output is read from.
fn names(spec: &GraphSpec) -> Vec<String> {
    spec.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| format!("{}{i}", n.kind))
        .collect()
}

fn source(spec: &GraphSpec, names: &[String], s: &Source) -> Result<String, f32> {
    match *s {
        Source::Const(v) => Err(v),
        Source::Node { node, port } => {
            let def = spec.nodes[node].def();
            Ok(format!(
                "{}.{}",
                names[node],
                def.outputs.get(port).copied().unwrap_or("out")
            ))
        }
    }
}

/// The script for a native graph. Only nodes that are heard are written.
pub fn native(spec: &GraphSpec) -> String {
    let mut s = Script {
        news: String::new(),
        links: String::new(),
    };
    let names = names(spec);
    let heard = spec.audible();
    for (i, node) in spec.nodes.iter().enumerate() {
        if !heard[i] {
            continue;
        }
        match node.kind {
            "out" => {
                s.node("PlaybackNode", &names[i]);
                wire(&mut s, spec, &names, i, &["left", "right"]);
            }
            "sum" => sum_chain(&mut s, spec, &names, i),
            _ => {
                s.node(&type_name(node.kind), &names[i]);
                let def = node.def();
                let ports: Vec<&str> = def.signals().map(|p| p.name).collect();
                wire(&mut s, spec, &names, i, &ports);
                fixed(&mut s, def, node, &names[i]);
            }
        }
    }
    format!("{}\n{}\n{}", header(spec, &names, &heard), s.news, s.links)
}

/// The tempo and the keys of seeded nodes travel in a `.sui` header (one line, as the original reads it): Synchrolang
/// has no tempo, and noise is seeded from the node's key, so a round trip keeps both.
fn header(spec: &GraphSpec, names: &[String], heard: &[bool]) -> String {
    let keys: Vec<String> = spec
        .nodes
        .iter()
        .zip(names)
        .zip(heard)
        .filter(|((n, _), h)| **h && n.kind == "noise")
        .map(|((n, name), _)| format!("{}: {}", quote(name), quote(&n.key)))
        .collect();
    format!(
        "/*** {{{}: {{\"bpm\": {}, \"keys\": {{{}}}}}}} ***/",
        quote(SECTION),
        spec.bpm,
        keys.join(", ")
    )
}

/// Links (or constants) into a node's run-time inputs.
fn wire(s: &mut Script, spec: &GraphSpec, names: &[String], i: usize, ports: &[&str]) {
    for (src, port) in spec.nodes[i].inputs.iter().zip(ports) {
        let to = format!("{}.{port}", names[i]);
        match source(spec, names, src) {
            Ok(from) => s.link(&from, &to),
            Err(v) => s.value(&float(v), &format!("{}_{port}", names[i]), &to),
        }
    }
}

/// Settings, lists and choices: values fixed when the node is built, as data nodes.
fn fixed(s: &mut Script, def: &NodeDef, node: &NodeSpec, name: &str) {
    let mut settings = node.settings.iter();
    for p in def.params {
        let v = match p.kind {
            ParamKind::Setting => float(settings.next().copied().unwrap_or(p.default)),
            ParamKind::List => Literal::Array(node.list.iter().map(|v| v.map_or(Literal::Null, float)).collect()),
            ParamKind::Choice(options) => Literal::Str(options.get(node.choice).copied().unwrap_or("").to_string()),
            _ => continue,
        };
        s.value(&v, &format!("{name}_{}", p.name), &format!("{name}.{}", p.name));
    }
}

/// A sum of n inputs as n−1 `add` nodes, left to right: the same additions in the same order.
fn sum_chain(s: &mut Script, spec: &GraphSpec, names: &[String], i: usize) {
    let inputs = &spec.nodes[i].inputs;
    let last = inputs.len().saturating_sub(2);
    let mut acc: Option<String> = None;
    for k in 0..inputs.len().saturating_sub(1) {
        // The final add carries the sum's own name, so links out of the sum find it.
        let name = if k == last {
            names[i].clone()
        } else {
            format!("{}_{k}", names[i])
        };
        s.node("Add", &name);
        let a = match acc.take() {
            Some(prev) => Ok(prev),
            None => source(spec, names, &inputs[0]),
        };
        for (port, src) in [("a", a), ("b", source(spec, names, &inputs[k + 1]))] {
            let to = format!("{name}.{port}");
            match src {
                Ok(from) => s.link(&from, &to),
                Err(v) => s.value(&float(v), &format!("{name}_{port}"), &to),
            }
        }
        acc = Some(format!("{name}.out"));
    }
    if inputs.len() < 2 {
        s.node("Add", &names[i]);
        match inputs.first().map(|x| source(spec, names, x)) {
            Some(Ok(from)) => s.link(&from, &format!("{}.a", names[i])),
            Some(Err(v)) => s.value(&float(v), &format!("{}_a", names[i]), &format!("{}.a", names[i])),
            None => {}
        }
    }
}
