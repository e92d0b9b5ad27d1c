//! Any bytes as a docker or OCI image archive, read layer by layer.
//! Nothing may panic, overflow the stack or hang (see `palisade_fuzz::image_archive`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| palisade_fuzz::image_archive(data));
