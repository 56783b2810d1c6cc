#include "host/cli/out_file.hpp"

#include "host/results/gbench_json.hpp"
#include "host/results/junit_xml.hpp"
#include "host/util/atomic_file.hpp"
#include "host/util/exit_code.hpp"

#include <fmt/format.h>

namespace rig::cli {

const char* to_string(OutFormat format) {
    switch (format) {
        case OutFormat::json:
            return "json";
        case OutFormat::csv:
            return "csv";
        case OutFormat::junit:
            return "junit";
    }
    return "?";
}

void add_out_options(CLI::App& cmd, OutArgs& out, const std::string& formats_help) {
    // `--out ""` (an unset variable in a CI script) would otherwise read as no --out at all.
    const CLI::Validator named(
        [](const std::string& file) { return file.empty() ? "needs a file name, not an empty string" : ""; }, "FILE");
    auto* file =
        cmd.add_option("--out", out.file, "Also write the results to this file (" + formats_help + ")")->check(named);
    cmd.add_option("--format", out.format, "Format of --out (default: from its extension, .json .csv .xml)")
        ->check(CLI::IsMember({"json", "csv", "junit"}))
        ->needs(file);
}

Result<OutFormat> out_format(const OutArgs& out, const std::vector<OutFormat>& supported) {
    OutFormat format{};
    if (!out.format.empty()) {
        format = out.format == "json" ? OutFormat::json : out.format == "csv" ? OutFormat::csv : OutFormat::junit;
    } else {
        const auto extension = std::filesystem::path(out.file).extension().string();
        if (extension == ".json") {
            format = OutFormat::json;
        } else if (extension == ".csv") {
            format = OutFormat::csv;
        } else if (extension == ".xml") {
            format = OutFormat::junit;
        } else {
            return make_error(ErrorKind::invalid_argument,
                              fmt::format("cannot tell the format of --out {} from its extension (.json, .csv or "
                                          ".xml): give --format",
                                          out.file));
        }
    }
    if (std::find(supported.begin(), supported.end(), format) == supported.end()) {
        std::string list;
        for (const auto f : supported) list += (list.empty() ? "" : ", ") + std::string(to_string(f));
        return make_error(ErrorKind::invalid_argument,
                          fmt::format("this command writes --out as {}, not {}", list, to_string(format)));
    }
    return format;
}

Result<std::optional<OutFormat>> checked_out(const OutArgs& out, const std::vector<OutFormat>& supported) {
    if (out.file.empty()) return std::optional<OutFormat>{};
    auto format = out_format(out, supported);
    if (!format) return format.error();
    if (auto writable = util::check_can_write_atomically(out.file); !writable) return writable.error().context("--out");
    return std::optional<OutFormat>{*format};
}

int out_refused(const std::string& command, const Error& e) {
    fmt::print(stderr, "rig {}: {}\n", command, e.message);
    return e.kind == ErrorKind::io ? util::exit_write_failed : util::exit_bad_input;
}

Result<void> write_run_out(const OutArgs& out, OutFormat format, const results::RunReport& report) {
    std::string text;
    switch (format) {
        case OutFormat::json:
            text = results::to_gbench_json(report);
            break;
        case OutFormat::csv:
            text = results::to_gbench_csv(report);
            break;
        case OutFormat::junit:
            text = results::junit_xml({results::junit_suite_of_run(report)});
            break;
    }
    return util::write_file_atomically(out.file, text);
}

Result<void> write_failed_run_junit(const OutArgs& out, const std::string& suite, const std::string& board,
                                    const std::string& message, const std::string& detail) {
    results::JunitSuite failed{suite, {}};
    failed.cases.push_back({board, "run", message, "run failed", detail});
    return util::write_file_atomically(out.file, results::junit_xml({failed}));
}

}  // namespace rig::cli
