#include "host/probes/gdb_rsp/memory_map.hpp"

#include <charconv>
#include <optional>
#include <string>

namespace rig::probes::gdb_rsp {
namespace {

// The value of attribute `name` inside one start tag, or nullopt.
std::optional<std::string_view> attribute(std::string_view tag, std::string_view name) {
    for (std::size_t at = tag.find(name); at != std::string_view::npos; at = tag.find(name, at + 1)) {
        const bool word_start = at > 0 && (tag[at - 1] == ' ' || tag[at - 1] == '\t' || tag[at - 1] == '\n');
        std::size_t p = at + name.size();
        while (p < tag.size() && tag[p] == ' ') ++p;
        if (!word_start || p >= tag.size() || tag[p] != '=') continue;
        ++p;
        while (p < tag.size() && tag[p] == ' ') ++p;
        if (p >= tag.size() || (tag[p] != '"' && tag[p] != '\'')) return std::nullopt;
        const auto close = tag.find(tag[p], p + 1);
        if (close == std::string_view::npos) return std::nullopt;
        return tag.substr(p + 1, close - p - 1);
    }
    return std::nullopt;
}

// "0x1000" or "4096", as XML numbers in memory maps come.
std::optional<std::uint64_t> number(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\n' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\t')) text.remove_suffix(1);
    int base = 10;
    if (text.starts_with("0x") || text.starts_with("0X")) {
        text.remove_prefix(2);
        base = 16;
    }
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

Result<std::vector<MemoryMapRegion>> parse_memory_map(std::string_view xml) {
    if (xml.find("<memory-map") == std::string_view::npos)
        return make_error(ErrorKind::malformed, "memory map: no <memory-map> element");
    std::vector<MemoryMapRegion> regions;
    for (std::size_t at = xml.find("<memory "); at != std::string_view::npos; at = xml.find("<memory ", at + 1)) {
        const auto tag_end = xml.find('>', at);
        if (tag_end == std::string_view::npos)
            return make_error(ErrorKind::malformed, "memory map: unterminated <memory>");
        const std::string_view tag = xml.substr(at, tag_end - at);
        const auto type = attribute(tag, "type");
        const auto start = attribute(tag, "start");
        const auto length = attribute(tag, "length");
        if (!type || !start || !length)
            return make_error(ErrorKind::malformed,
                              "memory map: <memory> needs type, start and length: " + std::string(tag));
        MemoryMapRegion region;
        if (*type == "ram")
            region.type = MemoryMapRegion::Type::ram;
        else if (*type == "rom")
            region.type = MemoryMapRegion::Type::rom;
        else if (*type == "flash")
            region.type = MemoryMapRegion::Type::flash;
        else
            return make_error(ErrorKind::malformed, "memory map: unknown memory type '" + std::string(*type) + "'");
        const auto s = number(*start);
        const auto l = number(*length);
        if (!s || !l) return make_error(ErrorKind::malformed, "memory map: bad start or length in " + std::string(tag));
        region.start = *s;
        region.length = *l;
        if (region.type == MemoryMapRegion::Type::flash) {
            const bool self_closing = tag.ends_with("/");
            const auto close = self_closing ? tag_end : xml.find("</memory>", tag_end);
            const std::string_view body = xml.substr(tag_end, close == std::string_view::npos ? 0 : close - tag_end);
            const auto property = body.find("name=\"blocksize\"");
            const auto value_start = property == std::string_view::npos ? property : body.find('>', property);
            const auto value_end = value_start == std::string_view::npos ? value_start : body.find('<', value_start);
            const auto size = value_end == std::string_view::npos
                                  ? std::nullopt
                                  : number(body.substr(value_start + 1, value_end - value_start - 1));
            if (!size || *size == 0)
                return make_error(ErrorKind::malformed,
                                  "memory map: flash region at " + std::string(*start) + " has no blocksize property");
            region.block_size = *size;
        }
        regions.push_back(region);
    }
    if (regions.empty()) return make_error(ErrorKind::malformed, "memory map: no <memory> regions");
    return regions;
}

}  // namespace rig::probes::gdb_rsp
