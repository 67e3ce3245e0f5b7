//! CCID bulk and interrupt messages, the class descriptor and the ATR.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mado_card::atr::Atr;
use mado_card::ccid::{ClassDescriptor, FromReader, Interrupt, ToReader};

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = FromReader::parse(data) {
        assert_eq!(FromReader::parse(&m.encode()), Ok(m));
    }
    if let Ok((slot, seq, m)) = ToReader::parse(data) {
        assert_eq!(ToReader::parse(&m.encode(slot, seq)), Ok((slot, seq, m)));
    }
    let _ = Interrupt::parse(data);
    let _ = ClassDescriptor::find(data, 0);
    let _ = Atr::parse(data);
});
