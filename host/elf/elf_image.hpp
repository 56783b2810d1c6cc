#pragma once
// A firmware image as the probe flashes it: the loadable segments of a 32-bit little-endian ARM
// ELF at their load (physical) addresses, plus the symbol table so the host can find results
// in RAM by name. Every offset read from the file is bounds-checked: a truncated or corrupt ELF
// is an error, never a crash.

#include "host/board/board.hpp"
#include "host/util/result.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace rig::elf {

struct Segment {
    std::uint32_t load_address = 0;  // where the bytes go in flash (LMA, p_paddr)
    std::vector<std::uint8_t> data;  // p_filesz bytes; .bss is not flashed
};

struct Symbol {
    std::string name;
    std::uint32_t address = 0;
    std::uint32_t size = 0;
};

struct Image {
    std::vector<Segment> segments;
    std::vector<Symbol> symbols;
    std::uint32_t entry = 0;

    std::size_t flash_bytes() const;
    std::optional<Symbol> find_symbol(const std::string& name) const;
    // The first two words of the segment at `address`: initial stack pointer and reset vector.
    std::optional<std::pair<std::uint32_t, std::uint32_t>> vector_table_at(std::uint32_t address) const;
};

// No firmware for these chips comes near this; /dev/zero or a stray disk image would.
constexpr std::size_t max_image_bytes = 64 * 1024 * 1024;

Result<Image> parse_image(std::span<const std::uint8_t> bytes);
// The file's bytes: only a regular file of at most max_image_bytes is read (a FIFO, a directory
// or a device is refused before any read, so none can block or exhaust memory).
Result<std::vector<std::uint8_t>> read_image_file(const std::filesystem::path& file);
Result<Image> load_image(const std::filesystem::path& file);

// Checks that an image belongs on a board, before anything is flashed: every segment inside
// flash, the vector table at the start of flash, its reset vector a Thumb address in flash,
// its initial stack pointer inside RAM (the top of RAM counts).
Result<void> check_fits_board(const Image& image, const board::Board& board);

}  // namespace rig::elf
