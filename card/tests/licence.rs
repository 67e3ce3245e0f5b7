//! Reading a driver's licence: the flow against the simulated licence card, JIS X 0208 text,
//! era dates, and the same PIN rules as the My Number card.

use mado_card::licence::{Licence, LicenceAp, PinSetting, parse_pin_setting};
use mado_card::sim::{LicenceCard, block_on};
use mado_card::{Credential, ReadError, Secret, Tries};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn holder() -> Licence {
    Licence {
        name: "試験　花子".into(),
        kana: "シケン　ハナコ".into(),
        birth: (1985, 4, 1),
        address: "架空県架空市試験町１丁目２番３号".into(),
    }
}

fn pin(s: &str) -> Secret {
    Secret::new(Credential::Pin, s).unwrap()
}

#[test]
fn the_licence_reads_with_pin1_in_few_short_apdus() {
    let mut card = LicenceCard::new(&holder(), "1234");
    let got = block_on(async {
        let mut ap = LicenceAp::open(&mut card).await?;
        assert_eq!(ap.tries().await?, Tries::Left(3));
        ap.verify(pin("1234"), false).await?;
        ap.read().await
    });
    assert_eq!(got, Ok(holder()));
    // MF, tries, VERIFY, DF1, one READ (the address ends within the first 255 bytes).
    assert_eq!(card.log.len(), 5);
    assert_eq!(card.log[0], [0x00, 0xA4, 0x00, 0x00]);
    assert_eq!(card.log[1], [0x00, 0x20, 0x00, 0x81]);
    assert_eq!(card.log[4], [0x00, 0xB0, 0x81, 0x00, 0xFF]);
    assert!(card.log.iter().all(|a| a.len() <= 261));
    // No SELECT by file identifier at all.
    assert!(!card.log.iter().any(|a| a[1] == 0xA4 && a[2] == 0x02));
}

#[test]
fn a_long_address_is_read_past_the_first_chunk() {
    let mut long = holder();
    long.address = "架空県".repeat(40);
    long.name = "長名".repeat(30);
    let mut card = LicenceCard::new(&long, "1234");
    let got = block_on(async {
        let mut ap = LicenceAp::open(&mut card).await?;
        ap.tries().await?;
        ap.verify(pin("1234"), false).await?;
        ap.read().await
    });
    assert_eq!(got, Ok(long));
    assert_eq!(card.log[5][..4], [0x00, 0xB0, 0x00, 0xFF]);
}

#[test]
fn pin1_rules_hold_for_the_licence_too() {
    let mut card = LicenceCard::new(&holder(), "1234");
    block_on(async {
        let mut ap = LicenceAp::open(&mut card).await.unwrap();
        assert_eq!(
            ap.verify(pin("1234"), false).await,
            Err(ReadError::TriesNotAsked(Credential::Pin))
        );
        ap.tries().await.unwrap();
        assert_eq!(
            ap.verify(pin("0000"), false).await,
            Err(ReadError::WrongSecret {
                credential: Credential::Pin,
                left: 2
            })
        );
        assert_eq!(
            ap.verify(pin("1234"), false).await,
            Err(ReadError::TriesNotAsked(Credential::Pin))
        );
        ap.tries().await.unwrap();
        let _ = ap.verify(pin("0000"), false).await;
        assert_eq!(ap.tries().await, Ok(Tries::Left(1)));
        assert_eq!(
            ap.verify(pin("1234"), false).await,
            Err(ReadError::ConfirmLastTry(Credential::Pin))
        );
        assert_eq!(ap.read().await, Err(ReadError::NotVerified));
        ap.verify(pin("1234"), true).await.unwrap();
        assert_eq!(ap.read().await, Ok(holder()));
    });
    assert_eq!(card.tries(), 3);
}

