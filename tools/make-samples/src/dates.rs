//! Dates (proleptic Gregorian, days since 1970-01-01).

use super::*;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
pub(crate) struct Date(pub(crate) i64);

pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub(crate) fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

impl Date {
    pub(crate) fn ymd(y: i64, m: i64, d: i64) -> Date {
        assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m));
        Date(days_from_civil(y, m, d))
    }
    pub(crate) fn parts(self) -> (i64, i64, i64) {
        civil_from_days(self.0)
    }
    pub(crate) fn y(self) -> i64 {
        self.parts().0
    }
    pub(crate) fn m(self) -> i64 {
        self.parts().1
    }
    pub(crate) fn plus(self, n: i64) -> Date {
        Date(self.0 + n)
    }
    pub(crate) fn iso(self) -> String {
        let (y, m, d) = self.parts();
        format!("{y:04}-{m:02}-{d:02}")
    }
    pub(crate) fn month_end(self) -> Date {
        let (y, m, _) = self.parts();
        Date::ymd(y, m, days_in_month(y, m))
    }
    pub(crate) fn excel(self) -> Res<ExcelDateTime> {
        let (y, m, d) = self.parts();
        Ok(ExcelDateTime::from_ymd(y as u16, m as u8, d as u8)?)
    }
}

pub(crate) fn add_months(y: i64, m: i64, k: i64) -> (i64, i64) {
    let idx = y * 12 + (m - 1) + k;
    (idx.div_euclid(12), idx.rem_euclid(12) + 1)
}

pub(crate) fn add_years(d: Date, k: i64) -> Date {
    let (y, m, dd) = d.parts();
    Date::ymd(y + k, m, dd.min(days_in_month(y + k, m)))
}

pub(crate) fn ym(y: i64, m: i64) -> String {
    format!("{y:04}-{m:02}")
}
