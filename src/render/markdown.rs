//! Markdown to safe HTML: heading anchors as the loader computed them, links
//! to other retros and attachments rewritten to the rendered site, and the
//! result sanitized (raw HTML in a retro is written by many hands).

use crate::link::{LinkGraph, Target, is_safe_url};
use crate::load::markdown::options;
use crate::model::{LinkKind, Retro};
use pulldown_cmark::{CowStr, Event, LinkType, Parser, Tag, TagEnd};
use std::sync::LazyLock;

/// What link rewriting needs: every retro, the graph, and where the page
/// being rendered sits (its relative prefix to the site root).
pub struct LinkContext<'a> {
    pub retros: &'a [Retro],
    pub graph: &'a LinkGraph,
    pub file_exists: &'a (dyn Fn(&str) -> bool + Sync),
    /// Index of the retro whose text this is.
    pub from: usize,
    /// `""` on pages at the site root, `"../"` one level down.
    pub root: &'static str,
}

/// The site URL of a retro's page, relative to the site root.
pub fn retro_url(id: &str) -> String {
    format!("retros/{id}.html")
}

/// The site path an attachment (a repo file linked from a retro) is copied to.
pub fn attachment_url(repo_path: &str) -> String {
    format!("attachments/{repo_path}")
}

/// Render a retro's Markdown body as sanitized HTML.
pub fn body_html(ctx: &LinkContext) -> String {
    let retro = &ctx.retros[ctx.from];
    let mut anchors = retro.body.headings.iter().map(|h| h.anchor.clone());
    let events = rewrite(Parser::new_ext(retro.markdown(), options()), ctx, Some(&mut anchors));
    let mut html = String::with_capacity(retro.markdown().len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    sanitize(&html)
}

/// Render a front-matter text (summary, impact, factor, event, action
/// title) as inline HTML: links and emphasis, no wrapping paragraph.
pub fn inline_html(text: &str, ctx: &LinkContext) -> String {
    let events = rewrite(Parser::new_ext(text, options()), ctx, None);
    let mut html = String::with_capacity(text.len() + 16);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    // Without `<` there is no raw HTML, and without `[` no link or image:
    // what pulldown-cmark makes of such text is escaped text and emphasis,
    // safe as it is. Most summaries, events and action titles are like
    // that, and sanitizing each was a tenth of a build.
    let html = if text.contains(['<', '[']) { sanitize(&html) } else { html };
    let trimmed = html.trim();
    // A single paragraph loses its <p>; several keep their structure.
    match trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    }
}

fn rewrite<'e>(
    parser: Parser<'e>,
    ctx: &LinkContext,
    mut anchors: Option<&mut dyn Iterator<Item = String>>,
) -> Vec<Event<'e>> {
    let mut out = Vec::new();
    // Inside an unpiped `[[id]]`, the id text is replaced by the title.
    let mut replacing_text = false;
    for event in parser {
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                let id = anchors.as_mut().and_then(|a| a.next()).map(CowStr::from).or(id);
                out.push(Event::Start(Tag::Heading { level, id, classes, attrs }));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let kind =
                    if matches!(link_type, LinkType::WikiLink { .. }) { LinkKind::Wiki } else { LinkKind::Inline };
                let (href, label) = resolve(ctx, kind, &dest_url);
                if let (LinkType::WikiLink { has_pothole: false }, Some(label)) = (link_type, label) {
                    out.push(Event::Start(Tag::Link { link_type, dest_url: href.into(), title, id }));
                    out.push(Event::Text(label.into()));
                    replacing_text = true;
                    continue;
                }
                out.push(Event::Start(Tag::Link { link_type, dest_url: href.into(), title, id }));
            }
            Event::End(TagEnd::Link) => {
                replacing_text = false;
                out.push(Event::End(TagEnd::Link));
            }
            Event::Text(_) | Event::Code(_) if replacing_text => {}
            // Footnote ids get a prefix: a bare `id="1"` could clash with
            // other ids of the page.
            Event::FootnoteReference(label) => out.push(Event::FootnoteReference(format!("fn-{label}").into())),
            Event::Start(Tag::FootnoteDefinition(label)) => {
                out.push(Event::Start(Tag::FootnoteDefinition(format!("fn-{label}").into())))
            }
            // Wide tables scroll inside their box instead of the page.
            Event::Start(Tag::Table(alignment)) => {
                out.push(Event::Html("<div class=\"table-scroll\">".into()));
                out.push(Event::Start(Tag::Table(alignment)));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                out.push(Event::Html("</div>".into()));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let href = if is_safe_url(&dest_url, true) {
                    resolve(ctx, LinkKind::Image, &dest_url).0
                } else {
                    String::new()
                };
                out.push(Event::Start(Tag::Image { link_type, dest_url: href.into(), title, id }));
            }
            other => out.push(other),
        }
    }
    out
}

