//! Lobby devices: kiosks and displays paired with an office by a one-time code, after which
//! they hold a device token (an HttpOnly cookie). Once an office has a paired kiosk, taking
//! tickets and checking in there need one.

use serde::{Deserialize, Serialize};

/// What a device is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// 受付機: tickets and check-in.
    Kiosk,
    /// 呼出表示: the lobby display.
    Display,
}

impl DeviceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kiosk => "kiosk",
            Self::Display => "display",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "kiosk" => Some(Self::Kiosk),
            "display" => Some(Self::Display),
            _ => None,
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Kiosk => "受付機",
            Self::Display => "呼出表示",
        }
    }

    /// The page the device shows once paired.
    pub fn path(self) -> &'static str {
        match self {
            Self::Kiosk => "/kiosk",
            Self::Display => "/display",
        }
    }
}

/// `POST /api/offices/{office}/devices` (admin): a device to pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDevice {
    pub kind: DeviceKind,
    /// Where it stands, e.g. 「1階ロビー 受付機1」.
    pub label: String,
}

/// A device as the office's admin sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Device {
    pub id: i64,
    pub office_id: String,
    pub kind: DeviceKind,
    pub label: String,
    pub created_at_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paired_at_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at_ms: Option<i64>,
}

/// The answer to creating a device: the one-time pairing code to type on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PairingCode {
    pub device: Device,
    /// Eight digits, valid once, until `expires_at_ms`.
    pub code: String,
    pub expires_at_ms: i64,
}

/// `POST /api/devices/pair` (the device): the code shown to the admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PairRequest {
    pub code: String,
}

/// `GET /api/offices/{office}/kiosk-policy` (admin): whether the office takes walk-in tickets
/// and check-ins only at its paired kiosks, and how many it has. Pairing a kiosk turns it on;
/// only an admin turns it off again (issue 17 item 9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KioskPolicy {
    pub kiosks_only: bool,
    /// Kiosks paired and not revoked.
    pub paired_kiosks: u32,
}

/// `PUT /api/offices/{office}/kiosk-policy` (admin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SetKioskPolicy {
    pub kiosks_only: bool,
}
