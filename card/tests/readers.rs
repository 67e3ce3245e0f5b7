//! Whole reads through simulated USB readers: CCID at APDU level, CCID at TPDU level with the
//! host's T=1 engine (chaining, waiting-time extensions, a corrupted block), and the refusals
//! staff see when no card is there.

use mado_card::ccid::{CcidReader, Interrupt, Level, SlotChange};
use mado_card::rcs380::Rcs380;
use mado_card::sim::{CcidDevice, MyNumberCard, Rcs380Device, block_on};
use mado_card::transport::touches_ef0001;
use mado_card::{
    Basic4, Credential, ReadError, Secret, Sex, TextAp, Transport, TransportError, Tries,
};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

fn hanako() -> Basic4 {
    Basic4 {
        name: "試験　花子".into(),
        address: "架空県架空市試験町１－２－３".into(),
        birth: (1985, 4, 1),
        sex: Sex::Female,
    }
}

/// Opens the text AP, asks the tries, VERIFYs PIN 1234 and reads EF 0002.
async fn pin_read<T: Transport>(t: T) -> Result<(Tries, Basic4), ReadError> {
    let mut ap = TextAp::open(t).await?;
    let tries = ap.tries(Credential::Pin).await?;
    ap.verify(Secret::new(Credential::Pin, "1234").unwrap(), false)
        .await?;
    Ok((tries, ap.read_basic4().await?))
}

/// Powers on, reads with the PIN, powers off; returns the record.
fn read(device: &mut CcidDevice) -> Result<Basic4, ReadError> {
    let descriptor = device.descriptor();
    block_on(async {
        let mut reader = CcidReader::new(&mut *device, descriptor)?;
        reader.power_on().await?;
        let (tries, b4) = pin_read(&mut reader).await?;
        assert_eq!(tries, Tries::Left(3));
        reader.power_off().await?;
        Ok(b4)
    })
}

fn card_log(device: &CcidDevice) -> &[Vec<u8>] {
    &device.card.as_ref().expect("card in the reader").log
}

#[test]
fn apdu_level_reader_reads_the_card() {
    let mut device = CcidDevice::apdu_reader(Some(MyNumberCard::test_card()));
    assert_eq!(device.descriptor().level(), Level::ExtendedApdu);
    assert_eq!(read(&mut device), Ok(hanako()));
    // card.md §6.2's CCID vectors, as the reader saw them.
    assert_eq!(device.messages[0], hex("62 00 00 00 00 00 00 00 00 00"));
    assert_eq!(
        device.messages[1],
        hex("6F 0F 00 00 00 00 01 00 00 00 00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08")
    );
    assert_eq!(
        device.messages.last().unwrap(),
        &hex("63 00 00 00 00 00 08 00 00 00")
    );
    assert_eq!(card_log(&device).len(), 7);
    assert!(!card_log(&device).iter().any(|a| touches_ef0001(a)));
}

#[test]
fn tpdu_level_reader_runs_t1_for_the_host() {
    let mut device = CcidDevice::tpdu_reader(Some(MyNumberCard::test_card()), 0xFE);
    assert_eq!(read(&mut device), Ok(hanako()));
    // PowerOn, SetParameters from the ATR, IFSD negotiation, then I(0) with the SELECT.
    assert_eq!(
        device.messages[1],
        hex("61 07 00 00 00 00 01 01 00 00 11 10 FF 45 00 FE 00")
    );
    assert_eq!(
        device.messages[2],
        // IFSD = the reader's dwMaxIFSD, 252 on an SCR3310 (pcsc-lite CCID
        // `readers/SCR3310-NTTCom.txt`): S(IFS request 252).
        hex("6F 05 00 00 00 00 02 00 00 00 00 C1 01 FC 3C")
    );
    assert_eq!(
        device.messages[3],
        hex(
            "6F 13 00 00 00 00 03 00 00 00 00 00 0F 00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08 C5"
        )
    );
    assert_eq!(
        &device.messages[4][10..],
        hex("00 40 07 00 A4 02 0C 02 00 11 FE").as_slice()
    );
    assert!(!card_log(&device).iter().any(|a| touches_ef0001(a)));
}

