#pragma once
// What the host checks in the firmware's HELLO before it asks for anything: the same protocol
// version, an image built for this board, and the counter unit the board file says (results
// in one unit must never be stored as the other).

#include "host/board/board.hpp"
#include "host/protocol/messages.hpp"
#include "host/util/result.hpp"

namespace rig::session {

Result<void> check_hello(const protocol::Hello& hello, const board::Board& board);

}  // namespace rig::session
