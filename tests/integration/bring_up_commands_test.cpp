// The bring-up commands as a user runs them, against the real programs: `rig console` showing a
// foreign firmware's text and the rig's own HELLO as text, `rig flash` of an ELF that does not
// speak the protocol, `rig gdb` handing QEMU's GDB server to the real gdb-multiarch, `rig recover`
// refusing where it cannot work and meeting real OpenOCD with no probe, `rig probes` on this
// machine (nothing plugged in) and on a fake sysfs. No rigd runs: --socket names none.
#include "host/util/child_process.hpp"
#include "tests/integration/scratch_dir.hpp"
#include "tests/integration/tiny_firmware.hpp"

#include <gtest/gtest.h>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path rig_binary = fs::path(RIG_BINARY_DIR) / "bin/rig";
const fs::path rig_image = fs::path(RIG_BINARY_DIR) / "firmware/thumbv7em-none-eabi/release/qemu_mps2_an386";
const fs::path nrf_image = fs::path(RIG_BINARY_DIR) / "firmware/thumbv7em-none-eabi/release/nrf52840dk";

fs::path scratch(const std::string& name) { return rig::test_support::scratch_dir("rig_bring_up_", name); }

std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// `rig <args>` run to its end, with the options that keep it away from this machine's rigd and
// the checkout's results.
rig::util::ProgramOutput rig_cmd(std::vector<std::string> args, const fs::path& dir,
                                 std::chrono::milliseconds timeout = 60s) {
    args.insert(args.begin(), rig_binary.string());
    args.insert(args.end(), {"--socket", (dir / "no-rigd.sock").string(), "--results-dir", (dir / "results").string()});
    return rig::util::run_program(args, timeout);
}

const std::string banner = "Hello from Zephyr\r\n*** Booting \x01 ***\r\n";

// The check of the issue: a firmware that prints text, not frames, is watched with rig console;
// on QEMU the console runs its own emulator, so flash and console go in one invocation.
TEST(BringUpCommands, ConsoleShowsAForeignFirmwaresText) {
    const auto dir = scratch("console_foreign");
    const auto elf = rig::test_support::write_chatty_firmware(dir, banner);
    const auto out = rig_cmd({"console", "-b", "qemu_mps2_an386", "--flash", elf.string(), "--seconds", "3"}, dir);
    EXPECT_EQ(out.exit_status, 0) << out.err;
    EXPECT_EQ(out.out, banner);  // byte for byte, nothing added
    EXPECT_NE(out.err.find("flashed"), std::string::npos) << out.err;
}

// The rig's own image: its HELLO frame is shown as a text line, not as binary.
TEST(BringUpCommands, ConsoleShowsTheRigsHelloAsText) {
    ASSERT_TRUE(fs::exists(rig_image)) << rig_image << " was not built";
    const auto dir = scratch("console_hello");
    const auto out = rig_cmd({"console", "-b", "qemu_mps2_an386", "--image", rig_image.string(), "--seconds", "2",
                              "--out", (dir / "console.txt").string()},
                             dir);
    EXPECT_EQ(out.exit_status, 0) << out.err;
    const auto text = read_file(dir / "console.txt");
    EXPECT_NE(text.find("[rig HELLO] board qemu_mps2_an386, firmware "), std::string::npos) << text;
    EXPECT_EQ(text.find('\xA5'), std::string::npos) << "a frame's bytes reached the console: " << text;
}

TEST(BringUpCommands, ConsoleOfAVirtualBoardNeedsAnImage) {
    const auto dir = scratch("console_no_image");
    const auto out = rig_cmd({"console", "-b", "qemu_mps2_an386", "--seconds", "1"}, dir);
    EXPECT_EQ(out.exit_status, 2);
    EXPECT_NE(out.err.find("--flash ELF"), std::string::npos) << out.err;
}

