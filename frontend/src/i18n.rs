//! Every string the UI shows, in Japanese (the default) and English.
//!
//! A [`Texts`] table per language makes a missing translation a compile error. Messages with
//! numbers or names are methods on [`Lang`]. Components read the current language from the
//! context set up by [`provide_lang`] and never hold literal UI text.

use leptos::prelude::*;
use mado_civil::Date;
use mado_wire::calendar::{ClosedWhy, Opening, h_mm};

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

/// Fixed UI strings of one language.
#[derive(Debug)]
pub struct Texts {
    pub app_name: &'static str,
    pub app_tagline: &'static str,
    pub switch_language: &'static str,
    pub surface_kiosk: &'static str,
    pub surface_kiosk_desc: &'static str,
    pub surface_display: &'static str,
    pub surface_display_desc: &'static str,
    pub surface_queue: &'static str,
    pub surface_queue_desc: &'static str,
    pub surface_counter: &'static str,
    pub surface_apply: &'static str,
    pub surface_office: &'static str,
    pub surface_admin: &'static str,
    pub not_found: &'static str,
    pub loading: &'static str,
    pub relay_unreachable: &'static str,
    pub relay_retrying: &'static str,
    pub relay_error_retrying: &'static str,
    pub no_office: &'static str,
    pub retry: &'static str,
    // Kiosk
    pub kiosk_title: &'static str,
    pub kiosk_prompt: &'static str,
    pub kiosk_issuing: &'static str,
    pub kiosk_issue_failed: &'static str,
    pub kiosk_not_paired: &'static str,
    pub kiosk_pair_hint: &'static str,
    pub kiosk_pair_link: &'static str,
    pub kiosk_your_number: &'static str,
    pub kiosk_please_wait: &'static str,
    pub kiosk_print: &'static str,
    pub kiosk_back: &'static str,
    pub kiosk_ahead_label: &'static str,
    pub kiosk_wait_label: &'static str,
    pub kiosk_no_services: &'static str,
    pub kiosk_checkin: &'static str,
    pub kiosk_hours_label: &'static str,
    // Display
    pub display_now_calling: &'static str,
    pub display_counter: &'static str,
    pub display_waiting: &'static str,
    pub display_no_calls: &'static str,
    pub display_reconnecting: &'static str,
    pub display_enable_sound: &'static str,
    pub display_fullscreen: &'static str,
    // Staff
    pub login_title: &'static str,
    pub login_id: &'static str,
    pub login_password: &'static str,
    pub login_submit: &'static str,
    pub login_failed: &'static str,
    pub logout: &'static str,
    pub queue_title: &'static str,
    pub queue_choose_counter: &'static str,
    pub queue_my_counter: &'static str,
    pub queue_serving: &'static str,
    pub queue_serving_none: &'static str,
    pub queue_call_next: &'static str,
    pub queue_recall: &'static str,
    pub queue_no_show: &'static str,
    pub queue_done: &'static str,
    pub queue_transfer: &'static str,
    pub queue_transfer_to: &'static str,
    pub queue_nobody_waiting: &'static str,
    pub queue_waiting_lists: &'static str,
    pub queue_counters: &'static str,
    pub queue_counter_idle: &'static str,
    pub queue_action_failed: &'static str,
    pub kiosk_follow: &'static str,
    pub kiosk_long_wait: &'static str,
    pub kiosk_book_instead: &'static str,
    pub kiosk_book_scan: &'static str,
    pub ticket_title: &'static str,
    pub ticket_waiting: &'static str,
    pub ticket_called_now: &'static str,
    pub ticket_done: &'static str,
    pub ticket_no_show: &'static str,
    pub ticket_unknown: &'static str,
    pub ticket_live: &'static str,
}

const JA: Texts = Texts {
    app_name: "Mado 書かない窓口",
    app_tagline: "区役所の窓口で使う画面を選んでください。",
    switch_language: "English",
    surface_kiosk: "受付機（番号札）",
    surface_kiosk_desc: "ロビーの受付機。ご用件を選ぶと番号札を発行します。",
    surface_display: "呼出表示",
    surface_display_desc: "ロビーのモニター。呼び出し番号と窓口を表示し、音声でお知らせします。",
    surface_queue: "窓口呼出（職員）",
    surface_queue_desc: "職員用。窓口を選んで次の方を呼び出します。",
    surface_counter: "窓口",
    surface_apply: "オンライン事前申請",
    surface_office: "バックオフィス",
    surface_admin: "管理",
    not_found: "ページが見つかりません。",
    loading: "読み込み中…",
    relay_unreachable: "サーバーに接続できません。しばらくしてからもう一度お試しください。",
    relay_retrying: "サーバーに接続できません。数秒ごとに自動で再接続します。",
    relay_error_retrying: "サーバーでエラーが発生しました。数秒ごとに自動で再試行します。",
    no_office: "庁舎が登録されていません。管理画面で庁舎を登録してください。数秒ごとに確認し直します。",
    retry: "再試行",
    kiosk_title: "番号札の発行",
    kiosk_prompt: "ご用件を選んでください",
    kiosk_issuing: "発行しています…",
    kiosk_issue_failed: "番号札を発行できませんでした。お手数ですが、近くの職員にお声がけください。",
    kiosk_not_paired: "この受付機は登録されていないため、番号札を発行できません。近くの職員にお声がけください。",
    kiosk_pair_hint: "職員の方へ：管理画面（/admin）で受付機を追加し、表示された8桁の登録番号をこの端末で入力してください。",
    kiosk_pair_link: "この端末を登録する",
    kiosk_your_number: "あなたの受付番号",
    kiosk_please_wait: "番号が呼ばれるまで、ロビーでお待ちください。",
    kiosk_print: "番号札を印刷",
    kiosk_back: "最初の画面に戻る",
    kiosk_ahead_label: "お待ちの方",
    kiosk_wait_label: "待ち時間の目安",
    kiosk_no_services: "現在、番号札を発行できる窓口がありません。",
    kiosk_checkin: "予約の方はこちら",
    kiosk_hours_label: "受付時間",
    display_now_calling: "お呼び出し中の番号",
    display_counter: "窓口",
    display_waiting: "お待ちの人数",
    display_no_calls: "ただいまお呼び出ししている番号はありません。",
    display_reconnecting: "サーバーとの接続が切れました。再接続しています…",
    display_enable_sound: "音声案内を開始",
    display_fullscreen: "全画面表示",
    login_title: "職員ログイン",
    login_id: "ログインID",
    login_password: "パスワード",
    login_submit: "ログイン",
    login_failed: "ログインIDまたはパスワードが違います。",
    logout: "ログアウト",
    queue_title: "窓口呼出",
    queue_choose_counter: "担当する窓口",
    queue_my_counter: "担当窓口",
    queue_serving: "対応中の番号",
    queue_serving_none: "対応中の方はいません。",
    queue_call_next: "次の方を呼ぶ",
    queue_recall: "再呼出",
    queue_no_show: "不在",
    queue_done: "完了",
    queue_transfer: "転送",
    queue_transfer_to: "転送先",
    queue_nobody_waiting: "お待ちの方はいません。",
    queue_waiting_lists: "お待ちの方",
    queue_counters: "各窓口の状況",
    queue_counter_idle: "空き",
    queue_action_failed: "操作できませんでした。",
    kiosk_follow: "スマートフォンでこのQRコードを読み取ると、呼び出し状況をご確認いただけます。",
    kiosk_long_wait: "ただいま大変混み合っています。",
    kiosk_book_instead: "ご予約いただくと、待たずにご案内できます。いちばん早い空き：",
    kiosk_book_scan: "予約はスマートフォンでこのQRコードから",
    ticket_title: "呼び出し状況",
    ticket_waiting: "順番にお呼びします。ロビーの近くでお待ちください。",
    ticket_called_now: "お呼びしています",
    ticket_done: "受付は終わりました。ご来庁ありがとうございました。",
    ticket_no_show: "お呼びしましたが、お越しがなかったため保留になっています。お近くの職員にお声がけください。",
    ticket_unknown: "この番号札は見つかりません。番号札のQRコードを読み取り直してください。",
    ticket_live: "このページは自動で新しい状況に変わります。",
};

