// `rig nightly` on a scratch clone: two commits of its own (the current source tree, then a
// TakeCell body doing more work and a build that writes a hostile commit name into the image), a
// dry run listing both, one real commit built in its own worktree and measured on QEMU, a rerun
// that skips it, one with more repetitions that does not, then the range of both: B is measured,
// filed under the commit checked out (not the path its image names), and named as the commit where
// cell/takecell_map changed (exit code 4). Two firmware builds: about a minute each on two cores.
#include "host/nightly/nightly.hpp"
#include "host/results/history.hpp"
#include "host/util/child_process.hpp"

#include <gtest/gtest.h>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;
const fs::path rig_binary = fs::path(RIG_BINARY_DIR) / "bin/rig";

std::string run_ok(const std::vector<std::string>& argv, const fs::path& log) {
    auto c = rig::util::run_captured(argv, log, std::chrono::seconds(1800));
    EXPECT_TRUE(c.ok) << argv[0] << " " << (argv.size() > 1 ? argv[1] : "") << ": " << c.status << ": " << c.output;
    return c.output;
}

TEST(Nightly, MeasuresACommitInItsWorktreeAndSkipsItOnRerun) {
    ASSERT_TRUE(rig::util::program_available("git")) << "git is not installed: apt-get install git";
    ASSERT_TRUE(fs::exists(rig_binary)) << rig_binary << " was not built";
    const fs::path dir = fs::temp_directory_path() / ("rig-nightly-test-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path repo = dir / "repo", log = dir / "git.log";
    run_ok({"git", "clone", "--quiet", RIG_SOURCE_DIR, repo.string()}, log);

    // Commit A: the source tree as it is now (tracked and new files, not build output; files
    // deleted or moved since HEAD are gone from the clone too).
    for (const auto& entry : fs::directory_iterator(repo))
        if (entry.path().filename() != ".git") fs::remove_all(entry.path());
    const auto files =
        run_ok({"git", "-C", RIG_SOURCE_DIR, "ls-files", "-co", "--exclude-standard"}, dir / "files.txt");
    std::istringstream in(files);
    for (std::string f; std::getline(in, f);) {
        if (f.empty() || !fs::is_regular_file(fs::path(RIG_SOURCE_DIR) / f)) continue;
        fs::create_directories((repo / f).parent_path());
        fs::copy_file(fs::path(RIG_SOURCE_DIR) / f, repo / f, fs::copy_options::overwrite_existing);
    }
    const std::vector<std::string> git{
        "git", "-C", repo.string(), "-c", "user.name=rig test", "-c", "user.email=rig@example.invalid"};
    auto with = [&](std::vector<std::string> more) {
        auto argv = git;
        argv.insert(argv.end(), more.begin(), more.end());
        return argv;
    };
    run_ok(with({"add", "-A"}), log);
    run_ok(with({"commit", "--quiet", "--allow-empty", "-m", "A: the current tree"}), log);
    const auto a = run_ok({"git", "-C", repo.string(), "rev-parse", "--short=12", "HEAD"}, dir / "a.txt").substr(0, 12);

    // Commit B: TakeCell's benchmark body touches a second byte.
    const fs::path cell = repo / "firmware/bench/src/cell.rs";
    std::stringstream text;
    text << std::ifstream(cell).rdbuf();
    std::string src = text.str();
    const std::string body = "cell.map(|value| value[0] = value[0].wrapping_add(1));";
    ASSERT_NE(src.find(body), std::string::npos) << "the TakeCell benchmark body moved: update this test";
    src.replace(src.find(body), body.size(),
                "cell.map(|value| {\n        value[0] = value[0].wrapping_add(1);\n        value[1] = "
                "value[1].wrapping_add(1);\n    });");
    std::ofstream(cell) << src;
    // ... and its build names the image "../../x/pwned": once the nightly wrote its result file
    // there, outside the results folder.
    const fs::path image_build = repo / "firmware/boards/board_support/image_build.rs";
    std::stringstream script;
    script << std::ifstream(image_build).rdbuf();
    std::string rust = script.str();
    const std::string names = "println!(\"cargo:rustc-env=RIG_IMAGE_COMMIT={commit}\");";
    ASSERT_NE(rust.find(names), std::string::npos) << "image_build.rs changed: update this test";
    rust.replace(rust.find(names), names.size(), "println!(\"cargo:rustc-env=RIG_IMAGE_COMMIT=../../x/pwned\");");
    std::ofstream(image_build) << rust;
    run_ok(with({"commit", "--quiet", "-am", "B: TakeCell body does more"}), log);
    const auto b = run_ok({"git", "-C", repo.string(), "rev-parse", "--short=12", "HEAD"}, dir / "b.txt").substr(0, 12);

    const auto history = dir / "history.sqlite";
    const std::vector<std::string> nightly{rig_binary.string(),
                                           "nightly",
                                           "--repo",
                                           repo.string(),
                                           "--boards",
                                           "qemu_mps2_an386",
                                           "--worktrees",
                                           (dir / "worktrees").string(),
                                           "--history",
                                           history.string(),
                                           "--results-dir",
                                           (dir / "results").string(),
                                           "-r",
                                           "3"};
    auto cmd = [&](std::vector<std::string> more) {
        auto argv = nightly;
        argv.insert(argv.end(), more.begin(), more.end());
        return argv;
    };

    // Dry run over both: both planned, nothing built.
    auto dry = rig::util::run_captured(cmd({"--range", a + "^.." + b, "--dry-run"}), dir / "dry.log");
    EXPECT_TRUE(dry.ok) << dry.status << dry.output;
    EXPECT_NE(dry.output.find(a + " qemu_mps2_an386: would be built and measured"), std::string::npos) << dry.output;
    EXPECT_NE(dry.output.find(b + " qemu_mps2_an386: would be built and measured"), std::string::npos) << dry.output;
    EXPECT_FALSE(fs::exists(dir / "worktrees" / a));

    // Commit A for real: worktree, its own firmware build, a QEMU run, stored.
    auto first =
        rig::util::run_captured(cmd({"--range", a + "^.." + a}), dir / "first.log", std::chrono::seconds(1800));
    EXPECT_TRUE(first.ok) << first.status << first.output;
    EXPECT_NE(first.output.find("1 measured, 0 skipped (already stored), 0 failed"), std::string::npos) << first.output;
    EXPECT_TRUE(fs::exists(dir / "worktrees" / a / "firmware"));
    EXPECT_TRUE(fs::exists(dir / "results" / "qemu_mps2_an386" / (a + ".json")));
    {
        auto h = rig::results::History::open(history);
        ASSERT_TRUE(h) << h.error().message;
        auto runs = h->runs({"qemu_mps2_an386", a});
        ASSERT_TRUE(runs);
        ASSERT_EQ(runs->size(), 1u);
        EXPECT_FALSE(runs->front().commit_date.empty()) << "stored with the commit date";
    }

    // Resume: the rerun skips what is stored.
    auto again = rig::util::run_captured(cmd({"--range", a + "^.." + a}), dir / "again.log");
    EXPECT_TRUE(again.ok) << again.status << again.output;
    EXPECT_NE(again.output.find("0 measured, 1 skipped (already stored), 0 failed"), std::string::npos) << again.output;
    // A stored run with fewer repetitions than asked does not stand for the commit.
    auto five = cmd({"--range", a + "^.." + a});
    *(std::find(five.begin(), five.end(), "-r") + 1) = "5";
    auto more = rig::util::run_captured(five, dir / "more.log");
    EXPECT_TRUE(more.ok) << more.status << more.output;
    EXPECT_NE(more.output.find("1 measured, 0 skipped (already stored), 0 failed"), std::string::npos) << more.output;

    // Both commits: A is skipped, B built and measured, and the TakeCell step is named at B, in the
    // slower direction past the thresholds: exit code 4.
    auto both = rig::util::run_captured(cmd({"--range", a + "^.." + b}), dir / "both.log", std::chrono::seconds(1800));
    EXPECT_EQ(both.status, "exited with status 4") << both.output;
    EXPECT_NE(both.output.find("1 measured, 1 skipped (already stored), 0 failed"), std::string::npos) << both.output;
    EXPECT_NE(both.output.find("REGRESSION qemu_mps2_an386: cell/takecell_map/64 changed at " + b), std::string::npos)
        << both.output;
    EXPECT_EQ(both.output.find("cell/copy/64 changed"), std::string::npos) << both.output;
    EXPECT_TRUE(fs::exists(dir / "results" / "qemu_mps2_an386" / (b + ".json")));
    EXPECT_NE(both.output.find("filed under the checked-out " + b), std::string::npos) << both.output;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        EXPECT_EQ(e.path().filename().string().find("pwned"), std::string::npos) << e.path();

    // A bad range is bad input.
    auto bad = rig::util::run_captured(cmd({"--range", "no-such-ref..HEAD"}), dir / "bad.log");
    EXPECT_EQ(bad.status, "exited with status 2") << bad.output;
    fs::remove_all(dir);
}

}  // namespace

