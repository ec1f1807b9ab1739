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

    /// The keys required in every mapping of this kind, in their order.
    fn required() -> Vec<&'static str> {
        Self::ALL.iter().filter(|k| matches!(k.need(), Need::Required | Need::RequiredHere)).map(|k| k.as_str()).collect()
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
        // Required of a complete retro by the `no-remediation` rule, not here.
        ActionItems = "action_items": Optional,
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
    /// The keys of a `links` entry.
    LinkKey {
        Title = "title": Required,
        Url = "url": Required,
    }
);
