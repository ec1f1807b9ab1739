//! Who a word names: a person (the retro's people, the roster, a role, a
//! pronoun), maybe a person (a capitalised name, "they"), or a thing.

use super::lexicon::*;
use super::words::{Scan, Span, same_word};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Who {
    /// Certainly a person: a known name, a role noun, a personal pronoun.
    Person,
    /// Probably a person: a capitalised name nobody listed, "they". Enough
    /// for verbs systems do not take ("forgot"), not for "ignored".
    Maybe,
    /// A system, a thing, or nothing found.
    Thing,
}

impl Scan<'_, '_> {
    /// What the word at `span` names.
    pub(super) fn who(&self, span: Span) -> (Who, usize) {
        let word = self.text[span.0..span.1].trim_matches(['\'', '\u{2019}']);
        let person = (Who::Person, span.0);
        if self.is(span, PRONOUNS) || self.is_role(word) || self.is_named(word) {
            return person;
        }
        let before = || self.word_before(span.0);
        // "the on-call", "no one"
        if (self.is(span, &["call", "calls"]) && before().is_some_and(|b| self.is(b, &["on"])))
            || (self.is(span, &["one"]) && before().is_some_and(|b| self.is(b, &["no"])))
        {
            return (Who::Person, before().map_or(span.0, |b| b.0));
        }
        if self.is(span, &["they"]) && self.things_before(span.0) {
            return (Who::Thing, span.0);
        }
        if self.is(span, &["they"]) || is_name_like(word) {
            return (Who::Maybe, span.0);
        }
        (Who::Thing, span.0)
    }

    fn is_role(&self, word: &str) -> bool {
        let singular = word.strip_suffix(['s', 'S']).filter(|s| s.len() > 2);
        let roles = self.phrases.roles.iter().map(String::as_str);
        let known = |w: &str| ROLES.iter().copied().chain(roles.clone()).any(|r| same_word(w, r));
        known(word) || singular.is_some_and(known)
    }

    fn is_named(&self, word: &str) -> bool {
        if (self.is_person)(word) {
            return true;
        }
        let mut buf = [0u8; 32];
        let lower = if word.len() <= buf.len() && word.is_ascii() {
            buf[..word.len()].copy_from_slice(word.as_bytes());
            buf[..word.len()].make_ascii_lowercase();
            std::str::from_utf8(&buf[..word.len()]).ok().map(|s| self.phrases.roster.contains(s))
        } else {
            None
        };
        lower.unwrap_or_else(|| self.phrases.roster.contains(&word.to_lowercase()))
    }

    /// The subject of a verb starting at `at`: the nearest word before it,
    /// past adverbs and auxiliaries ("Priya had simply forgotten"); past a
    /// conjunction, any person earlier in the sentence ("Priya saw it but
    /// ignored it"); a thing followed by "who" defers to the person before
    /// ("the engineer who ran the script didn't check").
    pub(super) fn subject_before(&self, at: usize) -> (Who, Option<usize>) {
        let mut pos = at;
        for _ in 0..6 {
            let Some(w) = self.word_before(pos) else { return (Who::Thing, None) };
            if self.is(w, SKIP_BACK) {
                pos = w.0;
                continue;
            }
            if self.is(w, CONJUNCTIONS) {
                return self.person_before(w.0, 8);
            }
            let (who, start) = self.who(w);
            if who == Who::Thing {
                return self.person_before_who(w.0);
            }
            return (who, Some(start));
        }
        (Who::Thing, None)
    }

    /// A person among the `n` words before `at` in the sentence.
    fn person_before(&self, at: usize, n: usize) -> (Who, Option<usize>) {
        let mut pos = at;
        for _ in 0..n {
            let Some(w) = self.word_before(pos) else { break };
            let (who, start) = self.who(w);
            if who == Who::Person {
                return (who, Some(start));
            }
            pos = w.0;
        }
        (Who::Thing, None)
    }

    /// "<person> who …" a few words before `at`.
    fn person_before_who(&self, at: usize) -> (Who, Option<usize>) {
        let mut pos = at;
        for _ in 0..6 {
            let Some(w) = self.word_before(pos) else { break };
            if self.is(w, &["who"]) {
                return self.word_before(w.0).map_or((Who::Thing, None), |p| match self.who(p) {
                    (Who::Thing, _) => (Who::Thing, None),
                    (who, start) => (who, Some(start)),
                });
            }
            pos = w.0;
        }
        (Who::Thing, None)
    }

