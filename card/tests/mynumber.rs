//! The 券面事項入力補助AP flow against card.md §6.2's vectors: the simulator answers every
//! vector as listed, the reader sends exactly the §1.4 sequence, and the safety rules hold.

use mado_card::sim::{MyNumberCard, Quirks, block_on};
use mado_card::transport::touches_ef0001;
use mado_card::{
    Basic4, Credential, ReadError, Secret, Sex, Status, TextAp, Transport, TransportError, Tries,
};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap_or_else(|_| panic!("bad hex byte {b:?}")))
        .collect()
}

/// Runs a transcript (`> command`, `< answer`, `#` comments) against the simulator and checks
/// every answer; `<` lines may use `..` to skip data and check only the status word.
fn conforms(card: &mut MyNumberCard, transcript: &str) {
    let mut sent = None;
    for (n, line) in transcript.lines().map(str::trim).enumerate() {
        if let Some(cmd) = line.strip_prefix('>') {
            let cmd = hex(cmd);
            sent = Some((cmd.clone(), card.answer(&cmd)));
        } else if let Some(want) = line.strip_prefix('<') {
            let (cmd, got) = sent.take().expect("an answer without a command");
            if let Some(sw) = want.trim().strip_prefix("..") {
                assert_eq!(&got[got.len() - 2..], hex(sw), "line {n}: {cmd:02X?}");
            } else {
                assert_eq!(got, hex(want), "line {n}: {cmd:02X?}");
            }
        }
    }
}

fn record_a() -> Basic4 {
    Basic4 {
        name: "試験　花子".into(),
        address: "架空県架空市試験町１－２－３".into(),
        birth: (1985, 4, 1),
        sex: Sex::Female,
    }
}

fn record_b() -> Basic4 {
    Basic4 {
        name: "長名　太郎".into(),
        address: "架空県".repeat(13) + "市",
        birth: (2000, 2, 29),
        sex: Sex::Male,
    }
}

fn pin(s: &str) -> Secret {
    Secret::new(Credential::Pin, s).unwrap()
}

fn never_touched_ef0001(card: &MyNumberCard) {
    for apdu in &card.log {
        assert!(!touches_ef0001(apdu), "EF 0001 reached by {apdu:02X?}");
    }
}

#[test]
fn simulator_answers_t1_to_t11_as_card_md_lists_them() {
    let mut card = MyNumberCard::test_card();
    conforms(
        &mut card,
        "# T8: reading before VERIFY is refused
         > 00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08
         < 90 00
         > 00 A4 02 0C 02 00 02
         < 90 00
         > 00 B0 00 00 07
         < 69 82
         # T1, T2
         > 00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 09
         < 6A 82
         > 00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08
         < 90 00
         # T3–T7
         > 00 A4 02 0C 02 00 11
         < 90 00
         > 00 20 00 80
         < 63 C3
         > 00 20 00 80 04 30 30 30 30
         < 63 C2
         > 00 20 00 80
         < 63 C2
         > 00 20 00 80 04 31 32 33 34
         < 90 00
         # T9–T11
         > 00 A4 02 0C 02 00 02
         < 90 00
         > 00 B0 00 00 07
         < FF 20 59 DF 21 08 00 90 00
         > 00 B0 00 07 55
         < .. 90 00
         > 00 B0 00 5C 10
         < 6B 00",
    );
    assert_eq!(card.pin_tries(), 3, "T7: a right PIN resets the counter");
}

#[test]
fn simulator_locks_after_three_wrong_pins_t12_t13() {
    let mut card = MyNumberCard::test_card();
    conforms(
        &mut card,
        "> 00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08
         < 90 00
         > 00 A4 02 0C 02 00 11
         < 90 00
         > 00 20 00 80 04 30 30 30 30
         < 63 C2
         > 00 20 00 80 04 30 30 30 30
         < 63 C1
         > 00 20 00 80 04 30 30 30 30
         < 63 C0
         > 00 20 00 80 04 31 32 33 34
         < 69 84
         > 00 20 00 80
         < 63 C0",
    );
}

