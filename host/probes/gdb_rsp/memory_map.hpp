// The target memory map a GDB server sends for qXfer:memory-map:read (GDB manual, "Memory Map
// Format"): which ranges are RAM, ROM or flash, and each flash range's erase block size.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "host/util/result.hpp"

namespace rig::probes::gdb_rsp {

struct MemoryMapRegion {
    enum class Type { ram, rom, flash };
    Type type = Type::ram;
    std::uint64_t start = 0;
    std::uint64_t length = 0;
    std::uint64_t block_size = 0;  // flash only: the erase unit

    std::uint64_t end() const { return start + length; }
};

// Parses <memory-map><memory type=… start=… length=…><property name="blocksize">…</property>
// </memory>…</memory-map>. malformed when a region lacks an attribute or a flash region its
// block size, or when numbers do not parse.
Result<std::vector<MemoryMapRegion>> parse_memory_map(std::string_view xml);

}  // namespace rig::probes::gdb_rsp
