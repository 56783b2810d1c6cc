// The CI outputs of the real `rig` on the real QEMU board: --out in each format, JUnit read back by
// an XML parser, --json on run/list/doctor/jobs/boards parsed, `rig --version`, and the progress
// of `rig run` both in a log (a pipe) and on a real pseudo-terminal (forkpty).
#include "host/protocol/messages.hpp"
#include "host/util/child_process.hpp"
#include "tests/integration/scratch_dir.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path rig_binary = fs::path(RIG_BINARY_DIR) / "bin/rig";
const fs::path rigd_binary = fs::path(RIG_BINARY_DIR) / "bin/rigd";
const fs::path firmware_image = fs::path(RIG_BINARY_DIR) / "firmware/thumbv7em-none-eabi/release/qemu_mps2_an386";

fs::path scratch(const std::string& name) { return rig::test_support::scratch_dir("rig_cli_outputs_", name); }

rig::util::ProgramOutput rig_cmd(std::vector<std::string> args, std::chrono::seconds timeout = 120s) {
    args.insert(args.begin(), rig_binary.string());
    return rig::util::run_program(args, timeout);
}

std::vector<std::string> run_args(const fs::path& dir, std::vector<std::string> extra) {
    std::vector<std::string> args{"run",
                                  "-r",
                                  "3",
                                  "-f",
                                  "cell/",
                                  "--image",
                                  firmware_image.string(),
                                  "--results-dir",
                                  (dir / "results").string(),
                                  "--history",
                                  (dir / "history.sqlite").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::string read_file(const fs::path& file) {
    std::ifstream in(file);
    return {std::istreambuf_iterator<char>(in), {}};
}

// name → failed, for every testcase of a JUnit file.
std::map<std::string, bool> junit_cases(const fs::path& file) {
    boost::property_tree::ptree tree;
    boost::property_tree::read_xml(file.string(), tree);
    std::map<std::string, bool> cases;
    for (const auto& [tag, suite] : tree.get_child("testsuites"))
        if (tag == "testsuite")
            for (const auto& [case_tag, tc] : suite)
                if (case_tag == "testcase") cases[tc.get<std::string>("<xmlattr>.name")] = tc.count("failure") > 0;
    return cases;
}

class CliOutputs : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        ASSERT_TRUE(rig::util::program_available("qemu-system-arm")) << "qemu-system-arm is missing";
        ASSERT_TRUE(fs::exists(firmware_image)) << firmware_image << " was not built";
    }
};

TEST_F(CliOutputs, RunWritesJunitAndJsonSummaryAndLogsProgressByTenths) {
    const auto dir = scratch("run");
    const auto ran = rig_cmd(run_args(dir, {"--json", "--out", (dir / "run.xml").string()}));
    ASSERT_EQ(ran.exit_status, 0) << ran.err;
    // stdout is the summary, nothing else.
    const auto summary = nlohmann::json::parse(ran.out);
    EXPECT_EQ(summary["board"], "qemu_mps2_an386");
    EXPECT_EQ(summary["unit"], "instructions");
    const auto n = summary["benchmarks"].size();
    ASSERT_GT(n, 10u);
    EXPECT_TRUE(fs::exists(summary["result_file"].get<std::string>()));
    for (const auto& b : summary["benchmarks"]) EXPECT_EQ(b["samples"], 3u) << b["name"];

    const auto cases = junit_cases(dir / "run.xml");
    EXPECT_EQ(cases.size(), n);
    for (const auto& [name, failed] : cases) EXPECT_FALSE(failed) << name;

    // stderr is a pipe: no \r, and no line per benchmark. M comes from the image's catalogue:
    // ten lines, one per tenth.
    EXPECT_EQ(ran.err.find('\r'), std::string::npos);
    std::size_t progress_lines = 0;
    for (std::size_t at = 0; (at = ran.err.find("] progress: ", at)) != std::string::npos; ++at) ++progress_lines;
    EXPECT_EQ(progress_lines, 10u) << ran.err;
    EXPECT_NE(ran.err.find(fmt::format("progress: {}/{} benchmarks (100 %)", n, n)), std::string::npos) << ran.err;
    EXPECT_EQ(ran.err.find("] result: "), std::string::npos) << ran.err;

    const auto again = rig_cmd(run_args(dir, {"--out", (dir / "run.csv").string()}));
    ASSERT_EQ(again.exit_status, 0) << again.err;
    EXPECT_EQ(again.err.find("] result: "), std::string::npos) << again.err;
    const auto csv = read_file(dir / "run.csv");
    EXPECT_EQ(csv.rfind("name,iterations,real_time,cpu_time,time_unit,", 0), 0u) << csv.substr(0, 200);
}

