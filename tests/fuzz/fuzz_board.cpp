// Board files (TOML, boards/*.toml) through parse_board, the code load_board runs. Named after
// the real board so its seed passes every check. Invariants on an accepted board: the ranges the
// checks promise (clock, memory regions inside 4 GiB, icount shift) and a usable ns_per_count.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "host/board/board.hpp"
#include "tests/fuzz/fuzz_target.hpp"

RIG_FUZZ_TARGET(board) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto board = rig::board::parse_board(text, "boards/qemu_mps2_an386.toml");
    if (!board) {
        FUZZ_CHECK(board.error().kind == rig::ErrorKind::malformed);
        FUZZ_CHECK(board.error().message.starts_with("boards/qemu_mps2_an386.toml"));
        return 0;
    }
    FUZZ_CHECK(board->name == "qemu_mps2_an386" && !board->chip.empty() && !board->firmware_package.empty());
    FUZZ_CHECK(board->cpu_hz >= 1'000 && board->cpu_hz <= 1'000'000'000);
    FUZZ_CHECK(board->flash.length > 0 && board->flash.end() <= 0x1'0000'0000);
    FUZZ_CHECK(board->ram.length > 0 && board->ram.end() <= 0x1'0000'0000);
    FUZZ_CHECK(board->probe.icount_shift >= 0 && board->probe.icount_shift <= 10);
    const double ns = board->ns_per_count();
    FUZZ_CHECK(std::isfinite(ns) && ns > 0);
    return 0;
}
