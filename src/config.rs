//! `book.toml`: the repository's configuration, every section optional.

use crate::error::Error;
use crate::model::{Level, Rule};
use crate::text::{LineIndex, did_you_mean};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

pub const CONFIG_FILE: &str = "book.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub book: BookConfig,
    pub build: BuildConfig,
    pub retro: RetroConfig,
    /// The roster of people, keyed by the handle used in retros.
    pub people: BTreeMap<String, Person>,
    /// The roster of teams, keyed by slug.
    pub teams: BTreeMap<String, Team>,
    pub check: CheckConfig,
    pub tracker: TrackerConfig,
    pub history: HistoryConfig,
    pub uptime: UptimeConfig,
    pub response: ResponseConfig,
}

/// `[response]`: the incident response analysis's words and the targets of
/// the response scorecard (docs/configuration.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ResponseConfig {
    /// The role names `roles:` may use.
    pub roles: Vec<String>,
    /// The values of `detection.source`.
    pub detection_sources: Vec<String>,
    /// The sources that count as "detected internally".
    pub internal_sources: Vec<String>,
    /// The values of a response observation's `category`.
    pub categories: Vec<String>,
    pub targets: ResponseTargets,
    /// Whether book.toml has a `[response]` section: the book follows the
    /// response process, and `response-record` applies.
    #[serde(skip)]
    pub declared: bool,
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|w| w.to_string()).collect()
}

impl Default for ResponseConfig {
    fn default() -> Self {
        ResponseConfig {
            roles: words(&["incident_commander", "communications", "operations", "scribe"]),
            detection_sources: words(&["alert", "synthetic", "employee", "customer", "vendor", "other"]),
            internal_sources: words(&["alert", "synthetic", "employee"]),
            categories: words(&["detection", "escalation", "coordination", "communication", "tooling", "knowledge"]),
            targets: ResponseTargets::default(),
            declared: false,
        }
    }
}

/// `[uptime]`: how impact windows weigh, and each service's objective
/// (docs/report.md, Availability).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UptimeConfig {
    pub weights: Weights,
    /// `checkout = 99.95` or `search = { target = 99.5, window = "quarter" }`;
    /// the OpenSLO files' objectives are added here when the repo is loaded.
    pub slo: BTreeMap<String, Objective>,
    /// OpenSLO files, as paths or globs (`*`, `?`, `**`) relative to the root.
    pub openslo: Vec<String>,
}

/// How much of a window counts as downtime, by level (Statuspage's weights).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Weights {
    pub outage: f64,
    pub partial: f64,
    pub degraded: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights { outage: 1.0, partial: 0.3, degraded: 0.0 }
    }
}

impl Weights {
    pub fn of(&self, level: crate::model::ImpactLevel) -> f64 {
        use crate::model::ImpactLevel as L;
        match level {
            L::Outage => self.outage,
            L::Partial => self.partial,
            L::Degraded => self.degraded,
        }
    }
}

/// The calendar period an objective is judged over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SloWindow {
    Month,
    Quarter,
}

/// A service's availability objective.
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    /// Percent, e.g. `99.95`.
    pub target: f64,
    pub window: SloWindow,
    /// Where its months and quarters begin: UTC unless the objective names
    /// a zone (OpenSLO's `calendar.timeZone`, or `time_zone` in book.toml).
    pub zone: Zone,
    /// Where it was set: `book.toml` or the OpenSLO file's path.
    pub source: String,
}

/// The time zone an objective's calendar periods are counted in: a month
/// of `America/New_York` begins at midnight there, 04:00 or 05:00 UTC.
#[derive(Debug, Clone)]
pub struct Zone {
    name: std::borrow::Cow<'static, str>,
    tz: jiff::tz::TimeZone,
}

impl Zone {
    pub const UTC: Zone = Zone { name: std::borrow::Cow::Borrowed("UTC"), tz: jiff::tz::TimeZone::UTC };

