//! Markdown to safe HTML: heading anchors as the loader computed them, links
//! to other retros and attachments rewritten to the rendered site, and the
//! result sanitized (raw HTML in a retro is written by many hands).

use super::urls::{attachment_url, retro_url};
use crate::link::{LinkGraph, Target, is_safe_url};
use crate::load::markdown::options;
use crate::model::{LinkKind, Retro};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Parser, Tag, TagEnd};
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

/// Render a retro's Markdown body as safe HTML.
///
/// Raw HTML in the Markdown goes through the sanitizer. Without any, the
/// sanitizer is skipped: every tag and attribute is then written by
/// pulldown-cmark, which escapes text and attribute values, from events
/// `rewrite` has already made safe (URLs checked, heading attributes and
/// odd code-block classes dropped, `rel` on links). The sanitizer was half
/// the cost of a retro page, and most retros have no raw HTML.
pub fn body_html(ctx: &LinkContext) -> String {
    let retro = &ctx.retros[ctx.from];
    let mut anchors = retro.body.headings.iter().map(|h| h.anchor.clone());
    let rewritten = rewrite(Parser::new_ext(retro.markdown(), options()), ctx, Some(&mut anchors));
    let mut html = String::with_capacity(retro.markdown().len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, rewritten.events.into_iter());
    if rewritten.raw_html { sanitize(&html) } else { html }
}

/// Render a front-matter text (summary, impact, factor, event, action
/// title) as inline HTML: links and emphasis, no wrapping paragraph.
pub fn inline_html(text: &str, ctx: &LinkContext) -> String {
    if is_plain_text(text) {
        return text.to_string();
    }
    parsed_inline_html(text, ctx)
}

fn parsed_inline_html(text: &str, ctx: &LinkContext) -> String {
    let rewritten = rewrite(Parser::new_ext(text, options()), ctx, None);
    let mut html = String::with_capacity(text.len() + 16);
    pulldown_cmark::html::push_html(&mut html, rewritten.events.into_iter());
    // Safe without the sanitizer when there is no raw HTML (see body_html).
    let html = if rewritten.raw_html { sanitize(&html) } else { html };
    let trimmed = html.trim();
    // A single paragraph loses its <p>; several keep their structure.
    match trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    }
}

/// Whether `text` has nothing Markdown would read as markup, so its
/// inline HTML is the text itself: one line, no emphasis, code, escape,
/// entity, HTML, link or table character, no list or heading marker at the
/// start and no space at either end (which Markdown would trim). Most
/// action titles and timeline events are such text, and rendering them
/// through the parser three times each (retro page, action list, owner
/// page) was a large share of a big build.
fn is_plain_text(text: &str) -> bool {
    // A table, not a search of the list per byte: this runs over the text
    // of every title, event and summary.
    const SPECIAL: [bool; 256] = {
        let mut table = [false; 256];
        let bytes = b"\\`*_&<>[]~!|\n\r\0";
        let mut i = 0;
        while i < bytes.len() {
            table[bytes[i] as usize] = true;
            i += 1;
        }
        table
    };
    let Some(&first) = text.as_bytes().first() else { return false };
    let special = |b: &u8| SPECIAL[*b as usize];
    let markup = first.is_ascii_digit()
        || b"#-+=".contains(&first)
        || text.starts_with(char::is_whitespace)
        || text.ends_with(char::is_whitespace)
        || text.as_bytes().iter().any(special);
    !markup
}

/// Markdown events ready to write, and whether the Markdown held raw HTML
/// (which then needs the sanitizer).
struct Rewritten<'e> {
    events: Vec<Event<'e>>,
    raw_html: bool,
}

