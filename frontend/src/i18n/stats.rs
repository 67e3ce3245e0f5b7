//! Strings of the office's statistics (`/office`).

use super::lang::{Base, Lang};

strings_table! {
/// Strings of `/office`'s statistics.
#[derive(Debug)]
pub struct StatsTexts {
    pub tabs: &'static str,
    pub inbox: &'static str,
    pub title: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub show: &'static str,
    pub legend: &'static str,
    pub wait: &'static str,
    pub service: &'static str,
    pub no_tickets: &'static str,
    pub submissions: &'static str,
    pub no_submissions: &'static str,
}
}

const STATS_JA: StatsTexts = StatsTexts {
    tabs: "表示の切り替え",
    inbox: "受付一覧",
    title: "統計",
    from: "期間（から）",
    to: "期間（まで）",
    show: "表示する",
    legend: "棒は平均（分）、横線は90%の方がその時間内に収まった目安です。待ち時間は番号札の発行から呼出まで（発行した時間帯ごと）、対応時間は呼出から完了まで（呼び出した時間帯ごと）。",
    wait: "待ち時間",
    service: "対応時間",
    no_tickets: "この期間に呼び出した番号札はありません。",
    submissions: "事前申請の件数",
    no_submissions: "この期間の事前申請はありません。",
};

const STATS_EN: StatsTexts = StatsTexts {
    tabs: "View",
    inbox: "Inbox",
    title: "Statistics",
    from: "From",
    to: "Until",
    show: "Show",
    legend: "Bars are means (minutes); the line marks the 90th percentile. Waits run from ticket to call (by hour of issue), service times from call to done (by hour of call).",
    wait: "wait",
    service: "service time",
    no_tickets: "No ticket was called in this period.",
    submissions: "Advance applications",
    no_submissions: "No advance application in this period.",
};

impl Lang {
    /// The statistics strings.
    pub fn stats(self) -> &'static StatsTexts {
        match self.base() {
            Base::Ja => &STATS_JA,
            Base::En => &STATS_EN,
        }
    }
}
