#pragma once
// What `rig doctor` checks about a real board's devices for the user running it: is the debug
// probe (J-Link 1366:*, EDBG 03eb:2111) attached, and may this user open its USB node
// (/dev/bus/usb/BBB/DDD) and the board's serial port for reading and writing? Without udev rules
// both are root's only; packaging/udev/70-kernel-rig.rules gives them to the group `rig`.

#include <sys/stat.h>
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "host/board/board.hpp"

namespace rig::cli {

// The user the checks are for: uid, primary and supplementary groups.
struct Identity {
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
    std::string user;
};
Identity current_identity();

// "" when `who` may read and write a node with this owner and mode, else why and how to fix it
// (the node's owner, group and mode, and the group to join).
std::string access_problem(const std::filesystem::path& node, const struct stat& st, const Identity& who);

// The same for a path (symlinks such as /dev/serial/by-id/… followed to the device).
std::string device_access_problem(const std::filesystem::path& node, const Identity& who);

// A USB device as sysfs lists it (/sys/bus/usb/devices/*/idVendor, idProduct, serial, busnum, devnum).
struct UsbDevice {
    std::string vendor;   // "1366"
    std::string product;  // "0105"
    std::string serial;
    std::filesystem::path node;  // /dev/bus/usb/BBB/DDD
};
std::vector<UsbDevice> usb_devices(const std::filesystem::path& sysfs = "/sys/bus/usb/devices",
                                   const std::filesystem::path& dev_usb = "/dev/bus/usb");

// The USB id of the probe on the board (J-Link on the nRF52 DKs, EDBG on the SAM4L Xplained Pro).
struct ProbeUsbId {
    std::string vendor;
    std::string product;  // empty: any product of the vendor
    std::string name;     // "SEGGER J-Link (1366:*)"
};
std::optional<ProbeUsbId> probe_usb_id(const board::Board& board);

// What a real board needs on this machine and lacks, one line each ("" items are never returned):
// its probe attached (and which), access to the probe's USB node and to the serial port, and
// what the probe program cannot do for it (pyOCD 0.13: no SAM4L target, no J-Link).
// `pyocd013_targets`: pyOCD 0.13's target list when that is the pyOCD on PATH, else nullopt.
std::vector<std::string> board_needs(const board::Board& board, const Identity& who, const std::vector<UsbDevice>& usb,
                                     const std::optional<std::vector<std::string>>& pyocd013_targets);

}  // namespace rig::cli
