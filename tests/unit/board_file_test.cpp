// Board files: the real ones in boards/ load, and every kind of mistake is refused with a message
// naming the file, the key and what was expected.
#include "host/board/board.hpp"

#include <gtest/gtest.h>
#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;
using rig::board::load_board;

const fs::path boards_dir = fs::path(RIG_SOURCE_DIR) / "boards";

const char* const good_board = R"(
[board]
name = "NAME"
chip = "test chip"
firmware = "qemu_mps2_an386"
[clock]
cpu_hz = 25_000_000
[memory]
flash = { origin = 0x0, length = 0x400000 }
ram = { origin = 0x20000000, length = 0x400000 }
[probe]
kind = "qemu-gdb"
machine = "mps2-an386"
icount_shift = 7
[uart]
kind = "tcp"
baud = 115200
[counter]
kind = "instructions"
)";

// Writes `text` as <tmp>/<name>.toml, with NAME replaced by the file's name.
fs::path write_board(const std::string& name, std::string text) {
    const auto dir = fs::temp_directory_path() / "rig_board_test";
    fs::create_directories(dir);
    for (auto at = text.find("NAME"); at != std::string::npos; at = text.find("NAME")) text.replace(at, 4, name);
    auto file = dir / (name + ".toml");
    std::ofstream(file) << text;
    return file;
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
}

std::string error_of(const fs::path& file) {
    const auto board = load_board(file);
    EXPECT_FALSE(board) << "expected " << file << " to be refused";
    return board ? std::string() : board.error().message;
}

