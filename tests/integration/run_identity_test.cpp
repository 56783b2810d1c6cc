// Run identity against the real rig and QEMU: two runs at once are two runs, a filtered run never
// replaces the complete result file, `rig compare` compares like with like, an image built for
// another board is refused before anything starts, and a stale image is refused before flashing.
#include "host/results/run_identity.hpp"
#include "host/results/history.hpp"
#include "host/session/image_freshness.hpp"
#include "host/util/child_process.hpp"
#include "tests/integration/scratch_dir.hpp"

#include <gtest/gtest.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path rig_binary = fs::path(RIG_BINARY_DIR) / "bin/rig";
const fs::path firmware_dir = fs::path(RIG_BINARY_DIR) / "firmware/thumbv7em-none-eabi/release";
const fs::path qemu_image = firmware_dir / "qemu_mps2_an386";

fs::path scratch(const std::string& name) { return rig::test_support::scratch_dir("rig_identity_", name); }

rig::util::Captured rig(const fs::path& dir, std::vector<std::string> args) {
    args.insert(args.begin(), rig_binary.string());
    return rig::util::run_captured(args, dir / "output.txt", std::chrono::seconds(300));
}

// "run: <id> (complete)" as `rig run` prints it.
std::string run_id_in(const std::string& output) {
    std::smatch m;
    return std::regex_search(output, m, std::regex(R"(\nrun: (\S+) \()")) ? m[1].str() : std::string();
}

std::string file_text(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<fs::path> json_files(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(dir, ec))
        if (e.path().extension() == ".json") out.push_back(e.path());
    return out;
}

class RunIdentity : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        ASSERT_TRUE(rig::util::program_available("qemu-system-arm"))
            << "qemu-system-arm is missing: run scripts/bootstrap.sh --deps (package qemu-system-arm)";
        ASSERT_TRUE(fs::exists(qemu_image)) << qemu_image << " was not built (cmake --build build)";
    }
};

// Two `rig run`s started together into one history: before run ids, runs that started in the
// same second were merged into one, and the second one's benchmarks were lost.
TEST_F(RunIdentity, TwoConcurrentRunsIntoOneHistoryAreTwoRuns) {
    const auto dir = scratch("concurrent");
    const auto history = dir / "history.sqlite";
    auto start = [&](const std::string& filter, const std::string& log) {
        return std::make_unique<rig::util::ChildProcess>(
            std::vector<std::string>{rig_binary.string(), "run", "-r", "2", "-f", filter, "--results-dir",
                                     (dir / "results").string(), "--history", history.string()},
            dir / log);
    };
    auto a = start("syscall/", "a.log");
    auto b = start("mmio/", "b.log");
    for (auto* p : {a.get(), b.get()})
        while (p->running()) std::this_thread::sleep_for(20ms);
    ASSERT_EQ(a->exit_description(), "exited with status 0") << a->output();
    ASSERT_EQ(b->exit_description(), "exited with status 0") << b->output();

    auto h = rig::results::History::open(history);
    ASSERT_TRUE(h) << h.error().message;
    auto runs = h->runs();
    ASSERT_TRUE(runs);
    ASSERT_EQ(runs->size(), 2u);
    std::set<std::string> filters;
    for (const auto& r : *runs) {
        EXPECT_FALSE(r.complete);
        filters.insert(r.filter);
        auto loaded = h->load_run(r.id);
        ASSERT_TRUE(loaded);
        ASSERT_FALSE(loaded->measurements.empty());
        for (const auto& m : loaded->measurements) EXPECT_EQ(m.name.rfind(r.filter, 0), 0u) << m.name;
    }
    EXPECT_EQ(filters, (std::set<std::string>{"syscall/", "mmio/"}));
    // Two partial files, each named with its run id; no complete file.
    const auto files = json_files(dir / "results");
    ASSERT_EQ(files.size(), 2u);
    for (const auto& f : files) {
        EXPECT_EQ(f.parent_path().filename(), "partial") << f;
        const auto json = nlohmann::json::parse(file_text(f));
        EXPECT_NE(f.filename().string().find(json["context"]["run_id"].get<std::string>()), std::string::npos);
        EXPECT_EQ(json["context"]["complete"], false);
    }
}

