#pragma once
// Memory access through any GDB server, for the probes built on one (QEMU's gdbstub, pyOCD):
// flashing by memory writes, reading results, and single words while the firmware runs. These
// servers are all-stop, so a running core is stopped (the RSP interrupt byte) for the access.
// Flashing reads every byte back: a probe that acknowledges writes and drops them (QEMU does
// that for MMIO) must not pass for a flashed board.

#include "host/elf/elf_image.hpp"
#include "host/probes/gdb_rsp/client.hpp"
#include "host/probes/probe.hpp"

namespace rig::probes {

// Stops the core and reads memory: what every GDB-server probe's Probe::read_memory does.
Result<std::vector<std::uint8_t>> stop_and_read_memory(gdb_rsp::RspClient& gdb, std::uint32_t address,
                                                       std::size_t length);

// Stop, access one little-endian word, continue: Probe::{write,read}_word_running for a core
// that was left running (after reset_and_run).
Result<void> write_word_and_continue(gdb_rsp::RspClient& gdb, std::uint32_t address, std::uint32_t value);
Result<std::uint32_t> read_word_and_continue(gdb_rsp::RspClient& gdb, std::uint32_t address);

Result<void> flash_with_memory_writes(gdb_rsp::RspClient& gdb, const elf::Image& image, const FlashProgress& progress);

}  // namespace rig::probes
