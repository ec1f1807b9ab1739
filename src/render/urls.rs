//! Where the site's pages and files are: every URL the site makes for a
//! retro, a list page, an owner, a term or an attachment, as a path
//! relative to the site root, and the relative way back to that root.
//! A leaf of `render`: the page plan, the views, the feeds and the pages
//! all build their links here, so none needs another for a URL.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// The site URL of a retro's page, relative to the site root.
pub(crate) fn retro_url(id: &str) -> String {
    format!("retros/{id}.html")
}

/// The site path an attachment (a repo file linked from a retro) is copied to.
pub(crate) fn attachment_url(repo_path: &str) -> String {
    format!("attachments/{repo_path}")
}

/// `stem.html` for the first page of a list, `stem/N.html` after it.
pub(crate) fn paged(stem: &str, number: u32) -> String {
    if number <= 1 { format!("{stem}.html") } else { format!("{stem}/{number}.html") }
}

/// The URL of an owner's page `number` (1-based).
pub(crate) fn owner_url(owner: &str, number: u32) -> String {
    let slug = slug_for_url(owner);
    if number <= 1 { format!("owners/{slug}.html") } else { format!("owners/{slug}/{number}.html") }
}

/// The URL of page `number` of the items closed in `year`.
pub(crate) fn archive_url(year: i32, number: u32) -> String {
    paged(&format!("actions/closed-{year}"), number)
}

/// A name (owner, term, team) as a URL's file name: its slug, or
/// `unnamed` for a name with no letters or digits.
pub(crate) fn slug_for_url(name: &str) -> String {
    let slug = crate::text::slugify(name);
    if slug.is_empty() { "unnamed".into() } else { slug }
}

/// The relative path from a page at `path` (in the site) to the site root.
pub(crate) fn root_for(path: &str) -> &'static str {
    ["", "../", "../../", "../../../"][path.matches('/').count().min(3)]
}

/// What a query string's value leaves as it is: ASCII letters, digits, `-`,
/// `_` and `.`; every other byte is written `%XX` (upper-case hex).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

/// `value` made safe for a URL's query string.
pub(crate) fn query_value(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_keep_only_the_unreserved_characters_but_tilde() {
        assert_eq!(query_value("db-1_x.y"), "db-1_x.y");
        assert_eq!(query_value("a b/c?d=e&f~"), "a%20b%2Fc%3Fd%3De%26f%7E");
        assert_eq!(query_value("Zürich"), "Z%C3%BCrich");
        // The same bytes as the hand-written encoder it replaced.
        let by_hand = |value: &str| -> String {
            let keep = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
            value.bytes().map(|b| if keep(b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
        };
        let every: String = (0..=0x2FF_u32).filter_map(char::from_u32).chain(['€', '😀']).collect();
        assert_eq!(query_value(&every), by_hand(&every));
    }

    #[test]
    fn list_pages_continue_under_their_stem() {
        assert_eq!(paged("actions", 1), "actions.html");
        assert_eq!(paged("actions", 3), "actions/3.html");
        assert_eq!(owner_url("Bob Smith", 2), "owners/bob-smith/2.html");
        assert_eq!(slug_for_url("???"), "unnamed");
        assert_eq!(root_for("owners/bob/2.html"), "../../");
    }
}
