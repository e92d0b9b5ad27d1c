//! Any bytes through the YAML loader, the Kubernetes object model and every rule: nothing
//! may panic, overflow the stack or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade_iac::kubernetes::{check, ManifestFile};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(docs) = palisade_yaml::load(text) {
        let file = ManifestFile::new("fuzz.yaml", text, docs);
        let _ = check(&[file]);
    }
});
