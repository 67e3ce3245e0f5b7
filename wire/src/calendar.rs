//! Office days and bookable slots (issue 6): Japan's national holidays (国民の祝日に関する法律,
//! including 振替休日 and 国民の休日), the year-end closure (12/29–1/3), an office's weekly
//! opening hours with breaks, extra closed days and extra opening days (休日開庁), and the
//! slots a service offers on a day.
//!
//! Pure and deterministic: no clock, no time zone. Days are civil dates in Japan
//! ([`mado_civil::Date`], with the holidays); times are minutes after midnight, office-local.

use serde::{Deserialize, Serialize};

pub use mado_civil::{Date, HOLIDAY_YEARS, Weekday, holiday};

/// Opening hours of one weekday: windows of (open, close) in minutes after midnight, in order
/// (a lunch break is the gap between two windows). Empty: closed.
pub type Windows = Vec<(u16, u16)>;

/// When an office is open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OfficeCalendar {
    /// Monday first.
    pub weekly: [Windows; 7],
    /// Closed on national holidays (almost every office is).
    pub closed_on_holidays: bool,
    /// Closed 12/29–1/3 (年末年始, 地方自治法 and the cities' ordinances).
    pub closed_year_end: bool,
    /// Further closed days (庁舎点検 …).
    pub closed: Vec<Date>,
    /// Extra opening days with their hours (休日開庁), which win over every closure.
    pub extra: Vec<(Date, Windows)>,
}

/// Why a calendar cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCalendar(pub String);

impl std::fmt::Display for BadCalendar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadCalendar {}

fn check_windows(w: &Windows, what: &str) -> Result<(), BadCalendar> {
    let mut last_close = 0;
    for (i, &(open, close)) in w.iter().enumerate() {
        if close > 24 * 60 || open >= close || (i > 0 && open < last_close) {
            return Err(BadCalendar(format!(
                "{what}: window {} ({}–{}) must be within the day, open before close, after the previous one",
                i + 1,
                hhmm(open),
                hhmm(close)
            )));
        }
        last_close = close;
    }
    Ok(())
}

