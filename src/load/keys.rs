//! The keys of the front matter's mappings: one enum per mapping, the one
//! place a key is added. The field reader matches on them (so a key without
//! a reader does not compile), `schema.rs` is tested against them, and
//! `tests/format.rs` walks them (through the schema) into a fixture and
//! `api/retros.json`.

use crate::model::keyword_enum;

/// Whether a mapping must carry a key. `key: ~` and `key:` with nothing
/// are the same as leaving the key out, except where `RequiredHere` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    Optional,
    /// Reported as missing (at the fence, or at the item) when left out.
    Required,
    /// Required as `Required`, but a blank value is read and reported where
    /// it stands ("`started_at` is not set") instead of as a missing key.
    RequiredHere,
    /// Required once a retro is in-review or published; optional in a draft.
    WhenComplete,
}

/// The keys of a mapping, for the reader of any mapping (`entries`).
pub(crate) trait Key: Copy + Eq + 'static {
    const ALL: &'static [Self];
    const WORDS: &'static [&'static str];
    fn from_word(word: &str) -> Option<Self>;
    fn as_str(self) -> &'static str;
    fn need(self) -> Need;

    /// Required in every mapping of this kind (`WhenComplete` is not).
    fn is_required(self) -> bool {
        matches!(self.need(), Need::Required | Need::RequiredHere)
    }

    /// The keys required in every mapping of this kind, in their order.
    fn required() -> Vec<Self> {
        Self::ALL.iter().copied().filter(|k| k.is_required()).collect()
    }
}

/// A `keyword_enum!` of a mapping's keys, each with its `Need`.
macro_rules! key_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $word:literal: $need:ident),+ $(,)? }) => {
        keyword_enum!($(#[$meta])* $name { $($variant = $word),+ });

        impl Key for $name {
            const ALL: &'static [Self] = $name::ALL;
            const WORDS: &'static [&'static str] = $name::WORDS;
            fn from_word(word: &str) -> Option<Self> {
                $name::from_word(word)
            }
            fn as_str(self) -> &'static str {
                $name::as_str(&self)
            }
            fn need(self) -> Need {
                match self { $($name::$variant => Need::$need),+ }
            }
        }
    };
}

key_enum!(
    /// The keys of the front matter itself.
    RetroKey {
        Title = "title": Required,
        // Defaults to the file's stem.
        Id = "id": Optional,
        Status = "status": Required,
        Severity = "severity": Required,
        StartedAt = "started_at": RequiredHere,
        DetectedAt = "detected_at": Optional,
        MitigatedAt = "mitigated_at": Optional,
        ResolvedAt = "resolved_at": Optional,
        Authors = "authors": Required,
        Attendees = "attendees": Optional,
        Facilitator = "facilitator": Optional,
        Reviewers = "reviewers": Optional,
        Services = "services": Optional,
        ServiceImpact = "service_impact": Optional,
        Vendors = "vendors": Optional,
        Teams = "teams": Optional,
        Tags = "tags": Optional,
        Related = "related": Optional,
        Summary = "summary": WhenComplete,
        Impact = "impact": WhenComplete,
        NearMiss = "near_miss": Optional,
        Links = "links": Optional,
        ContributingFactors = "contributing_factors": WhenComplete,
        Timeline = "timeline": Optional,
        RecurrenceOf = "recurrence_of": Optional,
        // A mapping of role to people: its keys are `[response].roles`, from
        // book.toml, so they have no enum here.
        Roles = "roles": Optional,
        Detection = "detection": Optional,
        Response = "response": Optional,
        // Required of a complete retro by the `no-remediation` rule, not here.
        ActionItems = "action_items": Optional,
        // The postmortem `retrobook import` made this retro from.
        ImportedFrom = "imported_from": Optional,
    }
);

key_enum!(
    /// The keys of a `contributing_factors` entry.
    FactorKey {
        Id = "id": Required,
        Category = "category": Required,
        Description = "description": Required,
        Actionable = "actionable": Optional,
    }
);

key_enum!(
    /// The keys of a `timeline` entry.
    TimelineKey {
        At = "at": Required,
        Until = "until": Optional,
        Event = "event": Required,
        Kind = "kind": Optional,
        Approximate = "approximate": Optional,
    }
);

key_enum!(
    /// The keys of a clock field written as a mapping, `{at: TIME, approximate: true}`.
    ClockKey {
        At = "at": Required,
        Approximate = "approximate": Optional,
    }
);

