#include "host/config/rig_toml.hpp"

#include <toml++/toml.h>

#include <fstream>
#include <sstream>
#include <string>

namespace rig::config {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t max_rig_toml_bytes = 64 * 1024;
constexpr std::string_view known_keys = "results_dir, history, boards_path, images, thresholds, worktrees";

Error bad(const fs::path& file, const toml::source_region& where, const std::string& what) {
    return Error{ErrorKind::malformed, file.string() + ":" + std::to_string(where.begin.line) + ": " + what};
}

// A path key: a non-empty string, relative to rig.toml's folder.
Result<fs::path> path_value(const fs::path& file, const std::string& key, const toml::node& node) {
    const auto* text = node.as_string();
    if (!text || text->get().empty())
        return bad(file, node.source(), "'" + key + "' must be a path (a non-empty string)");
    return file.parent_path() / fs::path(text->get());
}

}  // namespace

std::optional<fs::path> find_rig_toml(const fs::path& start) {
    std::error_code ec;
    fs::path dir = fs::absolute(start, ec);
    if (ec) return std::nullopt;
    for (;;) {
        const fs::path candidate = dir / "rig.toml";
        if (fs::is_regular_file(candidate, ec)) return candidate;
        if (!dir.has_parent_path() || dir.parent_path() == dir) return std::nullopt;
        dir = dir.parent_path();
    }
}

Result<RigToml> parse_rig_toml(std::string_view text, const fs::path& file) {
    toml::table root;
    try {
        root = toml::parse(text, file.string());
    } catch (const toml::parse_error& e) {
        return bad(file, e.source(), std::string("not valid TOML: ") + std::string(e.description()));
    }
    RigToml out;
    out.file = file;
    for (auto&& [key, node] : root) {
        const std::string name(key.str());
        Result<fs::path> value = fs::path();
        if (name == "results_dir" || name == "history" || name == "images" || name == "thresholds" ||
            name == "worktrees") {
            value = path_value(file, name, node);
            if (!value) return value.error();
        }
        if (name == "results_dir") {
            out.results_dir = *value;
        } else if (name == "history") {
            out.history = *value;
        } else if (name == "images") {
            out.images = *value;
        } else if (name == "thresholds") {
            out.thresholds = *value;
        } else if (name == "worktrees") {
            out.worktrees = *value;
        } else if (name == "boards_path") {
            const auto* list = node.as_array();
            if (!list || list->empty())
                return bad(file, node.source(), "'boards_path' must be a list of folders, e.g. [\"boards\"]");
            std::vector<fs::path> folders;
            for (const auto& entry : *list) {
                auto folder = path_value(file, "boards_path", entry);
                if (!folder) return folder.error();
                folders.push_back(*folder);
            }
            out.boards_path = folders;
        } else {
            return bad(file, key.source(),
                       "unknown key '" + name + "' (rig.toml knows " + std::string(known_keys) + ")");
        }
    }
    return out;
}

Result<RigToml> load_rig_toml(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return make_error(ErrorKind::not_found, file.string() + ": cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().size() > max_rig_toml_bytes)
        return make_error(ErrorKind::malformed, file.string() + ": larger than 64 KiB; is it a rig.toml?");
    return parse_rig_toml(text.str(), file);
}

}  // namespace rig::config
