//! The words of the blameless-language rule: fixed phrases, the words that
//! start a check of who is being judged, and the words that tell people
//! from systems. Lists are lowercase; lookups ignore ASCII case.

use super::{Kind, Trigger};

/// Phrases flagged whoever the subject is: they label, judge or blame by
/// themselves.
pub const PHRASES: &[(&str, Kind)] = &[
    ("human error", Kind::Label),
    ("human errors", Kind::Label),
    ("operator error", Kind::Label),
    ("user error", Kind::Label),
    ("pilot error", Kind::Label),
    ("root cause", Kind::RootCause),
    ("root causes", Kind::RootCause),
    ("blame", Kind::Attribution),
    ("blamed", Kind::Attribution),
    ("blames", Kind::Attribution),
    ("blaming", Kind::Attribution),
    ("to blame", Kind::Attribution),
    ("at fault", Kind::Attribution),
    ("whose fault", Kind::Attribution),
    ("dropped the ball", Kind::Attribution),
    ("careless", Kind::Character),
    ("carelessly", Kind::Character),
    ("carelessness", Kind::Character),
    ("negligence", Kind::Character),
    ("negligent", Kind::Character),
    ("negligently", Kind::Character),
    ("sloppy", Kind::Character),
    ("sloppily", Kind::Character),
    ("sloppiness", Kind::Character),
    ("laziness", Kind::Character),
    ("reckless", Kind::Character),
    ("recklessly", Kind::Character),
    ("recklessness", Kind::Character),
    ("incompetent", Kind::Character),
    ("incompetence", Kind::Character),
    ("inattentive", Kind::Character),
    ("inattention", Kind::Character),
    ("irresponsible", Kind::Character),
    ("irresponsibly", Kind::Character),
    ("rookie mistake", Kind::Character),
    ("stupid mistake", Kind::Character),
    ("silly mistake", Kind::Character),
    ("dumb mistake", Kind::Character),
    ("asleep at the wheel", Kind::Character),
    ("not paying attention", Kind::Character),
    ("should have known", Kind::Counterfactual),
    ("should've known", Kind::Counterfactual),
    ("obviously", Kind::Hindsight),
];

/// Words that start a check of the sentence around them, with the phrase
/// `[check.blameless] allow` names them by.
pub const TRIGGERS: &[(&str, Trigger, &str)] = &[
    ("forgot", Trigger::HumanVerb, "forgot"),
    ("forget", Trigger::HumanVerb, "forgot"),
    ("forgets", Trigger::HumanVerb, "forgot"),
    ("forgotten", Trigger::HumanVerb, "forgot"),
    ("neglected", Trigger::HumanVerb, "neglected"),
    ("neglect", Trigger::HumanVerb, "neglected"),
    ("neglects", Trigger::HumanVerb, "neglected"),
    ("overlooked", Trigger::HumanVerb, "overlooked"),
    ("overlook", Trigger::HumanVerb, "overlooked"),
    ("disregarded", Trigger::HumanVerb, "disregarded"),
    ("ignored", Trigger::Verb, "ignored"),
    ("ignore", Trigger::Verb, "ignored"),
    ("ignoring", Trigger::Verb, "ignored"),
    ("missed", Trigger::Verb, "missed"),
    ("skipped", Trigger::Verb, "skipped"),
    ("failed", Trigger::VerbTo, "failed to"),
    ("fail", Trigger::VerbTo, "failed to"),
    ("should", Trigger::Modal, "should have"),
    ("shouldn't", Trigger::Modal, "shouldn't have"),
    ("should've", Trigger::Modal, "should have"),
    ("could", Trigger::Modal, "could have"),
    ("could've", Trigger::Modal, "could have"),
    ("did", Trigger::Negation, "didn't check"),
    ("didn't", Trigger::Negation, "didn't check"),
    ("didnt", Trigger::Negation, "didn't check"),
    ("never", Trigger::Negation, "didn't check"),
    ("nobody", Trigger::NoOne, "nobody checked"),
    ("no", Trigger::NoOne, "nobody checked"),
    ("mistake", Trigger::FaultNoun, "mistake"),
    ("mistakes", Trigger::FaultNoun, "mistake"),
    ("error", Trigger::FaultNoun, "error"),
    ("errors", Trigger::FaultNoun, "error"),
    ("fault", Trigger::FaultNoun, "fault"),
    ("oversight", Trigger::FaultNoun, "oversight"),
    ("slip", Trigger::FaultNoun, "slip"),
    ("blunder", Trigger::FaultNoun, "blunder"),
    ("typo", Trigger::FaultNoun, "typo"),
    ("accountable", Trigger::Accountable, "accountable"),
    ("responsible", Trigger::Accountable, "responsible"),
    ("accountability", Trigger::Accountable, "accountable"),
    ("if", Trigger::If, "if"),
    ("had", Trigger::Had, "had"),
    ("lazy", Trigger::Lazy, "lazy"),
    ("lazily", Trigger::Lazy, "lazy"),
];

/// Nouns that name a person by role (plurals are found by a trailing "s").
pub const ROLES: &[&str] = &[
    "engineer", "operator", "oncall", "developer", "dev", "author", "reviewer", "approver",
    "manager", "sre", "team", "admin", "administrator", "responder", "owner", "maintainer",
    "lead", "intern", "contractor", "staff", "person", "people", "human", "employee",
    "colleague", "coworker", "teammate", "facilitator", "analyst", "dba", "tester", "architect",
    "committer", "deployer", "commander", "hire", "newcomer", "leadership", "management",
    "director", "programmer", "sysadmin", "technician", "consultant",
];

