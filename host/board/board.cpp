#include "host/board/board.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>

namespace rig::board {
namespace {

// Raised inside the parser and turned into one Error naming file and key at the boundary.
struct BadKey {
    std::string key;
    std::string expected;  // "a clock in Hz, got a string"; for an unknown key, the keys its table takes
    bool unknown = false;  // a key the board file format does not have (a typo, or a field no probe honours)
};

const char* type_name(const toml::node* node) {
    if (!node) return "nothing";
    switch (node->type()) {
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a number";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        default:
            return "a date or time";
    }
}

class Reader {
public:
    explicit Reader(const toml::table& root) : root_(root) {}

    std::string string(const std::string& key, bool required = true) {
        const toml::node* node = root_.at_path(key).node();
        if (!node && !required) return {};
        if (auto v = node ? node->value<std::string>() : std::nullopt; v && (!required || !v->empty())) return *v;
        fail(key, "a non-empty string", node);
    }

    std::int64_t integer(const std::string& key, std::int64_t min, std::int64_t max, const std::string& what) {
        const toml::node* node = root_.at_path(key).node();
        if (node && node->is_integer()) {
            const auto v = node->as_integer()->get();
            if (v >= min && v <= max) return v;
            throw BadKey{key, what + " between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
                                  std::to_string(v)};
        }
        fail(key, what, node);
    }

    template <typename Enum>
    Enum choice(const std::string& key, std::initializer_list<std::pair<const char*, Enum>> options) {
        const toml::node* node = root_.at_path(key).node();
        const auto v = node ? node->value<std::string>() : std::nullopt;
        std::string names;
        for (const auto& [name, value] : options) {
            if (v && *v == name) return value;
            names += names.empty() ? "" : ", ";
            names += '"' + std::string(name) + '"';
        }
        if (v) throw BadKey{key, "one of " + names + ", got \"" + *v + "\""};
        fail(key, "one of " + names, node);
    }

    bool has(const std::string& key) const { return root_.at_path(key).node() != nullptr; }

    bool boolean(const std::string& key, bool fallback) {
        const toml::node* node = root_.at_path(key).node();
        if (!node) return fallback;
        if (auto v = node->value<bool>(); v && node->is_boolean()) return *v;
        fail(key, "true or false", node);
    }

    // A string that becomes part of a probe program's command line: printable, no spaces or quotes.
    std::string word(const std::string& key, bool required) {
        std::string v = string(key, required);
        const bool plain = std::all_of(v.begin(), v.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) ||
                   std::string_view("_-.:/+").find(c) != std::string_view::npos;
        });
        if (!plain || (has(key) && v.empty())) throw BadKey{key, "letters, digits and _-.:/+ only, got \"" + v + "\""};
        return v;
    }

