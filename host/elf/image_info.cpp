#include "host/elf/image_info.hpp"

#include <algorithm>
#include <string_view>

namespace rig::elf {
namespace {

// Must match firmware/boards/board_support/src/lib.rs, IMAGE_INFO_MAGIC.
constexpr std::string_view magic{"\0rig-image-info:1\0", 18};
// A field longer than this is not a board name or a commit: the block is damaged.
constexpr std::size_t max_field = 128;

std::optional<ImageInfo> parse_block(std::string_view block) {
    ImageInfo info;
    while (!block.empty()) {
        const auto end = block.find('\0');
        if (end > max_field) return std::nullopt;  // npos (no terminator) is larger too
        const auto field = block.substr(0, end);
        block.remove_prefix(end + 1);
        if (field.empty()) {
            if (info.board.empty() || info.commit.empty()) return std::nullopt;
            return info;
        }
        const auto equals = field.find('=');
        if (equals == std::string_view::npos) continue;  // a field of a later version: ignored
        const auto key = field.substr(0, equals);
        const auto value = std::string(field.substr(equals + 1));
        if (key == "board") info.board = value;
        if (key == "commit") info.commit = value;
    }
    return std::nullopt;
}

}  // namespace

std::optional<ImageInfo> find_image_info(const Image& image) {
    for (const auto& segment : image.segments) {
        const std::string_view data(reinterpret_cast<const char*>(segment.data.data()), segment.data.size());
        for (auto at = data.find(magic); at != std::string_view::npos; at = data.find(magic, at + 1)) {
            if (auto info = parse_block(data.substr(at + magic.size()))) return info;
        }
    }
    return std::nullopt;
}

}  // namespace rig::elf
