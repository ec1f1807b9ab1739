use super::*;
use crate::config::{BlamelessConfig, PhraseConfig};

fn config(blameless: BlamelessConfig) -> Config {
    let mut config = Config::parse("[people]\npriya = { name = \"Priya Raman\" }\n").unwrap();
    config.check.blameless = blameless;
    config
}

fn found_with(blameless: BlamelessConfig, text: &str) -> Vec<String> {
    let phrases = Phrases::from_config(&config(blameless));
    let is_person = |w: &str| w.eq_ignore_ascii_case("dana");
    phrases.find(text, &is_person).into_iter().map(|h| text[h.start..h.end].to_string()).collect()
}

fn found(text: &str) -> Vec<String> {
    found_with(BlamelessConfig::default(), text)
}

fn kinds(text: &str) -> Vec<Kind> {
    let phrases = Phrases::from_config(&config(BlamelessConfig::default()));
    phrases.find(text, &|_| false).into_iter().map(|h| h.kind).collect()
}

#[test]
fn whole_words_only() {
    assert_eq!(found("It was a root cause."), ["root cause"]);
    assert!(found("Defaults and faultless fault-tolerance; rooted causes.").is_empty());
    assert!(found("We ran fault injection.").is_empty());
}

#[test]
fn phrases_across_lines_and_cases() {
    assert_eq!(found("It was Human\n  Error, they said."), ["Human\n  Error"]);
    assert_eq!(found("He shouldn’t have deployed"), ["He shouldn’t have"]);
    assert_eq!(found("who was at fault"), ["at fault"]);
}

#[test]
fn quoted_text_is_not_judged() {
    assert!(found("The page said \"root cause unknown\".").is_empty());
    assert!(found("The ticket was titled “Priya forgot the flag”.").is_empty());
    assert_eq!(found("\"ok\" but root cause"), ["root cause"]);
}

#[test]
fn people_from_roster_retro_roles_and_pronouns() {
    assert_eq!(found("Priya forgot the flag."), ["Priya forgot"]);
    assert_eq!(found("Then Dana ignored the page."), ["Dana ignored"]);
    assert_eq!(found("The on-call engineer missed it."), ["engineer missed"]);
    assert_eq!(found("the on-call missed it"), ["on-call missed"]);
    assert_eq!(found("We failed to update the page."), ["We failed to"]);
    assert_eq!(found("Marta forgot the flag."), ["Marta forgot"], "a capitalised name, with a human verb");
}

#[test]
fn systems_are_not_blamed() {
    for text in [
        "The client ignored the Retry-After header.",
        "The job failed to start.",
        "Marta's service ignored the header.",
        "Kubernetes ignored the budget.",
        "The cache forgot the key.",
        "Packets were missed.",
        "The error rate rose; fault tolerance held.",
        "The mistake in the config parser.",
        "The proxy should have returned a 503.",
        "If the cache had been warm, nothing would have happened.",
        "The frontend lazily loads the script, with lazy loading.",
    ] {
        assert!(found(text).is_empty(), "{text}: {:?}", found(text));
    }
}

#[test]
fn every_kind_of_blame() {
    assert_eq!(kinds("Nobody bothered to check."), [Kind::Omission]);
    assert_eq!(kinds("He didn't double-check the region."), [Kind::Omission]);
    assert_eq!(kinds("It was sloppy."), [Kind::Character]);
    assert_eq!(kinds("A mistake by the reviewer."), [Kind::Attribution]);
    assert_eq!(kinds("It was Priya's fault."), [Kind::Attribution]);
    assert_eq!(kinds("We will hold the author accountable."), [Kind::Accountability]);
    assert_eq!(kinds("If the author had run the tests, fine."), [Kind::Counterfactual]);
    assert_eq!(kinds("Had Priya waited, fine."), [Kind::Counterfactual]);
    assert_eq!(kinds("The root cause was human error."), [Kind::RootCause, Kind::Label]);
    assert_eq!(kinds("Obviously."), [Kind::Hindsight]);
}

#[test]
fn overlapping_hits_are_reported_once() {
    assert_eq!(found("Priya made a careless mistake."), ["Priya made a careless mistake"]);
}

