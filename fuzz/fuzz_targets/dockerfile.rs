//! Any bytes through the Dockerfile parser, every Dockerfile rule and the image-config
//! rules (the same text read as a config blob): nothing may panic, overflow the stack or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = palisade_dockerfile::scan_dockerfile("Dockerfile", text);
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(text) {
        let config = palisade_dockerfile::ImageConfig::from_oci_json(&json);
        let _ = palisade_dockerfile::check_image_config(&config, "fuzz");
    }
});
