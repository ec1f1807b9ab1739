//! The domain types every stage shares: a retro and its parts, where each
//! value came from, and the findings `check` reports.
//!
//! Loading is forgiving: a retro with a bad or missing field is still a
//! `Retro` (the field is `None` or empty) so that every other rule can still
//! run on it. Rules and the renderer read these types; nothing here does I/O.

use chrono::{DateTime, FixedOffset, NaiveDate};
use std::fmt;

/// A place in a source file: 1-based line and column (columns count
/// characters), plus the byte offset used to cut excerpts and spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
    pub offset: usize,
}

/// A value and the position of its text in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct At<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T> At<T> {
    pub fn new(value: T, pos: Pos) -> Self {
        At { value, pos }
    }
}

/// A point on the incident clock. Retros often know only the day something
/// happened; a date stays a date and never gains an invented time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Date(NaiveDate),
    Time(DateTime<FixedOffset>),
}

impl When {
    /// Parse an RFC 3339 timestamp with offset, or a `YYYY-MM-DD` date.
    pub fn parse(text: &str) -> Option<When> {
        let text = text.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Some(When::Time(t));
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().filter(|_| text.len() == 10).map(When::Date)
    }

    /// The calendar day, in the timestamp's own offset.
    pub fn date(&self) -> NaiveDate {
        match self {
            When::Date(d) => *d,
            When::Time(t) => t.date_naive(),
        }
    }

    /// Whether `self` is strictly after `other`. With a date on either side
    /// only the days are compared, since a date alone covers the whole day.
    pub fn is_after(&self, other: &When) -> bool {
        match (self, other) {
            (When::Time(a), When::Time(b)) => a > b,
            _ => self.date() > other.date(),
        }
    }

    /// The time from `start` to `self`, only when both carry a time of day.
    pub fn since(&self, start: &When) -> Option<chrono::Duration> {
        match (self, start) {
            (When::Time(end), When::Time(start)) => Some(end.signed_duration_since(*start)),
            _ => None,
        }
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            When::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            When::Time(t) => write!(f, "{}", t.to_rfc3339()),
        }
    }
}

/// Declares a closed set of words used in the front matter: the enum, its
/// spelling in YAML, and the list used for messages and the JSON Schema.
macro_rules! keyword_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const WORDS: &'static [&'static str] = &[$($word),+];

            pub fn from_word(word: &str) -> Option<Self> {
                match word { $($word => Some($name::$variant),)+ _ => None }
            }

            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keyword_enum!(
    /// The review workflow of a retro.
    RetroStatus { Draft = "draft", InReview = "in-review", Published = "published" }
);

impl RetroStatus {
    /// In-review and published retros must be complete (summary, impact,
    /// factors, action items, required sections); drafts need not be.
    pub fn requires_complete(&self) -> bool {
        !matches!(self, RetroStatus::Draft)
    }
}

keyword_enum!(ActionStatus { Open = "open", InProgress = "in-progress", Done = "done", WontDo = "wont-do" });

impl ActionStatus {
    /// Open and in-progress items still need work (and can be overdue).
    pub fn is_pending(&self) -> bool {
        matches!(self, ActionStatus::Open | ActionStatus::InProgress)
    }
}

keyword_enum!(ActionKind {
    Prevent = "prevent",
    Mitigate = "mitigate",
    Detect = "detect",
    Investigate = "investigate",
    Process = "process",
});

keyword_enum!(Priority { High = "high", Medium = "medium", Low = "low" });

keyword_enum!(TimelineKind {
    Trigger = "trigger",
    Detection = "detection",
    Escalation = "escalation",
    Investigation = "investigation",
    Mitigation = "mitigation",
    Resolution = "resolution",
    Communication = "communication",
    Note = "note",
});

/// One contributing factor: a condition that made the incident possible or worse.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    pub id: At<String>,
    pub category: Option<At<String>>,
    pub description: At<String>,
    /// `false` marks a background condition no action can address.
    pub actionable: bool,
    /// Where the list item starts.
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub at: Option<At<When>>,
    pub event: At<String>,
    pub kind: Option<TimelineKind>,
    pub approximate: bool,
    pub pos: Pos,
}

/// A remediation: the thing CI insists has an owner.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionItem {
    pub id: At<String>,
    pub title: At<String>,
    /// `None` when the key is absent; an empty string is kept as given so
    /// the `remediation-owner` rule can point at it.
    pub owner: Option<At<String>>,
    pub status: Option<At<ActionStatus>>,
    pub due: Option<At<NaiveDate>>,
    pub kind: Option<ActionKind>,
    pub priority: Option<Priority>,
    pub factors: Vec<At<String>>,
    pub link: Option<At<String>>,
    pub completed_at: Option<At<NaiveDate>>,
    pub pos: Pos,
}

