//! The README's patch examples (its untagged code blocks) all compile, so the tour never lies.

use synchrotron_tui::compile;

#[test]
fn every_patch_in_the_readme_compiles() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line.trim_start().starts_with("```")) {
            (None, true) if line.trim() == "```" => current = Some(String::new()),
            (None, true) => current = Some("\u{0}".into()),
            (Some(b), true) => {
                if !b.starts_with('\u{0}') {
                    blocks.push(std::mem::take(b));
                }
                current = None;
            }
            (Some(b), false) => {
                b.push_str(line);
                b.push('\n');
            }
            (None, false) => {}
        }
    }
    assert!(blocks.len() >= 2, "found {} patch blocks", blocks.len());
    for b in blocks {
        let c = compile::check(&b).unwrap_or_else(|d| panic!("README block fails:\n{b}\n{d:?}"));
        assert!(c.warnings.is_empty(), "README block warns:\n{b}\n{:?}", c.warnings);
    }
}

#[test]
fn the_readme_names_every_node() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let native = synchrotron_tui::dsp::registry::public().map(|d| d.name);
    let original = synchrotron_tui::dsp::compat::all().map(|d| d.name);
    let missing: Vec<&str> = native
        .chain(original)
        .filter(|n| !readme.contains(&format!("`{n}`")))
        .collect();
    assert!(missing.is_empty(), "the README never mentions {missing:?}");
}

#[test]
fn the_readme_key_table_has_every_stage_key() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let table: String = readme
        .lines()
        .filter(|l| l.starts_with("| "))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(table.contains("Alt-Enter"), "the key table lacks Alt-Enter");
    for key in [
        "Ctrl-Enter",
        "F7",
        "F8",
        "F9",
        "F10",
        "Alt-Z",
        "F3",
        "F4",
        "F5 / F6",
        "Esc",
        "Ctrl-P",
    ] {
        assert!(table.contains(&format!("| {key}")), "the key table lacks {key}");
    }
    for topic in [
        "### Performing",
        "Preflight",
        "Evaluate one chain",
        "Mute and solo",
        "The scope",
    ] {
        assert!(readme.contains(topic), "the tour lacks {topic}");
    }
}