// A filtered run once overwrote results/<board>/<commit>.json, and `rig compare` then compared a
// commit's filtered run with another's full one: a regression outside the filter showed as
// "only_old" and the exit code was 0.
TEST_F(RunIdentity, APartialRunNeverReplacesTheCompleteRunAndCompareRefusesToMixThem) {
    const auto dir = scratch("partial");
    const std::vector<std::string> where{"--results-dir", (dir / "results").string(), "--history",
                                         (dir / "history.sqlite").string()};
    auto with = [&](std::vector<std::string> args) {
        args.insert(args.end(), where.begin(), where.end());
        return args;
    };
    const auto full = rig(dir, with({"run", "-r", "3", "-q"}));
    ASSERT_TRUE(full.ok) << full.status << full.output;
    const auto complete_id = run_id_in(full.output);
    ASSERT_FALSE(complete_id.empty()) << full.output;
    auto files = json_files(dir / "results");
    ASSERT_EQ(files.size(), 1u);
    const fs::path complete_file = files.front();
    EXPECT_EQ(complete_file.parent_path().filename(), "qemu_mps2_an386");
    const auto commit = complete_file.stem().string();
    EXPECT_TRUE(std::regex_match(commit, std::regex("[0-9a-f]{12}(-dirty)?"))) << commit;
    const auto before = file_text(complete_file);

    const auto filtered = rig(dir, with({"run", "-r", "1", "-f", "cell/", "-q"}));
    ASSERT_TRUE(filtered.ok) << filtered.status << filtered.output;
    const auto partial_id = run_id_in(filtered.output);
    ASSERT_FALSE(partial_id.empty()) << filtered.output;
    EXPECT_NE(partial_id, complete_id);
    EXPECT_EQ(file_text(complete_file), before) << "the partial run replaced the complete result file";
    EXPECT_TRUE(fs::exists(complete_file.parent_path() / "partial" / (commit + "." + partial_id + ".json")));

    // By commit, compare takes the latest *complete* run of each side. (A developer's tree is
    // dirty while working: the baseline check is another test's.)
    const auto by_commit =
        rig(dir, {"compare", "--allow-dirty", commit, commit, "--history", (dir / "history.sqlite").string()});
    EXPECT_TRUE(by_commit.ok) << by_commit.status << by_commit.output;
    EXPECT_NE(by_commit.output.find("syscall/null"), std::string::npos) << by_commit.output;
    // A partial run against a complete one does not measure the same benchmarks: exit 2, said.
    const auto mixed = rig(dir, {"compare", "--allow-dirty", "--run", complete_id, "--run", partial_id, "--history",
                                 (dir / "history.sqlite").string()});
    EXPECT_EQ(mixed.status, "exited with status 2") << mixed.output;
    EXPECT_NE(mixed.output.find("do not measure the same benchmarks"), std::string::npos) << mixed.output;
    EXPECT_NE(mixed.output.find("filter 'cell/'"), std::string::npos) << mixed.output;
}

// A dirty tree's run is no baseline: its sources are in no commit.
TEST_F(RunIdentity, CompareRefusesADirtyBaselineUnlessTold) {
    const auto dir = scratch("dirty");
    const auto ran = rig(dir, {"run", "-r", "2", "-q", "--results-dir", (dir / "results").string(), "--history",
                               (dir / "history.sqlite").string()});
    ASSERT_TRUE(ran.ok) << ran.status << ran.output;
    const auto files = json_files(dir / "results");
    ASSERT_EQ(files.size(), 1u);
    auto json = nlohmann::json::parse(file_text(files.front()));
    const std::string clean = rig::results::canonical_commit(json["context"]["firmware_commit"].get<std::string>());
    json["context"]["firmware_commit"] = std::string(rig::results::without_dirty(clean)) + "-dirty";
    json["context"]["run_id"] = "dirty-copy";
    std::ofstream(dir / "dirty.json") << json.dump();
    std::ofstream(dir / "clean.json") << file_text(files.front());

    const auto refused = rig(dir, {"compare", (dir / "dirty.json").string(), (dir / "clean.json").string()});
    EXPECT_EQ(refused.status, "exited with status 2") << refused.output;
    EXPECT_NE(refused.output.find("dirty tree"), std::string::npos) << refused.output;
    const auto allowed =
        rig(dir, {"compare", "--allow-dirty", (dir / "dirty.json").string(), (dir / "clean.json").string()});
    EXPECT_TRUE(allowed.ok) << allowed.status << allowed.output;
}

