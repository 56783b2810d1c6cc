#pragma once
// A bring-up command's claim on a board: when rigd owns the board, the command holds it through
// rigd's socket (a `hold` request, queued behind the board's jobs) so that a console session and
// a nightly job never use one board at once; with no rigd, or a rigd that does not own the board,
// the command uses the board directly. The hold ends when this object goes (the connection closes).

#include "host/daemon/client.hpp"
#include "host/util/result.hpp"

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace rig::cli {

class BoardHold {
public:
    // Waits (noticing `cancel`) until rigd grants the hold; `note` hears "waiting for …".
    // Errors: rigd refuses (an untrusted user), the hold was cancelled, or the wait was.
    static Result<BoardHold> acquire(const std::string& board, const std::filesystem::path& socket,
                                     const std::atomic<bool>* cancel,
                                     const std::function<void(const std::string&)>& note);

    // Held through rigd (else: no rigd owns the board; nothing to hold).
    bool through_rigd() const { return client_.has_value(); }
    std::uint64_t hold_id() const { return id_; }

private:
    BoardHold() = default;
    std::optional<daemon::Client> client_;
    std::uint64_t id_ = 0;
};

}  // namespace rig::cli
