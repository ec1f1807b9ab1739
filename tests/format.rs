//! Every key and value of the front-matter format, walked through the
//! loader, the schema and the site's JSON API. The keys and values come from
//! `retrobook schema`, which unit tests (`schema::tests`) hold equal to the
//! loader's key enums (`load::keys`) and the model's words: so a key or a
//! value added to the format fails here until the `format` fixture uses it,
//! the loader reads it without a finding, and the API carries it (or this
//! test says why not).

mod common;

use common::{check_json, fixture, retrobook};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The front matter's own mapping, the root of the schema.
const ROOT: &str = "FrontMatter";

/// Keys the API leaves out on purpose, with why; the test finds their
/// values on the retro's page instead.
const PAGE_ONLY: &[(&str, &str, &str)] = &[
    (ROOT, "attendees", "who was in the meeting: shown on the page, not data to query"),
    (ROOT, "facilitator", "as attendees"),
    (ROOT, "reviewers", "as attendees"),
    (ROOT, "links", "the page's links; the API has the retro's url"),
    ("Link", "title", "links are page-only (above)"),
    ("Link", "url", "links are page-only (above)"),
];

type Object = Map<String, Value>;

struct Retro {
    id: String,
    front: Map<String, Value>,
}

fn retros(root: &Path) -> Vec<Retro> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root.join("retros")).sort_by_file_name() {
        let path = entry.unwrap().into_path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let yaml = text.split("\n---").next().unwrap().trim_start_matches("---");
        let front: Map<String, Value> = serde_saphyr::from_str(yaml).unwrap();
        let stem = path.file_stem().unwrap().to_string_lossy();
        let id = front.get("id").and_then(Value::as_str).unwrap_or(&stem).to_string();
        out.push(Retro { id, front });
    }
    out
}