TEST(BringUpCommands, CtrlCEndsTheConsoleWith130) {
    const auto dir = scratch("console_sigint");
    const auto elf = rig::test_support::write_chatty_firmware(dir, banner);
    rig::util::ChildProcess rig(
        {rig_binary.string(), "console", "-b", "qemu_mps2_an386", "--flash", elf.string(), "--socket",
         (dir / "no-rigd.sock").string(), "--results-dir", (dir / "results").string()},
        dir / "console.out");
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (read_file(dir / "console.out").find("Booting") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline && rig.running())
        std::this_thread::sleep_for(50ms);
    ASSERT_NE(read_file(dir / "console.out").find("Booting"), std::string::npos) << read_file(dir / "console.out");
    rig.signal(SIGINT);
    for (int i = 0; i < 100 && rig.running(); ++i) std::this_thread::sleep_for(50ms);
    EXPECT_EQ(rig.exit_status(), 130) << rig.exit_description().value_or("still running");
}

// Any ELF: no identity block, not the rig's protocol. Written, verified, reset and run.
TEST(BringUpCommands, FlashWritesAForeignElfVerifiedAndRunsIt) {
    const auto dir = scratch("flash_foreign");
    const auto elf = rig::test_support::write_chatty_firmware(dir, banner);
    const auto out = rig_cmd({"flash", "-b", "qemu_mps2_an386", elf.string()}, dir);
    EXPECT_EQ(out.exit_status, 0) << out.err;
    EXPECT_TRUE(std::regex_search(out.out, std::regex(R"(flashed .*chatty\.elf to qemu_mps2_an386: \d+ bytes in 1 )"
                                                      R"(segment \(0x00000000-0x[0-9a-f]{8}\), verified)")))
        << out.out;
    EXPECT_NE(out.out.find("reset, running"), std::string::npos) << out.out;
}

// An image built for another board is refused before anything starts, exit 2.
TEST(BringUpCommands, FlashRefusesAnImageForAnotherBoard) {
    ASSERT_TRUE(fs::exists(nrf_image)) << nrf_image << " was not built";
    const auto dir = scratch("flash_other_board");
    const auto out = rig_cmd({"flash", "-b", "qemu_mps2_an386", nrf_image.string()}, dir);
    EXPECT_EQ(out.exit_status, 2) << out.err;
    EXPECT_NE(out.err.find("not 'qemu_mps2_an386'"), std::string::npos) << out.err;
}

TEST(BringUpCommands, ResetRunsOnEveryProbeKindsBoard) {
    const auto dir = scratch("reset");
    const auto out = rig_cmd({"reset", "-b", "qemu_mps2_an386"}, dir);
    EXPECT_EQ(out.exit_status, 0) << out.err;
    EXPECT_NE(out.out.find("qemu_mps2_an386: reset, running"), std::string::npos) << out.out;
}

// `rig gdb` as a child process: the address from the command it prints, and gdb-multiarch's
// answer to `info registers pc` there (batch mode, the real gdb).
struct GdbSession {
    GdbSession(const fs::path& dir, const std::vector<std::string>& extra) : out(dir / "gdb.out") {
        std::vector<std::string> argv{rig_binary.string(),
                                      "gdb",
                                      "-b",
                                      "qemu_mps2_an386",
                                      "--seconds",
                                      "60",
                                      "--socket",
                                      (dir / "no-rigd.sock").string(),
                                      "--results-dir",
                                      (dir / "results").string()};
        argv.insert(argv.end(), extra.begin(), extra.end());
        rig = std::make_unique<rig::util::ChildProcess>(argv, out);
        const std::regex command(R"(gdb-multiarch -ex 'target extended-remote (127\.0\.0\.1:\d+)'( \S+)?\n)");
        const auto deadline = std::chrono::steady_clock::now() + 30s;
        while (std::chrono::steady_clock::now() < deadline && rig->running()) {
            said = read_file(out);
            if (std::regex_search(said, match, command)) break;
            std::this_thread::sleep_for(50ms);
        }
    }
    rig::util::ProgramOutput info_pc(const std::vector<std::string>& elf = {}) const {
        // `disconnect` at the end: gdb's exit would detach, which resumes the guest, and a guest with
        // nothing flashed then locks up and takes QEMU down, racing the test's interrupt.
        std::vector<std::string> argv{"gdb-multiarch", "-batch",
                                      "-ex",           "set remotetimeout 10",
                                      "-ex",           "target remote " + match[1].str(),
                                      "-ex",           "info registers pc",
                                      "-ex",           "disconnect"};
        argv.insert(argv.end(), elf.begin(), elf.end());
        return rig::util::run_program(argv, 30s);
    }
    int interrupt() const {
        rig->signal(SIGINT);
        for (int i = 0; i < 100 && rig->running(); ++i) std::this_thread::sleep_for(50ms);
        return rig->exit_status().value_or(-1);
    }
    fs::path out;
    std::unique_ptr<rig::util::ChildProcess> rig;
    std::string said;
    std::smatch match;
};

