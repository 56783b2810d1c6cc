#include "host/elf/elf_image.hpp"

#include "host/util/hex.hpp"
#include "host/util/little_endian.hpp"
#include "host/util/regular_file.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>

namespace rig::elf {
namespace {

// ELF32 constants (System V ABI, ARM supplement).
constexpr std::uint8_t elf_class_32 = 1;
constexpr std::uint8_t elf_data_lsb = 1;  // ELFDATA2LSB
constexpr std::uint16_t machine_arm = 40;
constexpr std::uint32_t segment_load = 1;
constexpr std::uint32_t section_symtab = 2;
constexpr std::size_t header_size = 52;
constexpr std::size_t program_header_size = 32;
constexpr std::size_t section_header_size = 40;
constexpr std::size_t symbol_size = 16;

// A bounds-checked little-endian view of the file.
class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
    bool has(std::uint64_t offset, std::uint64_t size) const {
        return offset <= bytes_.size() && size <= bytes_.size() - offset;
    }
    std::uint32_t u32(std::size_t at) const { return util::load_le32(&bytes_[at]); }
    std::uint16_t u16(std::size_t at) const { return static_cast<std::uint16_t>(bytes_[at] | bytes_[at + 1] << 8); }
    std::span<const std::uint8_t> slice(std::size_t at, std::size_t size) const { return bytes_.subspan(at, size); }

private:
    std::span<const std::uint8_t> bytes_;
};

Error bad(const std::string& what) { return make_error(ErrorKind::malformed, "not a usable ARM ELF: " + what); }

Result<std::vector<Symbol>> read_symbols(const Reader& r, std::uint32_t shoff, std::uint16_t shnum) {
    std::vector<Symbol> symbols;
    if (shoff == 0 || shnum == 0) return symbols;  // stripped image: no symbols, still flashable
    if (!r.has(shoff, std::uint64_t{shnum} * section_header_size))
        return bad("section headers run past the end of the file");
    for (std::uint16_t i = 0; i < shnum; ++i) {
        const std::size_t sh = shoff + std::size_t{i} * section_header_size;
        if (r.u32(sh + 4) != section_symtab) continue;
        const std::uint32_t offset = r.u32(sh + 16), size = r.u32(sh + 20), link = r.u32(sh + 24);
        if (link >= shnum) return bad("symbol table links to a missing string table");
        const std::size_t strsh = shoff + std::size_t{link} * section_header_size;
        const std::uint32_t stroff = r.u32(strsh + 16), strsize = r.u32(strsh + 20);
        if (!r.has(offset, size) || !r.has(stroff, strsize)) return bad("symbol table runs past the end of the file");
        const auto strings = r.slice(stroff, strsize);
        for (std::size_t s = offset; s + symbol_size <= std::size_t{offset} + size; s += symbol_size) {
            const std::uint32_t name = r.u32(s);
            if (name == 0 || name >= strings.size()) continue;
            const auto* begin = reinterpret_cast<const char*>(strings.data()) + name;
            const std::size_t len = ::strnlen(begin, strings.size() - name);
            symbols.push_back({std::string(begin, len), r.u32(s + 4), r.u32(s + 8)});
        }
    }
    return symbols;
}

}  // namespace

std::size_t Image::flash_bytes() const {
    std::size_t n = 0;
    for (const auto& s : segments) n += s.data.size();
    return n;
}

std::optional<Symbol> Image::find_symbol(const std::string& name) const {
    for (const auto& s : symbols)
        if (s.name == name) return s;
    return std::nullopt;
}

std::optional<std::pair<std::uint32_t, std::uint32_t>> Image::vector_table_at(std::uint32_t address) const {
    for (const auto& s : segments) {
        if (s.load_address == address && s.data.size() >= 8) {
            Reader r(s.data);
            return std::pair{r.u32(0), r.u32(4)};
        }
    }
    return std::nullopt;
}

