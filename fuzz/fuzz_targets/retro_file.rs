//! A retro file's bytes: the front-matter splitter, the YAML reader, the field
//! reader, every per-file rule and every report format.
#![no_main]

#[path = "../../tests/common/invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    invariants::retro_file(data);
});