fn rewrite<'e>(
    parser: Parser<'e>,
    ctx: &LinkContext,
    mut anchors: Option<&mut dyn Iterator<Item = String>>,
) -> Rewritten<'e> {
    let mut out = Vec::new();
    let mut raw_html = false;
    // Inside an unpiped `[[id]]`, the id text is replaced by the title.
    let mut replacing_text = false;
    // Links written as HTML (to carry `rel`) whose end is still to come;
    // inside an image's alt text a link is left as it is, since only its
    // text is written there.
    let mut links: Vec<Closer> = Vec::new();
    let mut in_image = 0usize;
    // Per open image, whether it is written (an unsafe one leaves its alt
    // text as plain text: an `<img>` needs a `src`).
    let mut images: Vec<bool> = Vec::new();
    for event in parser {
        match event {
            Event::Html(html) => {
                raw_html = true;
                out.push(Event::Html(rewrite_html_urls(html, ctx)));
            }
            Event::InlineHtml(html) => {
                raw_html = true;
                out.push(Event::InlineHtml(rewrite_html_urls(html, ctx)));
            }
            // Only an id (the loader's anchor): classes and attributes
            // written in `{...}` could carry event handlers.
            Event::Start(Tag::Heading { level, id, .. }) => {
                let id = anchors.as_mut().and_then(|a| a.next()).map(CowStr::from).or(id);
                out.push(Event::Start(Tag::Heading { level, id, classes: Vec::new(), attrs: Vec::new() }));
            }
            // A code block scrolls sideways when its lines are long, so it
            // takes keyboard focus (axe: scrollable-region-focusable).
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match &kind {
                    CodeBlockKind::Fenced(info) => info.split(' ').next().unwrap_or(""),
                    CodeBlockKind::Indented => "",
                };
                let plain = lang.chars().all(|c| c.is_ascii_alphanumeric() || "+#-_.".contains(c));
                // The language is a plain word (checked above), safe in an attribute.
                out.push(Event::Html(match lang {
                    "" => "<pre tabindex=\"0\"><code>".into(),
                    _ if !plain => "<pre tabindex=\"0\"><code>".into(),
                    lang => format!("<pre tabindex=\"0\"><code class=\"language-{lang}\">").into(),
                }));
            }
            Event::End(TagEnd::CodeBlock) => out.push(Event::Html("</code></pre>\n".into())),
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let kind =
                    if matches!(link_type, LinkType::WikiLink { .. }) { LinkKind::Wiki } else { LinkKind::Inline };
                let dest =
                    if link_type == LinkType::Email { format!("mailto:{dest_url}") } else { dest_url.to_string() };
                let (href, label) = resolve(ctx, kind, &dest).unzip();
                let label = label.flatten();
                if in_image > 0 {
                    links.push(Closer::Tag);
                    out.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url: href.unwrap_or_default().into(),
                        title,
                        id,
                    }));
                } else if let Some(href) = href {
                    links.push(Closer::Anchor);
                    out.push(Event::InlineHtml(link_start(&href, &title).into()));
                } else {
                    // A refused URL: the text stays, without a link.
                    links.push(Closer::Span);
                    out.push(Event::InlineHtml(REFUSED_LINK.into()));
                }
                if let (LinkType::WikiLink { has_pothole: false }, Some(label)) = (link_type, label) {
                    out.push(Event::Text(label.into()));
                    replacing_text = true;
                }
            }
            Event::End(TagEnd::Link) => {
                replacing_text = false;
                match links.pop().unwrap_or(Closer::Tag) {
                    Closer::Anchor => out.push(Event::InlineHtml("</a>".into())),
                    Closer::Span => out.push(Event::InlineHtml("</span>".into())),
                    Closer::Tag => out.push(Event::End(TagEnd::Link)),
                }
            }
            Event::Text(_) | Event::Code(_) if replacing_text => {}
            // Footnote ids get a prefix: a bare `id="1"` could clash with
            // other ids of the page.
            Event::FootnoteReference(label) => out.push(Event::FootnoteReference(footnote_id(&label).into())),
            Event::Start(Tag::FootnoteDefinition(label)) => {
                out.push(Event::Start(Tag::FootnoteDefinition(footnote_id(&label).into())))
            }
            // Wide tables scroll inside their box instead of the page.
            Event::Start(Tag::Table(alignment)) => {
                // Focusable, as it may scroll sideways (axe: scrollable-region-focusable).
                out.push(Event::Html("<div class=\"table-scroll\" tabindex=\"0\">".into()));
                out.push(Event::Start(Tag::Table(alignment)));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                out.push(Event::Html("</div>".into()));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let href = if is_safe_image(&dest_url) { resolve(ctx, LinkKind::Image, &dest_url) } else { None };
                images.push(href.is_some());
                if let Some((href, _)) = href {
                    in_image += 1;
                    out.push(Event::Start(Tag::Image { link_type, dest_url: href.into(), title, id }));
                }
            }
            Event::End(TagEnd::Image) => {
                if images.pop().unwrap_or(false) {
                    in_image = in_image.saturating_sub(1);
                    out.push(Event::End(TagEnd::Image));
                }
            }
            other => out.push(other),
        }
    }
    Rewritten { events: out, raw_html }
}

/// How the end of a link is written: as the `</a>` of the tag written for
/// its start, as pulldown-cmark's own end (inside an image's alt text), or
/// as the end of the `<span>` a refused link became.
#[derive(Clone, Copy)]
enum Closer {
    Anchor,
    Tag,
    Span,
}

/// What a link with a refused (unsafe) URL becomes: its text, marked.
const REFUSED_LINK: &str = "<span class=\"unsafe-link\" title=\"link removed: unsafe URL\">";

