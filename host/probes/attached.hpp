#pragma once
// What is plugged in (`rig probes`): debug probes on USB (SEGGER J-Links, Atmel EDBGs, CMSIS-DAP
// and ST-Link adapters, found in sysfs as OpenOCD would find them: OpenOCD has no list of its
// own), the probes pyOCD sees, and serial ports by /dev/serial/by-id with the USB device behind
// each, every one matched to the board file that names it. The file-system root is a parameter,
// so that tests give a fake /sys and /dev in a temporary folder.

#include "host/board/board.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace rig::probes {

struct UsbDevice {
    std::string path;        // sysfs name, "1-2.3"
    std::string vendor_id;   // "1366"
    std::string product_id;  // "1015"
    std::string serial;      // as the device reports it ("000683123456")
    std::string manufacturer, product;
};

struct DebugProbe {
    UsbDevice usb;
    std::string kind;  // "SEGGER J-Link", "Atmel EDBG (CMSIS-DAP)", …
};

struct SerialPortInfo {
    std::filesystem::path by_id;   // /dev/serial/by-id/usb-SEGGER_J-Link_000683123456-if00
    std::string tty;               // ttyACM0
    std::optional<UsbDevice> usb;  // the device it belongs to, when sysfs says
};

// What a debug probe is, by USB id; nullopt for anything else.
std::optional<std::string> debug_probe_kind(const std::string& vendor_id, const std::string& product_id);

// USB devices under <root>/sys/bus/usb/devices that are debug probes.
std::vector<DebugProbe> scan_debug_probes(const std::filesystem::path& root = "/");

// Entries of <root>/dev/serial/by-id, with the USB device behind each (<root>/sys/class/tty/<tty>/device).
std::vector<SerialPortInfo> scan_serial_ports(const std::filesystem::path& root = "/");

// Serial numbers as OpenOCD and board files write them may lose a J-Link's leading zeros
// ("683123456" for "000683123456"): equal when they match after those.
bool same_serial(const std::string& a, const std::string& b);

// The boards whose [probe] adapter_serial names this probe.
std::vector<std::string> boards_for_probe(const std::string& serial, const std::vector<board::Board>& boards);

// The boards whose [uart] device is this port: its by-id path or /dev/<tty>.
std::vector<std::string> boards_for_port(const SerialPortInfo& port, const std::vector<board::Board>& boards);

// One probe pyOCD lists (`pyocd json --probes`, or pyOCD 0.13's `pyocd-gdbserver -l --json`).
struct PyOcdProbeInfo {
    std::string unique_id;
    std::string description;  // vendor and product, or pyOCD's "info"
};
// Parses pyOCD's JSON list; an error names what is wrong with it.
Result<std::vector<PyOcdProbeInfo>> parse_pyocd_probe_list(const std::string& json_text);

}  // namespace rig::probes
