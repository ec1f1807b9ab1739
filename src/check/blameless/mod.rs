//! `blameless-language`: wording that judges people or reasons from
//! hindsight, located precisely, said what kind of blame it is, and paired
//! with a kinder alternative.
//!
//! Two kinds of match. Fixed phrases ("human error", "root cause",
//! "careless") are flagged wherever they stand. Trigger words ("forgot",
//! "failed to", "mistake", "accountable", "if … had") are flagged only when
//! a person is the one judged: `who.rs` tells people (the retro's people,
//! the `[people]` roster, role nouns, pronouns, capitalised names) from
//! systems, so "the client ignored the header" is left alone.
//!
//! A hit is then read against its sentence (`context.rs`): "nobody" naming
//! a gap in ownership ("no one checked it, because no team owned it") and
//! blame mentioned to say it did not happen ("no one asked whose fault it
//! was") are not reported.
//!
//! Matching is by whole words, case-insensitive, across line breaks (so a
//! phrase folded over two YAML lines is still found). Text in quotation
//! marks, block quotes and code is not judged: quoting a chat log or a
//! command is not blaming anyone.

mod context;
mod lexicon;
mod scan;
mod who;
mod words;

use crate::config::Config;
use crate::model::{At, Finding, Retro, Rule};
use crate::text::LineIndex;
use foldhash::{HashMap, HashSet};
pub use scan::Hit;
use words::{normalize, words};

/// What kind of blame a finding is; each has its own advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// "human error", "operator error": a label instead of a description.
    Label,
    /// "root cause": one cause where there are several factors.
    RootCause,
    /// A person as the subject of an omission: "Priya forgot", "nobody checked".
    Omission,
    /// A judgement of a person: "careless", "sloppy", "lazy".
    Character,
    /// Fault placed on a person: "a mistake by the on-call", "Tom's fault".
    Attribution,
    /// "hold the author accountable", "responsible for the outage".
    Accountability,
    /// What a person should have done: "should have", "if Priya had".
    Counterfactual,
    /// "obviously": hindsight.
    Hindsight,
    /// A phrase from `[check.blameless] phrases`.
    Custom,
}

impl Kind {
    /// How the message names the kind.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Label => "labels an action instead of describing it",
            Kind::RootCause => "names a single cause",
            Kind::Omission => "pins an omission on a person",
            Kind::Character => "judges a person",
            Kind::Attribution => "places the fault on a person",
            Kind::Accountability => "asks for a person to answer for the incident",
            Kind::Counterfactual => "judges a person by what they might have done",
            Kind::Hindsight => "reads the past with hindsight",
            Kind::Custom => "is on this repository's list",
        }
    }

    fn suggestion(self) -> &'static str {
        match self {
            Kind::Label => "describe what made the action reasonable at the time, and what the system allowed",
            Kind::RootCause => "\"contributing factors\": incidents rarely have a single cause",
            Kind::Omission => {
                "describe what the person saw and what made the step easy to miss (\"the reminder did not fire\")"
            }
            Kind::Character => "describe the conditions, not the person: workload, pressure, tooling, context",
            Kind::Attribution => "name the contributing factors instead of a person",
            Kind::Accountability => "ask what should change so the next person succeeds",
            Kind::Counterfactual => "describe what was known and done at the time, not what might have been",
            Kind::Hindsight => "hindsight makes it look obvious; describe what was visible at the time",
            Kind::Custom => "",
        }
    }
}

/// A word that starts a check of who is judged; see `scan.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trigger {
    /// "forgot": a known person, a capitalised name or "they" as subject.
    HumanVerb,
    /// "ignored", "missed": systems do it too, so only a known person
    /// (or "by <person>" after it).
    Verb,
    /// "failed to": as `Verb`, with "to" after it.
    VerbTo,
    /// "should have", "could have".
    Modal,
    /// "didn't check", "did not verify", "never tested".
    Negation,
    /// "nobody bothered", "no one reviewed".
    NoOne,
    /// "mistake", "error", "fault": of, by or belonging to a person.
    FaultNoun,
    /// "accountable", "responsible for the outage".
    Accountable,
    /// "if <person> had …".
    If,
    /// "Had <person> …," opening a sentence.
    Had,
    /// "lazy", unless an engineering term follows ("lazy loading").
    Lazy,
}

struct Phrase {
    words: Vec<String>,
    kind: Kind,
    suggestion: String,
}

#[derive(Default)]
struct Entry {
    /// Phrases starting with this word, longest first.
    phrases: Vec<Phrase>,
    trigger: Option<Trigger>,
}

