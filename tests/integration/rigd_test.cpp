// rigd as a real process with two virtual boards (two QEMUs at once): jobs on different boards run
// in parallel, jobs on one board one after the other, a cancelled job leaves the board usable, a
// daemon killed with SIGKILL keeps its queue, bad requests get errors, the socket is not public.
// Order is checked with the daemon's sequence of state changes, never with clocks.
#include "host/daemon/api.hpp"
#include "host/daemon/client.hpp"
#include "host/daemon/job.hpp"
#include "host/results/history.hpp"
#include "host/util/child_process.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <regex>
#include <set>
#include <thread>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using rig::daemon::Client;
using rig::daemon::Job;
using rig::daemon::JobState;
using rig::daemon::Request;
using rig::daemon::RequestType;

const fs::path rigd_binary = fs::path(RIG_BINARY_DIR) / "bin/rigd";
const fs::path rig_binary = fs::path(RIG_BINARY_DIR) / "bin/rig";
const fs::path firmware_image = fs::path(RIG_BINARY_DIR) / "firmware/thumbv7em-none-eabi/release/qemu_mps2_an386";

Request request(RequestType type, const std::string& board = {}, std::uint64_t job = 0) {
    Request r;
    r.type = type;
    r.board = board;
    r.job = job;
    return r;
}

// A copy of the QEMU board under another name; the image inside still says "qemu_mps2_an386".
void write_virtual_board(const fs::path& dir, const std::string& name, const std::string& machine = "mps2-an386") {
    std::ifstream in(fs::path(RIG_SOURCE_DIR) / "boards/qemu_mps2_an386.toml");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    text = std::regex_replace(text, std::regex("\nname = \"qemu_mps2_an386\""),
                              "\nname = \"" + name + "\"\nfirmware_board = \"qemu_mps2_an386\"");
    text = std::regex_replace(text, std::regex("machine = \"mps2-an386\""), "machine = \"" + machine + "\"");
    std::ofstream(dir / (name + ".toml")) << text;
}

