#include "host/results/json_import.hpp"

#include "host/results/run_identity.hpp"

#include <fmt/format.h>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace rig::results {
namespace {

using nlohmann::json;

// Raised while reading and turned into one malformed Error at the boundary.
struct Bad {
    std::string what;
};

const char* type_name(const json& v) {
    switch (v.type()) {
        case json::value_t::null:
            return "null";
        case json::value_t::object:
            return "an object";
        case json::value_t::array:
            return "an array";
        case json::value_t::string:
            return "a string";
        case json::value_t::boolean:
            return "a boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float:
            return "a number";
        default:
            return "something else";
    }
}

const json& member(const json& object, const std::string& key, const std::string& where) {
    const auto it = object.find(key);
    if (it == object.end()) throw Bad{where + " has no '" + key + "'"};
    return *it;
}

std::string string_at(const json& object, const std::string& key, const std::string& where, bool required) {
    const auto it = object.find(key);
    if (it == object.end()) {
        if (required) throw Bad{where + " has no '" + key + "'"};
        return {};
    }
    if (!it->is_string()) throw Bad{where + " '" + key + "' should be a string, got " + type_name(*it)};
    return it->get<std::string>();
}

// A count: a non-negative whole number no larger than `max`.
std::uint64_t count_at(const json& object, const std::string& key, const std::string& where, std::uint64_t max) {
    const json& v = member(object, key, where);
    if (!v.is_number()) throw Bad{where + " '" + key + "' should be a number, got " + type_name(v)};
    const double d = v.get<double>();
    if (!(d >= 0) || d > static_cast<double>(max) || std::floor(d) != d)
        throw Bad{where + " '" + key + "' should be a whole number between 0 and " + std::to_string(max) + ", got " +
                  v.dump()};
    return static_cast<std::uint64_t>(d);
}

RunInfo read_context(const json& root) {
    const json& context = member(root, "context", "the file");
    if (!context.is_object()) throw Bad{"'context' should be an object, got " + std::string(type_name(context))};
    // Files written since the context leads with the target name its keys plainly ("board",
    // "firmware_commit"); older ones prefixed them ("rig_board", "rig_commit"). Both are read.
    const bool plain = context.contains("board") && !context.contains("rig_board");
    const auto k = [plain](const char* now, const char* before) { return std::string(plain ? now : before); };
    if (!context.contains("rig_board") && !plain)
        throw Bad{
            "'context' has no 'board' (nor 'rig_board'): not a file written by the rig (a plain Google "
            "Benchmark file?)"};
    const std::string where = "'context'";
    RunInfo i;
    i.board = string_at(context, k("board", "rig_board"), where, true);
    if (i.board.empty()) throw Bad{where + " '" + k("board", "rig_board") + "' is empty"};
    const std::string unit = string_at(context, k("unit", "rig_counter_unit"), where, true);
    if (unit == "cycles") {
        i.unit = board::CounterUnit::cycles;
    } else if (unit == "instructions") {
        i.unit = board::CounterUnit::instructions;
    } else {
        throw Bad{fmt::format(R"({} '{}' should be "cycles" or "instructions", got "{}")", where,
                              k("unit", "rig_counter_unit"), unit)};
    }
    const std::string commit = string_at(context, k("firmware_commit", "rig_commit"), where, true);
    i.firmware_commit = canonical_commit(commit);
    if (i.firmware_commit.empty())
        throw Bad{fmt::format(R"({} '{}' should be a git commit (hex, maybe "-dirty") or "unknown", got "{}")", where,
                              k("firmware_commit", "rig_commit"), commit)};
    const json& ns = member(context, k("ns_per_count", "rig_ns_per_count"), where);
    if (!ns.is_number() || !(ns.get<double>() > 0) || !std::isfinite(ns.get<double>()))
        throw Bad{where + " '" + k("ns_per_count", "rig_ns_per_count") + "' should be a positive number, got " +
                  ns.dump()};
    i.ns_per_count = ns.get<double>();
    i.chip = string_at(context, k("chip", "rig_chip"), where, false);
    if (plain) i.core = string_at(context, "core", where, false);
    if (i.core == "unknown") i.core.clear();
    i.probe = string_at(context, k("probe", "rig_probe"), where, false);
    i.firmware_version = string_at(context, k("firmware_version", "rig_firmware_version"), where, false);
    i.toolchain = string_at(context, k("toolchain", "rig_toolchain"), where, false);
    i.image_sha256 = string_at(context, k("image_sha256", "rig_image_sha256"), where, false);
    i.started_at = string_at(context, k("started_at", "rig_started_at"), where, true);
    i.cpu_hz = count_at(context, k("cpu_hz", "rig_cpu_hz"), where, std::numeric_limits<std::uint32_t>::max() * 8ULL);
    i.repetitions = static_cast<unsigned>(count_at(context, k("repetitions", "rig_repetitions"), where, 1'000'000));
    i.ram_cross_check = string_at(context, k("ram_cross_check", "rig_ram_cross_check"), where, false);
    i.counter_check = string_at(context, k("counter_check", "rig_counter_check"), where, false);
    // Files written before run ids (rig_run_id) get the id their old identity derives (History);
    // they did not record a filter and are taken as complete runs.
    i.run_id = string_at(context, k("run_id", "rig_run_id"), where, false);
    if (!i.run_id.empty() && !is_valid_run_id(i.run_id))
        throw Bad{where + " '" + k("run_id", "rig_run_id") +
                  "' should be letters, digits, '-', '_', ':' or '.', got \"" + i.run_id + "\""};
    i.filter = string_at(context, k("filter", "rig_filter"), where, false);
    i.complete = true;
    if (const auto it = context.find(k("complete", "rig_complete")); it != context.end()) {
        if (!it->is_boolean())
            throw Bad{where + " '" + k("complete", "rig_complete") + "' should be a boolean, got " + type_name(*it)};
        i.complete = it->get<bool>();
    }
    if (context.contains(k("uart_garbage_bytes", "rig_uart_garbage_bytes")))
        i.uart_garbage_bytes = count_at(context, k("uart_garbage_bytes", "rig_uart_garbage_bytes"), where,
                                        std::numeric_limits<std::uint32_t>::max());
    return i;
}

RunReport parse(const json& root) {
    if (!root.is_object()) throw Bad{"the top level should be an object, got " + std::string(type_name(root))};
    RunReport report;
    report.info = read_context(root);
    const std::string unit = board::to_string(report.info.unit);
    const std::string other = report.info.unit == board::CounterUnit::cycles ? "instructions" : "cycles";

    const json& benchmarks = member(root, "benchmarks", "the file");
    if (!benchmarks.is_array()) throw Bad{"'benchmarks' should be an array, got " + std::string(type_name(benchmarks))};
    std::map<std::string, std::size_t> index;  // full name -> position in report.measurements
    for (std::size_t n = 0; n < benchmarks.size(); ++n) {
        const json& entry = benchmarks[n];
        std::string where = "benchmarks[" + std::to_string(n) + "]";
        if (!entry.is_object()) throw Bad{where + " should be an object, got " + std::string(type_name(entry))};
        const std::string name = string_at(entry, "name", where, true);
        where += " ('" + name + "')";
        const std::string run_type = string_at(entry, "run_type", where, false);
        if (run_type == "aggregate") continue;  // mean, median, …: recomputed from the repetitions
        if (!run_type.empty() && run_type != "iteration")
            throw Bad{fmt::format(R"({} has run_type "{}", expected "iteration" or "aggregate")", where, run_type)};
        if (entry.contains("error_occurred") && entry["error_occurred"] == true)
            throw Bad{where + " records an error: " + entry.value("error_message", std::string("(no message)"))};
        if (entry.contains(other))
            throw Bad{fmt::format("{} counts {} but the file's unit is {}: units are never mixed", where, other, unit)};
        if (!entry.contains(unit)) throw Bad{fmt::format("{} has no '{}' counter (the file's unit)", where, unit)};

        const auto value = count_at(entry, unit, where, std::numeric_limits<std::uint32_t>::max());
        const auto overhead = count_at(entry, "overhead_subtracted", where, std::numeric_limits<std::uint32_t>::max());
        const auto param = count_at(entry, "payload_bytes", where, std::numeric_limits<std::uint32_t>::max());

        auto [it, added] = index.try_emplace(name, report.measurements.size());
        if (added) {
            Measurement m;
            m.param = static_cast<std::uint32_t>(param);
            m.overhead = static_cast<std::uint32_t>(overhead);
            m.name = name;
            if (param != 0) {
                const std::string suffix = "/" + std::to_string(param);
                if (name.size() <= suffix.size() ||
                    name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
                    throw Bad{
                        fmt::format("{} has payload_bytes {} but its name does not end in {}", where, param, suffix)};
                m.name = name.substr(0, name.size() - suffix.size());
            }
            report.measurements.push_back(std::move(m));
        }
        Measurement& m = report.measurements[it->second];
        if (m.param != param || m.overhead != overhead)
            throw Bad{where +
                      " disagrees with the benchmark's earlier repetitions on payload_bytes or overhead_subtracted"};
        m.samples.push_back(static_cast<std::uint32_t>(value));
    }
    return report;
}

}  // namespace

Result<RunReport> parse_gbench_json(std::string_view text) {
    json root;
    try {
        root = json::parse(text.begin(), text.end());
    } catch (const json::exception& e) {  // the message carries the byte position
        return make_error(ErrorKind::malformed, std::string("not valid JSON: ") + e.what());
    }
    try {
        return parse(root);
    } catch (const Bad& bad) {
        return make_error(ErrorKind::malformed, bad.what);
    } catch (const json::exception& e) {  // a case the checks above missed: still an answer, not a crash
        return make_error(ErrorKind::malformed, std::string("unexpected JSON content: ") + e.what());
    }
}

Result<RunReport> read_gbench_json(const std::filesystem::path& file) {
    // A folder opens as a stream on Linux and reads as nothing ("unexpected end of input").
    std::error_code is_folder_ec;
    if (std::filesystem::is_directory(file, is_folder_ec))
        return make_error(ErrorKind::invalid_argument, file.string() + ": a folder, not a result file");
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::error_code ec;
        const bool exists = std::filesystem::exists(file, ec);
        return make_error(exists ? ErrorKind::io : ErrorKind::not_found,
                          file.string() + (exists ? ": cannot be read" : ": no such file"));
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto report = parse_gbench_json(text.str());
    if (!report) return report.error().context(file.string());
    return report;
}

}  // namespace rig::results