const EN: Texts = Texts {
    app_name: "Mado — the no-writing counter",
    app_tagline: "Choose the screen for this device.",
    switch_language: "日本語",
    surface_kiosk: "Ticket kiosk",
    surface_kiosk_desc: "Lobby kiosk: residents choose a service and take a numbered ticket.",
    surface_display: "Call display",
    surface_display_desc: "Lobby screen: shows called numbers and counters, with a voice announcement.",
    surface_queue: "Counter calling (staff)",
    surface_queue_desc: "For staff: choose your counter and call the next resident.",
    surface_counter: "Counter",
    surface_apply: "Online pre-application",
    surface_office: "Back office",
    surface_admin: "Administration",
    not_found: "Page not found.",
    loading: "Loading…",
    relay_unreachable: "Cannot reach the server. Please try again shortly.",
    relay_retrying: "Cannot reach the server. Trying again every few seconds.",
    relay_error_retrying: "The server reported an error. Trying again every few seconds.",
    no_office: "No office is registered yet. Add one in the administration screen. Checking again every few seconds.",
    retry: "Try again",
    kiosk_title: "Take a ticket",
    kiosk_prompt: "Please choose what you came for",
    kiosk_issuing: "Issuing…",
    kiosk_issue_failed: "The ticket could not be issued. Please ask a member of staff.",
    kiosk_not_paired: "This kiosk is not registered, so it cannot issue tickets. Please ask a member of staff.",
    kiosk_pair_hint: "For staff: add a kiosk in the administration page (/admin) and type the 8-digit pairing code shown there on this device.",
    kiosk_pair_link: "Register this device",
    kiosk_your_number: "Your number",
    kiosk_please_wait: "Please wait in the lobby until your number is called.",
    kiosk_print: "Print ticket",
    kiosk_back: "Back to start",
    kiosk_ahead_label: "Ahead of you",
    kiosk_wait_label: "Estimated wait",
    kiosk_no_services: "No service is taking tickets right now.",
    kiosk_checkin: "I have a booking",
    kiosk_hours_label: "Opening hours",
    display_now_calling: "Now calling",
    display_counter: "Counter",
    display_waiting: "Waiting",
    display_no_calls: "No number is being called right now.",
    display_reconnecting: "Connection to the server lost. Reconnecting…",
    display_enable_sound: "Turn on announcements",
    display_fullscreen: "Full screen",
    login_title: "Staff login",
    login_id: "Login ID",
    login_password: "Password",
    login_submit: "Log in",
    login_failed: "The login ID or password is wrong.",
    logout: "Log out",
    queue_title: "Counter calling",
    queue_choose_counter: "Your counter",
    queue_my_counter: "Counter",
    queue_serving: "Now serving",
    queue_serving_none: "Nobody is being served.",
    queue_call_next: "Call next",
    queue_recall: "Call again",
    queue_no_show: "No-show",
    queue_done: "Done",
    queue_transfer: "Transfer",
    queue_transfer_to: "Transfer to",
    queue_nobody_waiting: "Nobody is waiting.",
    queue_waiting_lists: "Waiting",
    queue_counters: "Counters",
    queue_counter_idle: "Free",
    queue_action_failed: "That did not work.",
    kiosk_follow: "Scan this QR code with your phone to follow your place in line.",
    kiosk_long_wait: "It is very busy at the moment.",
    kiosk_book_instead: "With a booking you will not have to wait. The earliest free time:",
    kiosk_book_scan: "Book with your phone from this QR code",
    ticket_title: "Your place in line",
    ticket_waiting: "You will be called in turn. Please stay near the lobby.",
    ticket_called_now: "You are being called",
    ticket_done: "Your visit is complete. Thank you.",
    ticket_no_show: "You were called but not found; your number is on hold. Please speak to a member of staff.",
    ticket_unknown: "This ticket cannot be found. Please scan the ticket's QR code again.",
    ticket_live: "This page updates by itself.",
};

/// Strings of the desk surfaces (counter, resident guide, printing). A separate table so the
/// lobby bundle, which never shows them, does not carry them.
#[derive(Debug)]
pub struct DeskTexts {
    // Procedure guide
    pub guide_title: &'static str,
    pub guide_choose_event: &'static str,
    pub guide_city: &'static str,
    pub guide_questions: &'static str,
    pub guide_results: &'static str,
    pub guide_required: &'static str,
    pub guide_may_apply: &'static str,
    pub guide_needs_answer: &'static str,
    pub guide_not_applicable: &'static str,
    pub guide_counter: &'static str,
    pub guide_deadline: &'static str,
    pub guide_documents: &'static str,
    pub guide_reasons: &'static str,
    pub guide_source: &'static str,
    pub guide_restart: &'static str,
    pub guide_change_event: &'static str,
    pub guide_print: &'static str,
    pub guide_mark_today: &'static str,
    pub guide_mark_later: &'static str,
    pub guide_mark_informed: &'static str,
    pub guide_mark_label: &'static str,
    pub guide_go_question: &'static str,
    pub guide_yes: &'static str,
    pub guide_no: &'static str,
    pub guide_clear: &'static str,
    pub guide_nothing_yet: &'static str,
    pub guide_note: &'static str,
    pub guide_bad_link: &'static str,
    pub guide_load_failed: &'static str,
    pub guide_version: &'static str,
    pub guide_as_of: &'static str,
    pub apply_title: &'static str,
    pub apply_intro: &'static str,
    pub apply_share: &'static str,
    pub apply_see_results: &'static str,
    pub counter_save: &'static str,
    pub counter_saved: &'static str,
    pub counter_save_failed: &'static str,
    pub counter_login_needed: &'static str,
    // Printing forms
    pub forms_title: &'static str,
    pub forms_applicant: &'static str,
    pub forms_name: &'static str,
    pub forms_kana: &'static str,
    pub forms_address: &'static str,
    pub forms_birth: &'static str,
    pub forms_sex: &'static str,
    pub forms_male: &'static str,
    pub forms_female: &'static str,
    pub forms_phone: &'static str,
    pub forms_subject_help: &'static str,
    pub forms_subject_name: &'static str,
    pub forms_subject_birth: &'static str,
    pub forms_list: &'static str,
    pub forms_list_help: &'static str,
    pub forms_none: &'static str,
    pub forms_working: &'static str,
    pub forms_open_pdf: &'static str,
    pub forms_font_failed: &'static str,
    pub forms_preview: &'static str,
    pub guide_print_pdf: &'static str,
    // Card reading
    pub card_title: &'static str,
    pub card_reader: &'static str,
    pub card_not_connected: &'static str,
    pub card_connect: &'static str,
    pub card_connecting: &'static str,
    pub card_present: &'static str,
    pub card_absent: &'static str,
    pub card_experimental: &'static str,
    pub card_with_pin: &'static str,
    pub card_with_code_b: &'static str,
    pub card_manual: &'static str,
    pub card_pin_title: &'static str,
    pub card_pin_help: &'static str,
    pub card_last_try: &'static str,
    pub card_last_try_confirm: &'static str,
    pub card_backspace: &'static str,
    pub card_clear: &'static str,
    pub card_submit: &'static str,
    pub card_cancel: &'static str,
    pub card_code_b_title: &'static str,
    pub card_code_b_birth: &'static str,
    pub card_code_b_expiry: &'static str,
    pub card_code_b_security: &'static str,
    pub card_reading: &'static str,
    pub card_review_title: &'static str,
    pub card_review_help: &'static str,
    pub card_review_gaiji: &'static str,
    pub card_review_sex: &'static str,
    pub card_review_apply: &'static str,
    pub card_review_retry: &'static str,
    pub card_with_licence: &'static str,
    pub card_licence_pin_title: &'static str,
    pub card_licence_no_pin: &'static str,
    pub card_capture_record: &'static str,
    pub card_capture_unavailable: &'static str,
    pub card_capture_done: &'static str,
    pub card_capture_download: &'static str,
    pub card_licence_no_pin_title: &'static str,
    pub card_licence_no_pin_help: &'static str,
    pub card_licence_pin_unknown: &'static str,
    pub card_licence_no_sex: &'static str,
    // Booking a visit
    pub book_title: &'static str,
    pub book_intro: &'static str,
    pub book_open: &'static str,
    pub book_service: &'static str,
    pub book_day: &'static str,
    pub book_time: &'static str,
    pub book_no_slots: &'static str,
    pub book_full_day: &'static str,
    pub book_contact: &'static str,
    pub book_contact_help: &'static str,
    pub book_phone_and_birth: &'static str,
    pub book_submit: &'static str,
    pub book_done: &'static str,
    pub book_code: &'static str,
    pub book_when: &'static str,
    pub book_where: &'static str,
    pub book_qr_help: &'static str,
    pub book_ics: &'static str,
    pub book_manage: &'static str,
    pub book_full: &'static str,
    pub book_closed: &'static str,
    pub book_bad_phone: &'static str,
    pub book_network: &'static str,
    pub book_failed: &'static str,
    pub book_my_title: &'static str,
    pub book_loading: &'static str,
    pub book_unknown: &'static str,
    pub book_status_booked: &'static str,
    pub book_status_cancelled: &'static str,
    pub book_status_checked_in: &'static str,
    pub book_cancel: &'static str,
    pub book_cancel_confirm: &'static str,
    pub book_cancel_yes: &'static str,
    pub book_move: &'static str,
    pub book_move_title: &'static str,
    pub book_move_submit: &'static str,
    pub book_moved: &'static str,
    // Kiosk check-in
    pub checkin_title: &'static str,
    pub checkin_code_title: &'static str,
    pub checkin_code_help: &'static str,
    pub checkin_phone_title: &'static str,
    pub checkin_use_phone: &'static str,
    pub checkin_use_code: &'static str,
    pub checkin_camera: &'static str,
    pub checkin_camera_help: &'static str,
    pub checkin_camera_stop: &'static str,
    pub checkin_no_camera: &'static str,
    pub checkin_submit: &'static str,
    pub checkin_done: &'static str,
    pub checkin_wait: &'static str,
    pub checkin_back: &'static str,
    pub checkin_not_found: &'static str,
    pub checkin_cancelled: &'static str,
    pub checkin_failed: &'static str,
    pub card_busy: &'static str,
    pub card_applied: &'static str,
}

