// rigd's wire format and queue without a daemon: requests parsed and refused field by field, the
// JSON forms round-trip, the queue file survives a reopen, failures are classified by step.
#include "host/daemon/api.hpp"
#include "host/daemon/board_worker.hpp"
#include "host/daemon/job.hpp"
#include "host/daemon/job_queue.hpp"
#include "host/daemon/server.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <filesystem>
#include <thread>

namespace {

using namespace rig::daemon;
namespace fs = std::filesystem;

rig::ErrorKind kind_of(std::string_view line) {
    auto r = parse_request(line);
    EXPECT_FALSE(r) << line;
    return r ? rig::ErrorKind::io : r.error().kind;
}

TEST(DaemonApi, ParsesASubmitWithDefaults) {
    auto r = parse_request(R"({"v":1,"type":"submit","board":"qemu_a"})");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->type, RequestType::submit);
    EXPECT_EQ(r->board, "qemu_a");
    EXPECT_EQ(r->repetitions, 15u);
    EXPECT_EQ(r->filter, "");
    EXPECT_TRUE(r->mutates());
}

TEST(DaemonApi, ParsesEveryTypeItWrites) {
    for (auto type :
         {RequestType::submit, RequestType::status, RequestType::jobs, RequestType::boards, RequestType::cancel,
          RequestType::follow, RequestType::health, RequestType::hold, RequestType::release}) {
        Request r;
        r.type = type;
        r.board = "nrf52dk";
        r.job = 42;
        r.repetitions = 7;
        r.filter = "cell/";
        const auto line = request_line(r);
        ASSERT_EQ(line.back(), '\n');
        auto parsed = parse_request(std::string_view(line).substr(0, line.size() - 1));
        ASSERT_TRUE(parsed) << line << parsed.error().message;
        EXPECT_EQ(parsed->type, type);
        if (type == RequestType::status || type == RequestType::cancel || type == RequestType::follow) {
            EXPECT_EQ(parsed->job, 42u);
        }
        if (type == RequestType::submit) {
            EXPECT_EQ(parsed->repetitions, 7u);
            EXPECT_EQ(parsed->filter, "cell/");
        }
    }
}

// A hold names its board and is for trusted peers only; release takes nothing else.
TEST(DaemonApi, HoldNamesABoardAndOnlyTrustedPeersMayHoldOrRelease) {
    auto hold = parse_request(R"({"v":1,"type":"hold","board":"nrf52dk"})");
    ASSERT_TRUE(hold) << hold.error().message;
    EXPECT_EQ(hold->type, RequestType::hold);
    EXPECT_EQ(hold->board, "nrf52dk");
    EXPECT_TRUE(hold->mutates());
    EXPECT_EQ(kind_of(R"({"v":1,"type":"hold","board":"../etc"})"), rig::ErrorKind::malformed);
    EXPECT_EQ(kind_of(R"({"v":1,"type":"hold","board":"a","repetitions":3})"), rig::ErrorKind::malformed);
    auto release = parse_request(R"({"v":1,"type":"release"})");
    ASSERT_TRUE(release) << release.error().message;
    EXPECT_TRUE(release->mutates());
    EXPECT_EQ(kind_of(R"({"v":1,"type":"release","job":3})"), rig::ErrorKind::malformed);
}

TEST(DaemonApi, RefusesWhatIsNotARequest) {
    EXPECT_EQ(kind_of("not json"), rig::ErrorKind::malformed);
    EXPECT_EQ(kind_of(R"({"v":1,"type":"jobs")"), rig::ErrorKind::malformed);
    EXPECT_EQ(kind_of("[1,2]"), rig::ErrorKind::malformed);
    EXPECT_EQ(kind_of(R"({"type":"jobs"})"), rig::ErrorKind::malformed);
    EXPECT_EQ(kind_of(R"({"v":2,"type":"jobs"})"), rig::ErrorKind::unsupported);
    EXPECT_EQ(kind_of(R"({"v":"1","type":"jobs"})"), rig::ErrorKind::unsupported);
    EXPECT_EQ(kind_of(R"({"v":1,"type":"reboot"})"), rig::ErrorKind::unsupported);
    EXPECT_EQ(kind_of(R"({"v":1})"), rig::ErrorKind::malformed);
    EXPECT_EQ(kind_of(std::string(max_line_bytes + 1, ' ')), rig::ErrorKind::malformed);
}

