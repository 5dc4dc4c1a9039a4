//! The editor model: typing, deleting, selection, clipboard, indentation, undo/redo and unicode.

use super::*;

fn typed(e: &mut Editor, s: &str) {
    for c in s.chars() {
        if c == '\n' {
            e.newline();
        } else {
            e.insert(&c.to_string());
        }
    }
}

#[test]
fn typing_and_newlines_build_lines() {
    let mut e = Editor::new("");
    typed(&mut e, "sine 440\n-> out");
    assert_eq!(e.text(), "sine 440\n-> out");
    assert_eq!(e.cursor(), Pos { line: 1, col: 6 });
}

#[test]
fn backspace_and_delete_join_lines() {
    let mut e = Editor::new("ab\ncd");
    e.set_cursor(Pos { line: 1, col: 0 });
    e.backspace();
    assert_eq!((e.text().as_str(), e.cursor()), ("abcd", Pos { line: 0, col: 2 }));
    e.move_to(Move::End, false);
    e.delete();
    assert_eq!(e.text(), "abcd");
    e.set_cursor(Pos { line: 0, col: 1 });
    e.delete();
    assert_eq!(e.text(), "acd");
}

#[test]
fn unicode_is_edited_by_character() {
    let mut e = Editor::new("né → ö");
    e.move_to(Move::End, false);
    e.backspace();
    assert_eq!(e.text(), "né → ");
    e.set_cursor(Pos { line: 0, col: 2 });
    e.insert("🎵");
    assert_eq!(e.text(), "né🎵 → ");
    assert_eq!(e.offset_of(Pos { line: 0, col: 3 }), "né🎵".len());
    assert_eq!(e.pos_of("né🎵".len()), Pos { line: 0, col: 3 });
    e.move_to(Move::Left, true);
    e.move_to(Move::Left, true);
    e.cut();
    assert_eq!((e.text().as_str(), e.clipboard()), ("n → ", "é🎵"));
}

#[test]
fn selection_copy_cut_paste_across_lines() {
    let mut e = Editor::new("one\ntwo\nthree");
    e.set_cursor(Pos { line: 0, col: 1 });
    e.move_to(Move::Down, true);
    e.move_to(Move::Down, true);
    assert_eq!(e.selection(), Some((Pos { line: 0, col: 1 }, Pos { line: 2, col: 1 })));
    e.copy();
    assert_eq!(e.clipboard(), "ne\ntwo\nt");
    e.cut();
    assert_eq!(e.text(), "ohree");
    e.move_to(Move::End, false);
    e.paste();
    assert_eq!(e.text(), "ohreene\ntwo\nt");
    // Typing over a selection replaces it.
    e.select_all();
    e.insert("x");
    assert_eq!(e.text(), "x");
}

#[test]
fn undo_groups_typing_and_redo_restores() {
    let mut e = Editor::new("");
    typed(&mut e, "saw 110");
    e.newline();
    typed(&mut e, "out");
    assert!(e.undo());
    assert_eq!(e.text(), "saw 110\n");
    assert!(e.undo());
    assert_eq!(e.text(), "saw 110");
    assert!(e.undo());
    assert_eq!(e.text(), "saw ");
    assert!(e.undo());
    assert_eq!(e.text(), "saw");
    assert!(e.undo());
    assert_eq!(e.text(), "");
    assert!(!e.undo());
    assert!(e.redo() && e.redo());
    assert_eq!(e.text(), "saw ");
    typed(&mut e, "x");
    assert!(!e.redo(), "a new edit clears redo");
}

#[test]
fn tab_indents_and_newline_keeps_indentation() {
    let mut e = Editor::new("a\nb");
    e.select_all();
    e.indent();
    assert_eq!(e.text(), "  a\n  b");
    e.dedent();
    assert_eq!(e.text(), "a\nb");
    let mut e = Editor::new("  -> lowpass 800");
    e.move_to(Move::End, false);
    e.newline();
    e.insert("-> out");
    assert_eq!(e.text(), "  -> lowpass 800\n  -> out");
}

#[test]
fn vertical_moves_remember_the_column() {
    let mut e = Editor::new("long line here\nab\nanother long one");
    e.set_cursor(Pos { line: 0, col: 10 });
    e.move_to(Move::Down, false);
    assert_eq!(e.cursor(), Pos { line: 1, col: 2 });
    e.move_to(Move::Down, false);
    assert_eq!(e.cursor(), Pos { line: 2, col: 10 });
    e.scroll_to_cursor(2);
    assert_eq!(e.scroll, 1);
}
