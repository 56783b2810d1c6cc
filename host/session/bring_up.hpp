#pragma once
// The bring-up strategy (labgrid's word): drives one board off → probe started → console open →
// flashed → reset → running (a HELLO that passes the same checks everywhere). `rig run`, rigd's
// health checks and `rig doctor` all bring a board up through this, whatever its probe kind;
// only host/probes/start_probe.cpp chooses the backend.

#include "host/board/board.hpp"
#include "host/elf/elf_image.hpp"
#include "host/probes/probe.hpp"
#include "host/protocol/messages.hpp"
#include "host/session/counter_check.hpp"
#include "host/session/target_link.hpp"
#include "host/util/result.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace rig::session {

// What to do when the image may already be in flash (a health check spares the flash).
enum class FlashPolicy { always, if_different };

class BringUp {
public:
    // `note` sees the target's LOG lines ("target: …") and the strategy's own notes.
    BringUp(const board::Board& board, const std::atomic<bool>* cancel, std::function<void(const std::string&)> note);

    // Starts the probe program (its output appended to `log_file`), then opens the board's console.
    Result<void> start_probe(const std::filesystem::path& log_file);
    Result<void> open_console();

    // Writes the image (FlashPolicy::if_different: reads flash back first and writes only when it
    // differs). Returns whether it wrote.
    Result<bool> flash(const elf::Image& image, FlashPolicy policy, const probes::FlashProgress& progress = {});

    Result<void> reset();

    // The firmware's HELLO, checked as every run checks it (protocol version, board, counter unit).
    Result<protocol::Hello> await_hello(std::chrono::milliseconds timeout);

    // PING, answered by PONG within `timeout`.
    Result<void> ping(std::chrono::milliseconds timeout);

    // The next message that is not a LOG, within `timeout` of silence, noticing a cancel or a
    // dead board; a PANIC is an error naming its pc. `expected` names what should come in the
    // timeout error ("HELLO").
    Result<protocol::Message> receive(std::chrono::milliseconds timeout, std::string_view expected);

    // DWT CYCCNT's rate against the board clock, on cycle-counting boards (counter_check.hpp);
    // ok and "not applicable" on QEMU. An error only when the probe cannot read the counter.
    Result<CounterCheck> check_counter_rate();

    probes::Probe& probe() { return *probe_; }
    TargetLink& link() { return *link_; }

private:
    const board::Board& board_;
    const std::atomic<bool>* cancel_;
    std::function<void(const std::string&)> note_;
    std::unique_ptr<probes::Probe> probe_;
    std::unique_ptr<TargetLink> link_;
};

// The image read and checked against the board before anything starts: its memory map and, when
// it carries one, its identity block's board (elf/image_info.hpp).
Result<void> check_image_for_board(const elf::Image& image, const board::Board& board);

}  // namespace rig::session
