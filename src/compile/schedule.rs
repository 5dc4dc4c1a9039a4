//! Processing order: a topological sort of the audible nodes, with cycles allowed only through a `delay` (its input
//! then reads the previous block, adding at most one block of latency to the loop). Pure; control thread.

use super::graph::{GraphSpec, Source};

/// A feedback loop with no delay in it: the nodes on the loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle(pub Vec<usize>);

/// Order the nodes marked in `keep` so that every node comes after its inputs, except inputs of a `delay` on a
/// loop, which are returned as feedback edges `(from, to)`.
/// The processing order and the feedback edges `(from, to)` that read the previous block.
pub type Order = (Vec<usize>, Vec<(usize, usize)>);

pub fn order(spec: &GraphSpec, keep: &[bool]) -> Result<Order, Cycle> {
    let n = spec.nodes.len();
    let mut feedback = Vec::new();
    loop {
        match kahn(spec, keep, &feedback) {
            Ok(order) => return Ok((order, feedback)),
            Err(stuck) => {
                let cycle = find_cycle(spec, &stuck, &feedback).unwrap_or_else(|| stuck.clone());
                // Break the loop at a delay's main input, if the loop has a delay.
                let breaker = cycle.iter().enumerate().find_map(|(k, &node)| {
                    let prev = cycle[(k + cycle.len() - 1) % cycle.len()];
                    (spec.nodes[node].kind == "delay").then_some((prev, node))
                });
                match breaker {
                    Some(edge) if !feedback.contains(&edge) && feedback.len() < n => {
                        feedback.push(edge);
                    }
                    _ => return Err(Cycle(cycle)),
                }
            }
        }
    }
}

/// Which loop each node sits on (the index of the first feedback edge whose loop holds it): the nodes reachable
/// from a feedback edge's reader that also reach its source. Only these can run away (everything else is bounded
/// by its inputs), so only these are watched for growth.
pub fn loop_members(spec: &GraphSpec, feedback: &[(usize, usize)]) -> Vec<Option<u32>> {
    let n = spec.nodes.len();
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, node) in spec.nodes.iter().enumerate() {
        for s in &node.inputs {
            if let Source::Node { node: d, .. } = *s {
                users[d].push(i);
            }
        }
    }
    let reach = |start: usize, next: &dyn Fn(usize) -> Vec<usize>| {
        let mut seen = vec![false; n];
        let mut todo = vec![start];
        while let Some(i) = todo.pop() {
            if i < n && !std::mem::replace(&mut seen[i], true) {
                todo.extend(next(i));
            }
        }
        seen
    };
    let mut member = vec![None; n];
    for (id, &(from, to)) in feedback.iter().enumerate() {
        let ahead = reach(to, &|i| users[i].clone());
        let behind = reach(from, &|i| {
            spec.nodes[i]
                .inputs
                .iter()
                .filter_map(|s| match *s {
                    Source::Node { node, .. } => Some(node),
                    Source::Const(_) => None,
                })
                .collect()
        });
        for i in 0..n {
            if ahead[i] && behind[i] && member[i].is_none() {
                member[i] = Some(id as u32);
            }
        }
    }
    member
}

fn deps(spec: &GraphSpec, i: usize, feedback: &[(usize, usize)]) -> impl Iterator<Item = usize> {
    spec.nodes[i].inputs.iter().filter_map(move |s| match *s {
        Source::Node { node, .. } if !feedback.contains(&(node, i)) => Some(node),
        _ => None,
    })
}

/// Kahn's algorithm; on failure returns the nodes left unordered.
fn kahn(spec: &GraphSpec, keep: &[bool], feedback: &[(usize, usize)]) -> Result<Vec<usize>, Vec<usize>> {
    let n = spec.nodes.len();
    let mut indeg = vec![0usize; n];
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in (0..n).filter(|&i| keep[i]) {
        for d in deps(spec, i, feedback) {
            indeg[i] += 1;
            users[d].push(i);
        }
    }
    let mut ready: Vec<usize> = (0..n).filter(|&i| keep[i] && indeg[i] == 0).rev().collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop() {
        order.push(i);
        for &u in users[i].iter().rev() {
            indeg[u] -= 1;
            if indeg[u] == 0 {
                ready.push(u);
            }
        }
    }
    if order.len() == keep.iter().filter(|k| **k).count() {
        Ok(order)
    } else {
        Err((0..n).filter(|&i| keep[i] && indeg[i] > 0).collect())
    }
}

