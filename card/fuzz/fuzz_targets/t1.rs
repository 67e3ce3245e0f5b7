//! T=1 blocks: any bytes, never a panic; a block that parses encodes back to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mado_card::t1::Block;

fuzz_target!(|data: &[u8]| {
    if let Ok((nad, block)) = Block::parse(data) {
        assert_eq!(block.encode(nad), data);
    }
});
