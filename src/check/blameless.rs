//! `blameless-language`: wording that assigns blame or judges people in
//! hindsight, located precisely and paired with a kinder alternative.
//!
//! Matching is by whole words, case-insensitive, across line breaks (so a
//! phrase folded over two YAML lines is still found). Text in quotation
//! marks, block quotes and code is not judged: quoting a chat log or a
//! command is not blaming anyone.

use crate::config::BlamelessConfig;
use crate::model::{At, Finding, Retro, Rule};
use crate::text::LineIndex;
use foldhash::HashMap;

/// The built-in phrases and what to write instead.
const DEFAULT_PHRASES: &[(&str, &str)] = &[
    ("human error", "describe what made the action reasonable at the time, and what the system allowed"),
    ("operator error", "describe what made the action reasonable at the time, and what the system allowed"),
    ("user error", "describe what the interface or process made easy to get wrong"),
    ("root cause", "\"contributing factors\": incidents rarely have a single cause"),
    ("root causes", "\"contributing factors\": incidents rarely have a single cause"),
    ("should have", "describe what was known and done at the time"),
    ("should not have", "describe what was known and done at the time"),
    ("shouldn't have", "describe what was known and done at the time"),
    ("could have", "describe what was possible with what was known then"),
    ("failed to", "\"did not\", and what made it hard"),
    ("neglected to", "\"did not\", and what made it hard"),
    ("forgot to", "\"did not\", and what would have prompted it"),
    ("blame", "focus on conditions and systems rather than on people"),
    ("blamed", "focus on conditions and systems rather than on people"),
    ("to blame", "focus on conditions and systems rather than on people"),
    ("fault", "\"contributing factor\""),
    ("at fault", "\"contributing factor\""),
    ("careless", "describe the pressures and context people were working in"),
    ("carelessness", "describe the pressures and context people were working in"),
    ("negligence", "describe the pressures and context people were working in"),
    ("negligent", "describe the pressures and context people were working in"),
    ("sloppy", "describe the pressures and context people were working in"),
    ("lazy", "describe the pressures and context people were working in"),
    ("incompetent", "describe the gap in training, tooling or documentation"),
    ("obviously", "hindsight makes it look obvious; describe what was visible at the time"),
];

/// Words after "fault" that make it an engineering term, not blame.
const FAULT_TERMS: &[&str] =
    &["tolerance", "tolerant", "injection", "domain", "domains", "isolation", "line", "lines", "detection"];

pub struct Phrases {
    /// First word of each phrase to the phrases that start with it.
    by_first: HashMap<String, Vec<Phrase>>,
    /// For each ASCII first byte (either case), the lengths of the first
    /// words starting with it, as bits: most words are ruled out by this
    /// table without hashing. All bits set where a first word is not short
    /// ASCII.
    first_lengths: [u64; 128],
}

struct Phrase {
    words: Vec<String>,
    suggestion: String,
}

impl Phrases {
    pub fn from_config(config: &BlamelessConfig) -> Phrases {
        let allowed: Vec<String> = config.allow.iter().map(|a| a.trim().to_lowercase()).collect();
        let defaults = DEFAULT_PHRASES.iter().map(|(p, s)| (p.to_string(), s.to_string()));
        let extra = config.phrases.iter().map(|p| (p.phrase.trim().to_lowercase(), p.suggestion.clone()));
        let mut by_first: HashMap<String, Vec<Phrase>> = HashMap::default();
        for (phrase, suggestion) in defaults.chain(extra) {
            if allowed.contains(&phrase) {
                continue;
            }
            let words: Vec<String> = words(&phrase).map(|(s, e)| normalize(&phrase[s..e])).collect();
            if let Some(first) = words.first() {
                by_first.entry(first.clone()).or_default().push(Phrase { words, suggestion });
            }
        }
        // Longest first, so "at fault" wins over "fault".
        for list in by_first.values_mut() {
            list.sort_by_key(|p| std::cmp::Reverse(p.words.len()));
        }
        let mut first_lengths = [0u64; 128];
        for key in by_first.keys() {
            let Some(&b) = key.as_bytes().first() else { continue };
            let bits = if key.is_ascii() && key.len() < 64 { 1 << key.len() } else { u64::MAX };
            if b < 0x80 {
                first_lengths[b as usize] |= bits;
                first_lengths[b.to_ascii_uppercase() as usize] |= bits;
            }
        }
        Phrases { by_first, first_lengths }
    }

