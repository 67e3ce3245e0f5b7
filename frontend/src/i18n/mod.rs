//! Every string the UI shows, in Japanese (the default) and English.
//!
//! One table of strings per language and area makes a missing translation a compile error:
//! [`Texts`] (every surface's basics and the lobby's, `lobby.rs`), [`DeskTexts`] (the guide,
//! forms, booking: `desk.rs`), [`PreTexts`] (pre-applications: `preapply.rs`), [`AdminTexts`]
//! (`admin.rs`) and [`StatsTexts`] (`stats.rs`). Messages with numbers or names are methods on
//! [`Lang`] (here). Components read the current language from the context set up by
//! [`provide_lang`] and never hold literal UI text.

/// Declares a table of UI strings: the struct, its field names, and a way to fill it from a
/// data language's texts (`table.field` keys) over the Japanese table.
macro_rules! strings_table {
    ($(#[$sm:meta])* pub struct $name:ident { $( $(#[$fm:meta])* pub $field:ident : &'static str, )* }) => {
        $(#[$sm])*
        pub struct $name { $( $(#[$fm])* pub $field: &'static str, )* }

        impl $name {
            /// Every field's name, in order.
            pub const KEYS: &'static [&'static str] = &[$(stringify!($field)),*];

            /// The text named `key`.
            #[cfg(test)]
            pub fn get(&self, key: &str) -> Option<&'static str> {
                match key { $( stringify!($field) => Some(self.$field), )* _ => None }
            }

            /// A table whose texts come from `text(field)`, and from `base` where it has none.
            /// One loop over the fields, not a call per field: the lobby bundle stays small.
            pub fn from_fn(base: &Self, text: &mut dyn FnMut(&str) -> Option<&'static str>) -> Self {
                let mut values = [$(base.$field),*];
                for (value, key) in values.iter_mut().zip(Self::KEYS) {
                    if let Some(t) = text(key) {
                        *value = t;
                    }
                }
                let [$($field),*] = values;
                Self { $($field),* }
            }
        }
    };
}

mod admin;
mod desk;
mod lang;
mod lobby;
mod preapply;
mod staff;
mod stats;

#[cfg(test)]
mod data;

pub use admin::{AdminTexts, device_kind_label};
pub use desk::DeskTexts;
pub use lang::{Base, Lang, fill, install};
pub use lobby::Texts;
pub use preapply::PreTexts;
pub use staff::StaffTexts;
pub use stats::StatsTexts;

use lang::Base as B;
use leptos::prelude::*;
use mado_civil::Date;
use mado_wire::calendar::{ClosedWhy, Opening, h_mm};

impl Lang {
    /// A lobby screen's `?office=` names no office.
    pub fn office_unknown(self, id: &str) -> String {
        if let Some(m) = self.message("office_unknown", &[("id", &id)]) {
            return m;
        }
        match self.base() {
            B::Ja => format!(
                "庁舎「{id}」は登録されていません。画面のアドレス（?office=）を確認してください。数秒ごとに確認し直します。"
            ),
            B::En => format!(
                "No office \"{id}\" is registered. Check the screen's address (?office=). Checking again every few seconds."
            ),
        }
    }

    /// Why no walk-in tickets are issued now, as the kiosk says it (issue 17 item 6).
    pub fn walk_in_closed(self, why: &ClosedWhy) -> String {
        let data = match why {
            ClosedWhy::NotYet => self.message("closed_not_yet", &[]),
            ClosedWhy::Break => self.message("closed_break", &[]),
            ClosedWhy::Ended { at } => self.message("closed_ended", &[("until", &h_mm(*at))]),
            ClosedWhy::ClosedDay { name } if name == "休庁日" => {
                self.message("closed_today", &[])
            }
            ClosedWhy::ClosedDay { name } => self.message("closed_day", &[("name", name)]),
            ClosedWhy::NoHours => self.message("closed_no_hours", &[]),
        };
        if let Some(m) = data {
            return m;
        }
        let time = h_mm;
        match (self.base(), why) {
            (B::Ja, ClosedWhy::NotYet) => "ただいま受付開始前です。".into(),
            (B::Ja, ClosedWhy::Break) => "ただいま休憩時間のため、番号札の発行を休止しています。".into(),
            (B::Ja, ClosedWhy::Ended { at }) => {
                format!("本日の番号札の発行は終了しました（{}まで）。", time(*at))
            }
            (B::Ja, ClosedWhy::ClosedDay { name }) if name == "休庁日" => {
                "本日は閉庁しています。".into()
            }
            (B::Ja, ClosedWhy::ClosedDay { name }) => {
                format!("本日は{name}のため閉庁しています。")
            }
            (B::Ja, ClosedWhy::NoHours) => {
                "受付時間が設定されていないため、番号札を発行できません。近くの職員にお声がけください。".into()
            }
            (B::En, ClosedWhy::NotYet) => "Tickets are not issued yet.".into(),
            (B::En, ClosedWhy::Break) => "Ticket issuing is paused for the break.".into(),
            (B::En, ClosedWhy::Ended { at }) => {
                format!("Today's tickets have ended (until {}).", time(*at))
            }
            (B::En, ClosedWhy::ClosedDay { .. }) => "The office is closed today.".into(),
            (B::En, ClosedWhy::NoHours) => {
                "No opening hours are set, so no tickets can be issued. Please ask a member of staff.".into()
            }
        }
    }

    /// When walk-in tickets start again: `本日 13:00 から発行します。` or
    /// `次の受付は 3月2日（火） 8:30 からです。`; `today` is the office-local day.
    pub fn walk_in_next(self, next: &Opening, today: Date) -> String {
        let data = if next.day == today {
            self.message("next_today", &[("time", &h_mm(next.at))])
        } else {
            let day = day_label_of(next.day, self);
            self.message("next_day", &[("day", &day), ("time", &h_mm(next.at))])
        };
        if let Some(m) = data {
            return m;
        }
        let time = h_mm(next.at);
        let day = day_label_of(next.day, self);
        match (self.base(), next.day == today) {
            (B::Ja, true) => format!("本日 {time} から発行します。"),
            (B::Ja, false) => format!("次の受付は {day} {time} からです。"),
            (B::En, true) => format!("Tickets again from {time} today."),
            (B::En, false) => format!("Next tickets: {day}, from {time}."),
        }
    }

    /// The one line on a service button that takes no tickets now.
    pub fn walk_in_button(self, why: &ClosedWhy, next: Option<&Opening>, today: Date) -> String {
        let data = match (why, next) {
            (ClosedWhy::NotYet | ClosedWhy::Break, Some(n)) if n.day == today => {
                self.message("button_from", &[("time", &h_mm(n.at))])
            }
            (ClosedWhy::Ended { at }, _) => self.message("button_ended", &[("until", &h_mm(*at))]),
            _ => self.message("button_closed", &[]),
        };
        if let Some(m) = data {
            return m;
        }
        let time = h_mm;
        match (self.base(), why, next) {
            (B::Ja, ClosedWhy::NotYet | ClosedWhy::Break, Some(n)) if n.day == today => {
                format!("{}から受付", time(n.at))
            }
            (B::Ja, ClosedWhy::Ended { at }, _) => {
                format!("本日の受付は終了（{}まで）", time(*at))
            }
            (B::Ja, _, _) => "ただいま受付していません".into(),
            (B::En, ClosedWhy::NotYet | ClosedWhy::Break, Some(n)) if n.day == today => {
                format!("From {}", time(n.at))
            }
            (B::En, ClosedWhy::Ended { at }, _) => {
                format!("Ended for today (until {})", time(*at))
            }
            (B::En, _, _) => "Not taking tickets now".into(),
        }
    }

    /// "3人" / "3 people".
    pub fn people(self, n: u32) -> String {
        let key = if n == 1 { "people_one" } else { "people" };
        if let Some(m) = self.message(key, &[("n", &n)]) {
            return m;
        }
        match (self.base(), n) {
            (B::Ja, n) => format!("{n}人"),
            (B::En, 1) => "1 person".to_owned(),
            (B::En, n) => format!("{n} people"),
        }
    }

    /// "約15分" / "about 15 min"; no wait reads as "すぐにお呼びします".
    pub fn wait(self, minutes: u32) -> String {
        let data = match minutes {
            0 => self.message("wait_soon", &[]),
            m => self.message("wait_minutes", &[("m", &m)]),
        };
        if let Some(m) = data {
            return m;
        }
        match (self.base(), minutes) {
            (B::Ja, 0) => "まもなくお呼びします".to_owned(),
            (B::En, 0) => "You will be called shortly".to_owned(),
            (B::Ja, m) => format!("約{m}分"),
            (B::En, m) => format!("about {m} min"),
        }
    }

    /// The spoken and written call: 「受付番号 A 12 番の方、3番窓口へお越しください」.
    pub fn announcement(self, spoken_number: &str, counter_label: &str) -> String {
        match self.base() {
            B::Ja => format!("受付番号 {spoken_number} 番の方、{counter_label}へお越しください"),
            B::En => format!("Number {spoken_number}, please come to {counter_label}."),
        }
    }

    /// `3番窓口へお越しください`.
    pub fn go_to(self, counter_label: &str) -> String {
        if let Some(m) = self.message("go_to", &[("counter", &counter_label)]) {
            return m;
        }
        match self.base() {
            B::Ja => format!("{counter_label}へお越しください"),
            B::En => format!("Please come to {counter_label}"),
        }
    }

    /// Seconds left before the kiosk returns to its start screen.
    pub fn back_in(self, seconds: u32) -> String {
        if let Some(m) = self.message("back_in", &[("seconds", &seconds)]) {
            return m;
        }
        match self.base() {
            B::Ja => format!("{seconds}秒後に最初の画面に戻ります"),
            B::En => format!("Returning to the start in {seconds} s"),
        }
    }

    /// "3件" / "3 items".
    pub fn count(self, n: usize) -> String {
        let key = if n == 1 { "count_one" } else { "count" };
        if let Some(m) = self.message(key, &[("n", &n)]) {
            return m;
        }
        match (self.base(), n) {
            (B::Ja, n) => format!("{n}件"),
            (B::En, 1) => "1 item".to_owned(),
            (B::En, n) => format!("{n} items"),
        }
    }

    /// A number outside its question's range.
    pub fn number_range(self, min: Option<i64>, max: Option<i64>) -> String {
        let (a, b) = (min.unwrap_or(0), max.unwrap_or(i64::MAX));
        if let Some(m) = self.message("number_range", &[("min", &a), ("max", &b)]) {
            return m;
        }
        match self.base() {
            B::Ja => format!("{a}から{b}までの数字で入力してください"),
            B::En => format!("Enter a whole number from {a} to {b}"),
        }
    }

    /// The print button: 「ご案内と申請書をまとめて印刷（3件）」.
    pub fn forms_print(self, n: usize) -> String {
        match self.base() {
            B::Ja => format!("ご案内と申請書をまとめて印刷（{n}件）"),
            B::En => format!("Print the handout and {n} forms"),
        }
    }

    /// After the PDF is made.
    pub fn forms_ready(self, n: usize) -> String {
        match self.base() {
            B::Ja => {
                format!(
                    "ご案内と申請書{n}件のPDFを作りました。下の内容を確かめて印刷してください。"
                )
            }
            B::En => format!(
                "The PDF with the handout and {n} forms is ready; check it below and print."
            ),
        }
    }

    /// A required entry left empty.
    /// A booking for another day, at the kiosk.
    pub fn checkin_other_day(self, day: &str) -> String {
        if let Some(m) = self.message("checkin_other_day", &[("day", &day)]) {
            return m;
        }
        match self.base() {
            B::Ja => format!("この予約は{day}です。当日にお越しください。"),
            B::En => format!("This booking is for {day}. Please come on that day."),
        }
    }

    /// Free places on a day, for the booking's day buttons.
    pub fn book_free(self, n: u32) -> String {
        if let Some(m) = self.message("book_free", &[("n", &n)]) {
            return m;
        }
        match self.base() {
            B::Ja => format!("空き{n}"),
            B::En => format!("{n} free"),
        }
    }

    /// PIN or 照合番号B tries left on the card.
    pub fn card_tries(self, n: u8) -> String {
        match self.base() {
            B::Ja => format!("残り{n}回"),
            B::En => format!("{n} tries left"),
        }
    }

    /// Why typed text is not a date in era form.
    pub fn wareki_problem(self, text: &str, e: &mado_civil::DateError) -> String {
        use mado_civil::DateError;
        let data = match e {
            DateError::OutsideEra { era, actual, .. } => self.message(
                "wareki_outside_era",
                &[("text", &text), ("era", era), ("actual", actual)],
            ),
            DateError::NotADate { .. } => self.message("wareki_not_a_date", &[("text", &text)]),
            _ => self.message("wareki_unreadable", &[("text", &text)]),
        };
        if let Some(m) = data {
            return m;
        }
        match (self.base(), e) {
            (B::Ja, DateError::OutsideEra { era, actual, .. }) => {
                format!("「{text}」は{era}にない日です（{actual}）")
            }
            (B::Ja, DateError::NotADate { .. }) => format!("「{text}」はない日付です"),
            (B::Ja, _) => format!(
                "「{text}」は和暦として読めません。「昭和31年4月10日」や「S31.4.10」のように入力してください"
            ),
            (B::En, e) => format!("{text:?}: {e}"),
        }
    }

    /// Where a handed-over resident comes from: 「3番窓口から」.
    pub fn ticket_from(self, counter: &str) -> String {
        match self.base() {
            B::Ja if counter.is_empty() => "ほかの窓口から".to_owned(),
            B::Ja => format!("{counter}から"),
            B::En if counter.is_empty() => "from another counter".to_owned(),
            B::En => format!("from {counter}"),
        }
    }

    /// A called booking's pre-application, loaded into the visit.
    pub fn ticket_pre_loaded(self, code: &str) -> String {
        match self.base() {
            B::Ja => format!(
                "予約の方です。事前申請（受付番号 {code}）を読み込みました。内容をご本人と確認してください。"
            ),
            B::En => format!(
                "A booked resident: their pre-application ({code}) is loaded. Check it with them."
            ),
        }
    }

    /// A called booking's pre-application, not loaded over a visit already begun.
    pub fn ticket_pre_waiting(self, code: &str) -> String {
        match self.base() {
            B::Ja => format!(
                "この番号の方には事前申請（受付番号 {code}）があります。入力中の内容を残したため読み込んでいません。読み込むときは「事前申請を読み込む」に受付番号を入力してください。"
            ),
            B::En => format!(
                "This resident sent a pre-application ({code}). It was not loaded over the visit already begun; type its code under “Load a pre-application” to load it."
            ),
        }
    }

    /// How many audit entries are listed.
    pub fn audit_count(self, n: usize) -> String {
        match self.base() {
            B::Ja => format!("{n}件（新しい順）"),
            B::En => format!("{n} entries, newest first"),
        }
    }

    /// Records kept on this PC until the server is reachable.
    pub fn counter_outbox_waiting(self, n: usize) -> String {
        match self.base() {
            B::Ja => format!("未送信の記録 {n}件（サーバーにつながると自動で送ります）"),
            B::En => format!("{n} records not sent yet (sent once the server is reachable)"),
        }
    }

    /// How many fields the chosen forms would leave blank.
    pub fn forms_blanks(self, n: usize) -> String {
        match self.base() {
            B::Ja => format!(
                "まだ入力されていない項目が{n}件あります。入力すると申請書に印字され、ご本人が書かずに済みます。"
            ),
            B::En => format!(
                "{n} fields are not entered yet. Enter them and they are printed; the resident need not write them."
            ),
        }
    }

    pub fn fill_in(self, what: &str) -> String {
        if let Some(m) = self.message("fill_in", &[("what", &what)]) {
            return m;
        }
        match self.base() {
            B::Ja => format!("{what}を入力してください"),
            B::En => format!("Enter the {what}"),
        }
    }

    /// How long a ticket has waited, for staff.
    pub fn waited(self, minutes: i64) -> String {
        match self.base() {
            B::Ja => format!("{minutes}分待ち"),
            B::En => format!("waiting {minutes} min"),
        }
    }
}

/// The current language, shared by every component.
#[derive(Debug, Clone, Copy)]
pub struct LangContext(pub RwSignal<Lang>);

/// Sets up the language context: `?lang=` wins, then the saved choice, then Japanese.
pub fn provide_lang(initial: Lang) -> RwSignal<Lang> {
    let lang = RwSignal::new(initial);
    provide_context(LangContext(lang));
    lang
}

/// The current language signal (Japanese if no context was provided).
pub fn use_lang() -> RwSignal<Lang> {
    use_context::<LangContext>().map_or_else(|| RwSignal::new(Lang::Ja), |c| c.0)
}

/// `2026-12-01` → `12月1日（火）` (or `Tue 1 Dec`).
pub fn day_label(day: &str, lang: Lang) -> String {
    match Date::parse_iso(day) {
        Ok(d) => day_label_of(d, lang),
        Err(_) => day.to_owned(),
    }
}

/// [`day_label`] of a day already read.
pub fn day_label_of(d: Date, lang: Lang) -> String {
    // A data language: `msg.day` ("{month}/{day} ({weekday})") and `msg.weekdays`, the seven
    // names from Monday, separated by spaces.
    if let Some(weekday) = lang
        .data("msg.weekdays")
        .and_then(|w| w.split(' ').nth(d.weekday().index()))
    {
        let (month, day) = (d.month(), d.day());
        if let Some(m) = lang.message(
            "day",
            &[("month", &month), ("day", &day), ("weekday", &weekday)],
        ) {
            return m;
        }
    }
    match lang.base() {
        B::Ja => format!("{}月{}日（{}）", d.month(), d.day(), d.weekday().kanji()),
        B::En => {
            const W: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            const M: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            format!(
                "{} {} {}",
                W[d.weekday().index()],
                d.day(),
                M[usize::from(d.month()).saturating_sub(1).min(11)]
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 17 item 6: a closed kiosk says why and from when, as a clerk would write it.
    #[test]
    fn issue_17_a_closed_kiosk_says_why_and_from_when() {
        let mon = Date::new(2027, 3, 1).unwrap();
        let tue = Date::new(2027, 3, 2).unwrap();
        let ended = ClosedWhy::Ended { at: 16 * 60 + 45 };
        assert_eq!(
            Lang::Ja.walk_in_closed(&ended),
            "本日の番号札の発行は終了しました（16:45まで）。"
        );
        let tomorrow = Opening { day: tue, at: 510 };
        assert_eq!(
            Lang::Ja.walk_in_next(&tomorrow, mon),
            "次の受付は 3月2日（火） 8:30 からです。"
        );
        assert_eq!(
            Lang::En.walk_in_next(&tomorrow, mon),
            "Next tickets: Tue 2 Mar, from 8:30."
        );
        let sunday = ClosedWhy::ClosedDay {
            name: "日曜日".into(),
        };
        assert_eq!(
            Lang::Ja.walk_in_closed(&sunday),
            "本日は日曜日のため閉庁しています。"
        );
        assert_eq!(
            Lang::Ja.walk_in_closed(&ClosedWhy::ClosedDay {
                name: "休庁日".into()
            }),
            "本日は閉庁しています。"
        );
        let after_lunch = Opening { day: mon, at: 780 };
        assert_eq!(
            Lang::Ja.walk_in_next(&after_lunch, mon),
            "本日 13:00 から発行します。"
        );
        assert_eq!(
            Lang::Ja.walk_in_button(&ClosedWhy::Break, Some(&after_lunch), mon),
            "13:00から受付"
        );
        assert_eq!(
            Lang::Ja.walk_in_button(&ended, Some(&tomorrow), mon),
            "本日の受付は終了（16:45まで）"
        );
        assert_eq!(
            Lang::En.walk_in_button(&ended, Some(&tomorrow), mon),
            "Ended for today (until 16:45)"
        );
    }

    #[test]
    fn the_call_is_announced_as_a_clerk_would_say_it() {
        assert_eq!(
            Lang::Ja.announcement("A 12", "3番窓口"),
            "受付番号 A 12 番の方、3番窓口へお越しください"
        );
        assert_eq!(
            Lang::En.announcement("A 12", "Counter 3"),
            "Number A 12, please come to Counter 3."
        );
    }

    #[test]
    fn counts_and_waits_read_naturally() {
        assert_eq!(Lang::Ja.people(3), "3人");
        assert_eq!(Lang::En.people(1), "1 person");
        assert_eq!(Lang::En.people(0), "0 people");
        assert_eq!(Lang::Ja.wait(15), "約15分");
        assert_eq!(Lang::Ja.wait(0), "まもなくお呼びします");
    }

    #[test]
    fn language_codes_round_trip() {
        for lang in [Lang::Ja, Lang::En] {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
            assert_eq!(lang.other().other(), lang);
        }
        assert_eq!(Lang::from_code("fr"), None);
    }

    #[test]
    fn no_text_is_left_empty_in_either_language() {
        for lang in [Lang::Ja, Lang::En] {
            let debug = format!("{:?} {:?}", lang.texts(), lang.desk());
            assert!(
                !debug.contains("\"\""),
                "{lang:?} has an empty text: {debug}"
            );
        }
    }
}
