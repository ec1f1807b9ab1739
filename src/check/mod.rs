//! Stage 2: the rules. Every finding has a stable rule id, the level
//! configured for it, and the file, line and column of what it is about.
//!
//! Per-retro rules run in parallel; rules that need the whole repo (ids,
//! links) read the link graph. One file's problems never hide another's.

pub mod blameless;
pub mod links;
pub mod report;
pub mod retro_rules;
pub mod stale;
pub mod tracker;

use crate::config::Config;
use crate::link::LinkGraph;
use crate::load::Repo;
use crate::model::{Finding, Level, Retro};
use chrono::NaiveDate;
use rayon::prelude::*;

/// Run every rule over a loaded repo. Returns the loader's findings and the
/// rules', with configured levels applied, `off` rules dropped, sorted by
/// file and position so output is stable.
pub fn run(repo: &Repo, graph: &LinkGraph, today: NaiveDate) -> Vec<Finding> {
    let phrases = blameless::Phrases::from_config(&repo.config);
    let per_retro: Vec<Vec<Finding>> = (0..repo.retros.len())
        .into_par_iter()
        .map(|i| retro_findings(&repo.retros[i], &repo.config, &phrases, today))
        .collect();
    combine(repo, graph, per_retro.into_iter().flatten().collect())
}

/// The findings of the rules that look at one retro alone. They depend on
/// nothing else, so `serve` keeps them per file and recomputes only the
/// files that changed.
pub fn retro_findings(retro: &Retro, config: &Config, phrases: &blameless::Phrases, today: NaiveDate) -> Vec<Finding> {
    let mut out = Vec::new();
    retro_rules::check_retro(retro, config, today, &mut out);
    blameless::check_retro(retro, phrases, &mut out);
    out
}

/// Add the loader's findings and the cross-file rules (ids, links, tracker) to the
/// per-retro findings, then apply the configured levels.
pub fn combine(repo: &Repo, graph: &LinkGraph, per_retro: Vec<Finding>) -> Vec<Finding> {
    let exists = crate::link::on_disk(&repo.root);
    let links: Vec<Finding> = (0..repo.retros.len())
        .into_par_iter()
        .flat_map_iter(|i| {
            let mut out = Vec::new();
            links::check_retro_links(&repo.retros, i, graph, &exists, &mut out);
            out
        })
        .collect();
    let mut findings = repo.findings.clone();
    findings.extend(per_retro);
    findings.extend(links);
    links::check_duplicate_ids(&repo.retros, &mut findings);
    tracker::check_retros(&repo.retros, &repo.tracker, &repo.config, &mut findings);
    apply_levels(findings, &repo.config)
}

/// Add findings found after the others (`stale-action`, which needs the
/// git history) at their configured levels, keeping the order.
pub fn add_findings(findings: &mut Vec<Finding>, extra: Vec<Finding>, config: &Config) {
    let all = std::mem::take(findings).into_iter().chain(extra).collect();
    *findings = apply_levels(all, config);
}

fn apply_levels(findings: Vec<Finding>, config: &Config) -> Vec<Finding> {
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter_map(|mut f| {
            f.level = config.level(f.rule);
            // Every finding carries a hint (docs/rules.md promises one): the
            // rule's general fix where the rule found no sharper one.
            if f.hint.is_none() {
                f.hint = Some(f.rule.fix().to_string());
            }
            (f.level != Level::Off).then_some(f)
        })
        .collect();
    out.sort_by(|a, b| (&a.file, a.pos.line, a.pos.column, a.rule).cmp(&(&b.file, b.pos.line, b.pos.column, b.rule)));
    out.dedup();
    out
}

/// Counts for the summary line and the exit code.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
}

impl Tally {
    pub fn of(findings: &[Finding]) -> Tally {
        let errors = findings.iter().filter(|f| f.level == Level::Error).count();
        Tally { errors, warnings: findings.len() - errors }
    }
}
