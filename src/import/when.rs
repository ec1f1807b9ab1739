//! The dates and times postmortems write: `2024-03-12 14:05 CET`,
//! `2024-03-12T13:05Z`, `14:05` under a day already given, `2022-05-??`,
//! `HH:mm` left from the template, `~14:05`.

use super::zones::{self, Zone};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};

/// A moment as precisely as the document gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stamp {
    Time(DateTime<FixedOffset>),
    Date(NaiveDate),
    Month(i32, u32),
    Year(i32),
}

impl Stamp {
    /// As the format writes it; times in UTC.
    pub(crate) fn yaml(self) -> String {
        match self {
            Stamp::Time(t) => t.naive_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            Stamp::Date(d) => d.format("%Y-%m-%d").to_string(),
            Stamp::Month(y, m) => format!("{y:04}-{m:02}"),
            Stamp::Year(y) => format!("{y:04}"),
        }
    }

    /// The day this stamp falls on, for later rows that give a time alone.
    pub(crate) fn day(self) -> Option<NaiveDate> {
        match self {
            Stamp::Time(t) => Some(t.naive_local().date()),
            Stamp::Date(d) => Some(d),
            _ => None,
        }
    }

    /// Whether a clock field can take it (a time or a date).
    pub(crate) fn is_clock(self) -> bool {
        matches!(self, Stamp::Time(_) | Stamp::Date(_))
    }
}

/// What the start of a text says of when.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Read {
    /// `None`: a time without a day to put it on (the row cannot be dated).
    pub stamp: Option<Stamp>,
    /// "~14:05", "about 14:05".
    pub approximate: bool,
    /// Whether a time of day was read (else a date alone, or a placeholder).
    pub has_time: bool,
    /// The text after the time and its separator.
    pub rest: String,
}

/// The context a row is read in: the zone the document states and the
/// day of the rows before.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Context {
    pub zone: Option<Zone>,
    pub day: Option<NaiveDate>,
}

const APPROX: &[&str] = &["~", "about", "approx.", "approximately", "approx", "ca.", "circa", "around"];

/// Read the date and time at the start of `text`; `None` when it starts
/// with neither.
pub(crate) fn read(text: &str, ctx: Context) -> Option<Read> {
    let mut words = text.split_whitespace().peekable();
    let mut approximate = false;
    let mut consumed = 0;
    let mut take = |w: &str| {
        if let Some(i) = text[consumed..].find(w) {
            consumed += i + w.len();
        }
    };
    while let Some(w) = words.peek().copied() {
        let bare = w.trim_start_matches('~');
        if APPROX.contains(&w.to_ascii_lowercase().as_str()) || (w.starts_with('~') && bare.is_empty()) {
            approximate = true;
            take(w);
            words.next();
        } else {
            break;
        }
    }
    let first = words.next()?;
    if first.starts_with('~') {
        approximate = true;
    }
    let First { day, stamp, mut time, mut zone, mut placeholder } = first_word(first)?;
    take(first);
    if day.is_some()
        && time.is_none()
        && stamp.is_none()
        && let Some(w) = words.peek().copied()
    {
        let c = clean(w.trim_start_matches('~'));
        let (t, z) = split_zone(&c);
        if let Some(t) = parse_time(t) {
            approximate |= w.starts_with('~');
            time = Some(t);
            zone = z;
            take(w);
            words.next();
        } else if is_placeholder(&c) {
            placeholder = true;
            take(w);
            words.next();
        }
    }
    // A zone after the time: `14:05 PST`.
    if (time.is_some() || placeholder)
        && zone.is_none()
        && let Some(w) = words.peek().copied()
        && let Some(z) = zone_word(&clean(w))
    {
        zone = Some(z);
        take(w);
    }
    let rest = strip_separator(&text[consumed.min(text.len())..]);
    let stamp = match (stamp, day.or(if time.is_some() || placeholder { ctx.day } else { None }), time) {
        (Some(s), _, _) => Some(s),
        (None, Some(d), Some(t)) => {
            let zone = zone.or(ctx.zone).unwrap_or(Zone::Fixed(0));
            Some(Stamp::Time(zone.localize(d.and_time(t))))
        }
        (None, Some(d), None) => Some(Stamp::Date(d)),
        (None, None, _) => None,
    };
    Some(Read { stamp, approximate, has_time: time.is_some(), rest })
}

/// A word without the punctuation around it: `**14:05**,` → `14:05`.
fn clean(word: &str) -> String {
    let mut w = word;
    loop {
        let next = w
            .trim_matches(|c: char| matches!(c, '*' | '_' | '`' | ',' | ';' | '(' | ')' | '[' | ']' | '|'))
            .trim_end_matches(['.', ':']);
        if next == w {
            return w.to_string();
        }
        w = next;
    }
}

/// What a row's first word says: a day (and a time, `2024-03-12T14:05Z`), a
/// month or a year, a time alone, or a placeholder time.
#[derive(Default)]
struct First {
    day: Option<NaiveDate>,
    stamp: Option<Stamp>,
    time: Option<NaiveTime>,
    zone: Option<Zone>,
    placeholder: bool,
}

fn first_word(word: &str) -> Option<First> {
    let word = clean(word.trim_start_matches('~'));
    let mut first = First::default();
    if let Some((d, t)) = word.split_once('T').filter(|(d, _)| d.len() == 10) {
        first.day = Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?);
        let (t, z) = split_zone(t);
        (first.time, first.zone) = (parse_time(t), z);
    } else if let Some(s) = partial_date(&word) {
        match s {
            Stamp::Date(d) => first.day = Some(d),
            other => first.stamp = Some(other),
        }
    } else if let Some(t) = parse_time(&word) {
        first.time = Some(t);
    } else if is_placeholder(&word) {
        first.placeholder = true;
    } else {
        return None;
    }
    Some(first)
}

