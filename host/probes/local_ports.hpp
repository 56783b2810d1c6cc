#pragma once
// The loopback TCP ports a probe server (QEMU, OpenOCD, pyOCD) is started on: picked free by the
// rig, then waited for until the server itself listens on them.

#include "host/util/result.hpp"

#include <cstdint>

namespace rig::probes {

// A loopback TCP port that was free a moment ago (bind to port 0 and read it back). Another
// program may take it before the server binds it: callers check who listens, not just whether
// someone does.
Result<std::uint16_t> pick_free_port();

// True when a process of `process_group` (the group a ChildProcess leads: the server, or what a
// wrapper script of it started) holds a socket listening on TCP `port`. Read from /proc/net/tcp{,6}
// and /proc/<pid>/fd, so that checking does not take the one connection QEMU's GDB server accepts
// (a GDB client that disconnects makes QEMU resume the guest), and so that a stranger on the same
// port is not mistaken for the server: tests in parallel drew the same port, an OpenOCD that had
// not found its J-Link was taken for listening, and the rig knocked on a closed port for ten
// seconds instead of saying "No J-Link device found". A member whose descriptors cannot be read (a
// setuid server) is taken to be the listener, as before this check.
bool group_listens_on(int process_group, std::uint16_t port);

}  // namespace rig::probes
