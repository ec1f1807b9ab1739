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

/// A point in time as a retro gives it. Retros often know only the day
/// something happened, and a timeline may only know the month or the year
/// ("a refactor months earlier"); a coarse value stays coarse and never gains
/// an invented day or time of day. Clock fields take only `Date` and `Time`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Year(i32),
    /// The first day of the month.
    Month(NaiveDate),
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

    /// Like `parse`, and also a month (`2019-06`) or a year (`2019`), as a
    /// timeline takes them. The error says what is wrong with a value that
    /// has the shape of a month but does not exist (`2019-13`).
    pub fn parse_partial(text: &str) -> Result<When, String> {
        let text = text.trim();
        if let Some(w) = When::parse(text) {
            return Ok(w);
        }
        if let Some(year) = parse_year(text) {
            return Ok(When::Year(year));
        }
        match parse_month(text) {
            Some(Ok(first)) => Ok(When::Month(first)),
            Some(Err(e)) => Err(e),
            None => Err(format!("`{text}` is not a timestamp, a date, a month or a year")),
        }
    }

    /// The calendar day, in the timestamp's own offset; for a month or a
    /// year, its first day.
    pub fn date(&self) -> NaiveDate {
        match self {
            When::Year(y) => NaiveDate::from_ymd_opt(*y, 1, 1).unwrap_or_default(),
            When::Month(d) | When::Date(d) => *d,
            When::Time(t) => t.date_naive(),
        }
    }

    /// The last day the value covers.
    pub fn last_date(&self) -> NaiveDate {
        match self {
            When::Year(y) => NaiveDate::from_ymd_opt(*y, 12, 31).unwrap_or_default(),
            When::Month(d) => last_of_month(*d),
            When::Date(d) => *d,
            When::Time(t) => t.date_naive(),
        }
    }

    pub fn is_time(&self) -> bool {
        matches!(self, When::Time(_))
    }

    /// Whether `self` is strictly after `other`. With a coarser value on
    /// either side only whole days are compared: `self` must begin after
    /// the last day `other` covers, since a date alone covers its whole day.
    pub fn is_after(&self, other: &When) -> bool {
        match (self, other) {
            (When::Time(a), When::Time(b)) => a > b,
            _ => self.date() > other.last_date(),
        }
    }

    /// The time from `start` to `self`, only when both carry a time of day.
    pub fn since(&self, start: &When) -> Option<chrono::Duration> {
        match (self, start) {
            (When::Time(end), When::Time(start)) => Some(end.signed_duration_since(*start)),
            _ => None,
        }
    }

    /// Where the value sorts: at the start of its period (midnight UTC of
    /// the first day for anything coarser than a time).
    pub fn sort_key(&self) -> DateTime<chrono::Utc> {
        match self {
            When::Time(t) => t.to_utc(),
            other => other.date().and_time(chrono::NaiveTime::MIN).and_utc(),
        }
    }
}

/// A date as `YYYY-MM-DD`: what `NaiveDate`'s Display prints, in one write
/// instead of chrono's one per character (a build prints a few hundred
/// thousand dates: every action item row, on every list that shows it).
/// Pinned to chrono's by a property test.
pub struct Ymd(pub NaiveDate);

impl fmt::Display for Ymd {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        use chrono::Datelike;
        let (y, m, d) = (self.0.year(), self.0.month(), self.0.day());
        let Ok(y @ 0..=9999) = u32::try_from(y) else { return write!(f, "{}", self.0) };
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let text = [
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(d / 10),
            digit(d),
        ];
        f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            When::Year(y) => write!(f, "{y:04}"),
            When::Month(d) => write!(f, "{}", d.format("%Y-%m")),
            // `%Y-%m-%d` without parsing a format string each time
            // (pinned by a test).
            When::Date(d) => write!(f, "{}", Ymd(*d)),
            When::Time(t) => write!(f, "{}", t.to_rfc3339()),
        }
    }
}

/// `YYYY`, four digits.
fn parse_year(text: &str) -> Option<i32> {
    (text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse().ok()).flatten()
}

