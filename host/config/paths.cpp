#include "host/config/paths.hpp"

#include "host/config/rig_toml.hpp"

#include <unistd.h>
#include <cstdlib>
#include <mutex>

namespace rig::config {
namespace {

namespace fs = std::filesystem;

bool folder_exists(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}
bool file_exists(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

// A kernel-rig checkout: what the firmware build and the board search need are all there.
bool is_checkout(const fs::path& dir) {
    return folder_exists(dir / "boards") && file_exists(dir / "firmware" / "Cargo.toml") &&
           file_exists(dir / "host" / "CMakeLists.txt");
}

std::optional<fs::path> checkout_above(fs::path dir) {
    while (!dir.empty()) {
        if (is_checkout(dir)) return dir;
        if (dir.parent_path() == dir) break;
        dir = dir.parent_path();
    }
    return std::nullopt;
}

// An environment variable's value when set and not empty.
std::optional<std::string> variable(const Environment& env, const char* name) {
    const char* value = env.variable ? env.variable(name) : nullptr;
    if (!value || !*value) return std::nullopt;
    return std::string(value);
}

// ${XDG_<kind>_HOME:-$HOME/<fallback>}/kernel-rig, or empty without either variable.
fs::path xdg_folder(const Environment& env, const char* xdg, const char* fallback) {
    if (auto dir = variable(env, xdg)) return fs::path(*dir) / "kernel-rig";
    if (auto home = variable(env, "HOME")) return fs::path(*home) / fallback / "kernel-rig";
    return {};
}

// A path from the environment: relative to the working directory.
fs::path from_env(const Environment& env, const std::string& value) { return env.cwd / fs::path(value); }

}  // namespace

fs::path Locations::image_for(const std::string& image_name) const {
    if (images_are_build) return images.path / image_name;
    fs::path elf = images.path / (image_name + ".elf");
    if (!file_exists(elf) && file_exists(images.path / image_name)) return images.path / image_name;
    return elf;
}

Result<Locations> resolve(const Environment& env) {
    Locations l;
    // Installed (<prefix>/bin/rig next to <prefix>/share/kernel-rig) wins over a checkout above
    // the prefix, so an install inside a checkout still uses what was installed.
    const fs::path bin = env.executable.parent_path();
    if (!bin.empty() && folder_exists(bin.parent_path() / "share" / "kernel-rig")) {
        l.share_dir = bin.parent_path() / "share" / "kernel-rig";
    } else if (auto checkout = checkout_above(bin)) {
        l.checkout = *checkout;
        l.build_dir = file_exists(bin.parent_path() / "CMakeCache.txt") ? bin.parent_path() : *checkout / "build";
    }

    std::optional<RigToml> toml;
    if (auto file = find_rig_toml(env.cwd)) {
        auto loaded = load_rig_toml(*file);
        if (!loaded) return loaded.error();
        toml = *loaded;
        l.rig_toml = *file;
    }
    const std::string toml_origin = toml ? toml->file.string() : "";
    const fs::path data = xdg_folder(env, "XDG_DATA_HOME", ".local/share");
    const fs::path config = xdg_folder(env, "XDG_CONFIG_HOME", ".config");
    const fs::path cache = xdg_folder(env, "XDG_CACHE_HOME", ".cache");

    if (auto v = variable(env, "RIG_RESULTS_DIR"))
        l.results_dir = {from_env(env, *v), "RIG_RESULTS_DIR"};
    else if (toml && toml->results_dir)
        l.results_dir = {*toml->results_dir, toml_origin};
    else if (l.checkout)
        l.results_dir = {*l.checkout / "results", "checkout"};
    else
        l.results_dir = {data / "results", "XDG_DATA_HOME"};

    if (auto v = variable(env, "RIG_HISTORY"))
        l.history = {from_env(env, *v), "RIG_HISTORY"};
    else if (toml && toml->history)
        l.history = {*toml->history, toml_origin};
    else
        l.history = {l.results_dir.path / "history.sqlite", "results folder"};

    const fs::path user_thresholds = config / "compare_thresholds.toml";
    const bool user_has_thresholds = !config.empty() && file_exists(user_thresholds);
    if (auto v = variable(env, "RIG_THRESHOLDS"))
        l.thresholds = {from_env(env, *v), "RIG_THRESHOLDS"};
    else if (toml && toml->thresholds)
        l.thresholds = {*toml->thresholds, toml_origin};
    else if (l.checkout && !user_has_thresholds)
        l.thresholds = {*l.checkout / "config" / "compare_thresholds.toml", "checkout"};
    else if (l.share_dir && !user_has_thresholds)
        l.thresholds = {*l.share_dir / "config" / "compare_thresholds.toml", "installed"};
    else  // the user's own file, or where it would be when there is no other
        l.thresholds = {user_thresholds, "XDG_CONFIG_HOME"};

    if (auto v = variable(env, "RIG_WORKTREES"))
        l.worktrees = {from_env(env, *v), "RIG_WORKTREES"};
    else if (toml && toml->worktrees)
        l.worktrees = {*toml->worktrees, toml_origin};
    else if (l.checkout)
        l.worktrees = {*l.checkout / "build" / "nightly" / "worktrees", "checkout"};
    else
        l.worktrees = {cache / "worktrees", "XDG_CACHE_HOME"};

    if (auto v = variable(env, "RIG_IMAGES"))
        l.images = {from_env(env, *v), "RIG_IMAGES"};
    else if (toml && toml->images)
        l.images = {*toml->images, toml_origin};
    else if (l.build_dir) {
        l.images = {*l.build_dir / "firmware" / "thumbv7em-none-eabi" / "release", "build"};
        l.images_are_build = true;
    } else if (l.share_dir)
        l.images = {*l.share_dir / "images", "installed"};
    else
        l.images = {data / "images", "XDG_DATA_HOME"};

    // Boards: the bench's folders first, then the repository's (or the installed) boards.
    fs::path base;
    std::string base_origin;
    if (l.checkout)
        base = *l.checkout / "boards", base_origin = "repository";
    else if (l.share_dir)
        base = *l.share_dir / "boards", base_origin = "installed";
    const auto rig_boards_path = variable(env, "RIG_BOARDS_PATH");
    if (!rig_boards_path && toml && toml->boards_path) {
        for (const auto& folder : *toml->boards_path) l.boards.folders.push_back({folder, true, toml_origin});
        if (!base.empty()) l.boards.folders.push_back({base, true, base_origin});
    } else {
        const auto xdg = variable(env, "XDG_CONFIG_HOME");
        const auto home = variable(env, "HOME");
        l.boards = board::search_path_from(rig_boards_path ? rig_boards_path->c_str() : nullptr,
                                           xdg ? xdg->c_str() : nullptr, home ? home->c_str() : nullptr, base);
        if (base.empty())
            l.boards.folders.pop_back();
        else
            l.boards.folders.back().origin = base_origin;
        // search_path_from names RIG_BOARDS_PATH's folders by the variable: relative ones are the cwd's.
        for (auto& folder : l.boards.folders)
            if (folder.path.is_relative()) folder.path = env.cwd / folder.path;
    }
    return l;
}

Environment process_environment() {
    Environment env;
    std::error_code ec;
    env.cwd = fs::current_path(ec);
    env.executable = fs::read_symlink("/proc/self/exe", ec);
    env.variable = [](const char* name) -> const char* { return std::getenv(name); };
    return env;
}

namespace {
std::optional<Locations>& loaded() {
    static std::optional<Locations> locations;
    return locations;
}
}  // namespace

Result<void> load() {
    auto resolved = resolve(process_environment());
    if (!resolved) return resolved.error();
    loaded() = *resolved;
    return {};
}

const Locations& current() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (loaded()) return;
        // Not loaded by main (a test program): a bad rig.toml is left out rather than failing here.
        auto env = process_environment();
        auto resolved = resolve(env);
        if (!resolved) {
            env.cwd = "/";
            resolved = resolve(env);
        }
        loaded() = resolved ? *resolved : Locations{};
    });
    return *loaded();
}

fs::path source_dir() { return current().checkout.value_or(fs::path()); }
fs::path build_dir() { return current().build_dir.value_or(fs::path()); }
fs::path default_image(const std::string& image_name) { return current().image_for(image_name); }
fs::path results_dir() { return current().results_dir.path; }
fs::path history_file() { return current().history.path; }
fs::path thresholds_file() { return current().thresholds.path; }
fs::path worktrees_dir() { return current().worktrees.path; }

fs::path boards_dir() {
    const auto& l = current();
    if (l.checkout) return *l.checkout / "boards";
    if (l.share_dir) return *l.share_dir / "boards";
    return l.boards.folders.empty() ? fs::path("boards") : l.boards.folders.back().path;
}

board::SearchPath boards_search_path(const std::string& option) {
    if (!option.empty()) return board::exact_folder(option);
    return current().boards;
}

std::string boards_dir_help() {
    return "Folder of board files, searched alone (default: the search path " + current().boards.describe() +
           ": $RIG_BOARDS_PATH or rig.toml's boards_path, else ~/.config/kernel-rig/boards, then the "
           "checkout's or the installed boards; a board file found first wins)";
}

}  // namespace rig::config
