//! Turning the front matter's YAML tree into a `Retro`, reporting every
//! unknown key, missing key and invalid value on the way, each at its node.
//!
//! Conversion never stops at a bad field: the field is left empty and the
//! rest is read, so one typo does not hide the file's other findings.

use super::keys::{
    ActionKey, ClockKey, DetectionKey, FactorKey, ImpactKey, Key, LinkKey, Need, ResponseKey, RetroKey, TimelineKey,
};
use super::yaml::{Node, Value, YamlPos};
use crate::config::Config;
use crate::model::*;
use crate::text::{did_you_mean, is_id, is_slug, one_of};
use chrono::NaiveDate;

/// Reads one file's front matter; collects findings as it goes.
pub struct FieldReader<'a> {
    pub file: &'a str,
    pub config: &'a Config,
    /// Where the YAML text starts in the file.
    pub yaml_offset: usize,
    pub yaml_line: u32,
    pub findings: Vec<Finding>,
}

/// The entries of a mapping, with unknown keys already reported.
type Entries<'n, K> = Vec<(K, &'n Node, &'n Node)>;

impl<'a> FieldReader<'a> {
    /// A position in the YAML text, as a position in the file.
    fn pos(&self, p: YamlPos) -> Pos {
        Pos { line: p.line + self.yaml_line - 1, column: p.column, offset: p.offset + self.yaml_offset }
    }

    fn report(&mut self, rule: Rule, node: &Node, message: String, hint: Option<String>) {
        let mut f = Finding::new(rule, self.file, self.pos(node.pos), message).len(underline(node));
        f.hint = hint;
        self.findings.push(f);
    }

    fn invalid(&mut self, node: &Node, message: String, hint: Option<String>) {
        self.report(Rule::InvalidValue, node, message, hint);
    }

    /// Fill `retro` from the root of the front matter.
    pub fn read_retro(&mut self, root: &Node, retro: &mut Retro) {
        let entries = match &root.value {
            Value::Map(_) => self.entries::<RetroKey>(root, "front matter"),
            Value::Null => Vec::new(),
            other => {
                let msg = format!("the front matter must be a mapping of keys, found {}", other.kind());
                self.report(
                    Rule::YamlSyntax,
                    root,
                    msg,
                    Some("write `key: value` lines between the `---` fences".into()),
                );
                return;
            }
        };
        for (key, key_node, value) in entries {
            use RetroKey as K;
            let name = key.as_str();
            match key {
                K::Title => retro.title = self.one_line(name, value),
                K::Id => {
                    if let Some(id) = self.id(name, value) {
                        retro.id = id;
                    }
                }
                K::Status => retro.status = self.keyword(name, value, RetroStatus::WORDS, RetroStatus::from_word),
                K::Severity => retro.severity = self.severity(value),
                K::StartedAt => retro.started_at = self.clock(key, value),
                K::DetectedAt => retro.detected_at = self.clock(key, value),
                K::MitigatedAt => retro.mitigated_at = self.clock(key, value),
                K::ResolvedAt => retro.resolved_at = self.clock(key, value),
                K::Authors => retro.authors = self.people(name, value),
                K::Attendees => retro.attendees = self.people(name, value),
                K::Facilitator => retro.facilitator = self.person(name, value),
                K::Reviewers => retro.reviewers = self.people(name, value),
                K::Services => retro.services = self.slugs(name, value),
                K::ServiceImpact => retro.service_impact = self.list(name, value, |r, item| r.impact_window(item)),
                K::Vendors => retro.vendors = self.slugs(name, value),
                K::Teams => retro.teams = self.slugs(name, value),
                K::Tags => retro.tags = self.slugs(name, value),
                K::Related => retro.related = self.ids(name, value),
                K::Summary => retro.summary = self.text(name, value),
                K::Impact => retro.impact = self.text(name, value),
                K::NearMiss => retro.near_miss = self.boolean(name, value).unwrap_or(false),
                K::Links => retro.links = self.list(name, value, |r, item| r.external_link(item)),
                K::ContributingFactors => retro.factors = self.list(name, value, |r, item| r.factor(item)),
                K::Timeline => retro.timeline = self.list(name, value, |r, item| r.timeline_entry(item)),
                K::RecurrenceOf => retro.recurrence_of = self.id(name, value),
                K::Roles => retro.roles = self.roles(value),
                K::Detection => retro.detection = self.detection(value),
                K::Response => retro.response = self.list(name, value, |r, item| r.response_note(item)),
                K::ActionItems => {
                    let items = self.list(name, value, |r, item| r.action_item(item));
                    retro.action_items = Some(At::new(items, self.pos(key_node.pos)));
                }
                K::ImportedFrom => retro.imported_from = self.text(name, value),
            }
        }
        self.require_retro_keys(root, retro);
        self.check_impact_windows(retro);
    }

