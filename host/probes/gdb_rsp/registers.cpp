#include "host/probes/gdb_rsp/registers.hpp"

#include <algorithm>
#include <regex>

namespace rig::probes::gdb_rsp {
namespace {

std::optional<std::string> attribute(const std::string& element, const std::string& name) {
    const std::regex pattern("\\s" + name + "\\s*=\\s*\"([^\"]*)\"");
    std::smatch match;
    if (!std::regex_search(element, match, pattern)) return std::nullopt;
    return match[1].str();
}

}  // namespace

RegisterLayout::RegisterLayout(std::vector<RegisterInfo> registers) : registers_(std::move(registers)) {
    std::stable_sort(registers_.begin(), registers_.end(),
                     [](const RegisterInfo& a, const RegisterInfo& b) { return a.number < b.number; });
}

RegisterLayout RegisterLayout::from_target_xml(const std::vector<std::string>& documents) {
    // A deliberately small reader: target descriptions are machine-written, one element per tag,
    // so matching <reg .../> elements is enough and avoids an XML dependency.
    static const std::regex reg_element("<reg\\s[^>]*>");
    std::vector<RegisterInfo> registers;
    unsigned next_number = 0;
    for (const std::string& document : documents) {
        for (auto it = std::sregex_iterator(document.begin(), document.end(), reg_element);
             it != std::sregex_iterator(); ++it) {
            const std::string element = it->str();
            RegisterInfo info;
            info.name = attribute(element, "name").value_or("");
            info.bits = static_cast<unsigned>(std::stoul(attribute(element, "bitsize").value_or("32")));
            if (auto regnum = attribute(element, "regnum")) next_number = static_cast<unsigned>(std::stoul(*regnum));
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
    static const std::regex include_element("<xi:include\\s[^>]*>");
    std::vector<std::string> hrefs;
    const std::string text(document);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), include_element); it != std::sregex_iterator();
         ++it) {
        if (auto href = attribute(it->str(), "href")) hrefs.push_back(*href);
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