/// `YYYY-MM`: `None` when the text has another shape, an error when the
/// month does not exist.
fn parse_month(text: &str) -> Option<Result<NaiveDate, String>> {
    let (year, month) = text.split_once('-')?;
    let year = parse_year(year)?;
    if month.len() != 2 || !month.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let month: u32 = month.parse().ok()?;
    Some(NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| format!("month {month} does not exist")))
}

fn last_of_month(first: NaiveDate) -> NaiveDate {
    let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(NaiveDate::MAX);
    next.pred_opt().unwrap_or(first)
}

/// A clock field (`started_at`, …): a time or a date, and whether the
/// retro says it is a guess (`{at: TIME, approximate: true}`). Reads as its
/// `When` everywhere the flag does not matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub when: When,
    pub approximate: bool,
}

impl Clock {
    pub fn exact(when: When) -> Clock {
        Clock { when, approximate: false }
    }
}

impl std::ops::Deref for Clock {
    type Target = When;
    fn deref(&self) -> &When {
        &self.when
    }
}

/// When an action item is due: a day, or a whole month (`2026-03`) or
/// quarter (`2026-Q1`) when the team plans that coarsely. An item is
/// overdue only once the whole period has ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    Day(NaiveDate),
    /// The first day of the month.
    Month(NaiveDate),
    Quarter {
        year: i32,
        quarter: u8,
    },
}

impl Due {
    /// Parse a due date as written; the error says what is wrong.
    pub fn parse(text: &str) -> Result<Due, String> {
        let text = text.trim();
        if let Some(When::Date(d)) = When::parse(text) {
            return Ok(Due::Day(d));
        }
        if let Some(month) = parse_month(text) {
            return month.map(Due::Month);
        }
        let quarter = text.split_once('-').filter(|(_, q)| q.len() == 2 && q.starts_with('Q'));
        if let Some((year, q)) = quarter
            && let Some(year) = parse_year(year)
            && let Some(n) = q[1..].parse::<u8>().ok()
        {
            return match n {
                1..=4 => Ok(Due::Quarter { year, quarter: n }),
                _ => Err(format!("quarter {n} does not exist; quarters are Q1 to Q4")),
            };
        }
        Err(format!("`{text}` is not a date, a month or a quarter"))
    }

    /// The last day of the period: the item is overdue the day after.
    pub fn end(&self) -> NaiveDate {
        match self {
            Due::Day(d) => *d,
            Due::Month(first) => last_of_month(*first),
            Due::Quarter { year, quarter } => {
                let first = NaiveDate::from_ymd_opt(*year, u32::from(*quarter) * 3, 1).unwrap_or_default();
                last_of_month(first)
            }
        }
    }
}

impl fmt::Display for Due {
    /// As the retro writes it.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Due::Day(d) => write!(f, "{d}"),
            Due::Month(d) => write!(f, "{}", d.format("%Y-%m")),
            Due::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
        }
    }
}

/// Declares a closed set of words used in the front matter: the enum, its
/// spelling in YAML, and the list used for messages and the JSON Schema
/// (`schema.rs` builds its enums from `WORDS`). The keys of the front
/// matter's mappings are declared the same way (`load::keys`).
macro_rules! keyword_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the order of `WORDS`.
            #[allow(dead_code)]
            pub const ALL: &'static [Self] = &[$($name::$variant),+];
            pub const WORDS: &'static [&'static str] = &[$($word),+];

            pub fn from_word(word: &str) -> Option<Self> {
                match word { $($word => Some($name::$variant),)+ _ => None }
            }

            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use keyword_enum;

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

keyword_enum!(
    /// What the users of a service saw during an impact window; weighted by
    /// `[uptime] weights` in the availability figures.
    ImpactLevel { Outage = "outage", Partial = "partial", Degraded = "degraded" }
);

/// A `service_impact` window: one service, from when to when, how badly.
/// Both ends carry a time of day, and `to` is after `from` (the loader
/// drops a window that breaks either, with a finding).
#[derive(Debug, Clone, PartialEq)]
pub struct ImpactWindow {
    /// One of the retro's `services`.
    pub service: At<String>,
    pub from: At<DateTime<FixedOffset>>,
    pub to: At<DateTime<FixedOffset>>,
    pub level: ImpactLevel,
    /// The ends are guesses.
    pub approximate: bool,
}

