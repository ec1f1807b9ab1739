//! The scan: one pass over the words of a text. Every word is ruled out by
//! its first byte and length or looked up once; only the rare word that
//! starts a phrase or a trigger looks at its neighbours. Nothing here
//! allocates unless something is found.

use super::lexicon::*;
use super::who::Who;
use super::words::{Scan, Span, ascii_lower, normalize, same_word, words};
use super::{Kind, Phrase, Trigger};

/// One finding in a text: byte span, kind and advice.
#[derive(Debug, Clone)]
pub struct Hit<'p> {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    pub suggestion: &'p str,
}

impl<'p> Scan<'_, 'p> {
    pub fn run(&self) -> Vec<Hit<'p>> {
        let text = self.text;
        let mut found = Vec::new();
        let mut buf = [0u8; 32];
        let mut tokens = words(text);
        while let Some((start, first_end)) = tokens.next() {
            let word = &text[start..first_end];
            if !self.phrases.may_start(word) {
                continue;
            }
            // Most words are short ASCII: lowercase them on the stack.
            let entry = match ascii_lower(word, &mut buf) {
                Some(key) => self.phrases.by_first.get(key),
                None => self.phrases.by_first.get(normalize(word).as_str()),
            };
            let Some(entry) = entry else { continue };
            let phrase = entry.phrases.iter().find(|p| {
                let mut rest = tokens.clone();
                p.words[1..].iter().all(|w| rest.next().is_some_and(|(s, e)| same_word(&text[s..e], w)))
            });
            if let Some(p) = phrase {
                let mut end = first_end;
                for _ in 1..p.words.len() {
                    end = tokens.next().map_or(end, |(_, e)| e);
                }
                found.push(self.phrase_hit(start, end, p));
            } else if let Some(trigger) = entry.trigger
                && let Some((s, e, kind)) = self.trigger(trigger, (start, first_end))
            {
                found.push(Hit { start: s, end: e, kind, suggestion: kind.suggestion() });
            }
        }
        if !found.is_empty() {
            found.retain(|h| !self.blame_denied((h.start, h.end)));
        }
        found
    }

    fn phrase_hit(&self, start: usize, end: usize, p: &'p Phrase) -> Hit<'p> {
        Hit { start, end, kind: p.kind, suggestion: &p.suggestion }
    }

    /// Whether the trigger word at `at` blames someone, and the span to report.
    fn trigger(&self, trigger: Trigger, at: Span) -> Option<(usize, usize, Kind)> {
        match trigger {
            Trigger::HumanVerb => self.verb(at, at.1, true),
            Trigger::Verb => self.verb(at, at.1, false),
            Trigger::VerbTo => {
                let to = self.next_is(at.1, &["to"])?;
                self.verb(at, to.1, false)
            }
            Trigger::Modal => self.modal(at),
            Trigger::Negation => self.negation(at),
            Trigger::NoOne => self.no_one(at),
            Trigger::FaultNoun => self.fault_noun(at),
            Trigger::Accountable => self.accountable(at),
            Trigger::If => self.if_clause(at),
            Trigger::Had => self.had_clause(at),
            Trigger::Lazy => {
                let technical = self.word_after(at.1).is_some_and(|w| self.is(w, LAZY_TERMS));
                (!technical).then_some((at.0, at.1, Kind::Character))
            }
        }
    }

    /// An omission verb ending at `end`: its subject, or "by <person>" after it.
    fn verb(&self, at: Span, end: usize, human_only: bool) -> Option<(usize, usize, Kind)> {
        let (who, from) = self.subject_before(at.0);
        if who == Who::Person || (human_only && who == Who::Maybe) {
            return Some((self.span_start(from, at.0), end, Kind::Omission));
        }
        let by = self.next_is(end, &["by"])?;
        let (_, person) = self.person_ahead(by.1, 5)?;
        Some((at.0, person.1, Kind::Omission))
    }

    /// "should have", "should not have", "shouldn't have", "could have",
    /// "should've": with a person as subject.
    fn modal(&self, at: Span) -> Option<(usize, usize, Kind)> {
        let word = &self.text[at.0..at.1];
        let end = if word.ends_with("'ve") || word.ends_with("\u{2019}ve") {
            at.1
        } else {
            let mut next = self.word_after(at.1)?;
            if self.is(next, &["not"]) && self.is(at, &["should"]) {
                next = self.word_after(next.1)?;
            }
            self.is(next, &["have"]).then_some(next.1)?
        };
        let (who, from) = self.subject_before(at.0);
        matches!(who, Who::Person | Who::Maybe).then(|| (self.span_start(from, at.0), end, Kind::Counterfactual))
    }

    /// "didn't check", "did not double-check", "never tested": a diligence
    /// verb negated, with a person as subject.
    fn negation(&self, at: Span) -> Option<(usize, usize, Kind)> {
        let next = self.negated_diligence(at, ["did", "not"], &["even"])?;
        let (who, from) = self.subject_before(at.0);
        let human_only = self.is(next, HUMAN_DILIGENCE);
        let blamed = who == Who::Person || (human_only && who == Who::Maybe);
        blamed.then(|| (self.span_start(from, at.0), next.1, Kind::Omission))
    }

    /// "nobody bothered", "no one reviewed", "nobody on the team checked";
    /// but not "no one checked it, because no team owned it": a gap in
    /// ownership is not a person's omission. Bothering, thinking to and
    /// "even" judge whatever the reason.
    fn no_one(&self, at: Span) -> Option<(usize, usize, Kind)> {
        let mut next = self.word_after(at.1)?;
        if self.is(at, &["no"]) {
            if !self.is(next, &["one"]) {
                return None;
            }
            next = self.word_after(next.1)?;
        }
        if self.is(next, NO_ONE_PHRASE) {
            next = self.past_phrase(next)?;
        }
        let filler = self.is(next, &["even", "ever", "really"]);
        if filler {
            next = self.word_after(next.1)?;
        }
        let verb = self.diligence(next)?;
        let judged = filler || self.is(next, HUMAN_DILIGENCE);
        if !judged && self.names_a_gap(at.0) {
            return None;
        }
        Some((at.0, verb.1, Kind::Omission))
    }

    /// Past "on the storage team" or "else" after "nobody", to the first
    /// word that may be its verb, within four words and no comma.
    fn past_phrase(&self, first: Span) -> Option<Span> {
        let mut pos = first.1;
        for _ in 0..4 {
            let w = self.word_after(pos)?;
            if self.text[pos..w.0].contains(',') {
                return None;
            }
            if self.is(w, &["even", "ever", "really", "pay", "paid"]) || self.is(w, DILIGENCE) {
                return Some(w);
            }
            pos = w.1;
        }
        None
    }

    /// The diligence verb after the negation at `at`: past the second word
    /// of a two-word negation (`pair`: "did not", "no one") and a filler.
    fn negated_diligence(&self, at: Span, pair: [&str; 2], fillers: &[&str]) -> Option<Span> {
        let mut next = self.word_after(at.1)?;
        if self.is(at, &pair[..1]) {
            if !self.is(next, &pair[1..]) {
                return None;
            }
            next = self.word_after(next.1)?;
        }
        if self.is(next, fillers) {
            next = self.word_after(next.1)?;
        }
        self.diligence(next)
    }

    /// The diligence verb at `word` ("check", "verify", "pay … attention"),
    /// to its last word; `None` for any other verb ("nobody paid a price").
    fn diligence(&self, word: Span) -> Option<Span> {
        if !self.is(word, &["pay", "paid"]) {
            return self.is(word, DILIGENCE).then_some(word);
        }
        let mut next = self.word_after(word.1)?;
        if self.is(next, &["any", "much", "close", "enough"]) {
            next = self.word_after(next.1)?;
        }
        self.is(next, &["attention"]).then_some(next)
    }

    /// "Tom's mistake", "a mistake by the on-call", "the fault lies with
    /// the reviewer", "we made a mistake", "the error was Hana's".
    fn fault_noun(&self, at: Span) -> Option<(usize, usize, Kind)> {
        if self.technical_compound(at) {
            return None;
        }
        let next = self.word_after(at.1);
        let hit = |s, e| Some((s, e, Kind::Attribution));
        if let Some(prev) = self.word_before(at.0)
            && self.possessive_person(prev)
        {
            return hit(prev.0, at.1);
        }
        if let Some(next) = next {
            if self.is(next, &["by", "of"])
                && let Some((_, person)) = self.person_ahead(next.1, 5)
            {
                return hit(at.0, person.1);
            }
            if self.is(next, &["was", "is"])
                && let Some(owner) = self.word_after(next.1)
                && self.possessive_person(owner)
            {
                return hit(at.0, owner.1);
            }
            if self.is(next, &["lies", "lay", "rests"])
                && let Some(with) = self.next_is(next.1, &["with"])
                && let Some((_, person)) = self.person_ahead(with.1, 5)
            {
                return hit(at.0, person.1);
            }
        }
        // "<person> made a (careless) mistake"
        let mut pos = at.0;
        for _ in 0..3 {
            let prev = self.word_before(pos)?;
            if self.is(prev, MAKE_VERBS) {
                let (who, from) = self.subject_before(prev.0);
                return matches!(who, Who::Person | Who::Maybe)
                    .then(|| (self.span_start(from, prev.0), at.1, Kind::Attribution));
            }
            pos = prev.0;
        }
        None
    }

    /// "hold X accountable", "<person> is responsible for the outage",
    /// "accountability for the outage".
    fn accountable(&self, at: Span) -> Option<(usize, usize, Kind)> {
        let hit = |s, e| Some((s, e, Kind::Accountability));
        if !self.is(at, &["accountability"]) {
            let mut pos = at.0;
            for _ in 0..6 {
                let Some(prev) = self.word_before(pos) else { break };
                if self.is(prev, HOLD_VERBS) {
                    return hit(prev.0, at.1);
                }
                pos = prev.0;
            }
        }
        let for_ = self.next_is(at.1, &["for"])?;
        let mut pos = for_.1;
        let mut object = None;
        for _ in 0..3 {
            let Some(w) = self.word_after(pos) else { break };
            if self.is(w, INCIDENT_WORDS) {
                object = Some(w);
                break;
            }
            pos = w.1;
        }
        let object = object?;
        if self.is(at, &["accountability"]) {
            return hit(at.0, object.1);
        }
        let (who, from) = self.subject_before(at.0);
        matches!(who, Who::Person | Who::Maybe).then(|| (self.span_start(from, at.0), object.1, Kind::Accountability))
    }

    /// "if [only] <person> had …": a counterfactual built on a person.
    fn if_clause(&self, at: Span) -> Option<(usize, usize, Kind)> {
        // "as if they were transient" compares; it does not judge.
        if self.word_before(at.0).is_some_and(|w| self.is(w, &["as"])) {
            return None;
        }
        let mut pos = at.1;
        let mut head: Option<Span> = None;
        for _ in 0..6 {
            let w = self.word_after(pos)?;
            if self.text[pos..w.0].contains(',') {
                return None;
            }
            if self.is(w, IF_VERBS) && head.is_some() {
                let (who, _) = self.who(head?);
                if !matches!(who, Who::Person | Who::Maybe) || self.possession_after(w.1) {
                    return None;
                }
                return Some((at.0, w.1, Kind::Counterfactual));
            }
            if !self.is(w, &["only"]) {
                head = Some(w);
            }
            pos = w.1;
        }
        None
    }

    /// "Had the reviewer noticed …," opening a sentence.
    fn had_clause(&self, at: Span) -> Option<(usize, usize, Kind)> {
        if self.word_before(at.0).is_some() {
            return None;
        }
        let (_, person) = self.person_ahead(at.1, 4)?;
        if self.possession_after(person.1) {
            return None;
        }
        Some((at.0, person.1, Kind::Counterfactual))
    }

    /// Whether the words after `at` speak of having, not doing: "had we
    /// not had a replica", "if we had had a canary".
    fn possession_after(&self, at: usize) -> bool {
        let Some(mut next) = self.word_after(at) else { return false };
        if self.is(next, &["not"]) {
            let Some(n) = self.word_after(next.1) else { return false };
            next = n;
        }
        self.is(next, POSSESSION_NEXT)
    }

    /// Where a reported span starts: at the subject when it is near the
    /// trigger, else at the trigger alone.
    fn span_start(&self, subject: Option<usize>, trigger: usize) -> usize {
        subject.filter(|&s| trigger - s <= 60).unwrap_or(trigger)
    }

    /// The next word when it is one of `list`.
    fn next_is(&self, at: usize, list: &[&str]) -> Option<Span> {
        self.word_after(at).filter(|&w| self.is(w, list))
    }
}