key_enum!(
    /// The keys of an `action_items` entry.
    ActionKey {
        Id = "id": Required,
        Title = "title": Required,
        // Required by the CI gate's own rule (`remediation-owner`), which
        // also reports an empty owner; the loader does not.
        Owner = "owner": Optional,
        Status = "status": Required,
        Due = "due": Optional,
        Kind = "kind": Optional,
        Priority = "priority": Optional,
        Factors = "factors": Optional,
        Link = "link": Optional,
        CompletedAt = "completed_at": Optional,
    }
);

key_enum!(
    /// The keys of the `detection` mapping.
    DetectionKey {
        Source = "source": Required,
        By = "by": Optional,
    }
);

key_enum!(
    /// The keys of a `response` entry (one observation of the response).
    ResponseKey {
        Id = "id": Required,
        Went = "went": Required,
        Category = "category": Required,
        Description = "description": Required,
    }
);

key_enum!(
    /// The keys of a `service_impact` entry.
    ImpactKey {
        Service = "service": Required,
        From = "from": Required,
        To = "to": Required,
        Level = "level": Required,
        Approximate = "approximate": Optional,
    }
);

key_enum!(
    /// The keys of a `links` entry.
    LinkKey {
        Title = "title": Required,
        Url = "url": Required,
    }
);

#[cfg(test)]
mod tests {
    //! `key: ~` and `key:` are the key left out, for every optional key of
    //! every mapping (`Need::Optional`, and `WhenComplete` in a draft).

    use super::*;
    use crate::config::Config;
    use proptest::prelude::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Mapping {
        Root,
        Clock,
        Link,
        Factor,
        Timeline,
        Action,
        Impact,
        Detection,
        Response,
    }

    /// Every optional key, with its mapping.
    fn optional_keys() -> Vec<(Mapping, &'static str)> {
        fn of<K: Key>(mapping: Mapping) -> Vec<(Mapping, &'static str)> {
            let optional = |k: &&K| matches!(k.need(), Need::Optional | Need::WhenComplete);
            K::ALL.iter().filter(optional).map(|k| (mapping, k.as_str())).collect()
        }
        [
            of::<RetroKey>(Mapping::Root),
            of::<ClockKey>(Mapping::Clock),
            of::<LinkKey>(Mapping::Link),
            of::<FactorKey>(Mapping::Factor),
            of::<TimelineKey>(Mapping::Timeline),
            of::<ActionKey>(Mapping::Action),
            of::<ImpactKey>(Mapping::Impact),
            of::<DetectionKey>(Mapping::Detection),
            of::<ResponseKey>(Mapping::Response),
        ]
        .concat()
    }

