#include "host/session/image_freshness.hpp"

#include "host/elf/elf_image.hpp"
#include "host/elf/image_info.hpp"
#include "host/results/run_identity.hpp"
#include "host/util/child_process.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <chrono>
#include <optional>
#include <set>
#include <string>

namespace rig::session {
namespace {

namespace fs = std::filesystem;

// What cargo reads to build an image (firmware/CMakeLists.txt drives cargo over this folder).
bool is_firmware_source(const fs::path& file) {
    static const std::set<std::string> extensions{".rs", ".toml", ".ld", ".c", ".h", ".lock", ".s", ".S"};
    return extensions.count(file.extension().string()) > 0;
}

struct Newest {
    fs::path file;
    fs::file_time_type time = fs::file_time_type::min();
};

Newest newest_source(const fs::path& firmware) {
    Newest newest;
    std::error_code ec;
    fs::recursive_directory_iterator it(firmware, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_directory(ec) && it->path().filename() == "target") {
            it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file(ec) || !is_firmware_source(it->path())) continue;
        const auto time = it->last_write_time(ec);
        if (!ec && time > newest.time) newest = {it->path(), time};
    }
    return newest;
}

std::string local_time(fs::file_time_type t) {
    const auto system = std::chrono::file_clock::to_sys(t);
    return fmt::format("{:%Y-%m-%d %H:%M:%S}", std::chrono::floor<std::chrono::seconds>(system));
}

// One git command's standard output, or nothing when git cannot tell (through a pipe).
std::optional<std::string> git(const fs::path& repo, std::vector<std::string> args) {
    std::vector<std::string> argv{"git", "-C", repo.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto c = util::run_program(argv, std::chrono::seconds(10));
    if (!c.ok) return std::nullopt;
    while (!c.out.empty() && (c.out.back() == '\n' || c.out.back() == '\r')) c.out.pop_back();
    return c.out;
}

// The commit the firmware build would record now (cmake/write_commit.cmake does the same).
std::optional<std::string> checkout_commit(const fs::path& source) {
    if (!util::program_available("git")) return std::nullopt;
    auto head = git(source, {"rev-parse", "--short=12", "HEAD"});
    if (!head || head->empty()) return std::nullopt;
    auto changes = git(source, {"status", "--porcelain", "--untracked-files=no"});
    if (!changes) return std::nullopt;
    return *head + (changes->empty() ? "" : "-dirty");
}

}  // namespace

Result<void> check_image_is_current(const fs::path& image, const fs::path& source, const fs::path& build_dir) {
    const std::string rebuild = fmt::format("build it first: cmake --build {} --target firmware", build_dir.string());
    std::error_code ec;
    const auto built = fs::last_write_time(image, ec);
    if (ec) return {};  // a missing image is load_image's to report
    const auto newest = newest_source(source / "firmware");
    if (!newest.file.empty() && newest.time > built)
        return make_error(
            ErrorKind::invalid_argument,
            fmt::format("the image {} (built {}) is older than its sources: {} changed at {}; {}", image.string(),
                        local_time(built), newest.file.string(), local_time(newest.time), rebuild));
    auto loaded = elf::load_image(image);
    if (!loaded) return {};
    const auto identity = elf::find_image_info(*loaded);
    const auto now = checkout_commit(source);
    if (!identity || !now) return {};
    if (results::canonical_commit(identity->commit) != results::canonical_commit(*now))
        return make_error(ErrorKind::invalid_argument,
                          fmt::format("the image {} was built at commit {}, but the checkout {} is at {}: its "
                                      "results would be filed under the wrong commit; {}",
                                      image.string(), identity->commit, source.string(), *now, rebuild));
    return {};
}

}  // namespace rig::session
