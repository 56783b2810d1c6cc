// Who listens on a port: the probe servers are waited for until they themselves listen, so that a
// stranger who took the same port (tests in parallel draw ports from one pool) is not taken for
// them. Real sockets and a real child process.
#include "host/probes/local_ports.hpp"
#include "host/util/child_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;
using rig::probes::group_listens_on;
using namespace std::chrono_literals;

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
    EXPECT_TRUE(group_listens_on(::getpgrp(), listener.port()));
}

fs::path log_file(const std::string& name) {
    return fs::path(::testing::TempDir()) / ("local_ports_" + name + "_" + std::to_string(::getpid()) + ".log");
}

TEST(LocalPorts, AStrangerOnThePortIsNotTheServer) {
    // The server first, and asked once it runs `sleep`: a child between fork and exec still holds
    // copies of the test's descriptors (the stranger's socket among them) until it closes them.
    rig::util::ChildProcess server({"sleep", "30"}, log_file("stranger"));
    const auto comm = fs::path("/proc") / std::to_string(server.pid()) / "comm";
    for (const auto deadline = std::chrono::steady_clock::now() + 30s; std::chrono::steady_clock::now() < deadline;) {
        std::ifstream in(comm);
        std::string name;
        if (std::getline(in, name) && name == "sleep") break;
        std::this_thread::sleep_for(5ms);
    }
    const Listener stranger(AF_INET);
    ASSERT_TRUE(stranger.ok());
    EXPECT_FALSE(group_listens_on(server.process_group(), stranger.port()));
    server.stop();
    fs::remove(log_file("stranger"));
}

// The server started through a wrapper that does not exec it (a shell script on PATH): its
// grandchild listens, in the group the rig's child leads.
TEST(LocalPorts, AServerStartedByAWrapperIsFoundInItsGroup) {
    const auto log = log_file("wrapper");
    const std::string server =
        "import socket, sys, time\n"
        "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
        "print(s.getsockname()[1], flush=True); time.sleep(60)\n";
    rig::util::ChildProcess wrapper({"sh", "-c", "python3 -c \"$0\"; true", server}, log);
    std::uint16_t port = 0;
    for (const auto deadline = std::chrono::steady_clock::now() + 30s;
         port == 0 && wrapper.running() && std::chrono::steady_clock::now() < deadline;) {
        std::this_thread::sleep_for(20ms);
        const auto out = wrapper.output();
        if (out.ends_with('\n')) port = static_cast<std::uint16_t>(std::stoul(out));
    }
    ASSERT_NE(port, 0) << wrapper.output();
    EXPECT_TRUE(group_listens_on(wrapper.process_group(), port));
    EXPECT_FALSE(group_listens_on(::getpgrp(), port)) << "the test's own group does not hold it";
    wrapper.stop();
    fs::remove(log);
}

TEST(LocalPorts, AClosedListenerIsNoLongerFound) {
    std::uint16_t port = 0;
    {
        const Listener listener(AF_INET);
        ASSERT_TRUE(listener.ok());
        port = listener.port();
    }
    EXPECT_FALSE(group_listens_on(::getpgrp(), port));
}

TEST(LocalPorts, AnIpv6ListenerCountsToo) {
    const Listener listener(AF_INET6);
    if (!listener.ok()) GTEST_SKIP() << "no IPv6 loopback on this machine";
    EXPECT_TRUE(group_listens_on(::getpgrp(), listener.port()));
}

TEST(LocalPorts, APickedPortIsFreeAndNobodyListensOnIt) {
    const auto port = rig::probes::pick_free_port();
    ASSERT_TRUE(port) << port.error().message;
    EXPECT_NE(*port, 0);
    EXPECT_FALSE(group_listens_on(::getpgrp(), *port));
}

}  // namespace
