//! The JSON Schema of the front matter, for editors' YAML language servers
//! (`retrobook schema`). The types below exist only to describe the format;
//! a unit test keeps their keys equal to the loader's keys (`load::keys`).
//! The values of the keyword keys (status, kind, priority) are the model's
//! own word lists (`words_schema!`).

use crate::config::Config;
use crate::model;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::Value;
use std::borrow::Cow;

/// An RFC 3339 timestamp with offset, or a date alone.
const WHEN: &str = r"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))?$";
/// A timestamp with a time of day and an offset: an impact window's end.
const TIME: &str = r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$";
const DATE: &str = r"^\d{4}-\d{2}-\d{2}$";
/// A timeline time: also a month (`2019-06`) or a year (`2019`).
const PARTIAL: &str = r"^\d{4}(-(0[1-9]|1[0-2])(-\d{2}([Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))?)?)?$";
/// A due date: a day, a month (`2026-03`) or a quarter (`2026-Q1`).
const DUE: &str = r"^\d{4}-((0[1-9]|1[0-2])(-\d{2})?|Q[1-4])$";
const SLUG: &str = r"^[a-z0-9][a-z0-9._-]*$";
const ID: &str = r"^[A-Za-z0-9][A-Za-z0-9._-]*$";

/// The YAML front matter of a retrospective.
#[allow(dead_code)]
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "retrobook retrospective front matter")]
struct FrontMatter {
    /// One line.
    title: String,
    /// Defaults to the file stem; unique across the repository.
    #[schemars(regex(pattern = ID))]
    id: Option<String>,
    status: Status,
    /// One of `[retro].severities` in book.toml.
    severity: String,
    /// When impact began.
    started_at: ClockTime,
    /// When the incident was noticed; may precede `started_at`.
    detected_at: Option<ClockTime>,
    mitigated_at: Option<ClockTime>,
    resolved_at: Option<ClockTime>,
    #[schemars(length(min = 1))]
    authors: Vec<String>,
    attendees: Option<Vec<String>>,
    facilitator: Option<String>,
    reviewers: Option<Vec<String>>,
    services: Option<Vec<Slug>>,
    /// What the users of each service saw, from when to when: the
    /// availability figures count only these windows.
    service_impact: Option<Vec<ServiceImpact>>,
    /// Third parties involved (a taxonomy with pages, like services).
    vendors: Option<Vec<Slug>>,
    teams: Option<Vec<Slug>>,
    tags: Option<Vec<Slug>>,
    /// Ids of related retros.
    related: Option<Vec<Id>>,
    /// One paragraph of Markdown; required once in-review or published.
    summary: Option<String>,
    /// The customer-visible effect; required once in-review or published.
    impact: Option<String>,
    /// Nothing broke for users, but it nearly did.
    near_miss: Option<bool>,
    links: Option<Vec<Link>>,
    contributing_factors: Option<Vec<Factor>>,
    timeline: Option<Vec<TimelineEntry>>,
    /// The id of an earlier retro of the same failure.
    #[schemars(regex(pattern = ID))]
    recurrence_of: Option<String>,
    /// Who held which role: a role of `[response].roles` in book.toml, and
    /// a person or a list of people in the order of handoffs.
    roles: Option<std::collections::BTreeMap<String, People>>,
    detection: Option<Detection>,
    /// The incident response analysis: how the response went.
    response: Option<Vec<ResponseNote>>,
    action_items: Option<Vec<ActionItem>>,
    /// The postmortem `retrobook import` made this retro from.
    imported_from: Option<String>,
}

/// A person, or a list of people in order.
#[allow(dead_code)]
#[derive(JsonSchema)]
#[serde(untagged)]
enum People {
    One(String),
    Many(Vec<String>),
}

/// How the incident was found.
#[allow(dead_code)]
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
struct Detection {
    /// One of `[response].detection_sources` in book.toml.
    source: String,
    /// Which monitor, person or report.
    by: Option<String>,
}

/// One observation of how the response went.
#[allow(dead_code)]
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
struct ResponseNote {
    /// Unique within the retro; an action item's `factors` may name it.
    #[schemars(regex(pattern = SLUG))]
    id: String,
    went: Went,
    /// One of `[response].categories` in book.toml.
    category: String,
    description: String,
}