    /// The required keys the retro has no value for, in the order of
    /// `RetroKey`, each reported once at the fence.
    fn require_retro_keys(&mut self, root: &Node, retro: &Retro) {
        let present = present_keys(root);
        for &key in RetroKey::ALL {
            let needed = match key.need() {
                Need::Optional => false,
                Need::Required | Need::RequiredHere => true,
                Need::WhenComplete => retro.requires_complete(),
            };
            if !needed || is_set(retro, key) {
                continue;
            }
            // A key that is present but invalid was reported already; an
            // empty list was not.
            let list = matches!(key, RetroKey::Authors | RetroKey::ContributingFactors);
            let is_present = present.contains(&key);
            if is_present && !list {
                continue;
            }
            let why = if key.need() == Need::WhenComplete {
                " (required once a retro is in-review or published)"
            } else {
                ""
            };
            let key = key.as_str();
            let (message, hint) = if is_present {
                (format!("`{key}` is empty{why}"), format!("list at least one entry under `{key}:`"))
            } else {
                (format!("required key `{key}` is missing{why}"), format!("add `{key}:` to the front matter"))
            };
            // Nothing to point at: the opening fence stands for the file.
            let fence = Pos { line: 1, column: 1, offset: 0 };
            self.findings.push(Finding::new(Rule::MissingKey, self.file, fence, message).hint(hint));
        }
    }