Result<Image> parse_image(std::span<const std::uint8_t> bytes) {
    const Reader r(bytes);
    if (!r.has(0, header_size))
        return bad("file is " + std::to_string(bytes.size()) + " bytes, shorter than an ELF header");
    if (std::memcmp(bytes.data(),
                    "\x7f"
                    "ELF",
                    4) != 0)
        return bad("no ELF magic");
    if (bytes[4] != elf_class_32 || bytes[5] != elf_data_lsb) return bad("not a 32-bit little-endian ELF");
    if (r.u16(18) != machine_arm) return bad("built for machine " + std::to_string(r.u16(18)) + ", not ARM (40)");

    Image image;
    image.entry = r.u32(24);
    const std::uint32_t phoff = r.u32(28), shoff = r.u32(32);
    const std::uint16_t phentsize = r.u16(42), phnum = r.u16(44), shentsize = r.u16(46), shnum = r.u16(48);
    if (phnum == 0) return bad("no program headers");
    if (phentsize != program_header_size) return bad("unexpected program header size " + std::to_string(phentsize));
    if (!r.has(phoff, std::uint64_t{phnum} * program_header_size))
        return bad("program headers run past the end of the file (truncated?)");

    for (std::uint16_t i = 0; i < phnum; ++i) {
        const std::size_t ph = phoff + std::size_t{i} * program_header_size;
        if (r.u32(ph) != segment_load) continue;
        const std::uint32_t offset = r.u32(ph + 4), paddr = r.u32(ph + 12), filesz = r.u32(ph + 16);
        if (filesz == 0) continue;
        if (!r.has(offset, filesz))
            return bad("segment " + std::to_string(i) + " (" + std::to_string(filesz) + " bytes at file offset " +
                       std::to_string(offset) + ") runs past the end of the file (truncated?)");
        if (std::uint64_t{paddr} + filesz > 0x1'0000'0000)
            return bad("segment " + std::to_string(i) + " wraps past 4 GiB");
        const auto data = r.slice(offset, filesz);
        image.segments.push_back({paddr, {data.begin(), data.end()}});
    }
    if (image.segments.empty()) return bad("no loadable segment with contents");
    std::sort(image.segments.begin(), image.segments.end(),
              [](const Segment& a, const Segment& b) { return a.load_address < b.load_address; });
    for (std::size_t i = 1; i < image.segments.size(); ++i) {
        const auto& prev = image.segments[i - 1];
        if (std::uint64_t{prev.load_address} + prev.data.size() > image.segments[i].load_address)
            return bad("loadable segments overlap at " + util::hex_address(image.segments[i].load_address));
    }
    if (shnum != 0 && shentsize != section_header_size)
        return bad("unexpected section header size " + std::to_string(shentsize));
    auto symbols = read_symbols(r, shoff, shnum);
    if (!symbols) return symbols.error();
    image.symbols = std::move(symbols.value());
    return image;
}

Result<std::vector<std::uint8_t>> read_image_file(const std::filesystem::path& file) {
    auto bytes = util::read_regular_file(file, max_image_bytes);
    if (!bytes) return bytes.error().context("firmware image");
    return bytes;
}

Result<Image> load_image(const std::filesystem::path& file) {
    auto bytes = read_image_file(file);
    if (!bytes) return bytes.error();
    auto image = parse_image(*bytes);
    if (!image) return image.error().context(file.string());
    return image;
}

Result<void> check_fits_board(const Image& image, const board::Board& board) {
    const auto refuse = [&](const std::string& why) {
        return make_error(ErrorKind::malformed, "image does not fit board " + board.name + ": " + why);
    };
    for (const auto& s : image.segments) {
        if (!board.flash.contains(s.load_address, s.data.size()))
            return refuse("segment at " + util::hex_address(s.load_address) + " (" + std::to_string(s.data.size()) +
                          " bytes) lies outside flash " + util::hex_address(board.flash.origin) + ".." +
                          util::hex_address(board.flash.end()));
    }
    const auto vectors = image.vector_table_at(board.flash.origin);
    if (!vectors)
        return refuse("no vector table at the start of flash (" + util::hex_address(board.flash.origin) + ")");
    const auto [stack_top, reset] = *vectors;
    if (!(stack_top > board.ram.origin && stack_top <= board.ram.end()))
        return refuse("initial stack pointer " + util::hex_address(stack_top) + " is not inside RAM " +
                      util::hex_address(board.ram.origin) + ".." + util::hex_address(board.ram.end()));
    if ((reset & 1) == 0) return refuse("reset vector " + util::hex_address(reset) + " is not a Thumb address");
    if (!board.flash.contains(reset & ~1u, 2))
        return refuse("reset vector " + util::hex_address(reset) + " is not inside flash");
    return {};
}

}  // namespace rig::elf
