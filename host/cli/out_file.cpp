#include "host/cli/out_file.hpp"

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
    cmd.add_option("--out", out.file, "Also write the results to this file (" + formats_help + ")");
    cmd.add_option("--format", out.format, "Format of --out (default: from its extension, .json .csv .xml)")
        ->check(CLI::IsMember({"json", "csv", "junit"}));
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

}  // namespace rig::cli
