//! 申請・手続きのご案内: the resident's own list from the guide, printed first in the batch.
//! Each procedure with its status, counter, deadline as a date, what to bring, and whether it
//! was done today; a QR code to open the same result online; office, date and contact.
//! Large, clear type for elderly readers; as many A4 pages as the list needs.

use qrcodegen::{QrCode, QrCodeEcc};
use serde::{Deserialize, Serialize};

use crate::font::Font;
use crate::geometry::Paper;
use crate::pdf::{Align, Document, RenderError};

/// One procedure on the handout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoutItem {
    pub name: String,
    /// 必要な手続き / 対象の可能性あり / 確認が必要.
    pub group: String,
    pub counter: String,
    /// 「令和8年12月6日（日）まで」, or the rule's words (「速やかに」); empty when none.
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub documents: Vec<String>,
    /// 本日受付 / 後日 / 案内済み, when staff marked it.
    #[serde(default)]
    pub done: String,
}

/// Everything on the handout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handout {
    /// 「ご家族が亡くなったとき（おくやみ）」.
    pub title: String,
    /// The resident's name (「山田 太郎 様」).
    pub name: String,
    pub office: String,
    /// The day of the visit, printed 「令和8年11月22日（日）」.
    pub date: mado_civil::Date,
    /// Telephone and hours, printed at the foot.
    #[serde(default)]
    pub contact: String,
    /// The online guide result (the /apply link with the answers in its fragment).
    #[serde(default)]
    pub url: String,
    pub items: Vec<HandoutItem>,
}

const LEFT: f32 = 18.0;
const RIGHT: f32 = 192.0;

/// Draws a QR code for `url` with its top-left corner at (x, y), `size` mm wide.
fn qr(doc: &mut Document<'_>, page: usize, x: f32, y: f32, size: f32, url: &str) {
    let Ok(code) = QrCode::encode_text(url, QrCodeEcc::Medium) else {
        return;
    };
    let n = code.size();
    let quiet = 2;
    let cell = size / (n + 2 * quiet) as f32;
    for r in 0..n {
        for c in 0..n {
            if code.get_module(c, r) {
                doc.fill(
                    page,
                    x + (c + quiet) as f32 * cell,
                    y + (r + quiet) as f32 * cell,
                    cell + 0.01,
                    cell + 0.01,
                    0.0,
                );
            }
        }
    }
}

/// Characters that never start a line (行頭禁則): they take the character before them along.
const NO_LINE_START: &[char] = &[
    '、', '。', '，', '．', '）', '」', '』', '】', '・', 'ー', ')', ',', '.',
];

/// Text wider than `width` mm at `size` pt is broken into lines: at the last space when it is
/// in the second half of the line (so 「電話 093-582-2102」 stays whole), else between
/// characters, never putting 、。）」 at the start of a line.
fn wrap(font: &Font, text: &str, size: f32, width: f32) -> Vec<String> {
    let max_em = width / (size * 25.4 / 72.0);
    let mut lines = Vec::new();
    let mut line: Vec<char> = Vec::new();
    for c in text.chars() {
        line.push(c);
        let s: String = line.iter().collect();
        if font.width_em(&s) <= max_em || line.len() == 1 {
            continue;
        }
        // Overflow: break before `c`, or at a space, or earlier for 禁則.
        let mut cut = line.len() - 1;
        if let Some(sp) = line[..cut].iter().rposition(|ch| *ch == ' ' || *ch == '　')
            && sp + 1 > cut / 2
        {
            cut = sp + 1;
        }
        while cut > 1 && NO_LINE_START.contains(&line[cut]) {
            cut -= 1;
        }
        let rest = line.split_off(cut);
        let done: String = line.iter().collect();
        lines.push(done.trim_end().to_owned());
        line = rest;
        while line.first().is_some_and(|ch| *ch == ' ' || *ch == '　') {
            line.remove(0);
        }
    }
    if !line.is_empty() {
        lines.push(line.iter().collect());
    }
    lines
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn font() -> Option<Font> {
        let bytes = std::fs::read("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf").ok()?;
        Font::from_bytes(bytes).ok()
    }

    #[test]
    fn lines_break_at_spaces_and_never_start_with_closing_punctuation() {
        let Some(font) = font() else {
            panic!("install fonts-ipaexfont-gothic");
        };
        let lines = wrap(
            &font,
            "お問い合わせ: 北九州市 小倉北区役所　電話 093-582-2102　平日 8:30〜17:15",
            10.0,
            60.0,
        );
        assert!(
            lines.iter().any(|l| l.contains("093-582-2102")),
            "{lines:?}"
        );
        let lines = wrap(
            &font,
            "あいうえおかきくけこ、さしすせそ",
            12.0,
            10.0 * 12.0 * 25.4 / 72.0,
        );
        assert!(lines.iter().all(|l| !l.starts_with('、')), "{lines:?}");
        assert_eq!(lines.concat(), "あいうえおかきくけこ、さしすせそ");
    }
}