/// The compiled rule: phrases and triggers by first word, and the people
/// the repository knows of.
pub struct Phrases {
    by_first: HashMap<String, Entry>,
    /// For each ASCII first byte (either case), the lengths of the first
    /// words starting with it, as bits: most words are ruled out by this
    /// table without hashing. All bits set where a first word is not short
    /// ASCII.
    first_lengths: [u64; 128],
    /// For each first byte (either case) and length (modulo 8), the
    /// lowercase last bytes of the first words, as bits: "is", "it" and
    /// "in" are ruled out beside "if". See `slot`.
    last_bytes: [u128; 256],
    /// Lowercased handles, handle parts and name parts of `[people]`.
    roster: HashSet<String>,
    /// Extra role nouns from `[check.blameless] roles`.
    roles: Vec<String>,
    /// Team slugs of `[teams]`: an owner named after a team ("search") is
    /// as often the system the team runs.
    teams: Vec<String>,
}

impl Phrases {
    pub fn from_config(config: &Config) -> Phrases {
        let blameless = &config.check.blameless;
        let allowed: Vec<String> = blameless.allow.iter().map(|a| a.trim().to_lowercase()).collect();
        let mut by_first: HashMap<String, Entry> = HashMap::default();
        let defaults = lexicon::PHRASES.iter().map(|&(p, k)| (p.to_string(), k, k.suggestion().to_string()));
        let extra =
            blameless.phrases.iter().map(|p| (p.phrase.trim().to_lowercase(), Kind::Custom, p.suggestion.clone()));
        for (phrase, kind, suggestion) in defaults.chain(extra) {
            let words: Vec<String> = words(&phrase).map(|(s, e)| normalize(&phrase[s..e])).collect();
            if allowed.contains(&phrase) || words.is_empty() {
                continue;
            }
            let entry = by_first.entry(words[0].clone()).or_default();
            entry.phrases.push(Phrase { words, kind, suggestion });
        }
        for &(word, trigger, key) in lexicon::TRIGGERS {
            if !allowed.iter().any(|a| a == key || a == word) {
                by_first.entry(word.to_string()).or_default().trigger = Some(trigger);
            }
        }
        // Longest first, so "at fault" wins over "at".
        for entry in by_first.values_mut() {
            entry.phrases.sort_by_key(|p| std::cmp::Reverse(p.words.len()));
        }
        let (first_lengths, last_bytes) = first_and_last(by_first.keys());
        let mut roster = HashSet::default();
        for (handle, person) in &config.people {
            let names = person.name.as_deref().unwrap_or("");
            for part in
                std::iter::once(handle.as_str()).chain(handle.split(['.', '_', '-'])).chain(names.split_whitespace())
            {
                let part = part.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
                if part.chars().count() > 1 {
                    roster.insert(part);
                }
            }
        }
        let roles = blameless.roles.iter().map(|r| r.trim().to_lowercase()).collect();
        let teams = config.teams.keys().cloned().collect();
        Phrases { by_first, first_lengths, last_bytes, roster, roles, teams }
    }

    /// Every blameful phrase in `text`, quoted text excluded, overlapping
    /// hits kept once. `is_person` says whether a word names one of the
    /// retro's own people (authors, attendees, owners, …).
    pub fn find<'p>(&'p self, text: &str, is_person: &dyn Fn(&str) -> bool) -> Vec<Hit<'p>> {
        let scan = words::Scan { text, phrases: self, is_person };
        let mut found = scan.run();
        if found.is_empty() {
            return found;
        }
        let quoted = quoted_ranges(text);
        found.retain(|h| !quoted.iter().any(|q| q.start <= h.start && h.end <= q.end));
        found.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        let mut end = 0;
        found.retain(|h| {
            let keep = h.start >= end;
            end = end.max(h.end);
            keep
        });
        found
    }

    /// Whether a phrase or trigger may start with `word`, by its first byte
    /// and length: rules out most words without lowercasing or hashing.
    fn may_start(&self, word: &str) -> bool {
        let bytes = word.as_bytes();
        let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else { return false };
        if first == b'\'' || last == b'\'' {
            // Rare: apostrophes at the edges are not part of the word.
            let trimmed = word.trim_matches('\'');
            return !trimmed.is_empty() && self.may_start(trimmed);
        }
        if first >= 0x80 || last >= 0x80 {
            return true;
        }
        let lengths = self.first_lengths[first as usize];
        if lengths == 0 {
            return false;
        }
        let length = bytes.len() < 64 && lengths & (1 << bytes.len()) != 0;
        // Byte length is character length only in ASCII: a word with a
        // curly apostrophe may still match.
        (length && self.last_bytes[slot(first, bytes.len())] & (1 << last.to_ascii_lowercase()) != 0)
            || !word.is_ascii()
    }
}