/// A footnote's id: `fn-` and the label, with anything but ASCII letters,
/// digits and `-` written as `_` and its code point, so the id is unique
/// per label and the `#` link to it a valid URL (a label can hold quotes).
fn footnote_id(label: &str) -> String {
    let mut id = String::from("fn-");
    for c in label.chars() {
        if c.is_ascii_alphanumeric() || c == '-' {
            id.push(c);
        } else {
            id.push_str(&format!("_{:x}_", c as u32));
        }
    }
    id
}

/// Raw HTML with its `<a href>` and `<img src>` resolved like the Markdown
/// links they stand for (the loader found the same URLs for `check`). The
/// sanitizer still runs over the result.
fn rewrite_html_urls<'e>(html: CowStr<'e>, ctx: &LinkContext) -> CowStr<'e> {
    let urls = crate::load::markdown::html_urls(&html);
    let mut out = String::new();
    let mut copied = 0;
    for (at, url, kind) in urls {
        if kind == LinkKind::RawHtml {
            continue;
        }
        // An unsafe URL is left for the sanitizer to remove.
        let resolved = if kind == LinkKind::Image && !is_safe_image(&url) { None } else { resolve(ctx, kind, &url) };
        let Some((href, _)) = resolved.filter(|(href, _)| *href != url) else { continue };
        out.push_str(&html[copied..at]);
        pulldown_cmark_escape::escape_href(&mut out, &href).expect("writing to a String");
        copied = at + url.len();
    }
    if copied == 0 {
        return html;
    }
    out.push_str(&html[copied..]);
    out.into()
}

/// An `<a>` start tag as pulldown-cmark writes one, plus `rel`: links in
/// retros point anywhere, and the page that opens should not get a handle
/// on this one.
fn link_start(href: &str, title: &str) -> String {
    let mut tag = String::with_capacity(href.len() + title.len() + 48);
    tag.push_str("<a href=\"");
    pulldown_cmark_escape::escape_href(&mut tag, href).expect("writing to a String");
    if !title.is_empty() {
        tag.push_str("\" title=\"");
        pulldown_cmark_escape::escape_html(&mut tag, title).expect("writing to a String");
    }
    tag.push_str("\" rel=\"noopener noreferrer\">");
    tag
}

/// The `data:` URLs an image may have: raster images only, never SVG.
const RASTER_DATA: [&str; 4] = ["data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp"];

/// An image source the page may load: a URL `is_safe_url` allows, without
/// control characters, and `data:` only for raster images (never SVG, which
/// can hold script).
fn is_safe_image(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    is_safe_url(url, true)
        && !url.chars().any(char::is_control)
        && (!lower.starts_with("data:") || RASTER_DATA.iter().any(|p| lower.starts_with(p)))
}