TEST(DaemonApi, RefusesBadFields) {
    EXPECT_EQ(kind_of(R"({"v":1,"type":"submit","board":"../etc"})"), rig::ErrorKind::malformed);
    EXPECT_EQ(kind_of(R"({"v":1,"type":"submit","board":"a b"})"), rig::ErrorKind::malformed);
    EXPECT_EQ(kind_of(R"({"v":1,"type":"submit"})"), rig::ErrorKind::malformed);
    EXPECT_EQ(kind_of(R"({"v":1,"type":"submit","board":"a","repetitions":0})"), rig::ErrorKind::malformed);
    EXPECT_EQ(kind_of(R"({"v":1,"type":"submit","board":"a","repetitions":1001})"), rig::ErrorKind::malformed);
    EXPECT_EQ(kind_of(R"({"v":1,"type":"submit","board":"a","repetitions":-1})"), rig::ErrorKind::malformed);
    EXPECT_EQ(kind_of(R"({"v":1,"type":"submit","board":"a","repetitions":"5"})"), rig::ErrorKind::malformed);
    EXPECT_EQ(kind_of(R"({"v":1,"type":"submit","board":"a","filter":"a\u0001"})"), rig::ErrorKind::malformed);
    EXPECT_EQ(kind_of(R"({"v":1,"type":"submit","board":"a","image":"/etc/shadow"})"), rig::ErrorKind::malformed);
    EXPECT_EQ(kind_of(R"({"v":1,"type":"cancel"})"), rig::ErrorKind::malformed);
    EXPECT_EQ(kind_of(R"({"v":1,"type":"cancel","job":0})"), rig::ErrorKind::malformed);
    EXPECT_EQ(kind_of(R"({"v":1,"type":"follow","job":1.5})"), rig::ErrorKind::malformed);
    EXPECT_EQ(kind_of(R"({"v":1,"type":"jobs","job":1})"), rig::ErrorKind::malformed);
}

TEST(DaemonApi, ErrorRepliesCarryKindAndMessageAndSurviveBadUtf8) {
    const auto line = error_line(rig::make_error(rig::ErrorKind::not_found, "no job \xff 7"));
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["v"], 1);
    EXPECT_EQ(j["ok"], false);
    EXPECT_EQ(j["error"]["kind"], "not_found");
    EXPECT_EQ(ok_line({{"x", 1}}), "{\"ok\":true,\"v\":1,\"x\":1}\n");
}

TEST(DaemonJob, RoundTripsThroughJson) {
    Job job;
    job.id = 9;
    job.board = "qemu_a";
    job.state = JobState::failed;
    job.failure = "flash error";
    job.failed_step = "flash";
    job.progress = {"start probe", "flash"};
    job.progress_total = 2;
    job.started_seq = 3;
    job.finished_seq = 4;
    const Job back = job_from_json(to_json(job));
    EXPECT_EQ(back.id, 9u);
    EXPECT_EQ(back.state, JobState::failed);
    EXPECT_EQ(back.failure, "flash error");
    EXPECT_EQ(back.progress, job.progress);
    EXPECT_EQ(back.finished_seq, 4u);
}

TEST(DaemonWorker, ClassifiesFailuresByStep) {
    EXPECT_EQ(classify_failure("flash", rig::ErrorKind::io).failure, "flash error");
    EXPECT_EQ(classify_failure("flash", rig::ErrorKind::io).verdict, BoardVerdict::broken);
    EXPECT_EQ(classify_failure("hello", rig::ErrorKind::timeout).failure, "no answer on the UART");
    EXPECT_EQ(classify_failure("start probe", rig::ErrorKind::closed).verdict, BoardVerdict::broken);
    EXPECT_EQ(classify_failure("collect", rig::ErrorKind::timeout).failure, "benchmark failure");
    EXPECT_EQ(classify_failure("collect", rig::ErrorKind::timeout).verdict, BoardVerdict::works);
    EXPECT_EQ(classify_failure("load image", rig::ErrorKind::not_found).verdict, BoardVerdict::unknown);
    // An unreadable image is an image error even when the file check calls it invalid; a filter
    // that matches none of the image's benchmarks (found at check image) is a bad request.
    EXPECT_EQ(classify_failure("load image", rig::ErrorKind::invalid_argument).failure, "image error");
    EXPECT_EQ(classify_failure("check image", rig::ErrorKind::invalid_argument).failure, "bad request");
    EXPECT_EQ(classify_failure("check image", rig::ErrorKind::malformed).failure, "image error");
}

