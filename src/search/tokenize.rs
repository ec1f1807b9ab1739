//! Turning text into search terms. The client (themes/default/static/
//! search.js) tokenizes queries the same way; tests keep the two in step.
//!
//! Domain words stay whole as well as split: `us-east-1` is indexed as
//! `us-east-1`, `us`, `east` and `1`, so both the exact key and its parts
//! find it. Terms are lowercase; a short list of English stopwords is left
//! out of the index.

/// Words too common to help find a retro.
pub const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has", "have", "in", "into",
    "is", "it", "its", "of", "on", "or", "that", "the", "their", "then", "there", "this", "to", "was", "were", "which",
    "while", "with",
];

/// Characters that join the parts of a compound term (`us-east-1`, `p99.9`,
/// `pg_wal`). Slashes and colons separate: a URL's path segments such as
/// `OPS-1234` are terms of their own.
pub(crate) fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '_' | '.')
}

/// Stopwords and single letters are left out; single digits stay (`p1`
/// is one term anyway, but `v2 1` should still find `1`).
fn keep(part: &str) -> bool {
    // Runs once per word indexed: most words are longer than any stopword
    // and are kept after one comparison.
    match part.len() {
        0 => false,
        1 => !part.as_bytes()[0].is_ascii_alphabetic(),
        2..=5 => !(is_stopword(part) || is_single_letter(part)),
        _ => true,
    }
}

fn is_single_letter(part: &str) -> bool {
    let mut chars = part.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic())
}

/// A stopword test without comparing strings (it runs once per word
/// indexed): each stopword, packed into an integer, has its own slot of a
/// 64-entry table under a multiplicative hash.
fn is_stopword(word: &str) -> bool {
    /// A multiplier that gives every stopword its own slot, found by trying
    /// random ones; the table below does not compile if two collide.
    const MUL: u64 = 0x5a0c_5241_af64_2821;
    const fn slot(key: u64) -> usize {
        (key.wrapping_mul(MUL) >> 58) as usize
    }
    const TABLE: [u64; 64] = {
        let mut table = [0u64; 64];
        let mut i = 0;
        while i < STOPWORDS.len() {
            let key = pack(STOPWORDS[i].as_bytes());
            assert!(table[slot(key)] == 0, "two stopwords share a slot: pick another MUL");
            table[slot(key)] = key;
            i += 1;
        }
        table
    };
    if word.len() > 5 {
        return false;
    }
    let key = pack(word.as_bytes());
    TABLE[slot(key)] == key
}

/// Up to seven bytes and the length, in one integer.
const fn pack(word: &[u8]) -> u64 {
    let mut key = word.len() as u64;
    let mut i = 0;
    while i < word.len() {
        key = key << 8 | word[i] as u64;
        i += 1;
    }
    key
}

/// The terms of `text`, in order, compounds followed by their parts.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_term(text, |t| out.push(t.to_string()));
    out
}

/// Call `f` with every term of `text`; avoids collecting for the indexer.
/// A word is a run of letters and digits, joined by single joiners.
pub fn for_each_term(text: &str, mut f: impl FnMut(&str)) {
    // Most text is ASCII: lowercase it without Unicode tables, or not at all.
    let lower: std::borrow::Cow<str> = if !text.is_ascii() {
        text.to_lowercase().into()
    } else if text.bytes().any(|b| b.is_ascii_uppercase()) {
        text.to_ascii_lowercase().into()
    } else {
        text.into()
    };
    if lower.is_ascii() {
        return for_each_ascii_term(&lower, f);
    }
    let mut start: Option<usize> = None;
    let mut chars = lower.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let joins = is_joiner(c) && start.is_some() && chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        if c.is_alphanumeric() || joins {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            emit(&lower[s..i], &mut f);
        }
    }
    if let Some(s) = start {
        emit(&lower[s..], &mut f);
    }
}

/// `for_each_term` over lowercase ASCII, by bytes: the same words, without
/// decoding characters (most text is ASCII, and this runs over all of it).
fn for_each_ascii_term(text: &str, mut f: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let word_byte = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_alphanumeric);
    let mut i = 0;
    while i < bytes.len() {
        if !word_byte(i) {
            i += 1;
            continue;
        }
        let start = i;
        let mut compound = false;
        loop {
            while word_byte(i) {
                i += 1;
            }
            // A joiner between two word characters continues the word.
            if i < bytes.len() && is_joiner(bytes[i] as char) && word_byte(i + 1) {
                compound = true;
                i += 1;
            } else {
                break;
            }
        }
        emit_word(&text[start..i], compound, &mut f);
    }
}

/// A word's terms: a compound whole, then its parts.
fn emit(word: &str, f: &mut impl FnMut(&str)) {
    emit_word(word, word.contains(is_joiner), f)
}

/// `emit` when the caller knows whether the word has joiners.
fn emit_word(word: &str, compound: bool, f: &mut impl FnMut(&str)) {
    if compound {
        f(word);
        word.split(is_joiner).filter(|p| !p.is_empty() && keep(p)).for_each(f);
    } else if keep(word) {
        f(word);
    }
}

/// The terms of a query: compounds whole (their parts are indexed too, so
/// `east` still finds `us-east-1`), stopwords dropped.
pub fn query_terms(query: &str) -> Vec<String> {
    let lower = query.to_lowercase();
    let mut out = Vec::new();
    for raw in lower.split(|c: char| !(c.is_alphanumeric() || is_joiner(c))) {
        let w = raw.trim_matches(is_joiner);
        if !w.is_empty() && keep(w) && !out.iter().any(|o| o == w) {
            out.push(w.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_words_stay_whole_and_split() {
        assert_eq!(terms("Traffic from us-east-1 hit 5xx"), ["traffic", "us-east-1", "us", "east", "1", "hit", "5xx"]);
        assert_eq!(terms("INC-1234: p99 latency."), ["inc-1234", "inc", "1234", "p99", "latency"]);
        assert_eq!(
            terms("https://t.example.com/browse/OPS-12"),
            ["https", "t.example.com", "example", "com", "browse", "ops-12", "ops", "12"]
        );
        assert_eq!(terms("The on-call's pager"), ["on-call", "call", "pager"]);
        assert_eq!(terms("a.b. end- 7"), ["a.b", "end", "7"]);
        assert_eq!(terms("-x_ ab..cd ef-_gh i-J9 .."), ["ab", "cd", "ef", "gh", "i-j9", "j9"]);
        // The same words when the text is not all ASCII.
        assert_eq!(terms("-x_ ab..cd ef-_gh i-J9 .. é"), ["ab", "cd", "ef", "gh", "i-j9", "j9"]);
    }

    #[test]
    fn stopwords_are_sorted_and_short() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOPWORDS.iter().all(|w| w.len() <= 5));
        assert_eq!(terms("The ÉTÉ and Straße"), ["été", "straße"]);
    }

    #[test]
    fn every_stopword_and_single_letter_is_left_out() {
        assert!(STOPWORDS.iter().all(|w| !keep(w)));
        assert!(["x", "é", "ü"].iter().all(|w| !keep(w)));
        assert!(["7", "ab", "thee", "then1", "their0", "été", "straße", "to-do"].iter().all(|w| keep(w)));
    }

    #[test]
    fn queries_keep_compounds_and_drop_stopwords() {
        assert_eq!(query_terms("The US-East-1 outage of checkout"), ["us-east-1", "outage", "checkout"]);
        assert_eq!(query_terms("  "), Vec::<String>::new());
    }
}
