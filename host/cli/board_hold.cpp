#include "host/cli/board_hold.hpp"

#include "host/daemon/job.hpp"

#include <fmt/format.h>

namespace rig::cli {

Result<BoardHold> BoardHold::acquire(const std::string& board, const std::filesystem::path& socket,
                                     const std::atomic<bool>* cancel,
                                     const std::function<void(const std::string&)>& note) {
    BoardHold hold;
    auto client = daemon::Client::connect(socket);
    // No rigd here: nobody else drives the board through it.
    if (!client && client.error().kind == ErrorKind::not_found) return hold;
    if (!client) return client.error().context("asking rigd for board " + board);
    daemon::Request request;
    request.type = daemon::RequestType::hold;
    request.board = board;
    auto first = client->call(request, std::chrono::seconds(10), cancel);
    if (!first) {
        // A rigd that does not own this board: the board is ours to use.
        if (first.error().kind == ErrorKind::not_found && first.error().message.starts_with("rigd has no board"))
            return hold;
        return first.error().context("holding board " + board + " through rigd");
    }
    try {
        auto job = daemon::job_from_json(first->at("job"));
        hold.id_ = job.id;
        bool told = false;
        while (job.state == daemon::JobState::queued) {
            if (!told && note) {
                note(
                    fmt::format("board {} is rigd's: waiting for its current work to finish (hold {}, `rig jobs` "
                                "shows the queue)",
                                board, job.id));
                told = true;
            }
            auto message = client->read(std::nullopt, cancel);
            if (!message) return message.error();
            if (!message->value("ok", false)) return daemon::Client::error_of(*message);
            const std::string event = message->value("event", "");
            if (event != "state" && event != "end") continue;
            job = daemon::job_from_json(message->at("job"));
            if (event == "end" || daemon::is_final(job.state))
                return make_error(ErrorKind::cancelled, fmt::format("rigd ended the hold on board {} before it was "
                                                                    "granted: {}",
                                                                    board, job.reason));
        }
    } catch (const nlohmann::json::exception& e) {
        return make_error(ErrorKind::malformed, std::string("unexpected reply from rigd: ") + e.what());
    }
    if (note) note(fmt::format("holding board {} through rigd (hold {})", board, hold.id_));
    hold.client_.emplace(std::move(*client));
    return hold;
}

}  // namespace rig::cli