// rig gdb hands QEMU's one GDB connection to the real gdb-multiarch, which reads the pc of the
// image it flashed and runs; Ctrl-C ends the server, exit 130.
TEST(BringUpCommands, GdbHandsTheServerToGdbMultiarch) {
    ASSERT_TRUE(rig::util::program_available("gdb-multiarch")) << "apt-get install gdb-multiarch";
    ASSERT_TRUE(fs::exists(rig_image)) << rig_image << " was not built";
    GdbSession session(scratch("gdb"), {"--flash", rig_image.string()});
    ASSERT_FALSE(session.match.empty()) << session.said;
    EXPECT_EQ(session.match[2].str(), " " + rig_image.string());
    const auto gdb = session.info_pc({rig_image.string()});
    EXPECT_TRUE(gdb.ok) << gdb.status << "\n" << gdb.out << gdb.err;
    EXPECT_TRUE(std::regex_search(gdb.out, std::regex(R"(pc\s+0x[0-9a-f]+)"))) << gdb.out << gdb.err;
    EXPECT_EQ(session.interrupt(), 130) << read_file(session.out);
}

// With nothing flashed the guest stays halted for gdb: it was once resumed by the rig's detach,
// locked up on empty memory and took QEMU down ("QEMU killed by signal 6") before gdb came.
TEST(BringUpCommands, GdbWithoutAnImageFindsTheGuestHaltedAndQemuAlive) {
    ASSERT_TRUE(rig::util::program_available("gdb-multiarch")) << "apt-get install gdb-multiarch";
    GdbSession session(scratch("gdb_no_image"), {});
    ASSERT_FALSE(session.match.empty()) << session.said;
    std::this_thread::sleep_for(300ms);  // time enough for a resumed guest to lock up
    ASSERT_TRUE(session.rig->running()) << read_file(session.out);
    const auto gdb = session.info_pc();
    EXPECT_TRUE(gdb.ok) << gdb.status << "\n" << gdb.out << gdb.err;
    EXPECT_TRUE(std::regex_search(gdb.out, std::regex(R"(pc\s+0x[0-9a-f]+)"))) << gdb.out << gdb.err;
    EXPECT_EQ(session.interrupt(), 130) << read_file(session.out);
}

TEST(BringUpCommands, RecoverIsNotSupportedOnAVirtualBoard) {
    const auto dir = scratch("recover_qemu");
    const auto out = rig_cmd({"recover", "-b", "qemu_mps2_an386"}, dir);
    EXPECT_EQ(out.exit_status, 2);
    EXPECT_NE(out.err.find("not supported for this board (qemu_mps2_an386: "), std::string::npos) << out.err;
}

// The real OpenOCD, with no J-Link on this machine: the error says so.
TEST(BringUpCommands, RecoverOnAnNrf52WithNoProbeSaysNoJLinkFound) {
    ASSERT_TRUE(rig::util::program_available("openocd")) << "apt-get install openocd";
    const auto dir = scratch("recover_nrf");
    const auto out = rig_cmd({"recover", "-b", "nrf52840dk"}, dir);
    EXPECT_EQ(out.exit_status, 1) << out.err;
    EXPECT_NE(out.err.find("No J-Link device found"), std::string::npos) << out.err;
    EXPECT_NE(out.err.find("board nrf52840dk: starting its probe"), std::string::npos) << out.err;
}