#[test]
fn simulator_opens_ef0002_but_not_ef0001_with_code_b_t14() {
    let mut card = MyNumberCard::test_card();
    conforms(
        &mut card,
        "> 00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08
         < 90 00
         > 00 A4 02 0C 02 00 15
         < 90 00
         > 00 20 00 80 0E 36 30 30 34 30 31 32 30 33 30 31 32 33 34
         < 90 00
         > 00 A4 02 0C 02 00 01
         < 90 00
         > 00 B0 00 00 03
         < 69 82
         > 00 A4 02 0C 02 00 02
         < 90 00
         > 00 B0 00 00 07
         < FF 20 59 DF 21 08 00 90 00",
    );
}

/// A card that answers from a fixed transcript and fails on any other command.
#[derive(Debug)]
struct Replay {
    steps: Vec<(Vec<u8>, Vec<u8>)>,
    unexpected: Vec<Vec<u8>>,
}

impl Replay {
    fn new(transcript: &str) -> Self {
        let mut steps = Vec::new();
        let mut cmd = None;
        for line in transcript.lines().map(str::trim) {
            if let Some(c) = line.strip_prefix('>') {
                cmd = Some(hex(c));
            } else if let Some(a) = line.strip_prefix('<') {
                steps.push((cmd.take().expect("answer without a command"), hex(a)));
            }
        }
        Self {
            steps,
            unexpected: Vec::new(),
        }
    }
}

impl Transport for Replay {
    async fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        match self.steps.first() {
            Some((want, _)) if want == apdu => Ok(self.steps.remove(0).1),
            _ => {
                self.unexpected.push(apdu.to_vec());
                Err(TransportError::Protocol(format!(
                    "unexpected command {apdu:02X?}"
                )))
            }
        }
    }
}

#[test]
fn the_reader_sends_exactly_the_seven_apdus_of_card_md_1_4() {
    let rec = record_a().to_record();
    let answer_rest = {
        let mut v = rec[7..].to_vec();
        v.extend([0x90, 0x00]);
        v.iter().map(|b| format!("{b:02X} ")).collect::<String>()
    };
    let script = format!(
        "> 00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08
         < 90 00
         > 00 A4 02 0C 02 00 11
         < 90 00
         > 00 20 00 80
         < 63 C3
         > 00 20 00 80 04 31 32 33 34
         < 90 00
         > 00 A4 02 0C 02 00 02
         < 90 00
         > 00 B0 00 00 07
         < FF 20 59 DF 21 08 00 90 00
         > 00 B0 00 07 55
         < {answer_rest}"
    );
    let mut card = Replay::new(&script);
    let got = block_on(async {
        let mut ap = TextAp::open(&mut card).await?;
        assert_eq!(ap.tries(Credential::Pin).await?, Tries::Left(3));
        ap.verify(pin("1234"), false).await?;
        ap.read_basic4().await
    });
    assert_eq!(got, Ok(record_a()));
    assert!(card.steps.is_empty() && card.unexpected.is_empty());
}

fn read_with(card: &mut MyNumberCard, secret: Secret) -> Result<Basic4, ReadError> {
    block_on(async {
        let mut ap = TextAp::open(card).await?;
        let tries = ap.tries(secret.credential()).await?;
        assert!(matches!(tries, Tries::Left(_)), "{tries:?}");
        ap.verify(secret, false).await?;
        ap.read_basic4().await
    })
}

#[test]
fn pin_and_code_b_both_read_the_record_from_the_simulator() {
    let mut card = MyNumberCard::test_card();
    assert_eq!(read_with(&mut card, pin("1234")), Ok(record_a()));
    assert_eq!(card.log.len(), 7);
    never_touched_ef0001(&card);

    let mut card = MyNumberCard::test_card();
    let code_b = Secret::new(Credential::CodeB, "60040120301234").unwrap();
    assert_eq!(read_with(&mut card, code_b), Ok(record_a()));
    never_touched_ef0001(&card);
}

