//! `GraphSpec`: the resolved, cloneable description of a patch's graph (what to build, not the built thing).
//! Pure data; control thread. Its `Display` is the dump the corpus tests snapshot.

use crate::dsp::registry::{self, NodeDef};
use crate::lang::Span;
use std::fmt;

/// Where a signal input takes its samples from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Source {
    Const(f32),
    Node { node: usize, port: usize },
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodeSpec {
    /// Stable identity across edits: binding or chain, position, kind.
    pub key: String,
    pub kind: &'static str,
    /// One per signal parameter, in the registry's order (any number for the internal `sum`).
    pub inputs: Vec<Source>,
    pub settings: Vec<f32>,
    pub list: Vec<Option<f32>>,
    pub choice: usize,
    /// Values of `Text` parameters (file paths, chord names), in declaration order.
    pub text: Vec<String>,
    pub span: Span,
}

impl NodeSpec {
    /// A node with only signal inputs (arithmetic, sums, the bus): no settings, list, choice or text.
    pub fn plain(key: String, kind: &'static str, inputs: Vec<Source>, span: Span) -> Self {
        Self {
            key,
            kind,
            inputs,
            settings: vec![],
            list: vec![],
            choice: 0,
            text: vec![],
            span,
        }
    }

    pub fn def(&self) -> &'static NodeDef {
        registry::lookup_any(self.kind).unwrap_or(&registry::NODES[0])
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GraphSpec {
    pub bpm: f64,
    pub nodes: Vec<NodeSpec>,
    /// Index of the `out` node.
    pub out: usize,
    /// The chains that reach `out`, in the order they are written (empty for Synchrolang scripts).
    pub sends: Vec<SendSpec>,
}

/// A chain's way to the speakers: the statement it is written in and what it sends to each side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SendSpec {
    pub span: Span,
    pub left: Option<Source>,
    pub right: Option<Source>,
}

impl SendSpec {
    /// The nodes (and ports) it sends, each once.
    pub fn sources(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let node = |s: Option<Source>| match s {
            Some(Source::Node { node, port }) => Some((node, port)),
            _ => None,
        };
        let (l, r) = (node(self.left), node(self.right));
        l.into_iter().chain(r.filter(|x| Some(*x) != l))
    }
}

impl GraphSpec {
    /// Nodes whose output reaches `out`, directly or through others.
    pub fn audible(&self) -> Vec<bool> {
        let mut seen = vec![false; self.nodes.len()];
        // Sinks (a file writer, a value display) count as heard.
        let mut stack: Vec<usize> = std::iter::once(self.out)
            .chain((0..self.nodes.len()).filter(|&i| self.nodes[i].def().is_sink()))
            .collect();
        while let Some(i) = stack.pop() {
            if i >= seen.len() || seen[i] {
                continue;
            }
            seen[i] = true;
            for s in &self.nodes[i].inputs {
                if let Source::Node { node, .. } = *s {
                    stack.push(node);
                }
            }
        }
        seen
    }
}

/// An output's name; a `midi` source's voices are numbered (`gate#3`, and `amp#3`, the allocator's fade).
fn port_name(n: &NodeSpec, port: usize) -> String {
    let outputs = n.def().outputs;
    if n.kind == "midi" {
        let per = crate::dsp::keys::PER_VOICE;
        let name = outputs.get(port % per).copied().unwrap_or("amp");
        return format!("{name}#{}", port / per);
    }
    outputs.get(port).copied().unwrap_or("?").to_string()
}

impl fmt::Display for GraphSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "bpm {}", self.bpm)?;
        for (i, n) in self.nodes.iter().enumerate() {
            write!(f, "{i:>3} {:<12} {}", n.kind, n.key)?;
            let def = n.def();
            let names: Vec<&str> = def.signals().map(|p| p.name).collect();
            for (k, s) in n.inputs.iter().enumerate() {
                let name = names.get(k).copied().unwrap_or("in");
                match s {
                    Source::Const(v) => write!(f, " {name}={v}")?,
                    Source::Node { node, port } => {
                        write!(f, " {name}<-{node}.{}", port_name(&self.nodes[*node], *port))?;
                    }
                }
            }
            if !n.list.is_empty() {
                let items: Vec<String> = n
                    .list
                    .iter()
                    .map(|v| v.map_or("_".into(), |x| format!("{x}")))
                    .collect();
                write!(f, " [{}]", items.join(" "))?;
            }
            for t in &n.text {
                write!(f, " {t:?}")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}
