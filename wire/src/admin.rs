//! What an administrator edits in `/admin`: an office with its services (average handling
//! time, booking rule), counters and opening calendar, and the staff accounts. Checked here,
//! in plain Rust, so the page can name every problem before sending and the relay refuses the
//! same ones.

use serde::{Deserialize, Serialize};

use crate::calendar::OfficeCalendar;
use crate::submission::FieldProblem;

/// Longest name or label.
pub const MAX_NAME_CHARS: usize = 60;
/// Most services and counters one office may have.
pub const MAX_SERVICES: usize = 26;
pub const MAX_COUNTERS: usize = 60;
/// Shortest staff password (NIST SP 800-63B asks at least 8; a shared counter PC asks more).
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest staff password (argon2 hashes any length; this bounds the work per login).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// An office as the administrator edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OfficeSettings {
    /// URL-safe identifier (`kokurakita`); fixed once the office exists.
    pub id: String,
    pub name: String,
    pub name_en: String,
    /// The name in the resident languages other than Japanese and English, by language code
    /// (`easy-ja`, `zh-Hans`, `ko`, `vi`, `pt-BR`); a language without one shows Japanese.
    #[serde(default, skip_serializing_if = "crate::Names::is_empty")]
    pub names: crate::Names,
    /// 所在地 residents are given (printed on every handout).
    #[serde(default)]
    pub address: String,
    /// 電話番号 residents are given (printed on every handout).
    #[serde(default)]
    pub phone: String,
    /// 宛先 of the office's own forms (`北九州市小倉北区長`); empty: made from the office's
    /// name and the city (区役所 → 区長, otherwise 市長).
    #[serde(default)]
    pub head: String,
    /// In the order kiosks show them.
    pub services: Vec<ServiceSettings>,
    /// In the order staff pick them.
    pub counters: Vec<CounterSettings>,
    pub calendar: OfficeCalendar,
}

/// Longest walk-in cut-off (minutes before the closing) a service may have.
pub const MAX_WALK_IN_CUTOFF_MINUTES: u16 = 240;

/// A service: the ticket letter, names, average handling time and, if it takes bookings, how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceSettings {
    pub id: String,
    pub prefix: String,
    pub name: String,
    pub name_en: String,
    /// The name in the resident languages other than Japanese and English, by language code
    /// (`easy-ja`, `zh-Hans`, `ko`, `vi`, `pt-BR`); a language without one shows Japanese.
    #[serde(default, skip_serializing_if = "crate::Names::is_empty")]
    pub names: crate::Names,
    /// Average handling time at the counter, for the wait estimate.
    pub avg_service_secs: u32,
    /// Walk-in tickets end this many minutes before the day's closing (`30`: 受付は16:45まで
    /// at an office closing 17:15); 0: until the closing.
    #[serde(default)]
    pub walk_in_cutoff_minutes: u16,
    /// `None`: walk-ins only.
    #[serde(default)]
    pub booking: Option<BookingRule>,
}

/// How a service is booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BookingRule {
    /// Slot length.
    pub minutes: u16,
    /// Residents per slot.
    pub capacity: u32,
    /// How many days ahead slots are offered.
    pub horizon_days: u32,
    /// Bookings close this many minutes before the slot starts.
    pub lead_minutes: u32,
}

/// A counter. `id` is `None` for a counter being added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CounterSettings {
    #[serde(default)]
    pub id: Option<i64>,
    pub label: String,
    pub label_en: String,
    /// The label in the resident languages other than Japanese and English, by language code
    /// (`easy-ja`, `zh-Hans`, `ko`, `vi`, `pt-BR`); a language without one shows Japanese.
    #[serde(default, skip_serializing_if = "crate::Names::is_empty")]
    pub names: crate::Names,
    pub service_ids: Vec<String>,
}

/// An identifier in URLs and data: 1 to 32 of a–z, 0–9, `-`, `_`, starting with a letter.
pub fn is_identifier(s: &str) -> bool {
    (1..=32).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'_')
}