/// A reader without automatic voltage (ACR39U, dwFeatures 0x000100B2 in pcsc-lite's
/// `readers/ACS_ACR39U_ICC_Reader.txt`) is powered on as pcsc-lite's `CmdPowerOn` does:
/// 5 V first, then down its cycle 1.8 V, 3 V, until the card answers. Before issue 25 every
/// PowerOn asked for "automatic", which such a reader does not do.
#[test]
fn issue_25_power_on_steps_through_the_voltages_the_reader_offers() {
    let mut device = CcidDevice::acr39u(Some(MyNumberCard::test_card()));
    device.card_answers_at = vec![2];
    assert_eq!(read(&mut device), Ok(hanako()));
    let power_ons: Vec<&Vec<u8>> = device.messages.iter().filter(|m| m[0] == 0x62).collect();
    assert_eq!(
        power_ons,
        [
            &hex("62 00 00 00 00 00 00 01 00 00"),
            &hex("62 00 00 00 00 00 01 03 00 00"),
            &hex("62 00 00 00 00 00 02 02 00 00"),
        ]
    );
    // A reader that chooses the voltage itself (SCR3310: dwFeatures 0x000101BA has 0x08)
    // gets bPowerSelect 0 once.
    let mut device = CcidDevice::tpdu_reader(Some(MyNumberCard::test_card()), 0xFE);
    assert_eq!(read(&mut device), Ok(hanako()));
    assert_eq!(device.messages[0], hex("62 00 00 00 00 00 00 00 00 00"));
    // A card mute at every voltage is "no card", after each voltage was tried once.
    let mut device = CcidDevice::acr39u(Some(MyNumberCard::test_card()));
    device.card_answers_at = vec![];
    assert_eq!(
        read(&mut device),
        Err(ReadError::Transport(TransportError::NoCard))
    );
    assert_eq!(device.messages.iter().filter(|m| m[0] == 0x62).count(), 3);
}

/// After the card's S(WTX request 3), the S(WTX response) goes in an XfrBlock whose bBWI is 3
/// (pcsc-lite `openct/proto-t1.c` `t1_xcv` → `CCID_Transmit(…, t1->wtx)` → `cmd[7] = bBWI`),
/// so that the reader waits three times as long; with bBWI 0 the reader gives up.
#[test]
fn issue_25_the_wtx_response_carries_the_multiplier_in_bbwi() {
    let mut device = CcidDevice::tpdu_reader(Some(MyNumberCard::test_card()), 0xFE);
    device.card_wtx = 3;
    assert_eq!(read(&mut device), Ok(hanako()));
    let wtx: Vec<&Vec<u8>> = device
        .messages
        .iter()
        .filter(|m| m[0] == 0x6F && m[10..] == hex("00 E3 01 03 E1")[..])
        .collect();
    assert!(!wtx.is_empty());
    assert!(
        wtx.iter().all(|m| m[7] == 3),
        "bBWI of every S(WTX response)"
    );
    // Every other block goes with bBWI 0.
    assert!(
        device
            .messages
            .iter()
            .filter(|m| m[0] == 0x6F && m[10..] != hex("00 E3 01 03 E1")[..])
            .all(|m| m[7] == 0)
    );
    // The host's own read timeout grows by the same factor for that block (pcsc-lite
    // `t1_xcv`: `newReadTimeout = oldReadTimeout * t1->wtx`): one timeout per message sent.
    // Before the ATR it is DEFAULT_COM_READ_TIMEOUT (3 s), then `T1_card_timeout` of the
    // card's ATR at the SCR3310's dwDefaultClock (4.8 MHz).
    let atr = mado_card::atr::Atr::parse(&mado_card::sim::CONTACT_ATR).unwrap();
    let t1 = mado_card::ccid::t1_card_timeout_ms(atr.fi_di, atr.guard, atr.bwi_cwi, 4_800);
    assert_eq!(device.read_timeouts.len(), device.messages.len());
    assert_eq!(device.read_timeouts[0], 3_000);
    for (m, t) in device.messages.iter().zip(&device.read_timeouts).skip(1) {
        let want = if m[0] == 0x6F && m[7] == 3 {
            t1 * 3
        } else {
            t1
        };
        assert_eq!(*t, want, "timeout for {:02X?}", &m[..8]);
    }
}