class Rigd : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        ASSERT_TRUE(rig::util::program_available("qemu-system-arm"))
            << "qemu-system-arm is missing: run scripts/bootstrap.sh --deps (package qemu-system-arm)";
        ASSERT_TRUE(fs::exists(rigd_binary)) << rigd_binary << " was not built";
        ASSERT_TRUE(fs::exists(firmware_image)) << firmware_image << " was not built";
    }

    void SetUp() override {
        char name[] = "/tmp/rigd_test_XXXXXX";
        ASSERT_NE(::mkdtemp(name), nullptr);
        dir_ = name;
        fs::create_directories(dir_ / "boards");
        write_virtual_board(dir_ / "boards", "qemu_a");
        write_virtual_board(dir_ / "boards", "qemu_b");
        write_virtual_board(dir_ / "boards", "qemu_broken", "no-such-machine");
        socket_ = dir_ / "run" / "rigd.sock";
    }

    void TearDown() override {
        // A failure here is a daemon's story: how it ended and what its log says.
        if (HasFailure() && daemon_)
            std::cerr << "rigd " << daemon_->exit_description().value_or("still running") << "; rigd.log:\n"
                      << rig::util::tail_of_file(dir_ / "rigd.log", 4000) << "\n";
        daemon_.reset();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    void start_daemon(const std::vector<std::string>& extra = {}) {
        std::vector<std::string> argv{rigd_binary.string(),
                                      "--socket",
                                      socket_.string(),
                                      "--boards-dir",
                                      (dir_ / "boards").string(),
                                      "--results-dir",
                                      (dir_ / "results").string(),
                                      "--state-dir",
                                      (dir_ / "state").string(),
                                      "--history",
                                      (dir_ / "results/history.sqlite").string()};
        // Defaults a test may replace: an option given in `extra` is not given twice.
        for (const auto& [option, value] : std::vector<std::pair<std::string, std::string>>{
                 {"--health-interval", "0"}, {"--boards", "qemu_a,qemu_b,qemu_broken"}})
            if (std::find(extra.begin(), extra.end(), option) == extra.end()) argv.insert(argv.end(), {option, value});
        argv.insert(argv.end(), extra.begin(), extra.end());
        daemon_ = std::make_unique<rig::util::ChildProcess>(argv, dir_ / "rigd.log");
        // Wait until it listens (or has died: then the log says why).
        for (int i = 0; i < 400; ++i) {
            if (auto c = Client::connect(socket_); c) return;
            ASSERT_TRUE(daemon_->running()) << "rigd exited: " << rig::util::tail_of_file(dir_ / "rigd.log");
            std::this_thread::sleep_for(25ms);
        }
        FAIL() << "rigd does not listen on " << socket_ << ": " << rig::util::tail_of_file(dir_ / "rigd.log");
    }

    Client client() {
        auto c = Client::connect(socket_);
        if (!c) throw std::runtime_error(c.error().message);
        return std::move(*c);
    }

    Job submit(const std::string& board, unsigned repetitions, const std::string& filter = {}) {
        auto c = client();
        Request r = request(RequestType::submit, board);
        r.repetitions = repetitions;
        r.filter = filter;
        auto reply = c.call(r);
        if (!reply) throw std::runtime_error(reply.error().message);
        return rig::daemon::job_from_json(reply->at("job"));
    }

    Job status(std::uint64_t id) {
        auto c = client();
        auto reply = c.call(request(RequestType::status, {}, id));
        if (!reply) throw std::runtime_error(reply.error().message);
        return rig::daemon::job_from_json(reply->at("job"));
    }

    // Follows a job to its end; `on_line` sees every progress line and may act (e.g. cancel).
    Job wait_for(std::uint64_t id, const std::function<void(const std::string&)>& on_line = {}) {
        auto c = client();
        if (auto sent = c.send(request(RequestType::follow, {}, id)); !sent)
            throw std::runtime_error(sent.error().message);
        while (true) {
            auto message = c.read(120s);
            if (!message)
                throw std::runtime_error("following job " + std::to_string(id) + ": " + message.error().message);
            if (!message->value("ok", false)) throw std::runtime_error(message->dump());
            const std::string event = message->value("event", "");
            if (event == "progress" && on_line) on_line(message->value("line", ""));
            if (event == "end") return rig::daemon::job_from_json(message->at("job"));
        }
    }

    // A hold on `board` through its own connection, returned once rigd has granted it.
    std::pair<Client, Job> hold(const std::string& board) {
        auto c = client();
        if (auto sent = c.send(request(RequestType::hold, board)); !sent)
            throw std::runtime_error(sent.error().message);
        while (true) {
            auto message = c.read(120s);
            if (!message) throw std::runtime_error("holding " + board + ": " + message.error().message);
            if (!message->value("ok", false)) throw std::runtime_error(message->dump());
            const Job job = rig::daemon::job_from_json(message->at("job"));
            if (job.state == JobState::running) return {std::move(c), job};
            if (rig::daemon::is_final(job.state)) throw std::runtime_error("hold ended: " + job.reason);
        }
    }

    std::vector<fs::path> result_files(const std::string& board) {
        std::vector<fs::path> files;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(dir_ / "results" / board, ec))
            if (e.path().extension() == ".json") files.push_back(e.path());
        return files;
    }

    fs::path dir_;
    fs::path socket_;
    std::unique_ptr<rig::util::ChildProcess> daemon_;
};

TEST_F(Rigd, RunsJobsOnTwoBoardsInParallel) {
    start_daemon();
    const Job a = submit("qemu_a", 1000);
    const Job b = submit("qemu_b", 1000);
    const Job done_a = wait_for(a.id);
    const Job done_b = wait_for(b.id);
    ASSERT_EQ(done_a.state, JobState::done) << done_a.reason;
    ASSERT_EQ(done_b.state, JobState::done) << done_b.reason;
    // Each started before the other finished: their running intervals overlap.
    EXPECT_LT(done_a.started_seq, done_b.finished_seq);
    EXPECT_LT(done_b.started_seq, done_a.finished_seq);
    EXPECT_TRUE(fs::exists(done_a.result_file)) << done_a.result_file;
    EXPECT_TRUE(fs::exists(done_b.result_file)) << done_b.result_file;
    EXPECT_EQ(fs::path(done_a.result_file).parent_path(), dir_ / "results" / "qemu_a");
    EXPECT_GT(done_a.history_run, 0);
    EXPECT_GT(done_b.history_run, 0);
}

