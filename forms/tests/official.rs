//! Issue 26: each template against what its official form asks, item by item. The items below
//! are written from the 様式 and the law (sources cited per form), not read off the templates:
//! every template is rendered with the full example visit (forms/examples/full-visit.json) and
//! `pdftotext` must show each item's caption and, where Mado fills it, its value; an item written
//! by hand on purpose must be reported so (個人番号 as 本人が記入（個人番号）, never filled).
//! Every template is listed, each with the source its items come from.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use std::process::Command;

use mado_forms::template::Hand;
use mado_forms::{BlankKind, Data, Document, Font, Template};

/// What an official form asks.
enum Item {
    /// A caption printed with the value Mado fills in from the example visit.
    Filled(&'static str, &'static str),
    /// A caption printed and its box left for the hand on purpose, for this reason.
    Hand(&'static str, Hand),
    /// Fixed text the form must print (its title, its 宛先, a statement).
    Text(&'static str),
}
use Item::{Filled, Hand as ByHand, Text};

struct Official {
    template: &'static str,
    /// Where the items come from.
    source: &'static str,
    items: &'static [Item],
    /// Text the form must not print (another city's wording, a wrong person's account).
    never: &'static [&'static str],
}

/// 住民基本台帳法 第22条（転入: 氏名・住所・転入の年月日・従前の住所・世帯主・続柄・住民票コード）、
/// 第23条（転居）、第24条（転出先・転出の予定年月日）、第25条（世帯変更）、第27条（届出人）、
/// 第30条の45〜47（外国人住民: 国籍等・在留資格・在留期間・満了の日・在留カードの番号）、
/// 第38条（政令市では区長）。
const JUMIN: &[Item] = &[
    Text("住民異動届"),
    Filled("届出年月日", "令和8年11月22日"),
    Text("北九州市小倉北区長"),
    Text("転入"),
    Text("転居"),
    Text("転出"),
    Text("世帯変更"),
    Filled("異動日", "令和8年11月20日"),
    Text("転出は転出の予定日"),
    Filled("新住所・転出先", "福岡県北九州市小倉北区大手町1番1号"),
    Filled("新住所の世帯主", "山田 太郎"),
    Filled("従前の住所", "福岡県福岡市中央区天神1丁目8番1号"),
    Filled("本籍", "福岡県北九州市小倉北区大手町1番"),
    Filled("筆頭者", "山田 太郎"),
    Filled("生年月日", "昭和25年2月3日"),
    Filled("続柄", "世帯主"),
    ByHand("住民票コード", Hand::Office),
    ByHand("国籍・地域", Hand::Office),
    ByHand("在留資格", Hand::Office),
    ByHand("在留期間", Hand::Office),
    ByHand("満了の日", Hand::Office),
    ByHand("カード等の番号", Hand::Office),
    Filled("届出人", "山田 花子"),
    Filled("電話番号", "093-582-2102"),
    Filled("異動者との関係", "妻"),
    ByHand("届出人署名", Hand::Signature),
];

/// 障害児福祉手当及び特別障害者手当の支給に関する省令（昭和50年厚生省令第34号）第2条・様式第1号
/// （受給資格者＝障害児: 法第17条; 福島県 要綱様式2号の並び; 本人名義の口座: 豊川市・阿見町の案内）。
const SHOUGAIJI: &[Item] = &[
    Text("障害児福祉手当認定請求書"),
    Text("様式第1号"),
    Text("北九州市長"),
    Filled("認定を受けようとする者（障害児）", "山田 太郎"),
    Filled("ふりがな", "やまだ たろう"),
    Filled("生年月日", "昭和25年2月3日"),
    Filled("住所", "福岡県北九州市小倉北区大手町1番1号"),
    ByHand("個人番号", Hand::MyNumber),
    Filled("法定代理人（保護者）", "山田 花子"),
    Filled("児との続柄", "妻"),
    Filled("手帳の番号", "北九州 第123456号"),
    Filled("等級", "1級"),
    Filled("障害名", "心臓機能障害"),
    Text("施設入所"),
    Text("特別児童扶養手当"),
    Text("障害年金など"),
    Text("障害児福祉手当所得状況届"),
    Filled("障害児本人の名義", "北九州銀行"),
    Filled("口座番号", "7654321"),
    Filled("口座名義", "ヤマダ タロウ"),
    ByHand("公金受取口座を利用する", Hand::Choice),
    ByHand("請求者（法定代理人）署名", Hand::Signature),
];

/// 同省令第15条（特別障害者手当の認定請求）。受給資格者は20歳以上の本人、口座は本人名義。
const TOKUBETSU: &[Item] = &[
    Text("特別障害者手当認定請求書"),
    Text("北九州市長"),
    Filled("請求者（認定を受けようとする者）", "山田 太郎"),
    Filled("生年月日", "昭和25年2月3日"),
    ByHand("個人番号", Hand::MyNumber),
    Filled("提出者", "山田 花子"),
    Filled("手帳の番号", "北九州 第123456号"),
    Filled("障害名", "心臓機能障害"),
    Text("病院に入院"),
    Text("特別障害者手当所得状況届"),
    Filled("受給資格者本人の名義", "北九州銀行"),
    Filled("口座番号", "7654321"),
    ByHand("請求者署名", Hand::Signature),
];

/// 同省令の所得状況届（各市の案内: 認定請求書・所得状況届・同意書は別の用紙）。本人・配偶者・
/// 扶養義務者の所得と扶養親族等の数、個人番号（平成28年厚生労働省令第101号）。
const SHOTOKU: &[Item] = &[
    Filled("受給資格者", "山田 太郎"),
    Text("所得の年"),
    Filled("本人", "1,200,000円"),
    Filled("扶養親族等", "1人"),
    ByHand("個人番号", Hand::MyNumber),
    Text("扶養義務者"),
    Text("配偶者"),
    ByHand("控除の内容", Hand::Choice),
    Filled("届出者", "山田 花子"),
    ByHand("署名", Hand::Signature),
];

/// 高齢者の医療の確保に関する法律施行規則第26条（資格喪失）; 福岡県後期高齢者医療広域連合規則
/// 第7号第2条: 様式第1号「資格得喪に関する申請書兼届出書」。
const KOUKI_SOUSHITSU: &[Item] = &[
    Text("資格得喪に関する申請書兼届出書"),
    Text("様式第1号"),
    Text("福岡県後期高齢者医療広域連合長"),
    Text("資格喪失"),
    Filled("被保険者番号", "12-3456"),
    ByHand("個人番号", Hand::MyNumber),
    Filled("氏名", "山田 太郎"),
    Filled("生年月日", "昭和25年2月3日"),
    Filled("死亡・転出の日", "令和8年11月20日"),
    Filled("届出人", "山田 花子"),
    Filled("被保険者との続柄", "妻"),
    ByHand("届出人署名", Hand::Signature),
];

/// 同施行規則第8条第1項（障害認定の申請）。福岡県は様式第1号、北海道は広域連合の申請書。
const KOUKI_NINTEI: &[Item] = &[
    Filled("申請者（認定を受ける人）", "山田 太郎"),
    Filled("生年月日", "昭和25年2月3日"),
    ByHand("個人番号", Hand::MyNumber),
    Filled("保険者番号", "401000"),
    Filled("記号・番号", "12-3456"),
    Filled("身体障害者手帳", "1級"),
    ByHand("申請者署名", Hand::Signature),
];

/// 高齢者の医療の確保に関する法律第86条（葬祭費: 葬祭を行った者に支給）。
const KOUKI_SOUSAIHI: &[Item] = &[
    Filled("被保険者番号", "12-3456"),
    Filled("死亡年月日", "令和8年11月20日"),
    Filled("葬祭年月日", "令和8年11月23日"),
    Filled("申請者（葬祭を行った方・喪主）", "山田 花子"),
    Filled("故人との続柄", "妻"),
    Filled("口座番号", "1234567"),
    ByHand("申請者（喪主）署名", Hand::Signature),
];

/// 身体障害者福祉法第15条・同法施行規則第2条（氏名・居住地・生年月日・個人番号・性別、写真、
/// 15歳未満は保護者）。
const TECHO: &[Item] = &[
    Text("身体障害者手帳交付申請書"),
    Filled("氏名", "山田 太郎"),
    Filled("生年月日", "昭和25年2月3日"),
    Filled("住所", "福岡県北九州市小倉北区大手町1番1号"),
    ByHand("写真貼付欄", Hand::Photo),
    ByHand("個人番号", Hand::MyNumber),
    Filled("保護者氏名", "山田 花子"),
    Filled("障害名", "心臓機能障害"),
    Text("指定医"),
    ByHand("申請者署名", Hand::Signature),
];

/// 北九州市重度障害者医療費支給制度（file_0186: 手帳・健康保険・本人の所得）。
const JUUDO_KK: &[Item] = &[
    Text("重度障害者医療証交付申請書"),
    Filled("対象者氏名", "山田 太郎"),
    Filled("手帳番号", "北九州 第123456号"),
    Filled("等級", "1級"),
    Filled("障害名", "心臓機能障害"),
    Filled("保険の種類", "国民健康保険"),
    Filled("保険者名", "北九州市"),
    Filled("記号・番号", "12-3456"),
    Filled("保険者番号", "401000"),
    Filled("申請者氏名", "山田 花子"),
    ByHand("署名", Hand::Signature),
];

/// 北見市重度心身障がい者医療費助成（content=9124: 1・2級と3級内部、生計維持者の所得）。
const JUUDO_KT: &[Item] = &[
    Text("重度心身障がい者医療費受給者証交付申請書"),
    Filled("受給者", "山田 太郎"),
    Filled("手帳の番号", "北九州 第123456号"),
    Text("3級の内部障がい"),
    Filled("保険者名", "北九州市"),
    Filled("記号・番号", "12-3456"),
    Text("後期高齢者医療に加入"),
    Text("主たる生計維持者"),
    Filled("本人の所得額", "1,200,000円"),
    Text("世帯全員が市民税非課税"),
    Filled("申請者氏名", "山田 花子"),
    ByHand("署名", Hand::Signature),
];

/// 北見市子ども医療費助成に関する条例施行規則（平成18年規則第94号）; 北見市の案内: 申請者と対象者の
/// 個人番号、生計維持者（市外なら所得課税証明書）; 札幌市規則 様式1。
const KODOMO_KT: &[Item] = &[
    Text("子ども医療費受給資格登録申請書"),
    Filled("申請者（保護者）", "山田 花子"),
    ByHand("個人番号", Hand::MyNumber),
    Filled("生計維持者", "山田 一郎"),
    Filled("申請者との続柄", "長男"),
    Text("1月1日に北見市外"),
    Filled("ふりがな・氏名", "山田 翔"),
    Filled("生年月日", "令和元年5月5日"),
    Filled("続柄", "孫"),
    Filled("保険者名", "北九州市"),
    Filled("記号・番号", "北九 12-3457"),
    Filled("被保険者氏名", "山田 太郎"),
    ByHand("申請者署名", Hand::Signature),
];

/// 北九州市子ども医療費支給制度（北九州市の案内 11700129: 子の健康保険、市外の生計維持者は所得額証明書;
/// 福岡県の補助を受ける市（春日市・大野城市）: 3歳以上の子の生計維持者の所得を確認）。個人番号は求めない。
const KODOMO_KK: &[Item] = &[
    Text("子ども医療証交付申請書"),
    Text("北九州市長"),
    Filled("申請者（保護者）", "山田 花子"),
    Filled("ふりがな・氏名", "山田 翔"),
    Filled("保護者との続柄", "孫"),
    Filled("生年月日", "令和元年5月5日"),
    Filled("保険者名", "北九州市"),
    Filled("記号・番号", "北九 12-3457"),
    Filled("被保険者氏名", "山田 太郎"),
    Text("生計維持者"),
    Filled("申請者との続柄", "長男"),
    Filled("氏名", "山田 一郎"),
    Text("1月1日に北九州市外"),
    Text("所得の状況を市が調べることに同意"),
    ByHand("申請者署名", Hand::Signature),
];

/// 国民健康保険法施行規則第2条・第3条（取得）・第11条〜第13条（喪失）; 世帯主と対象の方の個人番号
/// （北見市の案内）。
const KOKUHO_SHIKAKU: &[Item] = &[
    Text("国民健康保険資格取得・喪失届"),
    Text("取得"),
    Text("喪失"),
    Filled("異動年月日", "令和8年11月20日"),
    Text("死亡"),
    Text("後期高齢者医療に加入"),
    Filled("前住所", "福岡県福岡市中央区天神1丁目8番1号"),
    Filled("新住所・転出先", "福岡県北九州市小倉北区大手町1番1号"),
    Filled("世帯主", "山田 太郎"),
    ByHand("世帯主の個人番号", Hand::MyNumber),
    Filled("届出人氏名", "山田 花子"),
    Filled("届出の対象となる方", "昭和25年2月3日"),
    ByHand("個人番号", Hand::MyNumber),
    ByHand("届出人署名", Hand::Signature),
];

/// 国民健康保険法第58条（葬祭を行う者に支給）と両市の案内（喪主の預金通帳）。
const KOKUHO_SOUSAIHI: &[Item] = &[
    Text("国民健康保険葬祭費支給申請書"),
    Filled("亡くなった方（被保険者）", "山田 太郎"),
    Filled("記号・番号", "12-3456"),
    Filled("死亡年月日", "令和8年11月20日"),
    Filled("葬祭年月日", "令和8年11月23日"),
    Filled("申請者（葬祭を行った方・喪主）", "山田 花子"),
    Filled("故人との続柄", "妻"),
    Filled("喪主）名義の口座", "1234567"),
    ByHand("申請者（喪主）署名", Hand::Signature),
];

/// 介護保険法施行規則第32条（氏名・喪失の年月日と理由・被保険者番号）; 個人番号（平成28年から）。
const KAIGO: &[Item] = &[
    Text("介護保険資格喪失届"),
    Filled("被保険者番号", "0012345678"),
    ByHand("個人番号", Hand::MyNumber),
    Filled("氏名", "山田 太郎"),
    Text("喪失の理由"),
    Filled("死亡・転出の日", "令和8年11月20日"),
    Filled("届出人", "山田 花子"),
    ByHand("届出人署名", Hand::Signature),
];

/// 児童手当法施行規則第7条（受給事由消滅の届出）; 事由の並びは安城市の案内。
const JIDOU_SHOMETSU: &[Item] = &[
    Text("児童手当受給事由消滅届"),
    Filled("受給者", "山田 花子"),
    Filled("住所", "福岡県北九州市小倉北区大手町1番1号"),
    ByHand("受給者番号", Hand::Office),
    Text("市外へ転出"),
    Text("公務員になった"),
    Text("児童が亡くなった"),
    Filled("事由が生じた日", "令和8年11月20日"),
    Filled("転出先", "福岡県北九州市小倉北区大手町1番1号"),
    Text("15日以内に認定請求"),
    ByHand("受給者署名", Hand::Signature),
];

/// 住民基本台帳法第25条（世帯変更: 氏名・変更があった事項・変更の年月日）・第27条（届出人）; 住民異動届の
/// 「世帯変更」として。
const SETAI: &[Item] = &[
    Text("住民異動届"),
    Text("世帯変更（世帯主変更）"),
    Filled("異動年月日", "令和8年11月20日"),
    Text("世帯主の死亡"),
    Filled("住所", "福岡県北九州市小倉北区大手町1番1号"),
    Filled("旧世帯主", "山田 太郎"),
    ByHand("新世帯主", Hand::Choice),
    Filled("届出人", "山田 花子"),
    Filled("亡くなった方との続柄", "妻"),
    Text("変更後の世帯員"),
    ByHand("届出人署名", Hand::Signature),
];

/// 障害者総合支援法第76条・同法施行規則第65条の7; 補装具費支給事務取扱指針の様式例（申請者・使用する人の
/// 個人番号、種目・区分、世帯の市民税）; 46万円は世帯の誰か1人の所得割額（北九州市 file_0890）。
const HOSOUGU: &[Item] = &[
    Text("補装具費（購入・借受け・修理）支給申請書"),
    Filled("補装具を使用する人", "山田 太郎"),
    ByHand("個人番号", Hand::MyNumber),
    Text("要介護認定"),
    ByHand("受けていない", Hand::Choice),
    Filled("申請者氏名", "山田 花子"),
    Filled("申請者住所", "福岡県北九州市小倉北区大手町1番1号"),
    Filled("手帳番号", "北九州 第123456号"),
    Filled("等級", "1級"),
    ByHand("種目・名称", Hand::Choice),
    Text("借受け"),
    Text("世帯の状況"),
    ByHand("所得割額", Hand::Office),
    Text("46万円以上の方がいる"),
    ByHand("申請者署名", Hand::Signature),
];

/// 児童手当法施行規則 様式第2号（第1条の4）、令和6年10月改正後: 請求者・配偶者・児童の個人番号、兄姉等の欄、
/// 請求者名義の口座（春日井市・久留米市の案内）。
const JIDOU_NINTEI: &[Item] = &[
    Text("児童手当認定請求書"),
    Text("様式第2号"),
    Filled("請求者", "山田 花子"),
    ByHand("個人番号", Hand::MyNumber),
    Filled("職業", "会社員"),
    Filled("配偶者の氏名", "山田 太郎"),
    ByHand("配偶者の個人番号", Hand::MyNumber),
    ByHand("被用者", Hand::Choice),
    Filled("支給要件児童（高校生年代まで）", "山田 翔"),
    Text("児童の兄姉等"),
    Text("監護相当・生計費の負担についての確認書"),
    Filled("請求者名義の口座", "1234567"),
    ByHand("公金受取口座を利用する", Hand::Choice),
    ByHand("請求者署名", Hand::Signature),
];

/// 児童手当法施行規則 様式第4号（第2条・第3条）; 事由は登別市の案内、期限は北九州市の案内。
const JIDOU_GAKU: &[Item] = &[
    Text("児童手当 額改定認定請求書・額改定届"),
    Text("様式第4号"),
    Text("減額（額改定届）"),
    Filled("受給者", "山田 花子"),
    ByHand("個人番号", Hand::MyNumber),
    ByHand("受給者番号", Hand::Office),
    Filled("配偶者の氏名", "山田 太郎"),
    Text("児童が亡くなった"),
    Text("大学生年代の子を加える"),
    Filled("事由が生じた日", "令和8年11月20日"),
    Filled("対象となる児童", "山田 太郎"),
    ByHand("受給者署名", Hand::Signature),
];

/// 印鑑登録申請書: 政令市の例（福岡市印鑑条例第3条・同施行規則第4条、札幌市印鑑条例施行規則 様式1）;
/// 北九州市の印鑑登録証は北九州市民カード。
const INKAN: &[Item] = &[
    Text("印鑑登録申請書"),
    Text("北九州市小倉北区長"),
    Filled("登録する方", "山田 太郎"),
    Filled("生年月日", "昭和25年2月3日"),
    ByHand("登録する印鑑", Hand::Seal),
    Text("代理人"),
    Text("保証人"),
    Filled("申請者", "山田 花子"),
    ByHand("署名", Hand::Signature),
    ByHand("市民カード", Hand::Office),
];

/// 特別児童扶養手当等の支給に関する法律施行規則 様式第一号: 請求者（父母・養育者）・配偶者・対象児童・
/// 請求者と配偶者・扶養義務者の所得・請求者名義の口座（石川県の様式）。
const TOKUJI: &[Item] = &[
    Text("特別児童扶養手当認定請求書"),
    Text("様式第一号"),
    Filled("請求者（児童を育てている父母・養育者）", "山田 花子"),
    ByHand("個人番号", Hand::MyNumber),
    Filled("児との続柄", "妻"),
    Filled("配偶者の氏名", "山田 太郎"),
    Filled("対象となる児童", "山田 太郎"),
    Filled("手帳の番号", "北九州 第123456号"),
    Filled("障害名", "心臓機能障害"),
    Text("所得の状況"),
    ByHand("所得額", Hand::Choice),
    Filled("請求者名義", "1234567"),
    ByHand("請求者署名", Hand::Signature),
];

/// 児童手当法施行規則による受給者の住所・氏名の変更の届出（北九州市の手続きの一覧）。
const JIDOU_HENKOU: &[Item] = &[
    Text("児童手当 住所・氏名変更届"),
    Filled("受給者", "山田 花子"),
    ByHand("受給者番号", Hand::Office),
    Filled("新しい住所", "福岡県北九州市小倉北区大手町1番1号"),
    Filled("前の住所", "福岡県福岡市中央区天神1丁目8番1号"),
    Filled("変わった日", "令和8年11月20日"),
    Text("児童の住所"),
    ByHand("受給者署名", Hand::Signature),
];

/// 北九州市子ども医療費支給制度の変更の届出（札幌市の変更届・標津町の届出の一覧の事由）。
const KODOMO_HENKOU: &[Item] = &[
    Text("子ども医療証 変更届"),
    Filled("医療証を持っている子", "山田 翔"),
    ByHand("医療証の番号", Hand::Office),
    Filled("届け出る人（保護者）", "山田 花子"),
    Text("市外・国外へ転出"),
    Text("健康保険"),
    Filled("新住所・転出先", "福岡県北九州市小倉北区大手町1番1号"),
    Filled("変わった日", "令和8年11月20日"),
    ByHand("保護者署名", Hand::Signature),
];

const OFFICIAL: &[Official] = &[
    Official {
        template: "tokubetsu-jidou-fuyou",
        source: "特児扶法施行規則 様式第一号（北九州市長あて）",
        items: TOKUJI,
        never: &["北海道"],
    },
    Official {
        template: "tokubetsu-jidou-fuyou-hokkaido",
        source: "特児扶法施行規則 様式第一号（北海道知事あて、北見市経由）",
        items: TOKUJI,
        never: &[],
    },
    Official {
        template: "jidou-teate-henkou",
        source: "児童手当法施行規則（住所・氏名の変更）",
        items: JIDOU_HENKOU,
        never: &[],
    },
    Official {
        template: "kodomo-iryo-henkou",
        source: "北九州市 子ども医療費支給制度（変更）",
        items: KODOMO_HENKOU,
        never: &[],
    },
    Official {
        template: "inkan-touroku",
        source: "政令市の印鑑条例・施行規則の例",
        items: INKAN,
        never: &[],
    },
    Official {
        template: "jidou-teate-gakukaitei",
        source: "児童手当法施行規則 様式第4号",
        items: JIDOU_GAKU,
        never: &[],
    },
    Official {
        template: "jidou-teate-nintei",
        source: "児童手当法施行規則 様式第2号（令和6年10月改正後）",
        items: JIDOU_NINTEI,
        never: &["所得・課税"],
    },
    Official {
        template: "hosougu-shinsei",
        source: "補装具費支給事務取扱指針 様式例",
        items: HOSOUGU,
        never: &["本人と配偶者の合計"],
    },
    Official {
        template: "setainushi-henkou",
        source: "住民基本台帳法第25条・第27条",
        items: SETAI,
        never: &[],
    },
    Official {
        template: "jidou-teate-shometsu",
        source: "児童手当法施行規則第7条",
        items: JIDOU_SHOMETSU,
        never: &[],
    },
    Official {
        template: "kokuho-shikaku",
        source: "国保法施行規則第2条・第3条・第11〜13条",
        items: KOKUHO_SHIKAKU,
        never: &[],
    },
    Official {
        template: "kokuho-sousaihi",
        source: "国保法第58条",
        items: KOKUHO_SOUSAIHI,
        never: &[],
    },
    Official {
        template: "kaigo-soushitsu",
        source: "介護保険法施行規則第32条",
        items: KAIGO,
        never: &[],
    },
    Official {
        template: "kodomo-iryo-shinsei",
        source: "北九州市 子ども医療費支給制度（11700129）; 福岡県補助（春日市・大野城市）",
        items: KODOMO_KK,
        never: &["北見", "個人番号"],
    },
    Official {
        template: "kodomo-iryo-shinsei-kitami",
        source: "北見市 子ども医療費助成（規則第94号、2016年の案内）",
        items: KODOMO_KT,
        never: &["子ども医療証交付申請書"],
    },
    Official {
        template: "juudo-iryo-shinsei",
        source: "北九州市 重度障害者医療証（file_0186）",
        items: JUUDO_KK,
        never: &["生計維持者"],
    },
    Official {
        template: "juudo-iryo-shinsei-kitami",
        source: "北見市 重度心身障がい者医療費助成（content=9124）",
        items: JUUDO_KT,
        never: &["重度障害者医療証"],
    },
    Official {
        template: "jumin-ido",
        source: "住民基本台帳法 第22〜25条・第27条・第30条の45〜47・第38条",
        items: JUMIN,
        never: &[],
    },
    Official {
        template: "jumin-ido-kitami",
        source: "住民基本台帳法（北見市には区がない）",
        items: JUMIN,
        never: &["区間異動"],
    },
    Official {
        template: "shougaiji-fukushi-teate",
        source: "省令第34号 様式第1号",
        items: SHOUGAIJI,
        never: &["1234567", "ヤマダ ハナコ"],
    },
    Official {
        template: "shougaiji-fukushi-shotoku",
        source: "省令第34号 所得状況届",
        items: SHOTOKU,
        never: &[],
    },
    Official {
        template: "tokubetsu-shougaisha-teate",
        source: "省令第34号 第15条",
        items: TOKUBETSU,
        never: &["1234567", "1,200,000円"],
    },
    Official {
        template: "tokubetsu-shougaisha-shotoku",
        source: "省令第34号 所得状況届",
        items: SHOTOKU,
        never: &[],
    },
    Official {
        template: "kouki-soushitsu",
        source: "福岡県広域連合規則第7号 様式第1号",
        items: KOUKI_SOUSHITSU,
        never: &[],
    },
    Official {
        template: "kouki-shougai-nintei",
        source: "福岡県広域連合規則第7号 様式第1号",
        items: KOUKI_NINTEI,
        never: &["北海道後期"],
    },
    Official {
        template: "kouki-shougai-nintei-hokkaido",
        source: "北海道広域連合 障害認定申請書",
        items: KOUKI_NINTEI,
        never: &["福岡県後期"],
    },
    Official {
        template: "kouki-sousaihi",
        source: "高確法第86条; 福岡県広域連合",
        items: KOUKI_SOUSAIHI,
        never: &["北海道後期"],
    },
    Official {
        template: "kouki-sousaihi-hokkaido",
        source: "高確法第86条; 北海道広域連合",
        items: KOUKI_SOUSAIHI,
        never: &["福岡県後期"],
    },
    Official {
        template: "shintai-techo-koufu",
        source: "身体障害者福祉法第15条（北九州市: 指定都市）",
        items: TECHO,
        never: &["北海道"],
    },
    Official {
        template: "shintai-techo-koufu-hokkaido",
        source: "身体障害者福祉法第15条（北海道知事あて、北見市経由）",
        items: TECHO,
        never: &["再交付の理由"],
    },
];

fn font() -> Font {
    let path = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf";
    Font::from_bytes(std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

fn sample() -> Data {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/full-visit.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn templates() -> Vec<Template> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    mado_forms::load::load_dir(&dir)
        .unwrap_or_else(|d| panic!("{d:?}"))
        .into_iter()
        .map(|l| l.template)
        .collect()
}

/// The page's text with runs of spaces made one, as pdftotext lays it out.
fn text_of(t: &Template, data: &Data, font: &Font) -> String {
    let mut doc = Document::new(font, &t.title);
    mado_forms::render(&mut doc, font, &[t], data).unwrap_or_else(|e| panic!("{}: {e}", t.id));
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/forms-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    let pdf = dir.join(format!("official-{}.pdf", t.id));
    std::fs::write(&pdf, doc.finish().unwrap()).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_template_is_checked_against_its_official_form() {
    let all = templates();
    for t in &all {
        let n = OFFICIAL.iter().filter(|o| o.template == t.id).count();
        assert_eq!(n, 1, "{}: listed {n} times in OFFICIAL", t.id);
    }
    for o in OFFICIAL {
        assert!(
            all.iter().any(|t| t.id == o.template),
            "no template {}",
            o.template
        );
    }
}

#[test]
fn each_form_prints_what_its_official_form_asks() {
    let font = font();
    let data = sample();
    let all = templates();
    let mut failures = Vec::new();
    for o in OFFICIAL {
        let t = all.iter().find(|t| t.id == o.template).unwrap();
        let text = text_of(t, &data, &font);
        let blanks = mado_forms::blanks(&[t], &data).unwrap();
        let mut fail =
            |what: String| failures.push(format!("{} ({}): {what}", o.template, o.source));
        for item in o.items {
            match item {
                Text(s) => {
                    if !text.contains(s) {
                        fail(format!("{s:?} is not printed"));
                    }
                }
                Filled(caption, value) => {
                    if !text.contains(caption) {
                        fail(format!("no {caption:?}"));
                    }
                    if !text.contains(value) {
                        fail(format!("{caption:?} is not filled with {value:?}"));
                    }
                }
                ByHand(caption, why) => {
                    if !text.contains(caption) {
                        fail(format!("no {caption:?}"));
                    }
                    let bare = |s: &str| s.replace([' ', '　'], "");
                    let reported = blanks.iter().any(|b| {
                        let (field, caption) = (bare(&b.field), bare(caption));
                        b.kind == BlankKind::Hand(*why)
                            && (field.contains(&caption) || caption.contains(&field))
                    });
                    if !reported {
                        fail(format!("{caption:?} is not reported as {}", why.ja()));
                    }
                }
            }
        }
        for s in o.never {
            if text.contains(s) {
                fail(format!("prints {s:?}"));
            }
        }
        // Nothing Mado could fill is left for the hand with a full visit.
        for b in blanks.iter().filter(|b| b.is_missing()) {
            fail(format!("left blank: {b}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every template as each city prints it (its office, its head as 宛先), rasterised into
/// e2e/artifacts/forms/<city>/ to be looked at; the forms a city never prints (another city's
/// own) are skipped.
#[test]
fn every_form_of_each_city_is_rasterised_to_be_looked_at() {
    let font = font();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../e2e/artifacts/forms");
    for (city, office, name, head) in [
        (
            "kitakyushu",
            "小倉北区役所",
            "北九州市",
            "北九州市小倉北区長",
        ),
        ("kitami", "北見市役所", "北見市", "北見市長"),
    ] {
        let mut data = sample();
        data.office = office.into();
        data.city = name.into();
        data.head = head.into();
        let dir = root.join(city);
        std::fs::create_dir_all(&dir).unwrap();
        let mut n = 0;
        for t in templates()
            .iter()
            .filter(|t| t.cities.is_empty() || t.cities.iter().any(|c| c == city))
        {
            let mut doc = Document::new(&font, &t.title);
            mado_forms::render(&mut doc, &font, &[t], &data).unwrap();
            let pdf = dir.join(format!("{}.pdf", t.id));
            std::fs::write(&pdf, doc.finish().unwrap()).unwrap();
            let stem = dir.join(&t.id);
            let ok = Command::new("pdftoppm")
                .args([
                    "-png",
                    "-r",
                    "60",
                    pdf.to_str().unwrap(),
                    stem.to_str().unwrap(),
                ])
                .status()
                .expect("pdftoppm (poppler-utils)")
                .success();
            assert!(ok, "{city}/{}", t.id);
            let png = dir.join(format!("{}-1.png", t.id));
            assert!(
                std::fs::metadata(&png).is_ok_and(|m| m.len() > 10_000),
                "{}",
                png.display()
            );
            let text = String::from_utf8(
                Command::new("pdftotext")
                    .args(["-layout", pdf.to_str().unwrap(), "-"])
                    .output()
                    .unwrap()
                    .stdout,
            )
            .unwrap();
            // Addressed to this city (its head, its mayor, or the body the city forwards to).
            assert!(
                text.contains(head)
                    || text.contains(&format!("{name}長"))
                    || text.contains("広域連合長")
                    || text.contains("北海道知事"),
                "{city}/{}: no addressee of this city",
                t.id
            );
            n += 1;
        }
        assert!(n >= 15, "{city}: {n} forms");
    }
}