    /// An IANA time zone (`Europe/Paris`), from the machine's time zone
    /// database, or the copy built into the binary where it has none.
    pub fn named(name: &str) -> Option<Zone> {
        if matches!(name, "UTC" | "Etc/UTC" | "Z") {
            return Some(Zone::UTC);
        }
        let tz = jiff::tz::db().get(name).ok()?;
        Some(Zone { name: name.to_string().into(), tz })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn is_utc(&self) -> bool {
        self.name == "UTC"
    }

    /// The first instant of `day` in the zone (midnight, or the end of a
    /// daylight-saving gap that swallows it), in seconds since the epoch.
    pub fn midnight(&self, day: chrono::NaiveDate) -> i64 {
        use chrono::Datelike;
        let date = i16::try_from(day.year())
            .ok()
            .and_then(|y| jiff::civil::Date::new(y, day.month() as i8, day.day() as i8).ok());
        match date.and_then(|d| d.to_zoned(self.tz.clone()).ok()) {
            Some(zoned) => zoned.timestamp().as_second(),
            // Beyond jiff's years (±9999): the UTC midnight.
            None => day.and_time(chrono::NaiveTime::MIN).and_utc().timestamp(),
        }
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Zone) -> bool {
        self.name == other.name
    }
}

impl<'de> Deserialize<'de> for Objective {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            target: f64,
            #[serde(default = "month")]
            window: SloWindow,
            time_zone: Option<String>,
        }
        fn month() -> SloWindow {
            SloWindow::Month
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Target(f64),
            Full(Full),
        }
        let (target, window, zone) = match Written::deserialize(d) {
            Ok(Written::Target(target)) => (target, SloWindow::Month, None),
            Ok(Written::Full(full)) => (full.target, full.window, full.time_zone),
            Err(_) => {
                return Err(serde::de::Error::custom(
                    "an objective is a target percent (`checkout = 99.95`) or \
                     `{ target = 99.5, window = \"month\" | \"quarter\", time_zone = \"UTC\" }`",
                ));
            }
        };
        let zone = match zone {
            None => Zone::UTC,
            Some(name) => Zone::named(&name).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "unknown time zone `{name}`: an IANA name such as `America/New_York`, or `UTC`"
                ))
            })?,
        };
        Ok(Objective { target, window, zone, source: CONFIG_FILE.into() })
    }
}

/// The role whose holder the `response-record` rule asks for.
pub const COMMANDER_ROLE: &str = "incident_commander";

/// `[response.targets]`: what the response of an incident of `severities`
/// is judged by, per quarter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ResponseTargets {
    pub severities: Vec<String>,
    /// From `started_at` to `mitigated_at`.
    pub mitigate_within: Minutes,
    /// The share of incidents to mitigate within `mitigate_within`.
    pub mitigate_share: f64,
    pub detected_internally_share: f64,
    /// From `started_at` to the first `communication` entry at or after it.
    pub first_update_within: Minutes,
}

impl Default for ResponseTargets {
    fn default() -> Self {
        ResponseTargets {
            severities: words(&["SEV1", "SEV2"]),
            mitigate_within: Minutes(30),
            mitigate_share: 0.8,
            detected_internally_share: 0.8,
            first_update_within: Minutes(15),
        }
    }
}

/// A span of time written as `30m`, `2h`, `1h30m` or `1d`, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Minutes(pub u32);

impl Minutes {
    /// `30m`, `2h`, `1h30m`, `1d`: whole numbers each followed by `d`, `h`
    /// or `m`, in that order.
    pub fn parse(text: &str) -> Option<Minutes> {
        let (mut total, mut rest, mut last) = (0u32, text.trim(), 0u32);
        if rest.is_empty() {
            return None;
        }
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let number: u32 = rest[..digits].parse().ok()?;
            let unit = rest[digits..].chars().next()?;
            let (rank, minutes) = match unit {
                'd' => (3, 24 * 60),
                'h' => (2, 60),
                'm' => (1, 1),
                _ => return None,
            };
            if last != 0 && rank >= last {
                return None;
            }
            last = rank;
            total = total.checked_add(number.checked_mul(minutes)?)?;
            rest = &rest[digits + 1..];
        }
        Some(Minutes(total))
    }
}

impl std::fmt::Display for Minutes {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let (h, m) = (self.0 / 60, self.0 % 60);
        match (h, m) {
            (0, m) => write!(f, "{m}m"),
            (h, 0) => write!(f, "{h}h"),
            (h, m) => write!(f, "{h}h{m}m"),
        }
    }
}