// 30 submits at once, from 30 clients, alternating boards and filters: 30 runs in the history,
// each with the benchmarks of its own filter (runs that started in the same second were once merged:
// 30 submits left 5 runs), and 30 result files, none replacing another.
TEST_F(Rigd, ThirtyParallelSubmitsAreThirtyRuns) {
    start_daemon();
    const std::vector<std::string> filters{"syscall/", "mmio/", "irq/sw_to_handler"};
    std::vector<std::thread> clients;
    std::vector<Job> submitted(30);
    for (std::size_t i = 0; i < submitted.size(); ++i)
        clients.emplace_back([&, i] { submitted[i] = submit(i % 2 ? "qemu_b" : "qemu_a", 1, filters[i % 3]); });
    for (auto& t : clients) t.join();
    std::set<std::string> files;
    for (const auto& job : submitted) {
        const Job done = wait_for(job.id);
        ASSERT_EQ(done.state, JobState::done) << done.reason;
        EXPECT_GT(done.history_run, 0);
        files.insert(done.result_file);
    }
    EXPECT_EQ(files.size(), submitted.size());

    auto h = rig::results::History::open(dir_ / "results/history.sqlite");
    ASSERT_TRUE(h) << h.error().message;
    auto runs = h->runs();
    ASSERT_TRUE(runs);
    ASSERT_EQ(runs->size(), submitted.size());
    std::set<std::string> ids;
    for (const auto& r : *runs) {
        ids.insert(r.run_uid);
        EXPECT_FALSE(r.complete);
        auto run = h->load_run(r.id);
        ASSERT_TRUE(run);
        ASSERT_FALSE(run->measurements.empty()) << r.run_uid;
        for (const auto& m : run->measurements) EXPECT_EQ(m.full_name().rfind(r.filter, 0), 0u) << m.full_name();
    }
    EXPECT_EQ(ids.size(), submitted.size());
}

// A qemu-system-arm first on PATH that fails while `broken` exists, else runs the real one: a
// board whose emulator cannot start, then can.
fs::path flaky_qemu(const fs::path& dir, const fs::path& broken) {
    fs::path bin = dir / "flaky-bin";
    fs::create_directories(bin);
    const auto real = rig::util::run_program({"sh", "-c", "command -v qemu-system-arm"}, 5s).out;
    std::ofstream(bin / "qemu-system-arm") << "#!/bin/sh\nif [ -e '" << broken.string()
                                           << "' ]; then echo 'qemu-system-arm: cannot start (test)' >&2; exit 1; fi\n"
                                           << "exec " << real.substr(0, real.find('\n')) << " \"$@\"\n";
    fs::permissions(bin / "qemu-system-arm", fs::perms::owner_all);
    return bin;
}

// Three jobs fail in the board's own steps (its emulator cannot start): the board is unhealthy.
void fail_three_jobs(const std::function<Job(const std::string&, unsigned)>& submit,
                     const std::function<Job(std::uint64_t)>& wait_for) {
    for (int i = 0; i < 3; ++i) {
        const Job failed = wait_for(submit("qemu_a", 1).id);
        ASSERT_EQ(failed.state, JobState::failed);
        ASSERT_EQ(failed.failure, "probe error") << failed.reason;
    }
}

class RigdWithFlakyQemu : public Rigd {
protected:
    void start_flaky(const std::vector<std::string>& options) {
        broken_ = dir_ / "qemu-is-broken";
        std::ofstream(broken_) << "";
        const char* path = std::getenv("PATH");
        const std::string saved = path ? path : "";
        ::setenv("PATH", (flaky_qemu(dir_, broken_).string() + ":" + saved).c_str(), 1);
        start_daemon(options);
        ::setenv("PATH", saved.c_str(), 1);
    }
    std::function<Job(const std::string&, unsigned)> submitter() {
        return [this](const std::string& board, unsigned reps) { return submit(board, reps); };
    }
    std::function<Job(std::uint64_t)> waiter() {
        return [this](std::uint64_t id) { return wait_for(id); };
    }
    fs::path broken_;
};

// A board once stayed unhealthy until someone asked, and a real board's check could never pass:
// now it is re-checked on its own (back-off from --health-retry) and serves again, same daemon.
TEST_F(RigdWithFlakyQemu, ABoardWhoseChecksFailedReturnsToServiceOnItsOwn) {
    start_flaky({"--health-interval", "1", "--health-retry", "1", "--boards", "qemu_a"});
    fail_three_jobs(submitter(), waiter());
    const Job waiting = submit("qemu_a", 1);
    EXPECT_NE(waiting.reason.find("unhealthy"), std::string::npos) << waiting.reason;
    fs::remove(broken_);
    const Job done = wait_for(waiting.id);
    EXPECT_EQ(done.state, JobState::done) << done.reason;
    auto c = client();
    auto boards = c.call(request(RequestType::boards));
    ASSERT_TRUE(boards) << boards.error().message;
    const auto board = rig::daemon::board_from_json(boards->at("boards").at(0));
    EXPECT_TRUE(board.healthy);
    EXPECT_EQ(board.health_note, "health check passed");
    EXPECT_FALSE(board.last_health_check.empty());
}

