#pragma once
// A board as its file in boards/ describes it: passive data (labgrid's "resource") that the
// probe, the UART transport and the results writer read. Nothing here talks to hardware.

#include "host/util/result.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace rig::board {

// What the firmware's samples count. Never mixed: a result file holds one unit.
enum class CounterUnit { cycles, instructions };
const char* to_string(CounterUnit unit);

enum class ProbeKind { qemu_gdb, openocd, pyocd };
const char* to_string(ProbeKind kind);

enum class UartKind { tcp, serial };
enum class Parity { none, even, odd };
enum class FlowControl { none, hardware };

struct MemoryRegion {
    std::uint32_t origin = 0;
    std::uint32_t length = 0;

    std::uint64_t end() const { return std::uint64_t{origin} + length; }
    bool contains(std::uint64_t address, std::uint64_t size = 0) const {
        return address >= origin && address + size <= end();
    }
};

struct Probe {
    ProbeKind kind = ProbeKind::qemu_gdb;
    std::string machine;          // qemu-gdb: the -M machine
    int icount_shift = 7;         // qemu-gdb: one instruction = 2^shift ns of virtual time
    std::string config;           // openocd: board or target cfg for -f (default chosen by chip)
    std::string transport;        // openocd: "swd" or "jtag", checked against the running OpenOCD
    std::uint32_t speed_khz = 0;  // openocd, pyocd: SWD clock in kHz; 0 = what the config (or pyOCD) sets
    std::string target;           // pyocd: target type (nrf52840, nrf52832)
    std::string adapter_serial;   // openocd, pyocd: the probe's USB serial number; empty = the only one
};

struct Uart {
    UartKind kind = UartKind::tcp;
    std::string device;  // serial: /dev/ttyACM0 …
    std::uint32_t baud = 115200;
    Parity parity = Parity::none;                  // serial: 8 data bits, 1 stop bit always
    FlowControl flow_control = FlowControl::none;  // serial: RTS/CTS when hardware
    bool assert_dtr = false;  // serial: raise DTR after opening (nRF52 DK's J-Link stays silent otherwise)
};

struct Board {
    std::filesystem::path file;
    std::string name;
    std::string description;
    std::string chip;
    std::string core;              // the CPU core, "Cortex-M4" (optional: result files say "unknown")
    std::string firmware_package;  // cargo package that builds this board's image
    std::string firmware_board;    // the board name the image reports in HELLO; empty = `name`
    // cargo's --target for the image: empty = the built-in default_firmware_target, else a target
    // specification firmware/targets/<name>.json (the same source built another way: e.g. without
    // frame pointers, boards/qemu_mps2_an386_nofp.toml).
    std::string firmware_target;
    std::uint64_t cpu_hz = 0;
    MemoryRegion flash;
    MemoryRegion ram;
    Probe probe;
    Uart uart;
    CounterUnit counter = CounterUnit::cycles;

    // Nanoseconds one count stands for: 1e9 / cpu_hz for cycles, 2^shift for QEMU instructions
    // (the virtual time icount advances per instruction).
    double ns_per_count() const;

    // The name HELLO must carry: `firmware_board` when the file sets it (a second virtual board
    // running the same image), else the board's own name.
    const std::string& hello_name() const { return firmware_board.empty() ? name : firmware_board; }

    // The image's file name in an image folder (the build's, the installed one, a nightly
    // worktree's): the package for the default target, "<package>.<target>" for another.
    std::string image_name() const;
};

// The target every image is built for unless its board file names another (firmware/CMakeLists.txt,
// RIG_FIRMWARE_TARGET).
inline constexpr std::string_view default_firmware_target = "thumbv7em-none-eabi";

// The board that runs `board`'s firmware built without frame pointers, by the naming rule the
// board files follow (boards/qemu_mps2_an386_nofp.toml): `board` + "_nofp". Empty when `board` is
// itself such a twin. `rig paper` and `rig report` look its runs up under this name.
std::string frame_pointer_twin(const std::string& board);

// The OpenOCD config for a chip when the board file names none: the nRF52 DK file (J-Link, SWD,
// target/nrf52.cfg, which covers nRF52832 and nRF52840) or the SAM4L8 Xplained Pro file.
std::string default_openocd_config(const std::string& chip);

// Limits checked before the TOML parser sees a file (it recurses per nesting level): board files
// are a few hundred bytes and nest two levels deep.
inline constexpr std::size_t max_board_file_bytes = 64 * 1024;
inline constexpr std::size_t max_board_nesting = 8;

// Reads and checks one board file. Errors name the file, the key and what was expected; a key
// the format does not have, or one the board's probe or UART kind would not use, is refused
// with the keys its table takes.
Result<Board> load_board(const std::filesystem::path& file);

// The same checks on board-file text already in memory; `file` names it in errors, becomes
// Board::file, and its stem must equal board.name. load_board reads the file and calls this.
Result<Board> parse_board(std::string_view toml_text, const std::filesystem::path& file);

// Finds boards/<name>.toml under `boards_dir`.
Result<Board> find_board(const std::string& name, const std::filesystem::path& boards_dir);

// Every *.toml in `boards_dir`, sorted by name; bad files come back as errors, not skipped, and a
// folder that does not exist or cannot be listed is one error.
std::vector<Result<Board>> load_all_boards(const std::filesystem::path& boards_dir);

// Where board files are looked for, first folder first. A bench keeps its own files (serial
// numbers, /dev/serial/by-id paths, adapter serials) in a folder of its own ahead of the
// repository's boards/: a file of the same name there wins, so `git pull` never meets the
// bench's wiring.
struct BoardFolder {
    std::filesystem::path path;
    bool must_exist = true;  // false for the default local folder, which a bench need not have
    std::string origin;      // "RIG_BOARDS_PATH", "local", "repository", "--boards-dir": for messages
};
struct SearchPath {
    std::vector<BoardFolder> folders;
    std::string describe() const;  // "a:b:c"
};

// `$RIG_BOARDS_PATH` (colon-separated; every folder named must exist) when set and not empty,
// else `${XDG_CONFIG_HOME:-$HOME/.config}/kernel-rig/boards` when it exists; then `repo_boards`.
SearchPath default_search_path(const std::filesystem::path& repo_boards);
// The same from given variable values (nullptr = unset), for tests.
SearchPath search_path_from(const char* rig_boards_path, const char* xdg_config_home, const char* home,
                            const std::filesystem::path& repo_boards);
// Exactly one folder (an explicit --boards-dir): nothing else is searched.
SearchPath exact_folder(const std::filesystem::path& boards_dir);

// The first <name>.toml on the path. A bad file there is an error: it never falls back to a later
// folder's file of the same name, which would run the bench with the repository's wiring.
Result<Board> find_board(const std::string& name, const SearchPath& path);
// One entry per board name, from the first folder that has it, sorted by name.
std::vector<Result<Board>> load_all_boards(const SearchPath& path);
// Every <name>.toml on the path in search order; the first is the one used, the others it hides.
std::vector<std::filesystem::path> board_files_named(const std::string& name, const SearchPath& path);

}  // namespace rig::board
