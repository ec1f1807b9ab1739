//! retrobook: blameless incident retrospectives as a validated,
//! cross-linked, searchable static site, and the CI gate that keeps every
//! remediation owned.
//!
//! The pipeline reads like the product: `load` → `check` → `link` →
//! `render` → `output`, each stage a module, data flowing one way.
//! `cmd` holds one driver per subcommand. See ARCHITECTURE.md.

pub mod check;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod error;
pub mod history;
pub(crate) mod import;
pub mod link;
pub mod load;
pub mod model;
pub mod output;
pub mod render;
pub mod report;
pub mod schema;
pub mod search;
pub mod serve;
pub mod text;
pub mod tracker;