/// Pronouns that can only stand for people.
pub const PRONOUNS: &[&str] = &[
    "i", "we", "you", "he", "she", "someone", "somebody", "nobody", "everyone", "everybody",
    "anyone", "anybody",
];

/// Possessive pronouns: "his mistake".
pub const POSSESSIVES: &[&str] = &["his", "her", "their", "my", "our", "your"];

/// Words between a subject and its verb: "Priya had simply forgotten".
pub const SKIP_BACK: &[&str] = &[
    "just", "simply", "also", "then", "again", "apparently", "clearly", "obviously", "probably",
    "completely", "totally", "both", "all", "still", "already", "initially", "accidentally",
    "actually", "really", "had", "has", "have", "was", "were", "is", "are", "be", "been", "did",
    "not", "even", "later", "quickly", "somehow", "unfortunately", "evidently", "repeatedly",
    "mistakenly", "entirely", "solely", "directly", "ultimately", "never", "always", "fully",
];

/// A subject joined to another verb: "Priya saw the warning but ignored it".
pub const CONJUNCTIONS: &[&str] = &["and", "but", "or", "yet"];

/// What a person checks, reads or waits for: "didn't double-check".
pub const DILIGENCE: &[&str] = &[
    "check", "checked", "double", "verify", "verified", "test", "tested", "read", "look",
    "looked", "review", "reviewed", "follow", "followed", "confirm", "confirmed", "validate",
    "validated", "bother", "bothered", "notice", "noticed", "pay", "paid", "think", "thought",
    "consider", "considered", "wait", "waited", "ask", "asked", "escalate", "escalated",
];

/// Of these, the ones only a person does: a capitalised name is enough.
pub const HUMAN_DILIGENCE: &[&str] = &["bother", "bothered", "double", "think", "thought"];

/// Words after "error" or "fault" that make it an engineering term.
pub const TECHNICAL_NEXT: &[&str] = &[
    "rate", "rates", "budget", "budgets", "code", "codes", "message", "messages", "handling",
    "handler", "log", "logs", "path", "paths", "page", "pages", "count", "counts", "ratio",
    "tolerance", "tolerant", "injection", "domain", "domains", "isolation", "line", "lines",
    "detection", "output", "class", "type", "types", "value", "values", "state", "correction",
    "checking", "reporting", "response", "responses", "spike", "spikes", "threshold", "bar",
    "percentage", "status", "level", "levels", "tracking", "tracker", "boundary", "boundaries",
];

/// Words after "lazy"/"lazily" that make it an engineering term.
pub const LAZY_TERMS: &[&str] = &[
    "loading", "load", "loaded", "loads", "initialization", "initialisation", "init",
    "initialized", "initialised", "initializes", "evaluation", "evaluated", "evaluate",
    "evaluates", "static", "iterator", "iterators", "computed", "compute", "computes",
    "computation", "instantiation", "instantiated", "fetch", "fetched", "fetches", "fetching",
    "allocation", "allocated", "binding", "import", "imports", "imported", "deletion",
    "expiry", "expiration", "mode", "sequence", "sequences", "val", "parsing", "parsed",
    "creation", "created", "creates", "cell", "lock", "propagation", "rendering", "rendered",
];

/// What someone is blamed for in "responsible for the outage".
pub const INCIDENT_WORDS: &[&str] = &[
    "outage", "outages", "incident", "incidents", "failure", "failures", "breach", "loss",
    "downtime", "mistake", "mistakes", "error", "errors", "delay", "leak", "breakage", "this",
    "failed", "missed", "broken",
];

pub const HOLD_VERBS: &[&str] = &["hold", "holds", "held", "holding"];

pub const MAKE_VERBS: &[&str] = &["made", "make", "makes", "making", "committed"];

/// Words that end a noun phrase read forward: "a mistake by Priya in the config".
pub const STOP_AHEAD: &[&str] = &[
    "in", "on", "to", "for", "from", "with", "that", "which", "who", "when", "while", "and",
    "or", "but", "was", "were", "is", "are", "had", "has", "at",
];

/// Verbs after "if <subject>" that make it a counterfactual.
pub const IF_VERBS: &[&str] =
    &["had", "hadn't", "were", "was", "weren't", "wasn't", "would", "did", "didn't", "'d"];

/// After "if <person> had": possession, not an action ("if we had had a canary").
pub const POSSESSION_NEXT: &[&str] = &["had", "have", "a", "an", "the", "no", "any"];

/// Capitalised words that are not names, in subject position.
pub const NOT_NAMES: &[&str] = &[
    "the", "this", "that", "these", "those", "it", "its", "there", "a", "an", "our", "their",
    "his", "her", "when", "after", "before", "because", "then", "once", "while", "if", "each",
    "every", "all", "some", "kubernetes", "redis", "postgres", "kafka", "nginx", "envoy",
    "terraform", "linux", "docker", "jenkins", "vault", "consul", "chrome", "firefox", "java",
    "python", "monitoring", "alerting", "nothing", "everything", "something",
];
