//! Any bytes as a registry's HTTP answer to a pull: redirects, challenges, manifests, configs.
//! Nothing may panic, overflow the stack or hang (see `palisade_fuzz::registry_response`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| palisade_fuzz::registry_response(data));
