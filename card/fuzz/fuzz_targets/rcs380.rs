//! RC-S380 frames, SENSB_RES and ISO-DEP blocks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mado_card::rcs380::{self, Frame};
use mado_card::typeb::{Atqb, IsoBlock};

fuzz_target!(|data: &[u8]| {
    if let Ok(Frame::Data(d)) = rcs380::parse(data) {
        assert_eq!(rcs380::encode(&d), data);
    }
    if let Ok(b) = IsoBlock::parse(data) {
        assert_eq!(IsoBlock::parse(&b.encode()), Ok(b));
    }
    let _ = Atqb::parse(data);
});
