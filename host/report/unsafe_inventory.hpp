#pragma once
// How much of the kernel is `unsafe`, counted from the source of one commit: every unsafe block,
// unsafe fn, unsafe impl and unsafe trait, found by a small Rust lexer (comments, strings, raw
// strings, chars and lifetimes skipped) and attributed to the paper's trusted kind by its file path.

#include "host/util/result.hpp"

#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace rig::report {

// The four language-level kinds of `unsafe` (the paper's count).
enum class LanguageKind { block, function, impl, trait };
constexpr std::array<LanguageKind, 4> language_kinds{LanguageKind::block, LanguageKind::function, LanguageKind::impl,
                                                     LanguageKind::trait};
const char* to_string(LanguageKind k);  // "unsafe block", "unsafe fn", …

// The six trusted kinds of the paper, by the module's name (a path component or file stem equal to
// the kind's name: arch/cortex-m/src/mmio.rs, kernel/src/cells/take_cell.rs); anything else is other.
enum class TrustedKind { context_switch, mmio, allocator, userspace_buffers, exception_handlers, cells, other };
constexpr std::array<TrustedKind, 7> trusted_kinds{
    TrustedKind::context_switch,     TrustedKind::mmio,  TrustedKind::allocator, TrustedKind::userspace_buffers,
    TrustedKind::exception_handlers, TrustedKind::cells, TrustedKind::other};
const char* to_string(TrustedKind k);  // "context_switch", …
TrustedKind trusted_kind_of(const std::filesystem::path& relative_file);

struct UnsafeUse {
    std::string file;  // relative to the scanned root
    unsigned line = 0;
    LanguageKind kind = LanguageKind::block;
    TrustedKind trusted = TrustedKind::other;
};

struct FileInventory {
    std::string file;
    TrustedKind trusted = TrustedKind::other;
    std::size_t code_lines = 0;           // lines holding a token (not blank, not only comment)
    std::size_t unsafe_lines = 0;         // code lines inside an unsafe block or unsafe fn body (from `unsafe` to `}`)
    std::array<std::size_t, 4> counts{};  // by LanguageKind
    std::size_t extern_blocks = 0;        // `unsafe extern "C" { … }` (edition 2024): declarations, not in the four
    std::size_t attributes = 0;           // `#[unsafe(no_mangle)]` and the like: not in the four
    std::size_t total() const { return counts[0] + counts[1] + counts[2] + counts[3]; }
};

struct Inventory {
    std::filesystem::path root;        // the scanned folder (a checkout's firmware/)
    std::string commit;                // what the caller says the tree is; empty when unknown
    std::vector<FileInventory> files;  // every .rs file, sorted by path
    std::vector<UnsafeUse> uses;       // in file order

    std::size_t count(LanguageKind k) const;
    std::size_t count(TrustedKind t) const;
    std::size_t count(TrustedKind t, LanguageKind k) const;
    std::size_t total() const { return uses.size(); }
    std::size_t code_lines() const;
    std::size_t unsafe_lines() const;
    std::size_t extern_blocks() const;
    std::size_t attributes() const;
    double unsafe_line_percent() const;
};

// One file's text; `file` is the name recorded (its trusted kind comes from it).
FileInventory scan_rust_source(std::string_view text, const std::string& file, std::vector<UnsafeUse>* uses = nullptr);

// Every .rs file under `root` (a checkout — its firmware/ is scanned — or a firmware folder),
// skipping target/, build/ and hidden folders. not_found when there is no Rust source at all.
Result<Inventory> scan_tree(const std::filesystem::path& root);

}  // namespace rig::report
