//! The headless runner's commands, typed on stdin one per line, read by a thread of their own and bounded (stdin
//! may be `/dev/zero` or a paste). Its own thread; commands are taken on the control thread.

use std::sync::mpsc;

pub(super) enum Command {
    Panic,
    Resume,
    /// Take back the armed change before it lands.
    Cancel,
    /// Master volume down or up a step.
    Volume(bool),
    Quit,
    /// Start or stop recording.
    Record,
    /// Write the retro buffer out.
    Retro,
    /// Something else was typed: said back with the commands there are.
    Unknown(String),
    /// A line too long to be a command, skipped.
    Ignored(String),
}

/// The longest command line read; longer ones are skipped whole (stdin may be `/dev/zero` or a paste).
const MAX_COMMAND: usize = 256;

/// Commands typed on stdin, one per line. The reader thread ends with stdin.
pub(super) fn commands() -> mpsc::Receiver<Command> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        while let Some(line) = read_command(&mut stdin) {
            let last = line.contains("stdin is ignored");
            let cmd = match line.trim() {
                "" => continue,
                marker if marker.starts_with("(a line over") => Command::Ignored(marker.to_string()),
                "p" | "panic" => Command::Panic,
                "r" | "resume" => Command::Resume,
                "c" | "cancel" => Command::Cancel,
                "-" => Command::Volume(false),
                "+" => Command::Volume(true),
                "q" | "quit" => Command::Quit,
                "t" | "rec" => Command::Record,
                "w" | "retro" => Command::Retro,
                other => Command::Unknown(other.chars().take(40).filter(|c| !c.is_control()).collect()),
            };
            if tx.send(cmd).is_err() || last {
                break;
            }
        }
    });
    rx
}

/// One line of at most `MAX_COMMAND` bytes; a longer one is skipped to its end in bounded pieces and comes back as
/// a marker. `None` at the end of input, or after a megabyte with no line end (stdin is not a person typing then).
fn read_command(input: &mut impl std::io::BufRead) -> Option<String> {
    use std::io::{BufRead as _, Read as _};
    let mut line = Vec::new();
    let n = (&mut *input)
        .take(MAX_COMMAND as u64 + 1)
        .read_until(b'\n', &mut line)
        .ok()?;
    if n == 0 {
        return None;
    }
    if line.len() > MAX_COMMAND && line.last() != Some(&b'\n') {
        let mut skip = Vec::with_capacity(64 * 1024);
        for _ in 0..16 {
            skip.clear();
            let m = (&mut *input).take(64 * 1024).read_until(b'\n', &mut skip).ok()?;
            if m == 0 || skip.last() == Some(&b'\n') {
                return Some(format!("(a line over {MAX_COMMAND} bytes)"));
            }
        }
        return Some(format!(
            "(a line over {MAX_COMMAND} bytes, and no line end in a megabyte: stdin is ignored)"
        ));
    }
    Some(String::from_utf8_lossy(&line).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_are_bounded() {
        let mut zeros = std::io::BufReader::new(std::io::Read::take(std::io::repeat(0), 10 << 20));
        let line = read_command(&mut zeros).unwrap();
        assert!(line.contains("stdin is ignored"), "{line}");
        let mut long = std::io::Cursor::new([vec![b'x'; 1000], b"\nq\n".to_vec()].concat());
        assert_eq!(read_command(&mut long).as_deref(), Some("(a line over 256 bytes)"));
        assert_eq!(read_command(&mut long).as_deref(), Some("q\n"));
        assert_eq!(read_command(&mut long), None);
        let mut typed = std::io::Cursor::new(b"p\nwhat\n".to_vec());
        assert_eq!(read_command(&mut typed).as_deref(), Some("p\n"));
        assert_eq!(read_command(&mut typed).as_deref(), Some("what\n"));
    }
}
