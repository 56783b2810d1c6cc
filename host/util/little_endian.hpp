#pragma once
// 32-bit words as the Cortex-M stores them (little-endian), for the places that turn target
// memory, ELF fields and frame payloads into numbers and back.

#include <array>
#include <cstdint>

namespace rig::util {

inline std::uint32_t load_le32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

inline std::array<std::uint8_t, 4> store_le32(std::uint32_t value) {
    return {static_cast<std::uint8_t>(value), static_cast<std::uint8_t>(value >> 8),
            static_cast<std::uint8_t>(value >> 16), static_cast<std::uint8_t>(value >> 24)};
}

}  // namespace rig::util
