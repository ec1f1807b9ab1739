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

/// The trees of the source folder read last: each commit's tree is the
/// next commit's old tree, so it is read (and undeltified) once.
pub struct Trees<'r> {
    repo: &'r gix::Repository,
    kept: Vec<gix::Tree<'r>>,
}

impl<'r> Trees<'r> {
    pub fn new(repo: &'r gix::Repository) -> Self {
        Trees { repo, kept: Vec::new() }
    }

    fn take(&mut self, id: Option<ObjectId>) -> gix::Result<Option<gix::Tree<'r>>> {
        let Some(id) = id else { return Ok(None) };
        match self.kept.iter().position(|t| t.id == id) {
            Some(at) => Ok(Some(self.kept.swap_remove(at))),
            None => Ok(Some(self.repo.find_tree(id)?)),
        }
    }

    /// Keep a tree for the next commit; a few, the folders read last.
    fn keep(&mut self, tree: Option<gix::Tree<'r>>) {
        if self.kept.len() >= 8 {
            self.kept.remove(0);
        }
        self.kept.extend(tree);
    }
}

/// The retro files (`.md`, `.markdown`; hidden ones skipped as the loader
/// skips them) that differ between two trees of the source folder: their
/// path under `prefix` and their new blob (`None`: deleted).
pub fn diff(
    trees: &mut Trees,
    old: Option<ObjectId>,
    new: Option<ObjectId>,
    prefix: &str,
    out: &mut Vec<FileChange>,
) -> gix::Result<()> {
    let (old_tree, new_tree) = (trees.take(old)?, trees.take(new)?);
    {
        let old_entries = match &old_tree {
            Some(t) => t.decode()?.entries,
            None => Vec::new(),
        };
        let new_entries = match &new_tree {
            Some(t) => t.decode()?.entries,
            None => Vec::new(),
        };
        // Both lists are in git's tree order (a folder sorts as its name and
        // a `/`): one merge walk pairs the names, without copying any entry.
        let (mut i, mut j) = (0, 0);
        while i < old_entries.len() || j < new_entries.len() {
            let (o, n) = (old_entries.get(i), new_entries.get(j));
            let order = match (o, n) {
                (Some(a), Some(b)) => git_order(a, b),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            match order {
                std::cmp::Ordering::Equal => {
                    let (a, b) = (o.expect("paired"), n.expect("paired"));
                    if a.oid != b.oid || a.mode != b.mode {
                        change(trees, Some(a), Some(b), prefix, out)?;
                    }
                    i += 1;
                    j += 1;
                }
                std::cmp::Ordering::Less => {
                    change(trees, o, None, prefix, out)?;
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    change(trees, None, n, prefix, out)?;
                    j += 1;
                }
            }
        }
    }
    trees.keep(new_tree);
    Ok(())
}

type Entry<'a> = gix::objs::tree::EntryRef<'a>;

/// Git's order of tree entries: by name, a folder's name followed by `/`.
/// Called for every entry of the source folder's tree in every commit, so
/// the common prefix is compared as bytes; a name never holds a `/`.
fn git_order(a: &Entry, b: &Entry) -> std::cmp::Ordering {
    let (an, bn): (&[u8], &[u8]) = (a.filename, b.filename);
    let common = an.len().min(bn.len());
    an[..common].cmp(&bn[..common]).then_with(|| {
        let next = |name: &[u8], e: &Entry| name.get(common).copied().or(e.mode.is_tree().then_some(b'/'));
        next(an, a).cmp(&next(bn, b))
    })
}

fn change(
    trees: &mut Trees,
    old: Option<&Entry>,
    new: Option<&Entry>,
    prefix: &str,
    out: &mut Vec<FileChange>,
) -> gix::Result<()> {
    let name = new.or(old).expect("one side exists").filename.to_str_lossy();
    if crate::load::is_hidden(std::ffi::OsStr::new(name.as_ref())) {
        return Ok(());
    }
    let tree = |e: Option<&Entry>| e.filter(|e| e.mode.is_tree()).map(|e| e.oid.to_owned());
    let blob = |e: Option<&Entry>| e.filter(|e| e.mode.is_blob()).map(|e| e.oid.to_owned());
    let path = format!("{prefix}{name}");
    // A name that is a folder on one side and a file on the other is both.
    if tree(old).is_some() || tree(new).is_some() {
        diff(trees, tree(old), tree(new), &format!("{path}/"), out)?;
    }
    let (old_blob, new_blob) = (blob(old), blob(new));
    if (old_blob.is_some() || new_blob.is_some()) && (name.ends_with(".md") || name.ends_with(".markdown")) {
        out.push(FileChange { path, blob: new_blob });
    }
    Ok(())
}

/// Where each of `ids` lies in the repository's packs: the pack (by its
/// file name's order) and the offset in it. Objects in no pack (loose, or
/// in an alternate's pack) are left out. Only an order of reading: an index
/// that cannot be read is skipped.
pub fn pack_places(
    repo: &gix::Repository,
    ids: impl Iterator<Item = ObjectId>,
) -> std::collections::HashMap<ObjectId, (usize, u64)> {
    let dir = repo.objects.store_ref().path().join("pack");
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|ext| ext == "idx"));
    paths.sort();
    let indices: Vec<gix::odb::pack::index::File> =
        paths.iter().filter_map(|p| gix::odb::pack::index::File::at(p, repo.object_hash()).ok()).collect();
    ids.filter_map(|id| {
        indices
            .iter()
            .enumerate()
            .find_map(|(k, index)| index.lookup(id).map(|e| (id, (k, index.pack_offset_at_index(e)))))
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use gix::objs::tree::EntryKind;

    #[test]
    fn entries_sort_as_git_sorts_them() {
        // Git's order, spelled out: the names' bytes, a folder's followed by `/`.
        let spelled = |a: &Entry, b: &Entry| {
            let key = |e: &Entry| e.mode.is_tree().then_some(b'/');
            let (an, bn): (&[u8], &[u8]) = (a.filename, b.filename);
            an.iter().copied().map(Some).chain([key(a)]).cmp(bn.iter().copied().map(Some).chain([key(b)]))
        };
        let oid = gix::ObjectId::null(gix::hash::Kind::Sha1);
        let names = ["a", "a.md", "a-b", "a0", "a/", "ab", "b", "", "a.", "a.mdx"];
        let names = names.iter().filter(|n| !n.contains('/'));
        let mut entries = Vec::new();
        for name in names {
            for kind in [EntryKind::Tree, EntryKind::Blob] {
                entries.push(Entry { mode: kind.into(), filename: (*name).into(), oid: &oid });
            }
        }
        for a in &entries {
            for b in &entries {
                assert_eq!(git_order(a, b), spelled(a, b), "{:?} {:?}", a.filename, b.filename);
            }
        }
    }
}
