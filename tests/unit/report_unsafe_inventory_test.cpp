// The unsafe inventory's lexer and attribution, on small Rust snippets and on the real firmware.
#include "host/report/unsafe_inventory.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace rig::report;

namespace {
std::size_t n(const FileInventory& f, LanguageKind k) { return f.counts[static_cast<std::size_t>(k)]; }
}  // namespace

TEST(UnsafeInventory, CountsTheFourLanguageKinds) {
    const char* src = R"(
pub unsafe fn write(p: *mut u32, v: u32) {
    // SAFETY: the caller promises p is a register
    unsafe { p.write_volatile(v) }
}
unsafe impl Sync for Regs {}
pub unsafe trait Register {}
unsafe extern "C" fn handler() {}
fn f() { let x = unsafe { *P }; }
)";
    const auto f = scan_rust_source(src, "arch/cortex-m/src/mmio.rs");
    EXPECT_EQ(f.trusted, TrustedKind::mmio);
    EXPECT_EQ(n(f, LanguageKind::function), 2u);
    EXPECT_EQ(n(f, LanguageKind::block), 2u);
    EXPECT_EQ(n(f, LanguageKind::impl), 1u);
    EXPECT_EQ(n(f, LanguageKind::trait), 1u);
    EXPECT_EQ(f.code_lines, 7u);    // the comment line is not code
    EXPECT_EQ(f.unsafe_lines, 5u);  // the fn body (3 code lines), the extern fn, the inline block
}

TEST(UnsafeInventory, IgnoresCommentsStringsCharsAndLifetimes) {
    const char* src = R"RS(
// unsafe { in a line comment }
/* unsafe fn /* nested unsafe */ still a comment unsafe impl */
const S: &str = "unsafe { not code }";
const R: &str = r#"unsafe fn "quoted" inside"#;
const C: char = '"';
fn g<'a>(x: &'a u8) -> &'a u8 { let _q = '\''; x }
#[unsafe(no_mangle)]
pub extern "C" fn entry() {}
type F = unsafe fn(u32);
unsafe extern "C" { fn c_copy(); }
)RS";
    const auto f = scan_rust_source(src, "bench/src/lib.rs");
    EXPECT_EQ(f.total(), 0u);
    EXPECT_EQ(f.attributes, 1u);
    EXPECT_EQ(f.extern_blocks, 1u);
    EXPECT_EQ(f.trusted, TrustedKind::other);
}

// How a chip's `mmio` creates its base addresses since `StaticRef::peripheral` is `unsafe`: each
// `const` initialiser is one unsafe block, a `const unsafe fn` is an unsafe fn, and the lint
// attributes that confine `unsafe_code` are not unsafe code.
TEST(UnsafeInventory, CountsBaseAddressConstantsAndLintAttributesNot) {
    const char* src = R"(
#![allow(unsafe_code)]
/// UART0's register block.
// SAFETY: the chip's UART0, no bus master.
pub const UART0_BASE: StaticRef<UartRegisters> = unsafe { StaticRef::peripheral(0x4000_4000) };
pub(crate) const PORT_A: StaticRef<PortRegisters> = unsafe { StaticRef::peripheral(0x400E_1000) };
pub const unsafe fn peripheral(address: usize) -> Self {
    Self { pointer: address as *const T }
}
#[forbid(unsafe_code)]
pub mod uart;
)";
    const auto f = scan_rust_source(src, "chips/sam4l/src/mmio.rs");
    EXPECT_EQ(f.trusted, TrustedKind::mmio);
    EXPECT_EQ(n(f, LanguageKind::block), 2u);
    EXPECT_EQ(n(f, LanguageKind::function), 1u);
    EXPECT_EQ(f.total(), 3u);
    EXPECT_EQ(f.attributes, 0u);
    EXPECT_EQ(f.unsafe_lines, 5u);  // the two constants' lines and the fn's three
}

TEST(UnsafeInventory, AttributesByPathComponent) {
    EXPECT_EQ(trusted_kind_of("kernel/src/cells/take_cell.rs"), TrustedKind::cells);
    EXPECT_EQ(trusted_kind_of("arch/cortex-m/src/context_switch.rs"), TrustedKind::context_switch);
    EXPECT_EQ(trusted_kind_of("kernel/src/allocator.rs"), TrustedKind::allocator);
    EXPECT_EQ(trusted_kind_of("kernel/src/userspace_buffers.rs"), TrustedKind::userspace_buffers);
    EXPECT_EQ(trusted_kind_of("arch/cortex-m/src/exception_handlers.rs"), TrustedKind::exception_handlers);
    EXPECT_EQ(trusted_kind_of("bench/src/baseline_c.rs"), TrustedKind::other);
}

TEST(UnsafeInventory, ScansTheRealFirmware) {
    auto inv = scan_tree(RIG_SOURCE_DIR);
    ASSERT_TRUE(inv) << inv.error().message;
    EXPECT_GT(inv->files.size(), 10u);
    EXPECT_GT(inv->code_lines(), 1000u);
    EXPECT_GT(inv->total(), 0u);
    EXPECT_GT(inv->count(TrustedKind::context_switch), 0u);
    EXPECT_GT(inv->count(TrustedKind::mmio), 0u);
    EXPECT_LT(inv->unsafe_line_percent(), 50.0);
    std::size_t sum = 0;
    for (auto t : trusted_kinds) sum += inv->count(t);
    EXPECT_EQ(sum, inv->total());
    // The rule the lint tests enforce: unsafe code only in modules named after a trusted kind,
    // the C baseline's FFI calls the one listed exception.
    for (const auto& use : inv->uses) {
        if (use.trusted == TrustedKind::other)
            EXPECT_EQ(use.file, "baseline_c/src/c_baseline.rs") << use.file << ":" << use.line;
    }
    // Every chip creates its base addresses in its own `mmio` (issue 15).
    for (const char* chip : {"chips/mps2/src/mmio.rs", "chips/nrf52/src/mmio.rs", "chips/sam4l/src/mmio.rs"}) {
        const auto file =
            std::find_if(inv->files.begin(), inv->files.end(), [&](const FileInventory& f) { return f.file == chip; });
        ASSERT_NE(file, inv->files.end()) << chip;
        EXPECT_GT(file->counts[static_cast<std::size_t>(LanguageKind::block)], 0u) << chip;
    }
}
