//! `mado-card bench [--runs N]`: one 基本4情報 read through each simulated transport, as JSON
//! lines (APDUs, bytes, USB transfers, wall time). Used by `cargo xtask bench`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut runs = 200;
    match args.as_slice() {
        [cmd] if cmd == "bench" => {}
        [cmd, flag, n] if cmd == "bench" && flag == "--runs" => match n.parse() {
            Ok(n) if n > 0 => runs = n,
            _ => {
                eprintln!("mado-card: --runs expects a whole number above 0, found {n:?}");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("usage: mado-card bench [--runs N]");
            return ExitCode::from(2);
        }
    }
    let start = std::time::Instant::now();
    let mut now_ms = || start.elapsed().as_secs_f64() * 1e3;
    match mado_card::bench::measure(runs, &mut now_ms) {
        Ok(rows) => {
            for m in rows {
                println!(
                    "{{\"transport\":\"{}\",\"apdus\":{},\"longest_apdu\":{},\"apdu_bytes\":{},\"usb_transfers\":{},\"usb_bytes\":{},\"median_us\":{:.1},\"max_us\":{:.1},\"runs\":{runs}}}",
                    m.transport,
                    m.apdus,
                    m.longest_apdu,
                    m.apdu_bytes,
                    m.usb_transfers,
                    m.usb_bytes,
                    m.median_us,
                    m.max_us
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mado-card bench: the simulated read failed: {e}");
            ExitCode::FAILURE
        }
    }
}
