// The fair baselines on the real QEMU board: the whole suite on qemu_mps2_an386 and on
// qemu_mps2_an386_nofp (the same source built without forced frame pointers), then `rig paper`
// setting the two runs side by side. Asserted are the properties the design gives, not counts:
// both sides' large copies go through the same memcpy on word-aligned payloads, so Rust minus C
// is the same at 256 and 1024 bytes; the frame pointer is a cost per call, the same at every size
// from the first that calls memcpy; and gcc's own code does not change between the two images.
#include "host/results/json_import.hpp"
#include "host/util/child_process.hpp"
#include "tests/integration/scratch_dir.hpp"

#include <gtest/gtest.h>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path rig_binary = fs::path(RIG_BINARY_DIR) / "bin/rig";
const fs::path image_dir = fs::path(RIG_BINARY_DIR) / "firmware/thumbv7em-none-eabi/release";

rig::util::ProgramOutput rig_cmd(std::vector<std::string> args) {
    args.insert(args.begin(), rig_binary.string());
    return rig::util::run_program(args, 300s);
}

// full name → median (every repetition of a QEMU count is the same), from the board's one result file.
std::map<std::string, double> figures(const fs::path& results, const std::string& board) {
    std::map<std::string, double> out;
    for (const auto& entry : fs::directory_iterator(results / board)) {
        if (entry.path().extension() != ".json") continue;
        auto run = rig::results::read_gbench_json(entry.path());
        EXPECT_TRUE(run) << run.error().message;
        if (!run) continue;
        for (const auto& m : run->measurements) out[m.full_name()] = m.samples.empty() ? -1 : m.samples.front();
    }
    return out;
}

std::string fmt_name(const std::string& family, int n) { return family + "/" + std::to_string(n); }

TEST(FramePointerQemu, BothImagesRunAndThePaperSetsThemSideBySide) {
    ASSERT_TRUE(rig::util::program_available("qemu-system-arm")) << "qemu-system-arm is missing";
    ASSERT_TRUE(fs::exists(image_dir / "qemu_mps2_an386.thumbv7em-none-eabi-nofp")) << "the variant was not built";
    rig::test_support::ScratchDirs scratch;
    const auto dir = scratch.make("rig_frame_pointer_", "paper");
    const auto results = dir / "results", history = dir / "history.sqlite";
    for (const char* board : {"qemu_mps2_an386", "qemu_mps2_an386_nofp"}) {
        const auto ran = rig_cmd(
            {"run", "-q", "-r", "1", "-b", board, "--results-dir", results.string(), "--history", history.string()});
        ASSERT_EQ(ran.exit_status, 0) << board << ": " << ran.out << ran.err;
    }
    // `.at`: a benchmark missing from a run is an error, not a 0 that makes two sides equal.
    const auto with = figures(results, "qemu_mps2_an386"), without = figures(results, "qemu_mps2_an386_nofp");
    for (const auto* f : {&with, &without}) {
        const auto& m = *f;
        // The same memcpy on both sides: the difference is the bodies', not the copies'.
        EXPECT_EQ(m.at("cell/copy/256") - m.at("cell_c/struct_copy/256"),
                  m.at("cell/copy/1024") - m.at("cell_c/struct_copy/1024"));
    }
    // The frame pointer: a cost per call, the same from 16 B (where Rust's copy calls memcpy) up.
    for (const auto n : {64, 256, 1024})
        EXPECT_EQ(with.at(fmt_name("cell/copy", n)) - without.at(fmt_name("cell/copy", n)),
                  with.at("cell/copy/16") - without.at("cell/copy/16"))
            << n;
    // gcc's code is the same in both images: C rows that call no Rust code do not move.
    for (const auto n : {4, 16, 64, 256, 1024}) {
        EXPECT_EQ(with.at(fmt_name("cell_c/pointer", n)), without.at(fmt_name("cell_c/pointer", n))) << n;
        if (n < 256) {
            EXPECT_EQ(with.at(fmt_name("cell_c/struct_copy", n)), without.at(fmt_name("cell_c/struct_copy", n))) << n;
        }
    }
    EXPECT_GT(with.at("syscall/null"), without.at("syscall/null")) << "the Rust kernel path pays for the frame pointer";

    const auto paper = rig_cmd({"paper", "--history", history.string()});
    ASSERT_EQ(paper.exit_status, 0) << paper.err;
    EXPECT_NE(paper.out.find("| qemu_mps2_an386 vs qemu_mps2_an386_nofp |"), std::string::npos) << paper.out;
    EXPECT_NE(paper.out.find("With the same memcpy"), std::string::npos) << paper.out;
    EXPECT_EQ(paper.out.find("without frame pointers: `rig run -b"), std::string::npos)
        << "the frame-pointer rows found no run of the variant:\n"
        << paper.out;
}

}  // namespace
