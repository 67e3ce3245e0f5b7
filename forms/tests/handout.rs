//! The handout lists every procedure with counter, deadline and documents, over as many pages
//! as needed, with a QR code; checked with pdftotext and rendered to PNG to look at.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use std::process::Command;

use mado_forms::{Document, Font, Handout, HandoutItem, render_handout};

#[test]
fn the_handout_lists_every_procedure_across_pages() {
    let path = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf";
    let font = Font::from_bytes(
        std::fs::read(path)
            .unwrap_or_else(|e| panic!("{path}: {e}; install fonts-ipaexfont-gothic")),
    )
    .unwrap();
    let items: Vec<HandoutItem> = (1..=14)
        .map(|i| HandoutItem {
            name: format!("手続き{i}の申請"),
            group: if i <= 8 {
                "必要な手続き".into()
            } else {
                "対象の可能性あり".into()
            },
            counter: "区役所 保健福祉課 高齢者・障害者相談コーナー（福祉優待乗車証）".into(),
            deadline: if i % 2 == 0 {
                "令和8年12月6日（日）まで（亡くなった日から14日以内）".into()
            } else {
                String::new()
            },
            documents: vec![
                "身体障害者手帳".into(),
                "本人確認書類（マイナンバーカード・運転免許証など）".into(),
                "振込先の口座がわかるもの".into(),
            ],
            done: if i == 1 {
                "本日受付".into()
            } else {
                String::new()
            },
        })
        .collect();
    let h = Handout {
        title: "身体障害者手帳を受け取ったとき".into(),
        name: "山田 太郎".into(),
        office: "北九州市 小倉北区役所".into(),
        date: mado_civil::Date::parse_iso("2026-11-22").unwrap(),
        contact: "電話 093-582-2102（平日 8時30分〜17時15分）".into(),
        url: "https://mado.example.jp/apply#shintai-techo/kitakyushu?grade=1&part=heart".into(),
        items,
    };
    let mut doc = Document::new(&font, "申請・手続きのご案内");
    render_handout(&mut doc, &font, &h).unwrap();
    assert!(doc.page_count() >= 2, "14 items take more than one page");
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/forms-artifacts");
    std::fs::create_dir_all(&out).unwrap();
    let pdf = out.join("handout.pdf");
    std::fs::write(&pdf, doc.finish().unwrap()).unwrap();
    let text = String::from_utf8(
        Command::new("pdftotext")
            .args(["-layout", pdf.to_str().unwrap(), "-"])
            .output()
            .expect("pdftotext (poppler-utils)")
            .stdout,
    )
    .unwrap();
    for want in [
        "申請・手続きのご案内",
        "山田 太郎 様",
        "手続き1の申請",
        "手続き14の申請",
        "【本日受付】",
        "期限: 令和8年12月6日（日）まで",
        "対象の可能性あり",
        "お問い合わせ: 北九州市 小倉北区役所",
    ] {
        assert!(text.contains(want), "{want:?} not in\n{text}");
    }
    let st = Command::new("pdftoppm")
        .args([
            "-png",
            "-r",
            "70",
            pdf.to_str().unwrap(),
            out.join("handout").to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(st.success());
}

/// Issue 17 item 4: the groups come once each, in the order 必要な手続き → 対象の可能性あり →
/// 確認が必要, whatever order the items arrive in; every line stays inside the margins (a long
/// 期限 like 特例転入's wraps); 「n/N」, the resident's name and the office's contact are on
/// every page.
#[test]
fn issue_17_the_handout_groups_once_wraps_every_line_and_numbers_its_pages() {
    let path = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf";
    let font = Font::from_bytes(std::fs::read(path).unwrap()).unwrap();
    let groups = ["確認が必要", "必要な手続き", "対象の可能性あり"];
    let items: Vec<HandoutItem> = (0..18)
        .map(|i| HandoutItem {
            name: format!("手続き{i:02}（マイナンバーカードの継続利用と署名用電子証明書の再発行の申請）"),
            group: groups[i % 3].into(),
            counter: "区役所 市民課".into(),
            deadline: "転入した日から14日以内。特例転入の場合は、マイナンバーカードを使って転出届をした方が、転出予定日から30日以内かつ転入した日から14日以内に来庁してください".into(),
            documents: vec!["マイナンバーカード".into()],
            done: if i == 0 { "本日受付".into() } else { String::new() },
        })
        .collect();
    let h = Handout {
        title: "引越しをするとき（転入・転居・転出）".into(),
        name: "山田 太郎".into(),
        office: "北九州市 小倉北区役所".into(),
        date: mado_civil::Date::parse_iso("2026-11-22").unwrap(),
        contact:
            "〒803-8510 北九州市小倉北区大手町1番1号　電話 093-000-0000　受付 平日 8:30〜17:15"
                .into(),
        url: "https://mado.example.jp/apply#hikkoshi/kitakyushu".into(),
        items,
    };
    let mut doc = Document::new(&font, "申請・手続きのご案内");
    render_handout(&mut doc, &font, &h).unwrap();
    let pages = doc.page_count();
    assert!(pages >= 3, "{pages} pages");
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/forms-artifacts");
    std::fs::create_dir_all(&out).unwrap();
    let pdf = out.join("handout-issue-17.pdf");
    std::fs::write(&pdf, doc.finish().unwrap()).unwrap();
    let run = |args: &[&str]| {
        String::from_utf8(
            Command::new("pdftotext")
                .args(args)
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap()
    };
    let text = run(&["-layout", pdf.to_str().unwrap(), "-"]);
    // Each group heading once, in order.
    let at: Vec<usize> = ["必要な手続き\n", "対象の可能性あり\n", "確認が必要\n"]
        .iter()
        .map(|g| {
            assert_eq!(text.matches(g.trim_end()).count(), 1, "{g} once:\n{text}");
            text.find(g.trim_end()).unwrap()
        })
        .collect();
    assert!(at[0] < at[1] && at[1] < at[2], "{at:?}");
    // Every page: its number of the whole, the resident's name, the contact.
    for (n, page_text) in text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .enumerate()
    {
        assert!(
            page_text.contains(&format!("{}/{pages}", n + 1)),
            "page {}",
            n + 1
        );
        assert!(page_text.contains("山田 太郎 様"), "name on page {}", n + 1);
        assert!(
            page_text.contains("お問い合わせ: 北九州市 小倉北区役所"),
            "contact on page {}",
            n + 1
        );
    }
    // Every word inside the margins (18–192 mm = 51.0–544.3 pt), on every page.
    let bbox = run(&["-bbox", pdf.to_str().unwrap(), "-"]);
    let mut words = 0;
    for line in bbox.lines().filter(|l| l.trim_start().starts_with("<word")) {
        let num = |key: &str| -> f32 {
            let s = &line[line.find(&format!("{key}=\"")).unwrap() + key.len() + 2..];
            s[..s.find('"').unwrap()].parse().unwrap()
        };
        let (x0, x1) = (num("xMin"), num("xMax"));
        assert!(x0 >= 50.0 && x1 <= 545.5, "{line}");
        words += 1;
    }
    assert!(words > 100);
    let st = Command::new("pdftoppm")
        .args([
            "-png",
            "-r",
            "60",
            pdf.to_str().unwrap(),
            out.join("handout-issue-17").to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(st.success());
}
