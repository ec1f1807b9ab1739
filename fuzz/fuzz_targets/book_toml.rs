//! book.toml: parsed or refused with a position, never a panic.
#![no_main]

#[path = "../../tests/common/invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    invariants::book_toml(&String::from_utf8_lossy(data));
});
