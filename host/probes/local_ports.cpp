#include "host/probes/local_ports.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <system_error>

namespace rig::probes {
namespace {

namespace fs = std::filesystem;

// The inodes of the sockets listening on `port`, from the kernel's tables. Lines look like
// "  0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000  0 123456 ...":
// local address, remote address, state (0A = LISTEN), queues, timer, retransmits, uid, timeout, inode.
void add_listening_inodes(const char* table, std::uint16_t port, std::set<std::string>& inodes) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
        fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
        const auto colon = local.rfind(':');
        if (!fields || colon == std::string::npos || state != "0A") continue;
        unsigned value = 0;
        const auto* first = local.data() + colon + 1;
        const auto* last = local.data() + local.size();
        if (const auto [end, ec] = std::from_chars(first, last, value, 16);
            ec == std::errc{} && end == last && value == port)
            inodes.insert(inode);
    }
}

enum class Holds { yes, no, unknown };

// Whether process `pid` has a descriptor on one of `inodes`; unknown when its descriptors cannot
// be read (another user's, or a setuid program's).
Holds holds_socket(const std::string& pid, const std::set<std::string>& inodes) {
    std::error_code ec;
    fs::directory_iterator fds(fs::path("/proc") / pid / "fd", ec);
    if (ec) return ec == std::errc::permission_denied ? Holds::unknown : Holds::no;  // else it has exited
    for (const fs::directory_iterator end; fds != end; fds.increment(ec)) {
        if (ec) break;
        std::error_code gone;  // a descriptor closed while we look
        const auto target = fs::read_symlink(fds->path(), gone).string();
        if (!gone && target.starts_with("socket:[") && target.ends_with(']') &&
            inodes.contains(target.substr(8, target.size() - 9)))
            return Holds::yes;
    }
    return Holds::no;
}

// The process group of `pid`, from /proc/<pid>/stat: "pid (comm) state ppid pgrp …", where comm
// may hold spaces and parentheses, so the fields are counted from the last ')'.
int process_group_of(const std::string& pid) {
    std::ifstream in(fs::path("/proc") / pid / "stat");
    std::string stat;
    std::getline(in, stat);
    const auto paren = stat.rfind(')');
    if (paren == std::string::npos) return -1;
    std::istringstream rest(stat.substr(paren + 1));
    std::string state;
    int parent = 0, group = -1;
    rest >> state >> parent >> group;
    return rest ? group : -1;
}

}  // namespace

Result<std::uint16_t> pick_free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return make_error(ErrorKind::io, "socket() failed while picking a port");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    ::close(fd);
    if (!ok) return make_error(ErrorKind::io, "no free loopback TCP port");
    return static_cast<std::uint16_t>(ntohs(addr.sin_port));
}

bool group_listens_on(int process_group, std::uint16_t port) {
    std::set<std::string> inodes;
    add_listening_inodes("/proc/net/tcp", port, inodes);
    add_listening_inodes("/proc/net/tcp6", port, inodes);
    if (inodes.empty()) return false;
    // The leader is the server itself unless a wrapper started it: asked first, it saves a walk of /proc.
    const auto leader = std::to_string(process_group);
    if (holds_socket(leader, inodes) != Holds::no) return true;
    std::error_code ec;
    for (fs::directory_iterator procs("/proc", ec), end; !ec && procs != end; procs.increment(ec)) {
        const auto pid = procs->path().filename().string();
        if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
        if (pid == leader || process_group_of(pid) != process_group) continue;
        if (holds_socket(pid, inodes) != Holds::no) return true;
    }
    return false;
}

}  // namespace rig::probes
