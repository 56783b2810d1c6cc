// `--filter` and `rig benchmarks` against the real image and QEMU: the catalogue `rig benchmarks`
// reads from the ELF is exactly what the firmware runs; a regex selects exactly the benchmarks it
// matches (one with `cell/copy/64$`, all others with `-cell`); `rig run --list` is the same listing.
#include "host/results/json_import.hpp"
#include "host/util/child_process.hpp"
#include "tests/integration/scratch_dir.hpp"

#include <gtest/gtest.h>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

namespace {

namespace fs = std::filesystem;

const fs::path rig_binary = fs::path(RIG_BINARY_DIR) / "bin/rig";
const fs::path qemu_image = fs::path(RIG_BINARY_DIR) / "firmware/thumbv7em-none-eabi/release/qemu_mps2_an386";

fs::path scratch(const std::string& name) { return rig::test_support::scratch_dir("rig_filters_", name); }

rig::util::Captured rig(const fs::path& dir, std::vector<std::string> args) {
    args.insert(args.begin(), rig_binary.string());
    return rig::util::run_captured(args, dir / "output.txt", std::chrono::seconds(120));
}

// The names `rig benchmarks` printed (the first column after the header lines).
std::vector<std::string> listed_names(const std::string& output) {
    std::vector<std::string> names;
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty() || line.starts_with("#") || line.starts_with("name ")) continue;
        names.push_back(line.substr(0, line.find(' ')));
    }
    return names;
}

// `rig run` with the filter into a scratch folder: the full names the result file holds.
std::set<std::string> measured(const fs::path& dir, const std::string& filter) {
    const auto ran = rig(dir, {"run", "-q", "-r", "1", "-f", filter, "--results-dir", (dir / "results").string(),
                               "--history", (dir / "history.sqlite").string()});
    EXPECT_EQ(ran.status, "exited with status 0") << ran.output;
    std::smatch m;
    if (!std::regex_search(ran.output, m, std::regex(R"(results: (\S+\.json))"))) {
        ADD_FAILURE() << "no result file named in: " << ran.output;
        return {};
    }
    auto report = rig::results::read_gbench_json(m[1].str());
    EXPECT_TRUE(report.has_value()) << m[1].str();
    std::set<std::string> names;
    if (report)
        for (const auto& measurement : report->measurements) names.insert(measurement.full_name());
    return names;
}

class Filters : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        ASSERT_TRUE(rig::util::program_available("qemu-system-arm")) << "qemu-system-arm is missing";
        ASSERT_TRUE(fs::exists(qemu_image)) << qemu_image << " was not built (cmake --build build)";
    }
};

TEST_F(Filters, BenchmarksListsTheImagesCatalogueWhichIsWhatTheFirmwareRuns) {
    const auto dir = scratch("list");
    const auto listed = rig(dir, {"benchmarks", "--image", qemu_image.string()});
    ASSERT_EQ(listed.status, "exited with status 0") << listed.output;
    const auto names = listed_names(listed.output);
    // Every row of the image's table, and the header counts what it lists (the catalogue grows with
    // the firmware: its size is not pinned here, its agreement with the rows is).
    EXPECT_GE(names.size(), 60u) << listed.output;
    const auto header = "# " + std::to_string(names.size()) + " of " + std::to_string(names.size()) + " benchmarks in";
    EXPECT_NE(listed.output.find(header), std::string::npos) << listed.output;
    EXPECT_NE(listed.output.find("unit instructions"), std::string::npos) << listed.output;
    EXPECT_TRUE(std::regex_search(listed.output, std::regex(R"(\ncell/copy/64 +cell +instructions +\S)")))
        << listed.output;
    // The whole suite, run: the same names.
    EXPECT_EQ(measured(dir, ""), std::set<std::string>(names.begin(), names.end()));
}

TEST_F(Filters, ANameFromTheTablesAnchoredRunsExactlyThatOne) {
    const auto dir = scratch("one");
    EXPECT_EQ(measured(dir, "cell/copy/64$"), (std::set<std::string>{"cell/copy/64"}));
}

TEST_F(Filters, ALeadingMinusRunsEverythingElse) {
    const auto dir = scratch("negative");
    const auto all = listed_names(rig(dir, {"benchmarks", "--image", qemu_image.string()}).output);
    std::set<std::string> others;
    for (const auto& name : all)
        if (name.find("cell") == std::string::npos) others.insert(name);
    EXPECT_EQ(all.size() - others.size(), 30u);  // six cell families of five sizes
    EXPECT_EQ(measured(dir, "-cell"), others);
}

TEST_F(Filters, RunListPrintsTheSelectionAsBenchmarksDoesAndRunsNothing) {
    const auto dir = scratch("run_list");
    const auto list = rig(dir, {"run", "--list", "-f", "cell/copy", "--results-dir", (dir / "results").string()});
    const auto benchmarks = rig(dir, {"benchmarks", "-f", "cell/copy"});
    ASSERT_EQ(list.status, "exited with status 0") << list.output;
    EXPECT_EQ(list.output, benchmarks.output);
    EXPECT_EQ(listed_names(list.output), (std::vector<std::string>{"cell/copy/4", "cell/copy/16", "cell/copy/64",
                                                                   "cell/copy/256", "cell/copy/1024"}));
    EXPECT_FALSE(fs::exists(dir / "results" / "qemu_mps2_an386")) << "--list ran the board";
}

TEST_F(Filters, AFilterThatMatchesNothingIsRefusedBeforeTheBoardStarts) {
    const auto dir = scratch("nothing");
    for (const std::string command : {"run", "benchmarks"}) {
        std::vector<std::string> args{command, "--filter=-."};
        if (command == "run") args.insert(args.end(), {"--results-dir", (dir / "results").string()});
        const auto ran = rig(dir, args);
        EXPECT_EQ(ran.status, "exited with status 2") << ran.output;
        EXPECT_NE(ran.output.find("the filter '-.' matches no benchmark"), std::string::npos) << ran.output;
        EXPECT_EQ(ran.output.find("start probe"), std::string::npos) << ran.output;
    }
}

}  // namespace