    /// Every phrase in `text`, as (start, end, phrase), quoted text excluded.
    fn find<'p>(&'p self, text: &str) -> Vec<(usize, usize, &'p Phrase)> {
        let mut found = Vec::new();
        let mut buf = [0u8; 32];
        // Words are read as they come: this runs over every word of every
        // retro, and almost none starts a phrase.
        let mut tokens = words(text);
        while let Some((start, first_end)) = tokens.next() {
            let word = &text[start..first_end];
            if !self.may_start(word) {
                continue;
            }
            // Most words are short ASCII: lowercase them on the stack.
            let hit = match ascii_lower(word, &mut buf) {
                Some(key) => self.by_first.get(key),
                None => self.by_first.get(normalize(word).as_str()),
            }
            .and_then(|list| {
                list.iter().find(|p| {
                    let mut rest = tokens.clone();
                    p.words[1..].iter().all(|w| rest.next().is_some_and(|(s, e)| same_word(&text[s..e], w)))
                })
            });
            let Some(p) = hit else { continue };
            let mut end = first_end;
            for _ in 1..p.words.len() {
                end = tokens.next().map_or(end, |(_, e)| e);
            }
            let engineering = p.words == ["fault"]
                && tokens.clone().next().is_some_and(|(s, e)| FAULT_TERMS.contains(&normalize(&text[s..e]).as_str()));
            if !engineering && !quoted_ranges(text).iter().any(|q| q.start <= start && end <= q.end) {
                found.push((start, end, p));
            }
        }
        found
    }

    /// Whether a phrase may start with `word`, by its first byte and
    /// length: rules out most words without lowercasing or hashing.
    fn may_start(&self, word: &str) -> bool {
        let bytes = word.as_bytes();
        let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else { return false };
        if first == b'\'' || last == b'\'' {
            // Rare: apostrophes at the edges are not part of the word.
            let trimmed = word.trim_matches('\'');
            return !trimmed.is_empty() && self.may_start(trimmed);
        }
        if first >= 0x80 {
            return true;
        }
        let lengths = self.first_lengths[first as usize];
        if lengths == 0 {
            return false;
        }
        // Byte length is character length only in ASCII: a word with a
        // curly apostrophe may still match.
        (bytes.len() < 64 && lengths & (1 << bytes.len()) != 0) || !word.is_ascii()
    }
}

/// Whether a word of the text is `phrase_word` (normalized), without
/// allocating for the usual ASCII word.
fn same_word(word: &str, phrase_word: &str) -> bool {
    if word.is_ascii() {
        word.trim_matches('\'').eq_ignore_ascii_case(phrase_word)
    } else {
        normalize(word) == phrase_word
    }
}

/// `word` lowercased into `buf`, apostrophes trimmed; `None` when it is not
/// short ASCII (then the caller takes the slow path).
fn ascii_lower<'b>(word: &str, buf: &'b mut [u8; 32]) -> Option<&'b str> {
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
fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + Clone + '_ {
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

fn normalize(word: &str) -> String {
    word.to_lowercase().replace('\u{2019}', "'").trim_matches('\'').to_string()
}

/// Spans inside straight or curly double quotes.
fn quoted_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut open: Option<usize> = None;
    for (i, c) in text.char_indices() {
        match (c, open) {
            ('"', None) | ('\u{201c}', None) => open = Some(i),
            ('"', Some(s)) | ('\u{201d}', Some(s)) => {
                ranges.push(s..i + c.len_utf8());
                open = None;
            }
            _ => {}
        }
    }
    ranges
}