#[test]
fn configurable() {
    let blameless = BlamelessConfig {
        phrases: vec![PhraseConfig { phrase: "dropped the pager".into(), suggestion: "x".into() }],
        allow: vec!["root cause".into(), "failed to".into()],
        roles: vec!["sysop".into()],
    };
    let text = "root cause: someone dropped the pager; we failed to page; the sysop ignored it";
    assert_eq!(found_with(blameless, text), ["dropped the pager", "sysop ignored"]);
}

#[test]
fn locating_the_nth_occurrence_in_folded_yaml() {
    let src = "summary: >\n  The root\n  cause was a cache, the root cause\n";
    let phrase = vec!["root".to_string(), "cause".to_string()];
    let (s, e) = locate_in_source(src, 9, &phrase, 0).unwrap();
    assert_eq!(&src[s..e], "root\n  cause");
    let (s, _) = locate_in_source(src, 9, &phrase, 1).unwrap();
    assert_eq!(s, src.rfind("root").unwrap());
    assert_eq!(occurrences("The root cause, the root cause", &phrase, 20), 1);
}

#[test]
fn the_retros_people_but_not_its_teams() {
    let config = Config::parse("[teams]\nsearch = { name = \"Search\" }\n").unwrap();
    let phrases = Phrases::from_config(&config);
    let pos = crate::model::Pos::default();
    let mut retro = crate::model::Retro::empty("a.md".into(), String::new(), At::new("a".into(), pos));
    retro.authors = vec![At::new("dana.k".into(), pos), At::new("search".into(), pos)];
    assert!(phrases.is_retro_person(&retro, "Dana"));
    assert!(!phrases.is_retro_person(&retro, "search"), "a team's slug");
    assert!(!phrases.is_retro_person(&retro, "k"), "one letter is no name");
}

/// The examples of the table in docs/rules.md (blameless-language), both columns.
#[test]
fn readme_examples() {
    for text in [
        "The page was missed by the reviewer.",
        "Tom was responsible for the outage.",
        "The fault lies with the reviewer.",
        "Luis could have read it.",
        "It would not have happened if the author had run the tests.",
        "The operator recklessly ran it.",
    ] {
        assert_eq!(found(text).len(), 1, "{text}: {:?}", found(text));
    }
    for text in [
        "The policy was responsible for the loss.",
        "Priya is accountable for the capacity plan.",
        "The client retried as if they were transient.",
        "The alert should have fired.",
        "The parser's mistake.",
        "Values are lazily evaluated.",
    ] {
        assert!(found(text).is_empty(), "{text}: {:?}", found(text));
    }
}

#[test]
fn words_are_ruled_out_by_first_byte_length_and_last_byte() {
    let phrases = Phrases::from_config(&config(BlamelessConfig::default()));
    for word in ["if", "If", "IF", "'if'", "didn’t", "had", "Forgot"] {
        assert!(phrases.may_start(word), "{word}");
    }
    for word in ["is", "it", "In", "has", "the", "x"] {
        assert!(!phrases.may_start(word), "{word}");
    }
}

