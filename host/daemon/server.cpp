#include "host/daemon/server.hpp"

#include "host/daemon/api.hpp"

#include <fmt/format.h>
#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <deque>
#include <utility>

namespace rig::daemon {
namespace {

namespace asio = boost::asio;
using local = asio::local::stream_protocol;
using nlohmann::json;

constexpr std::size_t max_pending_output = 4 * 1024 * 1024;  // a follower that stops reading is dropped

// {"v":1,"ok":false,"error":{"kind":"busy"|"timeout","message":…}}: the last line a refused or
// timed-out client gets. "busy" is not an ErrorKind of the rig; clients show the message.
std::string refusal_line(const std::string& kind, const std::string& message) {
    return dump_line({{"v", api_version}, {"ok", false}, {"error", {{"kind", kind}, {"message", message}}}});
}

Error os_error(const std::string& what) { return make_error(ErrorKind::io, what + ": " + std::strerror(errno)); }

// The job without its progress lines: what listings and state events carry.
json brief(const Job& job) {
    json j = to_json(job);
    j.erase("progress");
    return j;
}

}  // namespace

bool is_trusted(uid_t uid, gid_t gid, const std::optional<gid_t>& group) {
    if (uid == 0 || uid == ::geteuid()) return true;
    if (!group) return false;
    if (gid == *group) return true;
    // Supplementary groups, as the group database says (the peer's own list is not passed).
    std::vector<char> buffer(16384);
    passwd pw{};
    passwd* found = nullptr;
    if (::getpwuid_r(uid, &pw, buffer.data(), buffer.size(), &found) != 0 || !found) return false;
    int count = 64;
    std::vector<gid_t> groups(static_cast<std::size_t>(count));
    if (::getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &count) < 0) {
        groups.resize(static_cast<std::size_t>(count));
        if (::getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &count) < 0) return false;
    }
    groups.resize(static_cast<std::size_t>(count));
    return std::find(groups.begin(), groups.end(), *group) != groups.end();
}

class Server::Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(Server& server, local::socket socket, Peer peer)
        : server_(server),
          socket_(std::move(socket)),
          deadline_(socket_.get_executor()),
          peer_(peer),
          alive_(server.alive_) {}
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() {
        if (*alive_) server_.release(peer_.uid);
    }

    const Peer& peer() const { return peer_; }

    void start() {
        read();
        arm_deadline();
    }

    // Waiting for a health check's answer: an idle connection that is not idle.
    bool awaiting_health = false;
    // Holds this connection asked for (queued or granted): they end when it closes.
    std::vector<std::uint64_t> holds;

    // The deadline that applies now: a partial line must be finished soon; a connection that
    // follows a job or awaits a health check has none; an idle one is closed after a while.
    // The partial-line deadline runs from the line's first byte: trickling a byte now and then
    // does not extend it. The idle deadline runs from the last complete request or answer.
    void arm_deadline() {
        if (closed_) return;
        const bool partial = !line_.empty() || discarding_;
        if (partial && partial_armed_) return;
        partial_armed_ = partial;
        if (!partial && (!followed.empty() || awaiting_health || !holds.empty())) {
            deadline_.cancel();
            return;
        }
        const auto timeout = partial ? server_.config_.partial_line_timeout : server_.config_.idle_timeout;
        deadline_.expires_after(timeout);
        std::weak_ptr<Connection> weak = shared_from_this();
        deadline_.async_wait([weak, partial, timeout](boost::system::error_code ec) {
            auto self = weak.lock();
            if (ec || !self || self->closed_ || !*self->alive_) return;
            const auto seconds = std::chrono::duration<double>(timeout).count();
            self->refuse(partial ? fmt::format("timeout: the request line was not finished within {:g} s; "
                                               "closing the connection",
                                               seconds)
                                 : fmt::format("timeout: idle for {:g} s; closing the connection", seconds),
                         "timeout");
        });
    }

    // One last error line, written without waiting (a peer that does not read gets none), then the close.
    void refuse(const std::string& message, const std::string& kind) {
        if (out_.empty()) {
            boost::system::error_code ec;
            socket_.non_blocking(true, ec);
            socket_.write_some(asio::buffer(refusal_line(kind, message)), ec);
        }
        close();
    }

    void send(std::string line) {
        if (closed_) return;
        pending_bytes_ += line.size();
        if (pending_bytes_ > max_pending_output) return close();
        out_.push_back(std::move(line));
        if (out_.size() == 1) write();
    }

    void close() {
        if (closed_) return;
        closed_ = true;
        // A client that exits, crashes or is cut off gives its boards back.
        if (!holds.empty() && *alive_) server_.end_holds(std::exchange(holds, {}), "released: the connection closed");
        deadline_.cancel();
        boost::system::error_code ec;
        socket_.shutdown(local::socket::shutdown_both, ec);
        socket_.close(ec);
    }

    // Progress lines already sent through the follow snapshot are not sent again.
    std::map<std::uint64_t, std::size_t> followed;

