// `rig report` end to end: a history of synthetic runs over three fake commits (instructions on the
// QEMU board with a step, cycles on an nRF52 board) plus one real QEMU run, written as HTML by the
// real `rig`, opened in headless Chromium (Debian's `chromium`): the page must draw every chart
// (the page counts Chart.js render callbacks into <body data-charts-rendered>) and the screenshot
// must be a real picture.
#include "host/results/history.hpp"
#include "host/session/run_session.hpp"
#include "host/util/child_process.hpp"

#include <gtest/gtest.h>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using rig::results::Measurement;
using rig::results::RunReport;

const fs::path rig_binary = fs::path(RIG_BINARY_DIR) / "bin/rig";
const fs::path firmware_image = fs::path(RIG_BINARY_DIR) / "firmware/thumbv7em-none-eabi/release/qemu_mps2_an386";

std::string read(const fs::path& f) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

RunReport synthetic(const std::string& board, rig::board::CounterUnit unit, const std::string& commit, int index) {
    RunReport r;
    r.info.board = board;
    r.info.unit = unit;
    r.info.firmware_commit = commit;
    r.info.image_sha256 = std::string(64, static_cast<char>('a' + index));
    r.info.started_at = "2026-01-0" + std::to_string(index + 1) + "T00:00:00Z";
    r.info.repetitions = 5;
    r.info.complete = true;
    r.info.cpu_hz = 64000000;
    r.info.ns_per_count = unit == rig::board::CounterUnit::cycles ? 15.625 : 128;
    r.info.chip = "test";
    r.info.probe = "test";
    const bool cycles = unit == rig::board::CounterUnit::cycles;
    auto add = [&](std::string name, std::uint32_t param, std::uint32_t v) {
        std::vector<std::uint32_t> s;
        for (std::uint32_t k = 0; k < 5; ++k) s.push_back(cycles ? v + (k * 7 + index) % 5 : v);
        r.measurements.push_back(Measurement{std::move(name), param, 1, s});
    };
    for (std::uint32_t n : {4u, 16u, 64u, 256u, 1024u}) {
        add("cell/copy", n, 20 + 3 * n + (index == 2 && n == 64 ? 12 : 0));  // a step at the third commit
        add("cell/takecell_map", n, 8);
        add("cell/mapcell_map", n, 10);
        add("cell/raw_mut", n, 3);
        add("cell_c/struct_copy", n, 18 + 3 * n);
    }
    add("syscall/null", 0, cycles ? 80 : 49);
    add("mmio/raw_modify", 0, 4);
    add("mmio/typed_modify", 0, 4);
    add("mmio_c/raw_modify", 0, 4);
    return r;
}