#[allow(dead_code)]
#[derive(JsonSchema)]
#[serde(transparent)]
struct Slug(#[schemars(regex(pattern = SLUG))] String);

#[allow(dead_code)]
#[derive(JsonSchema)]
#[serde(transparent)]
struct Id(#[schemars(regex(pattern = ID))] String);

/// RFC 3339 with offset, or a date alone.
#[allow(dead_code)]
#[derive(JsonSchema)]
#[serde(transparent)]
struct When(#[schemars(regex(pattern = WHEN))] String);

/// A clock time: a timestamp or a date, or `{at: TIME, approximate: true}`
/// when the time is a guess.
#[allow(dead_code)]
#[derive(JsonSchema)]
#[serde(untagged)]
enum ClockTime {
    Exact(When),
    Guess(ApproximateTime),
}

#[allow(dead_code)]
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
struct ApproximateTime {
    at: When,
    /// The time is a guess; only for a timestamp with a time of day.
    approximate: Option<bool>,
}

#[allow(dead_code)]
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
struct ServiceImpact {
    /// One of the retro's `services`.
    service: Slug,
    /// When the users of the service began to see it: a time of day.
    #[schemars(regex(pattern = TIME))]
    from: String,
    /// When it ended: after `from`.
    #[schemars(regex(pattern = TIME))]
    to: String,
    level: ImpactLevel,
    /// The ends are guesses.
    approximate: Option<bool>,
}

#[allow(dead_code)]
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
struct Link {
    title: String,
    url: String,
}

#[allow(dead_code)]
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
struct Factor {
    #[schemars(regex(pattern = SLUG))]
    id: String,
    /// One of `[retro].factor_categories` in book.toml.
    category: String,
    description: String,
    /// `false` for a background condition no action can address.
    actionable: Option<bool>,
}

#[allow(dead_code)]
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
struct TimelineEntry {
    /// A timestamp, a date, a month (`2019-06`) or a year (`2019`).
    at: TimelineTime,
    /// The end of a span that starts at `at`; not before it.
    until: Option<TimelineTime>,
    event: String,
    kind: Option<TimelineKind>,
    /// The time is a guess.
    approximate: Option<bool>,
}

/// A timestamp, a date or a month as text, or a year (YAML reads `2019`
/// as a number).
#[allow(dead_code)]
#[derive(JsonSchema)]
#[serde(untagged)]
enum TimelineTime {
    Text(#[schemars(regex(pattern = PARTIAL))] String),
    Year(#[schemars(range(min = 1000, max = 9999))] u16),
}

#[allow(dead_code)]
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
struct ActionItem {
    /// Unique within the retro; link to it as `[[retro-id#item-id]]`.
    #[schemars(regex(pattern = ID))]
    id: String,
    title: String,
    /// A person or a team. Required: CI fails on a remediation without one.
    #[schemars(length(min = 1))]
    owner: String,
    status: ActionStatus,
    /// A date, a month (`2026-03`) or a quarter (`2026-Q1`): overdue once
    /// the period has ended.
    #[schemars(regex(pattern = DUE))]
    due: Option<String>,
    kind: Option<ActionKind>,
    priority: Option<Priority>,
    /// Ids of this retro's contributing factors or response observations.
    factors: Option<Vec<Slug>>,
    /// The tracker issue: an http(s) URL, or a key (`STOR-612`, `owner/repo#123`).
    #[schemars(regex(
        pattern = r"^(https?://|[A-Za-z][A-Za-z0-9_]*-[0-9]+$|[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+#[0-9]+$)"
    ))]
    link: Option<String>,
    #[schemars(regex(pattern = DATE))]
    completed_at: Option<String>,
}

/// The schema of a keyword of the model: a string, one of its `WORDS`. Named
/// as the schema has always named them (`Status` is `RetroStatus`).
macro_rules! words_schema {
    ($($name:ident = $model:ty;)+) => {$(
        #[allow(dead_code)]
        struct $name;

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "string", "enum": <$model>::WORDS })
            }
        }
    )+};
}

words_schema! {
    Status = model::RetroStatus;
    TimelineKind = model::TimelineKind;
    ActionStatus = model::ActionStatus;
    ActionKind = model::ActionKind;
    Priority = model::Priority;
    ImpactLevel = model::ImpactLevel;
    Went = model::Went;
}

