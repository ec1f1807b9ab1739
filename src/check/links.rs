//! Rules that need the whole repository: retro ids and links between retros.

use crate::link::{LinkGraph, Target};
use crate::model::{Finding, LinkKind, Retro, Rule};
use std::collections::HashMap;

/// `related`, `recurrence_of` and every link in the body must resolve.
pub fn check_retro_links(
    retros: &[Retro],
    index: usize,
    graph: &LinkGraph,
    file_exists: &dyn Fn(&str) -> bool,
    out: &mut Vec<Finding>,
) {
    let retro = &retros[index];
    let keys =
        retro.related.iter().map(|r| ("related", r)).chain(retro.recurrence_of.iter().map(|r| ("recurrence_of", r)));
    for (key, id) in keys {
        match graph.index_of(&id.value) {
            None => {
                let mut f = Finding::new(
                    Rule::BrokenLink,
                    &retro.path,
                    id.pos,
                    format!("`{key}` names `{}`, but no retro has that id", id.value),
                );
                f.hint = Some(graph.suggest_id(&id.value));
                out.push(f);
            }
            Some(i) if i == index => {
                out.push(
                    Finding::new(Rule::BrokenLink, &retro.path, id.pos, format!("`{key}` names this retro itself"))
                        .hint(format!("remove it from `{key}`: a retro need not name itself")),
                );
            }
            Some(_) => {}
        }
    }
    for link in &retro.body.links {
        // Other URL attributes of raw HTML are only checked for safety.
        if link.kind == LinkKind::RawHtml {
            continue;
        }
        match graph.resolve(retros, index, link.kind, &link.dest, file_exists) {
            Ok(Target::Retro { .. } | Target::File { .. } | Target::External) => {}
            Err(broken) => {
                let mut f =
                    Finding::new(Rule::BrokenLink, &retro.path, link.pos, format!("broken link: {}", broken.message))
                        .len(link.dest.len());
                f.hint = broken.hint;
                out.push(f);
            }
        }
    }
}

/// Two retros with the same id: reported on every one after the first.
pub fn check_duplicate_ids(retros: &[Retro], out: &mut Vec<Finding>) {
    let mut first: HashMap<&str, &Retro> = HashMap::with_capacity(retros.len());
    for retro in retros {
        match first.get(retro.id.value.as_str()) {
            None => {
                first.insert(&retro.id.value, retro);
            }
            Some(other) => {
                let how = if retro.id.pos.line == 1 && retro.id.pos.column == 1 { "file name" } else { "`id`" };
                out.push(Finding::new(
                    Rule::DuplicateId,
                    &retro.path,
                    retro.id.pos,
                    format!("retro id `{}` (from its {how}) is already used by `{}`", retro.id.value, other.path),
                ));
            }
        }
    }
}
