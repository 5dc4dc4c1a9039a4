//! The `/*** {json} ***/` header of a `.sui` file: the original keeps node positions there; we also keep the tempo
//! and, for exported native patches, the identity of seeded nodes (so their noise renders the same after a round
//! trip), in a section of our own. Control thread.

use serde_json::{Map, Value, json};

/// What synchrotron-tui reads from a header. Anything else in it (positions) is layout and ignored.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Header {
    pub bpm: Option<f64>,
    /// Script name → the key the node had in the native patch.
    pub keys: Vec<(String, String)>,
}

/// The section we own, so it never collides with a node the original positions.
const SECTION: &str = "synchrotron-tui";

/// The header of `src`, if it opens with one that parses. A broken header is layout trouble, not a patch error.
pub fn read(src: &str) -> Header {
    let json = src
        .trim_start()
        .strip_prefix("/***")
        .and_then(|body| body.find("***/").map(|end| &body[..end]))
        .and_then(|text| serde_json::from_str::<Value>(text).ok());
    let Some(root) = json else {
        return Header::default();
    };
    let ours = root.get(SECTION);
    // Early exports put the tempo at the top level; read both.
    let bpm = [ours.and_then(|o| o.get("bpm")), root.get("bpm")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_f64)
        .find(|b| *b > 0.0 && *b < 10_000.0);
    let keys = ours
        .and_then(|o| o.get("keys"))
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(name, key)| Some((name.clone(), key.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    Header { bpm, keys }
}

/// The header line for a tempo and (script name, key) pairs: one line, as the original's loader requires.
pub fn write(bpm: f64, keys: &[(String, String)]) -> String {
    let keys: Map<String, Value> = keys.iter().map(|(n, k)| (n.clone(), Value::from(k.as_str()))).collect();
    format!("/*** {} ***/", json!({ SECTION: { "bpm": bpm, "keys": keys } }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_ignored_and_our_section_is_read() {
        let src = "/*** {\"osc\": {\"x\": 10, \"y\": -2.5}, \"synchrotron-tui\": {\"bpm\": 96, \
                   \"keys\": {\"noise3\": \"4:noise \\\"q\\\"\"}}} ***/\nnew SineNode osc;";
        let h = read(src);
        assert_eq!(h.bpm, Some(96.0));
        assert_eq!(h.keys, vec![("noise3".to_string(), "4:noise \"q\"".to_string())]);
    }

    #[test]
    fn what_is_written_reads_back_and_broken_headers_read_as_empty() {
        let keys = vec![("n".to_string(), "a\"b\\c\u{1}".to_string())];
        let line = write(72.5, &keys);
        assert!(!line.contains('\n'));
        assert_eq!(read(&line), Header { bpm: Some(72.5), keys });
        assert_eq!(read("/*** {\"bpm\": ***/"), Header::default());
        assert_eq!(read("/*** {\"bpm\": 120} ***/").bpm, Some(120.0));
        assert_eq!(read("new SineNode a;"), Header::default());
    }
}