/// Replies left from an earlier session (another bSeq) are dropped and the read goes on, as
/// pcsc-lite's `ReadUSB` does (`ccid_usb.c`: "Invalid frame detected", read again, up to 10).
#[test]
fn issue_25_stale_replies_are_dropped_and_read_again() {
    let mut device = CcidDevice::tpdu_reader(Some(MyNumberCard::test_card()), 0xFE);
    device.stale_replies = 3;
    assert_eq!(read(&mut device), Ok(hanako()));
}

#[test]
fn t1_chains_both_ways_when_the_card_takes_small_blocks() {
    let mut device = CcidDevice::tpdu_reader(Some(MyNumberCard::test_card()), 8);
    let mut long = hanako();
    long.address = "架空県".repeat(30);
    device.card = Some(MyNumberCard::new(
        long.to_record(),
        "1234",
        "00000000000000",
    ));
    assert_eq!(read(&mut device), Ok(long));
    // The 15-byte SELECT went as two chained I-blocks (M bit set on the first).
    assert_eq!(device.messages[3][10..13], [0x00, 0x20, 0x08]);
}

#[test]
fn waiting_time_extensions_and_a_corrupted_block_are_survived() {
    let mut device = CcidDevice::tpdu_reader(Some(MyNumberCard::test_card()), 0xFE);
    device.card_wtx = 1;
    device.time_extensions = 2;
    assert_eq!(read(&mut device), Ok(hanako()));

    let mut device = CcidDevice::tpdu_reader(Some(MyNumberCard::test_card()), 0xFE);
    let b4 = block_on(async {
        let d = device.descriptor();
        let mut reader = CcidReader::new(&mut device, d)?;
        reader.power_on().await?;
        // The card's answer to the SELECT arrives corrupted; the host asks again with R(error).
        reader.pipe_mut().corrupt_blocks = 1;
        pin_read(&mut reader).await.map(|(_, b4)| b4)
    });
    assert_eq!(b4, Ok(hanako()));
    assert!(
        device
            .messages
            .iter()
            .any(|m| m[10..] == hex("00 81 00 81"))
    );
}

#[test]
fn no_card_is_reported_as_such_and_insertion_is_signalled() {
    let mut device = CcidDevice::apdu_reader(None);
    assert_eq!(
        read(&mut device),
        Err(ReadError::Transport(TransportError::NoCard))
    );
    assert_eq!(
        ReadError::Transport(TransportError::NoCard).message_ja(),
        "カードをリーダーに置いてください。"
    );
    device.insert(MyNumberCard::test_card());
    assert_eq!(
        Interrupt::parse(&device.interrupt_in().unwrap()).unwrap(),
        Interrupt::SlotChange(vec![
            SlotChange {
                present: true,
                changed: true
            },
            SlotChange {
                present: false,
                changed: false
            },
            SlotChange {
                present: false,
                changed: false
            },
            SlotChange {
                present: false,
                changed: false
            },
        ])
    );
    let present = block_on(async {
        let d = device.descriptor();
        CcidReader::new(&mut device, d)?.card_present().await
    });
    assert_eq!(present, Ok(true));
    assert_eq!(read(&mut device), Ok(hanako()));
    device.remove();
    assert_eq!(device.interrupt_in(), Some(vec![0x50, 0x02]));
}