    /// The known entries of a mapping; unknown keys become findings.
    fn entries<'n, K: Key>(&mut self, map: &'n Node, what: &str) -> Entries<'n, K> {
        let Value::Map(pairs) = &map.value else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            let name = match &k.value {
                Value::Str(s) => s.as_str(),
                other => {
                    self.report(
                        Rule::UnknownKey,
                        k,
                        format!("{what} keys must be names, found {}", other.kind()),
                        None,
                    );
                    continue;
                }
            };
            match K::from_word(name) {
                // `key: ~` or `key:` alone means "not set": an optional key
                // is simply absent, a required one is reported as missing,
                // unless its reader says where it is not set (`RequiredHere`).
                Some(key) if v.value == Value::Null && key.need() != Need::RequiredHere => {}
                Some(key) => out.push((key, k, v)),
                None => {
                    let hint = match did_you_mean(name, K::WORDS.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("the keys of a {what} are {}", one_of(K::WORDS)),
                    };
                    self.report(Rule::UnknownKey, k, format!("unknown key `{name}` in {what}"), Some(hint));
                }
            }
        }
        out
    }

    /// A scalar as text. YAML may type `2024` or `true`; a string field
    /// takes the text anyway. `None` (reported) for lists and mappings.
    fn scalar(&mut self, key: &str, node: &Node) -> Option<At<String>> {
        let text = match &node.value {
            Value::Str(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => String::new(),
            other => {
                self.invalid(node, format!("`{key}` must be a single value, found {}", other.kind()), None);
                return None;
            }
        };
        Some(At::new(text, self.pos(node.pos)))
    }

    /// A non-empty string.
    fn text(&mut self, key: &str, node: &Node) -> Option<At<String>> {
        let s = self.scalar(key, node)?;
        if s.value.trim().is_empty() {
            self.invalid(node, format!("`{key}` is empty"), Some(format!("write the {key}, or remove the key")));
            return None;
        }
        Some(s)
    }

    fn one_line(&mut self, key: &str, node: &Node) -> Option<At<String>> {
        let mut s = self.text(key, node)?;
        if s.value.trim().contains('\n') {
            self.invalid(node, format!("`{key}` must be a single line"), None);
        }
        s.value = s.value.split_whitespace().collect::<Vec<_>>().join(" ");
        Some(s)
    }

    fn id(&mut self, key: &str, node: &Node) -> Option<At<String>> {
        let s = self.text(key, node)?;
        if !is_id(&s.value) {
            self.invalid(
                node,
                format!("`{key}` `{}` is not a valid id", s.value),
                Some("ids use letters, digits, `-`, `_` and `.`, e.g. `2026-03-14-checkout-latency`".into()),
            );
            return None;
        }
        Some(s)
    }

    fn ids(&mut self, key: &str, node: &Node) -> Vec<At<String>> {
        self.items(key, node).into_iter().filter_map(|item| self.id(key, item)).collect()
    }

    fn person(&mut self, key: &str, node: &Node) -> Option<At<String>> {
        let mut s = self.text(key, node)?;
        s.value = s.value.trim().to_string();
        Some(s)
    }

    fn people(&mut self, key: &str, node: &Node) -> Vec<At<String>> {
        self.items(key, node).into_iter().filter_map(|item| self.person(key, item)).collect()
    }

    fn slugs(&mut self, key: &str, node: &Node) -> Vec<At<String>> {
        let mut out = Vec::new();
        for item in self.items(key, node) {
            out.extend(self.slug(key, item));
        }
        out
    }

    fn slug(&mut self, key: &str, node: &Node) -> Option<At<String>> {
        let s = self.text(key, node)?;
        if !is_slug(&s.value) {
            let suggestion = crate::text::slugify(&s.value);
            self.invalid(
                node,
                format!("`{}` in `{key}` is not a slug", s.value),
                Some(format!("slugs are lowercase words joined by `-`, e.g. `{suggestion}`")),
            );
            return None;
        }
        Some(s)
    }

    /// The items of a list. A single value where a list belongs is reported
    /// and then read as a one-item list, so it does not also go missing.
    fn items<'n>(&mut self, key: &str, node: &'n Node) -> Vec<&'n Node> {
        match &node.value {
            Value::Seq(items) => items.iter().collect(),
            Value::Null => Vec::new(),
            Value::Map(_) => {
                self.invalid(
                    node,
                    format!("`{key}` must be a list, found a mapping"),
                    Some(format!("start each entry of `{key}` with `- `")),
                );
                Vec::new()
            }
            _ => {
                self.invalid(
                    node,
                    format!("`{key}` must be a list"),
                    Some(format!("write `{key}: [value]` or one `- value` line per entry")),
                );
                vec![node]
            }
        }
    }

    fn list<T>(&mut self, key: &str, node: &Node, mut read: impl FnMut(&mut Self, &Node) -> Option<T>) -> Vec<T> {
        let items = self.items(key, node);
        // Sized for every entry (an invalid one is rare): a big repo keeps
        // hundreds of thousands of these lists, and doubling leaves slack.
        let mut out = Vec::with_capacity(items.len());
        out.extend(items.into_iter().filter_map(|item| read(self, item)));
        out
    }

    fn boolean(&mut self, key: &str, node: &Node) -> Option<bool> {
        match &node.value {
            Value::Bool(b) => Some(*b),
            _ => {
                self.invalid(node, format!("`{key}` must be `true` or `false`"), None);
                None
            }
        }
    }

    fn keyword<T>(&mut self, key: &str, node: &Node, words: &[&str], parse: fn(&str) -> Option<T>) -> Option<At<T>> {
        let s = self.text(key, node)?;
        if let Some(v) = parse(s.value.trim()) {
            return Some(At::new(v, s.pos));
        }
        let hint = match did_you_mean(&s.value, words.iter().copied()) {
            Some(w) => format!("did you mean `{w}`?"),
            None => format!("use {}", one_of(words)),
        };
        self.invalid(node, format!("`{key}` must be {}, found `{}`", one_of(words), s.value), Some(hint));
        None
    }

    fn severity(&mut self, node: &Node) -> Option<At<String>> {
        let s = self.text("severity", node)?;
        let allowed: Vec<&str> = self.config.retro.severities.iter().map(String::as_str).collect();
        if allowed.contains(&s.value.as_str()) {
            return Some(s);
        }
        let exact_case = allowed.iter().find(|a| a.eq_ignore_ascii_case(&s.value)).copied();
        let hint = match exact_case.or_else(|| did_you_mean(&s.value, allowed.iter().copied())) {
            Some(w) => format!("did you mean `{w}`? severities are set in book.toml [retro].severities"),
            None => "severities are set in book.toml [retro].severities".into(),
        };
        self.invalid(node, format!("severity `{}` is not one of {}", s.value, one_of(&allowed)), Some(hint));
        None
    }

    /// A clock field: a time or a date, or `{at: TIME, approximate: true}`.
    /// `~` or an empty value means not set.
    fn clock(&mut self, field: RetroKey, node: &Node) -> Option<At<Clock>> {
        let key = field.as_str();
        let blank = match &node.value {
            Value::Null => true,
            Value::Str(s) => s.trim().is_empty(),
            _ => false,
        };
        if blank {
            // `started_at`, the one clock field that is required.
            if field.need() == Need::RequiredHere {
                let hint = "give the time impact began, e.g. `2026-03-14T09:12:00Z`, or the date alone".into();
                self.report(Rule::MissingKey, node, format!("required key `{key}` is not set"), Some(hint));
            }
            return None;
        }
        if !matches!(node.value, Value::Map(_)) {
            return self.when(key, node).map(|w| At::new(Clock::exact(w.value), w.pos));
        }
        let what = format!("`{key}` mapping");
        let entries = self.entries::<ClockKey>(node, &what);
        let (mut at, mut approximate) = (None, None);
        for (name, _, value) in &entries {
            match name {
                ClockKey::At => at = self.when(key, value),
                ClockKey::Approximate => approximate = self.boolean(name.as_str(), value).map(|b| (b, *value)),
            }
        }
        if !entries.iter().any(|e| e.0 == ClockKey::At) {
            let hint = format!("write `{key}: {{at: 2026-03-14T23:30:00Z, approximate: true}}`");
            self.report(Rule::MissingKey, node, format!("`{key}` is missing required key `at`"), Some(hint));
        }
        let at = at?;
        let approximate = self.approximate_on(&at.value, approximate);
        Some(At::new(Clock { when: at.value, approximate }, at.pos))
    }

    /// The `approximate` flag of a clock field, which only a time of day can
    /// carry: a date alone already says the time is not known.
    fn approximate_on(&mut self, at: &When, flag: Option<(bool, &Node)>) -> bool {
        let Some((true, node)) = flag else { return false };
        if at.is_time() {
            return true;
        }
        self.invalid(
            node,
            format!("`approximate` applies to a time of day, but `{at}` has none"),
            Some("give the guessed time (`2026-03-14T23:30:00Z`), or remove `approximate`".into()),
        );
        false
    }

    fn when(&mut self, key: &str, node: &Node) -> Option<At<When>> {
        let s = self.text(key, node)?;
        match When::parse(&s.value) {
            Some(w) => Some(At::new(w, s.pos)),
            None => {
                let hint = if chrono::NaiveDateTime::parse_from_str(s.value.trim(), "%Y-%m-%dT%H:%M:%S").is_ok()
                    || chrono::NaiveDateTime::parse_from_str(s.value.trim(), "%Y-%m-%d %H:%M:%S").is_ok()
                {
                    "add the UTC offset, e.g. `2026-03-14T09:12:00Z` or `2026-03-14T10:12:00+01:00`"
                } else {
                    "use an RFC 3339 timestamp with offset (`2026-03-14T09:12:00Z`) or a date alone (`2026-03-14`)"
                };
                self.invalid(node, format!("`{key}` `{}` is not a timestamp or a date", s.value), Some(hint.into()));
                None
            }
        }
    }

    fn date(&mut self, key: &str, node: &Node) -> Option<At<NaiveDate>> {
        let s = self.text(key, node)?;
        match When::parse(&s.value) {
            Some(w) => Some(At::new(w.date(), s.pos)),
            None => {
                self.invalid(
                    node,
                    format!("`{key}` `{}` is not a date", s.value),
                    Some("write the date as `YYYY-MM-DD`".into()),
                );
                None
            }
        }
    }

    /// A timeline time: a timestamp, a date, a month or a year.
    fn partial_when(&mut self, key: &str, node: &Node) -> Option<At<When>> {
        let s = self.text(key, node)?;
        match When::parse_partial(&s.value) {
            Ok(w) => Some(At::new(w, s.pos)),
            Err(problem) => {
                let hint = "use a timestamp with offset (`2019-06-14T11:32:00Z`), a date (`2019-06-14`), \
                            a month (`2019-06`) or a year (`2019`)";
                self.invalid(node, format!("`{key}`: {problem}"), Some(hint.into()));
                None
            }
        }
    }

    fn due(&mut self, node: &Node) -> Option<At<Due>> {
        let s = self.text("due", node)?;
        match Due::parse(&s.value) {
            Ok(d) => Some(At::new(d, s.pos)),
            Err(problem) => {
                let hint = "write a date (`2026-03-31`), a month (`2026-03`) or a quarter (`2026-Q1`)";
                self.invalid(node, format!("`due`: {problem}"), Some(hint.into()));
                None
            }
        }
    }

    /// Reports the required keys (`Need::Required`) of an item's mapping
    /// that are not among its `entries`.
    fn require<K: Key>(&mut self, item: &Node, entries: &Entries<K>, what: &str) {
        // No list is made unless a key is missing: items are many.
        for &key in K::ALL {
            if !key.is_required() || entries.iter().any(|e| e.0 == key) {
                continue;
            }
            let words: Vec<&str> = K::required().into_iter().map(K::as_str).collect();
            let at = Node { value: Value::Null, pos: item.pos };
            self.report(
                Rule::MissingKey,
                &at,
                format!("{what} is missing required key `{}`", key.as_str()),
                Some(format!("a {what} needs {}", one_of(&words))),
            );
        }
    }

    fn mapping_item(&mut self, item: &Node, what: &str) -> bool {
        if matches!(item.value, Value::Map(_)) {
            return true;
        }
        self.invalid(item, format!("each {what} must be a mapping of keys, found {}", item.value.kind()), None);
        false
    }

    fn external_link(&mut self, item: &Node) -> Option<ExternalLink> {
        if !self.mapping_item(item, "link") {
            return None;
        }
        let entries = self.entries::<LinkKey>(item, "link");
        let (mut title, mut url) = (None, None);
        for (key, _, value) in &entries {
            match key {
                LinkKey::Title => title = self.one_line(key.as_str(), value),
                LinkKey::Url => url = self.text(key.as_str(), value),
            }
        }
        self.require(item, &entries, "link");
        let url = url?;
        Some(ExternalLink { title: title.map(|t| t.value).unwrap_or_else(|| url.value.clone()), url })
    }

    fn factor(&mut self, item: &Node) -> Option<Factor> {
        if !self.mapping_item(item, "contributing factor") {
            return None;
        }
        let entries = self.entries::<FactorKey>(item, "contributing factor");
        let (mut id, mut category, mut description, mut actionable) = (None, None, None, true);
        for (key, _, value) in &entries {
            let name = key.as_str();
            match key {
                FactorKey::Id => id = self.slug_id(name, value, "factor"),
                FactorKey::Category => category = self.category(value),
                FactorKey::Description => description = self.text(name, value),
                FactorKey::Actionable => actionable = self.boolean(name, value).unwrap_or(true),
            }
        }
        self.require(item, &entries, "contributing factor");
        Some(Factor { id: id?, category, description: description?, actionable, pos: self.pos(item.pos) })
    }

    fn category(&mut self, node: &Node) -> Option<At<String>> {
        let s = self.text("category", node)?;
        let allowed: Vec<&str> = self.config.retro.factor_categories.iter().map(String::as_str).collect();
        if allowed.is_empty() || allowed.contains(&s.value.as_str()) {
            return Some(s);
        }
        let hint = match did_you_mean(&s.value, allowed.iter().copied()) {
            Some(w) => format!("did you mean `{w}`? categories are set in book.toml [retro].factor_categories"),
            None => format!("use {}; categories are set in book.toml [retro].factor_categories", one_of(&allowed)),
        };
        self.invalid(node, format!("factor category `{}` is not configured", s.value), Some(hint));
        None
    }

    /// A word of a list set in book.toml (`[response].roles`, …): `None`,
    /// reported with "did you mean", when it is not one of `allowed`.
    fn configured(&mut self, node: &Node, what: &str, allowed: &[String], setting: &str) -> Option<At<String>> {
        let s = self.text(what, node)?;
        let word = s.value.trim();
        if allowed.iter().any(|a| a == word) {
            return Some(At::new(word.to_string(), s.pos));
        }
        let words: Vec<&str> = allowed.iter().map(String::as_str).collect();
        let hint = match did_you_mean(word, words.iter().copied()) {
            Some(w) => format!("did you mean `{w}`? they are set in book.toml {setting}"),
            None => format!("use {}; they are set in book.toml {setting}", one_of(&words)),
        };
        self.invalid(node, format!("{what} `{word}` is not one of {}", one_of(&words)), Some(hint));
        None
    }

    /// `roles:`, a mapping of role to a person or a list of people.
    fn roles(&mut self, node: &Node) -> Vec<RoleHolders> {
        let Value::Map(pairs) = &node.value else {
            let hint = "write one `role: person` line per role, e.g. `incident_commander: ana`".into();
            self.invalid(
                node,
                format!("`roles` must be a mapping of role to people, found {}", node.value.kind()),
                Some(hint),
            );
            return Vec::new();
        };
        let config = self.config;
        let allowed = &config.response.roles;
        let mut out = Vec::with_capacity(pairs.len());
        for (key, value) in pairs {
            let Some(role) = self.configured(key, "role", allowed, "[response].roles") else { continue };
            let people = match &value.value {
                Value::Null => continue,
                Value::Seq(_) => self.people(&role.value, value),
                _ => self.person(&role.value, value).into_iter().collect(),
            };
            out.push(RoleHolders { role, people });
        }
        out
    }

    fn detection(&mut self, node: &Node) -> Option<Detection> {
        if !matches!(node.value, Value::Map(_)) {
            let hint = "write `detection: {source: alert, by: checkout error-rate alert}`".into();
            self.invalid(node, format!("`detection` must be a mapping, found {}", node.value.kind()), Some(hint));
            return None;
        }
        let entries = self.entries::<DetectionKey>(node, "detection");
        let mut detection = Detection { source: None, by: None, pos: self.pos(node.pos) };
        let config = self.config;
        let sources = &config.response.detection_sources;
        for (key, _, value) in &entries {
            match key {
                DetectionKey::Source => {
                    detection.source =
                        self.configured(value, "detection source", sources, "[response].detection_sources")
                }
                DetectionKey::By => detection.by = self.one_line(key.as_str(), value),
            }
        }
        self.require(node, &entries, "detection");
        Some(detection)
    }

    fn response_note(&mut self, item: &Node) -> Option<ResponseNote> {
        if !self.mapping_item(item, "response observation") {
            return None;
        }
        let entries = self.entries::<ResponseKey>(item, "response observation");
        let (mut id, mut went, mut category, mut description) = (None, None, None, None);
        let config = self.config;
        let categories = &config.response.categories;
        for (key, _, value) in &entries {
            let name = key.as_str();
            match key {
                ResponseKey::Id => id = self.slug_id(name, value, "response"),
                ResponseKey::Went => went = self.keyword(name, value, Went::WORDS, Went::from_word),
                ResponseKey::Category => {
                    category = self.configured(value, "response category", categories, "[response].categories")
                }
                ResponseKey::Description => description = self.text(name, value),
            }
        }
        self.require(item, &entries, "response observation");
        Some(ResponseNote { id: id?, went, category, description: description?, pos: self.pos(item.pos) })
    }

    /// A factor's or an observation's id: a slug, kept (and reported) when
    /// it is not one, so its references still resolve.
    fn slug_id(&mut self, key: &str, node: &Node, whose: &str) -> Option<At<String>> {
        let id = self.text(key, node)?;
        if !is_slug(&id.value) {
            let hint = format!("{whose} ids are slugs, e.g. `{}`", crate::text::slugify(&id.value));
            self.invalid(node, format!("{whose} id `{}` is not a slug", id.value), Some(hint));
        }
        Some(id)
    }

    fn timeline_entry(&mut self, item: &Node) -> Option<TimelineEntry> {
        if !self.mapping_item(item, "timeline entry") {
            return None;
        }
        let entries = self.entries::<TimelineKey>(item, "timeline entry");
        let (mut at, mut until, mut event, mut kind, mut approximate) = (None, None, None, None, None);
        for (key, _, value) in &entries {
            let name = key.as_str();
            match key {
                TimelineKey::At => at = self.partial_when(name, value),
                TimelineKey::Until => until = self.partial_when(name, value),
                TimelineKey::Event => event = self.text(name, value),
                TimelineKey::Kind => {
                    kind = self.keyword(name, value, TimelineKind::WORDS, TimelineKind::from_word).map(|k| k.value)
                }
                TimelineKey::Approximate => approximate = self.boolean(name, value),
            }
        }
        // Unlike a clock field, a timeline entry may call a date, a month
        // or a year approximate ("around mid-June"): retros always could.
        let approximate = approximate.unwrap_or(false);
        if let (Some(start), Some(end)) = (&at, &until)
            && start.value.is_after(&end.value)
        {
            let node = entries.iter().find(|e| e.0 == TimelineKey::Until).map(|e| e.2).unwrap_or(item);
            self.invalid(
                node,
                format!("the span ends (`until: {}`) before it starts (`at: {}`)", end.value, start.value),
                Some("`until` is when the span ended; it must not be before `at`".into()),
            );
            until = None;
        }
        self.require(item, &entries, "timeline entry");
        Some(TimelineEntry { at, until, event: event?, kind, approximate, pos: self.pos(item.pos) })
    }

    /// A `service_impact` entry. A window with a bad value is reported and
    /// dropped: a window half read would count wrong downtime.
    fn impact_window(&mut self, item: &Node) -> Option<ImpactWindow> {
        if !self.mapping_item(item, "service impact window") {
            return None;
        }
        let entries = self.entries::<ImpactKey>(item, "service impact window");
        let (mut service, mut from, mut to, mut level, mut approximate) = (None, None, None, None, Some(false));
        let mut valid = true;
        for (key, _, value) in &entries {
            let name = key.as_str();
            let read = match key {
                ImpactKey::Service => {
                    service = self.slug(name, value);
                    service.is_some()
                }
                ImpactKey::From => {
                    from = self.time_of_day(name, value);
                    from.is_some()
                }
                ImpactKey::To => {
                    to = self.time_of_day(name, value);
                    to.is_some()
                }
                ImpactKey::Level => {
                    level = self.keyword(name, value, ImpactLevel::WORDS, ImpactLevel::from_word);
                    level.is_some()
                }
                // A bad flag is reported; it does not change the downtime.
                ImpactKey::Approximate => {
                    approximate = self.boolean(name, value);
                    true
                }
            };
            valid &= read;
        }
        self.require(item, &entries, "service impact window");
        let (service, from, to, level) = (service?, from?, to?, level?);
        if to.value <= from.value {
            let node = entries.iter().find(|e| e.0 == ImpactKey::To).map_or(item, |e| e.2);
            self.invalid(
                node,
                format!(
                    "the window's end (`to: {}`) is not after its start (`from: {}`)",
                    to.value.to_rfc3339(),
                    from.value.to_rfc3339()
                ),
                Some("`to` is when the service was back; it must be after `from`".into()),
            );
            return None;
        }
        let approximate = approximate.unwrap_or(false);
        valid.then_some(ImpactWindow { service, from, to, level: level.value, approximate })
    }

    /// A timestamp with a time of day and an offset: an impact window's end.
    fn time_of_day(&mut self, key: &str, node: &Node) -> Option<At<chrono::DateTime<chrono::FixedOffset>>> {
        let when = self.when(key, node)?;
        match when.value {
            When::Time(t) => Some(At::new(t, when.pos)),
            other => {
                self.invalid(
                    node,
                    format!("`{key}` `{other}` is a date alone; a window's ends need a time of day"),
                    Some("write the time with its offset, e.g. `2026-03-14T09:12:00Z`; with `approximate: true` when it is a guess".into()),
                );
                None
            }
        }
    }

    /// What can only be judged once the whole front matter is read: each
    /// window's service is one of `services` (else reported and dropped),
    /// and lies within the incident clock (else a warning).
    fn check_impact_windows(&mut self, retro: &mut Retro) {
        if retro.service_impact.is_empty() {
            return;
        }
        let windows = std::mem::take(&mut retro.service_impact);
        // Sized as read, as `list` sizes it: no slack kept per retro.
        let mut kept = Vec::with_capacity(windows.len());
        for w in windows {
            if !retro.services.iter().any(|s| s.value == w.service.value) {
                let listed: Vec<&str> = retro.services.iter().map(|s| s.value.as_str()).collect();
                let hint = if listed.is_empty() {
                    format!("add `services: [{}]` to the front matter", w.service.value)
                } else {
                    format!("add `{}` to `services:` ({}), or name one of them", w.service.value, listed.join(", "))
                };
                let message = format!(
                    "service `{}` of a `service_impact` window is not one of the retro's `services`",
                    w.service.value
                );
                let f = Finding::new(Rule::InvalidValue, self.file, w.service.pos, message).len(w.service.value.len());
                self.findings.push(f.hint(hint));
                continue;
            }
            self.window_within_clock(retro, &w);
            kept.push(w);
        }
        retro.service_impact = kept;
    }

    fn window_within_clock(&mut self, retro: &Retro, w: &ImpactWindow) {
        let (from, to) = (When::Time(w.from.value), When::Time(w.to.value));
        let early = retro.started_at.as_ref().filter(|s| s.value.is_after(&from));
        let late = retro.resolved_at.as_ref().filter(|r| to.is_after(&r.value));
        let (at, message) = match (early, late) {
            (Some(start), _) => (
                w.from.pos,
                format!("the window starts (`from: {from}`) before the incident (`started_at: {}`)", start.value.when),
            ),
            (None, Some(end)) => (
                w.to.pos,
                format!(
                    "the window ends (`to: {to}`) after the incident was resolved (`resolved_at: {}`)",
                    end.value.when
                ),
            ),
            (None, None) => return,
        };
        let hint = "correct the window, or the incident clock if the window is right";
        self.findings.push(Finding::new(Rule::ImpactWindow, self.file, at, message).hint(hint));
    }

    pub fn action_item(&mut self, item: &Node) -> Option<ActionItem> {
        if !self.mapping_item(item, "action item") {
            return None;
        }
        let entries = self.entries::<ActionKey>(item, "action item");
        let pos = self.pos(item.pos);
        let mut action = ActionItem::blank(pos);
        for (key, _, value) in &entries {
            use ActionKey as K;
            let name = key.as_str();
            match key {
                K::Id => {
                    if let Some(id) = self.id(name, value) {
                        action.id = id;
                    }
                }
                K::Title => {
                    if let Some(title) = self.text(name, value) {
                        action.title = title;
                    }
                }
                // An empty owner is kept: `remediation-owner` reports it.
                K::Owner => action.owner = self.scalar(name, value),
                K::Status => action.status = self.keyword(name, value, ActionStatus::WORDS, ActionStatus::from_word),
                K::Due => action.due = self.due(value),
                K::Kind => {
                    action.kind = self.keyword(name, value, ActionKind::WORDS, ActionKind::from_word).map(|k| k.value)
                }
                K::Priority => {
                    action.priority = self.keyword(name, value, Priority::WORDS, Priority::from_word).map(|p| p.value)
                }
                K::Factors => action.factors = self.slugs(name, value),
                // Its URL and text for the site are worked out after loading
                // (`load::link_tickets`): the history reader needs neither.
                K::Link => action.link = self.text(name, value),
                K::CompletedAt => action.completed_at = self.date(name, value),
            }
        }
        // `owner` is the CI gate's own rule, not a generic missing key.
        self.require(item, &entries, "action item");
        // Kept even when incomplete, so its owner and factors are still checked.
        Some(action)
    }
}

