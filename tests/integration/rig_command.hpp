// `rig ARGS…` run to its end as a user runs it, for tests of commands that start no board (a few
// seconds at most): its exit code and what it printed.
#pragma once

#include "host/util/child_process.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace rig::test_support {

struct Ran {
    int exit_code = -1;  // -1 when it did not exit by itself
    std::string output;
};

// The output goes through <dir>/rig-output.txt.
inline Ran run_rig(std::vector<std::string> args, const std::filesystem::path& dir) {
    args.insert(args.begin(), (std::filesystem::path(RIG_BINARY_DIR) / "bin/rig").string());
    const auto ran = util::run_captured(args, dir / "rig-output.txt", std::chrono::seconds(60));
    Ran r;
    r.output = ran.output;
    const std::string prefix = "exited with status ";
    if (ran.status.starts_with(prefix)) r.exit_code = std::stoi(ran.status.substr(prefix.size()));
    return r;
}

}  // namespace rig::test_support
