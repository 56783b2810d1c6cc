// `rig report` end to end: a history of synthetic runs over three fake commits (instructions on the
// QEMU board with a step, cycles on an nRF52 board, then a filtered nRF52 run of a fourth commit)
// plus one real QEMU run, written as HTML by the real `rig`, opened in headless Chromium (Debian's
// `chromium`). The summary must name each board's latest complete run and the seeded regression
// with the commit that caused it; every link of the contents must land on a heading; the runs
// table must carry run id, repetitions, filter and unit; the page must draw every chart (it counts
// Chart.js render callbacks into <body data-charts-rendered>) without a script error (counted into
// <html data-js-errors>), and the screenshot must be a real picture.
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
        // A filtered run of a later commit: not the board's latest complete run.
        auto partial = synthetic("nrf52dk", rig::board::CounterUnit::cycles, "ddddddddddd4", 3);
        partial.info.complete = false;
        partial.info.filter = "cell/";
        std::erase_if(partial.measurements, [](const Measurement& m) { return !m.name.starts_with("cell/"); });
        auto p = h->add_run(partial, "", {"test", "2026-01-04T12:00:00+00:00"});
        ASSERT_TRUE(p) << p.error().message;
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

    // The run ids the summary and the runs table must show.
    std::string real_commit, real_run_id, nrf_run_id, partial_run_id;
    {
        auto h = rig::results::History::open(history_file);
        ASSERT_TRUE(h) << h.error().message;
        auto runs = h->runs();
        ASSERT_TRUE(runs) << runs.error().message;
        for (const auto& r : *runs) {
            if (r.board == "qemu_mps2_an386" && r.source == "test" && r.commit_date.starts_with("2026-01-04"))
                real_commit = r.commit, real_run_id = r.run_uid;
            if (r.board == "nrf52dk" && r.commit == "ccccccccccc3") nrf_run_id = r.run_uid;
            if (r.board == "nrf52dk" && r.commit == "ddddddddddd4") partial_run_id = r.run_uid;
        }
        ASSERT_FALSE(real_run_id.empty());
        ASSERT_FALSE(nrf_run_id.empty());
        ASSERT_FALSE(partial_run_id.empty());
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
    EXPECT_NE(page.find("<h2 id=\"checks\">Checks of each board&#39;s latest run</h2>"), std::string::npos);
    EXPECT_NE(page.find("samples read from RAM at 0x"), std::string::npos);
    EXPECT_NE(page.find("not applicable: the counter is QEMU&#39;s instruction count"), std::string::npos);
    EXPECT_NE(page.find("not recorded"), std::string::npos);

    // The summary opens the page: each board's latest complete run, then the seeded regression
    // with the commit that caused it (and the one before it), regressions before other steps.
    const auto summary_at = page.find("<section id=\"summary\">");
    ASSERT_NE(summary_at, std::string::npos);
    EXPECT_LT(summary_at, page.find("<nav id=\"contents\">")) << "the summary comes before the contents";
    EXPECT_LT(summary_at, page.find("<canvas ")) << "the summary comes before the charts";
    const auto summary = page.substr(summary_at, page.find("</section>", summary_at) - summary_at);
    const std::string link = "<a href=\"https://example.invalid/commit/";
    EXPECT_NE(summary.find("<tr><td>nrf52dk</td><td>" + link +
                           "ccccccccccc3\"><code>ccccccccccc3</code></a></td>"
                           "<td>2026-01-03T12:00:00+00:00</td><td>2026-01-03T00:00:00Z</td><td><code>" +
                           nrf_run_id + "</code></td><td>29</td><td>5</td><td>cycles</td></tr>"),
              std::string::npos)
        << "nrf52dk's latest complete run, not the later filtered one:\n"
        << summary;
    EXPECT_EQ(summary.find(partial_run_id), std::string::npos) << summary;
    // The real run's commit may read "<hash>-dirty"; its link names the commit without the suffix.
    const auto real_base = real_commit.substr(0, real_commit.find("-dirty"));
    EXPECT_NE(summary.find("<tr><td>qemu_mps2_an386</td><td>" + link + real_base + "\"><code>" + real_commit +
                           "</code></a></td>"),
              std::string::npos)
        << summary;
    EXPECT_NE(summary.find("<code>" + real_run_id + "</code>"), std::string::npos) << summary;
    const std::string regression =
        "<tr class=\"regression\"><td>regression</td><td>qemu_mps2_an386</td><td>cell/copy/64"
        "</td><td>" +
        link + "ccccccccccc3\"><code>ccccccccccc3</code></a></td><td>" + link +
        "bbbbbbbbbbb2\"><code>bbbbbbbbbbb2</code></a></td><td>+12 instructions (212 → 224";
    const auto regression_at = summary.find(regression);
    EXPECT_NE(regression_at, std::string::npos) << summary;
    const auto other_step = summary.find("<tr class=\"faster\">") != std::string::npos
                                ? summary.find("<tr class=\"faster\">")
                                : summary.find("<tr class=\"slower\">");
    if (other_step != std::string::npos) {
        EXPECT_LT(regression_at, other_step) << "regressions first";
    }

    // The runs table: run id, repetitions, filter and unit for every run, the filtered one too.
    EXPECT_NE(page.find("<table class=\"runs\"><thead><tr><th>board</th><th>run id</th><th>commit</th><th>commit "
                        "date</th><th>run started</th><th>repetitions</th><th>benchmarks</th><th>filter</th><th>unit"
                        "</th><th>source</th></tr></thead>"),
              std::string::npos);
    EXPECT_NE(
        page.find("<tr class=\"partial\"><td>nrf52dk</td><td><code>" + partial_run_id + "</code></td><td>" + link +
                  "ddddddddddd4\"><code>ddddddddddd4</code></a></td><td>2026-01-04T12:00:00+00:00</td><td>"
                  "2026-01-04T00:00:00Z</td><td>5</td><td>20</td><td><code>cell/</code></td><td>cycles</td>"),
        std::string::npos);
    // Small multiples: the trend charts of a family share one grid.
    EXPECT_NE(page.find("<h3 id=\"trends-on-qemu_mps2_an386-cell\">cell</h3>\n<div class=\"grid\">"),
              std::string::npos);

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
                                            "--enable-logging=stderr",
                                            "--v=0",
                                            "--virtual-time-budget=10000",
                                            "--window-size=1280,2000"};
    auto dom_argv = chromium;
    dom_argv.emplace_back("--dump-dom");
    dom_argv.push_back("file://" + html.string());
    auto dom = rig::util::run_captured(dom_argv, dir / "dom.txt", std::chrono::seconds(120));
    ASSERT_TRUE(dom.ok) << dom.status << ": " << dom.output.substr(0, 2000);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(dom.output, m, std::regex("data-charts-rendered=\"(\\d+)\"")))
        << dom.output.substr(0, 2000);
    EXPECT_EQ(std::stoul(m[1]), canvases) << "every chart's render callback ran";
    // No script error: the page's own count, and Chromium's console log on stderr.
    EXPECT_NE(dom.output.find("data-js-errors=\"0\""), std::string::npos) << dom.output.substr(0, 2000);
    EXPECT_EQ(dom.output.find("Uncaught"), std::string::npos) << dom.output.substr(0, 4000);

    // Every link of the contents lands on an element of the drawn page.
    const auto nav_at = dom.output.find("<nav id=\"contents\">");
    ASSERT_NE(nav_at, std::string::npos);
    const auto nav = dom.output.substr(nav_at, dom.output.find("</nav>", nav_at) - nav_at);
    std::size_t links = 0;
    const std::regex href("href=\"#([^\"]+)\"");
    for (std::sregex_iterator it(nav.begin(), nav.end(), href), end; it != end; ++it) {
        ++links;
        EXPECT_NE(dom.output.find("id=\"" + (*it)[1].str() + "\""), std::string::npos)
            << "the contents link to #" << (*it)[1] << ", which is no element's id";
    }
    EXPECT_GE(links, 10u) << nav;
    for (const char* id : {"#summary", "#changes", "#runs", "#trends-on-nrf52dk-cell", "#paper"})
        EXPECT_NE(nav.find(std::string("href=\"") + id + "\""), std::string::npos) << id << " in\n" << nav;

    // The error count does count: the same page with a failing script says so.
    {
        auto broken = page;
        broken.insert(broken.rfind("</body>"), "<script>no_such_function();</script>");
        std::ofstream(dir / "broken.html") << broken;
        auto argv = chromium;
        argv.emplace_back("--dump-dom");
        argv.push_back("file://" + (dir / "broken.html").string());
        auto b = rig::util::run_captured(argv, dir / "broken.txt", std::chrono::seconds(120));
        ASSERT_TRUE(b.ok) << b.status;
        EXPECT_NE(b.output.find("data-js-errors=\"1\""), std::string::npos) << b.output.substr(0, 2000);
        EXPECT_NE(b.output.find("no_such_function is not defined"), std::string::npos);
    }

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
