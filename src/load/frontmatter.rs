//! Splitting a retro file into its YAML front matter and Markdown body.
//!
//! Tolerates what editors and platforms produce: a UTF-8 byte order mark,
//! CRLF line endings, trailing blanks after a fence, and `...` as the closing
//! fence (YAML's own document end marker).

/// A file cut into its parts, with offsets into the original text.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// Byte offset of the YAML text in the file.
    pub yaml_offset: usize,
    /// 1-based line of the file on which the YAML text starts.
    pub yaml_line: u32,
    pub body: &'a str,
    pub body_offset: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    /// Nothing but whitespace in the file.
    Empty,
    /// The first line is not `---`.
    NoOpeningFence,
    /// `---` opens the front matter but no line closes it.
    Unclosed,
}

impl SplitError {
    pub fn message(&self) -> (&'static str, &'static str) {
        match self {
            SplitError::Empty => (
                "the file is empty",
                "a retro starts with `---`, its YAML front matter, `---`, then the Markdown body; `retrobook new` writes one",
            ),
            SplitError::NoOpeningFence => (
                "the front matter `---` fence is missing",
                "the first line of a retro must be `---`, followed by its YAML front matter and a closing `---`",
            ),
            SplitError::Unclosed => {
                ("the front matter is never closed", "add a line with `---` after the last front matter key")
            }
        }
    }
}

const BOM: &str = "\u{feff}";

/// Cut `text` into front matter and body.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let start = if text.starts_with(BOM) { BOM.len() } else { 0 };
    if text[start..].trim().is_empty() {
        return Err(SplitError::Empty);
    }
    let mut lines = Lines { text, at: start };
    let (first, _) = lines.next().ok_or(SplitError::Empty)?;
    if !is_fence(first, false) {
        return Err(SplitError::NoOpeningFence);
    }
    let yaml_offset = lines.at;
    while let Some((line, line_start)) = lines.next() {
        if is_fence(line, true) {
            return Ok(Split {
                yaml: &text[yaml_offset..line_start],
                yaml_offset,
                yaml_line: 2,
                body: &text[lines.at..],
                body_offset: lines.at,
            });
        }
    }
    Err(SplitError::Unclosed)
}

/// `---` (or `...` when closing), optionally followed by blanks.
fn is_fence(line: &str, closing: bool) -> bool {
    let line = line.trim_end_matches([' ', '\t', '\r']);
    line == "---" || (closing && line == "...")
}

/// Lines with their start offsets, line endings stripped of `\n`.
struct Lines<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = (&'a str, usize);

    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.text.len() {
            return None;
        }
        let start = self.at;
        let rest = &self.text[start..];
        let (line, advance) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.at += advance;
        Some((line, start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_file() {
        let s = split("---\ntitle: x\n---\n# Body\n").unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.yaml_offset, 4);
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_offset, 17);
    }

    #[test]
    fn crlf_bom_and_trailing_blanks() {
        let text = "\u{feff}--- \r\ntitle: x\r\n---\t\r\nbody\r\n";
        let s = split(text).unwrap();
        assert_eq!(s.yaml, "title: x\r\n");
        assert_eq!(&text[s.yaml_offset..s.yaml_offset + 5], "title");
        assert_eq!(s.body, "body\r\n");
    }

    #[test]
    fn yaml_document_end_closes() {
        let s = split("---\na: 1\n...\nbody").unwrap();
        assert_eq!(s.body, "body");
    }

    #[test]
    fn empty_front_matter_and_no_body() {
        let s = split("---\n---").unwrap();
        assert_eq!(s.yaml, "");
        assert_eq!(s.body, "");
    }

    #[test]
    fn errors() {
        assert_eq!(split(""), Err(SplitError::Empty));
        assert_eq!(split(" \n\n"), Err(SplitError::Empty));
        assert_eq!(split("# Just markdown\n"), Err(SplitError::NoOpeningFence));
        assert_eq!(split("----\na: 1\n----\n"), Err(SplitError::NoOpeningFence));
        assert_eq!(split("---\ntitle: x\nbody"), Err(SplitError::Unclosed));
    }
}