pub fn check_retro(retro: &Retro, phrases: &Phrases, out: &mut Vec<Finding>) {
    let source = retro.source.as_str();
    // Built on the first hit only: most retros have none.
    let lines = std::cell::OnceCell::new();
    let report = |start: usize, end: usize, phrase: &Phrase, out: &mut Vec<Finding>| {
        let lines = lines.get_or_init(|| LineIndex::new(source));
        let found = &source[start..end];
        let found = found.split_whitespace().collect::<Vec<_>>().join(" ");
        out.push(
            Finding::new(
                Rule::BlamelessLanguage,
                &retro.path,
                lines.pos(start),
                format!("\"{found}\" is not blameless language"),
            )
            .hint(format!("instead: {}", phrase.suggestion))
            .len(end - start),
        );
    };
    for range in &retro.body.prose {
        for (s, e, p) in phrases.find(&source[range.clone()]) {
            report(range.start + s, range.start + e, p, out);
        }
    }
    for field in judged_fields(retro) {
        for (_, _, p) in phrases.find(&field.value) {
            if let Some((s, e)) = locate_in_source(source, field.pos.offset, &p.words) {
                report(s, e, p, out);
            }
        }
    }
}

/// The front-matter texts readers see as prose.
fn judged_fields(retro: &Retro) -> impl Iterator<Item = &At<String>> {
    let items = retro.actions().iter().map(|a| &a.title);
    retro
        .title
        .iter()
        .chain(&retro.summary)
        .chain(&retro.impact)
        .chain(retro.factors.iter().map(|f| &f.description))
        .chain(retro.timeline.iter().map(|t| &t.event))
        .chain(items)
}

/// Find a phrase in the YAML source from a value's start, across folded
/// lines: the parsed value says a phrase is there; this says where.
fn locate_in_source(source: &str, from: usize, phrase: &[String]) -> Option<(usize, usize)> {
    let window_end = source[from..].find("\n---").map(|i| from + i).unwrap_or(source.len());
    let window = &source[from..window_end];
    let tokens: Vec<(usize, usize)> = words(window).collect();
    tokens.windows(phrase.len()).find_map(|w| {
        let matches = w.iter().zip(phrase).all(|(&(s, e), p)| normalize(&window[s..e]) == *p);
        matches.then(|| (from + w[0].0, from + w[phrase.len() - 1].1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let phrases = Phrases::from_config(&BlamelessConfig::default());
        phrases.find(text).into_iter().map(|(s, e, _)| &text[s..e]).collect()
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(found("The default config had a fault."), ["fault"]);
        assert!(found("Defaults and faultless fault-tolerance.").is_empty());
        assert!(found("We ran fault injection.").is_empty());
    }

    #[test]
    fn phrases_across_lines_and_cases() {
        assert_eq!(found("It was Human\n  Error, they said."), ["Human\n  Error"]);
        assert_eq!(found("He shouldn’t have deployed"), ["shouldn’t have"]);
        assert_eq!(found("who was at fault"), ["at fault"]);
    }

    #[test]
    fn quoted_text_is_not_judged() {
        assert!(found("The page said \"root cause unknown\".").is_empty());
        assert!(found("The ticket was titled “human error”.").is_empty());
        assert_eq!(found("\"ok\" but root cause"), ["root cause"]);
    }

    #[test]
    fn configurable() {
        let config = BlamelessConfig {
            phrases: vec![crate::config::PhraseConfig { phrase: "dropped the ball".into(), suggestion: "x".into() }],
            allow: vec!["root cause".into()],
        };
        let phrases = Phrases::from_config(&config);
        let text = "root cause: someone dropped the ball";
        let hits: Vec<&str> = phrases.find(text).into_iter().map(|(s, e, _)| &text[s..e]).collect();
        assert_eq!(hits, ["dropped the ball"]);
    }

    #[test]
    fn locating_in_folded_yaml() {
        let src = "summary: >\n  The root\n  cause was a cache.\n";
        let phrase = vec!["root".to_string(), "cause".to_string()];
        let (s, e) = locate_in_source(src, 9, &phrase).unwrap();
        assert_eq!(&src[s..e], "root\n  cause");
    }
}