const DESK_JA: DeskTexts = DeskTexts {
    guide_title: "手続きガイド",
    guide_choose_event: "どのようなことがありましたか",
    guide_city: "市",
    guide_questions: "確認すること",
    guide_results: "手続きの一覧",
    guide_required: "必要な手続き",
    guide_may_apply: "対象の可能性あり",
    guide_needs_answer: "確認が必要",
    guide_not_applicable: "対象外",
    guide_counter: "窓口",
    guide_deadline: "期限",
    guide_documents: "持ち物",
    guide_reasons: "理由",
    guide_source: "根拠のページ",
    guide_restart: "最初からやり直す",
    guide_change_event: "用件を選び直す",
    guide_print: "この一覧を印刷する",
    guide_mark_today: "本日受付",
    guide_mark_later: "後日",
    guide_mark_informed: "案内済み",
    guide_mark_label: "対応",
    guide_go_question: "この質問に答える",
    guide_yes: "はい",
    guide_no: "いいえ",
    guide_clear: "回答を消す",
    guide_nothing_yet: "質問に答えると、必要な手続きがここに表示されます。",
    guide_note: "ご注意",
    guide_bad_link: "このURLの回答の一部を読めませんでした。もう一度選んでください:",
    guide_load_failed: "ルールを読み込めませんでした。",
    guide_version: "ルールの版",
    guide_as_of: "基準日",
    apply_title: "手続きガイド（ご自宅で）",
    apply_intro: "いくつかの質問に答えると、必要な手続きと窓口、持ち物、期限がわかります。回答はこの端末の中だけで使い、どこにも送信しません。",
    apply_share: "このページのURLを保存すると、あとで同じ結果を開けます。窓口で画面を見せていただいても結構です。",
    apply_see_results: "結果を見る",
    counter_save: "記録を保存",
    counter_saved: "記録を保存しました",
    counter_save_failed: "記録を保存できませんでした。",
    counter_login_needed: "記録を保存するには職員ログインが必要です。",
    forms_title: "申請書の印刷",
    forms_applicant: "申請者（マイナンバーカードの券面どおりに）",
    forms_name: "氏名",
    forms_kana: "ふりがな",
    forms_address: "住所",
    forms_birth: "生年月日",
    forms_sex: "性別",
    forms_male: "男",
    forms_female: "女",
    forms_phone: "電話番号",
    forms_subject_help: "亡くなった方やお子さんの手続きでは、その方の氏名と生年月日も入れてください。",
    forms_subject_name: "対象の方の氏名",
    forms_subject_birth: "対象の方の生年月日",
    forms_list: "印刷する申請書",
    forms_list_help: "必要な手続きの申請書を選んであります。外すこと、加えることができます。最初に「申請・手続きのご案内」を印刷します。",
    forms_none: "この一覧には、印刷できる申請書がまだありません。",
    forms_working: "作成しています…",
    forms_open_pdf: "PDFを開く",
    forms_font_failed: "印刷用の文字（フォント）を読み込めませんでした:",
    forms_preview: "印刷する内容の確認（プレビュー）",
    guide_print_pdf: "印刷する",
    card_title: "カードから読み取る（マイナンバーカード・運転免許証）",
    card_reader: "カードリーダー",
    card_not_connected: "未接続",
    card_connect: "カードリーダーを接続",
    card_connecting: "接続しています…",
    card_present: "カードあり",
    card_absent: "カードを置いてください",
    card_experimental: "試験対応の機種です。読み取れない場合は手入力で続けてください。",
    card_with_pin: "マイナンバーカードを暗証番号で読み取る（ご本人が入力）",
    card_with_code_b: "マイナンバーカードを照合番号Bで読み取る（職員が入力）",
    card_manual: "カードがない場合や読み取れない場合は、下の欄に手入力してください。",
    card_pin_title: "券面事項入力補助用の暗証番号（数字4桁）を入力してください",
    card_pin_help: "ご本人が入力してください。職員は画面を見ません。",
    card_last_try: "残り1回です。間違えるとロックされ、市区町村の窓口で再設定が必要になります。",
    card_last_try_confirm: "残り1回であることをご本人に伝えました",
    card_backspace: "1字消す",
    card_clear: "訂正",
    card_submit: "決定",
    card_cancel: "やめる",
    card_code_b_title: "照合番号B（カード券面を見て職員が入力）",
    card_code_b_birth: "生年月日（券面の表記どおり6桁。例: 昭和60年4月1日 → 600401）",
    card_code_b_expiry: "有効期限の年（西暦4桁）",
    card_code_b_security: "セキュリティコード（写真の下の4桁）",
    card_reading: "読み取っています。カードを動かさないでください。",
    card_review_title: "読み取った内容の確認",
    card_review_help: "カードの券面と照らし合わせ、違うところは直してから入力してください。",
    card_review_gaiji: "外字の可能性がある文字があります。券面と照らし合わせて直してください",
    card_review_sex: "性別がカードに記録されていません。確かめて選んでください。",
    card_review_apply: "この内容で入力する",
    card_review_retry: "読み直す",
    card_with_licence: "運転免許証を読み取る（ご本人が暗証番号1を入力）",
    card_licence_pin_title: "運転免許証の暗証番号1（数字4桁）を入力してください",
    card_licence_no_pin: "暗証番号を設定していない",
    card_capture_record: "この読み取りを記録する（記録モード）",
    card_capture_unavailable: "記録モード: このリーダーは記録できません（USBで接続したリーダーのみ記録できます）。",
    card_capture_done: "読み取りを記録しました。暗証番号・照合番号Bと個人情報は伏せてあります。",
    card_capture_download: "記録をダウンロード",
    card_licence_no_pin_title: "この運転免許証には暗証番号が設定されていません",
    card_licence_no_pin_help: "カードの記録によると、暗証番号は設定されていません。「暗証番号を設定していない」を押すと読み取ります。数字を入力する必要はありません。",
    card_licence_pin_unknown: "このカードからは暗証番号の設定の有無を読み取れませんでした。免許証の交付時に暗証番号を設定していない場合は、こちらを押してください。",
    card_licence_no_sex: "運転免許証には性別が記録されていません。確かめて選んでください。",
    book_title: "来庁予約（任意）",
    book_intro: "窓口に来る日時を予約すると、当日は受付機で予約コードを入力するだけで、予約の時間にお呼びします。",
    book_open: "予約する日時を選ぶ",
    book_service: "ご用件",
    book_day: "日にち",
    book_time: "時間",
    book_no_slots: "2週間以内に予約できる枠がありません。窓口へ直接お越しください。",
    book_full_day: "満員",
    book_contact: "電話番号と生年月日（任意）",
    book_contact_help: "当日、受付機で電話番号と生年月日から予約を呼び出せるようにするためだけに使います。番号そのものは保存しません。",
    book_phone_and_birth: "電話番号と生年月日は、両方入力するか、両方空欄にしてください。",
    book_submit: "この時間で予約する",
    book_done: "予約しました。この画面を保存するか、印刷してください。",
    book_code: "予約コード",
    book_when: "日時",
    book_where: "場所",
    book_qr_help: "当日、受付機にこのQRコードをかざすか、予約コードを入力してください。",
    book_ics: "カレンダーに追加",
    book_manage: "予約の確認・取消",
    book_full: "その時間は満員になりました。別の時間を選んでください。",
    book_closed: "その時間はもう予約できません。別の時間を選んでください。",
    book_bad_phone: "電話番号は0から始まる10桁または11桁で入力してください。",
    book_network: "通信できませんでした。電波のよいところで、もう一度お試しください。",
    book_failed: "予約できませんでした。",
    book_my_title: "ご予約の確認",
    book_loading: "読み込んでいます…",
    book_unknown: "この予約は見つかりません。リンクを確かめてください。",
    book_status_booked: "予約済みです。",
    book_status_cancelled: "この予約は取り消されています。",
    book_status_checked_in: "受付済みです。",
    book_cancel: "予約を取り消す",
    book_cancel_confirm: "この予約を取り消します。よろしいですか。",
    book_cancel_yes: "取り消す",
    book_move: "日時を変更する",
    book_move_title: "新しい日時を選んでください",
    book_move_submit: "この日時に変更する",
    book_moved: "予約の日時を変更しました。予約コードはそのままです。",
    checkin_title: "予約の方の受付",
    checkin_code_title: "予約コードを入力してください",
    checkin_code_help: "予約のQRコードをお持ちの方は、読み取り機にかざしてください。",
    checkin_phone_title: "予約のときに入力した電話番号と生年月日を入力してください",
    checkin_use_phone: "予約コードがわからない方",
    checkin_use_code: "予約コードで受付する",
    checkin_camera: "QRコードをカメラで読み取る",
    checkin_camera_help: "予約のQRコードを画面のカメラに向けてください。",
    checkin_camera_stop: "カメラを止める",
    checkin_no_camera: "カメラを使えません。予約コードを入力するか、近くの職員にお声がけください。",
    checkin_submit: "受付する",
    checkin_done: "受付しました。あなたの受付番号",
    checkin_wait: "予約の時間になりましたらお呼びします。ロビーでお待ちください。",
    checkin_back: "受付機の最初の画面へ",
    checkin_not_found: "予約が見つかりません。予約コードを確かめるか、近くの職員にお声がけください。",
    checkin_cancelled: "この予約は取り消されています。近くの職員にお声がけください。",
    checkin_failed: "受付できませんでした。近くの職員にお声がけください。",
    card_busy: "カードリーダーがカードを確認しています。もう一度押してください。",
    card_applied: "カードの内容を申請者欄に入力しました。",
};