/// One loop among the stuck nodes, in signal-flow order.
fn find_cycle(spec: &GraphSpec, stuck: &[usize], feedback: &[(usize, usize)]) -> Option<Vec<usize>> {
    let start = *stuck.first()?;
    // Walk backwards along inputs that are themselves stuck; a walk in a finite set must revisit a node.
    let mut path = vec![start];
    let mut cur = start;
    loop {
        let prev = deps(spec, cur, feedback).find(|d| stuck.contains(d))?;
        if let Some(pos) = path.iter().position(|&p| p == prev) {
            let mut cycle: Vec<usize> = path[pos..].to_vec();
            cycle.reverse();
            return Some(cycle);
        }
        path.push(prev);
        cur = prev;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::check;

    fn spec(src: &str) -> GraphSpec {
        check(src).unwrap_or_else(|d| panic!("{d:?}")).spec
    }

    fn position(order: &[usize], spec: &GraphSpec, kind: &str) -> usize {
        order.iter().position(|&i| spec.nodes[i].kind == kind).unwrap()
    }

    #[test]
    fn every_node_comes_after_its_inputs() {
        //  lfo(sine) ─► mul ─► add ──┐ cutoff
        //  saw ──────────────────► lowpass ─► out
        let s = spec("lfo = sine 0.5 * 100 + 800\nsaw 110 -> lowpass cutoff=lfo -> out");
        let (order, feedback) = order(&s, &vec![true; s.nodes.len()]).unwrap();
        assert!(feedback.is_empty());
        for (pos, &i) in order.iter().enumerate() {
            for src in &s.nodes[i].inputs {
                if let Source::Node { node, .. } = src {
                    let before = order.iter().position(|o| o == node).unwrap();
                    assert!(
                        before < pos,
                        "{} runs before its input {}",
                        s.nodes[i].key,
                        s.nodes[*node].key
                    );
                }
            }
        }
        assert!(position(&order, &s, "lowpass") > position(&order, &s, "add"));
        assert_eq!(order.last(), Some(&s.out));
    }

    #[test]
    fn a_loop_through_a_delay_is_broken_at_the_delay_input() {
        //  saw ─► add ─► delay ─► mul(0.5) ─┐
        //          ▲──────────────────────────┘ (read from the previous block)
        let s = spec("x = (saw 110 + x*0.5) -> delay 0.1\nx -> out");
        let (order, feedback) = order(&s, &vec![true; s.nodes.len()]).unwrap();
        assert_eq!(feedback.len(), 1);
        let (from, to) = feedback[0];
        assert_eq!(s.nodes[to].kind, "delay");
        assert!(order.iter().position(|&i| i == from) > order.iter().position(|&i| i == to));
    }

    #[test]
    fn a_loop_without_a_delay_is_refused_and_named() {
        //  sine ─► mul ─► add ─┐ freq
        //   ▲──────────────────┘
        let err = check("x = sine x*100+440\nx -> out").unwrap_err();
        assert_eq!(err[0].code, "E006");
        assert!(err[0].message.contains("sine"), "{}", err[0].message);
    }

    #[test]
    fn unheard_nodes_are_left_out_of_the_build() {
        let s = spec("lfo = sine 3\nsine 440 -> out\nlfo -> gain 0.5 -> out.left");
        let audible = s.audible();
        assert!(audible.iter().all(|a| *a));
        let quiet = check("x = saw 3\nsine 440 -> out").unwrap();
        assert_eq!(quiet.spec.audible().iter().filter(|a| !**a).count(), 1);
    }
}
