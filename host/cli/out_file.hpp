#pragma once
// `--out FILE` and `--format json|csv|junit` of `rig run`, `rig compare` and `rig nightly`: what
// a CI job keeps. The format comes from --format, else from the file's extension (.json, .csv,
// .xml); each command says which formats it can write. Files are written atomically.

#include "host/util/result.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>
#include <vector>

namespace rig::cli {

enum class OutFormat { json, csv, junit };
const char* to_string(OutFormat format);

struct OutArgs {
    std::string file;    // empty: no --out
    std::string format;  // empty: from the extension
};

void add_out_options(CLI::App& cmd, OutArgs& out, const std::string& formats_help);

// The format to write (invalid_argument when it cannot be told or the command cannot write it).
Result<OutFormat> out_format(const OutArgs& out, const std::vector<OutFormat>& supported);

}  // namespace rig::cli
