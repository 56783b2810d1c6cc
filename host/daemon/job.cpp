#include "host/daemon/job.hpp"

#include <fmt/format.h>
#include <chrono>
#include <ctime>

namespace rig::daemon {

const char* to_string(JobState state) {
    switch (state) {
        case JobState::queued:
            return "queued";
        case JobState::running:
            return "running";
        case JobState::done:
            return "done";
        case JobState::failed:
            return "failed";
        case JobState::cancelled:
            return "cancelled";
    }
    return "?";
}

std::optional<JobState> job_state_from(const std::string& text) {
    for (auto s : {JobState::queued, JobState::running, JobState::done, JobState::failed, JobState::cancelled})
        if (text == to_string(s)) return s;
    return std::nullopt;
}

nlohmann::json to_json(const Job& job) {
    return {{"id", job.id},
            {"board", job.board},
            {"kind", job.hold ? "hold" : "run"},
            {"repetitions", job.repetitions},
            {"filter", job.filter},
            {"submitted_by", job.submitted_by},
            {"state", to_string(job.state)},
            {"reason", job.reason},
            {"failed_step", job.failed_step},
            {"failure", job.failure},
            {"progress", job.progress},
            {"progress_total", job.progress_total},
            {"result_file", job.result_file},
            {"run_id", job.run_id},
            {"history_run", job.history_run},
            {"submitted_at", job.submitted_at},
            {"started_at", job.started_at},
            {"finished_at", job.finished_at},
            {"started_seq", job.started_seq},
            {"finished_seq", job.finished_seq}};
}

Job job_from_json(const nlohmann::json& j) {
    Job job;
    job.id = j.at("id").get<std::uint64_t>();
    job.board = j.at("board").get<std::string>();
    job.hold = j.value("kind", "run") == "hold";
    job.repetitions = j.at("repetitions").get<unsigned>();
    job.filter = j.at("filter").get<std::string>();
    job.submitted_by = j.value("submitted_by", std::uint32_t{0});
    const auto state = job_state_from(j.at("state").get<std::string>());
    if (!state) throw nlohmann::json::other_error::create(501, "unknown job state", &j);
    job.state = *state;
    job.reason = j.value("reason", "");
    job.failed_step = j.value("failed_step", "");
    job.failure = j.value("failure", "");
    job.progress = j.value("progress", std::vector<std::string>{});
    job.progress_total = j.value("progress_total", job.progress.size());
    job.result_file = j.value("result_file", "");
    job.run_id = j.value("run_id", "");
    job.history_run = j.value("history_run", std::int64_t{0});
    job.submitted_at = j.value("submitted_at", "");
    job.started_at = j.value("started_at", "");
    job.finished_at = j.value("finished_at", "");
    job.started_seq = j.value("started_seq", std::uint64_t{0});
    job.finished_seq = j.value("finished_seq", std::uint64_t{0});
    return job;
}

nlohmann::json to_json(const BoardStatus& b) {
    return {{"name", b.name},
            {"healthy", b.healthy},
            {"consecutive_failures", b.consecutive_failures},
            {"health_note", b.health_note},
            {"last_health_check", b.last_health_check},
            {"running_job", b.running_job},
            {"checking_health", b.checking_health},
            {"queued", b.queued}};
}

BoardStatus board_from_json(const nlohmann::json& j) {
    BoardStatus b;
    b.name = j.at("name").get<std::string>();
    b.healthy = j.value("healthy", true);
    b.consecutive_failures = j.value("consecutive_failures", 0u);
    b.health_note = j.value("health_note", "");
    b.last_health_check = j.value("last_health_check", "");
    b.running_job = j.value("running_job", std::uint64_t{0});
    b.checking_health = j.value("checking_health", false);
    b.queued = j.value("queued", std::size_t{0});
    return b;
}

std::string utc_now_ms() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    return fmt::format("{}.{:03}Z", text, ms);
}

}  // namespace rig::daemon
