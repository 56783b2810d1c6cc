#pragma once
// `--out FILE` and `--format json|csv|junit` of `rig run`, `rig submit`/`rig follow`, `rig compare`
// and `rig nightly`: what a CI job keeps. The format comes from --format, else from the file's extension (.json, .csv,
// .xml); each command says which formats it can write. Files are written atomically.

#include "host/results/run_report.hpp"
#include "host/util/result.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <optional>
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

// --out as a command checks it before any work (a board run, a queued job), like the results
// folder, so that nothing is measured for a file that cannot be written: the format (nullopt
// without --out), or why not. invalid_argument for a format it cannot tell or write, an empty name
// or a target that is not a file (a folder, /dev/null, a FIFO); io for a folder that is missing,
// read-only or not ours to write.
Result<std::optional<OutFormat>> checked_out(const OutArgs& out, const std::vector<OutFormat>& supported);

// Says why --out was refused ("rig <command>: …") and returns the exit code: 3 when the file
// cannot be written there (io), else 2 (bad input).
int out_refused(const std::string& command, const Error& e);

// A run as Google Benchmark JSON or CSV, or as a JUnit suite with a case per benchmark.
Result<void> write_run_out(const OutArgs& out, OutFormat format, const results::RunReport& report);

// A run that did not finish, for CI's JUnit reader: one failing case on `board` that says why.
Result<void> write_failed_run_junit(const OutArgs& out, const std::string& suite, const std::string& board,
                                    const std::string& message, const std::string& detail);

}  // namespace rig::cli