#[test]
fn the_card_removed_after_power_on_stops_the_read_cleanly() {
    let mut device = CcidDevice::tpdu_reader(Some(MyNumberCard::test_card()), 0xFE);
    let got = block_on(async {
        let d = device.descriptor();
        let mut reader = CcidReader::new(&mut device, d)?;
        reader.power_on().await?;
        let mut ap = TextAp::open(&mut reader).await?;
        ap.tries(Credential::Pin).await?;
        let _ = ap.into_inner();
        reader.pipe_mut().remove();
        let mut ap = TextAp::open(&mut reader).await?;
        ap.read_basic4().await
    });
    assert_eq!(got, Err(ReadError::Transport(TransportError::NoCard)));
}

fn read_rcs380(device: &mut Rcs380Device) -> Result<Basic4, ReadError> {
    block_on(async {
        let mut reader = Rcs380::new(&mut *device);
        reader.init().await?;
        reader.activate().await?;
        let (tries, b4) = pin_read(&mut reader).await?;
        assert_eq!(tries, Tries::Left(3));
        reader.power_off().await?;
        Ok(b4)
    })
}

#[test]
fn rcs380_reads_the_card_with_the_frames_of_card_md() {
    let mut device = Rcs380Device::new(Some(MyNumberCard::test_card()));
    assert_eq!(read_rcs380(&mut device), Ok(hanako()));
    let want = [
        "00 00 FF 00 FF 00",
        "00 00 FF FF FF 03 00 FD D6 2A 01 FF 00",
        "00 00 FF FF FF 03 00 FD D6 06 00 24 00",
        "00 00 FF FF FF 06 00 FA D6 00 03 07 0F 07 0A 00",
        // InSetProtocol defaults first (nfcpy `in_set_protocol_defaults`), then Type B.
        "00 00 FF FF FF 28 00 D8 D6 02 00 18 01 01 02 01 03 00 04 00 05 00 06 00 07 08 08 00 \
         09 00 0A 00 0B 00 0C 00 0E 04 0F 00 10 00 11 00 12 00 13 06 4B 00",
        "00 00 FF FF FF 0C 00 F4 D6 02 00 14 09 01 0A 01 0B 01 0C 01 E6 00",
        "00 00 FF FF FF 07 00 F9 D6 04 36 01 05 00 10 DA 00",
        "00 00 FF FF FF 0D 00 F3 D6 04 36 01 1D 11 22 33 44 00 08 01 00 1F 00",
        "00 00 FF FF FF 14 00 EC D6 04 E8 03 02 00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08 C7 00",
    ];
    for (i, frame) in want.iter().enumerate() {
        assert_eq!(device.messages[i], hex(frame), "frame {i}");
    }
    // The next I-block carries block number 1 (PCB 03).
    assert_eq!(device.messages[9][12], 0x03);
    assert!(!card_log_rcs(&device).iter().any(|a| touches_ef0001(a)));
}

fn card_log_rcs(device: &Rcs380Device) -> &[Vec<u8>] {
    &device.card.as_ref().expect("card in the field").log
}

#[test]
fn rcs380_chains_both_ways_and_answers_wtx() {
    let mut device = Rcs380Device::new(Some(MyNumberCard::test_card()));
    device.atqb.protocol[1] = 0x01; // FSCI 0: the card takes 16-byte frames
    device.card_frame = 16;
    device.card_wtx = true;
    assert_eq!(read_rcs380(&mut device), Ok(hanako()));
    // The 15-byte SELECT went in two frames, the first with the chaining bit.
    let first_i = &device.messages[8];
    assert_eq!(first_i[12], 0x12);
}

