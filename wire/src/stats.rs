//! Office statistics for `/office`: how long residents waited and how long the counter took,
//! per service and hour of the day, and pre-applications per status. Computed here, in plain
//! Rust, from the tickets the relay returns; the relay only selects the rows.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::submission::SubmissionStatus;

/// One finished or waiting ticket, as the statistics need it (no personal data exists in
/// tickets anyway).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketTimes<'a> {
    pub service_id: &'a str,
    pub issued_at_ms: i64,
    pub called_at_ms: Option<i64>,
    /// When the counter finished with it (done); `None` while called, or for a no-show.
    pub finished_at_ms: Option<i64>,
}

/// Minutes, summarised.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Minutes {
    pub count: u32,
    pub mean: f64,
    /// 90th percentile (nearest rank).
    pub p90: f64,
}

impl Minutes {
    fn of(mut values: Vec<f64>) -> Option<Self> {
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let n = values.len();
        let rank = (n * 9).div_ceil(10).max(1);
        Some(Self {
            count: u32::try_from(n).unwrap_or(u32::MAX),
            mean: values.iter().sum::<f64>() / n as f64,
            p90: values[rank - 1],
        })
    }
}

/// One service in one hour of the day (office-local).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HourStats {
    pub service_id: String,
    /// 8 means 8:00–8:59.
    pub hour: u8,
    /// Waits of the tickets issued in that hour, from issue to call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<Minutes>,
    /// Service times of the tickets called in that hour, from call to done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<Minutes>,
}

/// `GET /api/offices/{office}/stats?from=&to=` (staff).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OfficeStats {
    pub from: String,
    pub to: String,
    pub hours: Vec<HourStats>,
    /// Pre-applications sent in the period by life event and current (or final) status,
    /// the purged ones' anonymous counts included.
    pub submissions: Vec<SubmissionCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SubmissionCount {
    pub pack: String,
    pub status: SubmissionStatus,
    pub count: u64,
}

/// The office-local hour (Japan, UTC+9) of an instant.
pub fn local_hour(ms: i64) -> u8 {
    u8::try_from((ms + 9 * 3_600_000).rem_euclid(86_400_000) / 3_600_000).unwrap_or(0)
}

/// Waits and service times per service and hour.
pub fn hour_stats(tickets: &[TicketTimes<'_>]) -> Vec<HourStats> {
    let mut waits: BTreeMap<(&str, u8), Vec<f64>> = BTreeMap::new();
    let mut services: BTreeMap<(&str, u8), Vec<f64>> = BTreeMap::new();
    for t in tickets {
        if let Some(called) = t.called_at_ms {
            waits
                .entry((t.service_id, local_hour(t.issued_at_ms)))
                .or_default()
                .push((called - t.issued_at_ms).max(0) as f64 / 60_000.0);
            if let Some(done) = t.finished_at_ms {
                services
                    .entry((t.service_id, local_hour(called)))
                    .or_default()
                    .push((done - called).max(0) as f64 / 60_000.0);
            }
        }
    }
    let keys: std::collections::BTreeSet<(&str, u8)> =
        waits.keys().chain(services.keys()).copied().collect();
    keys.into_iter()
        .map(|(service, hour)| HourStats {
            service_id: service.to_owned(),
            hour,
            wait: waits.remove(&(service, hour)).and_then(Minutes::of),
            service: services.remove(&(service, hour)).and_then(Minutes::of),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const MIN: i64 = 60_000;
    /// 2026-11-24 09:00 JST.
    const NINE: i64 = 1_795_996_800_000;

    #[test]
    fn waits_go_by_hour_of_issue_and_service_times_by_hour_of_call() {
        assert_eq!(local_hour(NINE), 9);
        let t = |service, issued: i64, called: Option<i64>, done: Option<i64>| TicketTimes {
            service_id: service,
            issued_at_ms: NINE + issued * MIN,
            called_at_ms: called.map(|c| NINE + c * MIN),
            finished_at_ms: done.map(|d| NINE + d * MIN),
        };
        let tickets = [
            t("jumin", 0, Some(10), Some(15)),
            t("jumin", 5, Some(25), Some(33)),
            t("jumin", 50, Some(70), None), // called at 10:10, still at the counter
            t("jumin", 55, None, None),     // still waiting: no wait yet
            t("kokuho", 10, Some(12), Some(20)),
        ];
        let stats = hour_stats(&tickets);
        let get = |s: &str, h: u8| {
            stats
                .iter()
                .find(|x| x.service_id == s && x.hour == h)
                .unwrap()
        };
        let nine = get("jumin", 9);
        let wait = nine.wait.unwrap();
        assert_eq!(wait.count, 3);
        assert!((wait.mean - (10.0 + 20.0 + 20.0) / 3.0).abs() < 1e-9);
        assert_eq!(wait.p90, 20.0);
        let service = nine.service.unwrap();
        assert_eq!((service.count, service.mean, service.p90), (2, 6.5, 8.0));
        // Called at 10:10 and not finished: no service time for 10:00 yet.
        assert!(!stats.iter().any(|x| x.hour == 10));
        assert_eq!(get("kokuho", 9).service.unwrap().mean, 8.0);
        assert_eq!(stats.len(), 2);
    }

    #[test]
    fn the_90th_percentile_is_the_nearest_rank() {
        let m = Minutes::of((1..=20).map(f64::from).collect()).unwrap();
        assert_eq!((m.count, m.p90, m.mean), (20, 18.0, 10.5));
        assert_eq!(Minutes::of(vec![4.0]).unwrap().p90, 4.0);
        assert!(Minutes::of(Vec::new()).is_none());
    }
}