/// The href for a link as written, and for `[[id]]` the target's title.
fn resolve(ctx: &LinkContext, kind: LinkKind, dest: &str) -> (String, Option<String>) {
    if !is_safe_url(dest, kind == LinkKind::Image) {
        return ("#unsafe-url-removed".into(), None);
    }
    match ctx.graph.resolve(ctx.retros, ctx.from, kind, dest, ctx.file_exists) {
        Ok(Target::Retro { index, anchor }) => {
            let retro = &ctx.retros[index];
            let fragment = anchor.map(|a| format!("#{a}")).unwrap_or_default();
            let href = if index == ctx.from && !fragment.is_empty() {
                fragment
            } else {
                format!("{}{}{fragment}", ctx.root, retro_url(&retro.id.value))
            };
            (href, Some(retro.title_text().to_string()))
        }
        Ok(Target::File { path, anchor }) => {
            let fragment = anchor.map(|a| format!("#{a}")).unwrap_or_default();
            (format!("{}{}{fragment}", ctx.root, attachment_url(&path)), None)
        }
        // External URLs stay as written; broken links too (with
        // --allow-errors), so the reader sees what the author meant.
        Ok(Target::External) | Err(_) => (dest.to_string(), None),
    }
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags(["input", "details", "summary", "figure", "figcaption", "mark", "kbd", "sup", "sub"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("div", ["class", "id"])
        .add_tag_attributes("sup", ["class", "id"])
        .add_tag_attributes("li", ["id"])
        .add_tag_attributes("a", ["id", "class"])
        .filter_style_properties(["text-align"].into())
        .url_schemes(["http", "https", "mailto", "data"].into())
        .link_rel(Some("noopener noreferrer"))
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("code", "class") => value
                .split_whitespace()
                .all(|c| {
                    c.starts_with("language-")
                        && c[9..].chars().all(|ch| ch.is_ascii_alphanumeric() || "+#-_.".contains(ch))
                })
                .then(|| value.into()),
            ("input", "type") => (value == "checkbox").then(|| value.into()),
            ("div" | "a" | "sup", "class") => {
                value.split_whitespace().all(|c| c.starts_with("footnote") || c == "table-scroll").then(|| value.into())
            }
            // A URL with control characters is never a real link; browsers
            // read some of them away, so the scheme check might not see
            // what the browser sees.
            (_, "href" | "src") if value.chars().any(char::is_control) => None,
            // data: only for raster images, never for links or SVG.
            (_, "href" | "src") if value.trim_start().to_ascii_lowercase().starts_with("data:") => {
                let v = value.trim_start().to_ascii_lowercase();
                let raster = ["data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp"];
                (element == "img" && raster.iter().any(|p| v.starts_with(p))).then(|| value.into())
            }
            _ => Some(value.into()),
        });
    b.add_tag_attributes("h1", ["id"])
        .add_tag_attributes("h2", ["id"])
        .add_tag_attributes("h3", ["id"])
        .add_tag_attributes("h4", ["id"])
        .add_tag_attributes("h5", ["id"])
        .add_tag_attributes("h6", ["id"]);
    b
});

/// Sanitize HTML from Markdown: scripts, event handlers, unsafe URLs and
/// unknown tags go; heading ids, task-list boxes and code classes stay.
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_text_without_markup_is_safe_without_the_sanitizer() {
        let retros: Vec<crate::model::Retro> = Vec::new();
        let graph = crate::link::LinkGraph::build(&retros);
        let exists = |_: &str| false;
        let ctx = LinkContext { retros: &retros, graph: &graph, file_exists: &exists, from: 0, root: "" };
        let html = inline_html("**Bold** & \"quoted\" `code` > x", &ctx);
        assert_eq!(html, "<strong>Bold</strong> &amp; \"quoted\" <code>code</code> &gt; x");
        let html = inline_html("<img src=x onerror=alert(1)> [a](javascript:alert(1))", &ctx);
        assert!(!html.contains("onerror") && !html.contains("javascript:"), "{html}");
    }

    #[test]
    fn sanitizer_keeps_structure_and_drops_scripts() {
        let html = r#"<h2 id="what-happened">x</h2><script>alert(1)</script><img src=x onerror=alert(1)>
<a href="javascript:alert(1)">j</a><code class="language-rust">c</code><code class="evil">e</code>
<input type="checkbox" checked disabled><table><tr><th style="text-align: right; position: fixed">t</th></tr></table>
<svg><script>alert(1)</script></svg><a href="data:text/html,x">d</a><img src="data:image/png;base64,AA">"#;
        let clean = sanitize(html);
        assert!(clean.contains(r#"<h2 id="what-happened">"#), "{clean}");
        assert!(!clean.contains("<script") && !clean.contains("onerror") && !clean.contains("javascript:"), "{clean}");
        assert!(clean.contains(r#"class="language-rust""#) && !clean.contains("evil"), "{clean}");
        assert!(clean.contains(r#"type="checkbox""#), "{clean}");
        assert!(clean.contains("text-align:right") || clean.contains("text-align: right"), "{clean}");
        assert!(!clean.contains("position"), "{clean}");
        assert!(!clean.contains("data:text/html"), "{clean}");
        assert!(clean.contains("data:image/png"), "{clean}");
        // Found by fuzzing: control characters hide a scheme from the check.
        let clean = sanitize("<a href=\"jav\u{1}\u{13}ascript:alert(1)\">x</a><a href=\"java\tscript:alert(2)\">y</a>");
        assert!(!clean.contains("href"), "{clean}");
    }
}