/// A telephone number as residents dial it: 6 to 20 digits, hyphens, parentheses or spaces,
/// with at least 6 digits.
fn is_phone(s: &str) -> bool {
    let s = s.trim();
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (6..=20).contains(&s.chars().count())
        && digits >= 6
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '(' | ')' | ' '))
}

fn is_name(s: &str) -> bool {
    !s.trim().is_empty() && s.chars().count() <= MAX_NAME_CHARS && !s.contains(['\n', '\r'])
}

/// A name in other languages: each key a resident language's code, each name one line.
fn names_ok(names: &crate::Names, at: &str, check: &mut impl FnMut(bool, String, &'static str)) {
    for (code, name) in names {
        check(
            crate::NAME_LANGUAGES.contains(&code.as_str()),
            format!("{at}.{code}"),
            "a language code: easy-ja, zh-Hans, ko, vi or pt-BR",
        );
        check(
            is_name(name),
            format!("{at}.{code}"),
            "the name in that language, one line of 1 to 60 characters",
        );
    }
}

impl BookingRule {
    /// The demo office's rule: 30-minute slots of 2 places, 60 days ahead, until 30 minutes before.
    pub const DEFAULT: Self = Self {
        minutes: 30,
        capacity: 2,
        horizon_days: 60,
        lead_minutes: 30,
    };
}

impl OfficeSettings {
    /// Every problem, each naming the field (`services[2].prefix`) and what it must be; empty
    /// when the settings can be saved.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        let mut check = |ok: bool, field: String, expected: &'static str| {
            if !ok {
                out.push(FieldProblem { field, expected });
            }
        };
        check(
            is_identifier(&self.id),
            "id".into(),
            "1 to 32 of a-z, 0-9, - and _, starting with a letter",
        );
        check(
            is_name(&self.name),
            "name".into(),
            "the office's name, one line of 1 to 60 characters",
        );
        check(
            is_name(&self.name_en),
            "name_en".into(),
            "the English name, one line of 1 to 60 characters",
        );
        names_ok(&self.names, "names", &mut check);
        check(
            !self.address.trim().is_empty()
                && self.address.chars().count() <= 100
                && !self.address.contains(['\n', '\r']),
            "address".into(),
            "the office's address for residents, one line of 1 to 100 characters",
        );
        check(
            is_phone(&self.phone),
            "phone".into(),
            "a telephone number such as 093-582-0000 (digits, hyphens, parentheses)",
        );
        check(
            self.head.chars().count() <= 40 && !self.head.contains(['\n', '\r']),
            "head".into(),
            "the addressee of the office's forms (北九州市小倉北区長), one line of at most 40 characters, or empty",
        );
        check(
            (1..=MAX_SERVICES).contains(&self.services.len()),
            "services".into(),
            "between 1 and 26 services",
        );
        for (i, s) in self.services.iter().enumerate() {
            let at = |f: &str| format!("services[{i}].{f}");
            check(
                is_identifier(&s.id),
                at("id"),
                "1 to 32 of a-z, 0-9, - and _, starting with a letter",
            );
            check(
                !self.services[..i].iter().any(|o| o.id == s.id),
                at("id"),
                "an id no other service of the office has",
            );
            check(
                (1..=2).contains(&s.prefix.len())
                    && s.prefix.bytes().all(|c| c.is_ascii_uppercase()),
                at("prefix"),
                "one or two letters A-Z that start the ticket numbers",
            );
            check(
                !self.services[..i].iter().any(|o| o.prefix == s.prefix),
                at("prefix"),
                "a ticket letter no other service of the office uses",
            );
            names_ok(&s.names, &at("names"), &mut check);
            check(
                is_name(&s.name),
                at("name"),
                "the service's name, one line of 1 to 60 characters",
            );
            check(
                is_name(&s.name_en),
                at("name_en"),
                "the English name, one line of 1 to 60 characters",
            );
            check(
                (60..=4 * 3600).contains(&s.avg_service_secs),
                at("avg_service_secs"),
                "between 60 seconds and 4 hours",
            );
            check(
                s.walk_in_cutoff_minutes <= MAX_WALK_IN_CUTOFF_MINUTES,
                at("walk_in_cutoff_minutes"),
                "0 to 240 minutes before the closing",
            );
            if let Some(b) = &s.booking {
                check(
                    (5..=240).contains(&b.minutes),
                    at("booking.minutes"),
                    "a slot of 5 to 240 minutes",
                );
                check(
                    (1..=50).contains(&b.capacity),
                    at("booking.capacity"),
                    "1 to 50 residents per slot",
                );
                check(
                    (1..=365).contains(&b.horizon_days),
                    at("booking.horizon_days"),
                    "1 to 365 days ahead",
                );
                check(
                    b.lead_minutes <= 7 * 24 * 60,
                    at("booking.lead_minutes"),
                    "at most 7 days (10080 minutes)",
                );
            }
        }
        check(
            (1..=MAX_COUNTERS).contains(&self.counters.len()),
            "counters".into(),
            "between 1 and 60 counters",
        );
        for (i, c) in self.counters.iter().enumerate() {
            let at = |f: &str| format!("counters[{i}].{f}");
            names_ok(&c.names, &at("names"), &mut check);
            check(
                c.id.is_none_or(|id| id > 0),
                at("id"),
                "the id of an existing counter, or none for a new one",
            );
            check(
                c.id.is_none() || !self.counters[..i].iter().any(|o| o.id == c.id),
                at("id"),
                "each counter once",
            );
            check(
                is_name(&c.label),
                at("label"),
                "the label as announced (3番窓口), one line of 1 to 60 characters",
            );
            check(
                !self.counters[..i].iter().any(|o| o.label == c.label),
                at("label"),
                "a label no other counter of the office has",
            );
            check(
                is_name(&c.label_en),
                at("label_en"),
                "the English label, one line of 1 to 60 characters",
            );
            check(
                !c.service_ids.is_empty()
                    && c.service_ids.iter().enumerate().all(|(j, id)| {
                        self.services.iter().any(|s| &s.id == id)
                            && !c.service_ids[..j].contains(id)
                    }),
                at("service_ids"),
                "at least one of the office's services, each once",
            );
        }
        for (i, s) in self.services.iter().enumerate() {
            check(
                self.counters.iter().any(|c| c.service_ids.contains(&s.id)),
                format!("services[{i}].id"),
                "a service that at least one counter calls",
            );
        }
        check(
            self.calendar.closed.len() <= 400 && self.calendar.extra.len() <= 100,
            "calendar".into(),
            "at most 400 closed days and 100 extra opening days",
        );
        if let Err(e) = self.calendar.validate() {
            out.push(FieldProblem {
                field: format!("calendar ({e})"),
                expected: "opening windows within the day, each opening before it closes",
            });
        }
        out
    }
}

