//! The words of a text and the way from one to the next: the bottom layer
//! of the rule. `Scan` is the text being judged with what the rule knows
//! of people; this module gives it word access, `who.rs` adds who a word
//! names, and `scan.rs` the pass and the triggers on top of both. Nothing
//! here looks at the lexicon's meaning of a word.

use super::Phrases;

/// A word span: (start, end) byte offsets.
pub(super) type Span = (usize, usize);

/// A text being judged, with the rule and the retro's people.
pub(super) struct Scan<'t, 'p> {
    pub text: &'t str,
    pub phrases: &'p Phrases,
    pub is_person: &'t dyn Fn(&str) -> bool,
}

impl Scan<'_, '_> {
    /// Whether the word at `span` is one of `list` (lowercase).
    pub(super) fn is(&self, span: Span, list: &[&str]) -> bool {
        let word = &self.text[span.0..span.1];
        list.iter().any(|w| same_word(word, w))
    }

    /// The word after `at` in the same sentence.
    pub(super) fn word_after(&self, at: usize) -> Option<Span> {
        let text = self.text;
        let mut i = at;
        let mut newlines = 0;
        while let Some(c) = text[i..].chars().next() {
            if is_word_char(c) {
                let start = i;
                while let Some(c) = text[i..].chars().next().filter(|&c| is_word_char(c)) {
                    i += c.len_utf8();
                }
                return Some((start, i));
            }
            newlines += usize::from(c == '\n');
            if ends_sentence(c) || newlines > 1 {
                return None;
            }
            i += c.len_utf8();
        }
        None
    }

    /// The word before `at` in the same sentence.
    pub(super) fn word_before(&self, at: usize) -> Option<Span> {
        let text = self.text;
        let mut i = at;
        let mut newlines = 0;
        while let Some(c) = text[..i].chars().next_back() {
            if is_word_char(c) {
                let end = i;
                while let Some(c) = text[..i].chars().next_back().filter(|&c| is_word_char(c)) {
                    i -= c.len_utf8();
                }
                return Some((i, end));
            }
            newlines += usize::from(c == '\n');
            if ends_sentence(c) || newlines > 1 {
                return None;
            }
            i -= c.len_utf8();
        }
        None
    }

    /// The whole sentence around `at`: from the last '.', '!' or '?'
    /// before a space (so "1.5" and "gitlab.com" stay inside) or blank
    /// line, to the next. Wider than the stretch `word_before` walks: a
    /// clause after a colon still explains the one before it.
    pub(super) fn sentence(&self, at: usize) -> std::ops::Range<usize> {
        let text = self.text;
        let ends_at = |i: usize| {
            let b = text.as_bytes();
            matches!(b[i], b'.' | b'!' | b'?') && b.get(i + 1).is_none_or(|c| c.is_ascii_whitespace())
                || (b[i] == b'\n' && b.get(i + 1) == Some(&b'\n'))
        };
        let start = (0..at).rev().find(|&i| ends_at(i)).map_or(0, |i| i + 1);
        let end = (at..text.len()).find(|&i| ends_at(i)).unwrap_or(text.len());
        start..end
    }

    /// The words of `range`, as spans of the whole text.
    pub(super) fn words_in(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = Span> + '_ {
        words(&self.text[range.clone()]).map(move |(s, e)| (range.start + s, range.start + e))
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '\u{2019}'
}

/// Characters that end the stretch a subject or object is looked for in.
pub(super) fn ends_sentence(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ';' | ':' | '(' | ')' | '"' | '\u{201c}' | '\u{201d}')
}

/// Whether a word of the text is `phrase_word` (lowercase), ignoring
/// apostrophes at its edges and the kind of apostrophe, without allocating.
pub(super) fn same_word(word: &str, phrase_word: &str) -> bool {
    let word = word.trim_matches(['\'', '\u{2019}']);
    if word.is_ascii() {
        return word.eq_ignore_ascii_case(phrase_word);
    }
    let mut theirs = word.chars().map(|c| if c == '\u{2019}' { '\'' } else { c });
    let mut ours = phrase_word.chars();
    loop {
        match (theirs.next(), ours.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a.to_lowercase().eq(std::iter::once(b)) => {}
            _ => return false,
        }
    }
}

/// `word` lowercased into `buf`, apostrophes trimmed; `None` when it is not
/// short ASCII (then the caller takes the slow path).
pub(super) fn ascii_lower<'b>(word: &str, buf: &'b mut [u8; 32]) -> Option<&'b str> {
    if word.len() > buf.len() || !word.is_ascii() {
        return None;
    }
    let out = &mut buf[..word.len()];
    out.copy_from_slice(word.as_bytes());
    out.make_ascii_lowercase();
    std::str::from_utf8(out).ok().map(|s| s.trim_matches('\''))
}

/// Word spans: letters, digits and apostrophes. Scans bytes and decodes
/// only non-ASCII characters, since it runs over every word of every retro.
pub(super) fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + Clone + '_ {
    let bytes = text.as_bytes();
    // Whether the character at a byte offset is part of a word, and its width.
    let class = move |at: usize| -> (bool, usize) {
        let b = bytes[at];
        if b < 0x80 {
            (b.is_ascii_alphanumeric() || b == b'\'', 1)
        } else {
            let c = text[at..].chars().next().unwrap_or(' ');
            (c.is_alphanumeric() || c == '\u{2019}', c.len_utf8())
        }
    };
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            if at >= bytes.len() {
                return None;
            }
            let (in_word, width) = class(at);
            if in_word {
                break;
            }
            at += width;
        }
        let start = at;
        while at < bytes.len() {
            let (in_word, width) = class(at);
            if !in_word {
                break;
            }
            at += width;
        }
        Some((start, at))
    })
}

pub(super) fn normalize(word: &str) -> String {
    word.to_lowercase().replace('\u{2019}', "'").trim_matches('\'').to_string()
}