/// The tables of `may_start`: lengths by first byte, last bytes by first
/// byte and length.
fn first_and_last<'k>(keys: impl Iterator<Item = &'k String>) -> ([u64; 128], [u128; 256]) {
    let mut lengths = [0u64; 128];
    let mut lasts = [0u128; 256];
    for key in keys {
        let (Some(&b), Some(&last)) = (key.as_bytes().first(), key.as_bytes().last()) else { continue };
        if b >= 0x80 {
            continue;
        }
        let short_ascii = key.is_ascii() && key.len() < 64;
        for b in [b, b.to_ascii_uppercase()] {
            lengths[b as usize] |= if short_ascii { 1 << key.len() } else { u64::MAX };
        }
        if short_ascii && last < 0x80 {
            lasts[slot(b, key.len())] |= 1 << last;
        } else {
            (0..8).for_each(|len| lasts[slot(b, len)] = u128::MAX);
        }
    }
    (lengths, lasts)
}

/// Where a word's first byte (either case) and length meet in `last_bytes`.
fn slot(first: u8, len: usize) -> usize {
    usize::from(first & 0x1f) << 3 | (len & 7)
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

impl Phrases {
    /// Whether `word` names one of the people of `retro`: a handle (or a
    /// part of one) among its authors, attendees, facilitator, reviewers
    /// and owners, unless it is a team's slug.
    pub fn is_retro_person(&self, retro: &Retro, word: &str) -> bool {
        let owners = retro.actions().iter().filter_map(|a| a.owner.as_ref());
        let mut people = retro
            .authors
            .iter()
            .chain(&retro.attendees)
            .chain(&retro.facilitator)
            .chain(&retro.reviewers)
            .chain(owners);
        let named = |h: &At<String>| {
            h.value.split(['.', '_', '-', ' ', '@']).any(|part| part.len() > 1 && part.eq_ignore_ascii_case(word))
        };
        people.any(named) && !self.teams.iter().any(|t| t.eq_ignore_ascii_case(word))
    }
}

pub fn check_retro(retro: &Retro, phrases: &Phrases, out: &mut Vec<Finding>) {
    let source = retro.source.as_str();
    let is_person = |word: &str| phrases.is_retro_person(retro, word);
    // Built on the first hit only: most retros have none.
    let lines = std::cell::OnceCell::new();
    let report = |start: usize, end: usize, hit: &Hit, out: &mut Vec<Finding>| {
        let lines = lines.get_or_init(|| LineIndex::new(source));
        let found = source[start..end].split_whitespace().collect::<Vec<_>>().join(" ");
        let message = format!("\"{found}\" is not blameless language: it {}", hit.kind.describe());
        out.push(
            Finding::new(Rule::BlamelessLanguage, &retro.path, lines.pos(start), message)
                .hint(format!("instead: {}", hit.suggestion))
                .len(end - start),
        );
    };
    for range in &retro.body.prose {
        for hit in phrases.find(&source[range.clone()], &is_person) {
            report(range.start + hit.start, range.start + hit.end, &hit, out);
        }
    }
    for field in judged_fields(retro) {
        let value = field.value.as_str();
        for hit in phrases.find(value, &is_person) {
            let found = &value[hit.start..hit.end];
            let words: Vec<String> = words(found).map(|(s, e)| normalize(&found[s..e])).collect();
            let nth = occurrences(value, &words, hit.start);
            if let Some((s, e)) = locate_in_source(source, field.pos.offset, &words, nth) {
                report(s, e, &hit, out);
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
        .chain(retro.response.iter().map(|n| &n.description))
        .chain(retro.timeline.iter().map(|t| &t.event))
        .chain(items)
}

/// How many times the word sequence `phrase` starts in `text` before `before`.
fn occurrences(text: &str, phrase: &[String], before: usize) -> usize {
    let tokens: Vec<(usize, usize)> = words(text).collect();
    tokens
        .windows(phrase.len())
        .filter(|w| w[0].0 < before && w.iter().zip(phrase).all(|(&(s, e), p)| normalize(&text[s..e]) == *p))
        .count()
}

/// Find the `nth` occurrence of a phrase in the YAML source from a value's
/// start, across folded lines: the parsed value says a phrase is there and
/// which occurrence it is; this says where.
fn locate_in_source(source: &str, from: usize, phrase: &[String], nth: usize) -> Option<(usize, usize)> {
    let window_end = source[from..].find("\n---").map(|i| from + i).unwrap_or(source.len());
    let window = &source[from..window_end];
    let tokens: Vec<(usize, usize)> = words(window).collect();
    let mut found = tokens.windows(phrase.len()).filter_map(|w| {
        let matches = w.iter().zip(phrase).all(|(&(s, e), p)| normalize(&window[s..e]) == *p);
        matches.then(|| (from + w[0].0, from + w[phrase.len() - 1].1))
    });
    found.nth(nth)
}

#[cfg(test)]
mod tests;
