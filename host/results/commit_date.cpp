#include "host/results/commit_date.hpp"

#include "host/util/child_process.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

namespace rig::results {

std::string git_commit_date(const std::filesystem::path& repo, const std::string& commit) {
    constexpr std::chrono::seconds git_timeout{10};
    std::string base = commit;
    if (const auto dirty = base.rfind("-dirty"); dirty != std::string::npos && dirty + 6 == base.size())
        base.resize(dirty);
    const bool hex = !base.empty() && std::all_of(base.begin(), base.end(),
                                                  [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
    if (repo.empty() || !hex || !util::program_available("git")) return {};

    // The answer comes through a pipe: a file in /tmp could be planted by another user.
    const auto git =
        util::run_program({"git", "-C", repo.string(), "log", "-1", "--format=%cI", base, "--"}, git_timeout);
    if (!git.ok) return {};
    std::string date = git.out.substr(0, git.out.find('\n'));
    // An ISO 8601 date starts with four digits; anything else is not an answer.
    if (date.size() < 10 || !std::isdigit(static_cast<unsigned char>(date[0]))) date.clear();
    return date;
}

}  // namespace rig::results
