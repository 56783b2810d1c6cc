#pragma once
// The identity block a rig image carries in flash (firmware board_support::identity!): which
// board it was built for and at which commit, read from the ELF before anything is flashed.
// An image without one (not built by this rig, or by an older one) simply has none.

#include "host/elf/elf_image.hpp"

#include <optional>
#include <string>

namespace rig::elf {

struct ImageInfo {
    std::string board;   // as the board files spell it
    std::string commit;  // as the build recorded it (12 hex digits, "-dirty", or "unknown")
};

// Finds the block in the image's loadable segments. Fields are NUL-separated `key=value` after
// the magic; the block ends at an empty field. A block without board or commit is not one.
std::optional<ImageInfo> find_image_info(const Image& image);

}  // namespace rig::elf
