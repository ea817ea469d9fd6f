//! Writes a fuzz target's generated seeds (`assistid_fuzz_checks::seeds`) into a folder:
//! `fuzz_seeds TARGET FOLDER` (nothing for a target whose seeds are committed).
//! `scripts/fuzz.sh` runs it for every target before fuzzing, so no certificate file with a
//! private key is committed.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [target, dir] = args.as_slice() else {
        eprintln!("usage: fuzz_seeds TARGET FOLDER");
        return std::process::ExitCode::from(2);
    };
    match assistid_fuzz_checks::seeds::write(target, std::path::Path::new(dir)) {
        Ok(written) => {
            // Nothing for a target whose seeds are committed.
            if !written.is_empty() {
                println!("{target}: {} seeds made in {dir}", written.len());
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fuzz_seeds: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