    /// A value for each required key, to write a retro with no optional key.
    fn sample(mapping: Mapping, key: &str) -> &'static str {
        match (mapping, key) {
            (Mapping::Root, "title") => "Blank keys",
            (Mapping::Root, "status") => "draft",
            (Mapping::Root, "severity") => "SEV3",
            (Mapping::Root, "authors") => "[alice]",
            (Mapping::Clock, "at") => "2026-03-01T10:00:00Z",
            (Mapping::Link, "title") => "Dashboard",
            (Mapping::Link, "url") => "https://example.com/d",
            (Mapping::Factor, "id") => "f1",
            (Mapping::Factor, "category") => "technical",
            (Mapping::Factor, "description") => "A condition.",
            (Mapping::Timeline, "at") => "2026-03-01",
            (Mapping::Timeline, "event") => "It began.",
            (Mapping::Action, "id") => "AI-1",
            (Mapping::Action, "title") => "Fix it",
            (Mapping::Action, "status") => "open",
            (Mapping::Impact, "service") => "checkout",
            (Mapping::Impact, "from") => "2026-03-01T10:00:00Z",
            (Mapping::Impact, "to") => "2026-03-01T10:30:00Z",
            (Mapping::Impact, "level") => "partial",
            (Mapping::Detection, "source") => "alert",
            (Mapping::Response, "id") => "r1",
            (Mapping::Response, "went") => "poorly",
            (Mapping::Response, "category") => "tooling",
            (Mapping::Response, "description") => "The runbook was out of date.",
            other => panic!("a new required key {other:?}: give it a sample value"),
        }
    }

    /// The required keys of a mapping as `key: value` lines, with the
    /// `test` line when it belongs to this mapping, inserted at `at`
    /// (clamped; never before an item's first key, which carries its `- `).
    fn lines<K: Key>(mapping: Mapping, test: Option<(Mapping, &str)>, at: usize) -> Vec<String> {
        let required = K::required().into_iter().map(K::as_str);
        let mut out: Vec<String> = required.map(|k| format!("{k}: {}", sample(mapping, k))).collect();
        if let Some((m, line)) = test
            && m == mapping
        {
            let first = if matches!(mapping, Mapping::Root | Mapping::Clock) { 0 } else { 1 };
            out.insert(at.clamp(first, out.len()), line.to_string());
        }
        out
    }

    /// A list of one item under `key`.
    fn item(key: &str, lines: Vec<String>) -> Vec<String> {
        let mut out = vec![format!("{key}:")];
        out.extend(lines.iter().enumerate().map(|(i, l)| format!("{}{l}", if i == 0 { "  - " } else { "    " })));
        out
    }

    /// A draft retro with every mapping and only required keys, and `line`
    /// in the mapping of `key` (a root line at `at` among the entries).
    fn retro(mapping: Mapping, key: &str, line: &str, at: usize) -> String {
        let t = Some((mapping, line));
        let mut entries: Vec<Vec<String>> = Vec::new();
        for required in RetroKey::required() {
            if required == RetroKey::StartedAt {
                // A clock written as a mapping, to hold the clock's keys.
                let clock = lines::<ClockKey>(Mapping::Clock, t, at).into_iter().map(|l| format!("  {l}"));
                entries.push([vec![format!("{required}:")], clock.collect()].concat());
            } else {
                entries.push(vec![format!("{required}: {}", sample(Mapping::Root, required.as_str()))]);
            }
        }
        let lists = [
            ("links", lines::<LinkKey>(Mapping::Link, t, at)),
            ("contributing_factors", lines::<FactorKey>(Mapping::Factor, t, at)),
            ("timeline", lines::<TimelineKey>(Mapping::Timeline, t, at)),
            ("action_items", lines::<ActionKey>(Mapping::Action, t, at)),
            ("service_impact", lines::<ImpactKey>(Mapping::Impact, t, at)),
            ("response", lines::<ResponseKey>(Mapping::Response, t, at)),
        ];
        for (list, lines) in lists {
            // The key under test is the line alone.
            // Without `services`, a window would name an unlisted service.
            let unlisted = list == "service_impact" && key == "services";
            if !(mapping == Mapping::Root && (key == list || unlisted)) {
                entries.push(item(list, lines));
            }
        }
        if !(mapping == Mapping::Root && key == "detection") {
            let detection = lines::<DetectionKey>(Mapping::Detection, t, at).into_iter().map(|l| format!("  {l}"));
            entries.push([vec!["detection:".to_string()], detection.collect()].concat());
        }
        // A window's service must be one of the retro's.
        if !(mapping == Mapping::Root && key == "services") {
            entries.push(vec!["services: [checkout]".to_string()]);
        }
        if mapping == Mapping::Root {
            entries.insert(at.min(entries.len()), vec![line.to_string()]);
        }
        format!("---\n{}\n---\n# What happened\n\nIt broke.\n", entries.concat().join("\n"))
    }

    fn load(text: String) -> (crate::model::Retro, Vec<crate::model::Finding>) {
        let mut findings = Vec::new();
        let retro = crate::load::parse_retro("retros/a.md".into(), text, &Config::default(), &mut findings);
        (retro, findings)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Written blank, in any of YAML's spellings of nothing and at any
        /// place in its mapping, an optional key gives no finding and the
        /// same retro as a comment of the same length in its place.
        #[test]
        fn a_blank_optional_key_is_the_key_left_out(
            blank in proptest::sample::select(vec!["~", "", "null", "~ # not yet", "Null", "  "]),
            at in 0usize..8,
        ) {
            for (mapping, key) in optional_keys() {
                let line = if blank.is_empty() { format!("{key}:") } else { format!("{key}: {blank}") };
                let comment = format!("#{}", "-".repeat(line.len() - 1));
                let (set, set_findings) = load(retro(mapping, key, &line, at));
                let (mut left_out, left_out_findings) = load(retro(mapping, key, &comment, at));
                prop_assert!(left_out_findings.is_empty(), "{left_out_findings:#?}");
                prop_assert!(set_findings.is_empty(), "`{line}` in {mapping:?}: {set_findings:#?}");
                left_out.source = set.source.clone();
                prop_assert_eq!(&set, &left_out, "`{}` in {:?}", line, mapping);
            }
        }
    }

    #[test]
    fn every_mapping_has_optional_keys_to_test() {
        let keys = optional_keys();
        let mappings =
            [Mapping::Root, Mapping::Clock, Mapping::Factor, Mapping::Timeline, Mapping::Action, Mapping::Impact];
        for mapping in mappings.into_iter().chain([Mapping::Detection]) {
            assert!(keys.iter().any(|(m, _)| *m == mapping), "{mapping:?}");
        }
        assert!(keys.contains(&(Mapping::Action, "completed_at")));
        assert!(!keys.iter().any(|(_, k)| *k == "started_at" || *k == "title"));
        assert!(keys.contains(&(Mapping::Root, "roles")) && keys.contains(&(Mapping::Root, "response")));
    }
}
