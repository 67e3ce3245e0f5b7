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
        date: "令和8年11月22日（日）".into(),
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