/// ISO/IEC 14443-4 rule 5 end to end: the card chains its answer in 16-byte frames and one of
/// them is lost; the reader asks again with the same R(ACK) (nfcpy `tt4.py`), never R(NAK).
#[test]
fn issue_25_rcs380_recovers_a_block_lost_while_the_card_chains() {
    let mut device = Rcs380Device::new(Some(MyNumberCard::test_card()));
    device.card_frame = 16;
    let got = block_on(async {
        let mut reader = Rcs380::new(&mut device);
        reader.init().await?;
        reader.activate().await?;
        reader.pipe_mut().lose_chained_answer = true;
        pin_read(&mut reader).await.map(|(_, b4)| b4)
    });
    assert_eq!(got, Ok(hanako()));
    assert!(!device.lose_chained_answer, "a chained answer was lost");
    let r_blocks: Vec<u8> = device
        .messages
        .iter()
        // An InCommRF frame carrying a 1-byte block: header 8, D6 04, timeout 2, PCB, DCS, 00.
        .filter(|m| m.len() == 15 && m[8..10] == [0xD6, 0x04])
        .map(|m| m[12])
        .collect();
    assert!(
        r_blocks.iter().all(|&pcb| pcb & 0xF6 == 0xA2),
        "{r_blocks:02X?}"
    );
    assert!(
        r_blocks.windows(2).any(|w| w[0] == w[1]),
        "the same R(ACK) twice"
    );
}

#[test]
fn rcs380_recovers_from_a_lost_frame_and_reports_an_empty_field() {
    let mut device = Rcs380Device::new(Some(MyNumberCard::test_card()));
    let got = block_on(async {
        let mut reader = Rcs380::new(&mut device);
        reader.init().await?;
        reader.activate().await?;
        reader.pipe_mut().drop_frames = 1;
        pin_read(&mut reader).await.map(|(_, b4)| b4)
    });
    assert_eq!(got, Ok(hanako()));
    // After the lost SELECT the host sent R(NAK) (B2), the card R(ACK), the host the block again.
    assert!(
        device
            .messages
            .iter()
            .any(|m| m.len() > 12 && m[12] == 0xB2)
    );

    let mut empty = Rcs380Device::new(None);
    assert_eq!(
        read_rcs380(&mut empty),
        Err(ReadError::Transport(TransportError::NoCard))
    );
    let present = block_on(async {
        let mut r = Rcs380::new(&mut empty);
        r.init().await?;
        r.card_present().await
    });
    assert_eq!(present, Ok(false));
}

/// After a read the field is off (SwitchRF off). The counter then polls for the card every
/// 1.5 s; each poll must set the reader up for Type B again — InSetRF, InSetProtocol
/// defaults, InSetProtocol Type B — as nfcpy's `sense_ttb` does before every SENSB_REQ
/// (`src/nfc/clf/rcs380.py`), or the reader polls with the field off and never sees the card.
#[test]
fn issue_25_rcs380_sets_up_type_b_again_before_polling_after_rf_off() {
    let mut device = Rcs380Device::new(Some(MyNumberCard::test_card()));
    let mut before = 0;
    let present = block_on(async {
        let mut reader = Rcs380::new(&mut device);
        reader.init().await?;
        reader.activate().await?;
        let (_, b4) = pin_read(&mut reader).await?;
        assert_eq!(b4, hanako());
        reader.power_off().await?;
        before = reader.pipe_mut().messages.len();
        Ok::<_, ReadError>(reader.card_present().await?)
    });
    assert_eq!(present, Ok(true));
    let sent: Vec<&[u8]> = device.messages[before..]
        .iter()
        .map(|m| &m[8..10])
        .collect();
    // InSetRF, InSetProtocol ×2, then InCommRF with SENSB_REQ.
    assert_eq!(
        sent,
        [[0xD6, 0x00], [0xD6, 0x02], [0xD6, 0x02], [0xD6, 0x04]]
    );
}

#[test]
fn a_card_taken_out_of_the_field_mid_read_is_no_card() {
    let mut device = Rcs380Device::new(Some(MyNumberCard::test_card()));
    let got = block_on(async {
        let mut reader = Rcs380::new(&mut device);
        reader.init().await?;
        reader.activate().await?;
        let mut ap = TextAp::open(&mut reader).await?;
        ap.tries(Credential::Pin).await?;
        let _ = ap.into_inner();
        reader.pipe_mut().set_card(None);
        let mut ap = TextAp::open(&mut reader).await?;
        ap.read_basic4().await
    });
    assert_eq!(got, Err(ReadError::Transport(TransportError::NoCard)));
}
