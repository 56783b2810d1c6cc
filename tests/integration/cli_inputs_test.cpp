// The real `rig` binary given inputs that are wrong: a missing folder, a mistyped history, a
// folder where a file belongs, a results folder that cannot be written, board files that would
// crash a parser, a filter too long for the protocol. Each gets a message naming the problem and
// the exit code the README promises (2 bad input, 3 results not writable), never a crash, and
// read-only commands never create the history they were pointed at.
#include "host/util/child_process.hpp"
#include "tests/integration/rig_command.hpp"
#include "tests/integration/scratch_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;

const fs::path boards_dir = fs::path(RIG_SOURCE_DIR) / "boards";

fs::path scratch(const std::string& name) { return rig::test_support::scratch_dir("rig_cli_inputs_", name); }

using rig::test_support::Ran;
const auto rig = rig::test_support::run_rig;

bool has(const Ran& r, const std::string& text) { return r.output.find(text) != std::string::npos; }

TEST(CliInputs, ListWithAMissingBoardsFolderSaysSo) {
    const auto dir = scratch("list_missing");
    const auto r = rig({"list", "--boards-dir", (dir / "missing").string()}, dir);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(has(r, "the boards folder " + (dir / "missing").string() + " does not exist")) << r.output;
}

TEST(CliInputs, ReportRefusesAHistoryThatDoesNotExistAndDoesNotCreateIt) {
    const auto dir = scratch("report_typo");
    const auto history = dir / "typo.sqlite";
    const auto r = rig({"report", "--history", history.string(), "-o", (dir / "report.html").string()}, dir);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(has(r, "no history at " + history.string())) << r.output;
    EXPECT_FALSE(fs::exists(history)) << "rig report created the history it was asked to read";
    EXPECT_FALSE(fs::exists(dir / "report.html")) << "a report of nothing was written";
}

TEST(CliInputs, PaperAndCompareNeverCreateAHistory) {
    const auto dir = scratch("readers");
    const auto history = dir / "typo.sqlite";
    const auto paper = rig({"paper", "--history", history.string()}, dir);
    EXPECT_EQ(paper.exit_code, 2) << paper.output;
    EXPECT_TRUE(has(paper, "no history at " + history.string())) << paper.output;
    const auto compare = rig({"compare", "abc123", "def456", "--history", history.string()}, dir);
    EXPECT_NE(compare.exit_code, 0) << compare.output;
    EXPECT_TRUE(has(compare, "no history at " + history.string())) << compare.output;
    EXPECT_FALSE(fs::exists(history)) << "a read-only command created the history";
}

// With a result file there is no history to find the variant's run in: the board name would be
// ignored, so it is refused and the error names the option that works.
TEST(CliInputs, PaperRefusesAVariantBoardWithAResultFile) {
    const auto dir = scratch("paper_variant_with_file");
    const auto r = rig(
        {"paper", "--results", (dir / "run.json").string(), "--without-frame-pointer", "qemu_mps2_an386_nofp"}, dir);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(has(r, "--results excludes --without-frame-pointer")) << r.output;
    // Two ways to name the variant's run: one of them would be silently ignored.
    const auto both = rig({"paper", "--results-without-frame-pointer", (dir / "nofp.json").string(),
                           "--without-frame-pointer", "qemu_mps2_an386_nofp"},
                          dir);
    EXPECT_EQ(both.exit_code, 2) << both.output;
    EXPECT_TRUE(has(both, "excludes")) << both.output;
}

// --out that is not a file to replace is refused before the board is used, and left as it was: a
// FIFO or a device (/dev/null replaced by a regular file broke a machine; this test's own FIFO
// stands in for it, so that a broken check cannot do that again), a folder, an empty name.
TEST(CliInputs, OutThatIsNotAFileIsRefusedAndLeftAlone) {
    const auto dir = scratch("out_not_a_file");
    ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
    for (const auto& target : {(dir / "fifo").string(), dir.string()}) {
        const auto r = rig({"run", "--out", target, "--format", "json", "--history", (dir / "h.sqlite").string(),
                            "--results-dir", (dir / "results").string()},
                           dir);
        EXPECT_EQ(r.exit_code, 2) << r.output;
        EXPECT_TRUE(has(r, "not a file to write")) << r.output;
        EXPECT_FALSE(has(r, "start probe")) << "the board was used";
    }
    EXPECT_TRUE(fs::is_fifo(dir / "fifo"));
    EXPECT_TRUE(fs::is_directory(dir));
    const auto empty = rig({"run", "--out", "", "--results-dir", (dir / "results").string()}, dir);
    EXPECT_EQ(empty.exit_code, 2) << empty.output;
    EXPECT_TRUE(has(empty, "needs a file name")) << empty.output;
}

