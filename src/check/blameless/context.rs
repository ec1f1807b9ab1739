//! What the rest of a sentence says about a hit. Two shapes of careful
//! writing look like blame word by word: "nobody"/"no one" naming a gap in
//! ownership ("nobody owned the runbook, so nobody rehearsed it"), and a
//! sentence that mentions blame to say it did not happen ("no one asked
//! whose fault it was"). Both are read here, on hits only.

use super::lexicon::*;
use super::words::{Scan, Span};

impl Scan<'_, '_> {
    /// Whether the sentence around `at` explains a "nobody"/"no one" as a
    /// gap rather than a person's omission: it speaks of ownership
    /// ("owned", "no owner", "rotation"), says nobody was there ("nobody
    /// was on call"), or gives a reason that names no person ("because the
    /// alert went to an archived channel").
    pub(super) fn names_a_gap(&self, at: usize) -> bool {
        let sentence = self.sentence(at);
        let mut reason = self.text[sentence.clone()].contains([':', ';']);
        for w in self.words_in(sentence.clone()) {
            let word = &self.text[w.0..w.1];
            let stem = ["'s", "\u{2019}s"].iter().find_map(|s| word.strip_suffix(s)).unwrap_or(word);
            let rotated = || self.word_before(w.0).is_some_and(|b| self.is(b, ROTATED));
            let gap = GAP_WORDS.iter().any(|g| stem.eq_ignore_ascii_case(g)) && !rotated();
            if gap || self.nobody_was(w) {
                return true;
            }
            reason |= self.is(w, REASONS);
        }
        reason && !self.names_someone(sentence)
    }

    /// "nobody was", "no one had": a state, not an act.
    fn nobody_was(&self, w: Span) -> bool {
        let no_one = self.is(w, &["nobody"])
            || (self.is(w, &["one"]) && self.word_before(w.0).is_some_and(|b| self.is(b, &["no"])));
        no_one && self.word_after(w.1).is_some_and(|v| self.is(v, STATE_VERBS))
    }

    /// Whether the hit at `hit` lies where its sentence denies blame: "we
    /// did not look for someone to blame" reports neither "we did not
    /// look" nor "to blame".
    pub(super) fn blame_denied(&self, hit: Span) -> bool {
        let sentence = self.sentence(hit.0);
        self.words_in(sentence).any(|w| self.denial(w).is_some_and(|(s, e)| s < hit.1 && hit.0 < e))
    }

    /// Where the blame word at `w` is denied, if it is: from a negation
    /// before it in the same clause ("nobody is to blame", "not about who
    /// made the mistake") or to one after it ("blame is not the point",
    /// "blame-free"). "Mistake", "error" and "fault" count only with
    /// someone in view: "we did not notice the error" denies no blame.
    fn denial(&self, w: Span) -> Option<Span> {
        let after_at = || self.word_before(w.0).is_some_and(|b| self.is(b, &["at", "whose"]));
        let strict = self.is(w, BLAME) || (self.is(w, &["fault", "faults"]) && after_at());
        if !strict && (!self.is(w, BLAME_IF_PERSON) || self.technical_compound(w)) {
            return None;
        }
        if strict && let Some(end) = self.denied_after(w) {
            return Some((w.0, end));
        }
        let mut someone = false;
        let mut pos = w.0;
        for _ in 0..12 {
            let b = self.word_before(pos)?;
            if self.text[b.1..pos].contains(',') || self.is(b, CLAUSE_BREAKS) {
                return None;
            }
            if self.negates(b) {
                // "nobody's fault", but not "nobody checked the error"
                someone |= self.is(b, &["nobody's"]);
                return (strict || someone).then_some((b.0, w.1));
            }
            someone |= self.is(b, SOMEONE) || self.is(b, MAKE_VERBS) || self.possessive_person(b);
            pos = b.0;
        }
        None
    }

    /// The end of a denial right after a blame word: "blame is not",
    /// "blame isn't", "blame-free".
    fn denied_after(&self, w: Span) -> Option<usize> {
        let next = self.word_after(w.1)?;
        if self.is(next, &["free"]) || self.negates(next) {
            return Some(next.1);
        }
        if !self.is(next, &["is", "was", "were", "are", "will", "would", "should"]) {
            return None;
        }
        self.word_after(next.1).filter(|&n| self.negates(n)).map(|n| n.1)
    }

    /// Whether the word after the fault noun at `at` makes it part of an
    /// engineering compound: "error budget", "their error mails", "fault
    /// domain"; not when punctuation parts them ("Tom's mistake, alerts
    /// aside").
    pub(super) fn technical_compound(&self, at: Span) -> bool {
        let joined = |n: Span| self.text[at.1..n.0].trim_matches([' ', '-', '\n']).is_empty();
        self.word_after(at.1).is_some_and(|n| self.is(n, TECHNICAL_NEXT) && joined(n))
    }

    /// "not", "never", "nobody", "didn't", "rather than", "instead of".
    fn negates(&self, w: Span) -> bool {
        let word = &self.text[w.0..w.1];
        let next_is = |list: &[&str]| self.word_after(w.1).is_some_and(|n| self.is(n, list));
        self.is(w, NEGATORS)
            || word.ends_with("n't")
            || word.ends_with("n\u{2019}t")
            || (self.is(w, &["no"]) && !next_is(&["longer"]))
            || (self.is(w, &["rather"]) && next_is(&["than"]))
            || (self.is(w, &["instead"]) && next_is(&["of"]))
    }
}
