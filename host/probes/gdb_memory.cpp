#include "host/probes/gdb_memory.hpp"

#include "host/util/hex.hpp"
#include "host/util/little_endian.hpp"

#include <algorithm>

namespace rig::probes {
namespace {

// Big enough to keep the packet count low, small enough that progress moves.
constexpr std::size_t chunk_size = 4096;

}  // namespace

Result<std::vector<std::uint8_t>> stop_and_read_memory(gdb_rsp::RspClient& gdb, std::uint32_t address,
                                                       std::size_t length) {
    if (auto stopped = gdb.interrupt(); !stopped) return stopped.error().context("stopping the core to read memory");
    auto bytes = gdb.read_memory(address, length);
    if (!bytes)
        return bytes.error().context("reading " + std::to_string(length) + " bytes at " + util::hex_address(address));
    return std::move(*bytes);
}

Result<void> write_word_and_continue(gdb_rsp::RspClient& gdb, std::uint32_t address, std::uint32_t value) {
    const std::string where = "write " + util::hex_address(value) + " at " + util::hex_address(address);
    if (auto stopped = gdb.interrupt(); !stopped) return stopped.error().context("stopping the core to " + where);
    if (auto written = gdb.write_memory(address, util::store_le32(value)); !written)
        return written.error().context(where);
    if (auto resumed = gdb.cont(); !resumed) return resumed.error().context("continue after " + where);
    return {};
}

Result<std::uint32_t> read_word_and_continue(gdb_rsp::RspClient& gdb, std::uint32_t address) {
    auto bytes = stop_and_read_memory(gdb, address, 4);
    if (!bytes) return bytes.error();
    if (bytes->size() != 4)
        return make_error(ErrorKind::malformed, "read of 4 bytes at " + util::hex_address(address) + " returned " +
                                                    std::to_string(bytes->size()));
    if (auto resumed = gdb.cont(); !resumed)
        return resumed.error().context("continue after reading " + util::hex_address(address));
    return util::load_le32(bytes->data());
}

Result<void> flash_with_memory_writes(gdb_rsp::RspClient& gdb, const elf::Image& image, const FlashProgress& progress) {
    const std::size_t total = image.flash_bytes();
    std::size_t done = 0;
    for (const auto& segment : image.segments) {
        for (std::size_t at = 0; at < segment.data.size(); at += chunk_size) {
            const std::size_t n = std::min(chunk_size, segment.data.size() - at);
            const auto address = std::uint64_t{segment.load_address} + at;
            const std::span<const std::uint8_t> chunk(segment.data.data() + at, n);
            if (auto written = gdb.write_memory(address, chunk); !written)
                return written.error().context("flash write at " + util::hex_address(address));
            auto back = gdb.read_memory(address, n);
            if (!back) return back.error().context("flash verify at " + util::hex_address(address));
            const auto mismatch = std::mismatch(chunk.begin(), chunk.end(), back->begin(), back->end());
            if (mismatch.first != chunk.end())
                return make_error(ErrorKind::remote,
                                  "flash verify failed at " +
                                      util::hex_address(address + (mismatch.first - chunk.begin())) +
                                      ": the probe acknowledged the write but the memory did not change");
            done += n;
            if (progress) progress(done, total);
        }
    }
    return {};
}

}  // namespace rig::probes
