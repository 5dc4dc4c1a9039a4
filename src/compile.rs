//! Patch source → `GraphSpec` → built `engine::Graph`. Pure and deterministic; runs on the control thread, never
//! on the audio thread. Everything the engine will need is allocated here.

pub mod build;
pub mod graph;
pub mod plan;
pub mod resolve;
pub mod schedule;
pub mod suggest;

pub use build::{Settings, build, build_linked};
pub use graph::{GraphSpec, NodeSpec, Source};

use crate::engine::Graph;
use crate::lang::{self, Diagnostic};

/// A patch that parsed and resolved: its graph and any warnings.
#[derive(Debug, Clone)]
pub struct Checked {
    pub spec: GraphSpec,
    pub warnings: Vec<Diagnostic>,
}

/// Parse and resolve `src`, and check the graph can be scheduled. Errors carry any warnings too.
pub fn check(src: &str) -> Result<Checked, Vec<Diagnostic>> {
    let patch = lang::parse(src)?;
    let (spec, mut warnings) = resolve::resolve(&patch)?;
    let all = vec![true; spec.nodes.len()];
    if let Err(cycle) = schedule::order(&spec, &all) {
        warnings.push(cycle_error(&spec, &cycle));
        return Err(warnings);
    }
    Ok(Checked { spec, warnings })
}

/// Check and build in one step.
pub fn compile(src: &str, settings: &Settings) -> Result<(Box<Graph>, Checked), Vec<Diagnostic>> {
    let checked = check(src)?;
    let graph = build(&checked.spec, settings).map_err(|c| vec![cycle_error(&checked.spec, &c)])?;
    Ok((graph, checked))
}

fn cycle_error(spec: &GraphSpec, cycle: &schedule::Cycle) -> Diagnostic {
    // Point at a node the user wrote (proxies and sums carry the binding's span).
    let node = cycle
        .0
        .iter()
        .map(|&i| &spec.nodes[i])
        .find(|n| n.span.end > n.span.start)
        .unwrap_or(&spec.nodes[0]);
    let kinds: Vec<&str> = cycle
        .0
        .iter()
        .map(|&i| spec.nodes[i].kind)
        .filter(|k| !matches!(*k, "sum" | "add" | "sub" | "mul" | "div"))
        .collect();
    let path = if kinds.is_empty() {
        "itself".to_string()
    } else {
        kinds.join(" → ")
    };
    Diagnostic::error("E006", node.span, format!("feedback loop with no delay in it ({path})"))
        .with_label("this feeds back into itself")
        .with_help("put a `delay` inside the loop, e.g. `x = (in + x*0.5) -> delay 0.2`")
}
