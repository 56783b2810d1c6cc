// Firmware images (32-bit ARM ELF) through parse_image, the identity block and benchmark
// catalogue readers, then the pre-flash board check.
// Invariants on an accepted image: segments inside the input and inside 4 GiB, sorted and not
// overlapping; symbol names no longer than the input.
#include <cstddef>
#include <cstdint>
#include <span>

#include "host/board/board.hpp"
#include "host/elf/benchmark_table.hpp"
#include "host/elf/elf_image.hpp"
#include "host/elf/image_info.hpp"
#include "tests/fuzz/fuzz_target.hpp"

RIG_FUZZ_TARGET(elf) {
    const auto image = rig::elf::parse_image(std::span(data, size));
    if (!image) {
        FUZZ_CHECK(image.error().kind == rig::ErrorKind::malformed);
        return 0;
    }
    FUZZ_CHECK(!image->segments.empty());  // segments may share file bytes: no bound on their sum
    for (std::size_t i = 0; i < image->segments.size(); ++i) {
        const auto& segment = image->segments[i];
        FUZZ_CHECK(!segment.data.empty() && segment.data.size() <= size);
        FUZZ_CHECK(std::uint64_t{segment.load_address} + segment.data.size() <= 0x1'0000'0000);
        if (i > 0) {
            const auto& previous = image->segments[i - 1];
            FUZZ_CHECK(std::uint64_t{previous.load_address} + previous.data.size() <= segment.load_address);
        }
    }
    for (const auto& symbol : image->symbols) {
        FUZZ_CHECK(symbol.name.size() < size);
        FUZZ_CHECK(image->find_symbol(symbol.name).has_value());
    }
    (void)image->vector_table_at(0);
    if (const auto identity = rig::elf::find_image_info(*image)) {
        FUZZ_CHECK(!identity->board.empty() && identity->board.size() <= 128);
        FUZZ_CHECK(!identity->commit.empty() && identity->commit.size() <= 128);
    }

    if (const auto table = rig::elf::find_benchmark_table(*image)) {
        FUZZ_CHECK(!table->empty());
        for (const auto& entry : *table) FUZZ_CHECK(entry.name.size() <= 512 && entry.description.size() <= 512);
    }

    // The QEMU board's memory map (boards/qemu_mps2_an386.toml).
    rig::board::Board board;
    board.name = "qemu_mps2_an386";
    board.flash = {0x0000'0000, 0x0040'0000};
    board.ram = {0x2000'0000, 0x0040'0000};
    (void)rig::elf::check_fits_board(*image, board);
    return 0;
}