TEST(CliInputs, ImportOfAFolderSaysItIsAFolder) {
    const auto dir = scratch("import_dir");
    fs::create_directories(dir / "results");
    const auto r = rig({"import", (dir / "results").string(), "--history", (dir / "history.sqlite").string()}, dir);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(has(r, (dir / "results").string() + ": a folder, not a result file")) << r.output;
    EXPECT_FALSE(has(r, "unexpected end of input")) << r.output;
}

// A results folder that cannot be made (a path through a regular file, and when not root a
// folder without write permission: root ignores modes, faults_qemu_test.cpp covers a read-only
// mount for root) is reported with its real cause, before any board is used.
TEST(CliInputs, AResultsFolderThatCannotBeMadeIsReportedWithItsCause) {
    const auto dir = scratch("results_under_file");
    std::ofstream(dir / "file") << "not a folder\n";
    const auto results = dir / "file" / "results";
    const auto r = rig({"run", "--results-dir", results.string(), "--history", (dir / "h.sqlite").string()}, dir);
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_TRUE(has(r, "results folder " + results.string() + " is not writable")) << r.output;
    EXPECT_TRUE(has(r, "Not a directory")) << r.output;
    EXPECT_FALSE(has(r, "start probe")) << "the board was used although nothing could be stored";

    if (::geteuid() == 0) return;
    const auto locked = dir / "locked";
    fs::create_directories(locked);
    fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
    const auto denied = rig({"run", "--results-dir", locked.string(), "--history", (dir / "h.sqlite").string()}, dir);
    fs::permissions(locked, fs::perms::owner_all);
    EXPECT_EQ(denied.exit_code, 3) << denied.output;
    EXPECT_TRUE(has(denied, "results folder " + locked.string() + " is not writable")) << denied.output;
    EXPECT_TRUE(has(denied, "Permission denied")) << denied.output;
}

TEST(CliInputs, AFilterLongerThan255BytesIsRefused) {
    const auto dir = scratch("long_filter");
    const std::string filter(256, 'x');
    for (const std::string command : {"run", "submit"}) {
        SCOPED_TRACE(command);
        std::vector<std::string> args = {command, "-f", filter};
        if (command == "run") args.insert(args.end(), {"--results-dir", (dir / "results").string()});
        const auto r = rig(args, dir);
        EXPECT_EQ(r.exit_code, 2) << r.output;
        EXPECT_TRUE(has(r, "the filter is 256 bytes long; at most 255 are accepted")) << r.output;
        EXPECT_FALSE(has(r, "start probe")) << r.output;
    }
}

// The filter is a regular expression (as Google Benchmark's): one that does not compile is
// refused before anything starts, with the regex library's reason.
TEST(CliInputs, AFilterThatIsNoRegularExpressionIsRefused) {
    const auto dir = scratch("bad_regex");
    for (const std::string command : {"run", "submit", "benchmarks"}) {
        SCOPED_TRACE(command);
        std::vector<std::string> args = {command, "-f", "cell/("};
        if (command == "run") args.insert(args.end(), {"--results-dir", (dir / "results").string()});
        const auto r = rig(args, dir);
        EXPECT_EQ(r.exit_code, 2) << r.output;
        EXPECT_TRUE(has(r, "the filter 'cell/(' is not a valid regular expression: ")) << r.output;
        EXPECT_FALSE(has(r, "start probe")) << r.output;
    }
}

// Board files that crashed `rig list` and `rig run`: a 100 KB dotted key overflowed toml++'s
// stack, a symlink loop threw from std::filesystem::exists.
TEST(CliInputs, BoardFilesThatCrashedTheParserOrTheFileChecksAreErrors) {
    const auto dir = scratch("bad_boards");
    const auto boards = dir / "boards";
    fs::create_directories(boards);
    std::string key = "a";
    while (key.size() < 100 * 1024) key += ".a";
    std::ofstream(boards / "deep.toml") << key << " = 1\n";
    fs::create_symlink("loop.toml", boards / "loop.toml");

    const auto list = rig({"list", "--boards-dir", boards.string()}, dir);
    EXPECT_EQ(list.exit_code, 2) << list.output;
    EXPECT_TRUE(has(list, (boards / "deep.toml").string() + ": larger than 64 KiB")) << list.output;
    EXPECT_TRUE(has(list, (boards / "loop.toml").string() + ": cannot open board file: Too many levels"))
        << list.output;

    for (const char* name : {"deep", "loop"}) {
        SCOPED_TRACE(name);
        const auto run =
            rig({"run", "-b", name, "--boards-dir", boards.string(), "--results-dir", (dir / "results").string()}, dir);
        EXPECT_EQ(run.exit_code, 2) << run.output;
        EXPECT_TRUE(has(run, (boards / (std::string(name) + ".toml")).string())) << run.output;
    }
}

}  // namespace
