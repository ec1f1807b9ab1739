//! Reading the commits with gix: the first-parent chain of HEAD, and for
//! each commit the retro files under the source folder that it changed.
//! Trees are compared entry by entry, descending only into subtrees whose
//! id changed, so a commit that touched one file costs a few tree reads.

use super::{Commit, FileChange};
use gix::ObjectId;
use gix::bstr::ByteSlice;

/// The first-parent chain from HEAD, newest first, and whether it ended
/// at a shallow boundary (a parent that the clone does not hold).
pub struct Chain {
    pub commits: Vec<ObjectId>,
    pub cut: bool,
}

/// HEAD's first-parent chain. `None` when HEAD has no commit yet.
pub fn chain(repo: &gix::Repository) -> gix::Result<Option<Chain>> {
    let Ok(head) = repo.head_id() else { return Ok(None) };
    let shallow: Vec<ObjectId> = repo.shallow_commits()?.map(|c| c.iter().copied().collect()).unwrap_or_default();
    let mut commits = Vec::new();
    let mut next = Some(head.detach());
    let mut cut = false;
    while let Some(id) = next {
        commits.push(id);
        if shallow.contains(&id) {
            cut = true;
            break;
        }
        let commit = repo.find_commit(id)?;
        next = commit.parent_ids().next().map(|p| p.detach());
        // A parent the object database lacks: a shallow boundary that the
        // shallow file does not name (or a damaged clone). Stop there.
        if let Some(parent) = next
            && !repo.has_object(parent)
        {
            cut = true;
            break;
        }
    }
    Ok(Some(Chain { commits, cut }))
}

/// The date (in the author's own offset), the author's name and the tree of
/// the `dir` folder (`None` when the commit has no such folder).
pub fn commit_info(repo: &gix::Repository, id: ObjectId, dir: &[String]) -> gix::Result<(Commit, Option<ObjectId>)> {
    let commit = repo.find_commit(id)?;
    let author = commit.author()?;
    let time = author.time()?;
    let local = chrono::DateTime::from_timestamp(time.seconds + i64::from(time.offset), 0).unwrap_or_default();
    let info = Commit { id: id.to_hex().to_string(), date: local.date_naive(), author: author.name.to_string() };
    let mut tree = commit.tree_id()?.detach();
    for name in dir {
        let data = repo.find_tree(tree)?;
        let found = data
            .decode()?
            .entries
            .iter()
            .find(|e| e.filename == name.as_bytes() && e.mode.is_tree())
            .map(|e| e.oid.to_owned());
        match found {
            Some(sub) => tree = sub,
            None => return Ok((info, None)),
        }
    }
    Ok((info, Some(tree)))
}

/// The retro files (`.md`, `.markdown`; hidden ones skipped as the loader
/// skips them) that differ between two trees of the source folder: their
/// path under `prefix` and their new blob (`None`: deleted).
pub fn diff(
    repo: &gix::Repository,
    old: Option<ObjectId>,
    new: Option<ObjectId>,
    prefix: &str,
    out: &mut Vec<FileChange>,
) -> gix::Result<()> {
    let entries = |tree: Option<ObjectId>| -> gix::Result<Vec<(String, bool, ObjectId)>> {
        let Some(tree) = tree else { return Ok(Vec::new()) };
        let data = repo.find_tree(tree)?;
        let decoded = data.decode()?;
        Ok(decoded
            .entries
            .iter()
            .filter(|e| e.mode.is_tree() || e.mode.is_blob())
            .map(|e| (e.filename.to_str_lossy().into_owned(), e.mode.is_tree(), e.oid.to_owned()))
            .filter(|(name, _, _)| !crate::load::is_hidden(std::ffi::OsStr::new(name)))
            .collect())
    };
    let old = entries(old)?;
    let new = entries(new)?;
    let (mut i, mut j) = (0, 0);
    // Both lists are in git's tree order; a name is matched by a merge walk,
    // and a name that is a file on one side and a folder on the other is
    // both a deletion and an addition.
    while i < old.len() || j < new.len() {
        let o = old.get(i);
        let n = new.get(j);
        let same = matches!((o, n), (Some(a), Some(b)) if a.0 == b.0 && a.1 == b.1);
        if same {
            let (a, b) = (o.expect("matched"), n.expect("matched"));
            if a.2 != b.2 {
                change(repo, Some(a), Some(b), prefix, out)?;
            }
            i += 1;
            j += 1;
        } else if n.is_none() || o.is_some_and(|a| !new[j..].iter().any(|b| b.0 == a.0 && b.1 == a.1)) {
            change(repo, o, None, prefix, out)?;
            i += 1;
        } else {
            change(repo, None, n, prefix, out)?;
            j += 1;
        }
    }
    Ok(())
}

type Entry = (String, bool, ObjectId);

fn change(
    repo: &gix::Repository,
    old: Option<&Entry>,
    new: Option<&Entry>,
    prefix: &str,
    out: &mut Vec<FileChange>,
) -> gix::Result<()> {
    let entry = new.or(old).expect("one side exists");
    let path = format!("{prefix}{}", entry.0);
    if entry.1 {
        return diff(repo, old.map(|e| e.2), new.map(|e| e.2), &format!("{path}/"), out);
    }
    if entry.0.ends_with(".md") || entry.0.ends_with(".markdown") {
        out.push(FileChange { path, blob: new.map(|e| e.2) });
    }
    Ok(())
}