impl<'de> Deserialize<'de> for Minutes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Minutes::parse(&text).filter(|m| m.0 > 0).ok_or_else(|| {
            serde::de::Error::custom(format!("`{text}` is not a duration; write minutes or hours, e.g. `30m`, `1h30m`"))
        })
    }
}

/// `[history]`: the follow-through read from git (docs/history.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HistoryConfig {
    /// Read the git history at all (off for a repository too big to walk).
    pub enabled: bool,
    /// Keep what each commit changed in the git folder, in
    /// `.git/retrobook/history-<source folder>.json`.
    pub cache: bool,
    /// An open item whose own lines are unchanged this many days is stale.
    pub stale_days: u32,
    /// A retro first committed more than this many days after its
    /// `started_at` came in through an import: its items are dated from the
    /// incident, not from that commit.
    pub import_days: u32,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        HistoryConfig { enabled: true, cache: true, stale_days: 90, import_days: 30 }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrackerConfig {
    /// Tracker export files (Jira CSV, `gh issue list --json`, Linear CSV),
    /// relative to the repo root.
    pub exports: Vec<PathBuf>,
    /// A tracker status name (case-insensitive) and what it means: `open`,
    /// `done` or `wont-do`; it wins over the export's status category.
    pub statuses: BTreeMap<String, crate::ticket::TicketStatus>,
    /// Where each tracker lives, so that the site links a bare key.
    pub base_url: crate::ticket::TrackerUrls,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BookConfig {
    pub title: String,
    pub description: String,
    pub authors: Vec<String>,
    pub language: String,
}

impl Default for BookConfig {
    fn default() -> Self {
        BookConfig {
            title: "Incident retrospectives".into(),
            description: String::new(),
            authors: Vec::new(),
            language: "en".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BuildConfig {
    /// Folder holding the retros, relative to the repo root.
    pub source: PathBuf,
    /// Folder the site is written to, relative to the repo root.
    pub output: PathBuf,
    /// Where the site is served from: `/`, `/retros/` or a full URL.
    pub base_url: String,
    pub theme: String,
    /// Entries per page of every list (retros, items, a term's retros);
    /// longer lists continue on numbered pages.
    pub page_size: Option<usize>,
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig {
            source: "retros".into(),
            output: "site".into(),
            base_url: "/".into(),
            theme: "default".into(),
            page_size: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetroConfig {
    pub severities: Vec<String>,
    pub factor_categories: Vec<String>,
    /// Headings every in-review or published retro must contain.
    pub required_sections: Vec<String>,
    /// "Edit this file" link; `{path}` is replaced by the file's repo path.
    pub edit_url: Option<String>,
}

impl Default for RetroConfig {
    fn default() -> Self {
        RetroConfig {
            severities: ["SEV1", "SEV2", "SEV3", "SEV4"].map(String::from).to_vec(),
            factor_categories: [
                "process",
                "technical",
                "human-factors",
                "tooling",
                "communication",
                "capacity",
                "dependency",
                "monitoring",
                "change-management",
                "testing",
            ]
            .map(String::from)
            .to_vec(),
            required_sections: Vec::new(),
            edit_url: None,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Person {
    pub name: Option<String>,
    pub team: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Team {
    pub name: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckConfig {
    /// Level per rule id: `"off"`, `"warning"` or `"error"`.
    pub rules: BTreeMap<String, Level>,
    pub blameless: BlamelessConfig,
    /// Retro files above this many MiB are reported, not read: no retro is
    /// that long, and a pasted log or binary must not stall every check.
    pub max_file_mb: u64,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig { rules: BTreeMap::new(), blameless: BlamelessConfig::default(), max_file_mb: 8 }
    }
}

impl CheckConfig {
    pub fn max_file_bytes(&self) -> u64 {
        self.max_file_mb.saturating_mul(1024 * 1024)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BlamelessConfig {
    /// Extra phrases to flag, each with the wording to suggest instead.
    pub phrases: Vec<PhraseConfig>,
    /// Built-in phrases and trigger words ("failed to", "ignored") this
    /// team does not want flagged.
    pub allow: Vec<String>,
    /// Extra nouns that name people by role ("sysop"), besides the built-in
    /// engineer, operator, on-call, reviewer, …
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhraseConfig {
    pub phrase: String,
    pub suggestion: String,
}

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let word = String::deserialize(d)?;
        match word.as_str() {
            "off" | "allow" => Ok(Level::Off),
            "warning" | "warn" => Ok(Level::Warning),
            "error" | "deny" => Ok(Level::Error),
            other => {
                Err(serde::de::Error::custom(format!("unknown level `{other}`, expected `off`, `warning` or `error`")))
            }
        }
    }
}

impl Config {
    /// Read `book.toml` in `root`; a missing file means the defaults.
    pub fn load(root: &Path) -> Result<Config, Error> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(Error::io(&path, e)),
        };
        Config::parse(&text).map_err(|(offset, message)| {
            let pos = LineIndex::new(&text).pos(offset);
            Error::in_config(CONFIG_FILE, pos, &message)
        })
    }

    /// Parse the text of a `book.toml`; an error carries its byte offset.
    pub fn parse(text: &str) -> Result<Config, (usize, String)> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            (offset, e.message().trim().to_string())
        })?;
        config.response.declared =
            DeTable::parse(text).is_ok_and(|root| entry(root.get_ref(), &["response"]).is_some());
        config.validate(text)?;
        Ok(config)
    }

    /// The checks serde cannot make, each error at the key or value it is
    /// about (`locate`).
    fn validate(&self, text: &str) -> Result<(), (usize, String)> {
        let value = |path: &[&str]| locate(text, path, Spot::Value);
        for id in self.check.rules.keys() {
            if Rule::from_id(id).is_none() {
                let ids = Rule::ALL.iter().map(|r| r.id());
                let hint = did_you_mean(id, ids).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                let at = locate(text, &["check", "rules", id], Spot::Key);
                return Err((at, format!("unknown rule `{id}` in [check.rules]{hint}")));
            }
        }
        if !(1..=1024).contains(&self.check.max_file_mb) {
            let message = "[check].max_file_mb must be between 1 and 1024";
            return Err((value(&["check", "max_file_mb"]), message.into()));
        }
        if self.history.stale_days == 0 {
            return Err((value(&["history", "stale_days"]), "[history].stale_days must be at least 1".into()));
        }
        if self.retro.severities.is_empty() {
            let message = "[retro].severities must list at least one severity";
            return Err((value(&["retro", "severities"]), message.into()));
        }
        self.response.validate(&self.retro.severities, text)?;
        let urls = &self.tracker.base_url;
        for (kind, url) in [("jira", &urls.jira), ("linear", &urls.linear), ("github", &urls.github)] {
            let Some(url) = url else { continue };
            if !matches!(crate::link::scheme(url).as_deref(), Some("http" | "https")) {
                let at = value(&["tracker", "base_url", kind]);
                return Err((at, format!("[tracker.base_url].{kind} `{url}` must be an http(s) URL")));
            }
        }
        self.validate_uptime(text)?;
        if self.build.theme.contains(['/', '\\']) || self.build.theme.starts_with('.') {
            let message = format!("[build].theme `{}` must be a folder name under themes/", self.build.theme);
            return Err((value(&["build", "theme"]), message));
        }
        Ok(())
    }

    /// `[uptime]`: weights between 0 and 1, objectives of slugs between 0
    /// and 100 percent, OpenSLO paths inside the repository.
    fn validate_uptime(&self, text: &str) -> Result<(), (usize, String)> {
        let w = &self.uptime.weights;
        for (level, weight) in [("outage", w.outage), ("partial", w.partial), ("degraded", w.degraded)] {
            if !(0.0..=1.0).contains(&weight) {
                let at = locate(text, &["uptime", "weights", level], Spot::Value);
                return Err((at, format!("[uptime.weights].{level} must be between 0 and 1, found {weight}")));
            }
        }
        for (service, objective) in &self.uptime.slo {
            if !crate::text::is_slug(service) {
                let at = locate(text, &["uptime", "slo", service], Spot::Key);
                return Err((at, format!("[uptime.slo] `{service}` is not a service slug")));
            }
            let target = objective.target;
            if !(target > 0.0 && target <= 100.0) {
                let at = locate(text, &["uptime", "slo", service], Spot::Value);
                let message =
                    format!("[uptime.slo].{service}: the target {target} must be a percent above 0, at most 100");
                return Err((at, message));
            }
        }
        for pattern in &self.uptime.openslo {
            let path = Path::new(pattern);
            let outside = path.is_absolute() || path.components().any(|c| c == std::path::Component::ParentDir);
            if outside || pattern.trim().is_empty() {
                let at = locate(text, &["uptime", "openslo"], Spot::Value);
                return Err((at, format!("[uptime].openslo `{pattern}` must be a path or glob inside the repository")));
            }
        }
        Ok(())
    }

    /// The level in force for a rule: `[check.rules]` or the rule's default.
    pub fn level(&self, rule: Rule) -> Level {
        self.check.rules.get(rule.id()).copied().unwrap_or(rule.default_level())
    }

    /// Whether a people roster exists (then unknown names are errors).
    pub fn has_roster(&self) -> bool {
        !self.people.is_empty() || !self.teams.is_empty()
    }
}

impl ResponseConfig {
    /// Each list of words non-empty where it must be, the internal sources
    /// among the sources, the targets' severities among the retros', and
    /// shares between 0 and 1.
    fn validate(&self, severities: &[String], text: &str) -> Result<(), (usize, String)> {
        let value = |path: &[&str]| locate(text, path, Spot::Value);
        for (key, list) in [("detection_sources", &self.detection_sources), ("categories", &self.categories)] {
            if list.is_empty() {
                return Err((value(&["response", key]), format!("[response].{key} must list at least one word")));
            }
        }
        let within = [
            (
                "internal_sources",
                &["response", "internal_sources"][..],
                &self.internal_sources,
                &self.detection_sources,
            ),
            ("severities", &["response", "targets", "severities"][..], &self.targets.severities, &severities.to_vec()),
        ];
        for (key, path, list, allowed) in within {
            if let Some(word) = list.iter().find(|w| !allowed.contains(w)) {
                let hint = did_you_mean(word, allowed.iter().map(String::as_str))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                let whose = if key == "severities" { "[retro].severities" } else { "[response].detection_sources" };
                return Err((value(path), format!("`{word}` in {key} is not one of {whose}{hint}")));
            }
        }
        let targets = &self.targets;
        for (key, share) in [
            ("mitigate_share", targets.mitigate_share),
            ("detected_internally_share", targets.detected_internally_share),
        ] {
            if !(0.0..=1.0).contains(&share) {
                let message = format!("[response.targets].{key} must be a share between 0 and 1, e.g. 0.8");
                return Err((value(&["response", "targets", key]), message));
            }
        }
        Ok(())
    }

    /// Whether a detection source counts as internal.
    pub fn is_internal(&self, source: &str) -> bool {
        self.internal_sources.iter().any(|s| s == source)
    }
}

/// Which part of an entry an error points at.
#[derive(Clone, Copy)]
enum Spot {
    Key,
    Value,
}

/// The byte offset of the entry at `path` (its keys from the top of the
/// document) in `text`: of its key or of its value. Found through the TOML
/// parser's spans, so a comment or another table that holds the same word
/// is never taken for it. The start of the file if the entry is not there.
fn locate(text: &str, path: &[&str], spot: Spot) -> usize {
    let Ok(root) = DeTable::parse(text) else { return 0 };
    let span = entry(root.get_ref(), path).map(|(key, value)| match spot {
        Spot::Key => key.span(),
        Spot::Value => value.span(),
    });
    span.map_or(0, |span| span.start)
}

type Entry<'t, 'i> = (&'t Spanned<DeString<'i>>, &'t Spanned<DeValue<'i>>);

/// The key and value at `path` under `table`, through tables, whether
/// written as `[a.b]` headers, dotted keys or inline tables.
fn entry<'t, 'i>(table: &'t DeTable<'i>, path: &[&str]) -> Option<Entry<'t, 'i>> {
    let (first, rest) = path.split_first()?;
    let (key, value) = table.iter().find(|(key, _)| key.get_ref() == first)?;
    match (rest, value.get_ref()) {
        ([], _) => Some((key, value)),
        (_, DeValue::Table(inner)) => entry(inner, rest),
        _ => None,
    }
}

/// The repo root: `explicit` if given, else the nearest folder upward from
/// `start` that holds a `book.toml`.
pub fn find_root(explicit: Option<&Path>, start: &Path) -> Result<PathBuf, Error> {
    if let Some(root) = explicit {
        if !root.is_dir() {
            return Err(Error::new(format!("--root {}: not a folder", root.display())));
        }
        return Ok(root.to_path_buf());
    }
    start.ancestors().find(|dir| dir.join(CONFIG_FILE).is_file()).map(Path::to_path_buf).ok_or_else(|| {
        Error::new(format!(
            "no {CONFIG_FILE} in {} or any folder above it; run `retrobook init` or pass --root",
            start.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_has_defaults() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.build.source, PathBuf::from("retros"));
        assert_eq!(c.retro.severities.len(), 4);
        assert_eq!(c.level(Rule::OverdueAction), Level::Warning);
    }

    #[test]
    fn unknown_key_is_an_error_with_offset() {
        let text = "[book]\ntitle = \"x\"\ntitel = \"y\"\n";
        let (offset, message) = Config::parse(text).unwrap_err();
        assert_eq!(LineIndex::new(text).pos(offset).line, 3);
        assert!(message.contains("titel"), "{message}");
    }

    #[test]
    fn errors_are_placed_by_the_parser_not_by_a_search() {
        // The word appears first in a comment, then in a value.
        let text = "# stale_days\n[book]\ntitle = \"stale_days\"\n[history]\nstale_days = 0\n";
        let (offset, message) = Config::parse(text).unwrap_err();
        let pos = LineIndex::new(text).pos(offset);
        assert_eq!((pos.line, pos.column), (5, 14), "{message}");
        let text = "[check.rules]\n# no-such-rule\n\"no-such-rule\" = \"off\"\n";
        let pos = LineIndex::new(text).pos(Config::parse(text).unwrap_err().0);
        assert_eq!((pos.line, pos.column), (3, 1));
        assert_eq!(locate("[a]\nb = 1\n", &["a", "c"], Spot::Value), 0, "not written: the start");
    }

    #[test]
    fn response_defaults_and_targets() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.response.roles[0], COMMANDER_ROLE);
        assert!(c.response.is_internal("alert") && !c.response.is_internal("customer"));
        assert_eq!(
            (c.response.targets.mitigate_within, c.response.targets.first_update_within),
            (Minutes(30), Minutes(15))
        );
        let c = Config::parse("[response.targets]\nmitigate_within = \"1h30m\"\nseverities = [\"SEV1\"]\n").unwrap();
        assert_eq!(c.response.targets.mitigate_within, Minutes(90));
        for (text, words) in [("1d", 1440), ("45m", 45), ("2h", 120)] {
            assert_eq!(Minutes::parse(text), Some(Minutes(words)), "{text}");
        }
        for text in ["", "30", "m", "30m1h", "1x", "1h1h"] {
            assert_eq!(Minutes::parse(text), None, "{text}");
        }
        assert_eq!(Minutes(90).to_string(), "1h30m");
    }

    #[test]
    fn response_config_errors_are_at_their_value() {
        let cases = [
            ("[response.targets]\nmitigate_within = \"soon\"\n", (2, 19), "not a duration"),
            ("[response.targets]\nmitigate_share = 1.5\n", (2, 18), "between 0 and 1"),
            ("[response.targets]\nseverities = [\"SEV9\"]\n", (2, 14), "`SEV9` in severities"),
            ("[response]\ninternal_sources = [\"alrt\"]\n", (2, 20), "did you mean `alert`"),
            ("[response]\ncategories = []\n", (2, 14), "at least one"),
            ("[response]\nrole = []\n", (2, 1), "role"),
        ];
        for (text, (line, column), says) in cases {
            let (offset, message) = Config::parse(text).unwrap_err();
            let pos = LineIndex::new(text).pos(offset);
            assert_eq!((pos.line, pos.column), (line, column), "{text}: {message}");
            assert!(message.contains(says), "{message}");
        }
    }

    #[test]
    fn rule_levels_are_configurable_and_checked() {
        let c = Config::parse("[check.rules]\nblameless-language = \"off\"\n").unwrap();
        assert_eq!(c.level(Rule::BlamelessLanguage), Level::Off);
        let (_, message) = Config::parse("[check.rules]\nblameless-langauge = \"off\"\n").unwrap_err();
        assert!(message.contains("did you mean `blameless-language`"), "{message}");
    }
}