/// Role of a staff account.
pub use crate::Role;

/// A staff account as `/admin` lists it. Never the password or its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StaffAccount {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    /// A disabled account cannot log in; its sessions ended when it was disabled.
    pub disabled: bool,
    /// Locked after wrong passwords in a row until this time (ms since the epoch); absent
    /// when not locked now. An admin lifts it with `{"unlock": true}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked_until_ms: Option<i64>,
}

/// Body of `POST /api/staff`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewStaff {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
}

/// Body of `PUT /api/staff/{id}`: what changes. A new password ends the account's sessions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffUpdate {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub disabled: Option<bool>,
    #[serde(default)]
    pub password: Option<String>,
    /// `true`: lift a lock after wrong passwords (a new password lifts it too).
    #[serde(default)]
    pub unlock: Option<bool>,
}

/// A login: 3 to 32 of a–z, 0–9, `.`, `-`, `_`.
pub fn is_login(s: &str) -> bool {
    (3..=32).contains(&s.len())
        && s.bytes().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-' || c == b'_'
        })
}

/// Whether `password` may be set: long enough, not too long, not only spaces.
pub fn password_ok(password: &str) -> bool {
    password.chars().count() >= MIN_PASSWORD_CHARS
        && password.len() <= MAX_PASSWORD_BYTES
        && !password.trim().is_empty()
}

