//! Positions between the model (byte offsets; lines and character columns)
//! and the client (lines and UTF-16 code units, or UTF-8 bytes when the
//! client offers that encoding).

use crate::model::Pos;
use lsp_types::{Position, Range};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Utf16,
    Utf8,
}

/// The byte offsets at which the lines of a text start.
pub(crate) struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
    encoding: Encoding,
}

impl<'t> Lines<'t> {
    pub(crate) fn new(text: &'t str, encoding: Encoding) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines { text, starts, encoding }
    }

    /// The text of a 0-based line, without its line ending ("" past the end).
    pub(crate) fn line(&self, line: usize) -> &'t str {
        let Some(&start) = self.starts.get(line) else { return "" };
        let end = self.starts.get(line + 1).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub(crate) fn encoding(&self) -> Encoding {
        self.encoding
    }

    pub(crate) fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.text.len())
    }

    pub(crate) fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line holding a byte offset.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset.min(self.text.len())) - 1
    }

    /// A byte offset as a client position.
    pub(crate) fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let before = &self.text[self.starts[line]..offset];
        let character = match self.encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.encode_utf16().count(),
        };
        Position { line: line as u32, character: character as u32 }
    }

    /// A client position as a byte offset, clamped to its line (a position
    /// past the end of a line or of the text is its end, as LSP says).
    pub(crate) fn offset(&self, position: Position) -> usize {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return self.text.len();
        }
        let text = self.line(line);
        let want = position.character as usize;
        let mut units = 0;
        for (i, c) in text.char_indices() {
            if units >= want {
                return self.starts[line] + i;
            }
            units += match self.encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
        }
        self.starts[line] + text.len()
    }

    /// The byte offset of a model position (1-based line, character column),
    /// clamped to its line.
    pub(crate) fn offset_of(&self, pos: Pos) -> usize {
        let line = (pos.line.max(1) - 1) as usize;
        if line >= self.starts.len() {
            return self.text.len();
        }
        let text = self.line(line);
        let skip = (pos.column.max(1) - 1) as usize;
        self.starts[line] + text.char_indices().nth(skip).map_or(text.len(), |(i, _)| i)
    }

    pub(crate) fn range(&self, start: usize, end: usize) -> Range {
        Range { start: self.position(start), end: self.position(end.max(start)) }
    }

    /// The range of a model position: `len` bytes, or else the word there.
    pub(crate) fn range_at(&self, pos: Pos, len: usize) -> Range {
        let start = self.offset_of(pos);
        let line_end = self.line_start(self.line_of(start)) + self.line(self.line_of(start)).len();
        let end = if len > 0 {
            (start + len).min(line_end)
        } else {
            let rest = &self.text[start..line_end];
            start + rest.find(char::is_whitespace).unwrap_or(rest.len())
        };
        self.range(start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_counts_astral_characters_twice() {
        let lines = Lines::new("a\n😀 x\n", Encoding::Utf16);
        let x = "a\n😀 ".len();
        assert_eq!(lines.position(x), Position { line: 1, character: 3 });
        assert_eq!(lines.offset(Position { line: 1, character: 3 }), x);
        let lines = Lines::new("a\n😀 x\n", Encoding::Utf8);
        assert_eq!(lines.position(x), Position { line: 1, character: 5 });
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let lines = Lines::new("ab\ncd", Encoding::Utf16);
        assert_eq!(lines.offset(Position { line: 0, character: 99 }), 2);
        assert_eq!(lines.offset(Position { line: 9, character: 0 }), 5);
        assert_eq!(lines.position(99), Position { line: 1, character: 2 });
    }
}