/// A word naming a zone: capitals (`PST`), a region (`Europe/Berlin`), an offset.
fn zone_word(word: &str) -> Option<Zone> {
    let looks = word.chars().all(|c| c.is_ascii_uppercase()) || word.contains('/') || word.starts_with('+');
    if looks { zones::parse(word) } else { None }
}

/// `14:05Z` → (`14:05`, UTC); `14:05+01:00` → (`14:05`, +1).
fn split_zone(t: &str) -> (&str, Option<Zone>) {
    if let Some(stripped) = t.strip_suffix(['Z', 'z']) {
        return (stripped, Some(Zone::Fixed(0)));
    }
    if let Some(i) = t.rfind(['+', '-']).filter(|&i| i >= 4) {
        return (&t[..i], zones::parse(&t[i..]));
    }
    (t, None)
}

fn parse_time(t: &str) -> Option<NaiveTime> {
    let t = t.trim();
    let lower = t.to_ascii_lowercase();
    for format in ["%H:%M:%S%.f", "%H:%M:%S", "%H:%M", "%I:%M%p", "%I:%M:%S%p", "%I%p"] {
        if let Ok(time) = NaiveTime::parse_from_str(&lower, format) {
            return Some(time);
        }
    }
    // `14h05`, `1405` are left alone: too easily something else.
    None
}

/// `2024-03-12`, `2024/03/12`, `2022-05-??`, `2022-05`, `2022-??-??`.
fn partial_date(word: &str) -> Option<Stamp> {
    let parts: Vec<&str> = word.split(['-', '/']).collect();
    let unknown = |p: &str| !p.is_empty() && p.chars().all(|c| matches!(c, '?' | 'x' | 'X'));
    let num =
        |p: &str| (!p.is_empty() && p.chars().all(|c| c.is_ascii_digit())).then(|| p.parse::<u32>().ok()).flatten();
    let year = parts.first().filter(|p| p.len() == 4).and_then(|p| num(p))? as i32;
    match parts.as_slice() {
        [_, m, d] if num(m).is_some() && num(d).is_some() => {
            NaiveDate::from_ymd_opt(year, num(m)?, num(d)?).map(Stamp::Date)
        }
        [_, m, d] if num(m).is_some() && unknown(d) => valid_month(year, num(m)?),
        [_, m] if num(m).is_some() && m.len() == 2 => valid_month(year, num(m)?),
        [_, m, d] if unknown(m) && unknown(d) => Some(Stamp::Year(year)),
        [_, m] if unknown(m) => Some(Stamp::Year(year)),
        _ => None,
    }
}

fn valid_month(year: i32, month: u32) -> Option<Stamp> {
    NaiveDate::from_ymd_opt(year, month, 1).map(|_| Stamp::Month(year, month))
}

/// A time the template asked for and nobody filled in: `HH:mm`, `??:??`, `XX:XX`.
fn is_placeholder(word: &str) -> bool {
    let Some((h, m)) = word.split_once(':') else { return false };
    let holder = |s: &str, letters: &[char]| !s.is_empty() && s.chars().all(|c| letters.contains(&c));
    holder(h, &['H', 'h', '?', 'x', 'X']) && holder(m, &['m', 'M', '?', 'x', 'X'])
}

/// The text after a time: `— Deploy started` → `Deploy started`.
fn strip_separator(rest: &str) -> String {
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '*' | '_' | ')'));
    let rest = rest.trim_start_matches(['-', '—', '–', ':', '|', '.', ',']);
    rest.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(zone: &str, day: Option<&str>) -> Context {
        Context { zone: zones::parse(zone), day: day.map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()) }
    }

    fn at(text: &str, c: Context) -> Option<String> {
        read(text, c).and_then(|r| r.stamp).map(Stamp::yaml)
    }

    #[test]
    fn dates_and_times_in_zones() {
        let cet = ctx("CET", None);
        assert_eq!(at("2024-03-12 14:05 — Deploy started", cet).as_deref(), Some("2024-03-12T13:05:00Z"));
        assert_eq!(read("2024-03-12 14:05 — Deploy started", cet).unwrap().rest, "Deploy started");
        assert_eq!(at("**2024-03-12 14:05 PST**: x", cet).as_deref(), Some("2024-03-12T22:05:00Z"));
        assert_eq!(at("2024-03-12T14:05:00+02:00", cet).as_deref(), Some("2024-03-12T12:05:00Z"));
        assert_eq!(at("2024-03-12T14:05Z", cet).as_deref(), Some("2024-03-12T14:05:00Z"));
        assert_eq!(at("14:05 - later", ctx("UTC", Some("2024-03-12"))).as_deref(), Some("2024-03-12T14:05:00Z"));
    }

    #[test]
    fn partial_dates_and_placeholders() {
        let none = Context::default();
        assert_eq!(at("2022-05-?? The cache was resized", none).as_deref(), Some("2022-05"));
        assert_eq!(at("2022-??-??", none).as_deref(), Some("2022"));
        assert_eq!(at("2022-05-12 HH:mm Config changed", none).as_deref(), Some("2022-05-12"));
        let r = read("2022-05-12 HH:mm Config changed", none).unwrap();
        assert!(!r.has_time);
        assert_eq!(r.rest, "Config changed");
        // A time without a day cannot be dated; a sentence is not a time.
        assert_eq!(read("14:05 Alert fired", none).unwrap().stamp, None);
        assert_eq!(read("Later that week the team met", none), None);
        assert!(read("~14:05 Paged", ctx("UTC", Some("2024-01-01"))).unwrap().approximate);
    }
}
