//! No page grows with the repo: the same organisation's retros at two sizes
//! (generated here, four times as many in the larger), built with a small
//! `[build] page_size`, give HTML pages no larger in the larger repo, more of
//! them instead, and a home page that stays small.

mod common;

use std::path::Path;

/// A repo of `n` retros: 12 people in 3 teams own their items, 8 services,
/// open, done and overdue items, a few links between retros.
fn generate(dir: &Path, n: usize) {
    let people = ["ana", "bo", "cy", "di", "ed", "fi", "gu", "hu", "io", "jo", "ki", "lu"];
    let services = ["api", "db", "cache", "queue", "search", "auth", "cdn", "billing"];
    let mut book = String::from("[build]\npage_size = 20\n\n[people]\n");
    for (i, p) in people.iter().enumerate() {
        book.push_str(&format!("{p} = {{ name = \"Person {p}\", team = \"team-{}\" }}\n", i % 3));
    }
    book.push_str("\n[teams]\nteam-0 = {}\nteam-1 = {}\nteam-2 = {}\n");
    std::fs::write(dir.join("book.toml"), book).unwrap();
    let retros = dir.join("retros");
    std::fs::create_dir_all(&retros).unwrap();
    for i in 0..n {
        // The same years at both sizes: a bigger organisation, not a longer history.
        let day = chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap() + chrono::Days::new((i * 1400 / n) as u64);
        let mut items = String::new();
        for j in 0..3 {
            let status = ["open", "done", "in-progress", "wont-do"][(i + j) % 4];
            let due = day + chrono::Days::new(30 + j as u64 * 40);
            let owner = people[(i * 7 + j) % people.len()];
            items.push_str(&format!(
                "  - id: AI-{j}\n    title: Item {j} of retro {i}, about {}\n    owner: {owner}\n    status: {status}\n    due: {due}\n    priority: {}\n    kind: prevent\n    factors: [f1]\n",
                services[(i + j) % services.len()],
                ["high", "medium", "low"][j % 3],
            ));
        }
        let related = if i > 0 { format!("[r{}]", i - 1) } else { "[]".into() };
        let text = format!(
            "---\ntitle: Incident {i} in {svc}\nid: r{i}\nstatus: published\nseverity: SEV{sev}\nstarted_at: {day}T10:00:00Z\n\
             resolved_at: {day}T12:00:00Z\nauthors: [{a}]\nservices: [{svc}, {svc2}]\nteams: [team-{t}]\ntags: [tag-{tag}]\n\
             related: {related}\nsummary: Something about {svc} broke.\nimpact: Customers saw errors.\n\
             contributing_factors:\n  - id: f1\n    category: technical\n    description: A condition in {svc}.\n\
             action_items:\n{items}---\n\n# What happened\n\nThe {svc} service failed for a while.\n",
            svc = services[i % services.len()],
            svc2 = services[(i + 3) % services.len()],
            sev = 1 + i % 4,
            a = people[i % people.len()],
            t = i % 3,
            tag = i % 5,
        );
        std::fs::write(retros.join(format!("r{i}.md")), text).unwrap();
    }
}

/// (number of HTML pages, the largest one's bytes and path, the home page's bytes).
fn html_pages(site: &Path) -> (usize, u64, String, u64) {
    let (mut count, mut largest, mut which) = (0, 0, String::new());
    for (path, bytes) in common::files(site) {
        if path.ends_with(".html") {
            count += 1;
            if bytes.len() as u64 > largest {
                largest = bytes.len() as u64;
                which = path;
            }
        }
    }
    (count, largest, which, std::fs::metadata(site.join("index.html")).unwrap().len())
}

fn build(n: usize) -> (usize, u64, String, u64) {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), n);
    let out = dir.path().join("site");
    let run = common::retrobook(dir.path(), &["build", "-q", "--today", "2026-11-27", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    html_pages(&out)
}

#[test]
fn pages_stay_small_as_the_repo_grows() {
    let (small_count, small_largest, small_which, small_home) = build(150);
    let (count, largest, which, home) = build(600);
    assert!(count > small_count * 3, "more pages, not bigger ones: {small_count} then {count}");
    // Page boundaries, counts' digits and name lengths move a little; the
    // size must not follow the repo (4x here).
    assert!(
        largest * 4 <= small_largest * 5,
        "the largest page grew with the repo: {small_largest} B ({small_which}) then {largest} B ({which})"
    );
    assert!(home * 4 <= small_home * 5, "the home page grew with the repo: {small_home} B then {home} B");
    assert!(largest < 300 * 1024 && home < 60 * 1024, "{largest} B ({which}), home {home} B");
}
