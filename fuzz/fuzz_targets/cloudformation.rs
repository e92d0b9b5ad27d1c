//! Any bytes through the CloudFormation/SAM/Serverless front-end and the function rules.
//! Nothing may panic, overflow the stack or hang (see `palisade_fuzz::cloudformation`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| palisade_fuzz::cloudformation(data));
