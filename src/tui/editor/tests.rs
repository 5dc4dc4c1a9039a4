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

#[test]
fn word_motion_and_word_deletion() {
    let mut e = Editor::new("saw 110 -> lowpass cutoff=lfo*800");
    e.move_to(Move::End, false);
    e.move_to(Move::WordLeft, false);
    assert_eq!(e.cursor().col, 30, "back over `800`");
    e.move_to(Move::WordLeft, false);
    assert_eq!(e.cursor().col, 29, "then the `*`");
    e.set_cursor(Pos { line: 0, col: 0 });
    e.move_to(Move::WordRight, false);
    assert_eq!(e.cursor().col, 3);
    e.move_to(Move::WordRight, true);
    assert_eq!(e.selection(), Some((Pos { line: 0, col: 3 }, Pos { line: 0, col: 7 })));
    e.move_to(Move::End, false);
    e.delete_word_back();
    assert_eq!(e.text(), "saw 110 -> lowpass cutoff=lfo*");
    e.undo();
    assert_eq!(e.text(), "saw 110 -> lowpass cutoff=lfo*800");
}

#[test]
fn comments_toggle_on_a_line_or_a_selection() {
    let mut e = Editor::new("a = sine 2\n  saw a -> out\n\nnoise -> out");
    e.set_cursor(Pos { line: 1, col: 4 });
    e.toggle_comment("#");
    assert_eq!(e.lines()[1], "  # saw a -> out");
    assert_eq!(e.cursor().col, 6, "the cursor stays on its character");
    e.toggle_comment("#");
    assert_eq!(e.lines()[1], "  saw a -> out");
    e.set_cursor(Pos { line: 0, col: 0 });
    e.move_to(Move::Bottom, true);
    e.toggle_comment("#");
    assert_eq!(e.text(), "# a = sine 2\n#   saw a -> out\n\n# noise -> out");
    e.toggle_comment("#");
    assert_eq!(e.text(), "a = sine 2\n  saw a -> out\n\nnoise -> out");
    e.set_cursor(Pos { line: 3, col: 0 });
    e.toggle_comment("//");
    assert_eq!(e.lines()[3], "// noise -> out");
}

#[test]
fn lines_duplicate_and_move_with_the_cursor() {
    let mut e = Editor::new("one\ntwo\nthree");
    e.set_cursor(Pos { line: 1, col: 1 });
    e.duplicate_lines();
    assert_eq!(e.text(), "one\ntwo\ntwo\nthree");
    assert_eq!(e.cursor(), Pos { line: 2, col: 1 });
    e.move_lines(false);
    e.move_lines(false);
    assert_eq!(e.text(), "two\none\ntwo\nthree");
    assert_eq!(e.cursor().line, 0);
    e.move_lines(false);
    assert_eq!(e.text(), "two\none\ntwo\nthree", "the top stays the top");
    e.set_cursor(Pos { line: 2, col: 0 });
    e.move_to(Move::Down, true);
    e.move_lines(true);
    assert_eq!(
        e.text(),
        "two\none\nthree\ntwo",
        "a selection ending at column 0 moves only its first line"
    );
    assert_eq!(e.cursor(), Pos { line: 3, col: 0 }, "the cursor stays inside the text");
    for _ in 0..4 {
        e.undo();
    }
    assert_eq!(e.text(), "one\ntwo\nthree");
}

#[test]
fn pages_follow_the_pane_and_columns_follow_wide_characters() {
    let text = (0..100).fold(String::new(), |t, i| t + "line " + &i.to_string() + "\n");
    let mut e = Editor::new(&text);
    e.scroll_to_cursor(10);
    e.move_to(Move::PageDown, false);
    assert_eq!(e.cursor().line, 9, "a page of a 10-line pane keeps one line of context");
    // `🎹` takes two cells: moving down from after it lands under the same screen column.
    let mut w = Editor::new("🎹x = 1\nabcdef");
    w.set_cursor(Pos { line: 0, col: 1 });
    w.move_to(Move::Down, false);
    assert_eq!(w.cursor(), Pos { line: 1, col: 2 });
}
