//! Any bytes through the Terraform front-end (HCL and JSON) and the function rules.
//! Nothing may panic, overflow the stack or hang (see `palisade_fuzz::terraform`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| palisade_fuzz::terraform(data));
