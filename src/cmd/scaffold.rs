//! `retrobook init` and `retrobook new`: write the files a new repository
//! or a new retro starts from. Neither ever overwrites a file.

use crate::cli::{Global, InitArgs, NewArgs};
use crate::config::{CONFIG_FILE, Config};
use crate::error::Error;
use crate::text::slugify;
use chrono::{Duration, NaiveDate};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const BOOK_TOML: &str = include_str!("scaffold/book.toml");
const GITIGNORE: &str = include_str!("scaffold/gitignore");
const EXAMPLE: &str = include_str!("scaffold/example.md");
/// The built-in template of `new`; a repo's `templates/retro.md` wins.
const NEW_RETRO: &str = include_str!("../../templates/retro.md");

pub fn init(args: &InitArgs, global: &Global) -> Result<ExitCode, Error> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    if dir.join(CONFIG_FILE).exists() {
        return Err(Error::new(format!("{} already has a {CONFIG_FILE}; nothing written", dir.display())));
    }
    std::fs::create_dir_all(dir.join("retros")).map_err(|e| Error::io(&dir, e))?;
    let today = super::today(None);
    let values = Values {
        title: String::new(),
        severity: "SEV2".into(),
        date: today,
        author: author(),
        category: String::new(),
    };
    let example = format!("retros/{}-checkout-errors-after-a-cache-failover.md", today.format("%Y-%m-%d"));
    let mut written = Vec::new();
    for (path, text) in [
        (CONFIG_FILE.to_string(), BOOK_TOML.to_string()),
        (example, values.fill(EXAMPLE)),
        (".gitignore".into(), GITIGNORE.into()),
    ] {
        let target = dir.join(&path);
        if target.exists() {
            continue;
        }
        write_new(&target, &text)?;
        written.push(path);
    }
    if !global.quiet {
        let listing: String = written.iter().map(|p| format!("{}\n", dir.join(p).display())).collect();
        super::print_stdout(listing.as_bytes())?;
        eprintln!("Next: `retrobook build` to see the site, `retrobook new \"Title\"` to write a retro.");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn new(args: &NewArgs, global: &Global) -> Result<ExitCode, Error> {
    let root = super::root(global, None)?;
    let config = Config::load(&root)?;
    let date = args.date.unwrap_or_else(|| super::today(None));
    let severity = args.severity.clone().unwrap_or_else(|| {
        let s = &config.retro.severities;
        s.get(s.len() / 2).or(s.first()).cloned().unwrap_or_else(|| "SEV2".into())
    });
    if !config.retro.severities.contains(&severity) {
        return Err(Error::new(format!("severity `{severity}` is not one of {}", config.retro.severities.join(", "))));
    }
    let title = args.title.split_whitespace().collect::<Vec<_>>().join(" ");
    let slug: String = slugify(&title).split('-').filter(|w| !w.is_empty()).take(8).collect::<Vec<_>>().join("-");
    if slug.is_empty() {
        return Err(Error::new("the title needs at least one letter or digit"));
    }
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => default_dir(&root.join(&config.build.source), date),
    };
    let path = dir.join(format!("{}-{slug}.md", date.format("%Y-%m-%d")));
    let template = match std::fs::read_to_string(root.join("templates/retro.md")) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => NEW_RETRO.to_string(),
        Err(e) => return Err(Error::io(&root.join("templates/retro.md"), e)),
    };
    let category = config.retro.factor_categories.first().cloned().unwrap_or_else(|| "technical".into());
    let values = Values { title, severity, date, author: author(), category };
    write_new(&path, &values.fill(&template))?;
    super::print_stdout(format!("{}\n", path.display()).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// `<source>/<year>/` when the repo already files retros by year.
fn default_dir(source: &Path, date: NaiveDate) -> PathBuf {
    let year = source.join(date.format("%Y").to_string());
    let by_year = std::fs::read_dir(source).into_iter().flatten().flatten().any(|e| {
        let name = e.file_name();
        let name = name.to_string_lossy();
        e.path().is_dir() && name.len() == 4 && name.chars().all(|c| c.is_ascii_digit())
    });
    if by_year { year } else { source.to_path_buf() }
}

/// The values a new file is filled with. The template is filled by plain
/// substitution of these few placeholders: text from the command line is
/// data, written as YAML strings, never evaluated.
struct Values {
    title: String,
    severity: String,
    date: NaiveDate,
    author: String,
    category: String,
}

impl Values {
    fn fill(&self, template: &str) -> String {
        let due = self.date + Duration::days(30);
        // A JSON string is a valid YAML scalar: quotes and colons are safe.
        let title = serde_json::to_string(&self.title).expect("a string is JSON");
        template
            .replace("{{ title }}", &title)
            .replace("{{ severity }}", &self.severity)
            .replace("{{ date }}", &self.date.format("%Y-%m-%d").to_string())
            .replace("{{ due }}", &due.format("%Y-%m-%d").to_string())
            .replace("{{ author }}", &self.author)
            .replace("{{ category }}", &self.category)
    }
}

/// Who is writing: `RETROBOOK_AUTHOR`, else the local part of git's
/// `user.email`, else `$USER`; as a handle safe in a YAML list.
fn author() -> String {
    let from_git = || {
        let out = std::process::Command::new("git").args(["config", "user.email"]).output().ok()?;
        let email = String::from_utf8(out.stdout).ok()?;
        email.trim().split('@').next().map(str::to_string)
    };
    let raw = std::env::var("RETROBOOK_AUTHOR").ok().or_else(from_git).or_else(|| std::env::var("USER").ok());
    let handle = slugify(&raw.unwrap_or_default());
    if handle.is_empty() { "your-handle".into() } else { handle }
}

/// Create `path` with `text`; an existing file is an error, never replaced.
fn write_new(path: &Path, text: &str) -> Result<(), Error> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::new(format!("{} already exists; not overwritten", path.display()))
        } else {
            Error::io(path, e)
        }
    })?;
    file.write_all(text.as_bytes()).map_err(|e| Error::io(path, e))
}