TEST(BringUpCommands, ProbesOnAMachineWithNothingPluggedIn) {
    const auto dir = scratch("probes_none");
    const auto out = rig::util::run_program({rig_binary.string(), "probes", "--root", dir.string()}, 60s);
    EXPECT_EQ(out.exit_status, 0) << out.err;
    EXPECT_NE(out.out.find("Debug probes on USB (as OpenOCD finds them"), std::string::npos) << out.out;
    EXPECT_NE(out.out.find("Serial ports (/dev/serial/by-id):\n  none found"), std::string::npos) << out.out;
    // pyOCD was asked, and it found nothing either.
    EXPECT_NE(out.out.find("Debug probes pyOCD sees"), std::string::npos) << out.out;
    EXPECT_NE(out.out.find("Boards whose probe or port is not plugged in: "), std::string::npos) << out.out;
}

TEST(BringUpCommands, ProbesMatchesAFakeJLinkToItsBoard) {
    const auto dir = scratch("probes_fake");
    // A bench's nRF52840 DK file naming its J-Link and that J-Link's serial port.
    fs::create_directories(dir / "boards");
    std::string board = read_file(fs::path(RIG_SOURCE_DIR) / "boards/nrf52840dk.toml");
    board = std::regex_replace(board, std::regex(R"(\n\[probe\]\n)"), "\n[probe]\nadapter_serial = \"683123456\"\n");
    board = std::regex_replace(board, std::regex("\ndevice = \"[^\"]*\""),
                               "\ndevice = \"/dev/serial/by-id/usb-SEGGER_J-Link_000683123456-if00\"");
    std::ofstream(dir / "boards/nrf52840dk.toml") << board;

    const auto device = dir / "sys/devices/usb1/1-1";
    fs::create_directories(device / "1-1:1.0");
    std::ofstream(device / "idVendor") << "1366\n";
    std::ofstream(device / "idProduct") << "1015\n";
    std::ofstream(device / "serial") << "000683123456\n";
    fs::create_directories(dir / "sys/bus/usb/devices");
    fs::create_symlink(device, dir / "sys/bus/usb/devices/1-1");
    fs::create_directories(dir / "sys/class/tty/ttyACM0");
    fs::create_symlink(device / "1-1:1.0", dir / "sys/class/tty/ttyACM0/device");
    fs::create_directories(dir / "dev/serial/by-id");
    fs::create_symlink("../../ttyACM0", dir / "dev/serial/by-id/usb-SEGGER_J-Link_000683123456-if00");
    fs::create_symlink("../../ttyUSB0", dir / "dev/serial/by-id/usb-FTDI_FT232R_A5XK3RJT-if00-port0");
    const auto out = rig::util::run_program({rig_binary.string(), "probes", "--no-pyocd", "--root", dir.string(),
                                             "--boards-dir", (dir / "boards").string()},
                                            30s);
    EXPECT_EQ(out.exit_status, 0) << out.err;
    EXPECT_NE(out.out.find("SEGGER J-Link  1366:1015 serial 000683123456  usb 1-1  -> board nrf52840dk"),
              std::string::npos)
        << out.out;
    EXPECT_NE(out.out.find("/dev/serial/by-id/usb-SEGGER_J-Link_000683123456-if00 (ttyACM0)  1366:1015 serial "
                           "000683123456  -> board nrf52840dk"),
              std::string::npos)
        << out.out;
    EXPECT_NE(out.out.find("usb-FTDI_FT232R_A5XK3RJT-if00-port0 (ttyUSB0)  -> unassigned"), std::string::npos)
        << out.out;
    EXPECT_EQ(out.out.find("not plugged in"), std::string::npos) << out.out;
}

}  // namespace
