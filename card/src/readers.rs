//! What the browser glue needs decided without a browser: which USB readers Mado can drive and
//! how (card.md §6.1 (a)), the filters for the WebUSB chooser, and what staff are told when the
//! browser refuses (card.md §6.1's message table).

/// A reader Mado knows how to drive over WebUSB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReaderKind {
    /// Sony RC-S380 (054C:06C1 /S, 054C:06C3 /P): NFC Port-100 on a vendor-class interface.
    Rcs380,
    /// NTT Com SCR3310 (04E6:511A) and SCR331-DI (04E6:5120): CCID framing on a vendor-class
    /// interface, TPDU level, contact cards (T=1).
    VendorCcid,
    /// Sony RC-S300 (054C:0DC8 /S, 054C:0DC9 /P) second, vendor-class interface: CCID framing,
    /// APDU level. Experimental: not yet confirmed with a My Number card (card.md U5).
    Rcs300Vendor,
    /// Any reader with a standard smart-card (class 0x0B) interface. Ordinary pages cannot claim
    /// it (Chrome refuses with SecurityError); Isolated Web Apps with `usb-unrestricted` and
    /// Electron can.
    ClassCcid,
}

impl ReaderKind {
    pub fn name_ja(self) -> &'static str {
        match self {
            ReaderKind::Rcs380 => "ソニー RC-S380",
            ReaderKind::VendorCcid => "NTTコム SCR3310 / SCR331-DI",
            ReaderKind::Rcs300Vendor => "ソニー RC-S300（試験対応）",
            ReaderKind::ClassCcid => "ICカードリーダー（CCID）",
        }
    }

    pub fn experimental(self) -> bool {
        self == ReaderKind::Rcs300Vendor
    }
}

/// One interface of a USB device, as WebUSB lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsbInterface {
    pub number: u8,
    pub class: u8,
}

const SONY: u16 = 0x054C;
const SCM: u16 = 0x04E6;

/// Which driver fits a device, and which interface to claim. Vendor-class interfaces come
/// first: they are the ones an ordinary page may claim.
pub fn identify(
    vendor: u16,
    product: u16,
    interfaces: &[UsbInterface],
) -> Option<(ReaderKind, u8)> {
    let with_class = |class: u8| {
        interfaces
            .iter()
            .find(|i| i.class == class)
            .map(|i| i.number)
    };
    match (vendor, product) {
        (SONY, 0x06C1 | 0x06C3) => with_class(0xFF).map(|n| (ReaderKind::Rcs380, n)),
        (SCM, 0x511A | 0x5120) => with_class(0xFF).map(|n| (ReaderKind::VendorCcid, n)),
        (SONY, 0x0DC8 | 0x0DC9) => with_class(0xFF)
            .map(|n| (ReaderKind::Rcs300Vendor, n))
            .or_else(|| with_class(0x0B).map(|n| (ReaderKind::ClassCcid, n))),
        _ => with_class(0x0B).map(|n| (ReaderKind::ClassCcid, n)),
    }
}

/// A WebUSB chooser filter: vendor, optional product, optional interface class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filter {
    pub vendor: Option<u16>,
    pub product: Option<u16>,
    pub class: Option<u8>,
}

/// The filters for `navigator.usb.requestDevice`: the known readers, then any smart-card
/// class reader (so staff see it listed and get the specific message if it is refused).
pub const FILTERS: [Filter; 7] = [
    Filter {
        vendor: Some(SONY),
        product: Some(0x06C1),
        class: None,
    },
    Filter {
        vendor: Some(SONY),
        product: Some(0x06C3),
        class: None,
    },
    Filter {
        vendor: Some(SCM),
        product: Some(0x511A),
        class: None,
    },
    Filter {
        vendor: Some(SCM),
        product: Some(0x5120),
        class: None,
    },
    Filter {
        vendor: Some(SONY),
        product: Some(0x0DC8),
        class: None,
    },
    Filter {
        vendor: Some(SONY),
        product: Some(0x0DC9),
        class: None,
    },
    Filter {
        vendor: None,
        product: None,
        class: Some(0x0B),
    },
];

/// The step at which the browser refused, to tell its errors apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Choose,
    Open,
    Claim,
    Transfer,
}

/// Why the reader cannot be used, in words staff can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Neither WebUSB nor the Web Smart Card API (Firefox, Safari).
    NoWebUsb,
    /// A class-0x0B interface in an ordinary page: `SecurityError` on claimInterface.
    ProtectedClass,
    /// Held by the operating system or another program.
    Busy,
    /// The chooser was closed without a choice.
    NotChosen,
    /// A USB device Mado has no driver for.
    Unsupported { vendor: u16, product: u16 },
    /// Unplugged while in use.
    Disconnected,
    /// The reader's CCID class descriptor (how it carries card data) could not be read, so
    /// Mado cannot know whether to speak APDUs or T=1 to it; `detail` says why.
    NoDescriptor { detail: String },
    /// Anything else the browser said (kept for the log line, shown generically).
    Other { name: String },
}

impl Refusal {
    /// Maps a DOMException name at `step` to a refusal.
    pub fn from_dom(name: &str, step: Step) -> Self {
        match (name, step) {
            ("NotFoundError", Step::Choose) => Refusal::NotChosen,
            ("SecurityError", Step::Claim | Step::Open) => Refusal::ProtectedClass,
            ("NetworkError" | "InvalidStateError", Step::Open | Step::Claim) => Refusal::Busy,
            ("NotFoundError" | "NetworkError", Step::Transfer) => Refusal::Disconnected,
            (name, _) => Refusal::Other { name: name.into() },
        }
    }