TEST(DaemonServer, TrustsItsOwnUserAndRootOnly) {
    EXPECT_TRUE(is_trusted(::geteuid(), ::getegid(), std::nullopt));
    EXPECT_TRUE(is_trusted(0, 0, std::nullopt));
    const uid_t stranger = ::geteuid() == 12345 ? 12346 : 12345;
    EXPECT_FALSE(is_trusted(stranger, 12345, std::nullopt));
    EXPECT_TRUE(is_trusted(stranger, 4242, gid_t{4242}));  // primary group = rigd's group
}

class DaemonQueue : public ::testing::Test {
protected:
    // Health checks only when asked for (rigd --health-interval 0).
    const rig::daemon::HealthPolicy on_demand{std::chrono::milliseconds(0), std::chrono::milliseconds(0),
                                              std::chrono::minutes(30)};
    void SetUp() override {
        char name[] = "/tmp/rigd_queue_test_XXXXXX";
        ASSERT_NE(::mkdtemp(name), nullptr);
        dir_ = name;
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::unique_ptr<JobQueue> open() {
        auto q = JobQueue::open(dir_ / "queue.json", {"a", "b"});
        EXPECT_TRUE(q) << q.error().message;
        return q ? std::move(*q) : nullptr;
    }
    fs::path dir_;
};

TEST_F(DaemonQueue, ReopenKeepsQueuedJobsAndFailsTheRunningOne) {
    {
        auto q = open();
        ASSERT_TRUE(q->submit("a", 5, "", 0));
        ASSERT_TRUE(q->submit("a", 6, "cell", 0));
        ASSERT_TRUE(q->submit("b", 7, "", 0));
        EXPECT_FALSE(q->submit("c", 7, "", 0));  // not a board this queue owns
        auto work = q->next_work("a", on_demand);
        ASSERT_EQ(work.kind, JobQueue::Work::run);
        EXPECT_EQ(work.job.id, 1u);
    }  // "killed" with job 1 running
    auto q = open();
    const auto jobs = q->jobs();
    ASSERT_EQ(jobs.size(), 3u);
    EXPECT_EQ(jobs[0].state, JobState::failed);
    EXPECT_EQ(jobs[0].reason, "daemon restarted");
    EXPECT_EQ(jobs[1].state, JobState::queued);
    EXPECT_EQ(jobs[1].filter, "cell");
    EXPECT_EQ(jobs[2].state, JobState::queued);
    auto next = q->next_work("a", on_demand);
    EXPECT_EQ(next.job.id, 2u);
    auto fresh = q->submit("b", 1, "", 0);
    ASSERT_TRUE(fresh);
    EXPECT_EQ(fresh->id, 4u);  // ids are never reused
}

TEST_F(DaemonQueue, ThreeBoardFailuresMakeABoardUnhealthyUntilACheckPasses) {
    auto q = open();
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(q->submit("a", 5, "", 0));
        auto work = q->next_work("a", on_demand);
        ASSERT_EQ(work.kind, JobQueue::Work::run);
        JobQueue::Outcome outcome;
        outcome.state = JobState::failed;
        outcome.failure = "flash error";
        outcome.verdict = BoardVerdict::broken;
        q->finish_job(work.job.id, outcome);
    }
    auto waiting = q->submit("a", 5, "", 0);
    ASSERT_TRUE(waiting);
    EXPECT_NE(waiting->reason.find("unhealthy"), std::string::npos);
    EXPECT_FALSE(q->boards()[0].healthy);
    ASSERT_TRUE(q->request_health_check("a"));
    auto check = q->next_work("a", on_demand);
    ASSERT_EQ(check.kind, JobQueue::Work::health_check);
    q->finish_health_check("a", rig::Result<void>{});
    EXPECT_TRUE(q->boards()[0].healthy);
    auto work = q->next_work("a", on_demand);
    ASSERT_EQ(work.kind, JobQueue::Work::run);
    EXPECT_EQ(work.job.id, waiting->id);
}

