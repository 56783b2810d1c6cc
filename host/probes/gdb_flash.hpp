#pragma once
// Flashing through any GDB server that maps flash (or RAM standing in for it) into the memory
// write packets: QEMU's gdbstub, and OpenOCD's GDB server with `gdb_memory_map disable`.
// Every byte is read back and compared: a probe that acknowledges writes and drops them (QEMU
// does that for MMIO) must not pass for a flashed board.

#include "host/elf/elf_image.hpp"
#include "host/probes/gdb_rsp/client.hpp"
#include "host/probes/probe.hpp"

namespace rig::probes {

// Stops the core (the RSP interrupt byte) and reads memory: what every GDB-server probe's
// Probe::read_memory does.
Result<std::vector<std::uint8_t>> stop_and_read_memory(gdb_rsp::RspClient& gdb, std::uint32_t address,
                                                       std::size_t length);

Result<void> flash_with_memory_writes(gdb_rsp::RspClient& gdb, const elf::Image& image, const FlashProgress& progress);

}  // namespace rig::probes
