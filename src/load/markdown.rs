//! One pass over a retro's Markdown body to learn its structure: headings
//! (with the anchors they render with), links, and which text is prose.
//! The rules and the renderer use this instead of parsing the body again.

use crate::model::{Body, BodyLink, Heading, LinkKind};
use crate::text::{AnchorSet, LineIndex, slugify};
use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

/// The Markdown extensions retros may use; the renderer uses the same set.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

/// Scan `markdown`, which starts at byte `offset` of the file `lines` indexes.
pub fn scan(markdown: &str, offset: usize, lines: &LineIndex) -> Body {
    let mut body = Body { offset, ..Body::default() };
    let mut anchors = AnchorSet::default();
    // Heading being read: level, explicit id, start offset, text so far.
    let mut heading: Option<(u8, Option<String>, usize, String)> = None;
    // Depth of constructs whose text is not prose.
    let mut quoted = 0usize;
    let mut in_code = false;

    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        let at = |rel: usize| lines.pos(offset + rel);
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((level as u8, id.map(|s| s.to_string()), range.start, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, id, start, text)) = heading.take() {
                    let text = text.trim().to_string();
                    let anchor = anchors.unique(id.unwrap_or_else(|| slugify(&text)));
                    body.headings.push(Heading { level, text, anchor, pos: at(start) });
                }
            }
            Event::Start(Tag::BlockQuote(_)) => quoted += 1,
            Event::End(TagEnd::BlockQuote(_)) => quoted = quoted.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::Link { link_type, dest_url, .. }) => {
                let kind = match link_type {
                    LinkType::WikiLink { .. } => LinkKind::Wiki,
                    _ => LinkKind::Inline,
                };
                // Point at the destination text when it is written out.
                let dest_at = markdown[range.clone()].find(dest_url.as_ref()).map(|i| range.start + i);
                let pos = at(if kind == LinkKind::Wiki { range.start } else { dest_at.unwrap_or(range.start) });
                body.links.push(BodyLink { kind, dest: dest_url.to_string(), pos });
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let dest_at = markdown[range.clone()].find(dest_url.as_ref()).map(|i| range.start + i);
                body.links.push(BodyLink {
                    kind: LinkKind::Image,
                    dest: dest_url.to_string(),
                    pos: at(dest_at.unwrap_or(range.start)),
                });
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                for (rel, url, kind) in html_urls(&html) {
                    body.links.push(BodyLink { kind, dest: url, pos: at(range.start + rel) });
                }
            }
            Event::Text(text) => {
                if let Some(h) = heading.as_mut() {
                    h.3.push_str(&text);
                }
                if !in_code && quoted == 0 {
                    body.prose.push(offset + range.start..offset + range.end);
                }
            }
            Event::Code(code) => {
                if let Some(h) = heading.as_mut() {
                    h.3.push_str(&code);
                }
            }
            _ => {}
        }
    }
    // Kept for the whole run, for every retro: no growth slack.
    body.headings.shrink_to_fit();
    body.links.shrink_to_fit();
    body.prose.shrink_to_fit();
    body
}

/// `href`, `src` and similar URL attributes in a fragment of raw HTML, with
/// the offset of each value and how it is resolved: `<a href>` as a link and
/// `<img src>` as an image, exactly like their Markdown forms (checked,
/// rewritten by the renderer, the target copied); any other URL attribute
/// as `RawHtml`, only checked for safety (the sanitizer keeps unsafe ones
/// out of the site).
pub fn html_urls(html: &str) -> Vec<(usize, String, LinkKind)> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    for attr in ["href", "src", "action", "formaction", "xlink:href", "srcset", "poster"] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(attr) {
            let start = from + i;
            from = start + attr.len();
            let before_ok = start == 0
                || !lower.as_bytes()[start - 1].is_ascii_alphanumeric() && lower.as_bytes()[start - 1] != b':';
            let rest = lower[from..].trim_start();
            if !before_ok || !rest.starts_with('=') {
                continue;
            }
            let value_start = from + (lower[from..].len() - rest.len()) + 1;
            let tail = html[value_start..].trim_start();
            let value_start = html.len() - tail.len();
            let (value, skip) = match tail.chars().next() {
                Some(q @ ('"' | '\'')) => (tail[1..].split(q).next().unwrap_or(""), 1),
                _ => (tail.split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or(""), 0),
            };
            let kind = match (tag_name(&lower[..start]), attr) {
                ("a", "href") => LinkKind::Inline,
                ("img", "src") => LinkKind::Image,
                _ => LinkKind::RawHtml,
            };
            found.push((value_start + skip, value.to_string(), kind));
        }
    }
    found.sort_by_key(|(at, ..)| *at);
    found
}

/// The (lowercase) name of the tag an attribute at the end of `before` is in.
fn tag_name(before: &str) -> &str {
    let Some(open) = before.rfind('<') else { return "" };
    let name = &before[open + 1..];
    let end = name.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(name.len());
    &name[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_str(md: &str) -> Body {
        scan(md, 0, &LineIndex::new(md))
    }

    #[test]
    fn headings_get_unique_github_anchors() {
        let b = scan_str("# What happened\n\n## Notes\n\n## Notes\n\n## Custom {#mine}\n");
        let anchors: Vec<_> = b.headings.iter().map(|h| h.anchor.as_str()).collect();
        assert_eq!(anchors, ["what-happened", "notes", "notes-1", "mine"]);
        assert_eq!(b.headings[1].pos.line, 3);
    }

    #[test]
    fn links_of_every_kind_with_positions() {
        let b = scan_str(
            "See [x](../2025/a.md#t) and [[b-id|B]] and\n![img](pic.png) <a href=\"javascript:x\">y</a>\n\
                      <img width=\"600\" src='img/graph.png'> <video poster=p.png></video>\n",
        );
        let kinds: Vec<_> = b.links.iter().map(|l| (l.kind, l.dest.as_str())).collect();
        assert_eq!(
            kinds,
            [
                (LinkKind::Inline, "../2025/a.md#t"),
                (LinkKind::Wiki, "b-id"),
                (LinkKind::Image, "pic.png"),
                (LinkKind::Inline, "javascript:x"),
                (LinkKind::Image, "img/graph.png"),
                (LinkKind::RawHtml, "p.png"),
            ]
        );
        assert_eq!((b.links[4].pos.line, b.links[4].pos.column), (3, 23));
        assert_eq!((b.links[0].pos.line, b.links[0].pos.column), (1, 9));
        assert_eq!((b.links[2].pos.line, b.links[2].pos.column), (2, 8));
    }

    #[test]
    fn code_and_quotes_are_not_prose() {
        let md = "Plain words.\n\n> quoted words\n\n```\ncode words\n```\n\nMore `inline` here.\n";
        let b = scan_str(md);
        let prose: Vec<&str> = b.prose.iter().map(|r| &md[r.clone()]).collect();
        assert_eq!(prose, ["Plain words.", "More ", " here."]);
    }
}