    /// The first person (or likely person) in the noun phrase after `at`,
    /// at most `n` words and no comma away: "by the on-call engineer", "of
    /// Priya", but not "had prices dropped, Priya …".
    pub(super) fn person_ahead(&self, at: usize, n: usize) -> Option<(Who, Span)> {
        let mut pos = at;
        for _ in 0..n {
            let w = self.word_after(pos)?;
            if self.text[pos..w.0].contains(',') {
                return None;
            }
            let on_call = self.is(w, &["on"]) && self.word_after(w.1).is_some_and(|c| self.is(c, &["call"]));
            if self.is(w, STOP_AHEAD) && !on_call {
                return None;
            }
            match self.who(w) {
                (Who::Thing, _) => {}
                (who, _) => return Some((who, w)),
            }
            pos = w.1;
        }
        None
    }

    /// "Priya's", "the engineer's", "his", "their".
    pub(super) fn possessive_person(&self, span: Span) -> bool {
        if self.is(span, POSSESSIVES) {
            return !(self.is(span, &["their"]) && self.things_before(span.0));
        }
        let word = &self.text[span.0..span.1];
        let stem = ["'s", "\u{2019}s", "'", "\u{2019}"].iter().find_map(|s| word.strip_suffix(s));
        stem.is_some_and(|stem| !stem.is_empty() && self.who((span.0, span.0 + stem.len())).0 != Who::Thing)
    }
}

impl Scan<'_, '_> {
    /// Whether a "they" or "their" at `at` stands for things: the sentence
    /// before it names plural things ("the jobs", "both replicas") and no
    /// person who could be meant instead. With nothing before it, it may
    /// stand for anyone, and counts as a person.
    fn things_before(&self, at: usize) -> bool {
        let mut things = false;
        let mut pos = at;
        while let Some(w) = self.word_before(pos) {
            pos = w.0;
            if self.is(w, &["they", "their", "them"]) {
                continue;
            }
            let sentence_start = self.word_before(w.0).is_none();
            match self.who(w).0 {
                // "no one … because they": people in general, unless a
                // thing stands nearer.
                Who::Person if self.is_anyone(w) => {
                    if !things {
                        return false;
                    }
                }
                Who::Person => return false,
                Who::Maybe if !sentence_start => return false,
                _ => things |= self.plural_thing(w),
            }
        }
        things
    }

    /// "jobs" in "the batch jobs", "SDKs" opening a sentence: a plural
    /// noun after a determiner (up to two words before it) or first.
    fn plural_thing(&self, w: Span) -> bool {
        let word = &self.text[w.0..w.1];
        let plural = word.len() > 3
            && word.ends_with('s')
            && !word.ends_with("ss")
            && !word.ends_with("'s")
            && !word.ends_with("\u{2019}s")
            && !self.is(w, NOT_PLURAL);
        if !plural {
            return false;
        }
        let mut pos = w.0;
        for _ in 0..3 {
            let Some(before) = self.word_before(pos) else { return true };
            if self.is(before, DETERMINERS) {
                return true;
            }
            pos = before.0;
        }
        false
    }

    /// Whether the words of `range` name a person other than people in
    /// general ("nobody", "we"): a known name or role, or a capitalised
    /// name past the sentence's first word. "No team" and "any rotation"
    /// name nobody.
    pub(super) fn names_someone(&self, range: std::ops::Range<usize>) -> bool {
        let first = self.words_in(range.clone()).next();
        self.words_in(range).any(|w| match self.who(w).0 {
            Who::Person => !self.is_anyone(w),
            Who::Maybe => Some(w) != first,
            Who::Thing => false,
        })
    }

    /// "nobody", "we", "no one", "no team": people in general.
    fn is_anyone(&self, w: Span) -> bool {
        self.is(w, ANYONE) || self.word_before(w.0).is_some_and(|b| self.is(b, NOT_ANYONE))
    }
}

/// A capitalised word that may be a first name: "Marta", not "The",
/// "CDN" or "GitHub".
fn is_name_like(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else { return false };
    first.is_uppercase()
        && word.chars().count() > 1
        && chars.all(|c| c.is_lowercase())
        && !NOT_NAMES.iter().any(|n| same_word(word, n))
}
