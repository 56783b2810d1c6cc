#pragma once
// SHA-256, hex-encoded (OpenSSL): identifies exactly which image a result came from.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace rig::util {

std::string sha256_of_bytes(std::span<const std::uint8_t> bytes);

// Of a regular file up to `max_bytes` (read as util::read_regular_file does: a FIFO or a device
// is refused, not read). Empty when the file cannot be read.
std::string sha256_of_file(const std::filesystem::path& file, std::size_t max_bytes = 64 * 1024 * 1024);

}  // namespace rig::util