// `rig submit --follow` to a board that stays unhealthy once waited for ever.
TEST_F(RigdWithFlakyQemu, AJobOnABoardThatStaysUnhealthyFailsWithTheReason) {
    start_flaky({"--unhealthy-job-timeout", "2", "--boards", "qemu_a"});
    fail_three_jobs(submitter(), waiter());
    const auto started = std::chrono::steady_clock::now();
    const Job failed = wait_for(submit("qemu_a", 1).id);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
    EXPECT_EQ(failed.state, JobState::failed);
    EXPECT_EQ(failed.failure, "board unhealthy");
    EXPECT_NE(failed.reason.find("stayed unhealthy for 2 s"), std::string::npos) << failed.reason;
    EXPECT_NE(failed.reason.find("cannot start (test)"), std::string::npos) << failed.reason;
}

// A real board with no probe attached: the check runs (it once said "not implemented") and
// names OpenOCD's own error; the board is marked unhealthy with that reason.
TEST_F(Rigd, HealthOfAnOpenOcdBoardWithNoProbeSaysSoAndMarksItUnhealthy) {
    ASSERT_TRUE(rig::util::program_available("openocd")) << "openocd is missing: apt-get install openocd";
    fs::copy_file(fs::path(RIG_SOURCE_DIR) / "boards/nrf52840dk.toml", dir_ / "boards/nrf52840dk.toml");
    start_daemon({"--boards", "qemu_a,nrf52840dk"});
    const auto out =
        rig::util::run_captured({rig_binary.string(), "health", "--socket", socket_.string(), "nrf52840dk"},
                                dir_ / "health.txt", std::chrono::seconds(60));
    EXPECT_FALSE(out.ok) << out.output;
    EXPECT_NE(out.output.find("health check step start probe"), std::string::npos) << out.output;
    EXPECT_NE(out.output.find("No J-Link device found"), std::string::npos) << out.output;
    auto c = client();
    auto boards = c.call(request(RequestType::boards));
    ASSERT_TRUE(boards) << boards.error().message;
    bool seen = false;
    for (const auto& item : boards->at("boards")) {
        const auto b = rig::daemon::board_from_json(item);
        if (b.name != "nrf52840dk") continue;
        seen = true;
        EXPECT_FALSE(b.healthy);
        EXPECT_NE(b.health_note.find("No J-Link device found"), std::string::npos) << b.health_note;
    }
    EXPECT_TRUE(seen);
}

TEST_F(Rigd, SerialisesJobsOnOneBoard) {
    start_daemon();
    const Job first = submit("qemu_a", 50);
    const Job second = submit("qemu_a", 50);
    const Job done_first = wait_for(first.id);
    const Job done_second = wait_for(second.id);
    ASSERT_EQ(done_first.state, JobState::done) << done_first.reason;
    ASSERT_EQ(done_second.state, JobState::done) << done_second.reason;
    EXPECT_GT(done_second.started_seq, done_first.finished_seq);
}

// A hold queues behind the job that runs, keeps the board from the jobs that come after it
// until it is released, and those then run in the order they came; other boards run on.
TEST_F(Rigd, AHeldBoardRunsNoJobUntilReleasedAndKeepsTheirOrder) {
    start_daemon();
    const Job before = submit("qemu_a", 20);
    auto [holder, held] = hold("qemu_a");
    EXPECT_TRUE(held.hold);
    const Job first = submit("qemu_a", 5);
    const Job second = submit("qemu_a", 5);
    const Job elsewhere = wait_for(submit("qemu_b", 5).id);
    EXPECT_EQ(elsewhere.state, JobState::done) << elsewhere.reason;
    EXPECT_EQ(status(first.id).state, JobState::queued);
    EXPECT_EQ(status(second.id).state, JobState::queued);
    const Job done_before = status(before.id);
    EXPECT_EQ(done_before.state, JobState::done) << done_before.reason;
    EXPECT_GT(held.started_seq, done_before.finished_seq);

    auto released = holder.call(request(RequestType::release));
    ASSERT_TRUE(released) << released.error().message;
    const Job done_first = wait_for(first.id);
    const Job done_second = wait_for(second.id);
    ASSERT_EQ(done_first.state, JobState::done) << done_first.reason;
    ASSERT_EQ(done_second.state, JobState::done) << done_second.reason;
    const Job ended = status(held.id);
    EXPECT_EQ(ended.state, JobState::done);
    EXPECT_EQ(ended.reason, "released by the client");
    EXPECT_GT(done_first.started_seq, ended.finished_seq);
    EXPECT_GT(done_second.started_seq, done_first.finished_seq);
}

