//! The office's view of counter records (issue 19 item 8): per day, how many visits, how many
//! forms printed, how many fields the printed forms left for the hand per visit, and how many
//! minutes a visit took; and the records as CSV for a spreadsheet.

use std::collections::BTreeMap;

use mado_civil::Date;
use mado_wire::GuideRecord;

/// One day of counter records.
#[derive(Debug, Clone, PartialEq)]
pub struct Day {
    pub day: Date,
    pub visits: usize,
    pub forms_printed: usize,
    /// Fields left for the hand per visit that printed forms (none printed: `None`).
    pub hand_per_visit: Option<f64>,
    /// Minutes from the start of a visit to its end, per visit that has both.
    pub minutes_per_visit: Option<f64>,
}

/// The day a record was made, in Japan's time.
pub fn day_of(ms: i64) -> Date {
    const DAY: i64 = 86_400_000;
    Date::from_days_since_epoch((ms + 9 * 3_600_000).div_euclid(DAY))
}

/// The minutes a record's visit took, when it says when it began and ended.
pub fn minutes(r: &GuideRecord) -> Option<f64> {
    let (a, b) = (r.record.started_at_ms?, r.record.done_at_ms?);
    Some((b - a) as f64 / 60_000.0)
}

/// The records by day, oldest first.
pub fn daily(records: &[GuideRecord]) -> Vec<Day> {
    let mut by_day: BTreeMap<Date, Vec<&GuideRecord>> = BTreeMap::new();
    for r in records {
        by_day.entry(day_of(r.created_at_ms)).or_default().push(r);
    }
    let mean = |xs: Vec<f64>| (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64);
    by_day
        .into_iter()
        .map(|(day, rs)| Day {
            day,
            visits: rs.len(),
            forms_printed: rs.iter().map(|r| r.record.printed_forms.len()).sum(),
            hand_per_visit: mean(
                rs.iter()
                    .filter_map(|r| r.record.hand_fields.map(f64::from))
                    .collect(),
            ),
            minutes_per_visit: mean(rs.iter().filter_map(|r| minutes(r)).collect()),
        })
        .collect()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The records as CSV (UTF-8 with a BOM so spreadsheet programs read the Japanese), one row a
/// record: when, counter, life event, city, forms printed, fields left for the hand, minutes,
/// ticket, staff. `counter_label` and `event_title` name a counter id and a pack.
pub fn csv(
    records: &[GuideRecord],
    counter_label: impl Fn(Option<i64>) -> String,
    event_title: impl Fn(&str, &str) -> String,
) -> String {
    let mut out = String::from(
        "\u{feff}記録番号,日付,時刻,窓口,用件,市,印刷した申請書,手書きの欄,所要時間（分）,番号札,職員\r\n",
    );
    for r in records {
        let at_ms = r.created_at_ms + 9 * 3_600_000;
        let minute_of_day = at_ms.rem_euclid(86_400_000) / 60_000;
        let row = [
            r.id.to_string(),
            day_of(r.created_at_ms).to_string(),
            format!("{:02}:{:02}", minute_of_day / 60, minute_of_day % 60),
            counter_label(r.record.counter_id),
            event_title(&r.record.pack, &r.record.city),
            r.record.city.clone(),
            r.record.printed_forms.join(" "),
            r.record
                .hand_fields
                .map(|n| n.to_string())
                .unwrap_or_default(),
            minutes(r).map(|m| format!("{m:.0}")).unwrap_or_default(),
            r.record
                .ticket_id
                .map(|t| t.to_string())
                .unwrap_or_default(),
            r.staff.clone(),
        ];
        out.push_str(
            &row.iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use mado_wire::NewGuideRecord;

    fn record(
        id: i64,
        at_ms: i64,
        forms: &[&str],
        hand: Option<u32>,
        took_min: Option<i64>,
    ) -> GuideRecord {
        GuideRecord {
            id,
            office_id: "kokurakita".into(),
            staff: "admin".into(),
            created_at_ms: at_ms,
            record: NewGuideRecord {
                pack: "okuyami".into(),
                version: "1".into(),
                city: "kitakyushu".into(),
                date: day_of(at_ms),
                answers: BTreeMap::new(),
                procedures: Vec::new(),
                ticket_id: Some(7),
                printed_forms: forms.iter().map(|f| (*f).to_owned()).collect(),
                printed_for: String::new(),
                counter_id: Some(3),
                hand_fields: hand,
                started_at_ms: took_min.map(|_| at_ms - 1),
                printed_at_ms: None,
                done_at_ms: took_min.map(|m| at_ms - 1 + m * 60_000),
            },
        }
    }

    // 2026-11-20 09:00 JST is 00:00 UTC.
    const NOV20_9AM: i64 = 1_795_132_800_000;

    #[test]
    fn each_day_counts_visits_forms_hand_fields_and_minutes() {
        assert_eq!(day_of(NOV20_9AM).to_string(), "2026-11-20");
        // 23:59 JST is still the 20th; 00:00 JST the 21st.
        assert_eq!(
            day_of(NOV20_9AM + 15 * 3_600_000 - 1).to_string(),
            "2026-11-20"
        );
        assert_eq!(day_of(NOV20_9AM + 15 * 3_600_000).to_string(), "2026-11-21");
        let rs = [
            record(1, NOV20_9AM, &["a", "b"], Some(0), Some(20)),
            record(2, NOV20_9AM + 3_600_000, &["c"], Some(2), Some(40)),
            record(3, NOV20_9AM + 3_600_000, &[], None, None),
            record(4, NOV20_9AM + 86_400_000, &["d"], Some(1), None),
        ];
        let days = daily(&rs);
        assert_eq!(days.len(), 2);
        assert_eq!(
            (
                days[0].visits,
                days[0].forms_printed,
                days[0].hand_per_visit,
                days[0].minutes_per_visit
            ),
            (3, 3, Some(1.0), Some(30.0))
        );
        assert_eq!((days[1].visits, days[1].minutes_per_visit), (1, None));
    }

    #[test]
    fn the_csv_has_a_row_a_record_quoted_where_needed() {
        let rs = [record(
            1,
            NOV20_9AM,
            &["kokuho-shikaku", "jumin-ido"],
            Some(0),
            Some(25),
        )];
        let text = csv(&rs, |_| "3番窓口".into(), |_, _| "引越し, 転入".into());
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert!(lines[0].starts_with("\u{feff}記録番号,日付,時刻,窓口"));
        assert_eq!(
            lines[1],
            "1,2026-11-20,09:00,3番窓口,\"引越し, 転入\",kitakyushu,kokuho-shikaku jumin-ido,0,25,7,admin"
        );
        assert_eq!(lines[2], "");
    }
}
