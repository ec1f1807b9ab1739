//! retrobook: blameless incident retrospectives as a validated,
//! cross-linked, searchable static site, and the CI gate that keeps every
//! remediation owned.
//!
//! The pipeline reads like the product: `load` → `link` → `check` →
//! `render` → `output`, each stage a module, data flowing one way (the
//! link graph is built from the loaded retros before the rules run, since
//! the cross-retro rules read it). `cmd` holds one driver per subcommand.
//! See ARCHITECTURE.md; `tests/architecture.rs` holds the modules' imports
//! free of cycles.
//!
//! Every module is `pub(crate)`: the crate is a command line program, and
//! only what the binary, the tests, `examples/` and `fuzz/` call is public,
//! below, each with the reason. So the compiler reports code nothing calls.

use std::process::ExitCode;

mod check;
mod cli;
mod cmd;
mod config;
mod error;
mod history;
mod link;
mod load;
mod model;
mod output;
mod render;
mod report;
mod schema;
mod search;
mod serve;
mod text;
mod ticket;
mod tracker;

// The binary (src/main.rs, a crate of its own) parses the command line and
// hands it to `run`.
pub use cli::Cli;
pub use error::Error;

/// Run the subcommand `cli` names; `Err` is a usage, config or I/O error
/// (the binary prints it and exits with 2).
pub fn run(cli: &Cli) -> Result<ExitCode, Error> {
    use cli::Command;
    let global = &cli.global;
    match &cli.command {
        Command::Check(args) => cmd::check::run(args, global),
        Command::Build(args) => cmd::build::run(args, global),
        Command::Serve(args) => serve::run(args, global),
        Command::Init(args) => cmd::scaffold::init(args, global),
        Command::New(args) => cmd::scaffold::new(args, global),
        Command::Actions(args) => cmd::actions::run(args, global),
        Command::Report(args) => cmd::report::run(args, global),
        Command::Schema => cmd::schema::schema(global),
        Command::Completions(args) => cmd::schema::completions(args),
    }
}

// The stages the tests drive without the binary (`tests/build.rs`,
// `tests/search.rs`, `tests/properties.rs`, `tests/incremental.rs`,
// `tests/blameless_corpus.rs`), and `tests/common/invariants.rs`, which
// the fuzz targets in `fuzz/` share: loading a repository or one file, the
// configuration, the link graph, the rules and the report.
pub use check::blameless::Phrases;
pub use check::report::{Format as ReportFormat, render as render_report};
pub use check::retro_findings;
pub use config::Config;
pub use link::{LinkGraph, normalize as normalize_link, on_disk};
pub use load::{Repo, load_repo, parse_retro};
pub use model::Retro;
pub use text::relative_path;

/// The history's snapshot readers, which `tests/properties.rs` holds equal
/// (the fast reader of a file's parts against the loader's path).
pub use history::snap::{Reader as SnapshotReader, snapshot};

/// The marker file of a built site, which the build tests look for.
pub use output::MARKER;

/// The site and its page plan, which `tests/build.rs` checks page by page;
/// the Markdown renderer, which the fuzz targets feed; the orderings the
/// search index is built in.
pub use render::indexes::Indexes;
pub use render::markdown::{LinkContext, body_html, inline_html};
pub use render::templates::load as load_templates;
pub use render::{Edit, Owner, Page, Site, Taxonomy, Term};

/// The search index and its tokenizer: `tests/search.rs` ranks the judged
/// relevance set with the index's Rust query evaluator
/// (`SearchIndex::query`), which the site's `search.js` mirrors and which
/// nothing in the binary calls; `tests/browser.rs` and
/// `examples/search_index.rs` build the index alone.
pub use search::SearchIndex;
pub use search::tokenize::{query_terms, terms};

/// `serve`'s incremental builder, which `tests/incremental.rs` holds equal
/// to a fresh build after random edits.
pub use serve::build::{Builder, Update};