impl ActionItem {
    /// An item still pending whose due date is before `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        let pending = self.status.as_ref().is_some_and(|s| s.value.is_pending());
        pending && self.due.as_ref().is_some_and(|d| d.value < today)
    }

    pub fn owner_name(&self) -> Option<&str> {
        self.owner.as_ref().map(|o| o.value.trim()).filter(|o| !o.is_empty())
    }
}

/// A link from the front matter (`links:`): dashboards, chat logs, tickets.
#[derive(Debug, Clone, PartialEq)]
pub struct ExternalLink {
    pub title: String,
    pub url: At<String>,
}

/// A heading of the Markdown body, with the anchor id it renders with.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub anchor: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `[text](dest)`
    Inline,
    /// `![alt](dest)`
    Image,
    /// `[[id]]`, `[[id|text]]`, `[[id#item]]`
    Wiki,
    /// `href`/`src` inside raw HTML
    RawHtml,
}

/// A link found in the Markdown body, before it is resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyLink {
    pub kind: LinkKind,
    pub dest: String,
    pub pos: Pos,
}

/// The Markdown body of a retro and what the loader learned of its structure.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Body {
    /// Byte offset of the body in the file, to map body offsets to positions.
    pub offset: usize,
    pub headings: Vec<Heading>,
    pub links: Vec<BodyLink>,
    /// Byte ranges (in the file) of prose: text outside code, block quotes
    /// and raw HTML, the only text the blameless-language rule judges.
    pub prose: Vec<std::ops::Range<usize>>,
}

/// One retrospective, as complete as its file allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct Retro {
    /// Path relative to the repo root, with `/` separators.
    pub path: String,
    /// The whole file as read, for excerpts and for the body.
    pub source: String,
    /// The `id` key, or the file stem (positioned at the file start).
    pub id: At<String>,
    pub title: Option<At<String>>,
    pub status: Option<At<RetroStatus>>,
    pub severity: Option<At<String>>,
    pub started_at: Option<At<When>>,
    pub detected_at: Option<At<When>>,
    pub mitigated_at: Option<At<When>>,
    pub resolved_at: Option<At<When>>,
    pub authors: Vec<At<String>>,
    pub attendees: Vec<At<String>>,
    pub facilitator: Option<At<String>>,
    pub reviewers: Vec<At<String>>,
    pub services: Vec<At<String>>,
    pub teams: Vec<At<String>>,
    pub tags: Vec<At<String>>,
    pub related: Vec<At<String>>,
    pub summary: Option<At<String>>,
    pub impact: Option<At<String>>,
    pub near_miss: bool,
    pub links: Vec<ExternalLink>,
    pub factors: Vec<Factor>,
    pub timeline: Vec<TimelineEntry>,
    pub recurrence_of: Option<At<String>>,
    /// `None` when the key is absent, so `no-remediation` can tell the
    /// absent list from an empty one in its message.
    pub action_items: Option<At<Vec<ActionItem>>>,
    pub body: Body,
}

impl Retro {
    /// A retro with only its path and id known; the loader fills the rest.
    pub fn empty(path: String, source: String, id: At<String>) -> Retro {
        Retro {
            path,
            source,
            id,
            title: None,
            status: None,
            severity: None,
            started_at: None,
            detected_at: None,
            mitigated_at: None,
            resolved_at: None,
            authors: Vec::new(),
            attendees: Vec::new(),
            facilitator: None,
            reviewers: Vec::new(),
            services: Vec::new(),
            teams: Vec::new(),
            tags: Vec::new(),
            related: Vec::new(),
            summary: None,
            impact: None,
            near_miss: false,
            links: Vec::new(),
            factors: Vec::new(),
            timeline: Vec::new(),
            recurrence_of: None,
            action_items: None,
            body: Body::default(),
        }
    }

    /// The Markdown body: everything after the closing fence.
    pub fn markdown(&self) -> &str {
        self.source.get(self.body.offset..).unwrap_or("")
    }

    pub fn actions(&self) -> &[ActionItem] {
        self.action_items.as_ref().map(|a| a.value.as_slice()).unwrap_or(&[])
    }

    pub fn title_text(&self) -> &str {
        self.title.as_ref().map(|t| t.value.as_str()).unwrap_or(&self.id.value)
    }

    pub fn requires_complete(&self) -> bool {
        self.status.as_ref().is_some_and(|s| s.value.requires_complete())
    }
}

