#pragma once
// Is the image `rig run` is about to flash the one the checkout would build? An image older than
// a firmware source, or built at another commit than the checkout's, would be measured and filed
// under the wrong commit: such an image is refused, naming what is newer and how to rebuild.

#include "host/util/result.hpp"

#include <filesystem>

namespace rig::session {

// `image` is the build's image of this checkout (`source`, a git work tree with firmware/);
// `build_dir` is named in the advice. invalid_argument when stale; fine when it cannot tell
// (no git, no firmware sources: an installed rig).
Result<void> check_image_is_current(const std::filesystem::path& image, const std::filesystem::path& source,
                                    const std::filesystem::path& build_dir);

}  // namespace rig::session
