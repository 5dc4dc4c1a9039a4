//! Native patches written out as Synchrolang scripts in the original's export format (`new …;` lines, a blank
//! line, `link …;` lines). Native node types keep their own names, capitalised (`new Lowpass lowpass3;`), constants become data
//! nodes, sums become chains of `add`, and `out` becomes a PlaybackNode, so loading the script back builds the same
//! graph and renders the same samples. Control thread.

use super::graph::{GraphSpec, NodeSpec, Source};
use super::synchrolang::literal_text;
use crate::dsp::registry::{NodeDef, ParamKind};
use crate::lang::sui_header;
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

    /// Feed input `port` of node `node`: a link from another node's output, or a constant as a data node.
    fn feed(&mut self, from: Result<String, f32>, node: &str, port: &str) {
        let to = format!("{node}.{port}");
        match from {
            Ok(from) => self.link(&from, &to),
            Err(v) => self.value(&float(v), &format!("{node}_{port}"), &to),
        }
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

/// The tempo and the keys of seeded nodes travel in a `.sui` header: Synchrolang has no tempo, and noise (and a
/// pattern's random drops) is seeded from the node's key, so a round trip keeps both.
fn header(spec: &GraphSpec, names: &[String], heard: &[bool]) -> String {
    let keys: Vec<(String, String)> = spec
        .nodes
        .iter()
        .zip(names)
        .zip(heard)
        .filter(|((n, _), h)| **h && matches!(n.kind, "noise" | "pat"))
        .map(|((n, name), _)| (name.clone(), n.key.clone()))
        .collect();
    sui_header::write(spec.bpm, &keys)
}

/// Links (or constants) into a node's run-time inputs.
fn wire(s: &mut Script, spec: &GraphSpec, names: &[String], i: usize, ports: &[&str]) {
    for (src, port) in spec.nodes[i].inputs.iter().zip(ports) {
        s.feed(source(spec, names, src), &names[i], port);
    }
}

/// Settings, lists and choices: values fixed when the node is built, as data nodes.
fn fixed(s: &mut Script, def: &NodeDef, node: &NodeSpec, name: &str) {
    let mut settings = node.settings.iter();
    let mut texts = node.text.iter();
    for p in def.params {
        let v = match p.kind {
            ParamKind::Setting => float(settings.next().copied().unwrap_or(p.default)),
            ParamKind::Text(default) => Literal::Str(texts.next().cloned().unwrap_or_else(|| default.to_string())),
            ParamKind::List => Literal::Array(node.list.iter().map(|v| v.map_or(Literal::Null, float)).collect()),
            ParamKind::Choice(options) => Literal::Str(options.get(node.choice).copied().unwrap_or("").to_string()),
            _ => continue,
        };
        s.value(&v, &format!("{name}_{}", p.name), &format!("{name}.{}", p.name));
    }
}

/// A sum of n inputs as n−1 `add` nodes (one for fewer than two), left to right: the same additions in the same
/// order. The last add carries the sum's own name, so links out of the sum find it.
fn sum_chain(s: &mut Script, spec: &GraphSpec, names: &[String], i: usize) {
    let inputs = &spec.nodes[i].inputs;
    let adds = inputs.len().saturating_sub(1).max(1);
    let mut acc = inputs.first().map(|x| source(spec, names, x));
    for k in 0..adds {
        let name = if k + 1 == adds {
            names[i].clone()
        } else {
            format!("{}_{k}", names[i])
        };
        s.node("Add", &name);
        if let Some(a) = acc.take() {
            s.feed(a, &name, "a");
        }
        if let Some(b) = inputs.get(k + 1) {
            s.feed(source(spec, names, b), &name, "b");
        }
        acc = Some(Ok(format!("{name}.out")));
    }
}
