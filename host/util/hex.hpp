#pragma once
// Addresses in messages look the same everywhere: "0x0000ea2c".

#include <cstdint>
#include <cstdio>
#include <string>

namespace rig::util {

inline std::string hex_address(std::uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%08llx", static_cast<unsigned long long>(value));
    return text;
}

}  // namespace rig::util
