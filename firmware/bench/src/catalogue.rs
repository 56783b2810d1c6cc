//! The benchmark table's two faces, written from one list of rows (`benchmarks!` in `lib.rs`):
//! the run table the harness executes (`all`) and the catalogue the host reads from the ELF
//! (`CATALOGUE`): every benchmark's name, parameter and a line saying what it measures, so that
//! `rig benchmarks` lists an image's benchmarks and `rig run --filter` selects them without a
//! board (docs/protocol.md, "Benchmark catalogue").
//!
//! The catalogue is one string in flash: `CATALOGUE_MAGIC`, then per benchmark, in run order,
//! three NUL-terminated fields (`family/case`, the parameter in decimal, the description), and an
//! empty name to end it. Each run-table name is a slice of that string (`name_in`), which both
//! keeps the catalogue in the image (the linker drops what nothing refers to) and makes the names
//! the firmware reports the names the host read: the two cannot disagree. The host selects
//! benchmarks by their row index in this order.

/// The magic that starts the catalogue (host: `host/elf/benchmark_table.cpp`).
pub const CATALOGUE_MAGIC: &str = "\0rig-benchmarks:1\0";

/// The `family/case` field of the first catalogue row named `name`, as a slice of `catalogue`.
/// Evaluated at compile time (`const { .. }` in the table), so a name missing from the catalogue
/// fails the build.
pub const fn name_in(catalogue: &'static str, name: &str) -> &'static str {
    let bytes = catalogue.as_bytes();
    let name = name.as_bytes();
    // Rows start after the magic; a row's name is followed by a NUL.
    let mut at = CATALOGUE_MAGIC.len();
    let mut field = 0;
    while at + name.len() < bytes.len() {
        if field % 3 == 0 && field_equals(bytes, at, name) {
            let (_, rest) = bytes.split_at(at);
            let (found, _) = rest.split_at(name.len());
            return match core::str::from_utf8(found) {
                Ok(found) => found,
                Err(_) => panic!("benchmark catalogue is not UTF-8"),
            };
        }
        // Skip to the next field.
        while bytes[at] != 0 {
            at += 1;
        }
        at += 1;
        field += 1;
    }
    panic!("benchmark name missing from the catalogue")
}

/// Whether the NUL-terminated field at `at` is exactly `name`.
const fn field_equals(bytes: &[u8], at: usize, name: &[u8]) -> bool {
    let mut i = 0;
    while i < name.len() {
        if bytes[at + i] != name[i] {
            return false;
        }
        i += 1;
    }
    bytes[at + name.len()] == 0
}

/// Declares the benchmarks once. Rows, in run order:
///
/// ```text
/// "family/case" => module::body, "what it measures";
/// "family/case" [4, 16] => module::body, "what it measures";   // one benchmark per size
/// ```
///
/// A sized row runs `module::body::<C, B, P, SIZE>` for each size, reported as parameter SIZE
/// (`family/case/SIZE`). `counter/overhead` comes first, raw (overhead not subtracted). Emits
/// `COUNT`, `CATALOGUE` and `all`.
macro_rules! benchmarks {
    // Normalise each row into `(name, parameter, {body}, description)`.
    (@rows [$($done:tt)*] $name:literal => $m:ident :: $f:ident, $what:literal; $($rest:tt)*) => {
        benchmarks!(@rows [$($done)* ($name, 0, { $m::$f }, $what)] $($rest)*);
    };
    (@rows [$($done:tt)*] $name:literal [$($size:literal),+] => $m:ident :: $f:ident, $what:literal; $($rest:tt)*) => {
        benchmarks!(@rows [$($done)* $(($name, $size, { $m::$f::<C, B, P, $size> }, $what))+] $($rest)*);
    };
    (@rows [$(($name:literal, $parameter:literal, $body:block, $what:literal))*]) => {
        /// Number of benchmarks in `all` (and rows in `CATALOGUE`), counted from the table.
        pub const COUNT: usize = 1 + [$($name),*].len();

        /// Every benchmark's name, parameter and description, in run order (see `catalogue`).
        pub const CATALOGUE: &str = concat!(
            "\0rig-benchmarks:1\0",
            "counter/overhead\0", "0\0", "the counter's own read cost: an empty region, reported raw (subtracted from every other benchmark)\0",
            $($name, "\0", $parameter, "\0", $what, "\0",)*
            "\0"
        );

        /// Every benchmark, in the order they run.
        pub fn all<C: Counter, B: UserspaceKernelBoundary, P: Platform>() -> [Benchmark<C, Fixture<B, P>>; COUNT] {
            [
                Benchmark {
                    name: const { catalogue::name_in(CATALOGUE, "counter/overhead") },
                    parameter: 0,
                    overhead: Overhead::Keep,
                    body: counter::overhead,
                },
                $(Benchmark {
                    name: const { catalogue::name_in(CATALOGUE, $name) },
                    parameter: $parameter,
                    overhead: Overhead::Subtract,
                    body: $body,
                },)*
            ]
        }
    };
    ($($rows:tt)*) => {
        benchmarks!(@rows [] $($rows)*);
    };
}