impl NewStaff {
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        if !is_login(&self.login) {
            out.push(FieldProblem {
                field: "login".into(),
                expected: "3 to 32 of a-z, 0-9, '.', '-' and '_'",
            });
        }
        if !is_name(&self.display_name) {
            out.push(FieldProblem {
                field: "display_name".into(),
                expected: "the name shown to colleagues, one line of 1 to 60 characters",
            });
        }
        if !password_ok(&self.password) {
            out.push(FieldProblem {
                field: "password".into(),
                expected: "at least 10 characters",
            });
        }
        out
    }
}

impl StaffUpdate {
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        if self.display_name.as_deref().is_some_and(|n| !is_name(n)) {
            out.push(FieldProblem {
                field: "display_name".into(),
                expected: "the name shown to colleagues, one line of 1 to 60 characters",
            });
        }
        if self.password.as_deref().is_some_and(|p| !password_ok(p)) {
            out.push(FieldProblem {
                field: "password".into(),
                expected: "at least 10 characters",
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> OfficeSettings {
        OfficeSettings {
            names: Default::default(),
            id: "minami".into(),
            name: "南区役所".into(),
            name_en: "Minami Ward Office".into(),
            address: "北九州市小倉南区若園五丁目1番2号".into(),
            phone: "093-000-0000".into(),
            head: String::new(),
            services: vec![
                ServiceSettings {
                    names: Default::default(),
                    id: "jumin".into(),
                    prefix: "A".into(),
                    name: "市民課".into(),
                    name_en: "Citizens".into(),
                    avg_service_secs: 600,
                    walk_in_cutoff_minutes: 0,
                    booking: Some(BookingRule::DEFAULT),
                },
                ServiceSettings {
                    names: Default::default(),
                    id: "kokuho".into(),
                    prefix: "B".into(),
                    name: "国保年金課".into(),
                    name_en: "Insurance".into(),
                    avg_service_secs: 720,
                    walk_in_cutoff_minutes: 30,
                    booking: None,
                },
            ],
            counters: vec![
                CounterSettings {
                    names: Default::default(),
                    id: Some(1),
                    label: "1番窓口".into(),
                    label_en: "Counter 1".into(),
                    service_ids: vec!["jumin".into()],
                },
                CounterSettings {
                    names: Default::default(),
                    id: None,
                    label: "2番窓口".into(),
                    label_en: "Counter 2".into(),
                    service_ids: vec!["kokuho".into(), "jumin".into()],
                },
            ],
            calendar: OfficeCalendar::weekdays(510, 1035),
        }
    }

    fn fields(s: &OfficeSettings) -> Vec<String> {
        s.problems().into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn sound_settings_have_no_problem() {
        assert_eq!(fields(&demo()), Vec::<String>::new());
    }

    #[test]
    fn each_problem_names_its_field() {
        let mut s = demo();
        s.services[1].prefix = "A".into();
        s.services[0].avg_service_secs = 10;
        s.counters[1].service_ids = vec!["nenkin".into()];
        s.counters[1].label = "1番窓口".into();
        s.services[0].booking = Some(BookingRule {
            capacity: 0,
            ..BookingRule::DEFAULT
        });
        assert_eq!(
            fields(&s),
            [
                "services[0].avg_service_secs",
                "services[0].booking.capacity",
                "services[1].prefix",
                "counters[1].label",
                "counters[1].service_ids",
                "services[1].id",
            ]
        );
    }

    #[test]
    fn a_bad_calendar_is_named() {
        let mut s = demo();
        s.calendar.weekly[2] = vec![(600, 540)];
        let problems = fields(&s);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("水曜日"), "{problems:?}");
    }

    #[test]
    fn logins_and_passwords() {
        assert!(is_login("tanaka.h"));
        assert!(!is_login("Tanaka"));
        assert!(!is_login("ab"));
        assert!(password_ok("correct horse"));
        assert!(!password_ok("short"));
        assert!(!password_ok("          "));
        let s = NewStaff {
            login: "x".into(),
            display_name: String::new(),
            role: Role::Staff,
            password: "123".into(),
        };
        let f: Vec<String> = s.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(f, ["login", "display_name", "password"]);
    }
}
