// The whole pipeline against a real qemu-system-arm: flash through the GDB server, reset,
// collect over the UART, write Google Benchmark JSON. QEMU counts instructions exactly, so two
// runs must agree to the instruction, and Google Benchmark's compare.py must call them equal.
#include "host/board/board.hpp"
#include "host/results/gbench_json.hpp"
#include "host/session/run_session.hpp"
#include "host/util/child_process.hpp"
#include "tests/integration/scratch_dir.hpp"

#include <gtest/gtest.h>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

namespace {

namespace fs = std::filesystem;

const fs::path firmware_image = fs::path(RIG_BINARY_DIR) / "firmware/thumbv7em-none-eabi/release/qemu_mps2_an386";
const fs::path rig_binary = fs::path(RIG_BINARY_DIR) / "bin/rig";
constexpr unsigned repetitions = 9;

fs::path scratch_dir(const std::string& name) { return rig::test_support::scratch_dir("rig_pipeline_", name); }

// Runs a command (argv, no shell) to its end; what it printed is in `output`.
rig::util::Captured run_program(const std::vector<std::string>& argv) {
    return rig::util::run_captured(argv, scratch_dir("cmd") / "output.txt", std::chrono::seconds(600));
}

class PipelineOnQemu : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        ASSERT_TRUE(rig::util::program_available("qemu-system-arm"))
            << "qemu-system-arm is missing: run scripts/bootstrap.sh --deps (package qemu-system-arm)";
        ASSERT_TRUE(fs::exists(firmware_image)) << firmware_image << " was not built (cmake --build build)";
        auto board = rig::board::find_board("qemu_mps2_an386", fs::path(RIG_SOURCE_DIR) / "boards");
        ASSERT_TRUE(board) << board.error().message;
        board_ = new rig::board::Board(*board);
    }
    static void TearDownTestSuite() { delete board_; }

    rig::results::RunReport run_once(const std::string& name) {
        rig::session::RunOptions options;
        options.repetitions = repetitions;
        auto report = rig::session::run_on_board(*board_, firmware_image, options, scratch_dir(name) / "qemu.log");
        EXPECT_TRUE(report) << report.error().message;
        return report ? *report : rig::results::RunReport{};
    }

    static rig::board::Board* board_;
};

rig::board::Board* PipelineOnQemu::board_ = nullptr;

std::map<std::string, std::vector<std::uint32_t>> samples_by_name(const rig::results::RunReport& report) {
    std::map<std::string, std::vector<std::uint32_t>> m;
    for (const auto& r : report.measurements) m[r.full_name()] = r.samples;
    return m;
}

TEST_F(PipelineOnQemu, RunsTheFirstBenchmarksWithTheRequestedRepetitions) {
    const auto report = run_once("first");
    EXPECT_EQ(report.info.board, "qemu_mps2_an386");
    EXPECT_EQ(report.info.unit, rig::board::CounterUnit::instructions);
    EXPECT_FALSE(report.info.firmware_commit.empty());
    EXPECT_EQ(report.info.image_sha256.size(), 64u);
    const auto samples = samples_by_name(report);
    for (const char* name :
         {"syscall/null", "syscall/null_mpu", "ctx/process_switch", "ctx/process_switch_mpu", "syscall_c/null",
          "ctx_c/process_switch", "cell/copy/64", "cell/takecell_map/64", "counter/overhead"}) {
        ASSERT_TRUE(samples.count(name)) << name << " missing";
        EXPECT_EQ(samples.at(name).size(), repetitions) << name;
    }
    // Sanity, not targets: a round trip through two exception entries is dozens of instructions.
    EXPECT_GT(samples.at("syscall/null").front(), 10u);
}

TEST_F(PipelineOnQemu, TwoRunsGiveIdenticalInstructionCounts) {
    const auto first = samples_by_name(run_once("a"));
    const auto second = samples_by_name(run_once("b"));
    ASSERT_FALSE(first.empty());
    EXPECT_EQ(first.size(), second.size());
    for (const auto& [name, samples] : first) {
        ASSERT_TRUE(second.count(name)) << name << " missing from the second run";
        EXPECT_EQ(samples, second.at(name)) << name << " differs between two runs";
    }
    // And within a run, every repetition of a benchmark counts the same.
    for (const auto& [name, samples] : first)
        for (auto s : samples) EXPECT_EQ(s, samples.front()) << name;
}

TEST_F(PipelineOnQemu, TheJsonCarriesCountsUnitAndVirtualTime) {
    const auto report = run_once("json");
    const auto json = nlohmann::json::parse(rig::results::to_gbench_json(report));
    EXPECT_EQ(json["context"]["unit"], "instructions");
    EXPECT_EQ(json["context"]["board"], "qemu_mps2_an386");
    // The host read the last benchmark's samples back from RAM by ELF symbol, through the GDB stub.
    EXPECT_NE(json["context"]["ram_cross_check"].get<std::string>().find("match the UART"), std::string::npos)
        << json["context"]["ram_cross_check"];
    // Instructions have no clock to check the counter against.
    EXPECT_EQ(json["context"]["counter_check"], "not applicable: the counter is QEMU's instruction count");
    int iterations = 0;
    for (const auto& b : json["benchmarks"]) {
        if (b["run_type"] != "iteration") continue;
        ++iterations;
        const double count = b["instructions"];
        EXPECT_DOUBLE_EQ(b["real_time"].get<double>(), count * 128.0) << b["name"];  // shift=7: 128 ns each
        EXPECT_DOUBLE_EQ(b["cpu_time"].get<double>(), b["real_time"].get<double>());
        EXPECT_EQ(b["time_unit"], "ns");
    }
    EXPECT_EQ(iterations, static_cast<int>(report.measurements.size() * repetitions));
}

