//! Lists split into pages of `[build] page_size` entries, so no page grows
//! with the repo: page 1 at the list's own URL, page N at `stem/N.html`.

use super::urls::root_for;
use serde::Serialize;

/// How many pages a list of `len` entries takes (at least one: an empty
/// list still has its page, saying so).
pub fn page_count(len: usize, size: usize) -> u32 {
    len.div_ceil(size.max(1)).max(1) as u32
}

/// The entries of page `number` (1-based).
pub fn slice<T>(list: &[T], size: usize, number: u32) -> &[T] {
    let size = size.max(1);
    let start = (number.max(1) as usize - 1).saturating_mul(size).min(list.len());
    &list[start..(start + size).min(list.len())]
}

/// The navigation of one page of a list, as templates show it.
#[derive(Debug, Clone, Serialize)]
pub struct Pager {
    pub number: u32,
    pub count: u32,
    pub total: usize,
    /// 1-based positions of the first and last entry on this page.
    pub first: usize,
    pub last: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// Links to nearby pages and the ends; number 0 stands for a gap.
    pub links: Vec<PageLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    pub number: u32,
    pub url: String,
}

impl Pager {
    /// `url(n)` is page n's URL relative to the page being rendered.
    pub fn new(total: usize, size: usize, number: u32, url: impl Fn(u32) -> String) -> Pager {
        let count = page_count(total, size);
        let number = number.clamp(1, count);
        let first = ((number as usize - 1) * size.max(1) + 1).min(total);
        let last = (number as usize * size.max(1)).min(total);
        let mut links = Vec::new();
        let mut previous = 0;
        for n in 1..=count {
            let near = n == 1 || n == count || n.abs_diff(number) <= 2;
            if near {
                if n > previous + 1 {
                    links.push(PageLink { number: 0, url: String::new() });
                }
                links.push(PageLink { number: n, url: url(n) });
                previous = n;
            }
        }
        Pager {
            number,
            count,
            total,
            first,
            last,
            prev: (number > 1).then(|| url(number - 1)),
            next: (number < count).then(|| url(number + 1)),
            links,
        }
    }
}

/// The relative URL from a page at `from` (a path in the site) to `to`.
pub fn relative(from: &str, to: &str) -> String {
    format!("{}{to}", root_for(from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_the_list_once() {
        let list: Vec<usize> = (0..23).collect();
        assert_eq!(page_count(23, 10), 3);
        assert_eq!(page_count(0, 10), 1);
        let joined: Vec<usize> = (1..=3).flat_map(|n| slice(&list, 10, n).to_vec()).collect();
        assert_eq!(joined, list);
        assert!(slice(&list, 10, 4).is_empty());
    }

    #[test]
    fn pager_links_neighbours_and_ends() {
        let p = Pager::new(1000, 10, 50, |n| format!("{n}.html"));
        assert_eq!((p.first, p.last, p.count), (491, 500, 100));
        assert_eq!(p.prev.as_deref(), Some("49.html"));
        assert_eq!(p.next.as_deref(), Some("51.html"));
        let numbers: Vec<u32> = p.links.iter().map(|l| l.number).collect();
        assert_eq!(numbers, [1, 0, 48, 49, 50, 51, 52, 0, 100]);
        let only = Pager::new(3, 10, 1, |n| n.to_string());
        assert!(only.prev.is_none() && only.next.is_none() && only.links.len() == 1);
    }
}