TEST(BoardFile, TheQemuBoardInTheRepoLoads) {
    const auto board = rig::board::find_board("qemu_mps2_an386", boards_dir);
    ASSERT_TRUE(board) << board.error().message;
    EXPECT_EQ(board->cpu_hz, 25'000'000u);
    EXPECT_EQ(board->flash.origin, 0u);
    EXPECT_EQ(board->ram.origin, 0x2000'0000u);
    EXPECT_EQ(board->ram.length, 0x40'0000u);
    EXPECT_EQ(board->probe.kind, rig::board::ProbeKind::qemu_gdb);
    EXPECT_EQ(board->counter, rig::board::CounterUnit::instructions);
    EXPECT_DOUBLE_EQ(board->ns_per_count(), 128.0);  // -icount shift=7
}

TEST(BoardFile, TheVariantWithoutFramePointersRunsTheQemuBoardsPackageBuiltForItsOwnTarget) {
    const auto board = rig::board::find_board("qemu_mps2_an386_nofp", boards_dir);
    ASSERT_TRUE(board) << board.error().message;
    EXPECT_EQ(board->firmware_package, "qemu_mps2_an386");
    EXPECT_EQ(board->firmware_target, "thumbv7em-none-eabi-nofp");
    EXPECT_EQ(board->hello_name(), "qemu_mps2_an386");
    EXPECT_EQ(board->image_name(), "qemu_mps2_an386.thumbv7em-none-eabi-nofp");
    EXPECT_EQ(board->counter, rig::board::CounterUnit::instructions);
    // The target names a specification in the repository, identical to the built-in one but for
    // the frame pointer (README "Rust vs C").
    EXPECT_TRUE(fs::exists(fs::path(RIG_SOURCE_DIR) / "firmware/targets" / (board->firmware_target + ".json")));
    const auto qemu = rig::board::find_board("qemu_mps2_an386", boards_dir);
    ASSERT_TRUE(qemu);
    EXPECT_EQ(qemu->image_name(), "qemu_mps2_an386");  // the default target: the package's name
}

TEST(BoardFile, AFirmwareTargetIsATargetNameNotAPath) {
    const auto good = replace(good_board, "firmware = \"qemu_mps2_an386\"\n",
                              "firmware = \"qemu_mps2_an386\"\nfirmware_target = \"thumbv7em-none-eabi-nofp\"\n");
    auto board = load_board(write_board("target", good));
    ASSERT_TRUE(board) << board.error().message;
    EXPECT_EQ(board->image_name(), "qemu_mps2_an386.thumbv7em-none-eabi-nofp");
    // Naming the default target is the same as naming none: the image keeps the package's name.
    board = load_board(write_board("default_target", replace(good, "-nofp", "")));
    ASSERT_TRUE(board) << board.error().message;
    EXPECT_EQ(board->firmware_target, "");
    EXPECT_EQ(board->image_name(), "qemu_mps2_an386");
    const auto msg =
        error_of(write_board("path_target", replace(good, "\"thumbv7em-none-eabi-nofp\"", "\"../targets/x.json\"")));
    EXPECT_NE(msg.find("board.firmware_target"), std::string::npos) << msg;
    EXPECT_NE(msg.find("not a path"), std::string::npos) << msg;
}

TEST(BoardFile, EveryBoardInTheRepoLoads) {
    for (const auto& board : rig::board::load_all_boards(boards_dir)) EXPECT_TRUE(board) << board.error().message;
}

TEST(BoardFile, AGoodFileLoads) {
    const auto board = load_board(write_board("good", good_board));
    ASSERT_TRUE(board) << board.error().message;
    EXPECT_EQ(board->name, "good");
}

TEST(BoardFile, InvalidTomlNamesFileLineAndColumn) {
    const auto msg = error_of(write_board("syntax", "[board\nname = 1\n"));
    EXPECT_NE(msg.find("syntax.toml:1:"), std::string::npos) << msg;
    EXPECT_NE(msg.find("not valid TOML"), std::string::npos) << msg;
}

TEST(BoardFile, AMissingKeyIsNamed) {
    const auto msg = error_of(write_board("nochip", replace(good_board, "chip = \"test chip\"\n", "")));
    EXPECT_NE(msg.find("nochip.toml: key 'board.chip': expected a non-empty string, but it is missing"),
              std::string::npos)
        << msg;
}

TEST(BoardFile, AWrongTypeSaysWhatWasExpectedAndWhatCame) {
    const auto msg = error_of(write_board("hz", replace(good_board, "25_000_000", "\"fast\"")));
    EXPECT_NE(msg.find("key 'clock.cpu_hz': expected a clock in Hz, got a string"), std::string::npos) << msg;
}

TEST(BoardFile, AnOutOfRangeValueIsRefused) {
    const auto msg = error_of(write_board("shift", replace(good_board, "icount_shift = 7", "icount_shift = 40")));
    EXPECT_NE(msg.find("key 'probe.icount_shift'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("got 40"), std::string::npos) << msg;
}

TEST(BoardFile, AnUnknownProbeKindListsTheKnownOnes) {
    const auto msg = error_of(write_board("probe", replace(good_board, "\"qemu-gdb\"", "\"jtagulator\"")));
    EXPECT_NE(msg.find("one of \"qemu-gdb\", \"openocd\", \"pyocd\", got \"jtagulator\""), std::string::npos) << msg;
}

TEST(BoardFile, InstructionCountsOnARealProbeAreRefused) {
    auto text = replace(good_board, "\"qemu-gdb\"", "\"openocd\"");
    const auto msg = error_of(write_board("units", text));
    EXPECT_NE(msg.find("key 'counter.kind'"), std::string::npos) << msg;
}

TEST(BoardFile, ARegionPastFourGigabytesIsRefused) {
    const auto msg = error_of(write_board("region", replace(good_board, "origin = 0x20000000, length = 0x400000",
                                                            "origin = 0xFFFFF000, length = 0x2000")));
    EXPECT_NE(msg.find("key 'memory.ram.length'"), std::string::npos) << msg;
}

TEST(BoardFile, TheNameMustMatchTheFile) {
    const auto file = write_board("mismatch", replace(good_board, "name = \"NAME\"", "name = \"other\""));
    const auto msg = error_of(file);
    EXPECT_NE(msg.find("key 'board.name'"), std::string::npos) << msg;
}

TEST(BoardFile, AnUnknownBoardListsTheKnownOnes) {
    const auto board = rig::board::find_board("nrf99", boards_dir);
    ASSERT_FALSE(board);
    EXPECT_EQ(board.error().kind, rig::ErrorKind::not_found);
    EXPECT_NE(board.error().message.find("qemu_mps2_an386"), std::string::npos) << board.error().message;
}

TEST(BoardFile, ABoardNameCannotWalkOutOfTheBoardsFolder) {
    const auto board = rig::board::find_board("../etc/passwd", boards_dir);
    ASSERT_FALSE(board);
    EXPECT_EQ(board.error().kind, rig::ErrorKind::invalid_argument);
}

TEST(BoardFile, RecordedBadBoardFilesAreAllRefused) {
    const auto dir = fs::path(RIG_FIXTURES_DIR) / "boards";
    int seen = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        ++seen;
        const auto board = load_board(entry.path());
        EXPECT_FALSE(board) << entry.path() << " was accepted";
        if (!board) {
            EXPECT_NE(board.error().message.find(entry.path().string()), std::string::npos);
        }
    }
    EXPECT_GT(seen, 0);
}

TEST(BoardFile, TheRealBoardsInTheRepoLoadWithTheirProbeAndSerialPort) {
    using rig::board::ProbeKind;
    const auto nrf52840 = rig::board::find_board("nrf52840dk", boards_dir);
    ASSERT_TRUE(nrf52840) << nrf52840.error().message;
    EXPECT_EQ(nrf52840->probe.kind, ProbeKind::openocd);
    EXPECT_EQ(nrf52840->probe.config, "board/nordic_nrf52_dk.cfg");
    EXPECT_EQ(nrf52840->probe.transport, "swd");
    EXPECT_EQ(nrf52840->flash.length, 0x10'0000u);
    EXPECT_EQ(nrf52840->ram.length, 0x4'0000u);
    EXPECT_EQ(nrf52840->uart.kind, rig::board::UartKind::serial);
    EXPECT_TRUE(nrf52840->uart.assert_dtr);
    EXPECT_EQ(nrf52840->counter, rig::board::CounterUnit::cycles);

    const auto nrf52832 = rig::board::find_board("nrf52dk", boards_dir);
    ASSERT_TRUE(nrf52832) << nrf52832.error().message;
    EXPECT_EQ(nrf52832->flash.length, 0x8'0000u);
    EXPECT_EQ(nrf52832->ram.length, 0x1'0000u);

    const auto sam4l = rig::board::find_board("sam4l_xplained", boards_dir);
    ASSERT_TRUE(sam4l) << sam4l.error().message;
    EXPECT_EQ(sam4l->probe.config, "board/atmel_sam4l8_xplained_pro.cfg");
    EXPECT_EQ(sam4l->probe.speed_khz, 50u);
    EXPECT_EQ(sam4l->cpu_hz, 48'000'000u);
    EXPECT_DOUBLE_EQ(sam4l->ns_per_count(), 1e9 / 48e6);
}

const char* const openocd_board = R"(
[board]
name = "NAME"
chip = "nRF52840"
firmware = "nrf52840dk"
[clock]
cpu_hz = 64_000_000
[memory]
flash = { origin = 0x0, length = 0x100000 }
ram = { origin = 0x20000000, length = 0x40000 }
[probe]
kind = "openocd"
adapter_serial = "000683123456"
[uart]
kind = "serial"
device = "/dev/ttyACM0"
baud = 115200
parity = "even"
flow_control = "hardware"
assert_dtr = true
[counter]
kind = "cycles"
)";

TEST(BoardFile, AnOpenocdBoardGetsItsConfigFromTheChipWhenItNamesNone) {
    const auto board = load_board(write_board("ocd", openocd_board));
    ASSERT_TRUE(board) << board.error().message;
    EXPECT_EQ(board->probe.config, "board/nordic_nrf52_dk.cfg");
    EXPECT_EQ(board->probe.transport, "swd");
    EXPECT_EQ(board->probe.speed_khz, 0u);
    EXPECT_EQ(board->probe.adapter_serial, "000683123456");
    EXPECT_EQ(board->uart.parity, rig::board::Parity::even);
    EXPECT_EQ(board->uart.flow_control, rig::board::FlowControl::hardware);
    EXPECT_TRUE(board->uart.assert_dtr);
}

TEST(BoardFile, AnOpenocdBoardForAnUnknownChipMustNameItsConfig) {
    const auto msg = error_of(write_board("ocdchip", replace(openocd_board, "\"nRF52840\"", "\"STM32F4\"")));
    EXPECT_NE(msg.find("key 'probe.config'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("STM32F4"), std::string::npos) << msg;
}

TEST(BoardFile, AnAdapterSerialWithSpacesOrQuotesIsRefused) {
    const auto msg = error_of(write_board("ocdsn", replace(openocd_board, "\"000683123456\"", R"("06 83\"x")")));
    EXPECT_NE(msg.find("key 'probe.adapter_serial'"), std::string::npos) << msg;
}

TEST(BoardFile, AnUnknownParityAndANonBooleanDtrAreRefused) {
    auto msg = error_of(write_board("parity", replace(openocd_board, "\"even\"", "\"mark\"")));
    EXPECT_NE(msg.find("key 'uart.parity': expected one of \"none\", \"even\", \"odd\", got \"mark\""),
              std::string::npos)
        << msg;
    msg = error_of(write_board("dtr", replace(openocd_board, "assert_dtr = true", "assert_dtr = 1")));
    EXPECT_NE(msg.find("key 'uart.assert_dtr': expected true or false, got an integer"), std::string::npos) << msg;
}

TEST(BoardFile, APyocdBoardNeedsItsTarget) {
    auto text = replace(openocd_board, "kind = \"openocd\"", "kind = \"pyocd\"\ntarget = \"nrf52840\"");
    const auto board = load_board(write_board("pyocd", text));
    ASSERT_TRUE(board) << board.error().message;
    EXPECT_EQ(board->probe.kind, rig::board::ProbeKind::pyocd);
    EXPECT_EQ(board->probe.target, "nrf52840");
    EXPECT_EQ(board->probe.adapter_serial, "000683123456");
    const auto msg = error_of(write_board("pyocdnt", replace(text, "target = \"nrf52840\"\n", "")));
    EXPECT_NE(msg.find("key 'probe.target'"), std::string::npos) << msg;
}

// Unknown keys used to be accepted silently: a typo such as `assert_rts` (for assert_dtr) left
// the serial port silent with no word said. Every table's keys are checked, per probe and UART kind.
TEST(BoardFile, AnUnknownKeyIsRefusedWithTheKeyAndTheKeysItsTableTakes) {
    const auto msg = error_of(write_board("rts", replace(openocd_board, "assert_dtr = true", "assert_rts = true")));
    EXPECT_NE(msg.find("rts.toml: unknown key 'uart.assert_rts': [uart] with kind = \"serial\" takes only kind, "
                       "device, baud, parity, flow_control, assert_dtr"),
              std::string::npos)
        << msg;
}

TEST(BoardFile, UnknownKeysAreRefusedInEveryTable) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"[board]\n", "[board]\ncolour = \"red\"\n"},
        {"[clock]\n", "[clock]\nhse_hz = 8\n"},
        {"length = 0x400000 }\nram", "length = 0x400000, sector = 4 }\nram"},
        {"[counter]\n", "[counter]\nwidth = 32\n"},
        {"[counter]\n", "[counters]\nkind = \"cycles\"\n[counter]\n"},
    };
    for (const auto& [from, to] : cases) {
        const auto msg = error_of(write_board("unknown", replace(good_board, from, to)));
        EXPECT_NE(msg.find("unknown.toml: unknown key '"), std::string::npos) << to << ": " << msg;
        EXPECT_NE(msg.find("takes only"), std::string::npos) << to << ": " << msg;
    }
    const auto top =
        error_of(write_board("top", replace(good_board, "[counter]\n", "[counters]\nkind = 1\n[counter]\n")));
    EXPECT_NE(top.find("unknown key 'counters': the top level takes only board, clock, memory, probe, uart, counter"),
              std::string::npos)
        << top;
    const auto region = error_of(
        write_board("region", replace(good_board, "length = 0x400000 }\nram", "length = 0x400000, sector = 4 }\nram")));
    EXPECT_NE(region.find("unknown key 'memory.flash.sector': [memory.flash] takes only origin, length"),
              std::string::npos)
        << region;
}

// A field the board's probe would not use is refused too: QEMU has no SWD clock, OpenOCD no pyOCD target.
TEST(BoardFile, AFieldTheProbeKindDoesNotUseIsRefused) {
    auto msg =
        error_of(write_board("qspeed", replace(good_board, "icount_shift = 7", "icount_shift = 7\nspeed_khz = 50")));
    EXPECT_NE(msg.find("unknown key 'probe.speed_khz': [probe] with kind = \"qemu-gdb\" takes only kind, machine, "
                       "icount_shift"),
              std::string::npos)
        << msg;
    msg = error_of(write_board(
        "ocdtarget", replace(openocd_board, "kind = \"openocd\"", "kind = \"openocd\"\ntarget = \"nrf52840\"")));
    EXPECT_NE(msg.find("unknown key 'probe.target'"), std::string::npos) << msg;
    msg = error_of(write_board("pyconfig", replace(openocd_board, "kind = \"openocd\"",
                                                   "kind = \"pyocd\"\ntarget = \"nrf52840\"\nconfig = \"x.cfg\"")));
    EXPECT_NE(msg.find("unknown key 'probe.config': [probe] with kind = \"pyocd\" takes only kind, target, speed_khz, "
                       "adapter_serial"),
              std::string::npos)
        << msg;
    msg = error_of(
        write_board("tcpdev", replace(good_board, "kind = \"tcp\"", "kind = \"tcp\"\ndevice = \"/dev/ttyACM0\"")));
    EXPECT_NE(msg.find("unknown key 'uart.device': [uart] with kind = \"tcp\" takes only kind, baud"),
              std::string::npos)
        << msg;
}

// pyOCD used to drop speed_khz: the SAM4L, which needs 50 kHz at reset, got pyOCD's default clock.
TEST(BoardFile, APyocdBoardKeepsItsSwdSpeed) {
    auto text = replace(openocd_board, "kind = \"openocd\"", "kind = \"pyocd\"\ntarget = \"nrf52840\"\nspeed_khz = 50");
    const auto board = load_board(write_board("pyspeed", text));
    ASSERT_TRUE(board) << board.error().message;
    EXPECT_EQ(board->probe.speed_khz, 50u);
}

// toml++ recurses once per dotted-key part: a 100 KB key "a.a.a…" overflowed its stack (SIGSEGV
// in `rig list`, `rig run` and rigd's start-up). Such files are refused before toml++ sees them.
TEST(BoardFile, AHundredKilobyteDottedKeyIsRefusedNotAStackOverflow) {
    std::string key = "a";
    while (key.size() < 100 * 1024) key += ".a";
    const auto msg = error_of(write_board("deepkey", key + " = 1\n"));
    EXPECT_NE(msg.find("deepkey.toml: "), std::string::npos) << msg.substr(0, 200);
    EXPECT_NE(msg.find("larger than 64 KiB"), std::string::npos) << msg.substr(0, 200);
}

TEST(BoardFile, ADottedKeyDeeperThanEightPartsIsRefusedWithinTheSizeLimit) {
    std::string key = "a";
    while (key.size() < 60 * 1024) key += ".a";
    const auto msg = error_of(write_board("deep60k", std::string(good_board) + key + " = 1\n"));
    EXPECT_NE(msg.find("deep60k.toml:20: a dotted key with more than 8 parts"), std::string::npos)
        << msg.substr(0, 200);
}

TEST(BoardFile, BracketsNestedDeeperThanEightAreRefused) {
    const auto msg = error_of(write_board(
        "brackets", std::string(good_board) + "x = " + std::string(5000, '[') + std::string(5000, ']') + "\n"));
    EXPECT_NE(msg.find("brackets.toml:20: brackets nested more than 8 deep"), std::string::npos) << msg.substr(0, 200);
}

TEST(BoardFile, DotsInStringsAndCommentsAreNotNesting) {
    const auto text = replace(good_board, "chip = \"test chip\"",
                              "chip = \"a.b.c.d.e.f.g.h.i.j\"\ndescription = '''1.2.3.4.5.6.7.8.9.10\n\"'''\n"
                              "# v1.2.3.4.5.6.7.8.9.10 [[[[[[[[[[");
    const auto board = load_board(write_board("dotty", text));
    ASSERT_TRUE(board) << board.error().message;
    EXPECT_EQ(board->chip, "a.b.c.d.e.f.g.h.i.j");
}

TEST(BoardFile, AFileOverTheSizeLimitIsRefusedWithoutReadingItAll) {
    const auto file = write_board("huge", std::string(good_board) + "#" + std::string(70 * 1024, 'x') + "\n");
    const auto msg = error_of(file);
    EXPECT_NE(msg.find("huge.toml: larger than 64 KiB"), std::string::npos) << msg;
}

TEST(BoardFile, OverlappingFlashAndRamAreRefusedWithBothRanges) {
    const auto msg = error_of(write_board("overlap", replace(good_board, "origin = 0x20000000, length = 0x400000",
                                                             "origin = 0x100000, length = 0x1000")));
    EXPECT_NE(msg.find("key 'memory.ram'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("RAM 0x00100000..0x00101000 overlaps flash 0x00000000..0x00400000"), std::string::npos) << msg;
}

// A board file that is a symlink loop threw from std::filesystem::exists (abort in `rig run`).
TEST(BoardFile, ASymlinkLoopIsAnErrorNotAnException) {
    const auto dir = fs::temp_directory_path() / "rig_board_loop_test";
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy_file(boards_dir / "qemu_mps2_an386.toml", dir / "qemu_mps2_an386.toml");
    fs::create_symlink("loop.toml", dir / "loop.toml");
    rig::Result<rig::board::Board> board = rig::make_error(rig::ErrorKind::io, "not run");
    ASSERT_NO_THROW(board = rig::board::find_board("loop", dir));
    ASSERT_FALSE(board);
    EXPECT_NE(board.error().message.find("Too many levels of symbolic links"), std::string::npos)
        << board.error().message;
    std::vector<rig::Result<rig::board::Board>> all;
    ASSERT_NO_THROW(all = rig::board::load_all_boards(dir));
    ASSERT_EQ(all.size(), 2u);
    EXPECT_FALSE(all[0]) << "loop.toml sorts first";
    EXPECT_TRUE(all[1]) << all[1].error().message;
    fs::remove_all(dir);
}

TEST(BoardFile, AMissingBoardsFolderIsOneErrorThatSaysSo) {
    const auto all = rig::board::load_all_boards("/nonexistent/boards");
    ASSERT_EQ(all.size(), 1u);
    ASSERT_FALSE(all[0]);
    EXPECT_EQ(all[0].error().message, "the boards folder /nonexistent/boards does not exist");
    const auto one = rig::board::find_board("qemu_mps2_an386", "/nonexistent/boards");
    ASSERT_FALSE(one);
    EXPECT_NE(one.error().message.find("does not exist"), std::string::npos) << one.error().message;
}

}  // namespace
