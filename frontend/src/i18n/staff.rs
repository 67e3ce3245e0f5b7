//! Strings of the staff's screens outside the desk's own tables: the login and the staff
//! queue (`/queue`, the counter's ticket bar). Japanese or English only; the lobby bundle does
//! not carry them.

use super::lang::{Base, Lang};

strings_table! {
/// The staff login and queue strings of one language.
#[derive(Debug)]
pub struct StaffTexts {
    pub login_title: &'static str,
    pub login_id: &'static str,
    pub login_password: &'static str,
    pub login_submit: &'static str,
    pub login_failed: &'static str,
    /// The account is locked after wrong passwords; too many logins at once.
    pub login_locked: &'static str,
    pub login_busy: &'static str,
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
}
}

const JA: StaffTexts = StaffTexts {
    login_title: "職員ログイン",
    login_id: "ログインID",
    login_password: "パスワード",
    login_submit: "ログイン",
    login_failed: "ログインIDまたはパスワードが違います。",
    login_locked: "パスワードの誤りが続いたため、このアカウントは一時的にロックされています。しばらく待つか、管理者に解除を依頼してください。",
    login_busy: "ログインが混み合っています。少し待ってから、もう一度お試しください。",
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
};

const EN: StaffTexts = StaffTexts {
    login_title: "Staff login",
    login_id: "Login ID",
    login_password: "Password",
    login_submit: "Log in",
    login_failed: "The login ID or password is wrong.",
    login_locked: "This account is locked for a while after wrong passwords. Wait, or ask an administrator to unlock it.",
    login_busy: "Many logins at once. Please wait a moment and try again.",
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
};

impl Lang {
    /// The staff login and queue strings (Japanese, or English for English).
    pub fn staff(self) -> &'static StaffTexts {
        match self.base() {
            Base::Ja => &JA,
            Base::En => &EN,
        }
    }
}
