#pragma once
// Reading a file named on a command line (a firmware image) without trusting what it is: a FIFO
// would block for ever in open or read, a directory throws from a stream, /dev/zero never ends.
// Only a regular file up to a size cap is read; everything else is refused before any read.

#include "host/util/result.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace rig::util {

// The whole file. ErrorKind::not_found when it does not exist, invalid_argument when it is not a
// regular file or is larger than `max_bytes`, io for other errors; messages name the file.
Result<std::vector<std::uint8_t>> read_regular_file(const std::filesystem::path& file, std::size_t max_bytes);

}  // namespace rig::util