private:
    void read() {
        auto self = shared_from_this();
        socket_.async_read_some(asio::buffer(buffer_), [this, self](boost::system::error_code ec, std::size_t n) {
            if (ec || closed_ || !*alive_) return close();
            take(std::string_view(buffer_.data(), n));
            if (closed_) return;
            arm_deadline();
            read();
        });
    }

    // Splits what arrived into lines; a line past the limit gets one error and is skipped whole.
    void take(std::string_view data) {
        while (!data.empty() && !closed_) {
            const auto newline = data.find('\n');
            const auto chunk = data.substr(0, newline);
            if (!discarding_) {
                line_.append(chunk);
                if (line_.size() > max_line_bytes) {
                    send(error_line(make_error(ErrorKind::malformed,
                                               "request longer than " + std::to_string(max_line_bytes) + " bytes")));
                    line_.clear();
                    discarding_ = true;
                }
            }
            if (newline == std::string_view::npos) return;
            data.remove_prefix(newline + 1);
            partial_armed_ = false;  // a line ended: the next one gets its own deadline
            if (discarding_) {
                discarding_ = false;
                continue;
            }
            std::string line = std::move(line_);
            line_.clear();
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (!line.empty()) server_.handle(shared_from_this(), line);
        }
    }

    void write() {
        auto self = shared_from_this();
        asio::async_write(socket_, asio::buffer(out_.front()), [this, self](boost::system::error_code ec, std::size_t) {
            if (ec) return close();
            pending_bytes_ -= out_.front().size();
            out_.pop_front();
            if (!out_.empty() && !closed_) write();
        });
    }

    Server& server_;
    local::socket socket_;
    asio::steady_timer deadline_;
    Peer peer_;
    std::shared_ptr<bool> alive_;
    std::array<char, 4096> buffer_{};
    std::string line_;
    bool discarding_ = false;
    bool partial_armed_ = false;  // the deadline running is the partial line's
    bool closed_ = false;
    std::deque<std::string> out_;
    std::size_t pending_bytes_ = 0;
};

Server::Server(asio::io_context& io, JobQueue& queue, ServerConfig config, local::acceptor acceptor)
    : io_(io), queue_(queue), config_(std::move(config)), acceptor_(std::move(acceptor)) {}

