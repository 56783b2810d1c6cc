#include "host/elf/benchmark_table.hpp"

#include <charconv>
#include <string_view>

namespace rig::elf {
namespace {

// Must match firmware/bench/src/catalogue.rs, CATALOGUE_MAGIC.
constexpr std::string_view magic{"\0rig-benchmarks:1\0", 18};
// Bounds that no real catalogue reaches; past them the bytes are not a catalogue.
constexpr std::size_t max_field = 512;
constexpr std::size_t max_rows = 4096;

// The next NUL-terminated field of `block`, or nullopt when there is none within max_field.
std::optional<std::string_view> next_field(std::string_view& block) {
    const auto end = block.find('\0');
    if (end > max_field) return std::nullopt;  // npos (no NUL at all) is past max_field too
    const auto field = block.substr(0, end);
    block.remove_prefix(end + 1);
    return field;
}

std::optional<std::vector<BenchmarkEntry>> parse_block(std::string_view block) {
    std::vector<BenchmarkEntry> table;
    while (table.size() < max_rows) {
        const auto name = next_field(block);
        if (!name) return std::nullopt;
        if (name->empty()) return table.empty() ? std::nullopt : std::optional{table};
        const auto parameter = next_field(block);
        const auto description = next_field(block);
        if (!parameter || !description) return std::nullopt;
        BenchmarkEntry entry{std::string(*name), 0, std::string(*description)};
        const auto [end, error] =
            std::from_chars(parameter->data(), parameter->data() + parameter->size(), entry.parameter);
        if (error != std::errc{} || end != parameter->data() + parameter->size() || parameter->empty())
            return std::nullopt;
        table.push_back(std::move(entry));
    }
    return std::nullopt;
}

}  // namespace

std::string BenchmarkEntry::family() const { return name.substr(0, name.find('/')); }

std::string BenchmarkEntry::full_name() const { return parameter == 0 ? name : name + "/" + std::to_string(parameter); }

std::optional<std::vector<BenchmarkEntry>> find_benchmark_table(const Image& image) {
    for (const auto& segment : image.segments) {
        const std::string_view data(reinterpret_cast<const char*>(segment.data.data()), segment.data.size());
        for (auto at = data.find(magic); at != std::string_view::npos; at = data.find(magic, at + 1)) {
            if (auto table = parse_block(data.substr(at + magic.size()))) return table;
        }
    }
    return std::nullopt;
}

}  // namespace rig::elf