TEST_F(CliOutputs, RunOutJsonIsTheResultFilesFormatWithTheTargetFirst) {
    const auto dir = scratch("json");
    const auto ran = rig_cmd(run_args(dir, {"-q", "--out", (dir / "out.json").string()}));
    ASSERT_EQ(ran.exit_status, 0) << ran.err;
    const auto json = nlohmann::ordered_json::parse(read_file(dir / "out.json"));
    EXPECT_EQ(json["context"].begin().key(), "board");
    EXPECT_EQ(json["context"]["core"], "Cortex-M4");
    EXPECT_TRUE(json["context"].contains("host_num_cpus"));
    EXPECT_FALSE(json["context"]["toolchain"].get<std::string>().empty());
    // -q: no progress, no steps.
    EXPECT_EQ(ran.err, "");
    // A format the command does not write, or cannot be told: exit 2 before the board is used.
    const auto bad = rig_cmd(run_args(dir, {"--out", (dir / "out.txt").string()}));
    EXPECT_EQ(bad.exit_status, 2);
    EXPECT_NE(bad.err.find("cannot tell the format of --out"), std::string::npos) << bad.err;
}

TEST_F(CliOutputs, ARunThatFailsLeavesAFailingJunitCase) {
    const auto dir = scratch("fails");
    auto args = run_args(dir, {"--out", (dir / "fail.xml").string()});
    std::replace(args.begin(), args.end(), std::string("cell/"), std::string("nomatch/"));  // -f takes one value
    const auto ran = rig_cmd(args);
    EXPECT_EQ(ran.exit_status, 2) << ran.err;
    const auto cases = junit_cases(dir / "fail.xml");
    ASSERT_EQ(cases.size(), 1u);
    EXPECT_TRUE(cases.at("run"));
}

TEST_F(CliOutputs, CompareWritesJunitFailingExactlyTheRegressions) {
    const auto dir = scratch("compare");
    ASSERT_EQ(rig_cmd(run_args(dir, {"-q", "--out", (dir / "a.json").string()})).exit_status, 0);
    // The same run with one benchmark 40 instructions slower (about 19 %).
    auto json = nlohmann::json::parse(read_file(dir / "a.json"));
    for (auto& b : json["benchmarks"])
        if (b["run_name"] == "cell/copy/64" && b["run_type"] == "iteration")
            b["instructions"] = b["instructions"].get<double>() + 40;
    json["context"]["run_id"] = "slower-copy";
    std::ofstream(dir / "b.json") << json.dump(2);
    // --allow-dirty: the image may come from a tree with changes (a developer's checkout).
    const auto compared = rig_cmd({"compare", (dir / "a.json").string(), (dir / "b.json").string(), "--allow-dirty",
                                   "--out", (dir / "compare.xml").string()});
    EXPECT_EQ(compared.exit_status, 4) << compared.out << compared.err;
    const auto cases = junit_cases(dir / "compare.xml");
    EXPECT_GT(cases.size(), 10u);
    for (const auto& [name, failed] : cases) EXPECT_EQ(failed, name == "cell/copy/64") << name;
}

TEST_F(CliOutputs, VersionNamesHostCommitAndProtocol) {
    const auto ran = rig_cmd({"--version"});
    ASSERT_EQ(ran.exit_status, 0) << ran.err;
    EXPECT_TRUE(std::regex_search(
        ran.out, std::regex(R"(^rig \d+\.\d+\.\d+ \(host commit ([0-9a-f]{12}(-dirty)?|unknown)\)\n)")))
        << ran.out;
    const auto protocol = std::to_string(rig::protocol::protocol_version);
    EXPECT_NE(ran.out.find("protocol " + protocol + ": talks to firmware of protocol " + protocol), std::string::npos)
        << ran.out;
}

TEST_F(CliOutputs, ListAndDoctorPrintJson) {
    const auto list = rig_cmd({"list", "--json"});
    ASSERT_EQ(list.exit_status, 0) << list.err;
    const auto boards = nlohmann::json::parse(list.out);
    ASSERT_TRUE(boards.is_array());
    bool qemu = false;
    for (const auto& b : boards)
        if (b["name"] == "qemu_mps2_an386") {
            qemu = true;
            EXPECT_EQ(b["unit"], "instructions");
            EXPECT_EQ(b["core"], "Cortex-M4");
        }
    EXPECT_TRUE(qemu) << list.out;

    const auto doctor = rig_cmd({"doctor", "--json"}, 180s);
    ASSERT_EQ(doctor.exit_status, 0) << doctor.err;
    const auto found = nlohmann::json::parse(doctor.out);
    EXPECT_TRUE(found["qemu_works"].get<bool>());
    bool answers = false;
    for (const auto& a : found["answering"])
        if (a["board"] == "qemu_mps2_an386") answers = a["answers"].get<bool>();
    EXPECT_TRUE(answers) << doctor.out;
    EXPECT_FALSE(found["programs"].empty());
}