// `rig console` holds a board rigd owns through rigd; when it dies (SIGKILL: no goodbye) its
// connection closes, the hold ends and the job that waited runs.
TEST_F(Rigd, ABringUpCommandHoldsTheBoardAndItsDeathReleasesIt) {
    start_daemon();
    rig::util::ChildProcess console(
        {rig_binary.string(), "console", "-b", "qemu_a", "--boards-dir", (dir_ / "boards").string(), "--socket",
         socket_.string(), "--results-dir", (dir_ / "results").string(), "--flash", firmware_image.string()},
        dir_ / "console.out");
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (rig::util::tail_of_file(dir_ / "console.out", 100000).find("[rig HELLO]") == std::string::npos &&
           console.running() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(50ms);
    const auto said = rig::util::tail_of_file(dir_ / "console.out", 100000);
    ASSERT_NE(said.find("[rig HELLO]"), std::string::npos) << said;
    EXPECT_NE(said.find("holding board qemu_a through rigd"), std::string::npos) << said;
    const Job waiting = submit("qemu_a", 5);
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(status(waiting.id).state, JobState::queued);
    console.signal(SIGKILL);
    const Job done = wait_for(waiting.id);
    ASSERT_EQ(done.state, JobState::done) << done.reason;
    auto c = client();
    auto jobs = c.call(request(RequestType::jobs));
    ASSERT_TRUE(jobs) << jobs.error().message;
    bool found = false;
    for (const auto& j : jobs->at("jobs")) {
        const Job job = rig::daemon::job_from_json(j);
        if (!job.hold) continue;
        found = true;
        EXPECT_EQ(job.reason, "released: the connection closed");
        EXPECT_LT(job.finished_seq, done.started_seq);
    }
    EXPECT_TRUE(found) << jobs->dump();
}

TEST_F(Rigd, CancelledJobWritesNothingAndLeavesTheBoardUsable) {
    start_daemon();
    const Job long_job = submit("qemu_a", 1000);
    bool cancelled = false;
    const Job ended = wait_for(long_job.id, [&](const std::string& line) {
        if (!cancelled && line.rfind("collect", 0) == 0) {
            auto c = client();
            auto reply = c.call(request(RequestType::cancel, {}, long_job.id));
            ASSERT_TRUE(reply) << reply.error().message;
            cancelled = true;
        }
    });
    ASSERT_TRUE(cancelled);
    EXPECT_EQ(ended.state, JobState::cancelled) << ended.reason;
    EXPECT_TRUE(ended.result_file.empty());
    EXPECT_TRUE(result_files("qemu_a").empty());
    const Job next = wait_for(submit("qemu_a", 5).id);
    EXPECT_EQ(next.state, JobState::done) << next.reason;
    EXPECT_EQ(result_files("qemu_a").size(), 1u);
}

TEST_F(Rigd, QueueSurvivesSigkill) {
    start_daemon();
    const Job running = submit("qemu_a", 1000);
    const Job queued1 = submit("qemu_a", 5);
    const Job queued2 = submit("qemu_a", 5);
    // Kill it while the first job is running on the board.
    {
        auto c = client();
        ASSERT_TRUE(c.send(request(RequestType::follow, {}, running.id)));
        while (true) {
            auto m = c.read(60s);
            ASSERT_TRUE(m) << m.error().message;
            if (m->value("event", "") == "progress" && m->value("line", "").rfind("collect", 0) == 0) break;
        }
    }
    daemon_->signal(SIGKILL);
    while (daemon_->running()) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(daemon_->exit_description().value_or(""), "killed by signal 9");

    // What the state file says is a whole document, with both waiting jobs still queued.
    std::ifstream in(dir_ / "state/queue.json");
    const auto state = nlohmann::json::parse(in);
    int queued = 0;
    for (const auto& j : state.at("jobs")) queued += j.at("state") == "queued";
    EXPECT_EQ(queued, 2);

    start_daemon();
    const Job was_running = status(running.id);
    EXPECT_EQ(was_running.state, JobState::failed);
    EXPECT_EQ(was_running.reason, "daemon restarted");
    const Job one = wait_for(queued1.id);
    const Job two = wait_for(queued2.id);
    EXPECT_EQ(one.state, JobState::done) << one.reason;
    EXPECT_EQ(two.state, JobState::done) << two.reason;
    EXPECT_GT(two.started_seq, one.finished_seq);
}

TEST_F(Rigd, AnswersBadRequestsWithErrorsAndKeepsServing) {
    start_daemon();
    auto c = client();
    ASSERT_TRUE(c.send_line(std::string(100 * 1024, 'x') + "\n"));
    auto oversize = c.read();
    ASSERT_TRUE(oversize) << oversize.error().message;
    EXPECT_FALSE(oversize->value("ok", true));
    EXPECT_EQ(oversize->at("error").at("kind"), "malformed");
    EXPECT_NE(oversize->at("error").at("message").get<std::string>().find("longer than 65536"), std::string::npos);

    ASSERT_TRUE(c.send_line("{\"v\":1,\"type\":\"submit\",\n"));
    auto malformed = c.read();
    ASSERT_TRUE(malformed);
    EXPECT_EQ(malformed->at("error").at("kind"), "malformed");

    ASSERT_TRUE(c.send_line("{\"v\":2,\"type\":\"jobs\"}\n"));
    auto version = c.read();
    ASSERT_TRUE(version);
    EXPECT_EQ(version->at("error").at("kind"), "unsupported");

    ASSERT_TRUE(c.send_line("{\"v\":1,\"type\":\"submit\",\"board\":\"../../etc\"}\n"));
    auto escape = c.read();
    ASSERT_TRUE(escape);
    EXPECT_FALSE(escape->value("ok", true));

    auto boards = c.call(request(RequestType::boards));
    ASSERT_TRUE(boards) << boards.error().message;
    EXPECT_EQ(boards->at("boards").size(), 3u);
}

// A job whose filter matches nothing used to kill rigd (an exception out of the board worker):
// the job fails with the reason, and the daemon and the board go on serving.
TEST_F(Rigd, AFilterThatMatchesNothingFailsTheJobAndTheDaemonServesOn) {
    start_daemon();
    const auto nothing = wait_for(submit("qemu_a", 3, "nomatch/").id);
    EXPECT_EQ(nothing.state, JobState::failed);
    EXPECT_NE(nothing.reason.find("the filter 'nomatch/' matches no benchmark"), std::string::npos) << nothing.reason;
    EXPECT_TRUE(daemon_->running()) << "rigd died on a filter that matches nothing";
    const auto next = wait_for(submit("qemu_a", 3, "syscall/null").id);
    EXPECT_EQ(next.state, JobState::done) << next.reason;
    EXPECT_TRUE(fs::exists(next.result_file)) << next.result_file;  // a partial run: results/qemu_a/partial/
    EXPECT_EQ(nothing.failure, "bad request");                      // not the board's fault
}

TEST_F(Rigd, SocketIsOnlyForItsOwner) {
    start_daemon();
    struct stat st {};
    ASSERT_EQ(::stat(socket_.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(st.st_mode & S_IWOTH, 0u);
}

// SO_PEERCRED behind the file mode: even with the socket opened to everyone (a misconfiguration),
// another user may read the queue but not submit or cancel. Needs root to become that user.
TEST_F(Rigd, OtherUsersMayReadButNotSubmit) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to act as another user";
    start_daemon();
    ASSERT_EQ(::chmod(socket_.c_str(), 0666), 0);
    ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);
    ASSERT_EQ(::chmod(socket_.parent_path().c_str(), 0755), 0);
    const Job mine = submit("qemu_b", 5);
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    const pid_t child = ::fork();
    if (child == 0) {
        // nobody: read works, submit and cancel are refused. Reports one character per check.
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
        std::string verdict;
        auto c = Client::connect(socket_);
        if (!c) ::_exit(3);
        verdict += c->call(request(RequestType::jobs)) ? 'r' : '-';
        Request r = request(RequestType::submit, "qemu_a");
        auto submitted = c->call(r);
        verdict += !submitted && submitted.error().message.find("permission denied") != std::string::npos ? 's' : '-';
        verdict += !c->call(request(RequestType::cancel, {}, mine.id)) ? 'c' : '-';
        auto held = c->call(request(RequestType::hold, "qemu_a"));
        verdict += !held && held.error().message.find("permission denied") != std::string::npos ? 'h' : '-';
        (void)!::write(pipe_fds[1], verdict.data(), verdict.size());
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    char verdict[8] = {};
    const auto n = ::read(pipe_fds[0], verdict, sizeof verdict - 1);
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_EQ(n, 4) << "child exit status " << WEXITSTATUS(status);
    EXPECT_EQ(std::string(verdict), "rsch");
    EXPECT_EQ(wait_for(mine.id).state, JobState::done);
}

TEST_F(Rigd, BoardThatKeepsFailingBecomesUnhealthyAndItsJobsWait) {
    start_daemon();
    for (int i = 0; i < 3; ++i) {
        const Job failed = wait_for(submit("qemu_broken", 5).id);
        EXPECT_EQ(failed.state, JobState::failed);
        EXPECT_EQ(failed.failure, "probe error") << failed.reason;
        EXPECT_NE(failed.reason.find("board qemu_broken, step start probe"), std::string::npos) << failed.reason;
    }
    const Job waiting = submit("qemu_broken", 5);
    auto c = client();
    auto boards = c.call(request(RequestType::boards));
    ASSERT_TRUE(boards);
    for (const auto& b : boards->at("boards")) {
        if (b.at("name") != "qemu_broken") continue;
        EXPECT_FALSE(b.at("healthy").get<bool>());
        EXPECT_EQ(b.at("queued"), 1);
    }
    EXPECT_EQ(status(waiting.id).state, JobState::queued);
    EXPECT_NE(status(waiting.id).reason.find("unhealthy"), std::string::npos);
    // An on-demand health check runs (and fails: the board is still broken); the job keeps waiting.
    auto health = c.call(request(RequestType::health, "qemu_broken"), 60s);
    ASSERT_TRUE(health) << health.error().message;
    EXPECT_FALSE(health->at("passed").get<bool>());
    EXPECT_EQ(status(waiting.id).state, JobState::queued);
    // A healthy board's check passes.
    auto good = c.call(request(RequestType::health, "qemu_a"), 60s);
    ASSERT_TRUE(good) << good.error().message;
    EXPECT_TRUE(good->at("passed").get<bool>()) << good->dump();
}

TEST_F(Rigd, RigClientSubmitsFollowsAndExplainsAMissingDaemon) {
    auto run = [&](std::vector<std::string> argv) {
        const auto out = dir_ / "rig-output.txt";
        std::error_code ec;
        fs::remove(out, ec);
        std::optional<std::string> how;
        {
            rig::util::ChildProcess rig(std::move(argv), out);
            while (rig.running()) std::this_thread::sleep_for(20ms);
            how = rig.exit_description();
        }
        std::ifstream in(out);
        return std::pair{how.value_or(""), std::string((std::istreambuf_iterator<char>(in)), {})};
    };
    const auto [missing, missing_text] = run({rig_binary.string(), "jobs", "--socket", socket_.string()});
    EXPECT_EQ(missing, "exited with status 1");
    EXPECT_NE(missing_text.find("rigd is not running on " + socket_.string()), std::string::npos) << missing_text;

    start_daemon();
    const auto [submitted, text] =
        run({rig_binary.string(), "submit", "--socket", socket_.string(), "-b", "qemu_b", "-r", "5", "--follow"});
    EXPECT_EQ(submitted, "exited with status 0") << text;
    EXPECT_NE(text.find("job 1 on qemu_b: done"), std::string::npos) << text;
    const auto [listed, jobs_text] = run({rig_binary.string(), "boards", "--socket", socket_.string()});
    EXPECT_EQ(listed, "exited with status 0") << jobs_text;
    EXPECT_NE(jobs_text.find("qemu_b"), std::string::npos) << jobs_text;
}

// A job whose image cannot be read (here a directory: it once threw from a stream inside the
// worker thread and ended rigd on its first job) fails with the reason; rigd keeps serving.
TEST_F(Rigd, AnUnreadableImageFailsTheJobAndRigdKeepsServing) {
    start_daemon({"--image", dir_.string()});
    for (int i = 0; i < 2; ++i) {
        const Job failed = wait_for(submit("qemu_a", 5).id);
        EXPECT_EQ(failed.state, JobState::failed);
        EXPECT_EQ(failed.failure, "image error") << failed.reason;
        EXPECT_NE(failed.reason.find("not a regular file (a directory)"), std::string::npos) << failed.reason;
    }
    ASSERT_TRUE(daemon_->running()) << daemon_->exit_description().value_or("");
    auto c = client();
    auto boards = c.call(request(RequestType::boards));
    ASSERT_TRUE(boards) << boards.error().message;
    EXPECT_TRUE(result_files("qemu_a").empty());
}

// A raw connection that sends half a request line and then nothing.
struct HalfLine {
    explicit HalfLine(const fs::path& socket) : fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, socket.c_str(), sizeof address.sun_path - 1);
        connected = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
        if (connected) (void)!::send(fd, "{\"v\":1,", 7, MSG_NOSIGNAL);
    }
    HalfLine(const HalfLine&) = delete;
    HalfLine& operator=(const HalfLine&) = delete;
    ~HalfLine() { ::close(fd); }
    // Takes what rigd sent within `timeout` (until it closes); `text` holds all of it.
    const std::string& read_for(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (bool first = true; !closed && (first || std::chrono::steady_clock::now() < deadline); first = false) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, timeout.count() > 0 ? 5 : 0) <= 0) continue;
            char chunk[4096];
            const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0)
                closed = true;
            else
                text.append(chunk, static_cast<std::size_t>(n));
        }
        return text;
    }
    std::string text;
    bool closed = false;
    int fd;
    bool connected = false;
};