/// `510` → `"08:30"`.
pub fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `510` → `"8:30"`, as residents read a time (the hours, the kiosk's notices).
pub fn h_mm(minutes: u16) -> String {
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

impl OfficeCalendar {
    /// A typical 区役所: weekdays 8:30–17:15, closed on holidays and 12/29–1/3.
    pub fn weekdays(open: u16, close: u16) -> Self {
        let day = vec![(open, close)];
        Self {
            weekly: [
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day,
                Vec::new(),
                Vec::new(),
            ],
            closed_on_holidays: true,
            closed_year_end: true,
            closed: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// Checks every window.
    pub fn validate(&self) -> Result<(), BadCalendar> {
        for (w, day) in self.weekly.iter().zip(Weekday::ALL) {
            check_windows(w, &format!("{}曜日", day.kanji()))?;
        }
        for (d, w) in &self.extra {
            check_windows(w, &d.to_string())?;
        }
        Ok(())
    }

    /// The opening windows on `day` (empty when closed), and why it is closed if it is.
    pub fn windows(&self, day: Date) -> Result<(Windows, Option<String>), BadCalendar> {
        if let Some((_, w)) = self.extra.iter().find(|(d, _)| *d == day) {
            return Ok((w.clone(), None));
        }
        if self.closed.contains(&day) {
            return Ok((Vec::new(), Some("休庁日".into())));
        }
        if self.closed_year_end && mado_civil::year_end(day) {
            return Ok((Vec::new(), Some("年末年始".into())));
        }
        if self.closed_on_holidays {
            if !HOLIDAY_YEARS.contains(&day.year()) {
                return Err(BadCalendar(format!(
                    "national holidays are known for {}–{} only, not {}",
                    HOLIDAY_YEARS.start(),
                    HOLIDAY_YEARS.end(),
                    day.year()
                )));
            }
            if let Some(name) = holiday(day) {
                return Ok((Vec::new(), Some(name.into())));
            }
        }
        let w = self.weekly[day.weekday().index()].clone();
        let why = w
            .is_empty()
            .then(|| format!("{}曜日", day.weekday().kanji()));
        Ok((w, why))
    }

    /// The weekly hours in words for residents: days with the same windows together
    /// (`月〜金 8:30〜17:15`, `水 8:30〜12:00・13:00〜17:15`), then what is closed
    /// (`（土・日・祝日・年末年始は休み）`). Empty when the office opens on no weekday.
    pub fn hours_ja(&self) -> String {
        let time = h_mm;
        let windows = |w: &Windows| {
            w.iter()
                .map(|&(a, b)| format!("{}〜{}", time(a), time(b)))
                .collect::<Vec<_>>()
                .join("・")
        };
        // Groups of weekdays (Monday first) sharing the same windows, in weekday order.
        let mut groups: Vec<(Vec<usize>, &Windows)> = Vec::new();
        for (i, w) in self.weekly.iter().enumerate() {
            if w.is_empty() {
                continue;
            }
            match groups.iter_mut().find(|(_, gw)| *gw == w) {
                Some((days, _)) => days.push(i),
                None => groups.push((vec![i], w)),
            }
        }
        let names = |days: &[usize]| {
            let ja = |i: usize| Weekday::ALL[i].kanji();
            let consecutive = days.windows(2).all(|p| p[1] == p[0] + 1);
            if days.len() >= 3 && consecutive {
                format!("{}〜{}", ja(days[0]), ja(days[days.len() - 1]))
            } else {
                days.iter().map(|&i| ja(i)).collect::<Vec<_>>().join("・")
            }
        };
        let open: Vec<String> = groups
            .iter()
            .map(|(days, w)| format!("{} {}", names(days), windows(w)))
            .collect();
        if open.is_empty() {
            return String::new();
        }
        let mut closed: Vec<String> = (0..7)
            .filter(|&i| self.weekly[i].is_empty())
            .map(|i| Weekday::ALL[i].kanji().to_owned())
            .collect();
        if self.closed_on_holidays {
            closed.push("祝日".into());
        }
        if self.closed_year_end {
            closed.push("年末年始".into());
        }
        let mut out = open.join("、");
        if !closed.is_empty() {
            out.push_str(&format!("（{}は休み）", closed.join("・")));
        }
        out
    }

    /// The next open day on or after `day`, looking at most `limit` days ahead.
    pub fn next_open(&self, day: Date, limit: u32) -> Result<Option<Date>, BadCalendar> {
        for i in 0..=i64::from(limit) {
            let d = day.add_days(i);
            if !self.windows(d)?.0.is_empty() {
                return Ok(Some(d));
            }
        }
        Ok(None)
    }
}

/// Whether a service issues walk-in tickets at one moment (issue 17 item 6), from the office's
/// calendar and the service's cut-off.
///
/// On the wire one flat object (`{"state":"open","until":1005}`,
/// `{"state":"closed","why":{"kind":"ended","at":1005},"next":{"day":"2027-03-02","at":510}}`):
/// reading it costs the lobby bundle far less than a tagged enum would.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "WalkInWire", try_from = "WalkInWire")]
pub enum WalkIn {
    /// Tickets are issued until `until` (minutes after midnight, office-local; the next
    /// break, the day's closing or the service's cut-off, whichever comes first).
    Open { until: u16 },
    /// No tickets now; `next` is when the service takes them again (none within a year, or
    /// no hours set).
    Closed {
        why: ClosedWhy,
        next: Option<Opening>,
    },
}

/// Why a service issues no tickets now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "ClosedWhyWire", try_from = "ClosedWhyWire")]
pub enum ClosedWhy {
    /// The office opens later today.
    NotYet,
    /// Between two windows of the day (昼休み).
    Break,
    /// Today's tickets have ended: at the service's cut-off or the office's closing.
    Ended { at: u16 },
    /// The office is closed all day: `name` says why (`日曜日`, `振替休日`, `年末年始`, `休庁日`).
    ClosedDay { name: String },
    /// The office has no opening hours set.
    NoHours,
}

/// [`WalkIn`] as it travels.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "WalkIn")]
struct WalkInWire {
    state: WalkInState,
    /// While open: tickets until this minute after midnight (office-local).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    until: Option<u16>,
    /// While closed: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    why: Option<ClosedWhyWire>,
    /// While closed: when tickets start again; absent when not known within a year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    next: Option<Opening>,
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
enum WalkInState {
    Open,
    Closed,
}

/// [`ClosedWhy`] as it travels.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "ClosedWhy")]
struct ClosedWhyWire {
    kind: ClosedKind,
    /// `ended`: the minute tickets ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at: Option<u16>,
    /// `closed_day`: why the office is closed (`日曜日`, `元日`, `年末年始`, `休庁日`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
enum ClosedKind {
    NotYet,
    Break,
    Ended,
    ClosedDay,
    NoHours,
}

impl From<WalkIn> for WalkInWire {
    fn from(w: WalkIn) -> Self {
        match w {
            WalkIn::Open { until } => Self {
                state: WalkInState::Open,
                until: Some(until),
                why: None,
                next: None,
            },
            WalkIn::Closed { why, next } => Self {
                state: WalkInState::Closed,
                until: None,
                why: Some(why.into()),
                next,
            },
        }
    }
}

impl TryFrom<WalkInWire> for WalkIn {
    type Error = &'static str;
    fn try_from(w: WalkInWire) -> Result<Self, Self::Error> {
        match w.state {
            WalkInState::Open => Ok(WalkIn::Open {
                until: w.until.ok_or("an open walk-in needs `until`")?,
            }),
            WalkInState::Closed => Ok(WalkIn::Closed {
                why: w.why.ok_or("a closed walk-in needs `why`")?.try_into()?,
                next: w.next,
            }),
        }
    }
}

impl From<ClosedWhy> for ClosedWhyWire {
    fn from(w: ClosedWhy) -> Self {
        let (kind, at, name) = match w {
            ClosedWhy::NotYet => (ClosedKind::NotYet, None, None),
            ClosedWhy::Break => (ClosedKind::Break, None, None),
            ClosedWhy::Ended { at } => (ClosedKind::Ended, Some(at), None),
            ClosedWhy::ClosedDay { name } => (ClosedKind::ClosedDay, None, Some(name)),
            ClosedWhy::NoHours => (ClosedKind::NoHours, None, None),
        };
        Self { kind, at, name }
    }
}

impl TryFrom<ClosedWhyWire> for ClosedWhy {
    type Error = &'static str;
    fn try_from(w: ClosedWhyWire) -> Result<Self, Self::Error> {
        Ok(match w.kind {
            ClosedKind::NotYet => ClosedWhy::NotYet,
            ClosedKind::Break => ClosedWhy::Break,
            ClosedKind::Ended => ClosedWhy::Ended {
                at: w.at.ok_or("`ended` needs `at`")?,
            },
            ClosedKind::ClosedDay => ClosedWhy::ClosedDay {
                name: w.name.ok_or("`closed_day` needs `name`")?,
            },
            ClosedKind::NoHours => ClosedWhy::NoHours,
        })
    }
}

/// The schemas are those of the wire forms.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for WalkIn {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "WalkIn".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        WalkInWire::json_schema(generator)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for ClosedWhy {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ClosedWhy".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        ClosedWhyWire::json_schema(generator)
    }
}

/// A time the service takes tickets again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Opening {
    pub day: Date,
    /// Minutes after midnight, office-local.
    pub at: u16,
}

impl OfficeCalendar {
    /// The windows in which a service with `cutoff` (minutes before the day's last closing,
    /// `受付は16:45まで` for 17:15) issues tickets on `day`: the last window ends `cutoff`
    /// earlier and is gone when that leaves nothing.
    pub fn walk_in_windows(&self, day: Date, cutoff: u16) -> Result<Windows, BadCalendar> {
        let (mut w, _) = self.windows(day)?;
        if let Some(last) = w.last_mut() {
            last.1 = last.1.saturating_sub(cutoff);
            if last.1 <= last.0 {
                w.pop();
            }
        }
        Ok(w)
    }

    /// Whether a service with `cutoff` issues walk-in tickets at `minute` of `day`, and if
    /// not why and when next (looking up to a year ahead).
    pub fn walk_in(&self, day: Date, minute: u16, cutoff: u16) -> Result<WalkIn, BadCalendar> {
        let today = self.walk_in_windows(day, cutoff)?;
        if let Some(&(_, close)) = today.iter().find(|&&(o, c)| o <= minute && minute < c) {
            return Ok(WalkIn::Open { until: close });
        }
        if self.weekly.iter().all(Vec::is_empty) && self.extra.is_empty() {
            return Ok(WalkIn::Closed {
                why: ClosedWhy::NoHours,
                next: None,
            });
        }
        let (office_windows, closed_day) = self.windows(day)?;
        let why = if let Some(name) = closed_day {
            ClosedWhy::ClosedDay { name }
        } else if today.iter().any(|&(o, _)| o > minute) {
            if today.iter().any(|&(_, c)| c <= minute) {
                ClosedWhy::Break
            } else {
                ClosedWhy::NotYet
            }
        } else {
            // Open today but no window ahead: ended at the cut-off or the closing (or the
            // cut-off left nothing of the day at all).
            let at = today
                .last()
                .map(|&(_, c)| c)
                .or_else(|| office_windows.first().map(|&(o, _)| o))
                .unwrap_or(0);
            ClosedWhy::Ended { at }
        };
        let next = match today.iter().find(|&&(o, _)| o > minute) {
            Some(&(at, _)) => Some(Opening { day, at }),
            None => {
                let mut found = None;
                for i in 1..=366 {
                    let d = day.add_days(i);
                    // Past the years whose holidays are known the next opening is not known.
                    let Ok(w) = self.walk_in_windows(d, cutoff) else {
                        break;
                    };
                    if let Some(&(at, _)) = w.first() {
                        found = Some(Opening { day: d, at });
                        break;
                    }
                }
                found
            }
        };
        Ok(WalkIn::Closed { why, next })
    }
}

/// How a service is booked: slot length and how many residents one slot takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotRule {
    pub minutes: u16,
    pub capacity: u32,
}

/// One bookable slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub day: Date,
    pub start: u16,
    pub end: u16,
    pub capacity: u32,
}

/// The slots of `rule` on `day`: back to back inside each opening window, each ending by the
/// window's close (a remainder too short for a slot is not offered).
pub fn slots(
    calendar: &OfficeCalendar,
    day: Date,
    rule: SlotRule,
) -> Result<Vec<Slot>, BadCalendar> {
    if rule.minutes == 0 || rule.capacity == 0 {
        return Err(BadCalendar(
            "a slot needs a length and a capacity above 0".into(),
        ));
    }
    let (windows, _) = calendar.windows(day)?;
    let mut out = Vec::new();
    for (open, close) in windows {
        let mut start = open;
        while start + rule.minutes <= close {
            out.push(Slot {
                day,
                start,
                end: start + rule.minutes,
                capacity: rule.capacity,
            });
            start += rule.minutes;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk-in answer travels as one flat object, and one that says less than its state
    /// needs is refused with what is missing.
    #[test]
    fn a_walk_in_travels_flat_and_incomplete_ones_are_refused() {
        let closed = WalkIn::Closed {
            why: ClosedWhy::Ended { at: 1005 },
            next: Some(Opening {
                day: Date::new(2027, 3, 2).unwrap(),
                at: 510,
            }),
        };
        let json = serde_json::to_value(&closed).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"state": "closed", "why": {"kind": "ended", "at": 1005}, "next": {"day": "2027-03-02", "at": 510}})
        );
        assert_eq!(serde_json::from_value::<WalkIn>(json).unwrap(), closed);
        let open = WalkIn::Open { until: 1035 };
        assert_eq!(
            serde_json::to_value(&open).unwrap(),
            serde_json::json!({"state": "open", "until": 1035})
        );
        let day = WalkIn::Closed {
            why: ClosedWhy::ClosedDay {
                name: "日曜日".into(),
            },
            next: None,
        };
        let back: WalkIn = serde_json::from_value(serde_json::to_value(&day).unwrap()).unwrap();
        assert_eq!(back, day);
        let e = serde_json::from_str::<WalkIn>(r#"{"state":"open"}"#).unwrap_err();
        assert!(e.to_string().contains("needs `until`"), "{e}");
        let e = serde_json::from_str::<WalkIn>(r#"{"state":"closed","why":{"kind":"ended"}}"#)
            .unwrap_err();
        assert!(e.to_string().contains("`ended` needs `at`"), "{e}");
    }

    /// Issue 17 item 4: the handout's foot says when the office is open, in words.
    #[test]
    fn issue_17_hours_in_words() {
        let mut cal = OfficeCalendar::weekdays(510, 1035);
        assert_eq!(
            cal.hours_ja(),
            "月〜金 8:30〜17:15（土・日・祝日・年末年始は休み）"
        );
        cal.weekly[2] = vec![(510, 720), (780, 1035)];
        assert_eq!(
            cal.hours_ja(),
            "月・火・木・金 8:30〜17:15、水 8:30〜12:00・13:00〜17:15（土・日・祝日・年末年始は休み）"
        );
        cal.closed_on_holidays = false;
        cal.closed_year_end = false;
        cal.weekly[5] = vec![(540, 720)];
        cal.weekly[6] = vec![(540, 720)];
        assert!(
            cal.hours_ja().ends_with("土・日 9:00〜12:00"),
            "{}",
            cal.hours_ja()
        );
        cal.weekly = Default::default();
        assert_eq!(cal.hours_ja(), "");
    }
    /// Issue 17 item 6: a kiosk issues walk-in tickets only while the service takes them.
    /// 2027-03-01 is a Monday; 2027-05-03〜05 are 憲法記念日, みどりの日 and こどもの日
    /// (Monday to Wednesday), 2027-12-29〜2028-01-03 the year-end closure.
    #[test]
    fn issue_17_walk_in_tickets_only_while_the_service_takes_them() {
        let cal = OfficeCalendar::weekdays(510, 1035); // 8:30–17:15
        let mon = Date::new(2027, 3, 1).unwrap();
        let open = |until| WalkIn::Open { until };
        // Open until the closing without a cut-off; until 16:45 with 30 minutes.
        assert_eq!(cal.walk_in(mon, 600, 0).unwrap(), open(1035));
        assert_eq!(cal.walk_in(mon, 600, 30).unwrap(), open(1005));
        assert_eq!(cal.walk_in(mon, 510, 30).unwrap(), open(1005));
        // 3 a.m.: not yet, from 8:30 today.
        assert_eq!(
            cal.walk_in(mon, 180, 30).unwrap(),
            WalkIn::Closed {
                why: ClosedWhy::NotYet,
                next: Some(Opening { day: mon, at: 510 })
            }
        );
        // 16:45 with a 30-minute cut-off: ended at 16:45, next Tuesday 8:30.
        let tue = Date::new(2027, 3, 2).unwrap();
        assert_eq!(
            cal.walk_in(mon, 1005, 30).unwrap(),
            WalkIn::Closed {
                why: ClosedWhy::Ended { at: 1005 },
                next: Some(Opening { day: tue, at: 510 })
            }
        );
        // ... while a service without a cut-off still takes tickets at 16:45.
        assert_eq!(cal.walk_in(mon, 1005, 0).unwrap(), open(1035));
        // Friday evening: next Monday; Saturday: a closed day named by its weekday.
        let fri = Date::new(2027, 3, 5).unwrap();
        let next_mon = Date::new(2027, 3, 8).unwrap();
        assert_eq!(
            cal.walk_in(fri, 1100, 0).unwrap(),
            WalkIn::Closed {
                why: ClosedWhy::Ended { at: 1035 },
                next: Some(Opening {
                    day: next_mon,
                    at: 510
                })
            }
        );
        assert_eq!(
            cal.walk_in(Date::new(2027, 3, 6).unwrap(), 600, 0).unwrap(),
            WalkIn::Closed {
                why: ClosedWhy::ClosedDay {
                    name: "土曜日".into()
                },
                next: Some(Opening {
                    day: next_mon,
                    at: 510
                })
            }
        );
        // A holiday on a weekday (2027-03-22 is not one; 2027-05-03 憲法記念日 is a Monday)
        // and the year-end closure: the next opening skips them all.
        assert_eq!(
            cal.walk_in(Date::new(2027, 5, 3).unwrap(), 600, 0).unwrap(),
            WalkIn::Closed {
                why: ClosedWhy::ClosedDay {
                    name: "憲法記念日".into()
                },
                next: Some(Opening {
                    day: Date::new(2027, 5, 6).unwrap(),
                    at: 510
                })
            }
        );
        assert_eq!(
            cal.walk_in(Date::new(2027, 12, 28).unwrap(), 1100, 0)
                .unwrap(),
            WalkIn::Closed {
                why: ClosedWhy::Ended { at: 1035 },
                next: Some(Opening {
                    day: Date::new(2028, 1, 4).unwrap(),
                    at: 510
                })
            }
        );
        // A lunch break: closed between the windows, the cut-off only shortens the last one.
        let mut lunch = cal.clone();
        lunch.weekly[0] = vec![(510, 720), (780, 1035)];
        assert_eq!(lunch.walk_in(mon, 700, 30).unwrap(), open(720));
        assert_eq!(
            lunch.walk_in(mon, 750, 30).unwrap(),
            WalkIn::Closed {
                why: ClosedWhy::Break,
                next: Some(Opening { day: mon, at: 780 })
            }
        );
        assert_eq!(lunch.walk_in(mon, 800, 30).unwrap(), open(1005));
        // A 休日開庁 Sunday morning takes tickets; a cut-off longer than the window leaves
        // nothing of it, and the next opening is the Monday.
        let mut sunday_open = cal.clone();
        let sun = Date::new(2027, 3, 28).unwrap();
        sunday_open.extra.push((sun, vec![(540, 720)]));
        assert_eq!(sunday_open.walk_in(sun, 600, 0).unwrap(), open(720));
        assert_eq!(
            sunday_open.walk_in(sun, 600, 200).unwrap(),
            WalkIn::Closed {
                why: ClosedWhy::Ended { at: 540 },
                next: Some(Opening {
                    day: Date::new(2027, 3, 29).unwrap(),
                    at: 510
                })
            }
        );
        // No hours at all: closed, with no next opening to promise.
        let mut none = cal.clone();
        none.weekly = Default::default();
        assert_eq!(
            none.walk_in(mon, 600, 0).unwrap(),
            WalkIn::Closed {
                why: ClosedWhy::NoHours,
                next: None
            }
        );
    }

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    #[test]
    fn an_office_is_closed_on_weekends_holidays_and_the_year_end() {
        let mut cal = OfficeCalendar::weekdays(8 * 60 + 30, 17 * 60 + 15);
        assert_eq!(
            cal.windows(d("2026-11-20")).unwrap(),
            (vec![(510, 1035)], None)
        );
        assert_eq!(
            cal.windows(d("2026-11-21")).unwrap().1.as_deref(),
            Some("土曜日")
        );
        assert_eq!(
            cal.windows(d("2026-11-23")).unwrap().1.as_deref(),
            Some("勤労感謝の日")
        );
        assert_eq!(
            cal.windows(d("2026-12-29")).unwrap().1.as_deref(),
            Some("年末年始")
        );
        assert_eq!(cal.windows(d("2027-01-04")).unwrap().0, vec![(510, 1035)]);
        // 休日開庁 on a Sunday, and a one-off closure.
        cal.extra.push((d("2027-03-28"), vec![(540, 720)]));
        cal.closed.push(d("2027-03-29"));
        assert_eq!(cal.windows(d("2027-03-28")).unwrap().0, vec![(540, 720)]);
        assert_eq!(
            cal.windows(d("2027-03-29")).unwrap().1.as_deref(),
            Some("休庁日")
        );
        assert_eq!(
            cal.next_open(d("2026-12-26"), 14).unwrap(),
            Some(d("2026-12-28"))
        );
        assert_eq!(
            cal.next_open(d("2026-12-29"), 14).unwrap(),
            Some(d("2027-01-04"))
        );
        assert!(cal.windows(d("2101-01-05")).is_err());
    }

    #[test]
    fn slots_fill_each_window_and_never_pass_closing_time() {
        let mut cal = OfficeCalendar::weekdays(510, 1035);
        cal.weekly[0] = vec![(510, 720), (780, 1035)]; // Monday: lunch break 12:00–13:00
        let rule = SlotRule {
            minutes: 30,
            capacity: 2,
        };
        let fri = slots(&cal, d("2026-11-20"), rule).unwrap();
        assert_eq!(fri.len(), 17); // 8:30 … 16:30–17:00; 17:00–17:15 is too short
        assert_eq!(
            (hhmm(fri[0].start), hhmm(fri[16].end)),
            ("08:30".into(), "17:00".into())
        );
        let mon = slots(&cal, d("2026-11-16"), rule).unwrap();
        assert!(mon.iter().all(|s| s.end <= 720 || s.start >= 780));
        assert_eq!(mon.len(), 7 + 8);
        assert!(slots(&cal, d("2026-11-21"), rule).unwrap().is_empty());
        assert!(
            slots(
                &cal,
                d("2026-11-20"),
                SlotRule {
                    minutes: 0,
                    capacity: 1
                }
            )
            .is_err()
        );
    }

    #[test]
    fn broken_hours_are_named() {
        let mut cal = OfficeCalendar::weekdays(510, 1035);
        cal.weekly[2] = vec![(780, 720)];
        assert_eq!(
            cal.validate().unwrap_err().0,
            "水曜日: window 1 (13:00–12:00) must be within the day, open before close, after the previous one"
        );
        cal.weekly[2] = vec![(510, 800), (780, 1035)];
        assert!(cal.validate().is_err());
        cal.weekly[2] = vec![(510, 1500)];
        assert!(cal.validate().is_err());
    }
}
