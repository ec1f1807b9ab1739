//! Stage 2: the rules. Every finding has a stable rule id, the level
//! configured for it, and the file, line and column of what it is about.
//!
//! Per-retro rules run in parallel; rules that need the whole repo (ids,
//! links) read the link graph. One file's problems never hide another's.

pub mod blameless;
pub mod links;
pub mod report;
pub mod retro_rules;

use crate::config::Config;
use crate::link::LinkGraph;
use crate::load::Repo;
use crate::model::{Finding, Level};
use chrono::NaiveDate;
use rayon::prelude::*;

/// Run every rule over a loaded repo. Returns the loader's findings and the
/// rules', with configured levels applied, `off` rules dropped, sorted by
/// file and position so output is stable.
pub fn run(repo: &Repo, graph: &LinkGraph, today: NaiveDate) -> Vec<Finding> {
    let config = &repo.config;
    let phrases = blameless::Phrases::from_config(&config.check.blameless);
    let exists = crate::link::on_disk(&repo.root);
    let mut findings: Vec<Finding> = repo.findings.clone();
    let per_retro: Vec<Vec<Finding>> = (0..repo.retros.len())
        .into_par_iter()
        .map(|i| {
            let retro = &repo.retros[i];
            let mut out = Vec::new();
            retro_rules::check_retro(retro, config, today, &mut out);
            links::check_retro_links(&repo.retros, i, graph, &exists, &mut out);
            blameless::check_retro(retro, &phrases, &mut out);
            out
        })
        .collect();
    findings.extend(per_retro.into_iter().flatten());
    links::check_duplicate_ids(&repo.retros, &mut findings);
    apply_levels(findings, config)
}

fn apply_levels(findings: Vec<Finding>, config: &Config) -> Vec<Finding> {
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter_map(|mut f| {
            f.level = config.level(f.rule);
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
