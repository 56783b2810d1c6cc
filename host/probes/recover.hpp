#pragma once
// Which boards `rig recover` can bring back from a locked debug port, asked before any probe
// program starts: an nRF52 behind OpenOCD (nrf52_recover). Lives here because it depends on the
// probe kind, which only host/probes/ looks at.

#include "host/board/board.hpp"

#include <optional>
#include <string>

namespace rig::probes {

// Why `rig recover` cannot work on this board ("a virtual board has nothing to unlock"), or
// nothing when it can.
std::optional<std::string> recover_unsupported(const board::Board& board);

}  // namespace rig::probes
