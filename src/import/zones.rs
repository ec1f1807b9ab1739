//! Time zones as postmortems name them: "All times in CET", a column
//! "Time (PST)", "Europe/Berlin".
//!
//! A small table instead of the `chrono-tz` crate: an abbreviation (CET,
//! PDT) is a fixed offset by definition, and the few region names teams
//! write follow one of two daylight-saving rules (the EU's and the US's),
//! written out below. That covers the documents this reads without
//! compiling the whole tz database into the binary; an unknown name is
//! reported, and its times are kept as dates rather than guessed.

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday};

/// A zone a document states: a fixed offset, or a region with summer time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Zone {
    Fixed(i32),
    /// Standard offset in hours; summer time is one hour more.
    Eu(i32),
    Us(i32),
}

const HOUR: i32 = 3600;

/// Abbreviations with their offsets in hours (fixed: CEST is always +2).
const FIXED: &[(&str, f32)] = &[
    ("UTC", 0.0),
    ("GMT", 0.0),
    ("Z", 0.0),
    ("WET", 0.0),
    ("BST", 1.0),
    ("WEST", 1.0),
    ("CET", 1.0),
    ("CEST", 2.0),
    ("MET", 1.0),
    ("MEST", 2.0),
    ("EET", 2.0),
    ("EEST", 3.0),
    ("MSK", 3.0),
    ("IST", 5.5),
    ("SGT", 8.0),
    ("HKT", 8.0),
    ("JST", 9.0),
    ("KST", 9.0),
    ("AEST", 10.0),
    ("AEDT", 11.0),
    ("NZST", 12.0),
    ("NZDT", 13.0),
    ("EST", -5.0),
    ("EDT", -4.0),
    ("CST", -6.0),
    ("CDT", -5.0),
    ("MST", -7.0),
    ("MDT", -6.0),
    ("PST", -8.0),
    ("PDT", -7.0),
    ("AKST", -9.0),
    ("AKDT", -8.0),
    ("HST", -10.0),
];

/// Region names (and the generic "ET"/"PT") with their rule.
const REGIONS: &[(&str, Zone)] = &[
    ("europe/london", Zone::Eu(0)),
    ("europe/dublin", Zone::Eu(0)),
    ("europe/lisbon", Zone::Eu(0)),
    ("europe/berlin", Zone::Eu(1)),
    ("europe/paris", Zone::Eu(1)),
    ("europe/amsterdam", Zone::Eu(1)),
    ("europe/madrid", Zone::Eu(1)),
    ("europe/rome", Zone::Eu(1)),
    ("europe/stockholm", Zone::Eu(1)),
    ("europe/vienna", Zone::Eu(1)),
    ("europe/zurich", Zone::Eu(1)),
    ("europe/warsaw", Zone::Eu(1)),
    ("europe/helsinki", Zone::Eu(2)),
    ("europe/athens", Zone::Eu(2)),
    ("america/new_york", Zone::Us(-5)),
    ("america/chicago", Zone::Us(-6)),
    ("america/denver", Zone::Us(-7)),
    ("america/los_angeles", Zone::Us(-8)),
    ("et", Zone::Us(-5)),
    ("ct", Zone::Us(-6)),
    ("mt", Zone::Us(-7)),
    ("pt", Zone::Us(-8)),
    ("asia/tokyo", Zone::Fixed(9 * HOUR)),
    ("asia/kolkata", Zone::Fixed(11 * HOUR / 2)),
    ("asia/singapore", Zone::Fixed(8 * HOUR)),
    ("etc/utc", Zone::Fixed(0)),
];

impl std::fmt::Display for Zone {
    /// `UTC+01:00`; a region as its rule: `UTC+01:00 (EU summer time)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (secs, rule) = match *self {
            Zone::Fixed(s) => (s, ""),
            Zone::Eu(h) => (h * HOUR, " (EU summer time)"),
            Zone::Us(h) => (h * HOUR, " (US daylight time)"),
        };
        let sign = if secs < 0 { '-' } else { '+' };
        write!(f, "UTC{sign}{:02}:{:02}{rule}", secs.abs() / HOUR, secs.abs() % HOUR / 60)
    }
}

/// The zone a word names: `CET`, `UTC+2`, `+02:00`, `Europe/Berlin`.
pub(crate) fn parse(word: &str) -> Option<Zone> {
    let word = word.trim().trim_matches(|c: char| matches!(c, '(' | ')' | '.' | ',' | ':' | '*'));
    if let Some(&(_, hours)) = FIXED.iter().find(|(name, _)| name.eq_ignore_ascii_case(word)) {
        return Some(Zone::Fixed((hours * HOUR as f32) as i32));
    }
    if let Some(&(_, zone)) = REGIONS.iter().find(|(name, _)| name.eq_ignore_ascii_case(word)) {
        return Some(zone);
    }
    let offset = ["UTC", "GMT"]
        .iter()
        .find_map(|p| word.get(..3).filter(|h| h.eq_ignore_ascii_case(p)).map(|_| &word[3..]))
        .unwrap_or(word);
    parse_offset(offset).map(Zone::Fixed)
}

/// `+2`, `-05`, `+05:30`, `+0530` in seconds.
fn parse_offset(text: &str) -> Option<i32> {
    let sign = match text.chars().next()? {
        '+' => 1,
        '-' | '−' => -1,
        _ => return None,
    };
    let digits: String = text.chars().skip(1).filter(|c| *c != ':').collect();
    if digits.is_empty() || digits.len() > 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (h, m) = if digits.len() <= 2 { (digits.as_str(), "0") } else { digits.split_at(digits.len() - 2) };
    let secs = h.parse::<i32>().ok()? * HOUR + m.parse::<i32>().ok()? * 60;
    (secs <= 14 * HOUR).then_some(sign * secs)
}

