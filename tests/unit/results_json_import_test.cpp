// Reading result files back: what to_gbench_json writes parses to the same RunReport, and every
// broken file gives an error naming what is wrong instead of a crash.
#include "host/results/gbench_json.hpp"
#include "host/results/json_import.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace rig;
using namespace rig::results;

namespace {

const std::filesystem::path fixtures = std::filesystem::path(RIG_FIXTURES_DIR) / "results";

RunReport sample_report(board::CounterUnit unit) {
    RunReport r;
    auto& i = r.info;
    i.board = unit == board::CounterUnit::instructions ? "qemu_mps2_an386" : "nrf52840dk";
    i.chip = "cortex-m4";
    i.unit = unit;
    i.cpu_hz = 64'000'000;
    i.ns_per_count = unit == board::CounterUnit::instructions ? 128.0 : 15.625;
    i.probe = "qemu-gdb";
    i.firmware_version = "0.1.0";
    i.firmware_commit = "0123456789ab-dirty";
    i.toolchain = "rustc 1.80.0-nightly (abc 2024-05-01)";
    i.image_sha256 = std::string(64, 'f');
    i.started_at = "2024-05-01T10:00:00Z";
    i.repetitions = 5;
    i.uart_garbage_bytes = 3;
    r.measurements = {
        {"syscall/null", 0, 4, {120, 121, 119, 4'294'967'295u, 0}},
        {"cell/copy", 64, 4, {300, 300, 301, 302, 300}},
        {"cell/copy", 4096, 4, {9000, 9001, 9002, 9003, 9004}},
        {"cell/takecell_map", 0, 0, {7, 7, 7, 7, 7}},
    };
    return r;
}

void expect_equal(const RunReport& a, const RunReport& b) {
    EXPECT_EQ(a.info.board, b.info.board);
    EXPECT_EQ(a.info.chip, b.info.chip);
    EXPECT_EQ(a.info.unit, b.info.unit);
    EXPECT_EQ(a.info.cpu_hz, b.info.cpu_hz);
    EXPECT_DOUBLE_EQ(a.info.ns_per_count, b.info.ns_per_count);
    EXPECT_EQ(a.info.probe, b.info.probe);
    EXPECT_EQ(a.info.firmware_version, b.info.firmware_version);
    EXPECT_EQ(a.info.firmware_commit, b.info.firmware_commit);
    EXPECT_EQ(a.info.toolchain, b.info.toolchain);
    EXPECT_EQ(a.info.image_sha256, b.info.image_sha256);
    EXPECT_EQ(a.info.started_at, b.info.started_at);
    EXPECT_EQ(a.info.repetitions, b.info.repetitions);
    EXPECT_EQ(a.info.uart_garbage_bytes, b.info.uart_garbage_bytes);
    ASSERT_EQ(a.measurements.size(), b.measurements.size());
    for (std::size_t n = 0; n < a.measurements.size(); ++n) {
        SCOPED_TRACE(a.measurements[n].full_name());
        EXPECT_EQ(a.measurements[n].name, b.measurements[n].name);
        EXPECT_EQ(a.measurements[n].param, b.measurements[n].param);
        EXPECT_EQ(a.measurements[n].overhead, b.measurements[n].overhead);
        EXPECT_EQ(a.measurements[n].samples, b.measurements[n].samples);
    }
}

std::string error_of(const std::string& fixture) {
    auto r = read_gbench_json(fixtures / fixture);
    if (r) return "parsed without error";
    EXPECT_EQ(r.error().kind, ErrorKind::malformed);
    EXPECT_EQ(r.error().message.rfind((fixtures / fixture).string() + ": ", 0), 0u) << "names the file";
    return r.error().message;
}

}  // namespace

TEST(JsonImport, RoundTripsWhatTheRigWrites) {
    for (auto unit : {board::CounterUnit::instructions, board::CounterUnit::cycles}) {
        SCOPED_TRACE(board::to_string(unit));
        const auto report = sample_report(unit);
        auto parsed = parse_gbench_json(to_gbench_json(report));
        ASSERT_TRUE(parsed) << parsed.error().message;
        expect_equal(report, *parsed);
    }
}

// A filter that matches nothing leaves a report without measurements: Google Benchmark then
// writes nothing at all, which must not become a JSON parse exception.
TEST(JsonImport, AReportWithNoMeasurementsIsValidJson) {
    auto report = sample_report(board::CounterUnit::instructions);
    report.measurements.clear();
    std::string text;
    ASSERT_NO_THROW(text = to_gbench_json(report));
    const auto json = nlohmann::json::parse(text);
    EXPECT_TRUE(json.at("benchmarks").is_array());
    EXPECT_TRUE(json.at("benchmarks").empty());
    EXPECT_EQ(json.at("context").at("board"), "qemu_mps2_an386");
    auto parsed = parse_gbench_json(text);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_TRUE(parsed->measurements.empty());
}

TEST(JsonImport, ReadsAHandWrittenFile) {
    auto r = read_gbench_json(fixtures / "valid_instructions.json");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->info.board, "qemu_mps2_an386");
    ASSERT_EQ(r->measurements.size(), 2u);
    EXPECT_EQ(r->measurements[0].name, "cell/copy");
    EXPECT_EQ(r->measurements[0].param, 64u);
    EXPECT_EQ(r->measurements[0].samples, (std::vector<std::uint32_t>{180, 180}));  // the _median entry is skipped
    EXPECT_EQ(r->measurements[1].full_name(), "syscall/null");
}

TEST(JsonImport, TruncatedFile) { EXPECT_NE(error_of("truncated.json").find("not valid JSON"), std::string::npos); }

TEST(JsonImport, WrongTypes) {
    EXPECT_NE(error_of("wrong_types.json").find("'rig_ns_per_count' should be a positive number, got \"128\""),
              std::string::npos);
}

TEST(JsonImport, BenchmarksNotAnArray) {
    EXPECT_NE(error_of("benchmarks_not_array.json").find("'benchmarks' should be an array, got an object"),
              std::string::npos);
}

TEST(JsonImport, MissingContextIsNotARigFile) {
    EXPECT_NE(error_of("missing_context.json").find("not a file written by the rig"), std::string::npos);
}

TEST(JsonImport, MixedUnitsAreRefused) {
    const auto e = error_of("mixed_units.json");
    EXPECT_NE(e.find("benchmarks[3] ('syscall/null') counts cycles but the file's unit is instructions"),
              std::string::npos)
        << e;
}

TEST(JsonImport, NegativeCount) {
    EXPECT_NE(error_of("negative_count.json").find("'instructions' should be a whole number"), std::string::npos);
}

TEST(JsonImport, RepetitionsThatDisagree) {
    EXPECT_NE(error_of("inconsistent_repetitions.json").find("disagrees with the benchmark's earlier repetitions"),
              std::string::npos);
}

TEST(JsonImport, TopLevelArray) {
    EXPECT_NE(error_of("top_level_array.json").find("the top level should be an object, got an array"),
              std::string::npos);
}

TEST(JsonImport, MissingFileIsNotFound) {
    auto r = read_gbench_json(fixtures / "no_such_file.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::not_found);
}

TEST(JsonImport, OddInputsGiveErrorsNotCrashes) {
    const std::string valid = to_gbench_json(sample_report(board::CounterUnit::cycles));
    // Every prefix of a valid file, and a few hostile texts: each must come back as a value.
    for (std::size_t n = 0; n < valid.size(); n += 37) (void)parse_gbench_json(std::string_view(valid).substr(0, n));
    // Strings, not c_str() of a temporary: that one is freed before the loop body runs (ASan).
    const std::string deep(100000, '[');
    for (const std::string& text : std::initializer_list<std::string>{
             "", "null", "[]", "{}", R"("x")", R"({"context": null})", R"({"context": {"rig_board": 5}})",
             R"({"context": {}, "benchmarks": []})", deep})
        EXPECT_FALSE(parse_gbench_json(text)) << text.substr(0, 80);
}
