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
    /// 「令和8年11月22日（日）」.
    pub date: String,
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
const BOTTOM: f32 = 275.0;

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

/// Text wider than `width` mm at `size` pt is broken into lines by character.
fn wrap(font: &Font, text: &str, size: f32, width: f32) -> Vec<String> {
    let max_em = width / (size * 25.4 / 72.0);
    let mut lines = Vec::new();
    let mut line = String::new();
    for c in text.chars() {
        let mut next = line.clone();
        next.push(c);
        if font.width_em(&next) > max_em && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line.push(c);
        } else {
            line = next;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Renders the handout as the next pages of `doc`.
pub fn render_handout(doc: &mut Document<'_>, font: &Font, h: &Handout) -> Result<(), RenderError> {
    let mut page = doc.add_page(Paper::A4);
    doc.text(
        page,
        105.0,
        22.0,
        20.0,
        Align::Center,
        "申請・手続きのご案内",
    )?;
    doc.text(page, LEFT, 34.0, 13.0, Align::Left, &h.title)?;
    doc.text(
        page,
        LEFT,
        44.0,
        15.0,
        Align::Left,
        &format!("{} 様", h.name),
    )?;
    doc.text(page, RIGHT, 34.0, 11.0, Align::Right, &h.date)?;
    doc.text(page, RIGHT, 41.0, 11.0, Align::Right, &h.office)?;
    let mut y = 52.0;
    if !h.url.is_empty() {
        qr(doc, page, RIGHT - 30.0, 44.0, 30.0, &h.url);
        doc.text(
            page,
            RIGHT - 31.0,
            62.0,
            9.0,
            Align::Right,
            "スマートフォンで読み取ると、",
        )?;
        doc.text(
            page,
            RIGHT - 31.0,
            67.0,
            9.0,
            Align::Right,
            "この一覧をいつでも見られます",
        )?;
        y = 78.0;
    }
    doc.line(page, (LEFT, y), (RIGHT, y), 1.0);
    y += 8.0;
    let mut group = String::new();
    for item in &h.items {
        let docs = if item.documents.is_empty() {
            String::new()
        } else {
            format!("持ち物: {}", item.documents.join("、"))
        };
        let doc_lines = wrap(font, &docs, 11.0, RIGHT - LEFT - 8.0);
        let counter_lines = wrap(
            font,
            &format!("窓口: {}", item.counter),
            11.0,
            RIGHT - LEFT - 8.0,
        );
        let deadline = if item.deadline.is_empty() {
            None
        } else {
            Some(format!("期限: {}", item.deadline))
        };
        let lines = counter_lines.len() + usize::from(deadline.is_some()) + doc_lines.len();
        let needed = 7.0 + 5.5 * lines as f32 + 6.0 + if group != item.group { 11.0 } else { 0.0 };
        if y + needed > BOTTOM {
            page = doc.add_page(Paper::A4);
            y = 20.0;
            group.clear();
        }
        if group != item.group {
            doc.fill(page, LEFT, y - 5.5, RIGHT - LEFT, 8.0, 0.88);
            doc.text(page, LEFT + 2.0, y, 13.0, Align::Left, &item.group)?;
            group.clone_from(&item.group);
            y += 11.0;
        }
        doc.rect(page, LEFT + 1.0, y - 4.2, 4.2, 4.2, 0.8);
        doc.text(page, LEFT + 8.0, y, 14.0, Align::Left, &item.name)?;
        if !item.done.is_empty() {
            doc.text(
                page,
                RIGHT,
                y,
                11.0,
                Align::Right,
                &format!("【{}】", item.done),
            )?;
        }
        y += 7.0;
        for l in counter_lines.iter().chain(deadline.iter()) {
            doc.text(page, LEFT + 8.0, y, 11.0, Align::Left, l)?;
            y += 5.5;
        }
        for l in &doc_lines {
            doc.text(page, LEFT + 8.0, y, 11.0, Align::Left, l)?;
            y += 5.5;
        }
        doc.line(page, (LEFT, y - 2.5), (RIGHT, y - 2.5), 0.3);
        y += 6.0;
    }
    let foot = if h.contact.is_empty() {
        h.office.clone()
    } else {
        format!("{}　{}", h.office, h.contact)
    };
    doc.text(
        page,
        LEFT,
        285.0,
        10.0,
        Align::Left,
        &format!("お問い合わせ: {foot}"),
    )?;
    Ok(())
}