impl Zone {
    /// The offset in force at a local time in this zone.
    pub(crate) fn offset_at(self, local: NaiveDateTime) -> FixedOffset {
        let secs = match self {
            Zone::Fixed(s) => s,
            Zone::Eu(h) => h * HOUR + if eu_summer(local, h) { HOUR } else { 0 },
            Zone::Us(h) => h * HOUR + if us_summer(local) { HOUR } else { 0 },
        };
        FixedOffset::east_opt(secs).unwrap_or(FixedOffset::east_opt(0).expect("zero offset"))
    }

    /// `local` read in this zone.
    pub(crate) fn localize(self, local: NaiveDateTime) -> chrono::DateTime<FixedOffset> {
        let offset = self.offset_at(local);
        offset.from_local_datetime(&local).single().expect("a fixed offset maps every local time once")
    }
}

/// The last `weekday` of a month.
fn last_weekday(year: i32, month: u32, weekday: Weekday) -> NaiveDate {
    let next = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    let mut day = NaiveDate::from_ymd_opt(next.0, next.1, 1).expect("valid month").pred_opt().expect("a day before");
    while day.weekday() != weekday {
        day = day.pred_opt().expect("a day before");
    }
    day
}

/// The `n`th Sunday of a month.
fn nth_sunday(year: i32, month: u32, n: u32) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Sun, n as u8).expect("every month has 4 Sundays")
}

/// EU summer time: from 01:00 UTC on the last Sunday of March to 01:00 UTC
/// on the last Sunday of October.
fn eu_summer(local: NaiveDateTime, standard_hours: i32) -> bool {
    let utc = local - chrono::Duration::hours(standard_hours.into());
    let one = NaiveTime::from_hms_opt(1, 0, 0).expect("01:00");
    let start = last_weekday(local.year(), 3, Weekday::Sun).and_time(one);
    let end = last_weekday(local.year(), 10, Weekday::Sun).and_time(one);
    utc >= start && utc < end
}

/// US daylight time: from 02:00 local on the second Sunday of March to
/// 02:00 local on the first Sunday of November.
fn us_summer(local: NaiveDateTime) -> bool {
    let two = NaiveTime::from_hms_opt(2, 0, 0).expect("02:00");
    let start = nth_sunday(local.year(), 3, 2).and_time(two);
    let end = nth_sunday(local.year(), 11, 1).and_time(two);
    local >= start && local < end
}

/// The zone a sentence states: "All times in CET", "times are UTC",
/// "Date and Time in Europe/Berlin", "Time (PST)".
pub(crate) fn stated(text: &str) -> Option<Zone> {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("time") {
        return None;
    }
    let words: Vec<&str> =
        text.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | '[' | ']')).collect();
    words.iter().filter(|w| !w.is_empty()).find_map(|w| {
        // A bare offset or a single letter is a zone only after "in" or in brackets;
        // words such as "ET" only in capitals.
        let upper = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '_' && c != '+' && c != '-');
        let is_word_zone = upper.len() >= 2 && (upper.contains('/') || upper.chars().all(|c| c.is_ascii_uppercase()));
        let is_offset = upper.starts_with("UTC") || upper.starts_with("GMT") || upper.starts_with('+');
        if is_word_zone || is_offset { parse(upper) } else { None }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn abbreviations_and_offsets() {
        assert_eq!(parse("CET"), Some(Zone::Fixed(3600)));
        assert_eq!(parse("pdt"), Some(Zone::Fixed(-7 * 3600)));
        assert_eq!(parse("UTC+05:30"), Some(Zone::Fixed(19800)));
        assert_eq!(parse("+02"), Some(Zone::Fixed(7200)));
        assert_eq!(parse("Mars/Olympus"), None);
    }

    #[test]
    fn regions_follow_summer_time() {
        let berlin = parse("Europe/Berlin").unwrap();
        assert_eq!(berlin.offset_at(local("2024-01-10 12:00")).local_minus_utc(), 3600);
        assert_eq!(berlin.offset_at(local("2024-07-10 12:00")).local_minus_utc(), 7200);
        // 2024: EU summer time began on 31 March at 01:00 UTC (03:00 in Berlin).
        assert_eq!(berlin.offset_at(local("2024-03-31 01:30")).local_minus_utc(), 3600);
        assert_eq!(berlin.offset_at(local("2024-03-31 03:30")).local_minus_utc(), 7200);
        let la = parse("America/Los_Angeles").unwrap();
        assert_eq!(la.offset_at(local("2024-03-09 12:00")).local_minus_utc(), -8 * 3600);
        assert_eq!(la.offset_at(local("2024-03-11 12:00")).local_minus_utc(), -7 * 3600);
    }

    #[test]
    fn zones_stated_in_sentences() {
        assert_eq!(stated("All times in CET."), Some(Zone::Fixed(3600)));
        assert_eq!(stated("Date and Time in Europe/Berlin"), Some(Zone::Eu(1)));
        assert_eq!(stated("Time (UTC)"), Some(Zone::Fixed(0)));
        assert_eq!(stated("The deploy at 10:00 broke IT"), None);
        assert_eq!(stated("Timeline"), None);
    }
}
