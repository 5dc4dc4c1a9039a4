//! Polyphony: every node that depends on a `midi` source is copied once per voice, each copy wired to its voice's
//! outputs, and the copies are summed (each through the allocator's fade for its voice) where the signal meets a
//! node that does not follow the note: an effect (`delay`, `reverb`), `out`, or a sink. Copies keep their node's key
//! with `#k` added, so a hot swap retunes every voice and keeps each one's state. Pure; control thread.

use super::graph::{GraphSpec, NodeSpec, Source};
use crate::dsp::keys::sum::VOICES_PER_SUM;
use crate::dsp::keys::{PER_VOICE, voices_of};
use crate::lang::Diagnostic;
use std::collections::HashMap;

/// The allocator's fade, after the six named outputs of each voice.
const AMP: usize = 6;

/// Nodes that take the sum of the voices rather than running once per voice.
fn shared(n: &NodeSpec) -> bool {
    matches!(n.kind, "delay" | "reverb" | "out" | "midi") || n.def().is_sink() || n.key.starts_with("out.")
}

/// Copy what depends on each `midi` source once per voice. Errors when a node follows two polyphonic sources.
pub fn expand(spec: &mut GraphSpec) -> Result<(), Diagnostic> {
    let voice_of = sources(spec)?;
    if voice_of.iter().all(Option::is_none) {
        return Ok(());
    }
    let old = std::mem::take(&mut spec.nodes);
    // Where each old node went: its copies (one for a shared node, or per voice).
    let mut copies: Vec<Vec<usize>> = Vec::with_capacity(old.len());
    let mut nodes: Vec<NodeSpec> = Vec::with_capacity(old.len());
    // Placeholders first, so every old index has its new indices before inputs are rewritten.
    for (i, n) in old.iter().enumerate() {
        match voice_of[i] {
            Some((_, voices)) => {
                copies.push((nodes.len()..nodes.len() + voices).collect());
                for k in 0..voices {
                    let mut c = n.clone();
                    c.key = format!("{}#{k}", n.key);
                    nodes.push(c);
                }
            }
            None => {
                copies.push(vec![nodes.len()]);
                nodes.push(n.clone());
            }
        }
    }
    let mut sums: HashMap<(usize, usize), Source> = HashMap::new();
    for (i, n) in old.iter().enumerate() {
        for (k, &at) in copies[i].clone().iter().enumerate() {
            let voiced = voice_of[i].is_some();
            let inputs: Vec<Source> = n
                .inputs
                .iter()
                .map(|&s| {
                    let Source::Node { node, port } = s else { return s };
                    if old[node].kind == "midi" && voiced {
                        return Source::Node {
                            node: copies[node][0],
                            port: k * PER_VOICE + port,
                        };
                    }
                    match (voice_of[node], voiced) {
                        (Some(_), true) => Source::Node {
                            node: copies[node][k],
                            port,
                        },
                        (Some((src, _)), false) => *sums
                            .entry((node, port))
                            .or_insert_with(|| voice_sum(&mut nodes, &copies, &old, (node, port), src)),
                        (None, _) => Source::Node {
                            node: copies[node][0],
                            port,
                        },
                    }
                })
                .collect();
            nodes[at].inputs = inputs;
        }
    }
    // A chain sent to `out` from a voiced node is heard (and metered, and muted) through its sum.
    for send in &mut spec.sends {
        for side in [&mut send.left, &mut send.right] {
            if let Some(Source::Node { node, port }) = *side {
                *side = Some(match voice_of[node] {
                    Some(_) => sums.get(&(node, port)).copied().unwrap_or(Source::Node {
                        node: copies[node][0],
                        port,
                    }),
                    None => Source::Node {
                        node: copies[node][0],
                        port,
                    },
                });
            }
        }
    }
    spec.out = copies[spec.out][0];
    spec.nodes = nodes;
    Ok(())
}

/// For each node, the `midi` source it follows and its voices (`None`: it runs once).
fn sources(spec: &GraphSpec) -> Result<Vec<Option<(usize, usize)>>, Diagnostic> {
    let n = spec.nodes.len();
    let mut voice_of: Vec<Option<(usize, usize)>> = vec![None; n];
    // Feedback edges make the graph cyclic: iterate to a fixed point (each pass can only add).
    let mut changed = true;
    while changed {
        changed = false;
        for i in 0..n {
            let node = &spec.nodes[i];
            if shared(node) {
                continue;
            }
            for s in &node.inputs {
                let Source::Node { node: from, .. } = *s else { continue };
                let src = if spec.nodes[from].kind == "midi" {
                    Some((from, voices_of(&spec.nodes[from].settings)))
                } else {
                    voice_of[from]
                };
                match (voice_of[i], src) {
                    (None, Some(v)) => {
                        voice_of[i] = Some(v);
                        changed = true;
                    }
                    (Some(a), Some(b)) if a.0 != b.0 => {
                        return Err(Diagnostic::error(
                            "E019",
                            node.span,
                            "this node follows two polyphonic `midi` sources",
                        )
                        .with_help(
                            "give each keyboard its own chain, and mix them after they are summed (e.g. at `out`)",
                        ));
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(voice_of)
}

/// A `voices` node (or a tree of them) summing every voice's copy of `(node, port)`, each through its fade.
fn voice_sum(
    nodes: &mut Vec<NodeSpec>,
    copies: &[Vec<usize>],
    old: &[NodeSpec],
    (node, port): (usize, usize),
    midi: usize,
) -> Source {
    let alloc = copies[midi][0];
    let parts: Vec<Source> = copies[node]
        .chunks(VOICES_PER_SUM)
        .enumerate()
        .map(|(g, group)| {
            let inputs = group
                .iter()
                .enumerate()
                .flat_map(|(j, &copy)| {
                    let k = g * VOICES_PER_SUM + j;
                    [
                        Source::Node { node: copy, port },
                        Source::Node {
                            node: alloc,
                            port: k * PER_VOICE + AMP,
                        },
                    ]
                })
                .collect();
            push(
                nodes,
                format!("{}.{port}+voices{g}", old[node].key),
                "voices",
                inputs,
                old[node].span,
            )
        })
        .collect();
    if let [one] = parts[..] {
        return one;
    }
    push(
        nodes,
        format!("{}.{port}+voices", old[node].key),
        "sum",
        parts,
        old[node].span,
    )
}

/// Add an internal node; its output.
fn push(
    nodes: &mut Vec<NodeSpec>,
    key: String,
    kind: &'static str,
    inputs: Vec<Source>,
    span: crate::lang::Span,
) -> Source {
    nodes.push(NodeSpec::plain(key, kind, inputs, span));
    Source::Node {
        node: nodes.len() - 1,
        port: 0,
    }
}
