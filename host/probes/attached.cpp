#include "host/probes/attached.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

namespace rig::probes {
namespace {

namespace fs = std::filesystem;

// The first line of a sysfs attribute file, or empty.
std::string attribute(const fs::path& dir, const char* name) {
    std::ifstream in(dir / name);
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
    return line;
}

UsbDevice usb_device(const fs::path& dir) {
    UsbDevice d;
    d.path = dir.filename().string();
    d.vendor_id = attribute(dir, "idVendor");
    d.product_id = attribute(dir, "idProduct");
    d.serial = attribute(dir, "serial");
    d.manufacturer = attribute(dir, "manufacturer");
    d.product = attribute(dir, "product");
    return d;
}

std::string without_leading_zeros(const std::string& s) {
    const auto first = s.find_first_not_of('0');
    return first == std::string::npos ? std::string() : s.substr(first);
}

}  // namespace

std::optional<std::string> debug_probe_kind(const std::string& vendor_id, const std::string& product_id) {
    if (vendor_id == "1366") return "SEGGER J-Link";
    if (vendor_id == "03eb" && product_id == "2111") return "Atmel EDBG (CMSIS-DAP)";
    if (vendor_id == "0d28" && product_id == "0204") return "Arm DAPLink (CMSIS-DAP)";
    if (vendor_id == "0483" && (product_id == "3748" || product_id == "374b" || product_id == "374e" ||
                                product_id == "374f" || product_id == "3753"))
        return "ST-Link";
    return std::nullopt;
}

std::vector<DebugProbe> scan_debug_probes(const fs::path& root) {
    std::vector<DebugProbe> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root / "sys/bus/usb/devices", ec)) {
        const auto device = usb_device(entry.path());
        if (device.vendor_id.empty()) continue;  // an interface ("1-2:1.0"), not a device
        if (auto kind = debug_probe_kind(device.vendor_id, device.product_id)) found.push_back({device, *kind});
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.usb.path < b.usb.path; });
    return found;
}

std::vector<SerialPortInfo> scan_serial_ports(const fs::path& root) {
    std::vector<SerialPortInfo> ports;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root / "dev/serial/by-id", ec)) {
        SerialPortInfo port;
        port.by_id = fs::path("/dev/serial/by-id") / entry.path().filename();
        std::error_code link_ec;
        const auto target = fs::read_symlink(entry.path(), link_ec);
        port.tty = (link_ec ? entry.path() : target).filename().string();
        // /sys/class/tty/<tty>/device is the USB interface; the device is the nearest folder
        // above it that has an idVendor.
        const auto device_link = root / "sys/class/tty" / port.tty / "device";
        auto dir = fs::weakly_canonical(device_link, link_ec);
        const auto top = fs::weakly_canonical(root, link_ec);
        for (; !link_ec && !dir.empty() && dir != top && dir != dir.root_path(); dir = dir.parent_path()) {
            if (fs::exists(dir / "idVendor")) {
                port.usb = usb_device(dir);
                break;
            }
        }
        ports.push_back(std::move(port));
    }
    std::sort(ports.begin(), ports.end(), [](const auto& a, const auto& b) { return a.by_id < b.by_id; });
    return ports;
}

bool same_serial(const std::string& a, const std::string& b) {
    if (a.empty() || b.empty()) return false;
    return a == b || without_leading_zeros(a) == without_leading_zeros(b);
}

std::vector<std::string> boards_for_probe(const std::string& serial, const std::vector<board::Board>& boards) {
    std::vector<std::string> names;
    for (const auto& b : boards)
        if (b.probe.kind != board::ProbeKind::qemu_gdb && same_serial(b.probe.adapter_serial, serial))
            names.push_back(b.name);
    return names;
}

std::vector<std::string> boards_for_port(const SerialPortInfo& port, const std::vector<board::Board>& boards) {
    std::vector<std::string> names;
    for (const auto& b : boards) {
        if (b.uart.kind != board::UartKind::serial) continue;
        if (b.uart.device == port.by_id.string() || b.uart.device == "/dev/" + port.tty) names.push_back(b.name);
    }
    return names;
}

Result<std::vector<PyOcdProbeInfo>> parse_pyocd_probe_list(const std::string& json_text) {
    try {
        const auto j = nlohmann::json::parse(json_text);
        std::vector<PyOcdProbeInfo> probes;
        for (const auto& b : j.at("boards")) {
            PyOcdProbeInfo p;
            p.unique_id = b.value("unique_id", "");
            const std::string vendor = b.value("vendor_name", ""), product = b.value("product_name", "");
            p.description = vendor;
            if (!vendor.empty()) p.description += ' ';
            p.description += product;
            if (p.description.empty()) p.description = b.value("info", "");
            probes.push_back(std::move(p));
        }
        return probes;
    } catch (const nlohmann::json::exception& e) {
        return make_error(ErrorKind::malformed,
                          std::string("pyOCD's probe list is not what it should be: ") + e.what());
    }
}

}  // namespace rig::probes