    pub fn message_ja(&self) -> String {
        match self {
            Refusal::NoWebUsb => "このブラウザではカードリーダーを使えません。Google Chrome か Microsoft Edge で開いてください。手入力でも続けられます。".into(),
            Refusal::ProtectedClass => "このカードリーダーは、ブラウザの安全上の制限により直接使えません。対応機種（ソニー RC-S380、NTTコム SCR3310 など）をつなぐか、管理者にお問い合わせください。手入力でも続けられます。".into(),
            Refusal::Busy => "カードリーダーが他のソフトに使われています。他のアプリを閉じてつなぎ直してください（Windows では専用ドライバの設定が必要な場合があります）。".into(),
            Refusal::NotChosen => "カードリーダーが選ばれませんでした。".into(),
            Refusal::Unsupported { vendor, product } => format!(
                "この機器（{vendor:04X}:{product:04X}）には対応していません。対応機種をつないでください。手入力でも続けられます。"
            ),
            Refusal::Disconnected => "カードリーダーとの接続が切れました。つなぎ直してください。".into(),
            Refusal::NoDescriptor { .. } => "カードリーダーの設定情報（データの送り方）を読み取れませんでした。リーダーを差し直してから、もう一度接続してください。直らない場合は手入力で続けられます。".into(),
            Refusal::Other { .. } => "カードリーダーを使えませんでした。つなぎ直すか、手入力で続けてください。".into(),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            Refusal::NoWebUsb => "This browser cannot use card readers. Open Mado in Google Chrome or Microsoft Edge, or type the details.".into(),
            Refusal::ProtectedClass => "The browser does not let web pages use this reader. Connect a supported reader (Sony RC-S380, NTT Com SCR3310…) or ask your administrator. You can also type the details.".into(),
            Refusal::Busy => "Another program is using the reader. Close it and reconnect the reader (on Windows a driver setting may be needed).".into(),
            Refusal::NotChosen => "No reader was chosen.".into(),
            Refusal::Unsupported { vendor, product } => format!(
                "This device ({vendor:04X}:{product:04X}) is not supported. Connect a supported reader, or type the details."
            ),
            Refusal::Disconnected => "The reader was disconnected. Connect it again.".into(),
            Refusal::NoDescriptor { detail } => format!("The reader's settings (how it carries card data) could not be read ({detail}). Plug it in again and reconnect, or type the details."),
            Refusal::Other { .. } => "The reader could not be used. Reconnect it or type the details.".into(),
        }
    }
}

/// Characters that show the card holds a substitute for a character it cannot store (外字),
/// which staff must check against the card face (card.md U8): the geta mark 〓, the
/// replacement character, private-use code points, and unassigned-looking controls.
pub fn substitute_chars(text: &str) -> Vec<char> {
    let mut out: Vec<char> = text
        .chars()
        .filter(|&c| {
            matches!(c, '〓' | '\u{FFFD}' | '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{10FFFD}')
                || (c.is_control() && c != '\n')
        })
        .collect();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn ifs(list: &[(u8, u8)]) -> Vec<UsbInterface> {
        list.iter()
            .map(|&(number, class)| UsbInterface { number, class })
            .collect()
    }

    #[test]
    fn readers_are_identified_by_id_and_interface_class() {
        assert_eq!(
            identify(0x054C, 0x06C3, &ifs(&[(0, 0xFF)])),
            Some((ReaderKind::Rcs380, 0))
        );
        assert_eq!(
            identify(0x04E6, 0x511A, &ifs(&[(0, 0xFF)])),
            Some((ReaderKind::VendorCcid, 0))
        );
        // RC-S300: the vendor interface #1, not the CCID interface #0.
        assert_eq!(
            identify(0x054C, 0x0DC8, &ifs(&[(0, 0x0B), (1, 0xFF)])),
            Some((ReaderKind::Rcs300Vendor, 1))
        );
        assert_eq!(
            identify(0x072F, 0xB100, &ifs(&[(0, 0x0B)])),
            Some((ReaderKind::ClassCcid, 0))
        );
        assert_eq!(identify(0x1234, 0x5678, &ifs(&[(0, 0x03)])), None);
        assert_eq!(identify(0x054C, 0x06C3, &ifs(&[(0, 0x0B)])), None);
    }

    #[test]
    fn browser_refusals_get_the_card_md_messages() {
        assert_eq!(
            Refusal::from_dom("SecurityError", Step::Claim),
            Refusal::ProtectedClass
        );
        assert_eq!(
            Refusal::from_dom("NetworkError", Step::Claim),
            Refusal::Busy
        );
        assert_eq!(
            Refusal::from_dom("InvalidStateError", Step::Open),
            Refusal::Busy
        );
        assert_eq!(
            Refusal::from_dom("NotFoundError", Step::Choose),
            Refusal::NotChosen
        );
        assert_eq!(
            Refusal::from_dom("NetworkError", Step::Transfer),
            Refusal::Disconnected
        );
        assert!(
            Refusal::ProtectedClass
                .message_ja()
                .starts_with("このカードリーダーは、ブラウザの安全上の制限により直接使えません。")
        );
        assert_eq!(
            Refusal::NotChosen.message_ja(),
            "カードリーダーが選ばれませんでした。"
        );
        assert!(
            Refusal::NoWebUsb
                .message_ja()
                .contains("Google Chrome か Microsoft Edge")
        );
    }

    #[test]
    fn substitute_characters_are_flagged() {
        assert_eq!(substitute_chars("試験　花子"), Vec::<char>::new());
        assert_eq!(substitute_chars("〓田　太郎"), vec!['〓']);
        assert_eq!(substitute_chars("髙\u{E001}"), vec!['\u{E001}']);
    }
}
