//! Stage 1 of the pipeline: find the retro files, read them, split the front
//! matter from the body, and build the model. Files are independent here, so
//! they are read and parsed in parallel; anything wrong with one file becomes
//! a finding on that file and never stops the others.

pub mod fields;
pub mod frontmatter;
pub(crate) mod keys;
pub mod markdown;
pub mod yaml;

use crate::config::Config;
use crate::error::Error;
use crate::model::{At, Finding, Pos, Retro, Rule};
use crate::text::{LineIndex, is_id, relative_path};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Every retro of a repository, as loaded, plus the loader's findings.
pub struct Repo {
    pub root: PathBuf,
    pub config: Config,
    pub retros: Vec<Retro>,
    /// Findings of this stage: YAML, keys and values, unreadable files.
    pub findings: Vec<Finding>,
    /// The tickets of the tracker exports (`[tracker]`, `--tracker`).
    pub tracker: crate::tracker::Tracker,
}

impl Repo {
    pub fn source_dir(&self) -> PathBuf {
        self.root.join(&self.config.build.source)
    }

    /// Read the `--tracker` exports besides `[tracker] exports`.
    pub fn add_exports(&mut self, paths: &[PathBuf]) -> Result<(), Error> {
        for path in paths {
            self.tracker.add(path, path.display().to_string(), &self.config.tracker.statuses)?;
        }
        Ok(())
    }
}

/// Load the repository at `root` (which holds `book.toml`).
pub fn load_repo(root: &Path) -> Result<Repo, Error> {
    let config = Config::load(root)?;
    let source_dir = root.join(&config.build.source);
    if !source_dir.is_dir() {
        return Err(Error::new(format!(
            "source folder {} does not exist; create it or set [build].source in book.toml",
            source_dir.display()
        )));
    }
    let files = find_retro_files(&source_dir)?;
    let canonical_root = root.canonicalize().map_err(|e| Error::io(root, e))?;
    let loaded: Vec<(Option<Retro>, Vec<Finding>)> =
        files.par_iter().map(|path| load_file(root, &canonical_root, path, &config)).collect();
    let mut retros = Vec::with_capacity(loaded.len());
    let mut findings = Vec::new();
    for (retro, mut file_findings) in loaded {
        retros.extend(retro);
        findings.append(&mut file_findings);
    }
    let mut tracker = crate::tracker::Tracker::default();
    for export in &config.tracker.exports {
        let shown = crate::text::shown_path(root, &root.join(export));
        tracker.add(&root.join(export), shown, &config.tracker.statuses)?;
    }
    Ok(Repo { root: root.to_path_buf(), config, retros, findings, tracker })
}

