//! The period a report covers, and the calendar periods (months and
//! quarters, as dates: `uptime` places them in UTC or in an objective's time
//! zone) figures are counted in.

use chrono::{Datelike, NaiveDate};

/// A calendar period: a month or quarter, as dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Calendar {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
}

impl Calendar {
    /// The month holding `day`.
    pub(crate) fn month_of(day: NaiveDate) -> Calendar {
        Calendar::Month { year: day.year(), month: day.month() }
    }

    /// The quarter holding `day`.
    pub(crate) fn quarter_of(day: NaiveDate) -> Calendar {
        Calendar::Quarter { year: day.year(), quarter: (day.month() - 1) / 3 + 1 }
    }

    /// The first day.
    pub(crate) fn first(&self) -> NaiveDate {
        let (year, month) = match *self {
            Calendar::Month { year, month } => (year, month),
            Calendar::Quarter { year, quarter } => (year, (quarter - 1) * 3 + 1),
        };
        NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The first day after the period.
    pub(crate) fn end(&self) -> NaiveDate {
        let next = match *self {
            Calendar::Month { year: y, month: 12 } => Calendar::Month { year: y + 1, month: 1 },
            Calendar::Month { year, month } => Calendar::Month { year, month: month + 1 },
            Calendar::Quarter { year: y, quarter: 4 } => Calendar::Quarter { year: y + 1, quarter: 1 },
            Calendar::Quarter { year, quarter } => Calendar::Quarter { year, quarter: quarter + 1 },
        };
        next.first()
    }

    /// The period after this one.
    pub(crate) fn next(&self) -> Calendar {
        match self {
            Calendar::Month { .. } => Calendar::month_of(self.end()),
            Calendar::Quarter { .. } => Calendar::quarter_of(self.end()),
        }
    }

    /// Parse `2026-11` (a month) or `2026-Q3` (a quarter).
    pub(crate) fn parse(text: &str) -> Option<Calendar> {
        let (year, rest) = text.trim().split_once('-')?;
        let year: i32 = year.parse().ok().filter(|y| (1000..=9999).contains(y))?;
        if let Some(q) = rest.strip_prefix('Q').or_else(|| rest.strip_prefix('q')) {
            let quarter: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
            return Some(Calendar::Quarter { year, quarter });
        }
        let month: u32 = rest.parse().ok().filter(|m| (1..=12).contains(m) && rest.len() == 2)?;
        Some(Calendar::Month { year, month })
    }
}

impl std::fmt::Display for Calendar {
    /// `2026-10` or `2026-Q4`: the names the report's JSON uses.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Calendar::Month { year, month } => write!(f, "{year}-{month:02}"),
            Calendar::Quarter { year, quarter } => write!(f, "{year}-Q{quarter}"),
        }
    }
}

/// The days a report covers: `from` up to and including `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Range {
    pub(crate) from: NaiveDate,
    /// The last day, included.
    pub(crate) to: NaiveDate,
}

impl Range {
    pub(crate) fn of(period: Calendar) -> Range {
        Range { from: period.first(), to: period.end().pred_opt().unwrap_or(NaiveDate::MIN) }
    }

    pub(crate) fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// The calendar periods of one kind (months, or quarters) that overlap
    /// the range, in order.
    pub(crate) fn periods(&self, quarterly: bool) -> Vec<Calendar> {
        let first = if quarterly { Calendar::quarter_of(self.from) } else { Calendar::month_of(self.from) };
        std::iter::successors(Some(first), |p| Some(p.next())).take_while(|p| p.first() <= self.to).collect()
    }
}

/// The last month that has ended by `today`: what a monthly review looks at
/// when no period is named.
pub(crate) fn last_full_month(today: NaiveDate) -> Calendar {
    let first = Calendar::month_of(today).first();
    Calendar::month_of(first.pred_opt().unwrap_or(first))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn months_and_quarters_parse_print_and_bound() {
        let nov = Calendar::parse("2026-11").unwrap();
        assert_eq!(nov.to_string(), "2026-11");
        assert_eq!((nov.first(), nov.end()), (day("2026-11-01"), day("2026-12-01")));
        let dec = Calendar::parse("2026-12").unwrap();
        assert_eq!(dec.end(), day("2027-01-01"));
        let q4 = Calendar::parse("2026-Q4").unwrap();
        assert_eq!(q4.to_string(), "2026-Q4");
        assert_eq!((q4.first(), q4.end()), (day("2026-10-01"), day("2027-01-01")));
        assert_eq!(Calendar::quarter_of(day("2026-03-31")).to_string(), "2026-Q1");
        for bad in ["2026-13", "2026-Q5", "2026-1", "26-01", "2026", "2026-Q0", "x-01"] {
            assert_eq!(Calendar::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_range_lists_the_periods_it_overlaps() {
        let r = Range { from: day("2026-09-15"), to: day("2026-11-02") };
        let months: Vec<String> = r.periods(false).iter().map(|p| p.to_string()).collect();
        assert_eq!(months, ["2026-09", "2026-10", "2026-11"]);
        let quarters: Vec<String> = r.periods(true).iter().map(|p| p.to_string()).collect();
        assert_eq!(quarters, ["2026-Q3", "2026-Q4"]);
        assert_eq!(Range::of(Calendar::parse("2026-02").unwrap()).to, day("2026-02-28"));
        assert_eq!(last_full_month(day("2026-01-10")).to_string(), "2025-12");
    }
}
