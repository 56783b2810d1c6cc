// `rig probes` on a fake /sys and /dev (a temporary folder): a J-Link and an EDBG found by their
// USB ids, other USB devices ignored, serial ports traced to their USB device, and each matched
// to the board file that names it (leading zeros of a J-Link serial optional), or to none.
#include "host/probes/attached.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;
using namespace rig::probes;

class FakeSysfs : public ::testing::Test {
protected:
    void SetUp() override {
        char name[] = "/tmp/rig_fake_sysfs_XXXXXX";
        ASSERT_NE(::mkdtemp(name), nullptr);
        root_ = name;
    }
    void TearDown() override { fs::remove_all(root_); }

    // A USB device as sysfs shows it: its folder (linked from bus/usb/devices) and one interface.
    void usb(const std::string& path, const std::string& vendor, const std::string& product,
             const std::string& serial) {
        const auto dir = root_ / "sys/devices/pci0000:00/usb1" / path;
        fs::create_directories(dir / (path + ":1.0"));
        std::ofstream(dir / "idVendor") << vendor << "\n";
        std::ofstream(dir / "idProduct") << product << "\n";
        if (!serial.empty()) std::ofstream(dir / "serial") << serial << "\n";
        fs::create_directories(root_ / "sys/bus/usb/devices");
        fs::create_symlink(dir, root_ / "sys/bus/usb/devices" / path);
        fs::create_symlink(dir / (path + ":1.0"), root_ / "sys/bus/usb/devices" / (path + ":1.0"));
    }
    // A tty on a USB interface, and its /dev/serial/by-id link.
    void tty(const std::string& name, const std::string& usb_path, const std::string& by_id) {
        const auto interface = root_ / "sys/devices/pci0000:00/usb1" / usb_path / (usb_path + ":1.0");
        fs::create_directories(root_ / "sys/class/tty" / name);
        fs::create_symlink(interface, root_ / "sys/class/tty" / name / "device");
        fs::create_directories(root_ / "dev/serial/by-id");
        fs::create_symlink("../../" + name, root_ / "dev/serial/by-id" / by_id);
    }
    fs::path root_;
};

rig::board::Board real_board(const std::string& name, const std::string& serial, const std::string& device) {
    rig::board::Board b;
    b.name = name;
    b.probe.kind = rig::board::ProbeKind::openocd;
    b.probe.adapter_serial = serial;
    b.uart.kind = rig::board::UartKind::serial;
    b.uart.device = device;
    return b;
}

TEST_F(FakeSysfs, FindsDebugProbesAndPortsAndMatchesThemToBoards) {
    usb("1-1", "1366", "1015", "000683123456");          // J-Link (nRF52840 DK)
    usb("1-2", "03eb", "2111", "ATML2463041800001234");  // EDBG (SAM4L Xplained Pro)
    usb("1-3", "046d", "c52b", "");                      // a mouse
    tty("ttyACM0", "1-1", "usb-SEGGER_J-Link_000683123456-if00");
    tty("ttyACM1", "1-2", "usb-Atmel_Corp._EDBG_CMSIS-DAP_ATML2463041800001234-if01");
    const std::vector<rig::board::Board> boards = {
        real_board("nrf52840dk", "683123456", "/dev/serial/by-id/usb-SEGGER_J-Link_000683123456-if00"),
        real_board("sam4l_xplained", "", "/dev/ttyACM9"),
    };

    const auto found = scan_debug_probes(root_);
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].kind, "SEGGER J-Link");
    EXPECT_EQ(found[0].usb.serial, "000683123456");
    EXPECT_EQ(found[1].kind, "Atmel EDBG (CMSIS-DAP)");
    EXPECT_EQ(boards_for_probe(found[0].usb.serial, boards), std::vector<std::string>{"nrf52840dk"});
    EXPECT_TRUE(boards_for_probe(found[1].usb.serial, boards).empty());  // unassigned

    const auto ports = scan_serial_ports(root_);
    ASSERT_EQ(ports.size(), 2u);
    EXPECT_EQ(ports[1].by_id, "/dev/serial/by-id/usb-SEGGER_J-Link_000683123456-if00");
    EXPECT_EQ(ports[1].tty, "ttyACM0");
    ASSERT_TRUE(ports[1].usb);
    EXPECT_EQ(ports[1].usb->vendor_id, "1366");
    EXPECT_EQ(ports[1].usb->serial, "000683123456");
    EXPECT_EQ(boards_for_port(ports[1], boards), std::vector<std::string>{"nrf52840dk"});
    ASSERT_TRUE(ports[0].usb);
    EXPECT_EQ(ports[0].usb->product_id, "2111");
    EXPECT_TRUE(boards_for_port(ports[0], boards).empty());
}

TEST_F(FakeSysfs, NothingPluggedInIsAnEmptyList) {
    EXPECT_TRUE(scan_debug_probes(root_).empty());
    EXPECT_TRUE(scan_serial_ports(root_).empty());
}

TEST(AttachedProbes, SerialNumbersMatchWithoutLeadingZerosOnly) {
    EXPECT_TRUE(same_serial("000683123456", "683123456"));
    EXPECT_FALSE(same_serial("683123456", "68312345"));
    EXPECT_FALSE(same_serial("", ""));
}

TEST(AttachedProbes, ReadsPyOcdsProbeList) {
    // pyOCD 0.13's `pyocd-gdbserver -l --json` with nothing attached, and one with a probe.
    auto none = parse_pyocd_probe_list(R"({"pyocd_version": "0.13.1", "status": 0, "boards": []})");
    ASSERT_TRUE(none) << none.error().message;
    EXPECT_TRUE(none->empty());
    auto one = parse_pyocd_probe_list(
        R"({"status": 0, "boards": [{"unique_id": "000683123456", "info": "J-Link OB", "vendor_name": "Segger",
            "product_name": "J-Link OB-nRF5340-NordicSemi", "board_name": "Generic", "target": "cortex_m"}]})");
    ASSERT_TRUE(one) << one.error().message;
    ASSERT_EQ(one->size(), 1u);
    EXPECT_EQ((*one)[0].unique_id, "000683123456");
    EXPECT_EQ((*one)[0].description, "Segger J-Link OB-nRF5340-NordicSemi");
    EXPECT_FALSE(parse_pyocd_probe_list("Traceback (most recent call last):"));
}

}  // namespace
