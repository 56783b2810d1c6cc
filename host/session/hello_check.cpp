#include "host/session/hello_check.hpp"

#include <string>

namespace rig::session {

Result<void> check_hello(const protocol::Hello& hello, const board::Board& board) {
    if (hello.protocol_version != protocol::protocol_version)
        return make_error(ErrorKind::malformed, "the firmware speaks protocol version " +
                                                    std::to_string(hello.protocol_version) + ", this host version " +
                                                    std::to_string(protocol::protocol_version) +
                                                    ": build the firmware and the host from the same commit");
    if (hello.board != board.hello_name())
        return make_error(ErrorKind::malformed, "the firmware says it was built for board '" + hello.board + "'");
    const auto unit = hello.unit == protocol::CounterUnit::instructions ? board::CounterUnit::instructions
                                                                        : board::CounterUnit::cycles;
    if (unit != board.counter)
        return make_error(ErrorKind::malformed, std::string("the firmware counts ") + board::to_string(unit) +
                                                    " but the board file says " + board::to_string(board.counter));
    return {};
}

}  // namespace rig::session
