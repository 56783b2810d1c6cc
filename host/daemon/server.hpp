#pragma once
// rigd's unix-socket front: accepts `rig` clients, reads one JSON request per line (api.hpp),
// answers from the job queue, and streams a job's progress to clients that follow it. Who may
// change anything is decided from the peer's credentials (SO_PEERCRED), not from the request.

#include "host/daemon/job_queue.hpp"
#include "host/util/result.hpp"

#include <sys/types.h>
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace rig::daemon {

struct ServerConfig {
    std::filesystem::path socket;
    std::optional<gid_t> group;  // members may submit and cancel; the socket becomes 0660 root:group
    // Connections are limited so that no one can lock the others out: in all, and per peer uid
    // (0 = max_connections / 4). A refused client gets one "busy" error line, then the close.
    std::size_t max_connections = 64;
    std::size_t max_connections_per_uid = 0;
    // A client that has sent part of a line and then nothing for this long is cut off.
    std::chrono::milliseconds partial_line_timeout = std::chrono::seconds(10);
    // A connection with nothing pending (no partial line, no job followed, no health check
    // awaited) is closed after this long; `rig` opens one per command.
    std::chrono::milliseconds idle_timeout = std::chrono::seconds(60);

    std::size_t per_uid_limit() const {
        return max_connections_per_uid ? max_connections_per_uid : std::max<std::size_t>(1, max_connections / 4);
    }
};

// Who is on the other end of a connection, and what they may do.
struct Peer {
    pid_t pid = 0;
    uid_t uid = 0;
    gid_t gid = 0;
    bool trusted = false;  // the daemon's own user, root, or a member of the configured group
};

// Trusted = same uid as the daemon, root, or (with a group) primary or supplementary member.
bool is_trusted(uid_t uid, gid_t gid, const std::optional<gid_t>& group);

class Server {
public:
    // Creates the socket: a stale socket file (no daemon answering) is replaced, a live one is an
    // error. The file is 0600, or 0660 with the group when one is configured.
    static Result<std::unique_ptr<Server>> create(boost::asio::io_context& io, JobQueue& queue, ServerConfig config);
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    ~Server();  // removes the socket file

    void start();
    void stop();

private:
    class Connection;
    Server(boost::asio::io_context& io, JobQueue& queue, ServerConfig config,
           boost::asio::local::stream_protocol::acceptor acceptor);
    void accept();
    void deliver(const QueueEvent& event);  // on the io thread
    void handle(const std::shared_ptr<Connection>& connection, const std::string& line);
    void release(uid_t uid);  // a connection of this peer has ended
    void end_holds(const std::vector<std::uint64_t>& holds, const std::string& note);

    boost::asio::io_context& io_;
    JobQueue& queue_;
    ServerConfig config_;
    boost::asio::local::stream_protocol::acceptor acceptor_;
    std::size_t connections_ = 0;
    std::map<uid_t, std::size_t> connections_per_uid_;
    std::map<std::uint64_t, std::vector<std::weak_ptr<Connection>>> followers_;
    std::map<std::string, std::vector<std::weak_ptr<Connection>>> health_waiters_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace rig::daemon
