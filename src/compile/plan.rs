//! The hot-swap plan: align the new graph's node keys with the running graph's, classify every node (kept,
//! retuned, rewired, replaced, added, removed) and choose how the swap is done. Pure; control thread.

use super::graph::{GraphSpec, NodeSpec, Source};
use crate::dsp::registry;
use crate::engine::SwapMode;
use std::collections::HashMap;
use std::fmt;

/// What happened to the user's nodes (internal arithmetic and the bus are not counted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub kept: usize,
    pub retuned: usize,
    /// Same node, new connections: its state is kept and the change crossfades.
    pub rewired: usize,
    /// Same place, new settings or list: a fresh node crossfades in.
    pub replaced: usize,
    pub added: usize,
    pub removed: usize,
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} kept, {} retuned, {} added, {} removed",
            self.kept + self.rewired,
            self.retuned,
            self.added,
            self.removed
        )?;
        if self.replaced > 0 {
            write!(f, ", {} replaced", self.replaced)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// For each node of the new spec, the node of the old spec it continues.
    pub links: Vec<Option<usize>>,
    pub mode: SwapMode,
    pub counts: Counts,
    /// What happens to each node of the new spec.
    pub changes: Vec<Change>,
    /// The nodes of the old spec that go.
    pub removed: Vec<usize>,
}

/// What a swap does to one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Kept,
    Retuned,
    Rewired,
    Replaced,
    Added,
}

/// Plan the change from `old` to `new`, first renaming `new`'s unnamed chains to match `old`'s.
pub fn plan(old: Option<&GraphSpec>, new: &mut GraphSpec) -> Plan {
    let Some(old) = old else {
        let added = new.nodes.iter().filter(|n| counted(n)).count();
        return Plan {
            links: vec![None; new.nodes.len()],
            mode: SwapMode::Crossfade,
            counts: Counts {
                added,
                ..Counts::default()
            },
            changes: vec![Change::Added; new.nodes.len()],
            removed: vec![],
        };
    };
    align(old, new);
    let by_key: HashMap<&str, usize> = old.nodes.iter().enumerate().map(|(i, n)| (n.key.as_str(), i)).collect();
    let mut counts = Counts::default();
    let mut links = Vec::with_capacity(new.nodes.len());
    let mut structural = old.nodes.len() != new.nodes.len() || old.bpm != new.bpm;
    let mut matched = vec![false; old.nodes.len()];
    let mut changes = Vec::with_capacity(new.nodes.len());
    for n in &new.nodes {
        let j = by_key.get(n.key.as_str()).copied();
        let change = j.map_or(Change::Added, |j| classify(old, j, new, n));
        if let Some(j) = j {
            matched[j] = true;
        }
        structural |= !matches!(change, Change::Kept | Change::Retuned);
        changes.push(change);
        links.push(j.filter(|_| change != Change::Replaced));
        if counted(n) {
            match change {
                Change::Kept => counts.kept += 1,
                Change::Retuned => counts.retuned += 1,
                Change::Rewired => counts.rewired += 1,
                Change::Replaced => counts.replaced += 1,
                Change::Added => counts.added += 1,
            }
        } else if change == Change::Retuned {
            // A value changed inside arithmetic (`x*0.5` to `x*0.1`) is a retune the performer made.
            counts.retuned += 1;
        }
    }
    let removed: Vec<usize> = (0..old.nodes.len())
        .filter(|&j| !matched[j] && counted(&old.nodes[j]))
        .collect();
    counts.removed = removed.len();
    let mode = if structural {
        SwapMode::Crossfade
    } else {
        SwapMode::Move
    };
    Plan {
        links,
        mode,
        counts,
        changes,
        removed,
    }
}

/// Internal nodes (arithmetic, sums) and the bus are bookkeeping, not the user's nodes.
pub fn counted(n: &NodeSpec) -> bool {
    n.kind != "out" && registry::lookup_any(n.kind).is_some_and(|d| !d.hidden)
}