// The nRF52840 DK image fits QEMU's memory map, so it once got flashed and the run failed only
// after two 10-second HELLO timeouts. Its identity block names its board: refused at once.
TEST_F(RunIdentity, AnImageBuiltForAnotherBoardIsRefusedAtCheckImage) {
    const auto dir = scratch("other_board");
    const auto image = firmware_dir / "nrf52840dk";
    ASSERT_TRUE(fs::exists(image)) << image << " was not built";
    const auto started = std::chrono::steady_clock::now();
    const auto ran = rig(dir, {"run", "--image", image.string(), "--results-dir", (dir / "results").string(),
                               "--history", (dir / "history.sqlite").string()});
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(ran.status, "exited with status 2") << ran.output;
    EXPECT_NE(ran.output.find("step check image"), std::string::npos) << ran.output;
    EXPECT_NE(ran.output.find("built for board 'nrf52840dk', not 'qemu_mps2_an386'"), std::string::npos) << ran.output;
    EXPECT_EQ(ran.output.find("step flash"), std::string::npos) << ran.output;
    EXPECT_LT(took, 5s) << "refused only after a timeout";
    EXPECT_TRUE(json_files(dir / "results").empty());
}

// A checkout whose firmware sources are newer than the image, or whose commit is not the image's.
class ImageFreshness : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = scratch("freshness");
        repo_ = dir_ / "repo";
        fs::create_directories(repo_ / "firmware" / "kernel");
        std::ofstream(repo_ / "firmware" / "kernel" / "lib.rs") << "// kernel\n";
        git({"init", "--quiet"});
        git({"add", "-A"});
        git({"-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "--quiet", "-m", "x"});
        image_ = dir_ / "image.elf";
        fs::copy_file(qemu_image, image_);
    }
    void git(std::vector<std::string> args) {
        args.insert(args.begin(), {"git", "-C", repo_.string()});
        auto c = rig::util::run_captured(args, dir_ / "git.log", std::chrono::seconds(30));
        ASSERT_TRUE(c.ok) << c.status << c.output;
    }
    fs::path dir_, repo_, image_;
};

TEST_F(ImageFreshness, ASourceNewerThanTheImageIsNamed) {
    fs::last_write_time(image_, fs::last_write_time(repo_ / "firmware/kernel/lib.rs") - 1h);
    auto current = rig::session::check_image_is_current(image_, repo_, dir_ / "build");
    ASSERT_FALSE(current);
    EXPECT_EQ(current.error().kind, rig::ErrorKind::invalid_argument);
    EXPECT_NE(current.error().message.find("older than its sources: " + (repo_ / "firmware/kernel/lib.rs").string()),
              std::string::npos)
        << current.error().message;
    EXPECT_NE(current.error().message.find("cmake --build " + (dir_ / "build").string() + " --target firmware"),
              std::string::npos)
        << current.error().message;
}

TEST_F(ImageFreshness, AnImageOfAnotherCommitIsRefused) {
    // The image (newer than every source here) was built at this project's commit, not this repo's.
    auto current = rig::session::check_image_is_current(image_, repo_, dir_ / "build");
    ASSERT_FALSE(current);
    EXPECT_NE(current.error().message.find("filed under the wrong commit"), std::string::npos)
        << current.error().message;
}

TEST_F(ImageFreshness, WithoutGitOrSourcesItCannotTellAndDoesNotRefuse) {
    EXPECT_TRUE(rig::session::check_image_is_current(image_, dir_ / "not-a-checkout", dir_ / "build"));
}

}  // namespace
