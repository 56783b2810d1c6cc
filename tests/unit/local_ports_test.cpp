// Who listens on a port: the probe servers are waited for until they themselves listen, so that a
// stranger who took the same port (tests in parallel draw ports from one pool) is not taken for
// them. Real sockets and a real child process.
#include "host/probes/local_ports.hpp"
#include "host/util/child_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

namespace {

using rig::probes::process_listens_on;

// A socket of this process listening on a free port of `family`'s loopback; closed when destroyed.
class Listener {
public:
    explicit Listener(int family) : fd_(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_storage storage{};
        socklen_t len = 0;
        if (family == AF_INET) {
            auto* in = reinterpret_cast<sockaddr_in*>(&storage);
            in->sin_family = AF_INET;
            in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            len = sizeof *in;
        } else {
            auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
            in6->sin6_family = AF_INET6;
            in6->sin6_addr = in6addr_loopback;
            len = sizeof *in6;
        }
        auto* addr = reinterpret_cast<sockaddr*>(&storage);
        ok_ = fd_ >= 0 && ::bind(fd_, addr, len) == 0 && ::listen(fd_, 1) == 0 && ::getsockname(fd_, addr, &len) == 0;
        if (ok_)
            port_ = ntohs(family == AF_INET ? reinterpret_cast<sockaddr_in*>(&storage)->sin_port
                                            : reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port);
    }
    ~Listener() {
        if (fd_ >= 0) ::close(fd_);
    }
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    bool ok() const { return ok_; }
    std::uint16_t port() const { return port_; }

private:
    int fd_;
    bool ok_ = false;
    std::uint16_t port_ = 0;
};

TEST(LocalPorts, AProcessListeningOnThePortIsFound) {
    const Listener listener(AF_INET);
    ASSERT_TRUE(listener.ok());
    EXPECT_TRUE(process_listens_on(::getpid(), listener.port()));
}

TEST(LocalPorts, AStrangerOnThePortIsNotTheServer) {
    const Listener stranger(AF_INET);
    ASSERT_TRUE(stranger.ok());
    const auto log = std::filesystem::path(::testing::TempDir()) / "local_ports_server.log";
    rig::util::ChildProcess server({"sleep", "30"}, log);
    EXPECT_FALSE(process_listens_on(server.pid(), stranger.port()));
    server.stop();
}

TEST(LocalPorts, AClosedListenerIsNoLongerFound) {
    std::uint16_t port = 0;
    {
        const Listener listener(AF_INET);
        ASSERT_TRUE(listener.ok());
        port = listener.port();
    }
    EXPECT_FALSE(process_listens_on(::getpid(), port));
}

TEST(LocalPorts, AnIpv6ListenerCountsToo) {
    const Listener listener(AF_INET6);
    if (!listener.ok()) GTEST_SKIP() << "no IPv6 loopback on this machine";
    EXPECT_TRUE(process_listens_on(::getpid(), listener.port()));
}

TEST(LocalPorts, APickedPortIsFreeAndNobodyListensOnIt) {
    const auto port = rig::probes::pick_free_port();
    ASSERT_TRUE(port) << port.error().message;
    EXPECT_NE(*port, 0);
    EXPECT_FALSE(process_listens_on(::getpid(), *port));
}

}  // namespace
