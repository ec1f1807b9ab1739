//! OpenSLO v1 files (`[uptime] openslo`): each `kind: SLO` object's
//! service, its first objective's target and its calendar window, read into
//! the objectives of `[uptime.slo]` when the repository is loaded.
//!
//! Files are read with the front matter's YAML reader, which keeps every
//! node's position, so a malformed or unsupported file is an error at its
//! line and column. Objects of other kinds (`Service`, `SLI`, `AlertPolicy`,
//! …) are skipped: OpenSLO files often hold them beside their SLOs. A file
//! with no SLO at all is an error, so a wrong glob does not pass unnoticed.

use super::yaml::{self, Node, Value};
use crate::config::{Objective, SloWindow, Zone};
use crate::error::Error;
use crate::model::{Pos, Rule};
use std::path::{Path, PathBuf};

/// An objective read from a file: its service, and where the service is named.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FileObjective {
    pub(crate) service: String,
    pub(crate) objective: Objective,
    pub(crate) pos: Pos,
}

/// The files the patterns name, relative to `root`, sorted, each once. A
/// path without wildcards must exist; a glob may match nothing.
pub(crate) fn files(root: &Path, patterns: &[String]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    let (literal, globs): (Vec<&String>, Vec<&String>) = patterns.iter().partition(|p| !is_glob(p));
    for pattern in literal {
        let path = root.join(pattern);
        if !path.is_file() {
            return Err(Error::new(format!("[uptime].openslo: `{pattern}` is not a file in the repository")));
        }
        out.push(path);
    }
    if !globs.is_empty() {
        let set = matcher(&globs.into_iter().cloned().collect::<Vec<_>>())?;
        let walker = walkdir::WalkDir::new(root).follow_links(false).sort_by_file_name();
        for entry in walker.into_iter().filter_entry(|e| e.depth() == 0 || !super::is_hidden(e.file_name())) {
            let entry = entry.map_err(|e| Error::new(format!("[uptime].openslo: {e}")))?;
            if entry.file_type().is_file() && set.is_match(super::relative_path(root, entry.path())) {
                out.push(entry.into_path());
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '[', '{'])
}

/// The patterns as one matcher of paths relative to the root, as `/`-joined
/// names: `*` and `?` within a name, `**` any run of folders, `[ab]` and
/// `{a,b}` as in a shell. `serve` asks it which changed files to reload.
pub(crate) fn matcher(patterns: &[String]) -> Result<globset::GlobSet, Error> {
    let mut set = globset::GlobSetBuilder::new();
    for pattern in patterns {
        let glob = globset::GlobBuilder::new(pattern.trim_start_matches("./"))
            .literal_separator(true)
            .build()
            .map_err(|e| Error::new(format!("[uptime].openslo: `{pattern}`: {}", e.kind())))?;
        set.add(glob);
    }
    set.build().map_err(|e| Error::new(format!("[uptime].openslo: {e}")))
}

/// Read one OpenSLO file; `shown` is its path as messages name it.
pub(crate) fn read(path: &Path, shown: &str) -> Result<Vec<FileObjective>, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::new(format!("{shown}: {e}")))?;
    parse(&text, shown)
}

/// The objectives of an OpenSLO file's text.
pub(crate) fn parse(text: &str, shown: &str) -> Result<Vec<FileObjective>, Error> {
    let mut out = Vec::new();
    for doc in documents(text) {
        let root = yaml::parse(doc.text).map_err(|e| {
            let pos = Pos { line: e.line + doc.line - 1, column: e.column, offset: doc.offset };
            Error::in_file(Rule::InvalidConfig, shown, pos, &e.message)
        })?;
        let reader = Reader { shown, line: doc.line, offset: doc.offset };
        if let Some(objective) = reader.object(&root)? {
            out.push(objective);
        }
    }
    if out.is_empty() {
        let pos = Pos { line: 1, column: 1, offset: 0 };
        return Err(Error::in_file(Rule::InvalidConfig, shown, pos, "the file holds no `kind: SLO` object"));
    }
    Ok(out)
}

/// One YAML document of a file, and where it starts.
struct Document<'t> {
    text: &'t str,
    /// The 1-based line of its first line in the file.
    line: u32,
    offset: usize,
}