TEST(ReportChromium, EveryChartRendersInHeadlessChromium) {
    ASSERT_TRUE(rig::util::program_available("chromium"))
        << "chromium is not installed: apt-get install chromium (scripts/bootstrap.sh installs it)";
    ASSERT_TRUE(fs::exists("/usr/share/javascript/chart.js/chart.min.js"))
        << "Chart.js is not installed: apt-get install libjs-chart.js";
    ASSERT_TRUE(fs::exists(rig_binary)) << rig_binary << " was not built";
    const fs::path dir = fs::temp_directory_path() / ("rig-report-test-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path history_file = dir / "history.sqlite";
    {
        auto h = rig::results::History::open(history_file);
        ASSERT_TRUE(h) << h.error().message;
        const std::vector<std::string> commits{"aaaaaaaaaaa1", "bbbbbbbbbbb2", "ccccccccccc3"};
        for (int i = 0; i < 3; ++i) {
            const std::string date = "2026-01-0" + std::to_string(i + 1) + "T12:00:00+00:00";
            auto q = h->add_run(synthetic("qemu_mps2_an386", rig::board::CounterUnit::instructions, commits[i], i), "",
                                {"test", date});
            ASSERT_TRUE(q) << q.error().message;
            auto n =
                h->add_run(synthetic("nrf52dk", rig::board::CounterUnit::cycles, commits[i], i), "", {"test", date});
            ASSERT_TRUE(n) << n.error().message;
        }
        // One real run, the latest on the QEMU board.
        ASSERT_TRUE(fs::exists(firmware_image)) << firmware_image << " was not built";
        auto board = rig::board::find_board("qemu_mps2_an386", fs::path(RIG_SOURCE_DIR) / "boards");
        ASSERT_TRUE(board) << board.error().message;
        rig::session::RunOptions options;
        options.repetitions = 3;
        auto real = rig::session::run_on_board(*board, firmware_image, options, dir / "qemu.log");
        ASSERT_TRUE(real) << real.error().message;
        auto stored = h->add_run(*real, "", {"test", "2026-01-04T12:00:00+00:00"});
        ASSERT_TRUE(stored) << stored.error().message;
    }

    const fs::path html = dir / "report.html";
    auto made = rig::util::run_captured({rig_binary.string(), "report", "--history", history_file.string(), "--out",
                                           html.string(), "--commit-url", "https://example.invalid/commit/{}"},
                                          dir / "rig-report.log");
    ASSERT_TRUE(made.ok) << made.status << ": " << made.output;
    const auto page = read(html);
    EXPECT_EQ(page.find("<script src"), std::string::npos) << "the report must be self-contained";
    EXPECT_NE(page.find("Chart.js v3"), std::string::npos) << "Chart.js is inlined";
    EXPECT_NE(page.find("cell/copy/64 changed at ccccccccccc3 (+12 instructions"), std::string::npos);
    EXPECT_NE(page.find("https://example.invalid/commit/bbbbbbbbbbb2"), std::string::npos);
    EXPECT_NE(page.find("<table class=\"paper\">"), std::string::npos);
    // The real run's after-checks are on the page; the synthetic nrf52dk runs recorded none.
    EXPECT_NE(page.find("<h2>Checks of each board's latest run</h2>"), std::string::npos);
    EXPECT_NE(page.find("samples read from RAM at 0x"), std::string::npos);
    EXPECT_NE(page.find("not applicable: the counter is QEMU&#39;s instruction count"), std::string::npos);
    EXPECT_NE(page.find("not recorded"), std::string::npos);
    std::size_t canvases = 0;
    for (auto at = page.find("<canvas "); at != std::string::npos; at = page.find("<canvas ", at + 1)) ++canvases;
    ASSERT_GT(canvases, 10u);

    const std::vector<std::string> chromium{"chromium",
                                            "--headless",
                                            "--no-sandbox",
                                            "--disable-gpu",
                                            "--disable-quic",
                                            "--no-first-run",
                                            "--disable-background-networking",
                                            "--disable-component-update",
                                            "--disable-sync",
                                            "--user-data-dir=" + (dir / "profile").string(),
                                            "--virtual-time-budget=10000",
                                            "--window-size=1280,2000"};
    auto dom_argv = chromium;
    dom_argv.push_back("--dump-dom");
    dom_argv.push_back("file://" + html.string());
    auto dom = rig::util::run_captured(dom_argv, dir / "dom.txt", std::chrono::seconds(120));
    ASSERT_TRUE(dom.ok) << dom.status << ": " << dom.output.substr(0, 2000);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(dom.output, m, std::regex("data-charts-rendered=\"(\\d+)\"")))
        << dom.output.substr(0, 2000);
    EXPECT_EQ(std::stoul(m[1]), canvases) << "every chart's render callback ran";

    const fs::path png = dir / "report.png";
    auto shot_argv = chromium;
    shot_argv.push_back("--screenshot=" + png.string());
    shot_argv.push_back("file://" + html.string());
    auto shot = rig::util::run_captured(shot_argv, dir / "shot.log", std::chrono::seconds(120));
    ASSERT_TRUE(shot.ok) << shot.status << ": " << shot.output;
    const auto image = read(png);
    ASSERT_GT(image.size(), 30u * 1024) << "a screenshot of drawn charts is not tiny";
    ASSERT_EQ(image.substr(1, 3), "PNG");
    // IHDR: width and height, big-endian, at bytes 16..23.
    auto be32 = [&](std::size_t at) {
        return (std::uint32_t(std::uint8_t(image[at])) << 24) | (std::uint32_t(std::uint8_t(image[at + 1])) << 16) |
               (std::uint32_t(std::uint8_t(image[at + 2])) << 8) | std::uint32_t(std::uint8_t(image[at + 3]));
    };
    EXPECT_EQ(be32(16), 1280u);
    EXPECT_EQ(be32(20), 2000u);
    fs::remove_all(dir);
}

}  // namespace