#[test]
fn t15_a_long_record_is_read_in_two_commands() {
    let mut card = MyNumberCard::new(record_b().to_record(), "1234", "00000000000000");
    assert_eq!(read_with(&mut card, pin("1234")), Ok(record_b()));
    assert_eq!(card.log[5], hex("00 B0 00 00 07"));
    assert_eq!(card.log[6], hex("00 B0 00 07 A4"));
    assert_eq!(card.log.len(), 7);
}

#[test]
fn a_record_longer_than_one_read_is_read_in_chunks() {
    let mut long = record_b();
    long.address = "架空県".repeat(40);
    let mut card = MyNumberCard::new(long.to_record(), "1234", "00000000000000");
    assert_eq!(read_with(&mut card, pin("1234")), Ok(long));
    let reads: Vec<_> = card.log.iter().filter(|a| a[1] == 0xB0).collect();
    assert_eq!(reads.len(), 3);
    assert!(reads.iter().all(|a| a.len() == 5), "short APDUs only");
}

#[test]
fn quirky_cards_61xx_and_6cxx_still_read() {
    for quirks in [
        Quirks {
            strict_le: true,
            via_get_response: false,
        },
        Quirks {
            strict_le: false,
            via_get_response: true,
        },
    ] {
        let mut card = MyNumberCard::test_card();
        card.quirks = quirks;
        assert_eq!(
            read_with(&mut card, pin("1234")),
            Ok(record_a()),
            "{quirks:?}"
        );
        never_touched_ef0001(&card);
    }
}

#[test]
fn a_wrong_pin_is_never_retried_by_itself() {
    let mut card = MyNumberCard::test_card();
    block_on(async {
        let mut ap = TextAp::open(&mut card).await.unwrap();
        assert_eq!(ap.tries(Credential::Pin).await, Ok(Tries::Left(3)));
        assert_eq!(
            ap.verify(pin("0000"), false).await,
            Err(ReadError::WrongSecret {
                credential: Credential::Pin,
                left: 2
            })
        );
        // A second VERIFY without asking the count again is refused before anything is sent.
        assert_eq!(
            ap.verify(pin("1234"), false).await,
            Err(ReadError::TriesNotAsked(Credential::Pin))
        );
        assert_eq!(ap.read_basic4().await, Err(ReadError::NotVerified));
    });
    assert_eq!(card.log.len(), 4);
    assert_eq!(card.pin_tries(), 2);
}

#[test]
fn the_last_try_needs_an_explicit_confirmation() {
    let mut card = MyNumberCard::test_card();
    block_on(async {
        let mut ap = TextAp::open(&mut card).await.unwrap();
        for left in [2, 1] {
            ap.tries(Credential::Pin).await.unwrap();
            assert_eq!(
                ap.verify(pin("0000"), false).await,
                Err(ReadError::WrongSecret {
                    credential: Credential::Pin,
                    left
                })
            );
        }
        assert_eq!(ap.tries(Credential::Pin).await, Ok(Tries::Left(1)));
        let sent = ap.into_inner().log.len();
        let mut ap = TextAp::open(&mut card).await.unwrap();
        ap.tries(Credential::Pin).await.unwrap();
        assert_eq!(
            ap.verify(pin("1234"), false).await,
            Err(ReadError::ConfirmLastTry(Credential::Pin))
        );
        let mut card = ap.into_inner();
        assert_eq!(
            card.log.len(),
            sent + 3,
            "nothing sent without the confirmation"
        );
        let mut ap = TextAp::open(&mut card).await.unwrap();
        ap.tries(Credential::Pin).await.unwrap();
        ap.verify(pin("1234"), true).await.unwrap();
        assert_eq!(ap.read_basic4().await, Ok(record_a()));
    });
    assert_eq!(card.pin_tries(), 3);
}

#[test]
fn a_locked_pin_is_reported_and_not_tried() {
    let mut card = MyNumberCard::test_card();
    block_on(async {
        let mut ap = TextAp::open(&mut card).await.unwrap();
        for _ in 0..3 {
            ap.tries(Credential::Pin).await.unwrap();
            let _ = ap.verify(pin("0000"), true).await;
        }
        assert_eq!(ap.tries(Credential::Pin).await, Ok(Tries::Blocked));
        assert_eq!(
            ap.verify(pin("1234"), true).await,
            Err(ReadError::Locked(Credential::Pin))
        );
    });
    assert_eq!(card.pin_tries(), 0);
    assert!(
        !card
            .log
            .iter()
            .any(|a| a == &hex("00 20 00 80 04 31 32 33 34"))
    );
    assert_eq!(
        ReadError::Locked(Credential::Pin).message_ja(),
        "暗証番号がロックされています。市区町村の窓口で再設定が必要です。手入力で続けてください。"
    );
}