keyword_enum!(
    /// How one part of the response went (`response[].went`): the Google
    /// SRE postmortem's "went well / went wrong / where we got lucky".
    Went { Well = "well", Poorly = "poorly", Lucky = "lucky" }
);

/// Who held one role in the response (`roles:`): one person, or several in
/// the order the role was handed over.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleHolders {
    /// The role's name as written (one of `[response].roles`).
    pub role: At<String>,
    pub people: Vec<At<String>>,
}

/// How the incident was found (`detection:`).
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// One of `[response].detection_sources`; `None` when missing or invalid.
    pub source: Option<At<String>>,
    /// Which monitor, person or report, as free text.
    pub by: Option<At<String>>,
    pub pos: Pos,
}

/// One observation of the incident response analysis (`response:`).
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseNote {
    pub id: At<String>,
    /// `None` when invalid: the observation is kept so that the items
    /// naming it still resolve.
    pub went: Option<At<Went>>,
    /// One of `[response].categories`.
    pub category: Option<At<String>>,
    pub description: At<String>,
    /// Where the list item starts.
    pub pos: Pos,
}

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
    /// The end of a span (`until:`); `None` for a moment.
    pub until: Option<At<When>>,
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
    pub due: Option<At<Due>>,
    pub kind: Option<ActionKind>,
    pub priority: Option<Priority>,
    pub factors: Vec<At<String>>,
    pub link: Option<At<String>>,
    /// `link` as a URL for the site, ready for an `href` (`link::href`):
    /// itself when it has a scheme, a bare ticket key through
    /// `[tracker.base_url]`, else (or when unsafe) `None`.
    pub link_url: Option<String>,
    /// What the link shows (`ticket::link_text`): the ticket key, else the
    /// URL's host; empty when the link is neither a safe URL nor a key.
    /// Worked out once here: every list an item is on shows it.
    pub link_text: String,
    pub completed_at: Option<At<NaiveDate>>,
    pub pos: Pos,
}

impl ActionItem {
    /// An item with only a position, its fields filled in as they are read.
    pub fn blank(pos: Pos) -> ActionItem {
        ActionItem {
            id: At::new(String::new(), pos),
            title: At::new(String::new(), pos),
            owner: None,
            status: None,
            due: None,
            kind: None,
            priority: None,
            factors: Vec::new(),
            link: None,
            link_url: None,
            link_text: String::new(),
            completed_at: None,
            pos,
        }
    }

    /// An item still pending whose due period ended before `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        let pending = self.status.as_ref().is_some_and(|s| s.value.is_pending());
        pending && self.due.as_ref().is_some_and(|d| d.value.end() < today)
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
    pub started_at: Option<At<Clock>>,
    pub detected_at: Option<At<Clock>>,
    pub mitigated_at: Option<At<Clock>>,
    pub resolved_at: Option<At<Clock>>,
    pub authors: Vec<At<String>>,
    pub attendees: Vec<At<String>>,
    pub facilitator: Option<At<String>>,
    pub reviewers: Vec<At<String>>,
    pub services: Vec<At<String>>,
    /// What the users of each service saw, from when to when (uptime).
    pub service_impact: Vec<ImpactWindow>,
    /// Third parties involved: a taxonomy, like services.
    pub vendors: Vec<At<String>>,
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
    /// `roles:`, in the order written.
    pub roles: Vec<RoleHolders>,
    pub detection: Option<Detection>,
    /// `response:`, the incident response analysis.
    pub response: Vec<ResponseNote>,
    /// `None` when the key is absent, so `no-remediation` can tell the
    /// absent list from an empty one in its message.
    pub action_items: Option<At<Vec<ActionItem>>>,
    /// The postmortem `retrobook import` made this retro from (its path as given).
    pub imported_from: Option<At<String>>,
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
            service_impact: Vec::new(),
            vendors: Vec::new(),
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
            roles: Vec::new(),
            detection: None,
            response: Vec::new(),
            action_items: None,
            imported_from: None,
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

