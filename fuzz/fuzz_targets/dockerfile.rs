//! Any bytes through the Dockerfile parser and every Dockerfile rule, and the same text read
//! as an image config blob with what the image rules derive from it (run settings,
//! environment, the command of each layer): nothing may panic, overflow the stack or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = palisade_dockerfile::scan_dockerfile("Dockerfile", text);
    if let Ok(config) = serde_json::from_str::<palisade_artifact::ImageConfig>(text) {
        let _ = config.run();
        let _ = config.env();
        let _ = config.layer_commands(8);
    }
});
