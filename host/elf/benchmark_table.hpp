#pragma once
// The benchmark catalogue a rig image carries in flash (firmware bench/src/catalogue.rs): every
// benchmark's name, parameter and what it measures, in the order the firmware's table runs
// them. Read from the ELF, so `rig benchmarks` needs no board and `rig run --filter` selects by
// table row before anything is flashed (docs/protocol.md, "Benchmark catalogue").

#include "host/elf/elf_image.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rig::elf {

struct BenchmarkEntry {
    std::string name;             // "family/case", as RESULT frames name it
    std::uint32_t parameter = 0;  // payload bytes, 0 if none
    std::string description;      // one line: what it measures

    std::string family() const;     // "cell" of "cell/copy"
    std::string full_name() const;  // "cell/copy/64", the name every table prints (0: no suffix)
};

// The catalogue in the image's loadable segments, in table order; nullopt when the image has
// none (not built by this rig, or by one before protocol 4) or it is damaged.
std::optional<std::vector<BenchmarkEntry>> find_benchmark_table(const Image& image);

}  // namespace rig::elf
