#pragma once
// A real board's console: the serial device its board file names, opened with the file's line
// settings (baud, parity, flow control, DTR). The real probes (OpenOCD, pyOCD) offer no console
// of their own; QEMU's is a TCP port instead.

#include "host/board/board.hpp"
#include "host/transport/byte_stream.hpp"
#include "host/util/result.hpp"

#include <memory>

namespace rig::probes {

Result<std::unique_ptr<transport::ByteStream>> open_serial_console(const board::Uart& uart);

}  // namespace rig::probes