const DESK_EN: DeskTexts = DeskTexts {
    guide_title: "Procedure guide",
    guide_choose_event: "What has happened?",
    guide_city: "City",
    guide_questions: "Questions",
    guide_results: "Procedures",
    guide_required: "Required",
    guide_may_apply: "May apply",
    guide_needs_answer: "Needs an answer",
    guide_not_applicable: "Not applicable",
    guide_counter: "Counter",
    guide_deadline: "Deadline",
    guide_documents: "Bring",
    guide_reasons: "Why",
    guide_source: "Source page",
    guide_restart: "Start over",
    guide_change_event: "Choose another event",
    guide_print: "Print this list",
    guide_mark_today: "Accepted today",
    guide_mark_later: "Later",
    guide_mark_informed: "Informed",
    guide_mark_label: "Handling",
    guide_go_question: "Answer this question",
    guide_yes: "Yes",
    guide_no: "No",
    guide_clear: "Clear answer",
    guide_nothing_yet: "Answer the questions and the procedures show here.",
    guide_note: "Note",
    guide_bad_link: "Some answers in this link could not be read; please answer again:",
    guide_load_failed: "The rules could not be loaded.",
    guide_version: "Rules version",
    guide_as_of: "As of",
    apply_title: "Procedure guide (at home)",
    apply_intro: "Answer a few questions to see which procedures you need, where, what to bring and by when. Your answers stay on this device and are never sent.",
    apply_share: "Bookmark this page to open the same result later, or show it at the counter.",
    apply_see_results: "See the result",
    counter_save: "Save the record",
    counter_saved: "Record saved",
    counter_save_failed: "The record could not be saved.",
    counter_login_needed: "Staff login is needed to save the record.",
    forms_title: "Printing the forms",
    forms_applicant: "Applicant (as on the My Number card)",
    forms_name: "Name",
    forms_kana: "Name in kana",
    forms_address: "Address",
    forms_birth: "Date of birth",
    forms_sex: "Sex",
    forms_male: "Male",
    forms_female: "Female",
    forms_phone: "Telephone",
    forms_subject_help: "For the deceased or a child, also enter their name and date of birth.",
    forms_subject_name: "Name of the person concerned",
    forms_subject_birth: "Their date of birth",
    forms_list: "Forms to print",
    forms_list_help: "The forms of the required procedures are selected; you can change the selection. The handout is printed first.",
    forms_none: "No printable form for this list yet.",
    forms_working: "Preparing…",
    forms_open_pdf: "Open the PDF",
    forms_font_failed: "The printing font could not be loaded:",
    forms_preview: "Print preview",
    guide_print_pdf: "Print",
    card_title: "Read from a card (My Number card, driver's licence)",
    card_reader: "Card reader",
    card_not_connected: "not connected",
    card_connect: "Connect a card reader",
    card_connecting: "Connecting…",
    card_present: "card on the reader",
    card_absent: "place the card on the reader",
    card_experimental: "This reader is supported experimentally. If reading fails, type the details.",
    card_with_pin: "My Number card with the PIN (the resident enters it)",
    card_with_code_b: "My Number card with verification number B (staff)",
    card_manual: "Without a card, or if reading fails, type the details below.",
    card_pin_title: "Enter the 4-digit PIN for the text input support application",
    card_pin_help: "The resident enters it; staff look away.",
    card_last_try: "One try left. A mistake locks the PIN; only the municipal office can reset it.",
    card_last_try_confirm: "I have told the resident that one try is left",
    card_backspace: "Delete",
    card_clear: "Clear",
    card_submit: "OK",
    card_cancel: "Cancel",
    card_code_b_title: "Verification number B (staff, from the card face)",
    card_code_b_birth: "Birth date as printed (6 digits, e.g. Shōwa 60-04-01 → 600401)",
    card_code_b_expiry: "Expiry year (4 digits)",
    card_code_b_security: "Security code (4 digits under the photo)",
    card_reading: "Reading. Do not move the card.",
    card_review_title: "Check what was read",
    card_review_help: "Compare with the card face and correct anything that differs, then fill the forms.",
    card_review_gaiji: "Some characters may be substitutes for characters the card cannot store; correct them from the card face",
    card_review_sex: "The card has no sex recorded; check and choose.",
    card_review_apply: "Fill the forms with this",
    card_review_retry: "Read again",
    card_with_licence: "Read a driver's licence (the holder enters PIN 1)",
    card_licence_pin_title: "Enter PIN 1 of the driver's licence (4 digits)",
    card_licence_no_pin: "No PIN was set",
    card_capture_record: "Record this read (capture mode)",
    card_capture_unavailable: "Capture mode: this reader cannot be recorded (USB readers only).",
    card_capture_done: "The read was recorded. PIN, 照合番号B and personal data are masked.",
    card_capture_download: "Download the capture",
    card_licence_no_pin_title: "This driver's licence has no PIN set",
    card_licence_no_pin_help: "The card records that no PIN was set. Press \"No PIN was set\" to read it; no digits are needed.",
    card_licence_pin_unknown: "This card does not say whether a PIN was set. If the holder set none when the licence was issued, press this.",
    card_licence_no_sex: "A driver's licence does not record sex; check and choose.",
    book_title: "Book a counter visit (optional)",
    book_intro: "Book a time and, on the day, enter your booking code at the lobby kiosk: you will be called at your time.",
    book_open: "Choose a day and time",
    book_service: "What for",
    book_day: "Day",
    book_time: "Time",
    book_no_slots: "No bookable time in the next two weeks. Please come to the counter.",
    book_full_day: "full",
    book_contact: "Phone number and birth date (optional)",
    book_contact_help: "Only used to find your booking at the kiosk by phone number and birth date. The number itself is not stored.",
    book_phone_and_birth: "Enter both the phone number and the birth date, or neither.",
    book_submit: "Book this time",
    book_done: "Booked. Keep this page, or print it.",
    book_code: "Booking code",
    book_when: "When",
    book_where: "Where",
    book_qr_help: "On the day, show this QR code to the kiosk or enter the booking code.",
    book_ics: "Add to calendar",
    book_manage: "View or cancel",
    book_full: "That time is now full. Please choose another.",
    book_closed: "That time can no longer be booked. Please choose another.",
    book_bad_phone: "Enter a phone number of 10 or 11 digits starting with 0.",
    book_network: "Could not connect. Please try again.",
    book_failed: "The booking failed.",
    book_my_title: "Your booking",
    book_loading: "Loading…",
    book_unknown: "This booking was not found. Check the link.",
    book_status_booked: "Booked.",
    book_status_cancelled: "This booking has been cancelled.",
    book_status_checked_in: "Checked in.",
    book_cancel: "Cancel the booking",
    book_cancel_confirm: "Cancel this booking?",
    book_cancel_yes: "Yes, cancel",
    book_move: "Change the date and time",
    book_move_title: "Choose a new date and time",
    book_move_submit: "Change to this time",
    book_moved: "The booking was moved. Its code stays the same.",
    checkin_title: "Check in for a booking",
    checkin_code_title: "Enter your booking code",
    checkin_code_help: "If you have the booking's QR code, hold it to the scanner.",
    checkin_phone_title: "Enter the phone number and birth date you gave when booking",
    checkin_use_phone: "I don't have the code",
    checkin_use_code: "Use the booking code",
    checkin_camera: "Scan the QR code with the camera",
    checkin_camera_help: "Hold the booking's QR code up to the camera.",
    checkin_camera_stop: "Stop the camera",
    checkin_no_camera: "The camera cannot be used. Enter the booking code, or ask a member of staff.",
    checkin_submit: "Check in",
    checkin_done: "Checked in. Your number",
    checkin_wait: "You will be called at your booked time. Please wait in the lobby.",
    checkin_back: "Back to the kiosk",
    checkin_not_found: "No booking found. Check the code, or ask a member of staff.",
    checkin_cancelled: "This booking was cancelled. Please ask a member of staff.",
    checkin_failed: "Check-in failed. Please ask a member of staff.",
    card_busy: "The reader is checking for a card. Press again.",
    card_applied: "The card's details are in the applicant fields.",
};

