//! BER-TLV, the 基本4情報 record and the licence's simple TLV and JIS X 0208 text: any bytes, never a panic; a record that parses is
//! written back to bytes that parse to the same record.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mado_card::{basic4, licence, tlv};

fuzz_target!(|data: &[u8]| {
    let _ = tlv::total_len(data);
    if let Ok(kids) = tlv::children(data) {
        for k in kids {
            assert!(k.end <= data.len());
        }
    }
    let _ = licence::parse(data);
    if let Ok(text) = licence::decode_jis(data) {
        assert!(licence::encode_jis(&text).is_some());
    }
    if let Ok(b4) = basic4::parse(data) {
        assert_eq!(basic4::parse(&b4.to_record()), Ok(b4));
    }
});