/// The schema, with this repository's severities and factor categories.
pub fn front_matter_schema(config: &Config) -> Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(FrontMatter)).expect("a schema is JSON");
    schema["properties"]["severity"]["enum"] = config.retro.severities.clone().into();
    if !config.retro.factor_categories.is_empty() {
        schema["$defs"]["Factor"]["properties"]["category"]["enum"] = config.retro.factor_categories.clone().into();
    }
    let response = &config.response;
    schema["properties"]["roles"]["propertyNames"] = serde_json::json!({ "enum": response.roles });
    schema["$defs"]["Detection"]["properties"]["source"]["enum"] = response.detection_sources.clone().into();
    schema["$defs"]["ResponseNote"]["properties"]["category"]["enum"] = response.categories.clone().into();
    schema
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::keys::{
        ActionKey, ClockKey, DetectionKey, FactorKey, ImpactKey, Key, LinkKey, Need, ResponseKey, RetroKey, TimelineKey,
    };

    fn keys(v: &Value) -> Vec<String> {
        let mut k: Vec<String> = v["properties"].as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    }

    /// A mapping's keys, sorted as the schema's properties are.
    fn all<K: Key>() -> Vec<String> {
        let mut k: Vec<String> = K::ALL.iter().map(|k| k.as_str().to_string()).collect();
        k.sort();
        k
    }

    fn required<K: Key>() -> Value {
        K::required().into_iter().map(K::as_str).collect::<Vec<_>>().into()
    }

    #[test]
    fn schema_keys_are_the_loaders_keys() {
        let schema = front_matter_schema(&Config::default());
        let defs = &schema["$defs"];
        assert_eq!(keys(&schema), all::<RetroKey>());
        assert_eq!(keys(&defs["Factor"]), all::<FactorKey>());
        assert_eq!(keys(&defs["TimelineEntry"]), all::<TimelineKey>());
        assert_eq!(keys(&defs["ActionItem"]), all::<ActionKey>());
        assert_eq!(keys(&defs["Link"]), all::<LinkKey>());
        assert_eq!(keys(&defs["ApproximateTime"]), all::<ClockKey>());
        assert_eq!(keys(&defs["ServiceImpact"]), all::<ImpactKey>());
        assert_eq!(keys(&defs["Detection"]), all::<DetectionKey>());
        assert_eq!(keys(&defs["ResponseNote"]), all::<ResponseKey>());
        assert_eq!(schema["properties"]["roles"]["propertyNames"]["enum"][0], "incident_commander");
        assert_eq!(schema["properties"]["severity"]["enum"][0], "SEV1");
        assert_eq!(schema["additionalProperties"], false);
    }

    /// What the schema requires is what the loader requires, but for the
    /// action item's `owner`: required by the CI gate's rule, not the loader.
    #[test]
    fn schema_requires_the_loaders_required_keys() {
        let schema = front_matter_schema(&Config::default());
        let defs = &schema["$defs"];
        assert_eq!(schema["required"], required::<RetroKey>());
        assert_eq!(defs["Factor"]["required"], required::<FactorKey>());
        assert_eq!(defs["TimelineEntry"]["required"], required::<TimelineKey>());
        assert_eq!(defs["Link"]["required"], required::<LinkKey>());
        assert_eq!(defs["ApproximateTime"]["required"], required::<ClockKey>());
        assert_eq!(defs["ServiceImpact"]["required"], required::<ImpactKey>());
        assert_eq!(defs["Detection"]["required"], required::<DetectionKey>());
        assert_eq!(defs["ResponseNote"]["required"], required::<ResponseKey>());
        assert_eq!(ActionKey::Owner.need(), Need::Optional);
        assert_eq!(defs["ActionItem"]["required"], serde_json::json!(["id", "title", "owner", "status"]));
        assert_eq!(required::<ActionKey>(), serde_json::json!(["id", "title", "status"]));
    }

    #[test]
    fn schema_values_are_the_models_words() {
        let schema = front_matter_schema(&Config::default());
        let defs = &schema["$defs"];
        assert_eq!(defs["Status"]["enum"], serde_json::json!(model::RetroStatus::WORDS));
        assert_eq!(defs["TimelineKind"]["enum"], serde_json::json!(model::TimelineKind::WORDS));
        assert_eq!(defs["ActionStatus"]["enum"], serde_json::json!(model::ActionStatus::WORDS));
        assert_eq!(defs["ActionKind"]["enum"], serde_json::json!(model::ActionKind::WORDS));
        assert_eq!(defs["Priority"]["enum"], serde_json::json!(model::Priority::WORDS));
        assert_eq!(defs["ImpactLevel"]["enum"], serde_json::json!(model::ImpactLevel::WORDS));
        assert_eq!(defs["Went"]["enum"], serde_json::json!(model::Went::WORDS));
        // And each is where its key points.
        assert_eq!(schema["properties"]["status"]["$ref"], "#/$defs/Status");
        let item = &defs["ActionItem"]["properties"];
        assert_eq!(item["status"]["$ref"], "#/$defs/ActionStatus");
    }
}