TEST_F(PipelineOnQemu, GoogleBenchmarksComparePyCallsTwoRunsEqual) {
    ASSERT_TRUE(fs::exists("/usr/share/benchmark/compare.py")) << "install libbenchmark-tools";
    const auto dir = scratch_dir("compare");
    ASSERT_TRUE(rig::results::write_gbench_json(run_once("c1"), dir / "a.json"));
    ASSERT_TRUE(rig::results::write_gbench_json(run_once("c2"), dir / "b.json"));
    // Debian's python3 (with scipy), not whatever python3 is first on PATH.
    const auto compared = run_program({"/usr/bin/python3", "/usr/share/benchmark/compare.py", "--no-color",
                                       "benchmarks", (dir / "a.json").string(), (dir / "b.json").string()});
    ASSERT_TRUE(compared.ok) << compared.status << "\n" << compared.output;
    const std::string& output = compared.output;
    // Rows look like "syscall/null   +0.0000   +0.0000   4224   4224   4224   4224".
    const std::regex row(R"(^(\S+)\s+([-+]\d+\.\d+)\s+([-+]\d+\.\d+)\s+\S+\s+\S+\s+\S+\s+\S+\s*$)");
    int rows = 0;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (!std::regex_match(line, m, row)) continue;
        ++rows;
        EXPECT_EQ(std::stod(m[2]), 0.0) << line;
        EXPECT_EQ(std::stod(m[3]), 0.0) << line;
    }
    EXPECT_GE(rows, 4) << output;
}

TEST_F(PipelineOnQemu, TheCommandLineWritesResultsPerBoardAndCommit) {
    const auto dir = scratch_dir("cli");
    const auto ran = run_program({rig_binary.string(), "run", "--results-dir", dir.string(), "-r", "9"});
    ASSERT_TRUE(ran.ok) << ran.status << "\n" << ran.output;
    const std::string& output = ran.output;
    EXPECT_NE(output.find("syscall/null"), std::string::npos) << output;
    int files = 0;
    for (const auto& entry : fs::directory_iterator(dir / "qemu_mps2_an386")) {
        if (entry.path().extension() != ".json") continue;
        ++files;
        std::ifstream in(entry.path());
        const auto json = nlohmann::json::parse(in);
        EXPECT_EQ(entry.path().stem().string(), json["context"]["firmware_commit"].get<std::string>());
    }
    EXPECT_EQ(files, 1);
}

TEST_F(PipelineOnQemu, AnImageForAnotherBoardIsRefusedBeforeAnythingStarts) {
    auto other = *board_;
    other.name = "small_flash_board";
    other.firmware_board = "qemu_mps2_an386";  // the image's own board: only its memory map is wrong
    other.flash.length = 256;                  // the image cannot fit
    rig::session::RunOptions options;
    const auto report = rig::session::run_on_board(other, firmware_image, options, scratch_dir("refuse") / "qemu.log");
    ASSERT_FALSE(report);
    EXPECT_NE(report.error().message.find("step check image"), std::string::npos) << report.error().message;
    EXPECT_NE(report.error().message.find("outside flash"), std::string::npos) << report.error().message;
}

// A filter that matches no benchmark: once the firmware sent DONE with no RESULT, and that was an
// uncaught JSON parse error (abort) when the empty report was written; it is the user's mistake,
// exit 2, and nothing is written. The host now matches the filter against the image's catalogue,
// so it is refused at the check-image step, before QEMU starts.
TEST_F(PipelineOnQemu, AFilterThatMatchesNothingIsRefusedWithExit2) {
    const auto dir = scratch_dir("nomatch");
    const auto ran = run_program({rig_binary.string(), "run", "--results-dir", (dir / "results").string(), "--history",
                                  (dir / "history.sqlite").string(), "-r", "3", "-f", "nomatch/"});
    EXPECT_EQ(ran.status, "exited with status 2") << ran.output;
    EXPECT_NE(ran.output.find("step check image: the filter 'nomatch/' matches no benchmark"), std::string::npos)
        << ran.output;
    EXPECT_EQ(ran.output.find("start probe"), std::string::npos) << ran.output;
    for (const auto& entry : fs::directory_iterator(dir / "results" / "qemu_mps2_an386"))
        EXPECT_NE(entry.path().extension(), ".json") << "a result file for a run that measured nothing";
    EXPECT_FALSE(fs::exists(dir / "history.sqlite"));
}

}  // namespace
