//! Build script of every board bin crate (each names it in `build = ...`): the board's linker
//! script (`layout.ld` in the board's own folder), the toolchain string HELLO reports and the
//! commit of the image's identity block.
//!
//! The toolchain is `$RUSTC --version` (cargo passes RUSTC to build scripts), captured here
//! because the firmware cannot ask at run time which compiler built it.

use std::env;
use std::process::Command;

fn main() {
    let dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    if env::var("TARGET").is_ok_and(|t| t.starts_with("thumb")) {
        println!("cargo:rustc-link-arg-bins=-T{dir}/layout.ld");
    }
    println!("cargo:rerun-if-changed=layout.ld");

    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let toolchain = Command::new(&rustc)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=RIG_TOOLCHAIN={toolchain}");
    println!("cargo:rerun-if-env-changed=RUSTC");
    // The commit for the identity block (see board_support::identity!): one form everywhere.
    let commit = env::var("RIG_COMMIT").ok().filter(|c| !c.is_empty()).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=RIG_IMAGE_COMMIT={commit}");
    println!("cargo:rerun-if-env-changed=RIG_COMMIT");
}
