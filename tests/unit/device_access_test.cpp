// `rig doctor`'s device checks: who may open a probe's USB node or a serial port (decided from
// owner, group and mode, as the kernel does, so it is testable as root), and which attached USB
// devices are a board's probe (a sysfs tree built in a temp folder).
#include "host/cli/device_access.hpp"

#include <gtest/gtest.h>
#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;
using rig::cli::Identity;

struct stat node(uid_t uid, gid_t gid, mode_t mode) {
    struct stat st {};
    st.st_uid = uid;
    st.st_gid = gid;
    st.st_mode = S_IFCHR | mode;
    return st;
}

const Identity user{1000, 1000, {1000, 24}, "bench"};

TEST(DeviceAccess, RootAndTheRightGroupMayOpenIt) {
    EXPECT_EQ(rig::cli::access_problem("/dev/ttyACM0", node(0, 20, 0660), Identity{0, 0, {}, "root"}), "");
    EXPECT_EQ(rig::cli::access_problem("/dev/ttyACM0", node(0, 24, 0660), user), "");
    EXPECT_EQ(rig::cli::access_problem("/dev/bus/usb/001/004", node(0, 0, 0666), user), "");
    EXPECT_EQ(rig::cli::access_problem("/dev/x", node(1000, 0, 0600), user), "");
}

TEST(DeviceAccess, AUserOutsideTheGroupIsToldToJoinIt) {
    const auto problem = rig::cli::access_problem("/dev/ttyACM0", node(0, 0xFFFF, 0660), user);
    EXPECT_NE(problem.find("user bench cannot open /dev/ttyACM0"), std::string::npos) << problem;
    EXPECT_NE(problem.find("mode 0660"), std::string::npos) << problem;
    EXPECT_NE(problem.find("usermod -aG"), std::string::npos) << problem;
}

TEST(DeviceAccess, ARootOnlyUsbNodeNeedsTheUdevRules) {
    const auto problem = rig::cli::access_problem("/dev/bus/usb/001/004", node(0, 0, 0664), user);
    EXPECT_NE(problem.find("packaging/udev/70-kernel-rig.rules"), std::string::npos) << problem;
    EXPECT_NE(problem.find("usermod -aG rig bench"), std::string::npos) << problem;
}

fs::path fake_usb_device(const fs::path& sysfs, const std::string& name, const std::string& vendor,
                         const std::string& product, const std::string& serial, int bus, int device) {
    auto dir = sysfs / name;
    fs::create_directories(dir);
    std::ofstream(dir / "idVendor") << vendor << "\n";
    std::ofstream(dir / "idProduct") << product << "\n";
    std::ofstream(dir / "serial") << serial << "\n";
    std::ofstream(dir / "busnum") << bus << "\n";
    std::ofstream(dir / "devnum") << device << "\n";
    return dir;
}

TEST(DeviceAccess, UsbDevicesAreReadFromSysfsWithTheirDevNode) {
    const auto root = fs::temp_directory_path() / "rig_device_access_test";
    fs::remove_all(root);
    fake_usb_device(root / "sys", "1-1", "1366", "1015", "001050123456", 1, 4);
    fake_usb_device(root / "sys", "1-2", "03EB", "2111", "ATML2130021800001234", 1, 7);
    fs::create_directories(root / "sys/1-1:1.0");  // an interface: no idVendor
    const auto found = rig::cli::usb_devices(root / "sys", "/dev/bus/usb");
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].vendor, "1366");
    EXPECT_EQ(found[0].node, fs::path("/dev/bus/usb/001/004"));
    EXPECT_EQ(found[1].vendor, "03eb");
    EXPECT_EQ(found[1].serial, "ATML2130021800001234");
    fs::remove_all(root);
}

rig::board::Board board(const std::string& name) {
    auto b = rig::board::find_board(name, fs::path(RIG_SOURCE_DIR) / "boards");
    if (!b) throw std::runtime_error(b.error().message);
    return *b;
}

TEST(DeviceAccess, EachRealBoardSaysWhichProbeItNeeds) {
    EXPECT_EQ(rig::cli::probe_usb_id(board("nrf52840dk"))->vendor, "1366");
    EXPECT_EQ(rig::cli::probe_usb_id(board("sam4l_xplained"))->product, "2111");
    EXPECT_FALSE(rig::cli::probe_usb_id(board("qemu_mps2_an386")));
    const auto needs = rig::cli::board_needs(board("sam4l_xplained"), user, {}, std::nullopt);
    ASSERT_EQ(needs.size(), 2u);
    EXPECT_NE(needs[0].find("Atmel EDBG (USB 03eb:2111)"), std::string::npos) << needs[0];
    EXPECT_NE(needs[0].find("is not attached"), std::string::npos) << needs[0];
    EXPECT_NE(needs[1].find("serial port"), std::string::npos) << needs[1];
}

TEST(DeviceAccess, Pyocd013OnTheSam4lSaysUseOpenocd) {
    auto b = board("sam4l_xplained");
    b.probe.kind = rig::board::ProbeKind::pyocd;
    b.probe.target = "atsam4lc8c";
    const auto needs = rig::cli::board_needs(b, user, {}, std::vector<std::string>{"nrf52", "nrf52840"});
    ASSERT_FALSE(needs.empty());
    EXPECT_NE(needs[0].find("pyOCD 0.13 has no SAM4L target: use OpenOCD"), std::string::npos) << needs[0];
}

TEST(DeviceAccess, Pyocd013OnAJlinkBoardSaysItCannotDriveIt) {
    auto b = board("nrf52840dk");
    b.probe.kind = rig::board::ProbeKind::pyocd;
    b.probe.target = "nrf52840";
    const auto needs = rig::cli::board_needs(b, user, {}, std::vector<std::string>{"nrf52", "nrf52840"});
    ASSERT_FALSE(needs.empty());
    EXPECT_NE(needs[0].find("pyOCD 0.13 cannot drive a J-Link"), std::string::npos) << needs[0];
}

}  // namespace
