//! Builds that overlap: several `retrobook build` processes into one output
//! folder take turns, never mix their files or lose the marker, and leave
//! nothing beside the site.

mod common;

use common::*;
use std::path::Path;
use std::process::{Child, Command, Stdio};

const TODAY: &str = "2026-11-27";

fn repo() -> tempfile::TempDir {
    let retros: Vec<(String, String)> =
        (0..30).map(|i| (format!("retros/r{i:02}.md"), valid_retro(&format!("Retro {i}")))).collect();
    let inputs: Vec<(&str, &[u8])> = retros.iter().map(|(p, t)| (p.as_str(), t.as_bytes())).collect();
    temp_repo("", &inputs)
}

fn spawn_build(root: &Path, out: &Path, extra: &[&str]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("retrobook"))
        .args(["--root", root.to_str().unwrap(), "build", "--today", TODAY, "--out", out.to_str().unwrap()])
        .args(extra)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts")
}

/// What lies beside the output `site` other than the site itself: staging
/// folders, moved-aside sites, lock files.
fn beside_site(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".site."))
        .collect()
}

#[test]
fn overlapping_builds_take_turns_and_end_with_one_whole_site() {
    let repo = repo();
    let (root, out) = (repo.path(), repo.path().join("site"));
    assert!(spawn_build(root, &out, &[]).wait().unwrap().success());
    let expected = files(&out);
    assert!(expected.contains_key(retrobook::MARKER) && expected.contains_key("index.html"));

    // Watch the output through every swap: it must always be there, marked.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (done, marker) = (done.clone(), out.join(retrobook::MARKER));
        std::thread::spawn(move || {
            let mut missing = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                missing += usize::from(!marker.is_file());
                std::thread::sleep(std::time::Duration::from_micros(20));
            }
            missing
        })
    };
    let mut overlaps = 0;
    for round in 0..3 {
        // Three builds that wait their turn and one that must not wait.
        let builds: Vec<(bool, Child)> = [false, false, true, false]
            .into_iter()
            .map(|no_wait| (no_wait, spawn_build(root, &out, if no_wait { &["--no-wait"] } else { &[] })))
            .collect();
        for (no_wait, child) in builds {
            let result = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&result.stderr);
            if result.status.success() {
                overlaps += usize::from(stderr.contains("waiting for another build writing"));
                continue;
            }
            assert!(no_wait, "round {round}: a waiting build failed: {stderr}");
            assert_eq!(result.status.code(), Some(2), "round {round}: {stderr}");
            assert!(
                stderr.contains("another build is writing") && stderr.contains("--no-wait"),
                "round {round}: not the clear error: {stderr}"
            );
            overlaps += 1;
        }
        assert!(files(&out) == expected, "round {round}: the site differs from a single build's");
        assert!(out.join(retrobook::MARKER).is_file(), "round {round}: the marker is lost");
        assert_eq!(beside_site(root), Vec::<String>::new(), "round {round}: left beside the site");
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    assert_eq!(watcher.join().unwrap(), 0, "times the output or its marker was missing");
    assert!(overlaps > 0, "no build ever overlapped another: the test proved nothing");

    let next = spawn_build(root, &out, &["--no-wait"]).wait_with_output().unwrap();
    assert!(next.status.success(), "{}", String::from_utf8_lossy(&next.stderr));
    assert!(files(&out) == expected);
}

/// While the lock is held, `--no-wait` fails at once with exit 2 and a
/// waiting build says so and goes on when the lock is let go.
#[test]
fn a_build_waits_for_the_lock_or_fails_at_once_with_no_wait() {
    let repo = repo();
    let (root, out) = (repo.path(), repo.path().join("site"));
    let held = std::fs::File::create(root.join(".site.lock")).unwrap();
    held.lock().unwrap();

    let refused = spawn_build(root, &out, &["--no-wait"]).wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("another build is writing {}", out.display())), "{stderr}");
    assert!(!out.exists(), "nothing was written");

    let mut waiting = spawn_build(root, &out, &[]);
    let stderr = waiting.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut stderr = std::io::BufReader::new(stderr);
        let mut seen = String::new();
        while !seen.contains("waiting for another build") && stderr.read_line(&mut seen).unwrap() > 0 {}
        (stderr, seen)
    });
    let (mut stderr, seen) = reader.join().unwrap();
    assert!(seen.contains(&format!("waiting for another build writing {} …", out.display())), "{seen}");
    assert!(waiting.try_wait().unwrap().is_none(), "it waits while the lock is held");
    assert!(!out.exists());

    drop(held);
    let status = waiting.wait().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(status.success(), "{rest}");
    assert!(out.join("index.html").is_file() && out.join(retrobook::MARKER).is_file());
}

/// What builds that died left beside the output is cleaned up by the next,
/// and only what carries the marker; a site moved aside by a build that died
/// between its two renames is put back (and reused).
#[cfg(unix)]
#[test]
fn leftovers_of_dead_builds_are_cleaned_up_and_nothing_else() {
    use std::os::unix::fs::MetadataExt;
    let repo = repo();
    let (root, out) = (repo.path(), repo.path().join("site"));
    assert!(spawn_build(root, &out, &[]).wait().unwrap().success());
    let expected = files(&out);

    let moved = root.join(".site.old-999999");
    std::fs::rename(&out, &moved).unwrap();
    let inode = std::fs::metadata(moved.join("retros/r00.html")).unwrap().ino();
    for stale in [".site.tmp-999998", ".site.old-999997"] {
        std::fs::create_dir_all(root.join(stale).join("retros")).unwrap();
        std::fs::write(root.join(stale).join(retrobook::MARKER), "").unwrap();
        std::fs::write(root.join(stale).join("retros/half.html"), "half").unwrap();
    }
    std::fs::create_dir(root.join(".site.tmp-999996")).unwrap();
    std::fs::write(root.join(".site.tmp-999996/mine.txt"), "not retrobook's").unwrap();
    // A lock file a killed build left: it must not block.
    std::fs::write(root.join(".site.lock"), "").unwrap();

    let result = spawn_build(root, &out, &["--no-wait"]).wait_with_output().unwrap();
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    assert!(files(&out) == expected);
    assert_eq!(std::fs::metadata(out.join("retros/r00.html")).unwrap().ino(), inode, "the moved-aside site is reused");
    assert_eq!(beside_site(root), vec![".site.tmp-999996".to_string()], "only the unmarked folder stays");
    assert_eq!(std::fs::read_to_string(root.join(".site.tmp-999996/mine.txt")).unwrap(), "not retrobook's");
}
