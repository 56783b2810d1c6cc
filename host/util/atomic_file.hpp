#pragma once
// Results are written whole or not at all: the text goes to a temporary file beside the target,
// is flushed to disk, and is renamed over the target. A crash, a full disk or a read-only folder
// leaves the previous file as it was.

#include "host/util/result.hpp"

#include <filesystem>
#include <string_view>

namespace rig::util {

// A file that is already there keeps its permissions; a new one is 0644. A symbolic link stays a
// link: the file it names is replaced. A target that is there but is not a regular file (a folder,
// a device such as /dev/null, a FIFO) is refused: replacing it with a file would break it.
Result<void> write_file_atomically(const std::filesystem::path& target, std::string_view contents);

// Whether write_file_atomically(target, …) can succeed, asked before the work that makes the
// contents (a board run): invalid_argument for a target that is not a file to replace, io for a
// folder that is missing or cannot take a new file (read-only, no permission), found by making
// and removing a temporary file in it.
Result<void> check_can_write_atomically(const std::filesystem::path& target);

}  // namespace rig::util
