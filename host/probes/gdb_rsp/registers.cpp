#include "host/probes/gdb_rsp/registers.hpp"

#include <algorithm>
#include <charconv>

namespace rig::probes::gdb_rsp {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Every element `<tag`, whitespace, anything but `>`, then `>`, in document order. Scanned by hand:
// std::regex recursed once per character and overflowed the stack on a 40 KB element (found while
// fuzzing; fixtures/fuzz_regressions/target_xml/), and took 9 ms for QEMU's 17 registers.
std::vector<std::string_view> elements(std::string_view document, std::string_view tag) {
    std::vector<std::string_view> found;
    for (std::size_t at = document.find(tag); at != std::string_view::npos; at = document.find(tag, at)) {
        const std::size_t after = at + tag.size();
        const std::size_t end = document.find('>', after);
        if (end == std::string_view::npos) break;
        if (after < end && is_space(document[after])) {
            found.push_back(document.substr(at, end + 1 - at));
            at = end + 1;
        } else {
            at = after;
        }
    }
    return found;
}

// The value of `name="value"` in an element (whitespace before the name and around `=`).
std::optional<std::string> attribute(std::string_view element, std::string_view name) {
    for (std::size_t i = 0; i + 1 + name.size() <= element.size(); ++i) {
        if (!is_space(element[i]) || element.substr(i + 1, name.size()) != name) continue;
        std::size_t j = i + 1 + name.size();
        while (j < element.size() && is_space(element[j])) ++j;
        if (j >= element.size() || element[j] != '=') continue;
        ++j;
        while (j < element.size() && is_space(element[j])) ++j;
        if (j >= element.size() || element[j] != '"') continue;
        const std::size_t close = element.find('"', j + 1);
        if (close == std::string_view::npos) continue;
        return std::string(element.substr(j + 1, close - j - 1));
    }
    return std::nullopt;
}

// A decimal attribute value; nullopt when it is not one (a server's description is outside input).
std::optional<unsigned> number(const std::string& text) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

RegisterLayout::RegisterLayout(std::vector<RegisterInfo> registers) : registers_(std::move(registers)) {
    std::stable_sort(registers_.begin(), registers_.end(),
                     [](const RegisterInfo& a, const RegisterInfo& b) { return a.number < b.number; });
}

RegisterLayout RegisterLayout::from_target_xml(const std::vector<std::string>& documents) {
    // A deliberately small reader: target descriptions are machine-written, one element per tag,
    // so matching <reg .../> elements is enough and avoids an XML dependency.
    std::vector<RegisterInfo> registers;
    unsigned next_number = 0;
    for (const std::string& document : documents) {
        for (const std::string_view element : elements(document, "<reg")) {
            RegisterInfo info;
            info.name = attribute(element, "name").value_or("");
            const auto bits = number(attribute(element, "bitsize").value_or("32"));
            if (!bits) return {};
            info.bits = *bits;
            if (auto regnum = attribute(element, "regnum")) {
                const auto parsed = number(*regnum);
                if (!parsed) return {};
                next_number = *parsed;
            }
            info.number = next_number++;
            registers.push_back(std::move(info));
        }
    }
    return RegisterLayout(std::move(registers));
}

RegisterLayout RegisterLayout::arm_legacy() {
    std::vector<RegisterInfo> registers;
    unsigned number = 0;
    for (int i = 0; i <= 12; ++i) registers.push_back({"r" + std::to_string(i), 32, number++});
    for (const char* name : {"sp", "lr", "pc"}) registers.push_back({name, 32, number++});
    for (int i = 0; i < 8; ++i) registers.push_back({"f" + std::to_string(i), 96, number++});
    registers.push_back({"fps", 32, number++});
    registers.push_back({"xpsr", 32, number++});
    return RegisterLayout(std::move(registers));
}

const RegisterInfo* RegisterLayout::find(std::string_view name) const {
    for (const RegisterInfo& info : registers_) {
        if (info.name == name) return &info;
    }
    return nullptr;
}

std::optional<std::size_t> RegisterLayout::offset_of(std::string_view name) const {
    std::size_t offset = 0;
    for (const RegisterInfo& info : registers_) {
        if (info.name == name) return offset;
        offset += info.bits / 8;
    }
    return std::nullopt;
}

std::vector<std::string> xml_includes(std::string_view document) {
    std::vector<std::string> hrefs;
    for (const std::string_view element : elements(document, "<xi:include")) {
        if (auto href = attribute(element, "href")) hrefs.push_back(*href);
    }
    return hrefs;
}

RegisterFile::RegisterFile(RegisterLayout layout, Bytes raw) : layout_(std::move(layout)), raw_(std::move(raw)) {}

std::optional<std::uint64_t> RegisterFile::get(std::string_view name) const {
    const RegisterInfo* info = layout_.find(name);
    const auto offset = layout_.offset_of(name);
    if (!info || !offset || info->bits > 64 || *offset + info->bits / 8 > raw_.size()) return std::nullopt;
    std::uint64_t value = 0;
    for (std::size_t i = info->bits / 8; i-- > 0;) value = (value << 8) | raw_[*offset + i];
    return value;
}

bool RegisterFile::set(std::string_view name, std::uint64_t value) {
    const RegisterInfo* info = layout_.find(name);
    const auto offset = layout_.offset_of(name);
    if (!info || !offset || info->bits > 64 || *offset + info->bits / 8 > raw_.size()) return false;
    for (std::size_t i = 0; i < info->bits / 8; ++i) {
        raw_[*offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
    }
    return true;
}

std::size_t RegisterFile::available_count() const {
    std::size_t offset = 0;
    std::size_t count = 0;
    for (const RegisterInfo& info : layout_.registers()) {
        offset += info.bits / 8;
        if (offset > raw_.size()) break;
        ++count;
    }
    return count;
}

}  // namespace rig::probes::gdb_rsp
