#include "host/protocol/crc16.hpp"

namespace rig::protocol {

// Bitwise rather than table-driven: frames arrive over a UART, so speed does not matter and the
// loop is easy to check against the definition.
std::uint16_t crc16_ccitt_false(std::span<const std::uint8_t> data, std::uint16_t crc) {
    for (std::uint8_t byte : data) {
        crc ^= static_cast<std::uint16_t>(byte << 8);
        for (int bit = 0; bit < 8; ++bit) {
            crc =
                (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021) : static_cast<std::uint16_t>(crc << 1);
        }
    }
    return crc;
}

}  // namespace rig::protocol