Result<std::unique_ptr<Server>> Server::create(asio::io_context& io, JobQueue& queue, ServerConfig config) {
    const auto& path = config.socket;
    if (path.native().size() >= sizeof(sockaddr_un::sun_path))
        return make_error(ErrorKind::invalid_argument, "socket path too long: " + path.string());
    std::error_code fec;
    const auto dir = path.parent_path();
    if (!dir.empty() && !std::filesystem::exists(dir, fec)) {
        // Only the daemon's user (and the group) may even reach the socket through this folder.
        if (::mkdir(dir.c_str(), config.group ? 0750 : 0700) != 0 && errno != EEXIST)
            return os_error("cannot create " + dir.string());
        if (config.group && ::chown(dir.c_str(), static_cast<uid_t>(-1), *config.group) != 0)
            return os_error("cannot give " + dir.string() + " to the group");
    }
    // A folder someone else owns or may write in (a /tmp/rigd-<uid> planted by another user) would
    // let them replace the socket under the clients: refused. Sticky folders (/tmp) are safe.
    if (struct stat st{}; !dir.empty() && ::stat(dir.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return make_error(ErrorKind::invalid_argument,
                              dir.string() + " is not a folder: not putting the socket there");
        if (st.st_uid != ::geteuid() && st.st_uid != 0)
            return make_error(ErrorKind::invalid_argument, fmt::format("{} belongs to uid {}, not to rigd's user: not "
                                                                       "putting the socket there",
                                                                       dir.string(), st.st_uid));
        if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
            return make_error(ErrorKind::invalid_argument,
                              dir.string() + " may be written by others: not putting the socket there");
    }
    if (std::filesystem::is_socket(path, fec)) {
        local::socket probe(io);
        boost::system::error_code ec;
        probe.connect(local::endpoint(path.string()), ec);
        if (!ec)
            return make_error(ErrorKind::invalid_argument, "another rigd is already listening on " + path.string());
        std::filesystem::remove(path, fec);
    } else if (std::filesystem::exists(path, fec)) {
        return make_error(ErrorKind::invalid_argument, path.string() + " exists and is not a socket: not replacing it");
    }

    local::acceptor acceptor(io);
    boost::system::error_code ec;
    acceptor.open(local{}, ec);
    if (!ec) {
        // The file is born 0600 (no window in which others could connect), then opened to the group.
        const mode_t old_mask = ::umask(0177);
        acceptor.bind(local::endpoint(path.string()), ec);
        ::umask(old_mask);
    }
    if (ec) return make_error(ErrorKind::io, "cannot bind " + path.string() + ": " + ec.message());
    if (config.group) {
        if (::chown(path.c_str(), static_cast<uid_t>(-1), *config.group) != 0)
            return os_error("cannot give " + path.string() + " to the group");
        if (::chmod(path.c_str(), 0660) != 0) return os_error("cannot chmod " + path.string());
    }
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return make_error(ErrorKind::io, "cannot listen on " + path.string() + ": " + ec.message());
    return std::unique_ptr<Server>(new Server(io, queue, std::move(config), std::move(acceptor)));
}

Server::~Server() {
    *alive_ = false;
    queue_.set_observer({});
    std::error_code ec;
    std::filesystem::remove(config_.socket, ec);
}

void Server::start() {
    // Queue events come from worker threads; they are handled on the io thread, in order.
    std::weak_ptr<bool> alive = alive_;
    queue_.set_observer([this, alive](const QueueEvent& event) {
        asio::post(io_, [this, alive, event] {
            if (auto a = alive.lock(); a && *a) deliver(event);
        });
    });
    accept();
}

void Server::stop() {
    boost::system::error_code ec;
    acceptor_.close(ec);
}

void Server::accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, local::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
        if (!ec) {
            Peer peer;
            ucred cred{};
            socklen_t length = sizeof cred;
            if (::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &length) == 0) {
                peer.pid = cred.pid;
                peer.uid = cred.uid;
                peer.gid = cred.gid;
                peer.trusted = is_trusted(cred.uid, cred.gid, config_.group);
            }  // else: no credentials, not trusted (uid 0 is never assumed)
            else {
                peer.uid = static_cast<uid_t>(-1);
            }
            std::size_t& mine = connections_per_uid_[peer.uid];
            std::string refusal;
            if (connections_ >= config_.max_connections)
                refusal = fmt::format("rigd is busy: {} connections open, its limit; try again later", connections_);
            else if (mine >= config_.per_uid_limit())
                refusal = fmt::format(
                    "rigd is busy: too many connections from uid {} ({} open, at most {} per user); close idle "
                    "ones or try again later",
                    peer.uid, mine, config_.per_uid_limit());
            if (!refusal.empty()) {
                if (mine == 0) connections_per_uid_.erase(peer.uid);
                // Written without waiting: a client that does not read gets nothing, not a stuck daemon.
                boost::system::error_code wec;
                socket.non_blocking(true, wec);
                socket.write_some(asio::buffer(refusal_line("busy", refusal)), wec);
                socket.shutdown(local::socket::shutdown_both, wec);
            } else {
                ++connections_;
                ++mine;
                std::make_shared<Connection>(*this, std::move(socket), peer)->start();
            }
        }
        accept();
    });
}

void Server::release(uid_t uid) {
    --connections_;
    if (auto it = connections_per_uid_.find(uid); it != connections_per_uid_.end() && --it->second == 0)
        connections_per_uid_.erase(it);
}

void Server::end_holds(const std::vector<std::uint64_t>& holds, const std::string& note) {
    for (const auto id : holds) queue_.release(id, note);
}