// Three failures in the board's own steps: the board is unhealthy from then on.
void break_board(JobQueue& q, const std::string& board, const rig::daemon::HealthPolicy& policy) {
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(q.submit(board, 5, "", 0));
        auto work = q.next_work(board, policy);
        ASSERT_EQ(work.kind, JobQueue::Work::run);
        JobQueue::Outcome outcome;
        outcome.state = JobState::failed;
        outcome.failure = "probe error";
        outcome.reason = "openocd exited with status 1: Error: No J-Link device found";
        outcome.verdict = BoardVerdict::broken;
        q.finish_job(work.job.id, outcome);
    }
}

TEST(HealthPolicy, RetriesBackOffUpToTheInterval) {
    using namespace std::chrono;
    const rig::daemon::HealthPolicy policy{minutes(10), seconds(30), minutes(30)};
    EXPECT_EQ(rig::daemon::health_retry_delay(policy, 0), seconds(30));
    EXPECT_EQ(rig::daemon::health_retry_delay(policy, 1), seconds(60));
    EXPECT_EQ(rig::daemon::health_retry_delay(policy, 3), seconds(240));
    EXPECT_EQ(rig::daemon::health_retry_delay(policy, 5), minutes(10));
    EXPECT_EQ(rig::daemon::health_retry_delay(policy, 40), minutes(10));  // no overflow
}

// An unhealthy board once stayed so until someone asked for a check (and a real board's check
// could not pass at all): now it is re-checked on its own, backing off, and serves again once a
// check passes.
TEST_F(DaemonQueue, AnUnhealthyBoardIsRecheckedOnItsOwnAndReturnsToService) {
    using namespace std::chrono;
    const rig::daemon::HealthPolicy policy{seconds(10), milliseconds(20), minutes(30)};
    auto q = open();
    break_board(*q, "a", policy);
    ASSERT_FALSE(q->boards()[0].healthy);
    auto waiting = q->submit("a", 5, "", 0);
    ASSERT_TRUE(waiting);
    auto first = q->next_work("a", policy);  // first_retry after it became unhealthy
    ASSERT_EQ(first.kind, JobQueue::Work::health_check);
    const auto first_at = steady_clock::now();
    q->finish_health_check("a", rig::make_error(rig::ErrorKind::not_found, "no J-Link device found"));
    auto second = q->next_work("a", policy);
    ASSERT_EQ(second.kind, JobQueue::Work::health_check);
    // The check after a failed one waits twice first_retry, counted from that failure's end.
    EXPECT_GE(steady_clock::now() - first_at, milliseconds(40)) << "the second retry waits twice as long";
    EXPECT_NE(q->boards()[0].health_note.find("no J-Link device found"), std::string::npos);
    q->finish_health_check("a", rig::Result<void>{});
    EXPECT_TRUE(q->boards()[0].healthy);
    auto work = q->next_work("a", policy);
    ASSERT_EQ(work.kind, JobQueue::Work::run);
    EXPECT_EQ(work.job.id, waiting->id);
}

// `rig submit --follow` to a board that stays unhealthy once waited for ever.
TEST_F(DaemonQueue, AJobOnABoardThatStaysUnhealthyFailsWithTheReasonAfterTheBound) {
    using namespace std::chrono;
    const rig::daemon::HealthPolicy policy{milliseconds(0), milliseconds(0), milliseconds(50)};
    auto q = open();
    break_board(*q, "a", policy);
    auto waiting = q->submit("a", 5, "", 0);
    ASSERT_TRUE(waiting);
    std::thread worker([&] { (void)q->next_work("a", policy); });
    rig::daemon::Job job;
    for (int i = 0; i < 200; ++i) {
        job = *q->find(waiting->id);
        if (job.state != JobState::queued) break;
        std::this_thread::sleep_for(milliseconds(10));
    }
    q->stop();
    worker.join();
    EXPECT_EQ(job.state, JobState::failed);
    EXPECT_EQ(job.failure, "board unhealthy");
    EXPECT_NE(job.reason.find("stayed unhealthy"), std::string::npos) << job.reason;
    EXPECT_NE(job.reason.find("No J-Link device found"), std::string::npos) << job.reason;
}