fn schema(root: &Path) -> Value {
    let out = retrobook(root, &["schema"]).output().unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The definitions a schema node refers to, directly or through others.
fn refs(schema: &Value, node: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                if key == "$ref" {
                    let name = value.as_str().unwrap().trim_start_matches("#/$defs/").to_string();
                    if out.insert(name.clone()) {
                        refs(schema, &schema["$defs"][&name], out);
                    }
                } else {
                    refs(schema, value, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(schema, v, out)),
        _ => {}
    }
}

fn refs_of(schema: &Value, node: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    refs(schema, node, &mut out);
    out
}

/// The mappings of the format (objects with properties), by name.
fn mappings(schema: &Value) -> BTreeMap<String, &Map<String, Value>> {
    let mut out = BTreeMap::from([(ROOT.to_string(), schema["properties"].as_object().unwrap())]);
    for (name, def) in schema["$defs"].as_object().unwrap() {
        if let Some(props) = def["properties"].as_object() {
            out.insert(name.clone(), props);
        }
    }
    out
}

/// The instances of a mapping in a front matter, each with the top-level
/// key holding it (`None` for the front matter itself).
fn instances<'a>(schema: &Value, front: &'a Map<String, Value>, mapping: &str) -> Vec<(Option<&'a str>, &'a Value)> {
    if mapping == ROOT {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (key, prop) in schema["properties"].as_object().unwrap() {
        if !refs_of(schema, prop).contains(mapping) {
            continue;
        }
        match front.get_key_value(key) {
            Some((key, Value::Array(items))) => {
                out.extend(items.iter().filter(|i| i.is_object()).map(|i| (Some(key.as_str()), i)))
            }
            Some((key, value @ Value::Object(_))) => out.push((Some(key.as_str()), value)),
            _ => {}
        }
    }
    out
}

/// Every mapping of the format, and its every key, is used in the fixture,
/// which loads without a finding and is valid against the schema.
#[test]
fn the_fixture_uses_every_key_and_loads_clean() {
    let root = fixture("format");
    let (code, findings) = check_json(&root, &[]);
    assert_eq!((code, findings.len()), (0, 0), "{findings:#?}");
    let schema = schema(&root);
    let validator = jsonschema::validator_for(&schema).unwrap();
    let retros = retros(&root);
    for retro in &retros {
        let value = Value::Object(retro.front.clone());
        let errors: Vec<String> = validator.iter_errors(&value).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", retro.id);
    }
    let mappings = mappings(&schema);
    assert_eq!(mappings.len(), 9, "a new mapping: say in `pairs` where the API carries it: {:?}", mappings.keys());
    for (name, props) in &mappings {
        let mut used = BTreeSet::new();
        for retro in &retros {
            if name == ROOT {
                used.extend(retro.front.keys().cloned());
            }
            for (_, instance) in instances(&schema, &retro.front, name) {
                used.extend(instance.as_object().unwrap().keys().cloned());
            }
        }
        let keys: BTreeSet<String> = props.keys().cloned().collect();
        assert_eq!(used, keys, "the keys of {name} that tests/fixtures/format uses");
    }
}

/// Every value of every keyword (status, kind, priority, ...) is used in
/// the fixture and is in the API as written.
#[test]
fn the_fixture_uses_every_value_and_the_api_carries_it() {
    let root = fixture("format");
    let schema = schema(&root);
    let retros = retros(&root);
    let site = build(&root);
    let keywords: Vec<(&String, &Value)> =
        schema["$defs"].as_object().unwrap().iter().filter(|(_, d)| d["enum"].is_array()).collect();
    assert!(keywords.len() >= 5, "{keywords:?}");
    for (keyword, def) in keywords {
        let words: BTreeSet<String> =
            def["enum"].as_array().unwrap().iter().map(|w| w.as_str().unwrap().into()).collect();
        let (mut written, mut api) = (BTreeSet::new(), BTreeSet::new());
        for (mapping, props) in mappings(&schema) {
            for (key, prop) in props {
                if !refs_of(&schema, prop).contains(keyword) {
                    continue;
                }
                for retro in &retros {
                    for (object, api_object) in pairs(&schema, &site, retro, &mapping) {
                        written.extend(object.get(key).and_then(Value::as_str).map(str::to_string));
                        let carried = api_object.as_ref().and_then(|o| o.get(key)).and_then(Value::as_str);
                        api.extend(carried.map(str::to_string));
                    }
                }
            }
        }
        assert_eq!(written, words, "the values of {keyword} that tests/fixtures/format uses");
        assert_eq!(api, words, "the values of {keyword} in the API");
    }
}

/// The API carries the value of every key as the fixture writes it, but
/// for the keys it leaves out (`PAGE_ONLY`), whose values are on the page.
#[test]
fn the_api_carries_every_key() {
    let root = fixture("format");
    let schema = schema(&root);
    let site = build(&root);
    let mut checked = BTreeSet::new();
    for retro in retros(&root) {
        let page = std::fs::read_to_string(site.path().join(format!("retros/{}.html", retro.id))).unwrap();
        for (mapping, props) in mappings(&schema) {
            for (object, api_object) in pairs(&schema, &site, &retro, &mapping) {
                for (key, value) in &object {
                    assert!(props.contains_key(key));
                    checked.insert((mapping.clone(), key.clone()));
                    if PAGE_ONLY.iter().any(|(m, k, _)| *m == mapping && k == key) {
                        for text in leaves(value) {
                            assert!(page.contains(&text), "{mapping}.{key}: `{text}` on the page of {}", retro.id);
                        }
                        continue;
                    }
                    let api_object = api_object.as_ref().unwrap_or_else(|| panic!("{mapping} in the API"));
                    assert_carried(&mapping, key, value, api_object, &retro.id);
                }
            }
        }
    }
    let every: BTreeSet<(String, String)> =
        mappings(&schema).iter().flat_map(|(m, props)| props.keys().map(|k| (m.clone(), k.clone()))).collect();
    let unchecked: Vec<_> = every.difference(&checked).collect();
    assert!(unchecked.is_empty(), "keys the fixture does not use, so the API is not checked for them: {unchecked:?}");
}

/// `retrobook build` of the fixture.
fn build(root: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let run = retrobook(root, &["build", "--no-history", "--out", out.path().to_str().unwrap()]).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    out
}

fn api(site: &tempfile::TempDir, file: &str, list: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(site.path().join("api").join(file)).unwrap();
    serde_json::from_str::<Value>(&text).unwrap()[list].as_array().unwrap().clone()
}

/// Each instance of a mapping in a retro's front matter, with the object
/// of the API that carries it (`None`: left out of the API). For a clock
/// written as a mapping, the API's retro carries it (see `assert_carried`).
fn pairs(schema: &Value, site: &tempfile::TempDir, retro: &Retro, mapping: &str) -> Vec<(Object, Option<Object>)> {
    let api_retro = api(site, "retros.json", "retros").into_iter().find(|r| r["id"] == retro.id.as_str()).unwrap();
    let actions: Vec<Value> =
        api(site, "actions.json", "action_items").into_iter().filter(|a| a["retro"] == retro.id.as_str()).collect();
    if mapping == ROOT {
        return vec![(retro.front.clone(), api_retro.as_object().cloned())];
    }
    let mut out = Vec::new();
    for (index, (key, instance)) in instances(schema, &retro.front, mapping).into_iter().enumerate() {
        let object = instance.as_object().unwrap().clone();
        let api_object = match mapping {
            "Link" => None,
            "Factor" | "TimelineEntry" | "ServiceImpact" | "ResponseNote" => {
                api_retro[key.unwrap()].get(index).cloned()
            }
            "Detection" => Some(api_retro["detection"].clone()),
            "ActionItem" => actions.iter().find(|a| a["id"] == object["id"]).cloned(),
            // The clock's field, named in the object for `assert_carried`.
            "ApproximateTime" => {
                let mut clock = Map::new();
                clock.insert("field".into(), key.unwrap().into());
                clock.insert("value".into(), api_retro[key.unwrap()].clone());
                clock.insert("approximate".into(), api_retro["approximate"].clone());
                Some(Value::Object(clock))
            }
            other => panic!("a new mapping `{other}`: say where the API carries it"),
        };
        out.push((object, api_object.map(|o| o.as_object().unwrap().clone())));
    }
    out
}

/// The API object carries the fixture's `value` of `key`.
fn assert_carried(mapping: &str, key: &str, value: &Value, api: &Map<String, Value>, retro: &str) {
    let at = format!("{mapping}.{key} of {retro}");
    match (mapping, value) {
        // A clock field: the time as its field's value, the flag as the
        // field's name in the retro's `approximate` list.
        ("ApproximateTime", _) if key == "at" => assert_eq!(&api["value"], value, "{at}"),
        ("ApproximateTime", Value::Bool(flag)) => {
            let listed = api["approximate"].as_array().unwrap().contains(&api["field"]);
            assert_eq!(listed, *flag, "{at}");
        }
        // Roles: each role's people as a list, one person or several.
        (ROOT, Value::Object(roles)) if key == "roles" => {
            for (role, people) in roles {
                let list = if people.is_array() { people.clone() } else { Value::Array(vec![people.clone()]) };
                assert_eq!(api[key][role], list, "{at}: {role}");
            }
        }
        // A clock written as a mapping is checked as one (`ApproximateTime`).
        (ROOT, Value::Object(_)) => assert!(api.contains_key(key), "{at}"),
        // A list of mappings: as many in the API (`action_items`: their ids,
        // the items themselves are in api/actions.json); each is checked as
        // its mapping.
        (_, Value::Array(items)) if items.iter().all(Value::is_object) => {
            assert_eq!(api[key].as_array().map(Vec::len), Some(items.len()), "{at}");
        }
        _ => assert_eq!(api.get(key), Some(value), "{at}"),
    }
}

/// The text of a value: its strings and its scalars as text.
fn leaves(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().flat_map(leaves).collect(),
        Value::Object(map) => map.values().flat_map(leaves).collect(),
        Value::String(s) => vec![s.clone()],
        other => vec![other.to_string()],
    }
}