impl Lang {
    /// The desk surfaces' strings.
    pub fn desk(self) -> &'static DeskTexts {
        match self {
            Lang::Ja => &DESK_JA,
            Lang::En => &DESK_EN,
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Ja => &JA,
            Lang::En => &EN,
        }
    }

    /// The BCP 47 tag for `<html lang>` and speech synthesis.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Ja => "ja-JP",
            Lang::En => "en",
        }
    }

    /// `ja` → Japanese, `en` → English, anything else → `None`.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "ja" | "ja-JP" => Some(Lang::Ja),
            "en" | "en-US" | "en-GB" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Self {
        match self {
            Lang::Ja => Lang::En,
            Lang::En => Lang::Ja,
        }
    }

    /// Picks the text of this language from data that carries both (office and service names).
    pub fn pick<'a>(self, ja: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ja => ja,
            Lang::En if en.is_empty() => ja,
            Lang::En => en,
        }
    }

    /// A lobby screen's `?office=` names no office.
    pub fn office_unknown(self, id: &str) -> String {
        match self {
            Lang::Ja => format!(
                "庁舎「{id}」は登録されていません。画面のアドレス（?office=）を確認してください。数秒ごとに確認し直します。"
            ),
            Lang::En => format!(
                "No office \"{id}\" is registered. Check the screen's address (?office=). Checking again every few seconds."
            ),
        }
    }

    /// Why no walk-in tickets are issued now, as the kiosk says it (issue 17 item 6).
    pub fn walk_in_closed(self, why: &ClosedWhy) -> String {
        let time = h_mm;
        match (self, why) {
            (Lang::Ja, ClosedWhy::NotYet) => "ただいま受付開始前です。".into(),
            (Lang::Ja, ClosedWhy::Break) => "ただいま休憩時間のため、番号札の発行を休止しています。".into(),
            (Lang::Ja, ClosedWhy::Ended { at }) => {
                format!("本日の番号札の発行は終了しました（{}まで）。", time(*at))
            }
            (Lang::Ja, ClosedWhy::ClosedDay { name }) if name == "休庁日" => {
                "本日は閉庁しています。".into()
            }
            (Lang::Ja, ClosedWhy::ClosedDay { name }) => {
                format!("本日は{name}のため閉庁しています。")
            }
            (Lang::Ja, ClosedWhy::NoHours) => {
                "受付時間が設定されていないため、番号札を発行できません。近くの職員にお声がけください。".into()
            }
            (Lang::En, ClosedWhy::NotYet) => "Tickets are not issued yet.".into(),
            (Lang::En, ClosedWhy::Break) => "Ticket issuing is paused for the break.".into(),
            (Lang::En, ClosedWhy::Ended { at }) => {
                format!("Today's tickets have ended (until {}).", time(*at))
            }
            (Lang::En, ClosedWhy::ClosedDay { .. }) => "The office is closed today.".into(),
            (Lang::En, ClosedWhy::NoHours) => {
                "No opening hours are set, so no tickets can be issued. Please ask a member of staff.".into()
            }
        }
    }

    /// When walk-in tickets start again: `本日 13:00 から発行します。` or
    /// `次の受付は 3月2日（火） 8:30 からです。`; `today` is the office-local day.
    pub fn walk_in_next(self, next: &Opening, today: Date) -> String {
        let time = h_mm(next.at);
        let day = day_label_of(next.day, self);
        match (self, next.day == today) {
            (Lang::Ja, true) => format!("本日 {time} から発行します。"),
            (Lang::Ja, false) => format!("次の受付は {day} {time} からです。"),
            (Lang::En, true) => format!("Tickets again from {time} today."),
            (Lang::En, false) => format!("Next tickets: {day}, from {time}."),
        }
    }

    /// The one line on a service button that takes no tickets now.
    pub fn walk_in_button(self, why: &ClosedWhy, next: Option<&Opening>, today: Date) -> String {
        let time = h_mm;
        match (self, why, next) {
            (Lang::Ja, ClosedWhy::NotYet | ClosedWhy::Break, Some(n)) if n.day == today => {
                format!("{}から受付", time(n.at))
            }
            (Lang::Ja, ClosedWhy::Ended { at }, _) => {
                format!("本日の受付は終了（{}まで）", time(*at))
            }
            (Lang::Ja, _, _) => "ただいま受付していません".into(),
            (Lang::En, ClosedWhy::NotYet | ClosedWhy::Break, Some(n)) if n.day == today => {
                format!("From {}", time(n.at))
            }
            (Lang::En, ClosedWhy::Ended { at }, _) => {
                format!("Ended for today (until {})", time(*at))
            }
            (Lang::En, _, _) => "Not taking tickets now".into(),
        }
    }

    /// "3人" / "3 people".
    pub fn people(self, n: u32) -> String {
        match (self, n) {
            (Lang::Ja, n) => format!("{n}人"),
            (Lang::En, 1) => "1 person".to_owned(),
            (Lang::En, n) => format!("{n} people"),
        }
    }

    /// "約15分" / "about 15 min"; no wait reads as "すぐにお呼びします".
    pub fn wait(self, minutes: u32) -> String {
        match (self, minutes) {
            (Lang::Ja, 0) => "まもなくお呼びします".to_owned(),
            (Lang::En, 0) => "You will be called shortly".to_owned(),
            (Lang::Ja, m) => format!("約{m}分"),
            (Lang::En, m) => format!("about {m} min"),
        }
    }

    /// The spoken and written call: 「受付番号 A 12 番の方、3番窓口へお越しください」.
    pub fn announcement(self, spoken_number: &str, counter_label: &str) -> String {
        match self {
            Lang::Ja => format!("受付番号 {spoken_number} 番の方、{counter_label}へお越しください"),
            Lang::En => format!("Number {spoken_number}, please come to {counter_label}."),
        }
    }

    /// `3番窓口へお越しください`.
    pub fn go_to(self, counter_label: &str) -> String {
        match self {
            Lang::Ja => format!("{counter_label}へお越しください"),
            Lang::En => format!("Please come to {counter_label}"),
        }
    }

    /// Seconds left before the kiosk returns to its start screen.
    pub fn back_in(self, seconds: u32) -> String {
        match self {
            Lang::Ja => format!("{seconds}秒後に最初の画面に戻ります"),
            Lang::En => format!("Returning to the start in {seconds} s"),
        }
    }

    /// "3件" / "3 items".
    pub fn count(self, n: usize) -> String {
        match (self, n) {
            (Lang::Ja, n) => format!("{n}件"),
            (Lang::En, 1) => "1 item".to_owned(),
            (Lang::En, n) => format!("{n} items"),
        }
    }

    /// A number outside its question's range.
    pub fn number_range(self, min: Option<i64>, max: Option<i64>) -> String {
        let (a, b) = (min.unwrap_or(0), max.unwrap_or(i64::MAX));
        match self {
            Lang::Ja => format!("{a}から{b}までの数字で入力してください"),
            Lang::En => format!("Enter a whole number from {a} to {b}"),
        }
    }

    /// The print button: 「ご案内と申請書をまとめて印刷（3件）」.
    pub fn forms_print(self, n: usize) -> String {
        match self {
            Lang::Ja => format!("ご案内と申請書をまとめて印刷（{n}件）"),
            Lang::En => format!("Print the handout and {n} forms"),
        }
    }

    /// After the PDF is made.
    pub fn forms_ready(self, n: usize) -> String {
        match self {
            Lang::Ja => {
                format!(
                    "ご案内と申請書{n}件のPDFを作りました。下の内容を確かめて印刷してください。"
                )
            }
            Lang::En => format!(
                "The PDF with the handout and {n} forms is ready; check it below and print."
            ),
        }
    }

    /// A required entry left empty.
    /// A booking for another day, at the kiosk.
    pub fn checkin_other_day(self, day: &str) -> String {
        match self {
            Lang::Ja => format!("この予約は{day}です。当日にお越しください。"),
            Lang::En => format!("This booking is for {day}. Please come on that day."),
        }
    }

    /// Free places on a day, for the booking's day buttons.
    pub fn book_free(self, n: u32) -> String {
        match self {
            Lang::Ja => format!("空き{n}"),
            Lang::En => format!("{n} free"),
        }
    }

    /// PIN or 照合番号B tries left on the card.
    pub fn card_tries(self, n: u8) -> String {
        match self {
            Lang::Ja => format!("残り{n}回"),
            Lang::En => format!("{n} tries left"),
        }
    }

    pub fn fill_in(self, what: &str) -> String {
        match self {
            Lang::Ja => format!("{what}を入力してください"),
            Lang::En => format!("Enter the {what}"),
        }
    }

    /// How long a ticket has waited, for staff.
    pub fn waited(self, minutes: i64) -> String {
        match self {
            Lang::Ja => format!("{minutes}分待ち"),
            Lang::En => format!("waiting {minutes} min"),
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
    match lang {
        Lang::Ja => format!("{}月{}日（{}）", d.month(), d.day(), d.weekday().kanji()),
        Lang::En => {
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

/// 受付機 / 呼出表示 (Kiosk / Display).
pub fn device_kind_label(kind: mado_wire::device::DeviceKind, lang: Lang) -> &'static str {
    match kind {
        mado_wire::device::DeviceKind::Kiosk => lang.admin().kiosk,
        mado_wire::device::DeviceKind::Display => lang.admin().display,
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

/// Strings of online pre-applications: `/apply`'s form and receipt, `/s`, the counter's
/// loader and `/office`.
#[derive(Debug)]
pub struct PreTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub open: &'static str,
    pub procedures: &'static str,
    pub procedures_help: &'static str,
    pub no_procedures: &'static str,
    pub details: &'static str,
    pub postal: &'static str,
    pub sex_none: &'static str,
    pub note: &'static str,
    pub consent: &'static str,
    pub consent_needed: &'static str,
    pub submit: &'static str,
    pub sending: &'static str,
    pub done: &'static str,
    pub code: &'static str,
    pub receipt_help: &'static str,
    pub status_link: &'static str,
    pub print: &'static str,
    pub failed: &'static str,
    pub network: &'static str,
    pub with_visit: &'static str,
    pub status_title: &'static str,
    pub status_now: &'static str,
    pub unknown: &'static str,
    pub history: &'static str,
    pub returned_help: &'static str,
    pub load: &'static str,
    pub load_help: &'static str,
    pub load_button: &'static str,
    pub loaded: &'static str,
    pub not_found: &'static str,
    pub office_title: &'static str,
    pub all: &'static str,
    pub status: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub search: &'static str,
    pub search_button: &'static str,
    pub export_csv: &'static str,
    pub export_json: &'static str,
    pub col_code: &'static str,
    pub col_received: &'static str,
    pub col_name: &'static str,
    pub col_event: &'static str,
    pub col_visit: &'static str,
    pub empty: &'static str,
    pub to_progress: &'static str,
    pub complete: &'static str,
    pub send_back: &'static str,
    pub reopen: &'static str,
    pub staff_note: &'static str,
    pub close: &'static str,
    pub applicant: &'static str,
    pub resident_note: &'static str,
    pub count_suffix: &'static str,
}

const PRE_JA: PreTexts = PreTexts {
    title: "事前申請（任意）",
    intro: "氏名や住所を送っておくと、窓口では申請書を印刷してお渡しするので、内容の確認と署名だけで済みます。送った内容は区役所の職員だけが見ます。",
    open: "事前申請の入力へ進む",
    procedures: "申請する手続き",
    procedures_help: "上の手続きガイドで「必要」「該当する可能性あり」となった手続きです。",
    no_procedures: "手続きガイドの質問に答えると、申請する手続きがここに表示されます。",
    details: "届出をする方（あなた）",
    postal: "郵便番号",
    sex_none: "回答しない",
    note: "窓口へのご連絡（任意）",
    consent: "入力した内容を区役所に送ることに同意します。内容は手続きが終わってから一定の期間が過ぎると削除されます。",
    consent_needed: "送信するには、同意の欄にチェックを入れてください。",
    submit: "この内容で送信する",
    sending: "送信しています…",
    done: "事前申請を受け付けました。",
    code: "受付番号",
    receipt_help: "来庁したら、窓口でこの受付番号を伝えるか、QRコードを見せてください。この画面を保存するか印刷しておくと便利です。",
    status_link: "申請の状況を見る",
    print: "この画面を印刷する",
    failed: "送信できませんでした。",
    network: "通信できませんでした。電波の良い所でもう一度「送信」を押してください（二重に受け付けられることはありません）。",
    with_visit: "来庁予約",
    status_title: "事前申請の状況",
    status_now: "現在の状況",
    unknown: "この事前申請は見つかりません。受付番号の控えをお持ちのうえ、窓口でお尋ねください（保存期間を過ぎた申請は削除されています）。",
    history: "経過",
    returned_help: "差し戻しました。内容をご確認のうえ、窓口へお越しください。",
    load: "事前申請を読み込む",
    load_help: "受付番号を入力するか、QRコードを読み取ってください。",
    load_button: "読み込む",
    loaded: "の事前申請を読み込みました（状態を「処理中」にしました）。質問の回答と申請者の欄に反映しています。",
    not_found: "この受付番号の事前申請はありません。番号をご本人に確認してください。",
    office_title: "事前申請の受付一覧",
    all: "すべて",
    status: "状態",
    from: "受付日（から）",
    to: "受付日（まで）",
    search: "受付番号・氏名・ふりがな",
    search_button: "絞り込む",
    export_csv: "CSVで書き出す",
    export_json: "JSONで書き出す",
    col_code: "受付番号",
    col_received: "受付日時",
    col_name: "氏名",
    col_event: "手続き",
    col_visit: "来庁予約",
    empty: "条件に合う事前申請はありません。",
    to_progress: "処理中にする",
    complete: "完了にする",
    send_back: "差し戻す",
    reopen: "処理を再開する",
    staff_note: "メモ（差し戻す場合は理由を書いてください。ご本人の画面に表示されます）",
    close: "閉じる",
    applicant: "申請者",
    resident_note: "ご本人からの連絡",
    count_suffix: "件",
};

const PRE_EN: PreTexts = PreTexts {
    title: "Apply in advance (optional)",
    intro: "Send your name and address now: at the counter the forms are printed for you, and you only check and sign. Only office staff see what you send.",
    open: "Fill in the application",
    procedures: "Procedures to apply for",
    procedures_help: "The ones the guide above lists as required or possibly applicable.",
    no_procedures: "Answer the guide's questions and the procedures appear here.",
    details: "The person applying (you)",
    postal: "Postal code",
    sex_none: "Prefer not to say",
    note: "Message for the counter (optional)",
    consent: "I agree to send these details to the ward office. They are deleted a while after the procedures are finished.",
    consent_needed: "Tick the agreement box to send.",
    submit: "Send",
    sending: "Sending…",
    done: "Your application has been received.",
    code: "Receipt number",
    receipt_help: "At the office, tell the counter this receipt number or show the QR code. Save or print this screen.",
    status_link: "See its status",
    print: "Print this screen",
    failed: "Could not send.",
    network: "No connection. Press Send again where the signal is better (it will not be received twice).",
    with_visit: "Visit booked",
    status_title: "Application status",
    status_now: "Now",
    unknown: "This application was not found. Bring your receipt number to the counter (applications are deleted after the retention period).",
    history: "History",
    returned_help: "Returned: please check the message and come to the counter.",
    load: "Load an advance application",
    load_help: "Type the receipt number or scan the QR code.",
    load_button: "Load",
    loaded: ": advance application loaded (now in progress). Its answers and the applicant's details are filled in.",
    not_found: "No advance application has this number. Check it with the resident.",
    office_title: "Advance applications",
    all: "All",
    status: "Status",
    from: "Received from",
    to: "Received until",
    search: "Receipt number, name or kana",
    search_button: "Filter",
    export_csv: "Export CSV",
    export_json: "Export JSON",
    col_code: "Receipt",
    col_received: "Received",
    col_name: "Name",
    col_event: "Procedure",
    col_visit: "Visit",
    empty: "No advance application matches.",
    to_progress: "Start processing",
    complete: "Mark completed",
    send_back: "Return to resident",
    reopen: "Reopen",
    staff_note: "Note (for a return, say why: the resident sees it)",
    close: "Close",
    applicant: "Applicant",
    resident_note: "Message from the resident",
    count_suffix: "",
};

impl Lang {
    /// The pre-application strings.
    pub fn pre(self) -> &'static PreTexts {
        match self {
            Lang::Ja => &PRE_JA,
            Lang::En => &PRE_EN,
        }
    }

    pub fn status_label(self, s: mado_wire::submission::SubmissionStatus) -> &'static str {
        match self {
            Lang::Ja => s.label_ja(),
            Lang::En => s.label_en(),
        }
    }
}

/// Strings of `/admin` and `/pair`.
#[derive(Debug)]
pub struct AdminTexts {
    pub title: &'static str,
    pub admins_only: &'static str,
    pub devices: &'static str,
    pub devices_help: &'static str,
    pub this_pc: &'static str,
    pub capture_mode: &'static str,
    pub capture_mode_help: &'static str,
    pub capture_mode_on: &'static str,
    pub kind: &'static str,
    pub kiosk: &'static str,
    pub display: &'static str,
    pub label: &'static str,
    pub label_placeholder: &'static str,
    pub add: &'static str,
    pub code_for: &'static str,
    pub code_help: &'static str,
    pub until: &'static str,
    pub none: &'static str,
    pub col_label: &'static str,
    pub col_kind: &'static str,
    pub col_state: &'static str,
    pub col_seen: &'static str,
    pub waiting: &'static str,
    pub paired: &'static str,
    pub revoked: &'static str,
    pub revoke: &'static str,
    pub revoke_confirm: &'static str,
    pub kiosks_only: &'static str,
    pub kiosks_only_on: &'static str,
    pub kiosks_only_off: &'static str,
    pub kiosks_only_needs_kiosk: &'static str,
    pub reopen_confirm: &'static str,
    pub open_confirm: &'static str,
    pub pair_title: &'static str,
    pub pair_help: &'static str,
    pub pair_code: &'static str,
    pub pair_button: &'static str,
    pub pair_done: &'static str,
    pub pair_open: &'static str,
    pub pair_unknown: &'static str,
    pub tab_settings: &'static str,
    pub closed_placeholder: &'static str,
    pub tab_staff: &'static str,
    pub tab_devices: &'static str,
    pub office_section: &'static str,
    pub office_name: &'static str,
    pub office_name_en: &'static str,
    pub office_address: &'static str,
    pub office_phone: &'static str,
    pub office_contact_help: &'static str,
    pub services_section: &'static str,
    pub services_help: &'static str,
    pub col_prefix: &'static str,
    pub col_id: &'static str,
    pub col_name: &'static str,
    pub col_name_en: &'static str,
    pub col_avg: &'static str,
    pub col_cutoff: &'static str,
    pub col_booking: &'static str,
    pub col_slot: &'static str,
    pub col_capacity: &'static str,
    pub col_horizon: &'static str,
    pub col_lead: &'static str,
    pub takes_bookings: &'static str,
    pub add_service: &'static str,
    pub remove: &'static str,
    pub up: &'static str,
    pub down: &'static str,
    pub counters_section: &'static str,
    pub counters_help: &'static str,
    pub col_counter: &'static str,
    pub col_counter_en: &'static str,
    pub col_calls: &'static str,
    pub add_counter: &'static str,
    pub hours_section: &'static str,
    pub hours_help: &'static str,
    pub closed_on_holidays: &'static str,
    pub closed_year_end: &'static str,
    pub closed_days: &'static str,
    pub extra_days: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub cannot_save: &'static str,
    pub save_failed: &'static str,
    pub save_network: &'static str,
    pub leave_unsaved: &'static str,
    pub staff_added: &'static str,
    pub staff_changed: &'static str,
    pub staff_failed: &'static str,
    pub staff_section: &'static str,
    pub staff_help: &'static str,
    pub col_login: &'static str,
    pub col_display: &'static str,
    pub col_role: &'static str,
    pub col_status: &'static str,
    pub role_admin: &'static str,
    pub role_staff: &'static str,
    pub active: &'static str,
    pub inactive: &'static str,
    pub disable: &'static str,
    pub enable: &'static str,
    pub make_admin: &'static str,
    pub make_staff: &'static str,
    pub password: &'static str,
    pub set_password: &'static str,
    pub password_set: &'static str,
    pub add_staff: &'static str,
    pub you: &'static str,
    pub disable_confirm: &'static str,
}

const ADMIN_JA: AdminTexts = AdminTexts {
    title: "管理",
    admins_only: "この画面は管理者のアカウントでのみ使えます。",
    devices: "受付機・呼出表示の端末",
    this_pc: "この端末",
    capture_mode: "カード読み取りの記録モードを使えるようにする",
    capture_mode_help: "実機のカードリーダーでの読み取りを、試験用のデータとして保存できるようにします。暗証番号・照合番号B・氏名・住所・生年月日などは伏せて保存されます。開発・検証のための機能で、設定はこの端末のブラウザにだけ保存されます。",
    capture_mode_on: "この端末の窓口画面（/counter）のカード読み取り欄に「この読み取りを記録する」が表示されます。",
    devices_help: "端末を追加すると8桁の登録番号が表示されます。15分以内にその端末で /pair を開き、番号を入力してください。受付機を登録すると、番号札の発行と予約の受付は登録済みの受付機からだけになります（下の設定で戻せます）。",
    kind: "種類",
    kiosk: "受付機",
    display: "呼出表示",
    label: "設置場所",
    label_placeholder: "例：1階ロビー 受付機1",
    add: "端末を追加する",
    code_for: "の登録番号",
    code_help: "この番号を端末の /pair で入力してください。一度だけ使えます。",
    until: "有効期限",
    none: "登録された端末はありません。",
    col_label: "設置場所",
    col_kind: "種類",
    col_state: "状態",
    col_seen: "最終通信",
    waiting: "登録待ち",
    paired: "登録済み",
    revoked: "登録解除",
    revoke: "登録を解除する",
    revoke_confirm: "この端末の登録を解除します。よろしいですか。",
    kiosks_only: "番号札の発行と予約の受付を、登録済みの受付機に限る",
    kiosks_only_on: "いまは登録済みの受付機からだけ番号札を発行しています。",
    kiosks_only_off: "いまはどの端末のブラウザからでも番号札を発行できます。",
    kiosks_only_needs_kiosk: "受付機を登録すると、自動的に登録済みの受付機に限られます。",
    open_confirm: "登録していない端末のブラウザからでも番号札を発行できるようになります。よろしいですか。",
    reopen_confirm: "番号札を発行できる受付機がなくなりました。\n\n登録していない端末のブラウザからでも番号札を発行できるように戻しますか。\n\n「キャンセル」を選ぶと、新しい受付機を登録するまで番号札は発行されません。",
    pair_title: "端末の登録",
    pair_help: "管理画面で端末を追加したときに表示された8桁の登録番号を入力してください。",
    pair_code: "登録番号（8桁）",
    pair_button: "登録する",
    pair_done: "この端末を登録しました：",
    pair_open: "画面を開く",
    pair_unknown: "この登録番号は使えません（一度だけ、15分以内に使えます）。管理画面で端末を追加し直してください。",
    tab_settings: "窓口・業務・開庁時間",
    closed_placeholder: "閉庁",
    tab_staff: "職員アカウント",
    tab_devices: "端末",
    office_section: "庁舎",
    office_name: "名称",
    office_name_en: "英語名",
    office_address: "所在地",
    office_phone: "電話番号",
    office_contact_help: "所在地・電話番号と開庁時間は、窓口でお渡しする「申請・手続きのご案内」の各ページの下に印刷されます。",
    services_section: "業務",
    services_help: "番号札の記号、平均対応時間（受付機が示す待ち時間の目安になります）と予約の受け方を業務ごとに設定します。上から順に受付機に並びます。",
    col_prefix: "記号",
    col_id: "ID",
    col_name: "名称",
    col_name_en: "英語名",
    col_avg: "平均対応時間（分）",
    col_cutoff: "当日受付の終了（閉庁の何分前）",
    col_booking: "予約",
    col_slot: "枠（分）",
    col_capacity: "定員",
    col_horizon: "何日先まで",
    col_lead: "締切（分前）",
    takes_bookings: "受け付ける",
    add_service: "業務を追加",
    remove: "削除",
    up: "上へ",
    down: "下へ",
    counters_section: "窓口",
    counters_help: "窓口名は呼出表示と音声の読み上げに使います。各窓口が呼び出す業務を選んでください。",
    col_counter: "窓口名",
    col_counter_en: "英語名",
    col_calls: "呼び出す業務",
    add_counter: "窓口を追加",
    hours_section: "開庁時間",
    hours_help: "例：08:30-17:15。昼休みのある日は 08:30-12:00, 13:00-17:15。空欄の曜日は閉庁です。",
    closed_on_holidays: "祝日は閉庁",
    closed_year_end: "年末年始（12月29日〜1月3日）は閉庁",
    closed_days: "臨時休庁日（1行に1日　例：2027-05-06）",
    extra_days: "休日開庁日（1行に1日　例：2027-03-28 09:00-12:00）",
    save: "設定を保存する",
    saved: "保存しました。受付機・呼出表示・予約画面にすぐ反映されます。",
    cannot_save: "保存できません。次の点を直してください。",
    save_failed: "保存できませんでした。",
    save_network: "サーバーにつながりません。ネットワークを確かめて、もう一度保存してください。",
    leave_unsaved: "保存していない変更があります。保存せずに移動しますか？",
    staff_added: "職員を追加しました。",
    staff_changed: "変更を保存しました。",
    staff_failed: "変更できませんでした。もう一度お試しください。",
    staff_section: "職員アカウント",
    staff_help: "職員はログインIDとパスワードで窓口・事前申請・呼出の画面を使います。管理者はこの管理画面も使えます。退職や異動のときは「無効にする」を押してください（記録は残ります）。",
    col_login: "ログインID",
    col_display: "氏名",
    col_role: "権限",
    col_status: "状態",
    role_admin: "管理者",
    role_staff: "職員",
    active: "有効",
    inactive: "無効",
    disable: "無効にする",
    enable: "有効にする",
    make_admin: "管理者にする",
    make_staff: "職員にする",
    password: "パスワード（10文字以上）",
    set_password: "パスワードを再設定",
    password_set: "パスワードを再設定しました。この職員はログインし直してください。",
    add_staff: "アカウントを追加",
    you: "（ご本人）",
    disable_confirm: "このアカウントを無効にします。ログイン中の画面もすぐに使えなくなります。よろしいですか。",
};

const ADMIN_EN: AdminTexts = AdminTexts {
    title: "Administration",
    admins_only: "Only administrator accounts can use this page.",
    devices: "Kiosks and displays",
    this_pc: "This PC",
    capture_mode: "Allow capture mode for card reading",
    capture_mode_help: "Lets a read on a real card reader be saved as test data. PIN, 照合番号B, name, address, birth date and the rest are masked. A development and verification feature; the setting is kept in this PC's browser only.",
    capture_mode_on: "The card panel at /counter on this PC now offers \"Record this read\".",
    devices_help: "Adding a device shows an 8-digit pairing code. Within 15 minutes, open /pair on that device and type it. Once a kiosk is registered, tickets and check-ins are taken only at registered kiosks (the setting below turns this off).",
    kind: "Kind",
    kiosk: "Kiosk",
    display: "Display",
    label: "Location",
    label_placeholder: "e.g. Lobby, kiosk 1",
    add: "Add a device",
    code_for: ": pairing code",
    code_help: "Type this code on the device at /pair. It works once.",
    until: "Valid until",
    none: "No device is registered.",
    col_label: "Location",
    col_kind: "Kind",
    col_state: "State",
    col_seen: "Last seen",
    waiting: "Waiting for pairing",
    paired: "Paired",
    revoked: "Revoked",
    revoke: "Revoke",
    revoke_confirm: "Revoke this device's registration?",
    kiosks_only: "Take tickets and check-ins only at registered kiosks",
    kiosks_only_on: "Tickets are now issued only at registered kiosks.",
    kiosks_only_off: "Tickets can now be taken from any browser.",
    kiosks_only_needs_kiosk: "Registering a kiosk turns this on by itself.",
    open_confirm: "Any browser will be able to take tickets. Continue?",
    reopen_confirm: "No registered kiosk is left to issue tickets.\n\nLet any browser take tickets again?\n\nChoose Cancel to issue no tickets until a new kiosk is registered.",
    pair_title: "Register this device",
    pair_help: "Type the 8-digit pairing code shown when the device was added in the administration page.",
    pair_code: "Pairing code (8 digits)",
    pair_button: "Register",
    pair_done: "This device is registered as:",
    pair_open: "Open its screen",
    pair_unknown: "This pairing code does not work (it works once, within 15 minutes). Add the device again in the administration page.",
    tab_settings: "Counters, services, hours",
    closed_placeholder: "Closed",
    tab_staff: "Staff accounts",
    tab_devices: "Devices",
    office_section: "Office",
    office_name: "Name",
    office_name_en: "English name",
    office_address: "Address",
    office_phone: "Telephone",
    office_contact_help: "The address, telephone and opening hours are printed at the foot of every page of the handout residents take home.",
    services_section: "Services",
    services_help: "Per service: the ticket letter, the average handling time (the kiosks' wait estimate uses it) and how it is booked. Kiosks list them in this order.",
    col_prefix: "Letter",
    col_id: "ID",
    col_name: "Name",
    col_name_en: "English name",
    col_avg: "Average time (min)",
    col_cutoff: "Walk-ins end (min before closing)",
    col_booking: "Bookings",
    col_slot: "Slot (min)",
    col_capacity: "Places",
    col_horizon: "Days ahead",
    col_lead: "Closes (min before)",
    takes_bookings: "Take bookings",
    add_service: "Add a service",
    remove: "Remove",
    up: "Up",
    down: "Down",
    counters_section: "Counters",
    counters_help: "Counter labels are shown and announced when a ticket is called. Choose the services each counter calls.",
    col_counter: "Label",
    col_counter_en: "English label",
    col_calls: "Calls",
    add_counter: "Add a counter",
    hours_section: "Opening hours",
    hours_help: "e.g. 08:30-17:15; with a lunch break 08:30-12:00, 13:00-17:15. Leave a day empty when closed.",
    closed_on_holidays: "Closed on national holidays",
    closed_year_end: "Closed 29 December – 3 January",
    closed_days: "Extra closed days (one per line, e.g. 2027-05-06)",
    extra_days: "Extra opening days (one per line, e.g. 2027-03-28 09:00-12:00)",
    save: "Save settings",
    saved: "Saved. Kiosks, displays and booking pages use it at once.",
    cannot_save: "Cannot save. Please correct:",
    save_failed: "Could not save.",
    save_network: "The server cannot be reached. Check the network and save again.",
    leave_unsaved: "There are unsaved changes. Leave without saving?",
    staff_added: "The staff account was added.",
    staff_changed: "The change was saved.",
    staff_failed: "The change could not be made. Please try again.",
    staff_section: "Staff accounts",
    staff_help: "Staff log in with their login and password to use the counter, pre-application and queue pages. Admins can also use this page. When someone leaves, disable the account (records keep their name).",
    col_login: "Login",
    col_display: "Name",
    col_role: "Role",
    col_status: "Status",
    role_admin: "Administrator",
    role_staff: "Staff",
    active: "Active",
    inactive: "Disabled",
    disable: "Disable",
    enable: "Enable",
    make_admin: "Make admin",
    make_staff: "Make staff",
    password: "Password (10 characters or more)",
    set_password: "Set a new password",
    password_set: "Password changed. This staff member must log in again.",
    add_staff: "Add an account",
    you: "(you)",
    disable_confirm: "Disable this account? Its open sessions end at once.",
};

impl Lang {
    /// The `/admin` and `/pair` strings.
    pub fn admin(self) -> &'static AdminTexts {
        match self {
            Lang::Ja => &ADMIN_JA,
            Lang::En => &ADMIN_EN,
        }
    }
}

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
        match self {
            Lang::Ja => &STATS_JA,
            Lang::En => &STATS_EN,
        }
    }
}