// 64 connections that each send half a line once locked every other client out for ever. Now
// one user gets a quarter of the connections, the others a "busy" line that says why (not
// "Broken pipe"), and a half line is cut off after --request-timeout.
TEST_F(Rigd, HalfLineConnectionsCannotLockOthersOut) {
    // The refusals below must all happen before the half lines are cut: 5 s leaves room for a
    // machine with every core busy (the sanitizer pass) and still keeps the test short.
    start_daemon({"--request-timeout", "5"});
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::unique_ptr<HalfLine>> idle;
    for (int i = 0; i < 64; ++i) {
        idle.push_back(std::make_unique<HalfLine>(socket_));
        ASSERT_TRUE(idle.back()->connected) << "connection " << i;
    }
    const auto count = [&](const std::string& text) {
        int n = 0;
        for (auto& h : idle) n += h->text.find(text) != std::string::npos;
        return n;
    };
    // Busy lines are sent at once; the bound only keeps a broken daemon from hanging the test.
    while (count(R"("kind":"busy")") < 64 - 16 && std::chrono::steady_clock::now() - started < 10s)
        for (auto& h : idle) h->read_for(0ms);
    EXPECT_EQ(count(R"("kind":"busy")"), 64 - 16) << "one uid holds at most a quarter of the 64 connections";

    // A client refused now is told why, by the library and by `rig`.
    auto c = client();
    auto refused = c.call(request(RequestType::jobs));
    ASSERT_FALSE(refused);
    const std::string because = "too many connections from uid " + std::to_string(::geteuid());
    EXPECT_NE(refused.error().message.find(because), std::string::npos) << refused.error().message;
    {
        const auto out = dir_ / "rig-jobs.txt";
        rig::util::ChildProcess rig({rig_binary.string(), "jobs", "--socket", socket_.string()}, out);
        while (rig.running()) std::this_thread::sleep_for(10ms);
        const auto text = rig::util::tail_of_file(out);
        EXPECT_NE(text.find(because), std::string::npos) << text;
        EXPECT_EQ(text.find("Broken pipe"), std::string::npos) << text;
    }

    // After the request timeout, the half lines are cut and a request is served.
    bool served = false;
    while (!served && std::chrono::steady_clock::now() - started < 30s) {
        auto next = Client::connect(socket_);
        ASSERT_TRUE(next) << next.error().message;
        served = static_cast<bool>(next->call(request(RequestType::jobs), 1s));
        if (!served) std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(served) << "no request served 30 s after the half lines (request timeout 5 s)";
    for (auto& h : idle) h->read_for(100ms);
    EXPECT_EQ(count("not finished within 5 s"), 16);
    for (auto& h : idle) EXPECT_TRUE(h->closed) << h->text;
    EXPECT_TRUE(daemon_->running());
}

}  // namespace
