//! Writing front matter: every value quoted as YAML needs it. A plain
//! scalar only when nothing in it can mean anything else; a literal block
//! (`|-`) for Markdown text of several lines; otherwise a double-quoted
//! string with escapes.

/// Append `key: value` at `indent` spaces (`- ` included by the caller).
pub(crate) fn field(out: &mut String, indent: usize, key: &str, value: &str) {
    let value = value.replace("\r\n", "\n").replace('\r', "\n");
    let value = value.trim_end_matches('\n');
    out.push_str(key);
    out.push(':');
    if value.contains('\n') && block_safe(value) {
        out.push_str(" |-\n");
        for line in value.lines() {
            if !line.trim().is_empty() {
                out.push_str(&" ".repeat(indent + 2));
                out.push_str(line.trim_end());
            }
            out.push('\n');
        }
    } else {
        out.push(' ');
        out.push_str(&scalar(value));
        out.push('\n');
    }
}

/// A value written as is: a date, a keyword, an id the format checks.
pub(crate) fn raw(out: &mut String, key: &str, value: &str) {
    out.push_str(key);
    out.push_str(": ");
    out.push_str(&scalar(value));
    out.push('\n');
}

/// A literal block holds any text whose first line does not start with a
/// space and that has no control character but tabs.
fn block_safe(value: &str) -> bool {
    !value.starts_with([' ', '\t'])
        && !value.chars().any(|c| (c.is_control() && c != '\n' && c != '\t') || is_odd_break(c))
}

/// Characters some YAML readers take as line breaks or marks.
fn is_odd_break(c: char) -> bool {
    matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// One line: plain when safe, else double-quoted.
pub(crate) fn scalar(value: &str) -> String {
    if is_plain_safe(value) { value.to_string() } else { quoted(value) }
}

/// Safe as a plain scalar: starts with a letter or digit, holds only
/// letters, digits, spaces and punctuation with no YAML meaning (no `:`,
/// `#`, quotes or brackets), does not end in a space, and is not a word
/// YAML 1.1 reads as a boolean or null. Numbers stay text in retrobook's
/// loader, so dates and versions may be plain.
fn is_plain_safe(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let special = ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"];
    value.chars().next().is_some_and(|c| c.is_alphanumeric())
        && !value.ends_with(' ')
        && !special.contains(&lower.as_str())
        && value.chars().all(|c| c.is_alphanumeric() || " .,;()/_-+!?&=%$@*'".contains(c) || c == ':')
        && !value.contains(": ")
        && !value.ends_with(':')
        && !value.contains(" #")
}

/// A double-quoted scalar: `\` and `"` escaped, control characters and
/// odd breaks as `\uXXXX`.
pub(crate) fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_odd_break(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(scalar("Checkout outage"), "Checkout outage");
        assert_eq!(scalar("2024-03-12T13:05:00Z"), "2024-03-12T13:05:00Z");
        assert_eq!(scalar("Postmortem: DNS"), "\"Postmortem: DNS\"");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("#1 \"quoted\" \\ path"), "\"#1 \\\"quoted\\\" \\\\ path\"");
        assert_eq!(scalar("- dash"), "\"- dash\"");
        assert_eq!(scalar("[x]"), "\"[x]\"");
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("bell\u{7}"), "\"bell\\u0007\"");
        let mut out = String::new();
        field(&mut out, 2, "summary", "Line one: with colon\n\n  indented");
        assert_eq!(out, "summary: |-\n    Line one: with colon\n\n      indented\n");
    }
}
