// CRC-16/CCITT-FALSE, the checksum that closes every frame (docs/protocol.md).
#pragma once

#include <cstdint>
#include <span>

namespace rig::protocol {

inline constexpr std::uint16_t crc16_initial = 0xFFFF;

// Polynomial 0x1021, no reflection, no final XOR. Pass a previous result as `crc` to continue
// over data that arrives in pieces.
std::uint16_t crc16_ccitt_false(std::span<const std::uint8_t> data, std::uint16_t crc = crc16_initial);

}  // namespace rig::protocol