/// Issue 25: a licence whose name holds a character outside JIS X 0208 (髙) is stored with a
/// 外字 code (`FF F1`); the read succeeds and the character comes back as 〓 for staff to
/// correct from the card face.
#[test]
fn issue_25_a_licence_with_a_gaiji_in_the_name_reads() {
    let mut h = holder();
    h.name = "髙橋　花子".into();
    let mut card = LicenceCard::new(&h, "1234");
    let got = block_on(async {
        let mut ap = LicenceAp::open(&mut card).await?;
        ap.tries().await?;
        ap.verify(pin("1234"), false).await?;
        ap.read().await
    });
    let got = got.expect("the read succeeds");
    assert_eq!(got.name, "〓橋　花子");
    assert_eq!(got.address, h.address);
}

/// Issue 25 item 2: whether PIN 1 is set is read from MF/EF02 (EF id `000A`, SFI 0x0A) before
/// anybody types: `00 B0 8A 00 03` → `05 01 01` / `05 01 00` (hmpow/DLC_Starter
/// `jpdlc_conventional.cpp` `issetPin`). A card without a PIN is opened with "****"
/// (`2A 2A 2A 2A`, TRETJapanNFCReader `DriversLicenseReaderReadFunctions.swift` `readMatters`).
#[test]
fn issue_25_a_licence_without_a_pin_reads_with_four_asterisks() {
    let mut card = LicenceCard::without_pin(&holder());
    let got = block_on(async {
        let mut ap = LicenceAp::open(&mut card).await?;
        assert_eq!(ap.pin_setting().await?, Some(PinSetting::NotSet));
        assert_eq!(ap.tries().await?, Tries::Left(3));
        ap.verify_without_pin(false).await?;
        ap.read().await
    });
    assert_eq!(got, Ok(holder()));
    assert_eq!(card.log[1], [0x00, 0xB0, 0x8A, 0x00, 0x03]);
    assert_eq!(
        card.log[3],
        [0x00, 0x20, 0x00, 0x81, 0x04, 0x2A, 0x2A, 0x2A, 0x2A]
    );
    assert_eq!(card.tries(), 3);
}

#[test]
fn issue_25_a_card_with_a_pin_says_so_and_four_asterisks_cost_a_try() {
    let mut card = LicenceCard::new(&holder(), "1234");
    block_on(async {
        let mut ap = LicenceAp::open(&mut card).await.unwrap();
        assert_eq!(ap.pin_setting().await, Ok(Some(PinSetting::Set)));
        // Without asking the tries first, nothing is sent.
        assert_eq!(
            ap.verify_without_pin(false).await,
            Err(ReadError::TriesNotAsked(Credential::Pin))
        );
        ap.tries().await.unwrap();
        assert_eq!(
            ap.verify_without_pin(false).await,
            Err(ReadError::WrongSecret {
                credential: Credential::Pin,
                left: 2
            })
        );
    });
    assert_eq!(card.tries(), 2);
}

#[test]
fn issue_25_the_pin_setting_bytes_are_checked_not_guessed() {
    assert_eq!(parse_pin_setting(&[0x05, 0x01, 0x01]), Ok(PinSetting::Set));
    assert_eq!(
        parse_pin_setting(&[0x05, 0x01, 0x00]),
        Ok(PinSetting::NotSet)
    );
    for bad in [
        &[0x05, 0x01, 0x02][..],
        &[0x06, 0x01, 0x00],
        &[0x05, 0x01],
        &[],
    ] {
        let e = parse_pin_setting(bad).unwrap_err().to_string();
        assert!(e.contains("05 01 01") && e.contains("暗証番号設定"), "{e}");
    }
}

/// A card that lacks EF02 (`6A 82`) says nothing; the read goes on and both ways are offered.
#[test]
fn a_licence_without_ef02_leaves_the_pin_setting_unknown() {
    struct NoEf02(LicenceCard);
    impl mado_card::Transport for NoEf02 {
        async fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, mado_card::TransportError> {
            if apdu[..3] == [0x00, 0xB0, 0x8A] {
                return Ok(vec![0x6A, 0x82]);
            }
            Ok(self.0.answer(apdu))
        }
    }
    let mut card = NoEf02(LicenceCard::new(&holder(), "1234"));
    block_on(async {
        let mut ap = LicenceAp::open(&mut card).await.unwrap();
        assert_eq!(ap.pin_setting().await, Ok(None));
        assert_eq!(ap.tries().await, Ok(Tries::Left(3)));
    });
}
