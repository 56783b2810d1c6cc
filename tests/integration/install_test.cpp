// A relocatable rig (README "Configuration and install"): `cmake --install` into a fresh prefix
// gives a rig that lists and measures the QEMU board outside the build tree and any checkout, with
// its defaults from a rig.toml in the working directory or from the XDG folders — and refuses a
// rig.toml with an unknown key, naming the file and the line.
#include "host/util/child_process.hpp"
#include "tests/integration/scratch_dir.hpp"

#include <gtest/gtest.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Ran {
    int exit_code = -1;
    std::string output;
};

class Install : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new fs::path(rig::test_support::scratch_dir("rig_install_", "prefix"));
        const auto installed =
            rig::util::run_captured({"cmake", "--install", RIG_BINARY_DIR, "--prefix", (*dir_ / "prefix").string()},
                                    *dir_ / "install.log", 120s);
        install_output_ = new std::string(installed.status + "\n" + installed.output);
    }
    static void TearDownTestSuite() {
        delete dir_;
        delete install_output_;
    }

    fs::path prefix() const { return *dir_ / "prefix"; }

    // The installed rig run from `cwd` with a clean environment: no checkout, no RIG_* variables,
    // HOME and the XDG folders inside the scratch folder.
    Ran rig(const fs::path& cwd, std::vector<std::string> args, std::vector<std::string> vars = {}) const {
        std::vector<std::string> argv{"env",
                                      "-i",
                                      "-C",
                                      cwd.string(),
                                      "PATH=" + std::string(std::getenv("PATH")),
                                      "HOME=" + (*dir_ / "home").string()};
        argv.insert(argv.end(), vars.begin(), vars.end());
        argv.push_back((prefix() / "bin" / "rig").string());
        argv.insert(argv.end(), args.begin(), args.end());
        const auto ran = rig::util::run_captured(argv, *dir_ / "rig-output.txt", 120s);
        Ran r;
        r.output = ran.output;
        const std::string exited = "exited with status ";
        if (ran.status.starts_with(exited)) r.exit_code = std::stoi(ran.status.substr(exited.size()));
        return r;
    }

    static fs::path* dir_;
    static std::string* install_output_;
};
fs::path* Install::dir_ = nullptr;
std::string* Install::install_output_ = nullptr;

bool has(const Ran& r, const std::string& text) { return r.output.find(text) != std::string::npos; }

TEST_F(Install, PutsProgramsBoardsThresholdsAndImagesUnderThePrefix) {
    for (const auto& file :
         {"bin/rig", "bin/rigd", "share/kernel-rig/boards/qemu_mps2_an386.toml",
          "share/kernel-rig/config/compare_thresholds.toml", "share/kernel-rig/images/qemu_mps2_an386.elf"})
        EXPECT_TRUE(fs::exists(prefix() / file)) << file << " not installed:\n" << *install_output_;
}

TEST_F(Install, ListsAndRunsOnQemuWithResultsWhereRigTomlSays) {
    const fs::path bench = *dir_ / "bench";
    fs::create_directories(bench / "sub");
    std::ofstream(bench / "rig.toml") << "# the bench's settings\nresults_dir = \"measured\"\n";

    const auto list = rig(bench / "sub", {"list"});
    ASSERT_EQ(list.exit_code, 0) << list.output;
    EXPECT_TRUE(has(list, "qemu_mps2_an386")) << list.output;

    const auto help = rig(bench / "sub", {"run", "--help"});
    EXPECT_TRUE(has(help, (bench / "measured").string())) << "help shows the resolved default:\n" << help.output;

    // rig.toml is found upward from the working directory; its relative path is rig.toml's folder's.
    const auto run = rig(bench / "sub", {"run", "-b", "qemu_mps2_an386", "-r", "1", "-q"});
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_TRUE(has(run, "results: " + (bench / "measured" / "qemu_mps2_an386").string())) << run.output;
    EXPECT_TRUE(has(run, (bench / "measured" / "history.sqlite").string())) << run.output;
    EXPECT_TRUE(fs::exists(bench / "measured" / "history.sqlite"));
    EXPECT_FALSE(fs::exists(bench / "sub" / "measured"));
}

TEST_F(Install, WithoutRigTomlResultsGoToXdgDataHome) {
    const fs::path elsewhere = *dir_ / "elsewhere";
    fs::create_directories(elsewhere);
    const auto help = rig(elsewhere, {"run", "--help"}, {"XDG_DATA_HOME=" + (*dir_ / "data").string()});
    EXPECT_TRUE(has(help, (*dir_ / "data" / "kernel-rig" / "results").string())) << help.output;
    const auto env = rig(elsewhere, {"run", "--help"}, {"RIG_RESULTS_DIR=/srv/rig-results"});
    EXPECT_TRUE(has(env, "/srv/rig-results")) << "the environment beats XDG:\n" << env.output;
}

TEST_F(Install, RefusesARigTomlWithAnUnknownKeyNamingFileAndLine) {
    const fs::path typo = *dir_ / "typo";
    fs::create_directories(typo);
    std::ofstream(typo / "rig.toml") << "results_dir = \"r\"\nresult_dir = \"oops\"\n";
    const auto r = rig(typo, {"list"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(has(r, (typo / "rig.toml").string() + ":2: unknown key 'result_dir'")) << r.output;
}

}  // namespace
