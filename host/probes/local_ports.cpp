#include "host/probes/local_ports.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace rig::probes {
namespace {

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
        if (std::stoul(local.substr(colon + 1), nullptr, 16) == port) inodes.insert(inode);
    }
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

bool process_listens_on(int pid, std::uint16_t port) {
    std::set<std::string> inodes;
    add_listening_inodes("/proc/net/tcp", port, inodes);
    add_listening_inodes("/proc/net/tcp6", port, inodes);
    if (inodes.empty()) return false;
    std::error_code ec;
    for (std::filesystem::directory_iterator fds("/proc/" + std::to_string(pid) + "/fd", ec), end; !ec && fds != end;
         fds.increment(ec)) {
        std::error_code gone;  // a descriptor closed while we look
        const auto target = std::filesystem::read_symlink(fds->path(), gone).string();
        if (!gone && target.starts_with("socket:[") && target.ends_with(']') &&
            inodes.contains(target.substr(8, target.size() - 9)))
            return true;
    }
    return false;
}

}  // namespace rig::probes