/// "nobody"/"no one" naming a gap in ownership is not a person's omission;
/// bothering, "thinking to" and "even" still judge, and so does a reason
/// that names a person.
#[test]
fn nobody_as_a_gap_in_ownership() {
    for text in [
        "Nobody owned the runbook, so nobody rehearsed it.",
        "No one was paged.",
        "No one checked the restore path because no team owned it.",
        "No one reviewed the change because it was applied by an automated job.",
        "No one noticed the expiry: the alert belonged to a team that no longer existed.",
        "Nobody was on call for the exporter, so no one looked at its dashboards.",
        "No one verified the data, since the procedure was never assigned.",
        "No one followed up on the warnings because they went to an unwatched inbox.",
    ] {
        assert!(found(text).is_empty(), "{text}: {:?}", found(text));
    }
    assert_eq!(found("No one reviewed the firewall change."), ["No one reviewed"], "no reason given");
    assert_eq!(found("Nobody on the team bothered to check."), ["Nobody on the team bothered"]);
    assert_eq!(found("Nobody else checked it."), ["Nobody else checked"]);
    assert_eq!(found("No one even looked, though a rotation owned it."), ["No one even looked"]);
    assert_eq!(found("No one thought to check, because no team owned it."), ["No one thought"]);
    assert_eq!(found("Nobody checked it because Priya merged it."), ["Nobody checked"], "the reason names Priya");
    assert_eq!(found("Nobody checked it since Dave merged it."), ["Nobody checked"], "a capitalised name");
    assert_eq!(found("Nobody checked the key rotation."), ["Nobody checked"], "no rota");
    assert!(found("No one was paged on Saturday because the alert was muted.").is_empty(), "a day is no name");
    assert_eq!(found("No one checked the job's own logs."), ["No one checked"], "not ownership");
    assert_eq!(
        found("Nobody on the team bothered to check, Dave should have."),
        ["Nobody on the team bothered", "Dave should have"]
    );
}

/// A possessive whose owner is a thing ("their" after plural things), or
/// a fault noun that only modifies a compound ("error mails").
#[test]
fn possessives_of_things_and_compounds() {
    for text in [
        "The jobs failed because their error mails bounced.",
        "Their error notifications bounced for weeks.",
        "The service's health check passed while its retry budget ran out.",
        "The operators' error dashboards showed green.",
        "The replicas failed over, and their mistake counters reset.",
        "The pods restarted and they forgot their leases.",
        "The workers crashed because their error was swallowed.",
    ] {
        assert!(found(text).is_empty(), "{text}: {:?}", found(text));
    }
    assert_eq!(found("Their engineer forgot the flag."), ["engineer forgot"]);
    assert_eq!(found("It was Bob's fault."), ["Bob's fault"]);
    assert_eq!(found("The contractors pushed it, and the outage was their mistake."), ["their mistake"]);
    assert_eq!(
        found("The engineers restarted the pods, but it was their mistake."),
        ["their mistake"],
        "a person before the things"
    );
    assert_eq!(found("Their mistake took the site down."), ["Their mistake"], "nothing before: anyone");
    assert_eq!(found("The engineers were paged, and they forgot to check."), ["they forgot"]);
    assert_eq!(found("It was Tom's mistake, alerts aside."), ["Tom's mistake"], "the comma parts the compound");
}

/// A sentence that mentions blame to say it did not happen; blame beside
/// it, outside the denial's clause, is still found.
#[test]
fn blame_said_not_to_happen() {
    for text in [
        "No one asked whose fault it was.",
        "We did not look for someone to blame.",
        "This is not about who made the mistake.",
        "Nobody was blamed for the deletion.",
        "We don't blame the on-call engineer.",
        "No single person was at fault.",
        "Blame is not the point of this review.",
        "Rather than blaming the operator, we read the console's code.",
        "Without pointing fingers or looking for blame, we walked the timeline.",
        "It was nobody's fault that the certificate expired.",
        "It was no one's fault.",
        "None of the responders was held accountable.",
        "Nobody is to blame for following an old runbook.",
        "No one was responsible for the outage.",
        "This was a blame-free review.",
    ] {
        assert!(found(text).is_empty(), "{text}: {:?}", found(text));
    }
    assert_eq!(found("Nobody wants to blame anyone, but Priya should have known."), ["should have known"]);
    assert_eq!(found("We are not here to point fingers, but it was Tom's fault."), ["Tom's fault"]);
    assert_eq!(found("No one asked whose fault it was, because it was Bob's mistake."), ["Bob's mistake"]);
    assert_eq!(found("Priya did not check the config and is to blame."), ["Priya did not check", "to blame"]);
    assert_eq!(found("We did not notice the error."), ["We did not notice"], "no one in view: not a denial");
    assert_eq!(found("Nobody bothered to check the error budget."), ["Nobody bothered"]);
    assert_eq!(found("This was not human error."), ["human error"], "the label is still a label");
    assert_eq!(found("Nobody blamed Dana, but Dana forgot the flag."), ["Dana forgot"]);
}