/// How serious a finding is; `Off` silences a rule in `[check.rules]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Off,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(&self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// Declares the rules: their ids (part of the interface), default levels,
/// one-line descriptions (for `--help`, SARIF and the README) and how to fix
/// a finding of the rule (the hint when a finding has no sharper one, and
/// SARIF's `help`).
macro_rules! rules {
    ($($variant:ident = $id:literal, $level:ident, $doc:literal, $fix:literal;)+) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $($variant),+ }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),+];

            pub fn id(&self) -> &'static str {
                match self { $(Rule::$variant => $id),+ }
            }

            pub fn default_level(&self) -> Level {
                match self { $(Rule::$variant => Level::$level),+ }
            }

            pub fn description(&self) -> &'static str {
                match self { $(Rule::$variant => $doc),+ }
            }

            /// How to fix a finding of this rule, in general.
            pub fn fix(&self) -> &'static str {
                match self { $(Rule::$variant => $fix),+ }
            }

            pub fn from_id(id: &str) -> Option<Rule> {
                match id { $($id => Some(Rule::$variant),)+ _ => None }
            }
        }
    };
}

rules! {
    YamlSyntax = "yaml-syntax", Error, "front matter is not valid YAML, or the `---` fences are missing",
        "fix the YAML at this position: indent with spaces, quote values that contain `: ` or start with `#`, \
         and close the front matter with a `---` line";
    UnknownKey = "unknown-key", Error, "a key the format does not define",
        "remove the key or correct its spelling; `retrobook schema` lists every key";
    MissingKey = "missing-key", Error, "a required key is absent",
        "add the key; `retrobook schema` lists the required keys";
    InvalidValue = "invalid-value", Error, "wrong type, enum value, slug, date or timestamp",
        "write a value of the expected type; `retrobook schema` lists the allowed values and formats";
    ClockOrder = "clock-order", Error, "started <= detected <= mitigated <= resolved violated",
        "the incident clock runs started_at <= detected_at <= mitigated_at <= resolved_at";
    DuplicateId = "duplicate-id", Error, "two retros, factors or action items share an id",
        "give one of them a distinct `id:`";
    RemediationOwner = "remediation-owner", Error, "an action item without a non-empty owner",
        "every remediation needs an owner: add `owner:` with a person or team";
    NoRemediation = "no-remediation", Error, "an in-review or published retro with no action items",
        "add the remediations under `action_items:`, or keep the retro as `status: draft`";
    UnknownOwner = "unknown-owner", Error, "owner or person not in the roster, when [people]/[teams] exist",
        "use a name listed in book.toml [people] or [teams], or add the person there";
    BrokenLink = "broken-link", Error, "a link, related id or anchor that resolves to nothing",
        "point the link at an existing file, retro id or heading, or use a full `https://` URL";
    UnknownFactor = "unknown-factor", Error, "an action item names a factor id the retro does not define",
        "use the `id` of one of this retro's `contributing_factors`";
    UnaddressedFactor = "unaddressed-factor", Warning,
        "an actionable contributing factor no action item addresses",
        "list the factor's id in an action item's `factors:`, or mark the factor `actionable: false`";
    OverdueAction = "overdue-action", Warning, "an open or in-progress action item past its due date",
        "finish it, move `due` with a reason, or set `status: wont-do`";
    UnsafeUrl = "unsafe-url", Warning, "a URL whose scheme is not http(s), mailto or relative",
        "links may use http(s), mailto or a relative path; images may also use data:image/";
    MissingSection = "missing-section", Warning, "a heading listed in [retro].required_sections is absent",
        "add the heading; book.toml [retro].required_sections lists the sections every reviewed retro has";
    BlamelessLanguage = "blameless-language", Warning,
        "blame, \"human error\", \"root cause\" or counterfactual wording",
        "describe what the system and the people in it saw and did, not who was at fault";
    UnreadableFile = "unreadable-file", Error,
        "a retro file that cannot be read (permissions, a link out of the repo)",
        "make the file readable, or move it inside the repository";
    InvalidConfig = "invalid-config", Error,
        "book.toml cannot be read; nothing else is checked (exit code 2 in every format)",
        "fix book.toml at this position; the README lists its sections and keys";
}

/// One problem `check` found, located precisely.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    pub level: Level,
    /// Relative to the repo root, `/`-separated.
    pub file: String,
    pub pos: Pos,
    /// How many bytes from `pos.offset` the caret underlines (0: one char).
    pub len: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Finding {
    /// A finding at the rule's default level; `check` applies the
    /// configured level afterwards.
    pub fn new(rule: Rule, file: &str, pos: Pos, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            level: rule.default_level(),
            file: file.to_string(),
            pos,
            len: 0,
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Finding {
        self.hint = Some(hint.into());
        self
    }

    pub fn len(mut self, len: usize) -> Finding {
        self.len = len;
        self
    }
}
