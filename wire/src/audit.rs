//! The audit trail: who did what, when, to which thing, in the relay's own words. Entries hold
//! ids, never a resident's personal data (no names, no answers, no typed logins).

use serde::{Deserialize, Serialize};

/// What was done. The wire and database name is [`AuditAction::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// A staff member logged in.
    Login,
    /// A wrong password for an account (or an unknown login: then no account is named).
    LoginFailed,
    /// A login refused because the account is locked after wrong passwords.
    LoginLocked,
    /// A staff member logged out.
    Logout,
    /// The pre-application inbox was read (a list with names).
    SubmissionsListed,
    /// One pre-application was opened (by its id, or by the code the resident brought).
    SubmissionViewed,
    /// A pre-application's status was changed.
    SubmissionStatus,
    /// Pre-applications were exported (CSV or JSON).
    SubmissionsExported,
    /// An office's settings (services, hours, calendar, counters) were changed.
    SettingsChanged,
    /// An office was created.
    OfficeCreated,
    /// Whether the office takes tickets only from paired kiosks was changed.
    KioskPolicyChanged,
    /// A staff account was added.
    StaffCreated,
    /// A staff account was changed (name, role, password, unlock).
    StaffUpdated,
    /// A kiosk or display was registered (a pairing code made).
    DeviceCreated,
    /// A device's pairing was revoked.
    DeviceRevoked,
    /// The audit trail was exported.
    AuditExported,
}

impl AuditAction {
    pub const ALL: [Self; 16] = [
        Self::Login,
        Self::LoginFailed,
        Self::LoginLocked,
        Self::Logout,
        Self::SubmissionsListed,
        Self::SubmissionViewed,
        Self::SubmissionStatus,
        Self::SubmissionsExported,
        Self::SettingsChanged,
        Self::OfficeCreated,
        Self::KioskPolicyChanged,
        Self::StaffCreated,
        Self::StaffUpdated,
        Self::DeviceCreated,
        Self::DeviceRevoked,
        Self::AuditExported,
    ];

    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::LoginFailed => "login_failed",
            Self::LoginLocked => "login_locked",
            Self::Logout => "logout",
            Self::SubmissionsListed => "submissions_listed",
            Self::SubmissionViewed => "submission_viewed",
            Self::SubmissionStatus => "submission_status",
            Self::SubmissionsExported => "submissions_exported",
            Self::SettingsChanged => "settings_changed",
            Self::OfficeCreated => "office_created",
            Self::KioskPolicyChanged => "kiosk_policy_changed",
            Self::StaffCreated => "staff_created",
            Self::StaffUpdated => "staff_updated",
            Self::DeviceCreated => "device_created",
            Self::DeviceRevoked => "device_revoked",
            Self::AuditExported => "audit_exported",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// As a clerk reads it in 管理 and in the CSV.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Login => "ログイン",
            Self::LoginFailed => "ログイン失敗（パスワードの誤り）",
            Self::LoginLocked => "ログイン拒否（ロック中）",
            Self::Logout => "ログアウト",
            Self::SubmissionsListed => "事前申請の一覧を表示",
            Self::SubmissionViewed => "事前申請を表示",
            Self::SubmissionStatus => "事前申請の状態を変更",
            Self::SubmissionsExported => "事前申請を書き出し",
            Self::SettingsChanged => "窓口の設定を変更",
            Self::OfficeCreated => "事務所を追加",
            Self::KioskPolicyChanged => "発券機の設定を変更",
            Self::StaffCreated => "職員アカウントを追加",
            Self::StaffUpdated => "職員アカウントを変更",
            Self::DeviceCreated => "端末を登録",
            Self::DeviceRevoked => "端末の登録を解除",
            Self::AuditExported => "操作の記録を書き出し",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Login => "Login",
            Self::LoginFailed => "Login failed (wrong password)",
            Self::LoginLocked => "Login refused (locked)",
            Self::Logout => "Logout",
            Self::SubmissionsListed => "Pre-application inbox read",
            Self::SubmissionViewed => "Pre-application opened",
            Self::SubmissionStatus => "Pre-application status changed",
            Self::SubmissionsExported => "Pre-applications exported",
            Self::SettingsChanged => "Office settings changed",
            Self::OfficeCreated => "Office added",
            Self::KioskPolicyChanged => "Kiosk policy changed",
            Self::StaffCreated => "Staff account added",
            Self::StaffUpdated => "Staff account changed",
            Self::DeviceCreated => "Device registered",
            Self::DeviceRevoked => "Device pairing revoked",
            Self::AuditExported => "Audit trail exported",
        }
    }
}

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at_ms: i64,
    pub action: AuditAction,
    /// The staff account that acted (or, for a failed login, whose password was wrong).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_id: Option<i64>,
    /// That account's login, as it is now (absent for an unknown login).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_login: Option<String>,
    /// The office it concerns, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office_id: Option<String>,
    /// What it was done to, as `kind:id` (`submission:12`, `staff:3`, `device:5`), or empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub target: String,
    /// A detail in the relay's words, never personal data (a new status, the fields changed,
    /// how many rows were exported).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}