/// The href for a link as written, and for `[[id]]` the target's title;
/// `None` for a URL that may not reach the page.
fn resolve(ctx: &LinkContext, kind: LinkKind, dest: &str) -> Option<(String, Option<String>)> {
    // Browsers read some control characters away, so the scheme check
    // might not see what the browser sees: such a URL is never a real link.
    if !is_safe_url(dest, kind == LinkKind::Image) || dest.chars().any(char::is_control) {
        return None;
    }
    Some(match ctx.graph.resolve(ctx.retros, ctx.from, kind, dest, ctx.file_exists) {
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
    })
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags(["input", "details", "summary", "figure", "figcaption", "mark", "kbd", "sup", "sub"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("pre", ["tabindex"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("div", ["class", "id", "tabindex"])
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
            ("pre" | "div", "tabindex") => (value == "0").then(|| value.into()),
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
                (element == "img" && RASTER_DATA.iter().any(|p| v.starts_with(p))).then(|| value.into())
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
    valid_after_sanitizing(&SANITIZER.clean(html).to_string())
}

/// Two things the sanitizer leaves that are not valid HTML: an `<a>` whose
/// unsafe `href` it removed (still with its `rel`) becomes the `<span>` of a
/// refused link, and an `<img>` without `alt` gets an empty one (an
/// unlabelled image: decorative). The sanitizer's output is well-formed and
/// escapes `>` in attribute values, so its tags can be found by `<` and `>`.
fn valid_after_sanitizing(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut refused_open = false;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let tag = &rest[..end];
        let name = tag[1..].split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or("");
        match name {
            "a" if !tag.contains(" href=") => {
                out.push_str(REFUSED_LINK);
                refused_open = true;
            }
            "/a" if refused_open => {
                out.push_str("</span>");
                refused_open = false;
            }
            "img" if !tag.contains(" alt=") => {
                out.push_str(&tag[..tag.len() - 1]);
                out.push_str(" alt=\"\">");
            }
            _ => out.push_str(tag),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `f` with the link context of a page at the site root, no retros.
    fn with_context<T>(f: impl FnOnce(&LinkContext) -> T) -> T {
        let retros: Vec<crate::model::Retro> = Vec::new();
        let graph = crate::link::LinkGraph::build(&retros);
        let exists = |_: &str| false;
        f(&LinkContext { retros: &retros, graph: &graph, file_exists: &exists, from: 0, root: "" })
    }

    fn inline(text: &str) -> String {
        with_context(|ctx| inline_html(text, ctx))
    }

    #[test]
    fn inline_text_without_markup_is_safe_without_the_sanitizer() {
        let html = inline("**Bold** & \"quoted\" `code` > x");
        assert_eq!(html, "<strong>Bold</strong> &amp; \"quoted\" <code>code</code> &gt; x");
        let html = inline("<img src=x onerror=alert(1)> [a](javascript:alert(1))");
        assert!(!html.contains("onerror") && !html.contains("javascript:"), "{html}");
    }

    #[test]
    fn without_raw_html_the_events_themselves_are_made_safe() {
        let cases = [
            ("# Title {#x onclick=alert(1) .evil}", "onclick"),
            ("# Title {.evil}", "evil"),
            ("```js\" onmouseover=\"alert(1)\nx\n```", "onmouseover"),
            ("[x](java\tscript:alert(1))", "href=\"java"),
            ("[x](java&#9;script:alert(1))", "href=\"java"),
            ("<javascript:alert(1)>", "href=\"javascript"),
            ("![x](data:image/svg+xml;base64,PHN2Zz4=)", "data:"),
            ("![x](data:image/bmp;base64,AA)", "data:"),
        ];
        for (markdown, unwanted) in cases {
            let html = inline(markdown);
            assert!(!html.contains(unwanted), "{markdown:?} gave {html}");
        }
        let link = inline("[x](https://example.com \"a \\\"title\\\"\")");
        assert_eq!(
            link,
            r#"<a href="https://example.com" title="a &quot;title&quot;" rel="noopener noreferrer">x</a>"#
        );
        let mail = inline("<ops@example.com>");
        assert_eq!(mail, r#"<a href="mailto:ops@example.com" rel="noopener noreferrer">ops@example.com</a>"#);
        let image = inline("![chart](data:image/png;base64,AA)");
        assert!(image.contains(r#"src="data:image/png;base64,AA""#), "{image}");
    }

    #[test]
    fn refused_urls_leave_valid_html() {
        // A refused link keeps its text in a span, with or without raw HTML
        // around it; a refused image leaves its alt text.
        for markdown in ["[text](javascript:alert(1))", "<b>x</b> [text](javascript:alert(1))"] {
            let html = inline(markdown);
            assert!(html.contains(">text</span>") && !html.contains("<a"), "{markdown}: {html}");
        }
        let html = inline("![alt text](javascript:alert(1)) ![b](data:image/svg+xml,x)");
        assert_eq!(html, "alt text b");
        let html =
            sanitize("<a href=\"javascript:alert(1)\">j</a> <a href=\"https://x.example\">k</a> <img src=\"p.png\">");
        assert!(html.contains("title=\"link removed: unsafe URL\">j</span>"), "{html}");
        assert!(html.contains("<a href=\"https://x.example\" rel=\"noopener noreferrer\">k</a>"), "{html}");
        assert!(html.contains("<img src=\"p.png\" alt=\"\">"), "{html}");
        assert_eq!(footnote_id("x\"><b>"), "fn-x_22__3e__3c_b_3e_");
    }

    proptest::proptest! {
        // Cheap cases, and the markup they must find is rare: many of them.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(8192))]

        // Plain text is used as it is only where the parser would give
        // exactly that text: tried on text full of markup characters, on
        // text with few, where most of it is plain, and on text starting
        // like a list, heading or quote.
        #[test]
        fn plain_text_is_what_the_parser_makes_of_it(
            text in "[a-zA-Z0-9 \t\n#*_`&<>\\[\\]~!|:.,;'\"()=+\u{a0}é-]{0,24}|[a-z0-9 .,:;'\"()=+/?\u{a0}\u{2003}é#-]{1,30}|[0-9#>*+=|-]{1,3}[.) \t]{0,2}[a-z0-9 .]{0,12}"
        ) {
            if is_plain_text(&text) {
                proptest::prop_assert_eq!(with_context(|ctx| parsed_inline_html(&text, ctx)), text);
            }
        }
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