TEST_F(DaemonQueue, CancelsAQueuedJobAtOnceAndRefusesFinishedOnes) {
    auto q = open();
    auto job = q->submit("b", 5, "", 0);
    ASSERT_TRUE(job);
    auto cancelled = q->cancel(job->id);
    ASSERT_TRUE(cancelled);
    EXPECT_EQ(cancelled->state, JobState::cancelled);
    EXPECT_FALSE(q->cancel(job->id));
    EXPECT_FALSE(q->cancel(999));
}

}  // namespace

namespace {

// A hold is granted in its turn, keeps the board from its later jobs until released, and those
// jobs then run in the order they came.
TEST_F(DaemonQueue, AHoldWaitsItsTurnAndKeepsLaterJobsQueuedUntilReleased) {
    auto q = open();
    ASSERT_TRUE(q->submit("a", 5, "", 0));
    auto hold = q->hold("a", 0);
    ASSERT_TRUE(hold) << hold.error().message;
    EXPECT_TRUE(hold->hold);
    ASSERT_TRUE(q->submit("a", 6, "", 0));
    ASSERT_TRUE(q->submit("a", 7, "", 0));

    auto first = q->next_work("a", on_demand);
    ASSERT_EQ(first.kind, JobQueue::Work::run);
    EXPECT_EQ(first.job.id, 1u);
    q->finish_job(first.job.id, {});
    auto held = q->next_work("a", on_demand);
    ASSERT_EQ(held.kind, JobQueue::Work::hold);
    EXPECT_EQ(held.job.id, hold->id);
    EXPECT_EQ(q->find(hold->id)->state, JobState::running);
    EXPECT_EQ(q->boards()[0].running_job, hold->id);

    std::thread releaser([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        q->release(hold->id, "released by the client");
    });
    q->wait_for_release(hold->id);  // the worker's wait ends with the release
    releaser.join();
    EXPECT_EQ(q->find(hold->id)->state, JobState::done);
    auto next = q->next_work("a", on_demand);
    ASSERT_EQ(next.kind, JobQueue::Work::run);
    EXPECT_EQ(next.job.repetitions, 6u);
}

// Bring-up is how an unhealthy board is mended: its holds are granted while its runs wait.
TEST_F(DaemonQueue, AnUnhealthyBoardGrantsHoldsButNotRuns) {
    auto q = open();
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(q->submit("a", 5, "", 0));
        auto work = q->next_work("a", on_demand);
        JobQueue::Outcome outcome;
        outcome.state = JobState::failed;
        outcome.verdict = BoardVerdict::broken;
        q->finish_job(work.job.id, outcome);
    }
    ASSERT_FALSE(q->boards()[0].healthy);
    const auto waiting = q->submit("a", 5, "", 0);
    const auto hold = q->hold("a", 0);
    ASSERT_TRUE(hold);
    auto work = q->next_work("a", on_demand);
    ASSERT_EQ(work.kind, JobQueue::Work::hold);
    q->release(hold->id, "done");
    EXPECT_EQ(q->find(waiting->id)->state, JobState::queued);
}

// A hold that was never granted ends cancelled; one left by a daemon that died ends at reopen.
TEST_F(DaemonQueue, HoldsEndWhenReleasedEarlyOrWhenTheDaemonRestarts) {
    std::uint64_t granted = 0, queued = 0;
    {
        auto q = open();
        granted = q->hold("a", 0)->id;
        queued = q->hold("a", 0)->id;
        ASSERT_EQ(q->next_work("a", on_demand).job.id, granted);
    }
    auto q = open();
    EXPECT_EQ(q->find(granted)->state, JobState::cancelled);
    EXPECT_EQ(q->find(queued)->state, JobState::cancelled);
    EXPECT_NE(q->find(queued)->reason.find("rigd restarted"), std::string::npos);
    const auto early = q->hold("b", 0);
    q->release(early->id, "released by the client");
    EXPECT_EQ(q->find(early->id)->state, JobState::cancelled);
    ASSERT_TRUE(q->submit("b", 3, "", 0));
    EXPECT_EQ(q->next_work("b", on_demand).kind, JobQueue::Work::run);
}

}  // namespace