// rigd on the QEMU board, its files in `dir`, listening on dir/rigd.sock; stopped when destroyed.
std::unique_ptr<rig::util::ChildProcess> start_rigd(const fs::path& dir, std::vector<std::string> extra = {}) {
    const auto socket = dir / "rigd.sock";
    std::vector<std::string> argv{rigd_binary.string(),
                                  "--socket",
                                  socket.string(),
                                  "--boards",
                                  "qemu_mps2_an386",
                                  "--results-dir",
                                  (dir / "results").string(),
                                  "--state-dir",
                                  (dir / "state").string(),
                                  "--history",
                                  (dir / "history.sqlite").string(),
                                  "--health-interval",
                                  "0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto rigd = std::make_unique<rig::util::ChildProcess>(argv, dir / "rigd.log");
    for (int i = 0; i < 400 && !fs::exists(socket) && rigd->running(); ++i) std::this_thread::sleep_for(25ms);
    EXPECT_TRUE(fs::exists(socket)) << rig::util::tail_of_file(dir / "rigd.log");
    return rigd;
}

TEST_F(CliOutputs, JobsAndBoardsPrintJson) {
    const auto dir = scratch("rigd");
    const auto socket = dir / "rigd.sock";
    const auto rigd = start_rigd(dir);
    ASSERT_TRUE(fs::exists(socket));
    const auto boards = rig_cmd({"boards", "--json", "--socket", socket.string()});
    ASSERT_EQ(boards.exit_status, 0) << boards.err;
    const auto b = nlohmann::json::parse(boards.out);
    ASSERT_EQ(b.size(), 1u) << boards.out;
    EXPECT_EQ(b[0]["name"], "qemu_mps2_an386");
    const auto submitted = rig_cmd({"submit", "-r", "2", "-f", "syscall/", "--follow", "--socket", socket.string()});
    ASSERT_EQ(submitted.exit_status, 0) << submitted.err;
    const auto jobs = rig_cmd({"jobs", "--json", "--socket", socket.string()});
    ASSERT_EQ(jobs.exit_status, 0) << jobs.err;
    const auto j = nlohmann::json::parse(jobs.out);
    ASSERT_EQ(j.size(), 1u) << jobs.out;
    EXPECT_EQ(j[0]["board"], "qemu_mps2_an386");
    EXPECT_EQ(j[0]["state"], "done");
}

// A CI job that queues on the bench's rigd keeps the same files as one that runs the board itself:
// --out on submit (which then waits) and on follow, from the result file rigd wrote.
TEST_F(CliOutputs, SubmitAndFollowWriteTheJobsRunAsRunDoes) {
    const auto dir = scratch("rigd_out");
    const auto socket = dir / "rigd.sock";
    const auto rigd = start_rigd(dir);
    ASSERT_TRUE(fs::exists(socket));
    const auto xml = dir / "job.xml";
    const auto submitted =
        rig_cmd({"submit", "-r", "2", "-f", "syscall/", "--out", xml.string(), "--socket", socket.string()});
    ASSERT_EQ(submitted.exit_status, 0) << submitted.out << submitted.err;
    EXPECT_NE(submitted.out.find("junit: " + xml.string()), std::string::npos) << submitted.out;
    const auto cases = junit_cases(xml);
    EXPECT_TRUE(cases.contains("syscall/null")) << read_file(xml);
    EXPECT_TRUE(std::none_of(cases.begin(), cases.end(), [](const auto& c) { return c.second; })) << read_file(xml);

    const auto json_file = dir / "job.json";
    const auto followed = rig_cmd({"follow", "1", "--out", json_file.string(), "--socket", socket.string()});
    ASSERT_EQ(followed.exit_status, 0) << followed.out << followed.err;
    const auto run = nlohmann::json::parse(read_file(json_file));
    EXPECT_EQ(run["context"]["board"], "qemu_mps2_an386") << read_file(json_file);
    EXPECT_FALSE(run["benchmarks"].empty());

    // Refused before anything is queued: a format it cannot tell, a folder that is not there.
    const auto bad = rig_cmd({"submit", "--out", (dir / "job.txt").string(), "--socket", socket.string()});
    EXPECT_EQ(bad.exit_status, 2) << bad.err;
    EXPECT_NE(bad.err.find("cannot tell the format of --out"), std::string::npos) << bad.err;
    const auto nowhere = rig_cmd({"submit", "--out", (dir / "no" / "job.xml").string(), "--socket", socket.string()});
    EXPECT_EQ(nowhere.exit_status, 3) << nowhere.err;
    const auto jobs = rig_cmd({"jobs", "--json", "--socket", socket.string()});
    EXPECT_EQ(nlohmann::json::parse(jobs.out).size(), 1u) << jobs.out;
}

// Every complete run at one commit writes results/<board>/<commit>.json: an earlier job's --out
// says its run is no longer there instead of writing the later one under its name.
TEST_F(CliOutputs, FollowOutOfAJobWhoseResultFileWasReplacedSaysSo) {
    const auto dir = scratch("rigd_replaced");
    const auto socket = dir / "rigd.sock";
    const auto rigd = start_rigd(dir);
    ASSERT_TRUE(fs::exists(socket));
    for (int job = 1; job <= 2; ++job) {
        const auto submitted = rig_cmd({"submit", "-r", "1", "--follow", "--socket", socket.string()});
        ASSERT_EQ(submitted.exit_status, 0) << submitted.out << submitted.err;
    }
    const auto jobs = nlohmann::json::parse(rig_cmd({"jobs", "--json", "--socket", socket.string()}).out);
    ASSERT_EQ(jobs.size(), 2u);
    EXPECT_EQ(jobs[0]["result_file"], jobs[1]["result_file"]) << jobs.dump(2);
    EXPECT_TRUE(fs::path(jobs[0]["result_file"].get<std::string>()).is_absolute()) << jobs.dump(2);
    const auto first = rig_cmd({"follow", "1", "--out", (dir / "one.json").string(), "--socket", socket.string()});
    EXPECT_EQ(first.exit_status, 3) << first.err;
    EXPECT_NE(first.err.find("a later run at the same commit"), std::string::npos) << first.err;
    EXPECT_FALSE(fs::exists(dir / "one.json"));
    const auto second = rig_cmd({"follow", "2", "--out", (dir / "two.json").string(), "--socket", socket.string()});
    EXPECT_EQ(second.exit_status, 0) << second.err;
    // The result file itself, byte for byte, as `rig run --out x.json` gives it.
    EXPECT_EQ(read_file(dir / "two.json"), read_file(jobs[1]["result_file"].get<std::string>()));
}

// A job that fails leaves one failing JUnit case that says why, as a failed `rig run` does.
TEST_F(CliOutputs, AFailedJobLeavesAFailingJunitCase) {
    const auto dir = scratch("rigd_failed");
    const auto socket = dir / "rigd.sock";
    std::ofstream(dir / "not-an-elf") << "this is not firmware\n";
    const auto rigd = start_rigd(dir, {"--image", (dir / "not-an-elf").string()});
    ASSERT_TRUE(fs::exists(socket));
    const auto xml = dir / "job.xml";
    const auto submitted = rig_cmd({"submit", "-r", "1", "--out", xml.string(), "--socket", socket.string()});
    EXPECT_EQ(submitted.exit_status, 2) << "an image error is bad input, as for rig run\n"
                                        << submitted.out << submitted.err;
    const auto cases = junit_cases(xml);
    ASSERT_EQ(cases.size(), 1u) << read_file(xml);
    EXPECT_TRUE(cases.begin()->second) << read_file(xml);
    EXPECT_NE(read_file(xml).find("job 1 on rigd; step "), std::string::npos) << read_file(xml);
}

// On a terminal `rig run` shows one status line that rewrites itself, with N/M and the time left.
TEST_F(CliOutputs, RunShowsAnUpdatingLineOnATerminal) {
    const auto dir = scratch("pty");
    ASSERT_EQ(rig_cmd(run_args(dir, {"-q"})).exit_status, 0);  // the count for M
    auto args = run_args(dir, {});
    args.insert(args.begin(), rig_binary.string());
    int master = -1;
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::setenv("TERM", "xterm", 1);
        std::vector<char*> argv;
        argv.reserve(args.size() + 1);
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    std::string text;
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    char buffer[4096];
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{master, POLLIN, 0};
        if (::poll(&p, 1, 1000) <= 0) continue;
        const ssize_t n = ::read(master, buffer, sizeof buffer);
        if (n <= 0) break;  // EIO: the child closed the terminal
        text.append(buffer, static_cast<std::size_t>(n));
    }
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == 0) ::kill(pid, SIGKILL), ::waitpid(pid, &status, 0);
    ::close(master);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << text;
    EXPECT_TRUE(std::regex_search(text, std::regex(R"(\r\x1b\[K\[qemu_mps2_an386\] 1/\d+ benchmarks \(\d+ %\), )")))
        << text;
    EXPECT_TRUE(std::regex_search(text, std::regex(R"(\r\x1b\[K\[qemu_mps2_an386\] (\d+)/\1 benchmarks \(100 %\))")))
        << text;
    EXPECT_EQ(text.find("] progress: "), std::string::npos);
}

}  // namespace
