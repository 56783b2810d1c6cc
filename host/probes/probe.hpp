#pragma once
// What a session needs from a debug probe, whichever program is behind it (QEMU's gdbstub,
// OpenOCD, pyOCD): put an image into flash, reset the core and let it run, read and write its
// memory, open the board's console (its UART) and name the GDB server a debugger can use. One
// folder per backend implements it (probes/qemu/, probes/openocd/, probes/pyocd/); start_probe.hpp
// is the one place that chooses the backend from the board file.

#include "host/elf/elf_image.hpp"
#include "host/transport/byte_stream.hpp"
#include "host/util/result.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace rig::probes {

// Called as flashing proceeds: bytes done of bytes total.
using FlashProgress = std::function<void(std::size_t done, std::size_t total)>;

class Probe {
public:
    virtual ~Probe() = default;

    // Writes every loadable segment at its load address and reads it back to verify.
    virtual Result<void> flash(const elf::Image& image, const FlashProgress& progress) = 0;

    // Resets the core so it starts from the vector table, and lets it run.
    virtual Result<void> reset_and_run() = 0;

    // Reads target memory by address (the host finds results by ELF symbol). A GDB-server probe
    // stops the core first (all-stop servers cannot read a running target); call it when the
    // firmware has finished its work.
    virtual Result<std::vector<std::uint8_t>> read_memory(std::uint32_t address, std::size_t length) = 0;

    // One 32-bit word while the firmware runs, leaving it running: the host raises an interrupt
    // by writing NVIC ISPR and reads DWT CYCCNT this way. OpenOCD goes through the debug port
    // without stopping the core; an all-stop GDB server is stopped for the access and continued
    // (the cycle counter does not count while halted, so no sample is disturbed). Call them only
    // after reset_and_run.
    virtual Result<void> write_word_running(std::uint32_t address, std::uint32_t value) = 0;
    virtual Result<std::uint32_t> read_word_running(std::uint32_t address) = 0;

    // The board's console: the UART the firmware speaks on. QEMU's serial0 is a loopback TCP port;
    // a real board's is the serial device its board file names (opened with its settings).
    virtual Result<std::unique_ptr<transport::ByteStream>> open_console() = 0;

    // Where a debugger attaches to this probe's GDB server ("127.0.0.1:40321"); empty when none.
    virtual std::string gdb_address() const = 0;

    // Hands the GDB server to a debugger (`rig gdb`): QEMU's and pyOCD's servers take one client
    // at a time, so the rig's own connection steps aside (pyOCD: detach, `D`; QEMU: close, which
    // leaves the guest as it is). Afterwards only alive(), why_not_alive(), describe(),
    // gdb_address() and open_console() may be called.
    virtual Result<void> release_gdb() = 0;

    // Mass erase and unlock of a chip whose debug access is locked (OpenOCD's nrf52_recover);
    // ErrorKind::unsupported where the probe has no such command (recover.hpp says which do).
    virtual Result<void> recover() {
        return make_error(ErrorKind::unsupported, "this probe has no recover (mass erase) command");
    }

    // Still able to drive the board? (QEMU has not exited, the probe is still attached.)
    virtual bool alive() = 0;

    // Why not, for error messages.
    virtual std::string why_not_alive() = 0;

    // "qemu-gdb (qemu-system-arm pid 1234, gdb 127.0.0.1:40321)"
    virtual std::string describe() const = 0;
};

}  // namespace rig::probes
