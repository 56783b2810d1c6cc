#include "host/probes/qemu/qemu_probe.hpp"

#include "host/probes/gdb_memory.hpp"
#include "host/transport/tcp_stream.hpp"
#include "host/util/hex.hpp"

namespace rig::probes {

Result<std::unique_ptr<QemuProbe>> QemuProbe::start(const board::Board& board, const std::filesystem::path& log_file) {
    auto qemu = QemuBoard::start(board, log_file);
    if (!qemu) return qemu.error();
    auto stream = transport::TcpStream::connect("127.0.0.1", (*qemu)->ports().gdb, std::chrono::seconds(5));
    if (!stream) return stream.error().context("connecting to QEMU's GDB server");
    auto gdb = std::make_unique<gdb_rsp::RspClient>(std::move(*stream));
    if (auto stop = gdb->connect(); !stop) return stop.error().context("GDB handshake with QEMU");
    return std::unique_ptr<QemuProbe>(new QemuProbe(std::move(*qemu), std::move(gdb)));
}

Result<void> QemuProbe::flash(const elf::Image& image, const FlashProgress& progress) {
    return flash_with_memory_writes(*gdb_, image, progress);
}

Result<void> QemuProbe::reset_and_run() {
    if (auto out = gdb_->monitor("system_reset"); !out) return out.error().context("reset (monitor system_reset)");
    if (auto c = gdb_->cont(); !c) return c.error().context("continue after reset");
    return {};
}

Result<std::vector<std::uint8_t>> QemuProbe::read_memory(std::uint32_t address, std::size_t length) {
    return stop_and_read_memory(*gdb_, address, length);
}

Result<void> QemuProbe::write_word_running(std::uint32_t address, std::uint32_t value) {
    // ARMv7-M's default map: Peripheral 0x4000_0000-0x5FFF_FFFF, Device and System from 0xA000_0000.
    const bool device = (address >= 0x4000'0000 && address < 0x6000'0000) || address >= 0xA000'0000;
    if (device)
        return make_error(ErrorKind::unsupported, "QEMU's gdbstub drops writes to device registers (" +
                                                      util::hex_address(address) +
                                                      "): on QEMU the host raises the UART RX interrupt instead");
    return write_word_and_continue(*gdb_, address, value);
}

Result<std::uint32_t> QemuProbe::read_word_running(std::uint32_t address) {
    return read_word_and_continue(*gdb_, address);
}

Result<std::unique_ptr<transport::ByteStream>> QemuProbe::open_console() {
    auto tcp = transport::TcpStream::connect("127.0.0.1", qemu_->ports().uart, std::chrono::seconds(5));
    if (!tcp) return tcp.error().context("QEMU's serial port");
    return std::unique_ptr<transport::ByteStream>(std::move(*tcp));
}

Result<void> QemuProbe::release_gdb() {
    // Closing is enough: QEMU's gdbstub leaves the guest as it is (halted, or running the image
    // just flashed) and accepts the next client, which stops it on connect. `D` would resume a
    // guest with nothing in memory, which locks up and ends QEMU.
    if (gdb_) gdb_->stream().close();
    gdb_.reset();
    return {};
}

std::string QemuProbe::gdb_address() const { return "127.0.0.1:" + std::to_string(qemu_->ports().gdb); }

std::string QemuProbe::describe() const {
    return "qemu-gdb (qemu-system-arm pid " + std::to_string(qemu_->process().pid()) +
           ", gdb 127.0.0.1:" + std::to_string(qemu_->ports().gdb) +
           ", uart 127.0.0.1:" + std::to_string(qemu_->ports().uart) + ")";
}

}  // namespace rig::probes