/// The `.md` files under `dir`, sorted so every run sees the same order.
/// Hidden files and folders and editors' backup files are skipped.
pub fn find_retro_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir).follow_links(false).sort_by_file_name();
    for entry in walker.into_iter().filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name())) {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::new(format!("{}: {}", path.display(), e.io_error().map(|e| e.to_string()).unwrap_or_default()))
        })?;
        let name = entry.file_name().to_string_lossy();
        let is_markdown = name.ends_with(".md") || name.ends_with(".markdown");
        if is_markdown && !entry.file_type().is_dir() {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

/// Dot files, emacs lock files and backup files: never retros.
pub fn is_hidden(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.starts_with('#') || name.ends_with('~')
}

/// Load one retro file: the retro (unless unreadable) and the loader's findings.
pub fn load_file(root: &Path, canonical_root: &Path, path: &Path, config: &Config) -> (Option<Retro>, Vec<Finding>) {
    let rel = relative_path(root, path);
    let start = Pos { line: 1, column: 1, offset: 0 };
    let unreadable =
        |message: String, hint: &str| (None, vec![Finding::new(Rule::UnreadableFile, &rel, start, message).hint(hint)]);

    // A symlink may point anywhere; only files inside the repo are read.
    match path.canonicalize() {
        Ok(real) if !real.starts_with(canonical_root) => {
            return unreadable(
                format!("`{rel}` is a link to {}, outside the repository; it is not read", real.display()),
                "copy the file into the repository instead of linking to it",
            );
        }
        Err(e) => return unreadable(format!("cannot read `{rel}`: {e}"), "check that the link target exists"),
        Ok(_) => {}
    }
    match std::fs::metadata(path) {
        Ok(m) if m.len() > config.check.max_file_bytes() => {
            return unreadable(
                format!("`{rel}` is {} bytes, over the {} MiB limit for a retro", m.len(), config.check.max_file_mb),
                "move large logs or data into an attachment and link to it, or raise [check].max_file_mb",
            );
        }
        _ => {}
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return unreadable(format!("cannot read `{rel}`: {e}"), "check the file's permissions"),
    };
    let mut findings = Vec::new();
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let pos = LineIndex::new(std::str::from_utf8(&bytes[..valid]).unwrap_or("")).pos(valid);
            let message = format!("the file is not valid UTF-8 (byte 0x{:02x})", bytes[valid]);
            findings.push(Finding::new(Rule::YamlSyntax, &rel, pos, message).hint("save the file as UTF-8"));
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    let retro = parse_retro(rel, text, config, &mut findings);
    (Some(retro), findings)
}

/// Build a retro from a file's text. Public for the fuzz and unit tests.
pub fn parse_retro(rel: String, text: String, config: &Config, findings: &mut Vec<Finding>) -> Retro {
    let mut retro = parse(rel, text, config, findings, true);
    link_tickets(&mut retro, &config.tracker.base_url);
    retro
}

/// Each action item's `link` as the site shows it: its URL (a bare ticket
/// key through `[tracker.base_url]`) and its text. Worked out once per item
/// after reading, and only for a build: the history reader's past versions
/// keep the `link` as written.
fn link_tickets(retro: &mut Retro, urls: &crate::ticket::TrackerUrls) {
    let Some(items) = &mut retro.action_items else { return };
    for item in &mut items.value {
        let Some(link) = &item.link else { continue };
        let link = link.value.as_str();
        item.link_url = crate::ticket::link_url(link, urls).and_then(|u| crate::link::href(&u));
        item.link_text = crate::ticket::link_text(link, item.link_url.is_some());
    }
}

/// The front matter of a file's text alone, its body not scanned: what the
/// history reader needs of every past version of a retro (`history`), read
/// by the same code as a build so ids and values are the same.
pub fn parse_front_matter(rel: String, text: String, config: &Config) -> Retro {
    parse(rel, text, config, &mut Vec::new(), false)
}

/// The values of a front matter already parsed (`root`), its findings
/// dropped: the history's fast path, which parses a file's front matter in
/// parts (`history::snap`) and reads only the entries it needs.
pub fn read_front_matter(rel: String, root: &yaml::Node, config: &Config) -> Retro {
    let mut retro = unread(rel.clone());
    let mut reader = fields::FieldReader { file: &rel, config, yaml_offset: 0, yaml_line: 1, findings: Vec::new() };
    reader.read_retro(root, &mut retro);
    retro
}

/// One entry of a front matter's `action_items` list, read as `read_retro`
/// reads each (its findings dropped); `None` when it is not a mapping.
pub fn read_action_item(rel: &str, item: &yaml::Node, config: &Config) -> Option<crate::model::ActionItem> {
    let mut reader = fields::FieldReader { file: rel, config, yaml_offset: 0, yaml_line: 1, findings: Vec::new() };
    reader.action_item(item)
}

/// A retro with nothing read yet: its id is the file name's stem.
fn unread(rel: String) -> Retro {
    let stem = rel.rsplit('/').next().unwrap_or(&rel);
    let stem = stem.strip_suffix(".markdown").or_else(|| stem.strip_suffix(".md")).unwrap_or(stem).to_string();
    Retro::empty(rel, String::new(), At::new(stem, FENCE))
}

/// The opening fence: where findings about the whole file point.
const FENCE: Pos = Pos { line: 1, column: 1, offset: 0 };

fn parse(rel: String, text: String, config: &Config, findings: &mut Vec<Finding>, body: bool) -> Retro {
    let lines = LineIndex::new(&text);
    let fence = FENCE;
    let mut retro = unread(rel.clone());

    match frontmatter::split(&text) {
        Err(err) => {
            let (message, hint) = err.message();
            let pos = if err == frontmatter::SplitError::Unclosed { fence } else { lines.pos(0) };
            findings.push(Finding::new(Rule::YamlSyntax, &rel, pos, message).hint(hint));
            // Without fences the whole file is the body; its links and
            // wording are still checked.
            let body_offset = if text.starts_with('\u{feff}') { 3 } else { 0 };
            let body_offset = if err == frontmatter::SplitError::Unclosed { text.len() } else { body_offset };
            if body {
                retro.body = markdown::scan(&text[body_offset..], body_offset, &lines);
            }
        }
        Ok(split) => {
            match yaml::parse(split.yaml) {
                Ok(root) => {
                    let mut reader = fields::FieldReader {
                        file: &rel,
                        config,
                        yaml_offset: split.yaml_offset,
                        yaml_line: split.yaml_line,
                        findings: Vec::new(),
                    };
                    reader.read_retro(&root, &mut retro);
                    findings.append(&mut reader.findings);
                }
                Err(err) => {
                    let pos = lines.pos(lines.offset(err.line + split.yaml_line - 1, err.column));
                    findings.push(
                        Finding::new(Rule::YamlSyntax, &rel, pos, format!("invalid YAML: {}", err.message))
                            .hint("the front matter between the `---` fences must be valid YAML"),
                    );
                }
            }
            if body {
                retro.body = markdown::scan(split.body, split.body_offset, &lines);
            }
        }
    }
    if retro.id.pos == fence && !is_id(&retro.id.value) {
        let message = format!("the file name `{}` is not a valid retro id", retro.id.value);
        let hint = "rename the file with letters, digits and `-`, or add an `id:` key";
        findings.push(Finding::new(Rule::InvalidValue, &rel, fence, message).hint(hint));
    }
    retro.source = text;
    retro
}
