//! Build script: compiles `*.c` in this folder with arm-none-eabi-gcc into `libbaseline_c.a`.
//!
//! Flags are what a C kernel for the same core would use (`-mcpu=cortex-m4 -mthumb -Os`).
//! No `cc` crate is available offline, so gcc and ar are run directly; `CC_thumbv7em_none_eabi`
//! / `AR_thumbv7em_none_eabi` override them, as the `cc` crate's variables would. Host builds
//! (tests) compile nothing: the C functions are only called on the target.

use std::env;
use std::path::PathBuf;
use std::process::Command;

fn run(command: &mut Command) {
    let status =
        command.status().unwrap_or_else(|e| panic!("cannot run {command:?}: {e} (apt-get install gcc-arm-none-eabi)"));
    assert!(status.success(), "{command:?} failed: {status}");
}

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let target = env::var("TARGET").unwrap_or_default();
    let sources: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("baseline_c folder")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "c" || e == "h"))
        .collect();
    for source in &sources {
        println!("cargo:rerun-if-changed={}", source.display());
    }
    println!("cargo:rerun-if-env-changed=CC_thumbv7em_none_eabi");
    println!("cargo:rerun-if-env-changed=AR_thumbv7em_none_eabi");
    if !target.starts_with("thumb") {
        return;
    }
    let gcc = env::var("CC_thumbv7em_none_eabi").unwrap_or_else(|_| "arm-none-eabi-gcc".into());
    let ar = env::var("AR_thumbv7em_none_eabi").unwrap_or_else(|_| "arm-none-eabi-ar".into());
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut objects = Vec::new();
    for source in sources.iter().filter(|p| p.extension().is_some_and(|e| e == "c")) {
        let object = out.join(source.file_stem().expect("a file name")).with_extension("o");
        run(Command::new(&gcc)
            .args(["-mcpu=cortex-m4", "-mthumb", "-Os", "-g", "-std=c11", "-Wall", "-Wextra", "-Werror"])
            .args(["-ffreestanding", "-ffunction-sections", "-fdata-sections", "-c"])
            .arg(source)
            .arg("-o")
            .arg(&object));
        objects.push(object);
    }
    let library = out.join("libbaseline_c.a");
    let _ = std::fs::remove_file(&library);
    run(Command::new(&ar).arg("rcs").arg(&library).args(&objects));
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static=baseline_c");
}