/// How much of a node's line the caret underlines: a one-line scalar's
/// text; one character for anything else.
fn underline(node: &Node) -> usize {
    match &node.value {
        Value::Str(s) if !s.contains('\n') => s.len(),
        Value::Int(i) => i.to_string().len(),
        Value::Bool(b) => b.to_string().len(),
        _ => 0,
    }
}

/// The keys that are set: `key: ~` or `key:` with nothing is not set,
/// except where the key's reader reports it (`Need::RequiredHere`).
fn present_keys(root: &Node) -> Vec<RetroKey> {
    let Value::Map(pairs) = &root.value else { return Vec::new() };
    let set = |(k, v): &(Node, Node)| {
        let Value::Str(name) = &k.value else { return None };
        let key = RetroKey::from_word(name)?;
        (v.value != Value::Null || key.need() == Need::RequiredHere).then_some(key)
    };
    pairs.iter().filter_map(set).collect()
}

/// Whether the retro holds a value read from `key`. Exhaustive, so that a
/// new required key is checked.
fn is_set(retro: &Retro, key: RetroKey) -> bool {
    use RetroKey as K;
    match key {
        K::Title => retro.title.is_some(),
        // Defaults to the file's stem.
        K::Id => true,
        K::Status => retro.status.is_some(),
        K::Severity => retro.severity.is_some(),
        K::StartedAt => retro.started_at.is_some(),
        K::DetectedAt => retro.detected_at.is_some(),
        K::MitigatedAt => retro.mitigated_at.is_some(),
        K::ResolvedAt => retro.resolved_at.is_some(),
        K::Authors => !retro.authors.is_empty(),
        K::Attendees => !retro.attendees.is_empty(),
        K::Facilitator => retro.facilitator.is_some(),
        K::Reviewers => !retro.reviewers.is_empty(),
        K::Services => !retro.services.is_empty(),
        K::ServiceImpact => !retro.service_impact.is_empty(),
        K::Vendors => !retro.vendors.is_empty(),
        K::Teams => !retro.teams.is_empty(),
        K::Tags => !retro.tags.is_empty(),
        K::Related => !retro.related.is_empty(),
        K::Summary => retro.summary.is_some(),
        K::Impact => retro.impact.is_some(),
        K::NearMiss => retro.near_miss,
        K::Links => !retro.links.is_empty(),
        K::ContributingFactors => !retro.factors.is_empty(),
        K::Timeline => !retro.timeline.is_empty(),
        K::RecurrenceOf => retro.recurrence_of.is_some(),
        K::Roles => !retro.roles.is_empty(),
        K::Detection => retro.detection.is_some(),
        K::Response => !retro.response.is_empty(),
        K::ActionItems => retro.action_items.is_some(),
        K::ImportedFrom => retro.imported_from.is_some(),
    }
}
