#include "host/probes/serial_console.hpp"

#include "host/transport/serial_port.hpp"

namespace rig::probes {

Result<std::unique_ptr<transport::ByteStream>> open_serial_console(const board::Uart& uart) {
    if (uart.kind != board::UartKind::serial)
        return make_error(ErrorKind::invalid_argument, "this probe's board names no serial port ([uart] device)");
    auto serial = transport::SerialPort::open(uart);
    if (!serial) return serial.error();
    return std::unique_ptr<transport::ByteStream>(std::move(*serial));
}

}  // namespace rig::probes