    MemoryRegion region(const std::string& key) {
        MemoryRegion r;
        r.origin = static_cast<std::uint32_t>(integer(key + ".origin", 0, 0xFFFF'FFFF, "an address"));
        r.length = static_cast<std::uint32_t>(integer(key + ".length", 1, 0x1'0000'0000 - r.origin, "a size in bytes"));
        return r;
    }

private:
    [[noreturn]] static void fail(const std::string& key, const std::string& expected, const toml::node* got) {
        throw BadKey{key, expected + (got ? std::string(", got ") + type_name(got) : ", but it is missing")};
    }
    const toml::table& root_;
};

std::string hex(std::uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%08llx", static_cast<unsigned long long>(value));
    return text;
}
std::string range(const MemoryRegion& r) { return hex(r.origin) + ".." + hex(r.end()); }

// The keys each table of a board file takes; [probe] and [uart] depend on their kind, so a field
// that the chosen probe or UART would not use is refused rather than silently ignored.
std::vector<std::string_view> keys_of(std::string_view table, const Board& b) {
    if (table.empty()) return {"board", "clock", "memory", "probe", "uart", "counter"};
    if (table == "board")
        return {"name", "description", "chip", "core", "firmware", "firmware_board", "firmware_target"};
    if (table == "clock") return {"cpu_hz"};
    if (table == "memory") return {"flash", "ram"};
    if (table == "memory.flash" || table == "memory.ram") return {"origin", "length"};
    if (table == "counter") return {"kind"};
    if (table == "probe") {
        switch (b.probe.kind) {
            case ProbeKind::qemu_gdb:
                return {"kind", "machine", "icount_shift"};
            case ProbeKind::openocd:
                return {"kind", "config", "transport", "speed_khz", "adapter_serial"};
            case ProbeKind::pyocd:
                return {"kind", "target", "speed_khz", "adapter_serial"};
        }
    }
    if (table == "uart") {
        if (b.uart.kind == UartKind::tcp) return {"kind", "baud"};
        return {"kind", "device", "baud", "parity", "flow_control", "assert_dtr"};
    }
    return {};
}

// "[probe] with kind = \"openocd\"" — how the error names the table whose keys it lists.
std::string table_title(std::string_view table, const Board& b) {
    if (table.empty()) return "the top level";
    std::string title = "[" + std::string(table) + "]";
    if (table == "probe") title += std::string(" with kind = \"") + to_string(b.probe.kind) + "\"";
    if (table == "uart") title += b.uart.kind == UartKind::tcp ? " with kind = \"tcp\"" : " with kind = \"serial\"";
    return title;
}

// Walks every table the file has and refuses the first key the format does not know, naming it
// and the keys allowed there: a typo (`assert_rts`) or a field this probe would ignore never
// passes silently.
void refuse_unknown_keys(const toml::table& table, const Board& b, const std::string& path = "") {
    const auto allowed = keys_of(path, b);
    for (const auto& [key, node] : table) {
        const std::string name(key.str());
        const std::string full = path.empty() ? name : std::string(path).append(".").append(name);
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            std::string list;
            for (const auto k : allowed) list.append(list.empty() ? "" : ", ").append(k);
            throw BadKey{full, table_title(path, b) + " takes only " + list, true};
        }
        if (const auto* sub = node.as_table()) refuse_unknown_keys(*sub, b, full);
    }
}

Board parse(const toml::table& root) {
    Reader r(root);
    Board b;
    b.name = r.string("board.name");
    b.description = r.string("board.description", false);
    b.chip = r.string("board.chip");
    b.core = r.string("board.core", false);
    b.firmware_package = r.string("board.firmware");
    if (r.has("board.firmware_board")) b.firmware_board = r.word("board.firmware_board", true);
    if (r.has("board.firmware_target")) {
        b.firmware_target = r.word("board.firmware_target", true);
        if (b.firmware_target.find('/') != std::string::npos || b.firmware_target.front() == '.')
            throw BadKey{"board.firmware_target",
                         "the name of a target file firmware/targets/<name>.json (or the default " +
                             std::string(default_firmware_target) + "), not a path, got \"" + b.firmware_target + "\""};
        if (b.firmware_target == default_firmware_target) b.firmware_target.clear();
    }
    b.cpu_hz = static_cast<std::uint64_t>(r.integer("clock.cpu_hz", 1'000, 1'000'000'000, "a clock in Hz"));
    b.flash = r.region("memory.flash");
    b.ram = r.region("memory.ram");
    if (b.flash.origin < b.ram.end() && b.ram.origin < b.flash.end())
        throw BadKey{"memory.ram",
                     "a range apart from memory.flash, but RAM " + range(b.ram) + " overlaps flash " + range(b.flash)};
    b.probe.kind = r.choice<ProbeKind>(
        "probe.kind",
        {{"qemu-gdb", ProbeKind::qemu_gdb}, {"openocd", ProbeKind::openocd}, {"pyocd", ProbeKind::pyocd}});
    b.counter = r.choice<CounterUnit>("counter.kind",
                                      {{"cycles", CounterUnit::cycles}, {"instructions", CounterUnit::instructions}});
    if (b.counter == CounterUnit::instructions && b.probe.kind != ProbeKind::qemu_gdb)
        throw BadKey{"counter.kind", "\"cycles\" (exact instruction counts exist only on QEMU with -icount)"};
    if (b.probe.kind == ProbeKind::qemu_gdb) {
        b.probe.machine = r.string("probe.machine");
        b.probe.icount_shift = static_cast<int>(r.integer("probe.icount_shift", 0, 10, "an icount shift"));
    } else if (b.probe.kind == ProbeKind::openocd) {
        b.probe.config = r.has("probe.config") ? r.word("probe.config", true) : default_openocd_config(b.chip);
        if (b.probe.config.empty())
            throw BadKey{"probe.config",
                         "an OpenOCD config such as \"board/nordic_nrf52_dk.cfg\" (no default for "
                         "chip \"" +
                             b.chip + "\"), but it is missing"};
        b.probe.transport = r.has("probe.transport")
                                ? (r.choice<int>("probe.transport", {{"swd", 0}, {"jtag", 1}}) == 0 ? "swd" : "jtag")
                                : "swd";
        b.probe.adapter_serial = r.word("probe.adapter_serial", false);
    } else {
        b.probe.target = r.word("probe.target", true);
        b.probe.adapter_serial = r.word("probe.adapter_serial", false);
    }
    if (b.probe.kind != ProbeKind::qemu_gdb && r.has("probe.speed_khz"))
        b.probe.speed_khz = static_cast<std::uint32_t>(r.integer("probe.speed_khz", 1, 100'000, "an SWD speed in kHz"));
    b.uart.kind = r.choice<UartKind>("uart.kind", {{"tcp", UartKind::tcp}, {"serial", UartKind::serial}});
    if (b.uart.kind == UartKind::serial) {
        b.uart.device = r.string("uart.device");
        if (r.has("uart.parity"))
            b.uart.parity =
                r.choice<Parity>("uart.parity", {{"none", Parity::none}, {"even", Parity::even}, {"odd", Parity::odd}});
        if (r.has("uart.flow_control"))
            b.uart.flow_control = r.choice<FlowControl>(
                "uart.flow_control", {{"none", FlowControl::none}, {"hardware", FlowControl::hardware}});
        b.uart.assert_dtr = r.boolean("uart.assert_dtr", false);
    }
    b.uart.baud = static_cast<std::uint32_t>(r.integer("uart.baud", 300, 12'000'000, "a baud rate"));
    refuse_unknown_keys(root, b);
    return b;
}

// What toml++ must never see. toml++ 3.3 (Debian 12) reaches __builtin_unreachable on some
// non-ASCII characters (marzer/tomlplusplus#295, found by tests/fuzz/fuzz_board): board files are
// ASCII. And it recurses once per dotted-key part, so a 100 KB key "a.a.a…" overflows the stack:
// dotted keys and brackets nest at most max_board_nesting deep (real board files need 2). Strings
// and comments are skipped, so dots in a description do not count. Returns "LINE:COLUMN: why" or
// "LINE: why", or "" when the text may be parsed.
std::string check_shape(std::string_view text) {
    std::size_t line = 1, column = 1;
    for (const char c : text) {
        if (static_cast<unsigned char>(c) >= 0x80)
            return std::to_string(line) + ":" + std::to_string(column) + ": board files must be ASCII";
        column = c == '\n' ? 1 : column + 1;
        line += c == '\n';
    }

    // The index just after the quoted string or comment that starts at `i`.
    const auto skip = [&](std::size_t i) -> std::size_t {
        for (const std::string_view quote : {R"(""")", "'''"}) {
            if (text.substr(i, 3) != quote) continue;
            std::size_t end = i + 3;
            while (end < text.size() && text.substr(end, 3) != quote)
                end += quote[0] == '"' && text[end] == '\\' ? 2 : 1;
            return std::min(end + 3, text.size());
        }
        const char open = text[i];
        std::size_t end = i + 1;
        while (end < text.size() && text[end] != '\n' && (open == '#' || text[end] != open))
            end += open == '"' && text[end] == '\\' ? 2 : 1;
        return std::min(end + (open == '#' ? 0 : 1), text.size());
    };

    std::size_t dots = 0, brackets = 0;
    line = 1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"' || c == '\'' || c == '#') {
            const std::size_t end = skip(i);
            line += static_cast<std::size_t>(std::count(text.begin() + i, text.begin() + end, '\n'));
            i = end - 1;
            continue;
        }
        if (c == '.' && ++dots >= max_board_nesting)  // counted per key; a decimal point is one too
            return std::to_string(line) + ": a dotted key with more than " + std::to_string(max_board_nesting) +
                   " parts";
        if ((c == '[' || c == '{') && ++brackets > max_board_nesting)
            return std::to_string(line) + ": brackets nested more than " + std::to_string(max_board_nesting) + " deep";
        if ((c == ']' || c == '}') && brackets > 0) --brackets;
        if (std::string_view("\n=,[]{}").find(c) != std::string_view::npos) dots = 0;
        line += c == '\n';
    }
    return {};
}

}  // namespace

const char* to_string(CounterUnit unit) { return unit == CounterUnit::cycles ? "cycles" : "instructions"; }

const char* to_string(ProbeKind kind) {
    switch (kind) {
        case ProbeKind::qemu_gdb:
            return "qemu-gdb";
        case ProbeKind::openocd:
            return "openocd";
        case ProbeKind::pyocd:
            return "pyocd";
    }
    return "?";
}

std::string default_openocd_config(const std::string& chip) {
    std::string lower;
    for (char c : chip) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.find("nrf52") != std::string::npos) return "board/nordic_nrf52_dk.cfg";
    if (lower.find("sam4l") != std::string::npos) return "board/atmel_sam4l8_xplained_pro.cfg";
    return {};
}

std::string frame_pointer_twin(const std::string& board) {
    constexpr std::string_view suffix = "_nofp";
    if (board.size() >= suffix.size() && board.compare(board.size() - suffix.size(), suffix.size(), suffix) == 0)
        return {};
    return board + std::string(suffix);
}

std::string Board::image_name() const {
    return firmware_target.empty() ? firmware_package : firmware_package + "." + firmware_target;
}

double Board::ns_per_count() const {
    if (counter == CounterUnit::instructions) return std::ldexp(1.0, probe.icount_shift);
    return 1e9 / static_cast<double>(cpu_hz);
}

Result<Board> parse_board(std::string_view toml_text, const std::filesystem::path& file) {
    if (toml_text.size() > max_board_file_bytes)
        return make_error(ErrorKind::malformed, file.string() + ": " + std::to_string(toml_text.size()) +
                                                    " bytes; board files are at most " +
                                                    std::to_string(max_board_file_bytes / 1024) + " KiB");
    if (auto shape = check_shape(toml_text); !shape.empty())
        return make_error(ErrorKind::malformed, file.string() + ":" + shape);
    toml::table root;
    try {
        root = toml::parse(toml_text, file.string());
    } catch (const toml::parse_error& e) {
        std::ostringstream msg;
        msg << file.string() << ":" << e.source().begin.line << ":" << e.source().begin.column
            << ": not valid TOML: " << e.description();
        return make_error(ErrorKind::malformed, msg.str());
    }
    try {
        Board b = parse(root);
        b.file = file;
        if (b.name != file.stem().string())
            throw BadKey{"board.name", "\"" + file.stem().string() + "\" (the file's name), got \"" + b.name + "\""};
        return b;
    } catch (const BadKey& bad) {
        if (bad.unknown)
            return make_error(ErrorKind::malformed, file.string() + ": unknown key '" + bad.key + "': " + bad.expected);
        return make_error(ErrorKind::malformed, file.string() + ": key '" + bad.key + "': expected " + bad.expected);
    }
}

Result<Board> load_board(const std::filesystem::path& file) {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec))
        return make_error(ErrorKind::malformed, file.string() + ": a folder, not a board file");
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return make_error(ErrorKind::not_found, file.string() + ": cannot open board file: " + std::strerror(errno));
    // One byte more than a board file may have is enough to refuse it (and /dev/zero ends).
    std::string text(max_board_file_bytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) return make_error(ErrorKind::io, file.string() + ": cannot read board file");
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_board_file_bytes)
        return make_error(ErrorKind::malformed, file.string() + ": larger than " +
                                                    std::to_string(max_board_file_bytes / 1024) +
                                                    " KiB; board files are a few hundred bytes");
    return parse_board(text, file);
}

namespace {

// "the boards folder X does not exist" (or is a file, or cannot be read).
std::string folder_problem(const std::filesystem::path& dir) {
    std::error_code ec;
    const auto status = std::filesystem::status(dir, ec);
    const std::string folder = "the boards folder " + dir.string();
    if (status.type() == std::filesystem::file_type::not_found) return folder + " does not exist";
    if (!ec && status.type() != std::filesystem::file_type::directory) return folder + " is not a folder";
    return folder + " cannot be read: " + ec.message();
}

}  // namespace

namespace {

// Board names become file names: refuse anything that could walk out of boards/.
bool plain_board_name(const std::string& name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
}

Error bad_board_name(const std::string& name) {
    return make_error(ErrorKind::invalid_argument,
                      "board name '" + name + "' may only use letters, digits, '_' and '-'");
}

// A folder on the search path that may be skipped: the default local one when it is absent.
bool skippable(const BoardFolder& folder) {
    std::error_code ec;
    return !folder.must_exist &&
           std::filesystem::status(folder.path, ec).type() == std::filesystem::file_type::not_found;
}

std::string folder_problem_of(const BoardFolder& folder) {
    return folder_problem(folder.path) + (folder.origin.empty() ? "" : " (" + folder.origin + ")");
}

}  // namespace

Result<Board> find_board(const std::string& name, const std::filesystem::path& boards_dir) {
    if (!plain_board_name(name)) return bad_board_name(name);
    const auto file = boards_dir / (name + ".toml");
    std::error_code ec;
    if (!std::filesystem::is_directory(boards_dir, ec))
        return make_error(ErrorKind::not_found, "no board '" + name + "': " + folder_problem(boards_dir));
    // A symlink loop or an unreadable entry is an error here, not an exception.
    const bool exists = std::filesystem::exists(std::filesystem::symlink_status(file, ec));
    if (!exists) {
        std::string known;
        for (const auto& b : load_all_boards(boards_dir))
            if (b) known += (known.empty() ? "" : ", ") + b->name;
        return make_error(ErrorKind::not_found, "no board '" + name + "' in " + boards_dir.string() +
                                                    " (known: " + (known.empty() ? "none" : known) + ")");
    }
    return load_board(file);
}

std::vector<Result<Board>> load_all_boards(const std::filesystem::path& boards_dir) {
    std::vector<std::filesystem::path> files;
    std::vector<Result<Board>> boards;
    std::error_code ec;
    if (!std::filesystem::is_directory(boards_dir, ec)) {
        boards.emplace_back(make_error(ErrorKind::not_found, folder_problem(boards_dir)));
        return boards;
    }
    // increment(ec), not ++: an entry that vanishes or cannot be read must not throw.
    for (std::filesystem::directory_iterator it(boards_dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".toml") files.push_back(it->path());
    if (ec) {
        boards.emplace_back(
            make_error(ErrorKind::io, "cannot list the boards folder " + boards_dir.string() + ": " + ec.message()));
        return boards;
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) boards.push_back(load_board(f));
    return boards;
}

std::string SearchPath::describe() const {
    std::string text;
    for (const auto& folder : folders) text += (text.empty() ? "" : ":") + folder.path.string();
    return text;
}

SearchPath search_path_from(const char* rig_boards_path, const char* xdg_config_home, const char* home,
                            const std::filesystem::path& repo_boards) {
    SearchPath path;
    if (rig_boards_path && *rig_boards_path) {
        std::string_view rest = rig_boards_path;
        while (!rest.empty()) {
            const auto colon = rest.find(':');
            const auto entry = rest.substr(0, colon);
            if (!entry.empty()) path.folders.push_back({std::filesystem::path(entry), true, "RIG_BOARDS_PATH"});
            rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
        }
    } else if ((xdg_config_home && *xdg_config_home) || (home && *home)) {
        const std::filesystem::path config = xdg_config_home && *xdg_config_home
                                                 ? std::filesystem::path(xdg_config_home)
                                                 : std::filesystem::path(home) / ".config";
        path.folders.push_back({config / "kernel-rig" / "boards", false, "local"});
    }
    path.folders.push_back({repo_boards, true, "repository"});
    return path;
}

SearchPath default_search_path(const std::filesystem::path& repo_boards) {
    return search_path_from(std::getenv("RIG_BOARDS_PATH"), std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME"),
                            repo_boards);
}

SearchPath exact_folder(const std::filesystem::path& boards_dir) { return SearchPath{{{boards_dir, true, ""}}}; }

std::vector<std::filesystem::path> board_files_named(const std::string& name, const SearchPath& path) {
    std::vector<std::filesystem::path> files;
    if (!plain_board_name(name)) return files;
    for (const auto& folder : path.folders) {
        std::error_code ec;
        const auto file = folder.path / (name + ".toml");
        if (std::filesystem::exists(std::filesystem::symlink_status(file, ec))) files.push_back(file);
    }
    return files;
}

Result<Board> find_board(const std::string& name, const SearchPath& path) {
    if (path.folders.size() == 1) return find_board(name, path.folders.front().path);
    if (!plain_board_name(name)) return bad_board_name(name);
    for (const auto& folder : path.folders) {
        if (skippable(folder)) continue;
        std::error_code ec;
        if (!std::filesystem::is_directory(folder.path, ec))
            return make_error(ErrorKind::not_found, "no board '" + name + "': " + folder_problem_of(folder));
        const auto file = folder.path / (name + ".toml");
        if (std::filesystem::exists(std::filesystem::symlink_status(file, ec))) return load_board(file);
    }
    std::string known;
    for (const auto& b : load_all_boards(path))
        if (b) known += (known.empty() ? "" : ", ") + b->name;
    return make_error(ErrorKind::not_found, "no board '" + name + "' in " + path.describe() +
                                                " (known: " + (known.empty() ? "none" : known) + ")");
}

std::vector<Result<Board>> load_all_boards(const SearchPath& path) {
    if (path.folders.size() == 1) return load_all_boards(path.folders.front().path);
    std::vector<Result<Board>> boards;
    std::map<std::string, std::filesystem::path> first;  // board name (file stem) -> the file that wins
    for (const auto& folder : path.folders) {
        if (skippable(folder)) continue;
        std::error_code ec;
        if (!std::filesystem::is_directory(folder.path, ec)) {
            boards.emplace_back(make_error(ErrorKind::not_found, folder_problem_of(folder)));
            continue;
        }
        for (std::filesystem::directory_iterator it(folder.path, ec), end; !ec && it != end; it.increment(ec))
            if (it->path().extension() == ".toml") first.emplace(it->path().stem().string(), it->path());
        if (ec)
            boards.emplace_back(make_error(
                ErrorKind::io, "cannot list the boards folder " + folder.path.string() + ": " + ec.message()));
    }
    for (const auto& [name, file] : first) boards.push_back(load_board(file));
    return boards;
}

}  // namespace rig::board
