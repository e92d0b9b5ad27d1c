//! Any bytes through the lockfile and manifest parsers (the first byte picks the format).
//! Nothing may panic, overflow the stack or hang (see `palisade_fuzz::lockfile`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| palisade_fuzz::lockfile(data));
