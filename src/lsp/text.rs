//! Reading the text around the cursor, for a buffer that may not parse
//! (the user is typing): the front matter's lines, the key a line sets,
//! the keys it is nested under, a `[[link` being written.

use super::position::Lines;

/// The 0-based lines of the front matter, between the fences (to the end
/// of the text when the closing fence is not written yet).
pub(crate) fn front_matter(lines: &Lines) -> Option<std::ops::Range<usize>> {
    let first = lines.line(0).trim_start_matches('\u{feff}').trim_end();
    if first != "---" {
        return None;
    }
    let end = (1..lines.line_count()).find(|&l| matches!(lines.line(l).trim_end(), "---" | "..."));
    Some(1..end.unwrap_or(lines.line_count()))
}

/// A front-matter line cut up: where its content starts (after the indent
/// and any `- `), whether it is a list entry, the key it sets (if any) and
/// what follows the key's colon.
pub(crate) struct YamlLine<'t> {
    pub(crate) column: usize,
    pub(crate) dash: Option<usize>,
    pub(crate) key: Option<&'t str>,
    pub(crate) value: &'t str,
}

pub(crate) fn yaml_line(line: &str) -> YamlLine<'_> {
    let mut column = line.len() - line.trim_start().len();
    let mut dash = None;
    while line[column..].starts_with("- ") || &line[column..] == "-" {
        dash = Some(column);
        column += 1;
        column += line[column..].len() - line[column..].trim_start().len();
    }
    let rest = &line[column..];
    let key_end = rest.find(": ").or_else(|| rest.ends_with(':').then(|| rest.len() - 1));
    match key_end {
        Some(end) if is_key(&rest[..end]) => {
            YamlLine { column, dash, key: Some(&rest[..end]), value: &rest[end + 1..] }
        }
        _ => YamlLine { column, dash, key: None, value: rest },
    }
}

fn is_key(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The keys a position at `column` of line `line` is nested under, from
/// the top (`["action_items"]` inside an action item).
pub(crate) fn parents(lines: &Lines, line: usize, column: usize, top: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut column = column;
    let mut l = line;
    while column > 0 && l > top {
        l -= 1;
        let text = lines.line(l);
        if text.trim().is_empty() || text.trim_start().starts_with('#') {
            continue;
        }
        let y = yaml_line(text);
        // A key further left with nothing after it opens our block.
        if y.column < column
            && y.value.trim().is_empty()
            && let Some(key) = y.key
        {
            out.push(key.to_string());
            column = y.column;
        }
    }
    out.reverse();
    out
}

/// The characters of an id, a handle or a slug.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '@')
}

/// The word around a byte offset of `line` (and where it starts).
pub(crate) fn word_at(line: &str, at: usize) -> (usize, &str) {
    let at = at.min(line.len());
    let start = line[..at]
        .rfind(|c: char| !is_word_char(c))
        .map_or(0, |i| i + line[i..].chars().next().map_or(1, char::len_utf8));
    let end = line[at..].find(|c: char| !is_word_char(c)).map_or(line.len(), |i| at + i);
    (start, &line[start..end])
}

/// A `[[target` being written before `at` in `line`: where the target starts.
pub(crate) fn open_wiki_link(line: &str, at: usize) -> Option<usize> {
    let before = &line[..at.min(line.len())];
    let open = before.rfind("[[")?;
    (!before[open..].contains("]]")).then_some(open + 2)
}

/// The `[[…]]` link around `at` in `line`: the text between the brackets.
pub(crate) fn wiki_link_at(line: &str, at: usize) -> Option<(usize, &str)> {
    let start = open_wiki_link(line, at)?;
    let end = line[start..].find("]]")? + start;
    Some((start, &line[start..end]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::position::Encoding;

    #[test]
    fn nested_keys_are_found_from_the_indentation() {
        let text = "---\ntitle: x\naction_items:\n  - id: a\n    owner: b\n    \nrelated:\n  - \n";
        let lines = Lines::new(text, Encoding::Utf8);
        assert_eq!(parents(&lines, 5, 4, 1), ["action_items"]);
        assert_eq!(parents(&lines, 3, 4, 1), ["action_items"]);
        assert_eq!(parents(&lines, 7, 2, 1), ["related"]);
        assert!(parents(&lines, 6, 0, 1).is_empty());
    }

    #[test]
    fn a_line_is_cut_into_key_and_value() {
        let y = yaml_line("  - factors: [a, ");
        assert_eq!((y.column, y.dash, y.key, y.value), (4, Some(2), Some("factors"), " [a, "));
        let y = yaml_line("    own");
        assert_eq!((y.column, y.key, y.value), (4, None, "own"));
    }
}
