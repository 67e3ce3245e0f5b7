//! One 基本4情報 read through each simulated transport, counted and timed: the APDUs the card
//! sees (all short), the bytes of those APDUs and their answers, the USB transfers and their
//! bytes, and the wall time of the whole read (power on → PIN → EF 0002 → power off).
//! `cargo xtask bench` runs it through `mado-card bench` (optimised build).

use crate::ccid::CcidReader;
use crate::rcs380::Rcs380;
use crate::sim::{CcidDevice, MyNumberCard, Rcs380Device, block_on};
use crate::{Basic4, Credential, ReadError, Secret, TextAp, Transport, TransportError, UsbPipe};

/// Counts for one transport.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub transport: &'static str,
    pub apdus: usize,
    pub longest_apdu: usize,
    pub apdu_bytes: usize,
    pub usb_transfers: usize,
    pub usb_bytes: usize,
    pub median_us: f64,
    pub max_us: f64,
}

/// Counts bulk transfers and their bytes on the way to a simulated device.
#[derive(Debug)]
struct Counted<P> {
    pipe: P,
    transfers: usize,
    bytes: usize,
}

impl<P: UsbPipe> UsbPipe for Counted<P> {
    async fn bulk_out(&mut self, data: &[u8]) -> Result<(), TransportError> {
        self.transfers += 1;
        self.bytes += data.len();
        self.pipe.bulk_out(data).await
    }

    async fn bulk_in(&mut self, max: usize) -> Result<Vec<u8>, TransportError> {
        let r = self.pipe.bulk_in(max).await?;
        self.transfers += 1;
        self.bytes += r.len();
        Ok(r)
    }
}

async fn read<T: Transport>(t: T) -> Result<(Basic4, T), ReadError> {
    let mut ap = TextAp::open(t).await?;
    ap.tries(Credential::Pin).await?;
    ap.verify(
        Secret::new(Credential::Pin, "1234").expect("4 digits"),
        false,
    )
    .await?;
    let b4 = ap.read_basic4().await?;
    Ok((b4, ap.into_inner()))
}

fn apdu_counts(card: &MyNumberCard) -> (usize, usize, usize) {
    let sent: usize = card.log.iter().map(Vec::len).sum();
    (
        card.log.len(),
        card.log.iter().map(Vec::len).max().unwrap_or(0),
        sent + card.answered_bytes,
    )
}

/// One read through a simulated CCID reader: the card afterwards, and the USB counts.
fn ccid_read(dev: CcidDevice) -> Result<(MyNumberCard, usize, usize), ReadError> {
    let d = dev.descriptor();
    let mut pipe = Counted {
        pipe: dev,
        transfers: 0,
        bytes: 0,
    };
    block_on(async {
        let mut r = CcidReader::new(&mut pipe, d)?;
        r.power_on().await?;
        let (_, mut r) = read(r).await?;
        r.power_off().await?;
        Ok::<_, ReadError>(())
    })?;
    let card = pipe.pipe.card.take().expect("card stays in the reader");
    Ok((card, pipe.transfers, pipe.bytes))
}

/// Runs one read per transport `runs` times (after one untimed warm-up) and reports;
/// `now_ms` is the clock (`Instant` natively, `performance.now()` in a browser).
pub fn measure(runs: usize, now_ms: &mut dyn FnMut() -> f64) -> Result<Vec<Measure>, ReadError> {
    let mut out = Vec::new();
    type Run = fn() -> Result<(MyNumberCard, usize, usize), ReadError>;
    let transports: [(&'static str, Run); 4] = [
        ("card only (no reader)", || {
            let mut card = MyNumberCard::test_card();
            block_on(read(&mut card))?;
            Ok((card, 0, 0))
        }),
        ("CCID, APDU level", || {
            ccid_read(CcidDevice::apdu_reader(Some(MyNumberCard::test_card())))
        }),
        ("CCID, TPDU level (T=1)", || {
            ccid_read(CcidDevice::tpdu_reader(
                Some(MyNumberCard::test_card()),
                0xFE,
            ))
        }),
        ("RC-S380 (Type B, ISO-DEP)", || {
            let dev = Rcs380Device::new(Some(MyNumberCard::test_card()));
            let mut pipe = Counted {
                pipe: dev,
                transfers: 0,
                bytes: 0,
            };
            block_on(async {
                let mut r = Rcs380::new(&mut pipe);
                r.init().await?;
                r.activate().await?;
                let (_, mut r) = read(r).await?;
                r.power_off().await?;
                Ok::<_, ReadError>(())
            })?;
            let card = pipe.pipe.card.take().expect("card stays in the field");
            Ok((card, pipe.transfers, pipe.bytes))
        }),
    ];
    for (name, run) in transports {
        let (card, usb_transfers, usb_bytes) = run()?;
        let (apdus, longest_apdu, apdu_bytes) = apdu_counts(&card);
        let mut times: Vec<f64> = (0..runs)
            .map(|_| {
                let t = now_ms();
                run().map(|_| (now_ms() - t) * 1e3)
            })
            .collect::<Result<_, _>>()?;
        times.sort_by(f64::total_cmp);
        out.push(Measure {
            transport: name,
            apdus,
            longest_apdu,
            apdu_bytes,
            usb_transfers,
            usb_bytes,
            median_us: times.get(times.len() / 2).copied().unwrap_or(f64::NAN),
            max_us: times.last().copied().unwrap_or(f64::NAN),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn every_transport_reads_in_seven_short_apdus() {
        let mut ticks = 0.0;
        let m = measure(1, &mut || {
            ticks += 1.0;
            ticks
        })
        .unwrap();
        assert_eq!(m.len(), 4);
        for t in &m {
            assert_eq!(t.apdus, 7, "{}", t.transport);
            assert!(t.longest_apdu <= 261, "{}", t.transport);
        }
        assert!(
            m[1..]
                .iter()
                .all(|t| t.usb_transfers > 14 && t.usb_bytes > t.apdu_bytes)
        );
    }
}