    /// The day `started_at` falls on, `YYYY-MM-DD` as lists show it; empty
    /// without one.
    pub fn started_day(&self) -> String {
        self.started_at.as_ref().map(|s| Ymd(s.value.date()).to_string()).unwrap_or_default()
    }

    pub fn requires_complete(&self) -> bool {
        self.status.as_ref().is_some_and(|s| s.value.requires_complete())
    }

    /// The people who held `role`, in handover order.
    pub fn role_holders(&self, role: &str) -> &[At<String>] {
        self.roles.iter().find(|r| r.role.value == role).map(|r| r.people.as_slice()).unwrap_or(&[])
    }

    /// Detection came before impact (proactive detection, near misses).
    pub fn detected_before_impact(&self) -> bool {
        match (&self.started_at, &self.detected_at) {
            (Some(start), Some(detected)) => start.value.is_after(&detected.value),
            _ => false,
        }
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
/// one-line descriptions (for `--help`, SARIF and docs/rules.md) and how to fix
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
    ClockOrder = "clock-order", Error, "started <= mitigated <= resolved, or detected <= mitigated, violated",
        "the incident clock runs started_at <= mitigated_at <= resolved_at, and detected_at <= mitigated_at";
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
    UnknownFactor = "unknown-factor", Error,
        "an action item names a factor id the retro does not define (as a factor or a response observation)",
        "use the `id` of one of this retro's `contributing_factors` or `response` observations";
    UnaddressedFactor = "unaddressed-factor", Warning,
        "an actionable contributing factor, or a response observation that went poorly, no action item addresses",
        "list the factor's or observation's id in an action item's `factors:`, or mark the factor \
         `actionable: false`";
    ResponseRecord = "response-record", Warning,
        "a SEV1/SEV2 ([response.targets].severities) in review or published without an incident commander \
         or a detection source",
        "add `roles: {incident_commander: NAME}` and `detection: {source: alert}`; the response scorecard \
         counts on them";
    OverdueAction = "overdue-action", Warning, "an open or in-progress action item past its due date",
        "finish it, move `due` with a reason, or set `status: wont-do`";
    StaleAction = "stale-action", Off,
        "an open action item whose own lines no commit changed for [history].stale_days (off unless set)",
        "update the item (status, due, owner) to where it stands, or close it with `status: wont-do`";
    UnsafeUrl = "unsafe-url", Warning, "a URL whose scheme is not http(s), mailto or relative",
        "links may use http(s), mailto or a relative path; images may also use data:image/";
    MissingSection = "missing-section", Warning, "a heading listed in [retro].required_sections is absent",
        "add the heading; book.toml [retro].required_sections lists the sections every reviewed retro has";
    BlamelessLanguage = "blameless-language", Warning,
        "a person blamed or judged, \"human error\", \"root cause\", counterfactuals",
        "describe what the system and the people in it saw and did, not who was at fault";
    UnreadableFile = "unreadable-file", Error,
        "a retro file that cannot be read (permissions, a link out of the repo)",
        "make the file readable, or move it inside the repository";
    InvalidConfig = "invalid-config", Error,
        "book.toml cannot be read; nothing else is checked (exit code 2 in every format)",
        "fix book.toml at this position; docs/configuration.md lists its sections and keys";
    TrackerMismatch = "tracker-mismatch", Warning,
        "an action item's status disagrees with its ticket in a tracker export ([tracker], --tracker)",
        "update the item's `status:` (and `completed_at:`) to what happened, or reopen or close the ticket";
    TrackerMissing = "tracker-missing", Warning,
        "an action item's `link:` names a ticket absent from the tracker exports that cover its project",
        "correct the ticket key or URL in `link:`, or produce the export again so it includes the ticket";
    TrackerAssignee = "tracker-assignee", Off,
        "an action item's owner is not among its ticket's assignees (off unless set in [check.rules])",
        "make the item's `owner:` the person the ticket is assigned to, or reassign the ticket";
    ImpactWindow = "impact-window", Warning,
        "a `service_impact` window outside the incident's `started_at` … `resolved_at`",
        "correct the window's `from`/`to`, or the incident clock, so the window lies within the incident";
    TrackerExport = "tracker-export", Error,
        "a tracker export cannot be read; nothing else is checked (exit code 2 in every format)",
        "fix or produce the export again; docs/tracker.md shows each format";
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

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    proptest::proptest! {
        /// Dates are shown with `NaiveDate`'s Display, which must be the
        /// `%Y-%m-%d` the site has always used, signed years included.
        #[test]
        fn a_dates_display_is_year_month_day(days in 0u64..190_000_000) {
            let d = NaiveDate::MIN + chrono::Days::new(days);
            proptest::prop_assert_eq!(d.to_string(), d.format("%Y-%m-%d").to_string());
            proptest::prop_assert_eq!(Ymd(d).to_string(), d.to_string());
            proptest::prop_assert_eq!(When::Date(d).to_string(), d.to_string());
        }

        /// The years a retro has, densely.
        #[test]
        fn a_recent_dates_display_is_year_month_day(days in 0u64..800_000) {
            let d = NaiveDate::from_ymd_opt(1, 1, 1).unwrap() + chrono::Days::new(days);
            proptest::prop_assert_eq!(Ymd(d).to_string(), d.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn due_periods_end_on_their_last_day() {
        let cases = [
            ("2026-03-14", "2026-03-14"),
            ("2026-02", "2026-02-28"),
            ("2024-02", "2024-02-29"),
            ("2026-12", "2026-12-31"),
            ("2026-Q1", "2026-03-31"),
            ("2026-Q2", "2026-06-30"),
            ("2026-Q3", "2026-09-30"),
            ("2026-Q4", "2026-12-31"),
        ];
        for (text, end) in cases {
            let due = Due::parse(text).unwrap();
            assert_eq!(due.end(), day(end), "{text}");
            assert_eq!(due.to_string(), text, "shown as written");
        }
        assert!(Due::parse("2026-Q5").unwrap_err().contains("quarter 5"));
        assert!(Due::parse("2026-Q0").unwrap_err().contains("quarter 0"));
        assert!(Due::parse("2026-13").unwrap_err().contains("month 13"));
        assert!(Due::parse("2026-02-30").is_err());
        assert!(Due::parse("soon").is_err() && Due::parse("2026-q1").is_err());
    }

    #[test]
    fn an_item_due_in_a_quarter_is_overdue_after_it() {
        let mut item = ActionItem {
            status: Some(At::new(ActionStatus::Open, Pos::default())),
            due: Some(At::new(Due::parse("2026-Q1").unwrap(), Pos::default())),
            ..ActionItem::blank(Pos::default())
        };
        assert!(!item.is_overdue(day("2026-03-31")));
        assert!(item.is_overdue(day("2026-04-01")));
        item.status = Some(At::new(ActionStatus::Done, Pos::default()));
        assert!(!item.is_overdue(day("2027-01-01")), "done items are never overdue");
    }

    #[test]
    fn partial_times_parse_compare_and_sort_at_their_start() {
        let year = When::parse_partial("2019").unwrap();
        let month = When::parse_partial("2019-06").unwrap();
        let date = When::parse_partial("2019-06-14").unwrap();
        let time = When::parse_partial("2019-06-14T11:32:00Z").unwrap();
        assert_eq!((year.to_string(), month.to_string()), ("2019".into(), "2019-06".into()));
        assert!(When::parse_partial("2019-13").unwrap_err().contains("month 13"));
        assert!(When::parse_partial("19").is_err());
        assert!(When::parse("2019-06").is_none(), "clock fields take no month");
        // A coarse value covers its whole period: nothing inside it is after it.
        assert!(!date.is_after(&month) && !month.is_after(&date) && !time.is_after(&year));
        assert!(When::parse_partial("2019-07").unwrap().is_after(&date));
        assert!(date.is_after(&When::parse_partial("2019-05").unwrap()));
        let keys = [year, month, date, time].map(|w| w.sort_key());
        assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{keys:?}");
        assert_eq!(month.last_date(), day("2019-06-30"));
    }
}