void Server::handle(const std::shared_ptr<Connection>& connection, const std::string& line) {
    auto request = parse_request(line);
    if (!request) return connection->send(error_line(request.error()));
    const Peer& peer = connection->peer();
    if (request->mutates() && !peer.trusted) {
        return connection->send(error_line(make_error(
            ErrorKind::invalid_argument,
            fmt::format("permission denied: uid {} may read the queue but not {} (only rigd's user, root and "
                        "members of its group may)",
                        peer.uid, to_string(request->type)))));
    }
    switch (request->type) {
        case RequestType::submit: {
            auto job = queue_.submit(request->board, request->repetitions, request->filter, peer.uid);
            if (!job) return connection->send(error_line(job.error()));
            return connection->send(ok_line({{"job", brief(*job)}}));
        }
        case RequestType::status: {
            auto job = queue_.find(request->job);
            if (!job) return connection->send(error_line(job.error()));
            return connection->send(ok_line({{"job", to_json(*job)}}));
        }
        case RequestType::jobs: {
            json jobs = json::array();
            for (const auto& job : queue_.jobs()) jobs.push_back(brief(job));
            return connection->send(ok_line({{"jobs", jobs}}));
        }
        case RequestType::boards: {
            json boards = json::array();
            for (const auto& board : queue_.boards()) boards.push_back(to_json(board));
            return connection->send(ok_line({{"boards", boards}}));
        }
        case RequestType::cancel: {
            auto job = queue_.cancel(request->job);
            if (!job) return connection->send(error_line(job.error()));
            return connection->send(ok_line({{"job", brief(*job)}}));
        }
        case RequestType::health: {
            if (auto asked = queue_.request_health_check(request->board); !asked)
                return connection->send(error_line(asked.error()));
            // The answer comes when the board's worker has run the check (health_checked event).
            health_waiters_[request->board].push_back(connection);
            connection->awaiting_health = true;
            return;
        }
        case RequestType::hold: {
            // Queued like a job; the client hears "state" (queued, then running = held) and "end"
            // as a follower does, and keeps the board until it sends release or closes.
            auto job = queue_.hold(request->board, peer.uid);
            if (!job) return connection->send(error_line(job.error()));
            connection->holds.push_back(job->id);
            connection->followed[job->id] = 0;
            followers_[job->id].push_back(connection);
            connection->send(ok_line({{"event", "state"}, {"job", brief(*job)}}));
            connection->arm_deadline();
            return;
        }
        case RequestType::release: {
            json released = json::array();
            for (const auto id : connection->holds) released.push_back(id);
            end_holds(std::exchange(connection->holds, {}), "released by the client");
            return connection->send(ok_line({{"released", released}}));
        }
        case RequestType::follow: {
            auto job = queue_.find(request->job);
            if (!job) return connection->send(error_line(job.error()));
            // Everything so far, then live events; events already queued for delivery that this
            // snapshot covers are recognised by their line index (see deliver).
            connection->send(ok_line({{"event", "state"}, {"job", brief(*job)}}));
            for (std::size_t i = 0; i < job->progress.size(); ++i)
                connection->send(
                    ok_line({{"event", "progress"}, {"job_id", job->id}, {"index", i}, {"line", job->progress[i]}}));
            if (is_final(job->state)) return connection->send(ok_line({{"event", "end"}, {"job", brief(*job)}}));
            connection->followed[job->id] = job->progress_total;
            followers_[job->id].push_back(connection);
            connection->arm_deadline();  // following: no idle deadline while the job runs
            return;
        }
    }
}

void Server::deliver(const QueueEvent& event) {
    if (event.kind == QueueEvent::health_checked) {
        auto waiters = std::move(health_waiters_[event.board.name]);
        health_waiters_.erase(event.board.name);
        for (auto& weak : waiters)
            if (auto c = weak.lock()) {
                c->send(ok_line({{"event", "health"},
                                 {"passed", event.passed},
                                 {"message", event.line},
                                 {"board", to_json(event.board)}}));
                c->awaiting_health = false;
                c->arm_deadline();
            }
        return;
    }
    auto it = followers_.find(event.job);
    if (it == followers_.end()) return;
    const bool end = event.kind == QueueEvent::job_changed && is_final(event.snapshot.state);
    for (auto& weak : it->second) {
        auto c = weak.lock();
        if (!c) continue;
        auto& seen = c->followed[event.job];
        if (event.kind == QueueEvent::progress) {
            if (event.index < seen) continue;
            seen = event.index + 1;
            c->send(
                ok_line({{"event", "progress"}, {"job_id", event.job}, {"index", event.index}, {"line", event.line}}));
        } else {
            if (event.snapshot.progress_total < seen) seen = event.snapshot.progress_total;  // re-queued: starts over
            c->send(ok_line({{"event", end ? "end" : "state"}, {"job", brief(event.snapshot)}}));
            if (end) {
                c->followed.erase(event.job);
                c->arm_deadline();
            }
        }
    }
    if (end) followers_.erase(it);
}

}  // namespace rig::daemon
