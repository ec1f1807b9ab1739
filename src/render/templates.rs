//! The built-in theme, embedded in the binary, and the lookup that lets a
//! repo override any file of it: `templates/NAME` in the repo, then
//! `themes/<theme>/templates/NAME`, then the built-in one. Static files
//! likewise come from `themes/<theme>/static/` over the built-in ones.

use crate::config::Config;
use crate::error::Error;
use std::collections::BTreeMap;
use std::path::Path;

/// The built-in templates; their sources are this repo's `templates/`.
pub const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("components.html", include_str!("../../templates/components.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("retros.html", include_str!("../../templates/retros.html")),
    ("retro.html", include_str!("../../templates/retro.html")),
    ("actions.html", include_str!("../../templates/actions.html")),
    ("accounts_summary.html", include_str!("../../templates/accounts_summary.html")),
    ("accountability.html", include_str!("../../templates/accountability.html")),
    ("owner.html", include_str!("../../templates/owner.html")),
    ("terms.html", include_str!("../../templates/terms.html")),
    ("term.html", include_str!("../../templates/term.html")),
    ("insights.html", include_str!("../../templates/insights.html")),
    ("follow_through.html", include_str!("../../templates/follow_through.html")),
    ("reliability.html", include_str!("../../templates/reliability.html")),
    ("response.html", include_str!("../../templates/response.html")),
    ("404.html", include_str!("../../templates/404.html")),
    ("search.html", include_str!("../../templates/search.html")),
];

/// The built-in static files; their sources are `themes/default/static/`.
pub const BUILTIN_STATIC: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../../themes/default/static/style.css")),
    ("retrobook.js", include_bytes!("../../themes/default/static/retrobook.js")),
    ("favicon.svg", include_bytes!("../../themes/default/static/favicon.svg")),
    ("search.js", include_bytes!("../../themes/default/static/search.js")),
];

/// Load the templates in lookup order and compile them once.
pub fn load(root: &Path, config: &Config) -> Result<tera::Tera, Error> {
    let theme_dir = root.join("themes").join(&config.build.theme);
    let mut sources: BTreeMap<String, String> =
        BUILTIN_TEMPLATES.iter().map(|(n, s)| (n.to_string(), compact(s))).collect();
    // Later folders win: theme over built-in, repo over theme.
    for dir in [theme_dir.join("templates"), root.join("templates")] {
        for (name, text) in read_folder(&dir, |n| n.ends_with(".html"))? {
            let text =
                String::from_utf8(text).map_err(|_| Error::new(format!("{}: not UTF-8", dir.join(&name).display())))?;
            sources.insert(name, text);
        }
    }
    let mut tera = tera::Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        .map_err(|e| Error::new(format!("templates: {}", describe(&e))))?;
    Ok(tera)
}

/// Tera's own escaping, byte for byte (`&`, `<`, `>`, `"` and `'`), but
/// written a run at a time: Tera's writes every byte on its own through a
/// `dyn Write`, and every value a page shows goes through here (about 5%
/// of a build's time before).
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        let entity: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[start..i])?;
        out.write_all(entity)?;
        start = i + 1;
    }
    out.write_all(&bytes[start..])
}

/// A built-in template without the layout that makes its source readable:
/// indentation, blank lines, and the line breaks after lines that hold only
/// template tags. HTML ignores them, and at 10,000 retros they are megabytes
/// (about 5% of every page). The built-in templates have no `<pre>`,
/// `<textarea>` or inline script, where line starts would matter; a repo's
/// own templates are used as written.
fn compact(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for line in source.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push_str(line);
        if !only_tags(line) {
            out.push('\n');
        }
    }
    out
}

/// Whether a line is nothing but `{% … %}` and `{# … #}` tags.
fn only_tags(mut line: &str) -> bool {
    while !line.is_empty() {
        let close = match line.get(..2) {
            Some("{%") => "%}",
            Some("{#") => "#}",
            _ => return false,
        };
        match line.find(close) {
            Some(end) => line = line[end + 2..].trim_start(),
            None => return false,
        }
    }
    true
}

/// The static files of the theme in use, by path under `static/`.
pub fn static_files(root: &Path, config: &Config) -> Result<BTreeMap<String, Vec<u8>>, Error> {
    let mut files: BTreeMap<String, Vec<u8>> =
        BUILTIN_STATIC.iter().map(|(n, b)| (n.to_string(), b.to_vec())).collect();
    let dir = root.join("themes").join(&config.build.theme).join("static");
    files.extend(read_folder(&dir, |_| true)?);
    Ok(files)
}

/// Files under `dir` (recursively) by `/`-separated relative path; none
/// when the folder does not exist. Symlinks are not followed.
fn read_folder(dir: &Path, keep: impl Fn(&str) -> bool) -> Result<Vec<(String, Vec<u8>)>, Error> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::new(format!("{}: {e}", dir.display())))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = crate::text::relative_path(dir, entry.path());
        if name.split('/').any(|part| part.starts_with('.')) || !keep(&name) {
            continue;
        }
        let bytes = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        out.push((name, bytes));
    }
    Ok(out)
}

/// A template error with its cause chain, on one line.
pub fn describe(err: &tera::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn escaping_is_teras(text in "[a-z&<>\"' é\u{1F600}]{0,40}") {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            escape_html(&text, &mut ours).unwrap();
            tera::escape_html(&text, &mut teras).unwrap();
            proptest::prop_assert_eq!(ours, teras);
        }
    }

    #[test]
    fn compact_drops_layout_but_keeps_words_apart() {
        let source = "<ul>\n  {% for x in xs %}\n    <li>{{ x }}\n    and more</li>\n\n  {% endfor %}\n</ul>\n";
        assert_eq!(compact(source), "<ul>\n{% for x in xs %}<li>{{ x }}\nand more</li>\n{% endfor %}</ul>\n");
        assert!(only_tags("{% if a %} {# why #}{% endif %}"));
        assert!(!only_tags("{% if a %}text"));
        assert!(!only_tags("{{ value }}"));
    }

    #[test]
    fn built_in_templates_have_no_whitespace_sensitive_elements() {
        for (name, source) in BUILTIN_TEMPLATES {
            for tag in ["<pre", "<textarea", "<script>", "<style"] {
                assert!(!source.contains(tag), "{name} holds {tag}: compact() would change it");
            }
        }
    }
}