fn classify(old: &GraphSpec, j: usize, new: &GraphSpec, n: &NodeSpec) -> Change {
    let o = &old.nodes[j];
    if o.kind != n.kind || o.settings != n.settings || o.list != n.list || o.choice != n.choice || o.text != n.text {
        return Change::Replaced;
    }
    if o.inputs.len() != n.inputs.len() {
        return Change::Rewired;
    }
    let mut change = Change::Kept;
    for (a, b) in o.inputs.iter().zip(&n.inputs) {
        match (*a, *b) {
            (Source::Const(x), Source::Const(y)) if x != y => change = Change::Retuned,
            (Source::Const(_), Source::Const(_)) => {}
            (Source::Node { node: x, port: p }, Source::Node { node: y, port: q })
                if old.nodes[x].key == new.nodes[y].key && p == q => {}
            _ => return Change::Rewired,
        }
    }
    change
}

/// The scope of an unnamed chain's node (`~3` in `~3/1:lowpass`), if it is one.
fn scope(key: &str) -> Option<&str> {
    key.starts_with('~')
        .then(|| key.split(['/', '.', ':', '+']).next().unwrap_or(key))
}

/// Unnamed chains in order of appearance, each with the kinds of its nodes as a signature.
fn chains(spec: &GraphSpec) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for n in &spec.nodes {
        let Some(s) = scope(&n.key) else { continue };
        match out.iter_mut().find(|(name, _)| name == s) {
            Some((_, sig)) => {
                sig.push(' ');
                sig.push_str(n.kind);
            }
            None => out.push((s.to_string(), n.kind.to_string())),
        }
    }
    out
}

/// Rename `new`'s unnamed chains after the old chains they continue: identical chains are matched by longest
/// common subsequence, so inserting or deleting a chain does not shift the others; chains left over between two
/// matches pair up in order (an edited chain keeps its place). Unmatched new chains get fresh names.
pub fn align(old: &GraphSpec, new: &mut GraphSpec) {
    let (a, b) = (chains(old), chains(new));
    let mut rename: HashMap<String, String> = HashMap::new();
    let sig = |c: &[(String, String)]| c.iter().map(|x| x.1.clone()).collect::<Vec<_>>();
    let pairs = lcs(&sig(&a), &sig(&b));
    let (mut i, mut j) = (0, 0);
    for &(pi, pj) in pairs.iter().chain(std::iter::once(&(a.len(), b.len()))) {
        // Pair the gap before this match in order.
        while i < pi && j < pj {
            rename.insert(b[j].0.clone(), a[i].0.clone());
            i += 1;
            j += 1;
        }
        let mut fresh = a.len() + b.len();
        while j < pj {
            while a.iter().any(|(n, _)| *n == format!("~{fresh}")) {
                fresh += 1;
            }
            rename.insert(b[j].0.clone(), format!("~{fresh}"));
            fresh += 1;
            j += 1;
        }
        if pi < a.len() && pj < b.len() {
            rename.insert(b[pj].0.clone(), a[pi].0.clone());
        }
        (i, j) = (pi + 1, pj + 1);
    }
    for n in &mut new.nodes {
        if let Some(s) = scope(&n.key)
            && let Some(to) = rename.get(s)
        {
            n.key = format!("{to}{}", &n.key[s.len()..]);
        }
    }
}

/// Index pairs of a longest common subsequence of equal items (signatures, statement texts): what two versions
/// share, in order, so what was inserted or deleted between them does not shift the rest.
pub fn lcs<T: PartialEq>(a: &[T], b: &[T]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut t = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i][j] = if a[i] == b[j] {
                t[i + 1][j + 1] + 1
            } else {
                t[i + 1][j].max(t[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n && j < m {
        if a[i] == b[j] {
            out.push((i, j));
            (i, j) = (i + 1, j + 1);
        } else if t[i + 1][j] >= t[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests;
