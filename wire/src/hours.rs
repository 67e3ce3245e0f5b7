//! Opening hours as an administrator types them: `08:30-12:00, 13:00-17:15` for a day with a
//! lunch break, empty for closed, one `2027-03-28 09:00-12:00` per line for extra opening days.
//! Full-width digits and separators (`０８：３０〜１７：１５`) are read as typed on a Japanese
//! keyboard.

use crate::calendar::{Date, Windows, hhmm};

/// Full-width digits and punctuation to ASCII; the separators `〜 ～ ー － − –` to `-`,
/// `、 ，` to `,`.
fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '：' => ':',
            '〜' | '～' | 'ー' | '－' | '−' | '–' | '—' => '-',
            '、' | '，' => ',',
            '　' => ' ',
            c => c,
        })
        .collect()
}

/// `"8:30"` or `"08:30"` → minutes after midnight; `24:00` allowed as a closing time.
pub fn parse_time(s: &str) -> Result<u16, String> {
    let s = ascii(s.trim());
    let bad = || format!("{s:?} is not a time; expected HH:MM such as 08:30");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    if !(1..=2).contains(&h.len()) || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 24 || m > 59 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// `"08:30-12:00, 13:00-17:15"` → windows; empty or `休` → closed.
pub fn parse_windows(s: &str) -> Result<Windows, String> {
    let s = ascii(s.trim());
    if s.is_empty() || s == "休" || s == "閉庁" {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for part in s.split(',') {
        let part = part.trim();
        let (open, close) = part
            .split_once('-')
            .ok_or_else(|| format!("{part:?}: expected opening-closing such as 08:30-17:15"))?;
        let (open, close) = (parse_time(open)?, parse_time(close)?);
        if open >= close {
            return Err(format!("{part:?}: opens at or after it closes"));
        }
        if let Some(&(_, last)) = out.last()
            && open < last
        {
            return Err(format!(
                "{part:?}: starts before the previous window closes; list windows in order"
            ));
        }
        out.push((open, close));
    }
    Ok(out)
}

/// Windows as typed back: `"08:30-12:00, 13:00-17:15"`, empty when closed.
pub fn format_windows(w: &Windows) -> String {
    w.iter()
        .map(|&(o, c)| format!("{}-{}", hhmm(o), hhmm(c)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One date per line (`2027-05-06`); blank lines skipped. Errors name the line.
pub fn parse_days(text: &str) -> Result<Vec<Date>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = ascii(line.trim());
        if line.is_empty() {
            continue;
        }
        let day = Date::parse_iso(&line).map_err(|e| format!("line {}: {e}", i + 1))?;
        if !out.contains(&day) {
            out.push(day);
        }
    }
    out.sort();
    Ok(out)
}

/// One extra opening day per line: `2027-03-28 09:00-12:00`.
pub fn parse_extra(text: &str) -> Result<Vec<(Date, Windows)>, String> {
    let mut out: Vec<(Date, Windows)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = ascii(line.trim());
        if line.is_empty() {
            continue;
        }
        let at = |e: String| format!("line {}: {e}", i + 1);
        let (day, hours) = line.split_once(' ').ok_or_else(|| {
            at("expected a date and its hours, such as 2027-03-28 09:00-12:00".into())
        })?;
        let day = Date::parse_iso(day.trim()).map_err(|e| at(e.to_string()))?;
        let w = parse_windows(hours).map_err(at)?;
        if w.is_empty() {
            return Err(at("an extra opening day needs its hours".into()));
        }
        if out.iter().any(|(d, _)| *d == day) {
            return Err(at(format!("{day} is listed twice")));
        }
        out.push((day, w));
    }
    out.sort();
    Ok(out)
}

/// Days as typed back, one per line.
pub fn format_days(days: &[Date]) -> String {
    days.iter().map(|d| format!("{d}\n")).collect()
}

/// Extra opening days as typed back, one per line.
pub fn format_extra(extra: &[(Date, Windows)]) -> String {
    extra
        .iter()
        .map(|(d, w)| format!("{d} {}\n", format_windows(w)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_round_trip_and_accept_japanese_keyboards() {
        let w = parse_windows("8:30-12:00, 13:00-17:15").unwrap();
        assert_eq!(w, vec![(510, 720), (780, 1035)]);
        assert_eq!(format_windows(&w), "08:30-12:00, 13:00-17:15");
        assert_eq!(
            parse_windows("０８：３０〜１７：１５").unwrap(),
            vec![(510, 1035)]
        );
        assert_eq!(parse_windows("").unwrap(), Vec::<(u16, u16)>::new());
        assert_eq!(parse_windows("休").unwrap(), Vec::<(u16, u16)>::new());
        assert_eq!(parse_windows("09:00-24:00").unwrap(), vec![(540, 1440)]);
    }

    #[test]
    fn bad_hours_say_what_is_wrong() {
        assert!(
            parse_windows("17:15-08:30")
                .unwrap_err()
                .contains("opens at or after")
        );
        assert!(
            parse_windows("09:00-12:00, 11:00-13:00")
                .unwrap_err()
                .contains("in order")
        );
        assert!(parse_windows("9時-17時").unwrap_err().contains("HH:MM"));
        assert!(
            parse_windows("08:30")
                .unwrap_err()
                .contains("opening-closing")
        );
        assert!(parse_time("25:00").is_err());
        assert!(parse_time("24:30").is_err());
    }

    #[test]
    fn closed_and_extra_days_by_line() {
        let days = parse_days("2027-05-06\n\n２０２７－０１－０４\n2027-05-06\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(format_days(&days), "2027-01-04\n2027-05-06\n");
        assert!(
            parse_days("2027-05-06\n2027-13-01")
                .unwrap_err()
                .starts_with("line 2")
        );
        let extra = parse_extra("2027-03-28 09:00-12:00\n").unwrap();
        assert_eq!(format_extra(&extra), "2027-03-28 09:00-12:00\n");
        assert!(parse_extra("2027-03-28").unwrap_err().contains("line 1"));
        assert!(
            parse_extra("2027-03-28 休")
                .unwrap_err()
                .contains("needs its hours")
        );
    }
}