/// The groups, in the order residents read them (issue 17 item 4): each printed once.
pub const GROUP_ORDER: [&str; 3] = ["必要な手続き", "対象の可能性あり", "確認が必要"];

/// Body text size (pt): at least 12 pt for elderly readers.
const BODY: f32 = 12.0;
/// Line advance for body text, mm.
const BODY_LINE: f32 = 6.2;
/// A procedure's name, pt.
const NAME: f32 = 14.0;
const NAME_LINE: f32 = 7.0;
/// Top of the list on a continuation page, and where the foot starts.
const TOP_NEXT: f32 = 34.0;
const FOOT: f32 = 279.0;

/// `items` in [`GROUP_ORDER`], each group's items in their given order; groups the order does
/// not know come last, in the order first seen.
fn grouped(items: &[HandoutItem]) -> Vec<&HandoutItem> {
    let mut order: Vec<&str> = GROUP_ORDER.to_vec();
    for i in items {
        if !order.contains(&i.group.as_str()) {
            order.push(&i.group);
        }
    }
    let mut out: Vec<&HandoutItem> = items.iter().collect();
    out.sort_by_key(|i| order.iter().position(|g| *g == i.group));
    out
}

/// Renders the handout as the next pages of `doc`: the groups once each and in order, every
/// line wrapped inside the margins, the resident's name and 「n/N」 on every page, the office's
/// contact at every foot, body text at 12 pt.
pub fn render_handout(doc: &mut Document<'_>, font: &Font, h: &Handout) -> Result<(), RenderError> {
    let width = RIGHT - LEFT;
    let first = doc.add_page(Paper::A4);
    let mut pages = vec![first];
    let mut page = first;
    doc.text(
        page,
        105.0,
        22.0,
        20.0,
        Align::Center,
        "申請・手続きのご案内",
    )?;
    // Left of the QR code (or of the date and office when there is none).
    let head_width = width - 36.0;
    let mut y = 34.0;
    for l in wrap(font, &h.title, 13.0, head_width) {
        doc.text(page, LEFT, y, 13.0, Align::Left, &l)?;
        y += 6.5;
    }
    y += 2.0;
    for l in wrap(font, &format!("{} 様", h.name), 15.0, head_width) {
        doc.text(page, LEFT, y, 15.0, Align::Left, &l)?;
        y += 7.5;
    }
    doc.text(
        page,
        LEFT,
        y,
        11.0,
        Align::Left,
        &h.date.wareki_with_weekday(),
    )?;
    y += 6.0;
    for l in wrap(font, &h.office, 11.0, head_width) {
        doc.text(page, LEFT, y, 11.0, Align::Left, &l)?;
        y += 6.0;
    }
    if !h.url.is_empty() {
        qr(doc, page, RIGHT - 30.0, 30.0, 30.0, &h.url);
        doc.text(
            page,
            RIGHT,
            64.0,
            9.0,
            Align::Right,
            "スマートフォンで読み取ると、",
        )?;
        doc.text(
            page,
            RIGHT,
            69.0,
            9.0,
            Align::Right,
            "この一覧をいつでも見られます",
        )?;
        y = y.max(74.0);
    }
    doc.line(page, (LEFT, y), (RIGHT, y), 1.0);
    y += 9.0;
    let mut group: Option<&str> = None;
    for item in grouped(&h.items) {
        let done = if item.done.is_empty() {
            String::new()
        } else {
            format!("【{}】", item.done)
        };
        let done_mm = font.width_em(&done) * 12.0 * 25.4 / 72.0;
        let name_lines = wrap(font, &item.name, NAME, width - 8.0 - done_mm - 2.0);
        let mut body = wrap(font, &format!("窓口: {}", item.counter), BODY, width - 8.0);
        if !item.deadline.is_empty() {
            body.extend(wrap(
                font,
                &format!("期限: {}", item.deadline),
                BODY,
                width - 8.0,
            ));
        }
        if !item.documents.is_empty() {
            body.extend(wrap(
                font,
                &format!("持ち物: {}", item.documents.join("、")),
                BODY,
                width - 8.0,
            ));
        }
        let new_group = group != Some(item.group.as_str());
        let needed = NAME_LINE * name_lines.len() as f32
            + BODY_LINE * body.len() as f32
            + 5.0
            + if new_group { 12.0 } else { 0.0 };
        if y + needed > FOOT - 8.0 {
            page = doc.add_page(Paper::A4);
            pages.push(page);
            // The resident's name heads every page.
            doc.text(
                page,
                LEFT,
                20.0,
                12.0,
                Align::Left,
                &format!("{} 様　申請・手続きのご案内（続き）", h.name),
            )?;
            doc.line(page, (LEFT, 24.0), (RIGHT, 24.0), 0.6);
            y = TOP_NEXT;
        }
        if new_group {
            doc.fill(page, LEFT, y - 6.0, width, 9.0, 0.88);
            doc.text(page, LEFT + 2.0, y, 14.0, Align::Left, &item.group)?;
            group = Some(item.group.as_str());
            y += 12.0;
        }
        doc.rect(page, LEFT + 1.0, y - 4.4, 4.4, 4.4, 0.8);
        for (i, l) in name_lines.iter().enumerate() {
            doc.text(page, LEFT + 8.0, y, NAME, Align::Left, l)?;
            if i == 0 && !done.is_empty() {
                doc.text(page, RIGHT, y, 12.0, Align::Right, &done)?;
            }
            y += NAME_LINE;
        }
        for l in &body {
            doc.text(page, LEFT + 8.0, y, BODY, Align::Left, l)?;
            y += BODY_LINE;
        }
        doc.line(page, (LEFT, y - 2.8), (RIGHT, y - 2.8), 0.3);
        y += 5.0;
    }
    // Every foot: the office's contact and the page number.
    let contact = if h.contact.is_empty() {
        format!("お問い合わせ: {}", h.office)
    } else {
        format!("お問い合わせ: {}　{}", h.office, h.contact)
    };
    let contact_lines = wrap(font, &contact, 10.0, width - 16.0);
    let total = pages.len();
    for (n, p) in pages.iter().enumerate() {
        doc.line(*p, (LEFT, FOOT - 4.5), (RIGHT, FOOT - 4.5), 0.3);
        let mut fy = FOOT;
        for l in &contact_lines {
            doc.text(*p, LEFT, fy, 10.0, Align::Left, l)?;
            fy += 5.0;
        }
        doc.text(
            *p,
            RIGHT,
            FOOT,
            10.0,
            Align::Right,
            &format!("{}/{total}", n + 1),
        )?;
    }
    Ok(())
}
