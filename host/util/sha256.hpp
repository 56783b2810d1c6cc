#pragma once
// SHA-256 of a file, hex-encoded (OpenSSL): identifies exactly which image a result came from.

#include <filesystem>
#include <string>

namespace rig::util {

// Empty when the file cannot be read.
std::string sha256_of_file(const std::filesystem::path& file);

}  // namespace rig::util
