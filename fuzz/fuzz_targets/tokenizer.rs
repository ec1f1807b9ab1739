//! The search tokenizer: clean terms and safe shard file names.
#![no_main]

#[path = "../../tests/common/invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    invariants::tokenizer(&String::from_utf8_lossy(data));
});
