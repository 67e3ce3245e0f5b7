//! CSV for spreadsheets (RFC 4180): UTF-8 with a byte-order mark, so Excel in Japanese opens
//! it as UTF-8, CRLF line ends, fields quoted when needed, formulas defused.

use crate::db::local_day_minute;

/// A file to download (an export), never cached: exports hold personal data or the audit
/// trail.
pub(crate) fn download(
    filename: &str,
    content_type: &'static str,
    body: impl axum::response::IntoResponse,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// A CSV document being written, row by row.
pub(crate) struct Csv(String);

impl Csv {
    /// An empty document (its byte-order mark only).
    pub(crate) fn new() -> Self {
        Self(String::from("\u{FEFF}"))
    }

    /// Appends one row.
    pub(crate) fn row(&mut self, cells: &[&str]) {
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            field(&mut self.0, c);
        }
        self.0.push_str("\r\n");
    }

    pub(crate) fn finish(self) -> String {
        self.0
    }
}

/// A CSV field (RFC 4180), quoted when needed. A field that a spreadsheet would run as a
/// formula (`=`, `+`, `-`, `@`, tab, CR at the start) gets a leading `'`.
fn field(out: &mut String, value: &str) {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&value);
    }
}

/// `ms` as Japan's date and time to the minute, `YYYY-MM-DD hh:mm`.
pub(crate) fn local_time(ms: i64) -> String {
    let (day, minute) = local_day_minute(ms);
    format!("{day} {:02}:{:02}", minute / 60, minute % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        let mut out = String::new();
        field(&mut out, "=HYPERLINK(\"x\")");
        assert_eq!(out, "\"'=HYPERLINK(\"\"x\"\")\"");
        let mut out = String::new();
        field(&mut out, "北九州市, 小倉北区");
        assert_eq!(out, "\"北九州市, 小倉北区\"");
        let mut out = String::new();
        field(&mut out, "-1");
        assert_eq!(out, "'-1");
        let mut out = String::new();
        field(&mut out, "窓口 花子");
        assert_eq!(out, "窓口 花子");
    }

    #[test]
    fn a_document_has_a_byte_order_mark_and_crlf_rows() {
        let mut csv = Csv::new();
        csv.row(&["a", "b,c"]);
        csv.row(&["=1"]);
        assert_eq!(csv.finish(), "\u{FEFF}a,\"b,c\"\r\n'=1\r\n");
    }
}
