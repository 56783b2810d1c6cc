#include "host/results/run_recorder.hpp"

#include "host/results/gbench_json.hpp"
#include "host/results/history.hpp"

#include <cctype>
#include <fstream>
#include <mutex>
#include <sstream>

namespace rig::results {
namespace {

std::string file_name_safe(const std::string& text, const char* fallback) {
    std::string safe;
    for (char c : text) safe += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
    return safe.empty() ? fallback : safe.substr(0, 64);
}

std::string read_log(const std::filesystem::path& file) {
    if (file.empty()) return {};
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    return text.str();
}

}  // namespace

std::filesystem::path result_file_for(const std::filesystem::path& results_dir, const RunInfo& info) {
    const auto board = results_dir / file_name_safe(info.board, "unknown-board");
    const auto commit = file_name_safe(info.firmware_commit, "unknown");
    if (info.complete) return board / (commit + ".json");
    return board / "partial" / (commit + "." + file_name_safe(info.run_id, "run") + ".json");
}

Recorded record_run(const RunReport& report, const RecordOptions& options) {
    Recorded recorded;
    recorded.result_file = result_file_for(options.results_dir, report.info);
    if (auto written = write_gbench_json(report, recorded.result_file); !written) {
        recorded.file_error = written.error();
        return recorded;
    }
    if (options.history.empty()) return recorded;
    // rigd records from one thread per board: one writer at a time in this process keeps SQLite's
    // busy waits for other processes (a `rig run` beside the daemon).
    static std::mutex one_writer;
    std::lock_guard lock(one_writer);
    auto history = History::open(options.history);
    if (!history) {
        recorded.history_error = history.error();
        return recorded;
    }
    auto id = history->add_run(report, read_log(options.log_file), {options.source, options.commit_date});
    if (!id)
        recorded.history_error = id.error();
    else
        recorded.history_run = *id;
    return recorded;
}

}  // namespace rig::results
