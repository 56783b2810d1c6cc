#pragma once
// Where the rig finds its boards, images and results when the command line does not say
// (host/config/paths.hpp), by the short names the commands use.

#include "host/config/paths.hpp"

namespace rig::cli {

using config::build_dir;
using config::default_image;
using config::source_dir;

}  // namespace rig::cli