// Two boards at once: the QEMU board and a second board file for the same image under another
// name, found through RIG_BOARDS_PATH. One commit is built once and measured on both boards in
// parallel (both runs start before either ends), and both runs land whole in the one history —
// the two board threads record at the same time.
TEST(Nightly, MeasuresTwoBoardsInParallelIntoOneHistory) {
    ASSERT_TRUE(rig::util::program_available("git")) << "git is not installed: apt-get install git";
    ASSERT_TRUE(fs::exists(rig_binary)) << rig_binary << " was not built";
    const fs::path dir = fs::temp_directory_path() / ("rig-nightly-parallel-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "boards");
    const fs::path repo = dir / "repo";
    run_ok({"git", "clone", "--quiet", RIG_SOURCE_DIR, repo.string()}, dir / "git.log");
    std::stringstream text;
    text << std::ifstream(fs::path(RIG_SOURCE_DIR) / "boards/qemu_mps2_an386.toml").rdbuf();
    std::string twin = text.str();
    const std::string name = "name = \"qemu_mps2_an386\"";
    ASSERT_NE(twin.find(name), std::string::npos) << "the QEMU board file changed: update this test";
    // The image says it is for qemu_mps2_an386: the second file says so too (firmware_board).
    twin.replace(twin.find(name), name.size(), "name = \"qemu_twin\"\nfirmware_board = \"qemu_mps2_an386\"");
    std::ofstream(dir / "boards/qemu_twin.toml") << twin;

    const auto history = dir / "history.sqlite";
    auto night = rig::util::run_captured(
        {"env", "RIG_BOARDS_PATH=" + (dir / "boards").string(), rig_binary.string(), "nightly", "--repo", repo.string(),
         "--range", "HEAD", "--boards", "qemu_mps2_an386,qemu_twin", "--worktrees", (dir / "worktrees").string(),
         "--history", history.string(), "--results-dir", (dir / "results").string(), "-r", "3"},
        dir / "night.log", std::chrono::seconds(1800));
    ASSERT_TRUE(night.ok) << night.status << night.output;
    const auto& out = night.output;
    EXPECT_NE(out.find("2 measured, 0 skipped (already stored), 0 failed"), std::string::npos) << out;
    // Progress: which commit of how many is built, with the time since the start.
    EXPECT_NE(out.find("0:00 nightly: 1 commit(s) in HEAD on 2 board(s): qemu_mps2_an386, qemu_twin"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("[1/1] "), std::string::npos) << out;
    EXPECT_NE(out.find(": firmware built in "), std::string::npos) << out;
    EXPECT_EQ(out.find('\r'), std::string::npos) << "no status line when the output is not a terminal";
    // Built once, for the one firmware package both boards use.
    std::size_t builds = 0;
    for (auto at = out.find(": building its firmware for qemu_mps2_an386 ("); at != std::string::npos;
         at = out.find(": building its firmware for", at + 1))
        ++builds;
    EXPECT_EQ(builds, 1u) << out;
    // In parallel: both boards started before either finished.
    const auto started_a = out.find("qemu_mps2_an386: measuring"), started_b = out.find("qemu_twin: measuring");
    const auto first_done = std::min(out.find("qemu_mps2_an386: measured in"), out.find("qemu_twin: measured in"));
    ASSERT_NE(started_a, std::string::npos) << out;
    ASSERT_NE(started_b, std::string::npos) << out;
    ASSERT_NE(first_done, std::string::npos) << out;
    EXPECT_LT(std::max(started_a, started_b), first_done) << out;

    // Both runs are in the history, whole, each under its own board and id.
    auto h = rig::results::History::open(history);
    ASSERT_TRUE(h) << h.error().message;
    auto runs = h->runs();
    ASSERT_TRUE(runs) << runs.error().message;
    ASSERT_EQ(runs->size(), 2u);
    EXPECT_NE(runs->at(0).board, runs->at(1).board);
    EXPECT_NE(runs->at(0).run_uid, runs->at(1).run_uid);
    EXPECT_EQ(runs->at(0).commit, runs->at(1).commit);
    for (const auto& r : *runs) {
        EXPECT_TRUE(r.complete) << r.board;
        EXPECT_EQ(r.repetitions, 3u) << r.board;
        EXPECT_GT(r.benchmarks, 20u) << r.board;
        EXPECT_EQ(r.benchmarks, runs->at(0).benchmarks) << "the same image measured the same benchmarks";
        auto run = h->load_run(r.id);
        ASSERT_TRUE(run) << run.error().message;
        for (const auto& m : run->measurements) EXPECT_EQ(m.samples.size(), 3u) << r.board << " " << m.full_name();
        EXPECT_TRUE(fs::exists(dir / "results" / r.board / (r.commit + ".json"))) << r.board;
    }
    fs::remove_all(dir);
}
