//! Timing a realistic batch (the handout and eight filled forms) with a clock passed in, so
//! the same code measures natively (`mado-forms bench`) and in Chromium (the desk bundle).

use serde::{Deserialize, Serialize};

use mado_civil::Date;

use crate::data::{Data, Person, Sex};
use crate::font::Font;
use crate::handout::{Handout, HandoutItem, render_handout};
use crate::pdf::Document;
use crate::render::{FormError, render};
use crate::template::Template;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchTiming {
    pub forms: usize,
    pub pages: usize,
    pub runs: u32,
    pub median_ms: f64,
    pub max_ms: f64,
    /// Size of the PDF.
    pub bytes: usize,
}

/// A resident, a subject and answers that fill most fields.
pub fn sample_data() -> Data {
    let day = |s: &str| Date::parse_iso(s).expect("a sample date");
    let person = |name: &str, birth: &str| Person {
        name: name.into(),
        kana: "やまだ たろう".into(),
        address: "福岡県北九州市小倉北区大手町1番1号 小倉北区役所前マンション1201号室".into(),
        postal_code: "803-8501".into(),
        birth_date: Some(day(birth)),
        sex: Some(Sex::Male),
        phone: "093-582-2102".into(),
        ..Person::default()
    };
    Data {
        applicant: person("山田 太郎", "1956-05-01"),
        subject: Some(person("山田 一郎", "1930-02-03")),
        answers: [
            ("grade", "1級"),
            ("parts", "心臓機能障害"),
            ("insurance", "国民健康保険"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect(),
        event_date: Some(day("2026-11-20")),
        office: "小倉北区役所".into(),
        city: "北九州市".into(),
        head: "北九州市小倉北区長".into(),
        staff: "窓口 花子".into(),
        ..Data::new(day("2026-11-22"))
    }
}

/// A handout of twelve procedures.
pub fn sample_handout() -> Handout {
    Handout {
        title: "身体障害者手帳を受け取ったとき".into(),
        name: "山田 太郎".into(),
        office: "北九州市 小倉北区役所".into(),
        date: mado_civil::Date::parse_iso("2026-11-22").unwrap(),
        contact: "電話 093-582-2102".into(),
        url: "https://mado.example.jp/apply#shintai-techo/kitakyushu?grade=1&part=heart".into(),
        items: (1..=12)
            .map(|i| HandoutItem {
                name: format!("手続き{i}の申請"),
                group: if i <= 8 {
                    "必要な手続き".into()
                } else {
                    "対象の可能性あり".into()
                },
                counter: "区役所 保健福祉課 高齢者・障害者相談コーナー".into(),
                deadline: "令和8年12月6日（日）まで".into(),
                documents: vec!["身体障害者手帳".into(), "本人確認書類".into()],
                done: String::new(),
            })
            .collect(),
    }
}

/// Renders the handout and the first eight `templates` `runs` times; `now()` in milliseconds.
pub fn time_batch(
    font: &Font,
    templates: &[&Template],
    runs: u32,
    now: &mut dyn FnMut() -> f64,
) -> Result<BatchTiming, FormError> {
    let forms: Vec<&Template> = templates.iter().take(8).copied().collect();
    let data = sample_data();
    let handout = sample_handout();
    let mut times = Vec::with_capacity(runs as usize);
    let mut bytes = 0;
    let mut pages = 0;
    // One untimed run first: the browser compiles and optimises the code on first use.
    {
        let mut doc = Document::new(font, "warm-up");
        render_handout(&mut doc, font, &handout)?;
        render(&mut doc, font, &forms, &data)?;
        doc.finish()?;
    }
    for _ in 0..runs.max(1) {
        let t0 = now();
        let mut doc = Document::new(font, "bench");
        render_handout(&mut doc, font, &handout)?;
        render(&mut doc, font, &forms, &data)?;
        pages = doc.page_count();
        bytes = doc.finish()?.len();
        times.push(now() - t0);
    }
    times.sort_by(f64::total_cmp);
    Ok(BatchTiming {
        forms: forms.len(),
        pages,
        runs: runs.max(1),
        median_ms: times[times.len() / 2],
        max_ms: times.last().copied().unwrap_or(f64::NAN),
        bytes,
    })
}