#[test]
fn the_guard_stops_ef0001_even_if_a_caller_asks() {
    use mado_card::transport::Ef0001Guard;
    let mut card = Ef0001Guard(MyNumberCard::test_card());
    let got = block_on(card.transmit(&hex("00 A4 02 0C 02 00 01")));
    assert_eq!(got, Err(TransportError::Ef0001Refused));
    assert!(card.0.log.is_empty());
}

#[test]
fn other_cards_and_missing_cards_get_their_own_messages() {
    let mut other = Replay::new(
        "> 00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08
         < 6A 82",
    );
    let err = block_on(TextAp::open(&mut other)).unwrap_err();
    assert_eq!(err, ReadError::NotMyNumberCard(Status::NotFound));
    assert_eq!(
        err.message_ja(),
        "マイナンバーカードではないようです。カードを確かめてください。"
    );

    let mut card = MyNumberCard::test_card();
    card.remove();
    let err = block_on(TextAp::open(&mut card)).unwrap_err();
    assert_eq!(err.message_ja(), "カードをリーダーに置いてください。");
}

#[test]
fn a_card_removed_during_the_read_is_a_clear_error() {
    let mut card = MyNumberCard::test_card();
    let got = block_on(async {
        let mut ap = TextAp::open(&mut card).await?;
        ap.tries(Credential::Pin).await?;
        ap.verify(pin("1234"), false).await?;
        let card = ap.into_inner();
        card.remove();
        let mut ap = TextAp::open(card).await?;
        ap.read_basic4().await
    });
    assert_eq!(got, Err(ReadError::Transport(TransportError::NoCard)));
}

#[test]
fn malformed_records_and_answers_are_errors_not_panics() {
    // A header that claims more than a short-APDU reader can address.
    let mut huge = vec![0xFF, 0x20, 0x82, 0xFF, 0xF0];
    huge.extend([0; 40]);
    let mut card = MyNumberCard::new(huge, "1234", "00000000000000");
    assert!(matches!(
        read_with(&mut card, pin("1234")),
        Err(ReadError::BadRecord(m)) if m.contains("65525 bytes")
    ));
    // A file that ends inside the record.
    let mut short = record_a().to_record();
    short.truncate(50);
    let mut card = MyNumberCard::new(short, "1234", "00000000000000");
    assert!(matches!(
        read_with(&mut card, pin("1234")),
        Err(ReadError::BadRecord(m)) if m.contains("offset 50")
    ));
    // Not a 基本4情報 record at all.
    let mut card = MyNumberCard::new(vec![0x5A, 0x01, 0x00, 0, 0, 0, 0, 0], "1234", "0");
    assert!(matches!(
        read_with(&mut card, pin("1234")),
        Err(ReadError::BadRecord(_))
    ));
    // One-byte answers.
    let mut broken = Replay::new(
        "> 00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08
         < 90",
    );
    assert!(matches!(
        block_on(TextAp::open(&mut broken)),
        Err(ReadError::Protocol(_))
    ));
}

#[test]
fn secrets_are_digits_only_and_never_printed() {
    let s = Secret::new(Credential::Pin, "１２３４").unwrap();
    assert_eq!(format!("{s:?}"), "Secret(Pin, <4 digits>)");
    let err = Secret::new(Credential::Pin, "12a4").unwrap_err();
    assert_eq!(err.message_ja(), "暗証番号は4桁の数字で入力してください。");
    assert!(!err.to_string().contains("12a4"));
    assert!(Secret::new(Credential::CodeB, "6004012030123").is_err());
    assert!(Secret::new(Credential::CodeB, "60040120301234").is_ok());
}
