#pragma once
// Results are written whole or not at all: the text goes to a temporary file beside the target,
// is flushed to disk, and is renamed over the target. A crash, a full disk or a read-only folder
// leaves the previous file as it was.

#include "host/util/result.hpp"

#include <filesystem>
#include <string_view>

namespace rig::util {

Result<void> write_file_atomically(const std::filesystem::path& target, std::string_view contents);

}  // namespace rig::util