/// The documents of a multi-document YAML text, split at `---` lines (the
/// YAML reader takes one document at a time, and keeps positions in it).
fn documents(text: &str) -> Vec<Document<'_>> {
    let mut out = Vec::new();
    let (mut start, mut start_line, mut offset) = (0, 1u32, 0);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let bare = line.trim_end();
        if bare == "---" || bare.starts_with("--- ") || bare == "..." {
            out.push(Document { text: &text[start..offset], line: start_line, offset: start });
            start = offset + line.len();
            start_line = i as u32 + 2;
        }
        offset += line.len();
    }
    out.push(Document { text: &text[start..], line: start_line, offset: start });
    out.retain(|d| !d.text.trim().is_empty());
    out
}

struct Reader<'a> {
    shown: &'a str,
    line: u32,
    offset: usize,
}

impl Reader<'_> {
    fn pos(&self, node: &Node) -> Pos {
        Pos { line: node.pos.line + self.line - 1, column: node.pos.column, offset: node.pos.offset + self.offset }
    }

    fn error(&self, node: &Node, message: &str) -> Error {
        Error::in_file(Rule::InvalidConfig, self.shown, self.pos(node), message)
    }

    fn get<'n>(&self, map: &'n Node, key: &str) -> Option<&'n Node> {
        let Value::Map(entries) = &map.value else { return None };
        entries.iter().find(|(k, _)| matches!(&k.value, Value::Str(s) if s == key)).map(|(_, v)| v)
    }

    fn need<'n>(&self, map: &'n Node, key: &str, what: &str) -> Result<&'n Node, Error> {
        self.get(map, key)
            .filter(|v| v.value != Value::Null)
            .ok_or_else(|| self.error(map, &format!("{what} has no `{key}`")))
    }

    fn text<'n>(&self, node: &'n Node, what: &str) -> Result<&'n str, Error> {
        match &node.value {
            Value::Str(s) => Ok(s),
            other => Err(self.error(node, &format!("{what} must be text, found {}", other.kind()))),
        }
    }

    /// An SLO's objective; `None` for an object of another kind.
    fn object(&self, root: &Node) -> Result<Option<FileObjective>, Error> {
        if !matches!(root.value, Value::Map(_)) {
            return Err(self.error(root, &format!("an OpenSLO object must be a mapping, found {}", root.value.kind())));
        }
        let version = self.need(root, "apiVersion", "the object")?;
        if self.text(version, "`apiVersion`")? != "openslo/v1" {
            return Err(self.error(version, "unsupported `apiVersion`: retrobook reads `openslo/v1`"));
        }
        let kind = self.need(root, "kind", "the object")?;
        if self.text(kind, "`kind`")? != "SLO" {
            return Ok(None);
        }
        let spec = self.need(root, "spec", "the SLO")?;
        let service = self.need(spec, "service", "the SLO's `spec`")?;
        let name = self.text(service, "`spec.service`")?;
        if !crate::text::is_slug(name) {
            return Err(self.error(service, &format!("`spec.service` `{name}` is not a service slug")));
        }
        let target = self.target(spec)?;
        let (window, zone) = self.window(spec)?;
        let objective = Objective { target, window, zone, source: self.shown.to_string() };
        Ok(Some(FileObjective { service: name.to_string(), objective, pos: self.pos(service) }))
    }

    /// The first objective's target, in percent.
    fn target(&self, spec: &Node) -> Result<f64, Error> {
        let objectives = self.need(spec, "objectives", "the SLO's `spec`")?;
        let Value::Seq(items) = &objectives.value else {
            return Err(self.error(objectives, "`spec.objectives` must be a list"));
        };
        let first = items.first().ok_or_else(|| self.error(objectives, "`spec.objectives` is empty"))?;
        let number = |node: &Node| match node.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => None,
        };
        let (node, percent) = match (self.get(first, "target"), self.get(first, "targetPercent")) {
            (Some(t), _) => (t, number(t).map(|t| t * 100.0).filter(|_| number(t).is_some_and(|t| t > 0.0 && t < 1.0))),
            (None, Some(p)) => (p, number(p).filter(|p| *p > 0.0 && *p <= 100.0)),
            (None, None) => {
                return Err(self.error(first, "the first objective has no `target` (0.999) or `targetPercent` (99.9)"));
            }
        };
        percent.ok_or_else(|| {
            self.error(
                node,
                "a target is a fraction between 0 and 1 (`target: 0.999`) or a percent (`targetPercent: 99.9`)",
            )
        })
    }

    /// A calendar month or quarter (`duration: 1M`, `1Q` or `3M`, not
    /// rolling) and the time zone its periods begin in (`calendar.timeZone`,
    /// else UTC). Without `timeWindow`, which OpenSLO makes optional, a
    /// calendar month in UTC. `1m` is minutes to OpenSLO, but its own example
    /// of a monthly contract writes it, so it is read as a month too. The
    /// calendar's `startTime` is not read: periods begin on the 1st at 00:00.
    fn window(&self, spec: &Node) -> Result<(SloWindow, Zone), Error> {
        let Some(windows) = self.get(spec, "timeWindow") else { return Ok((SloWindow::Month, Zone::UTC)) };
        let window = match &windows.value {
            Value::Seq(items) => items.first().ok_or_else(|| self.error(windows, "`spec.timeWindow` is empty"))?,
            _ => windows,
        };
        if let Some(rolling) = self.get(window, "isRolling")
            && rolling.value == Value::Bool(true)
        {
            return Err(self.error(
                rolling,
                "rolling windows are not supported: availability is judged per calendar month or quarter",
            ));
        }
        let zone = match self.get(window, "calendar").and_then(|c| self.get(c, "timeZone")) {
            None => Zone::UTC,
            Some(node) => {
                let name = self.text(node, "`timeZone`")?;
                Zone::named(name.trim()).ok_or_else(|| {
                    self.error(node, &format!("unknown time zone `{name}`: an IANA name such as `America/New_York`"))
                })?
            }
        };
        let duration = self.need(window, "duration", "the time window")?;
        let window = match self.text(duration, "`duration`")?.trim() {
            "1M" | "1m" => SloWindow::Month,
            "1Q" | "3M" => SloWindow::Quarter,
            other => {
                return Err(self.error(
                    duration,
                    &format!("unsupported `duration: {other}`: a calendar month (`1M`) or quarter (`1Q`, `3M`)"),
                ));
            }
        };
        Ok((window, zone))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = "\
# A Service, then two SLOs.
apiVersion: openslo/v1
kind: Service
metadata:
  name: checkout
spec:
  description: Checkout
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
spec:
  service: checkout
  budgetingMethod: Occurrences
  objectives:
    - displayName: Good
      target: 0.9995
  timeWindow:
    - duration: 1M
      isRolling: false
      calendar:
        startTime: 2026-01-01 00:00:00
        timeZone: UTC
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: search
spec:
  service: search
  objectives:
    - targetPercent: 99.5
  timeWindow:
    - duration: 1Q
";

    #[test]
    fn reads_every_slo_of_a_multi_document_file() {
        let got = parse(VALID, "slo/a.yaml").unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].service, "checkout");
        assert!((got[0].objective.target - 99.95).abs() < 1e-9);
        assert_eq!(got[0].objective.window, SloWindow::Month);
        assert_eq!((got[0].pos.line, got[0].pos.column), (14, 12));
        assert_eq!((got[1].service.as_str(), got[1].objective.target), ("search", 99.5));
        assert_eq!(got[1].objective.window, SloWindow::Quarter);
        assert_eq!(got[1].objective.source, "slo/a.yaml");
    }

    #[test]
    fn a_calendar_in_a_time_zone_and_a_missing_window_are_read() {
        // As OpenSLO's own example of a monthly contract writes it.
        let text = "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: web}\nspec:\n  service: web\n  \
                    budgetingMethod: Timeslices\n  timeWindow:\n    - duration: 1m\n      isRolling: false\n      \
                    calendar:\n        startTime: 2022-01-01 12:00:00\n        timeZone: America/New_York\n  \
                    objectives:\n    - target: 0.995\n      timeSliceWindow: 1m\n";
        let got = parse(text, "slo/web.yaml").unwrap();
        assert_eq!(got[0].objective.window, SloWindow::Month);
        assert_eq!(got[0].objective.zone.name(), "America/New_York");
        assert!((got[0].objective.target - 99.5).abs() < 1e-9);
        let bare = "apiVersion: openslo/v1\nkind: SLO\nspec:\n  service: web\n  objectives: [{target: 0.99}]\n";
        let got = parse(bare, "slo/web.yaml").unwrap();
        assert_eq!((got[0].objective.window, got[0].objective.zone.is_utc()), (SloWindow::Month, true));
    }

    fn error(text: &str) -> String {
        parse(text, "slo/x.yaml").unwrap_err().to_string()
    }

    #[test]
    fn a_broken_or_unsupported_file_is_an_error_at_its_line() {
        let slo = |window: &str, objective: &str| {
            format!(
                "apiVersion: openslo/v1\nkind: SLO\nspec:\n  service: checkout\n  objectives:\n    - {objective}\n  timeWindow:\n{window}"
            )
        };
        let month = "    - duration: 1M\n";
        let cases = [
            (slo("    - duration: 28d\n      isRolling: true\n", "target: 0.99"), "slo/x.yaml:9:18: rolling windows"),
            (slo("    - duration: 1w\n", "target: 0.99"), "slo/x.yaml:8:17: unsupported `duration: 1w`"),
            (slo(month, "target: 99.9"), "slo/x.yaml:6:15: a target is a fraction"),
            (slo(month, "targetPercent: 0"), "slo/x.yaml:6:22: a target is"),
            (slo(month, "displayName: x"), "slo/x.yaml:6:7: the first objective has no `target`"),
            (
                slo("    - duration: 1M\n      calendar: {timeZone: Europe/Pariss}\n", "target: 0.99"),
                "slo/x.yaml:9:28: unknown time zone `Europe/Pariss`",
            ),
            (slo("    - duration: 1q\n", "target: 0.99"), "slo/x.yaml:8:17: unsupported `duration: 1q`"),
            ("apiVersion: openslo/v2alpha\nkind: SLO\n".into(), "slo/x.yaml:1:13: unsupported `apiVersion`"),
            ("kind: Service\napiVersion: openslo/v1\n".into(), "slo/x.yaml:1:1: the file holds no `kind: SLO`"),
            (
                "apiVersion: openslo/v1\nkind: SLO\nspec: {service: Check Out}\n".into(),
                "slo/x.yaml:3:17: `spec.service`",
            ),
            ("---\napiVersion: openslo/v1\nkind: [SLO\n".into(), "slo/x.yaml:"),
            ("apiVersion: openslo/v1\nkind: Service\n---\n- x\n".into(), "slo/x.yaml:4:1: an OpenSLO object must be"),
            ("kind: SLO\n".into(), "slo/x.yaml:1:1: the object has no `apiVersion`"),
            ("apiVersion: openslo/v1\nkind: SLO\nspec:\n  objectives: []\n".into(), "slo/x.yaml:4:3"),
        ];
        for (text, expected) in cases {
            let got = error(&text);
            assert!(got.starts_with(expected), "{text}\n→ {got}\nexpected {expected}");
        }
    }

    #[test]
    fn globs_match_names_and_folders() {
        let m = |p: &str, path: &str| matcher(&[p.to_string()]).unwrap().is_match(path);
        assert!(m("slo/*.yaml", "slo/checkout.yaml"));
        assert!(!m("slo/*.yaml", "slo/deep/checkout.yaml"));
        assert!(!m("slo/*.yaml", "slo/checkout.yml"));
        assert!(m("slo/**/*.yaml", "slo/checkout.yaml"));
        assert!(m("slo/**/*.yaml", "slo/a/b/checkout.yaml"));
        assert!(m("**/slo-?.yaml", "x/slo-1.yaml"));
        assert!(!m("**/slo-?.yaml", "x/slo-10.yaml"));
        assert!(m("./slo/{a,b}.yaml", "slo/b.yaml"));
        assert!(matcher(&["slo/[a.yaml".into()]).unwrap_err().to_string().contains("`slo/[a.yaml`"));
    }
}
