#include "host/results/run_identity.hpp"

#include <sys/random.h>
#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>

namespace rig::results {
namespace {

constexpr std::string_view dirty_suffix = "-dirty";
constexpr std::size_t commit_digits = 12;
constexpr std::size_t min_abbreviation = 4;  // git abbreviates to no fewer

bool is_hex(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

std::string new_run_id(std::string_view started_at) {
    std::string stamp;
    for (char c : started_at)
        if (std::isalnum(static_cast<unsigned char>(c))) stamp += c;  // 2026-12-01T17:04:22Z -> 20261201T170422Z
    // 64 bits from the kernel's generator (getrandom(2)): two processes never share a sequence,
    // and a thousand runs in one second collide with a chance of about 3e-14. (std::random_device
    // was tried first: here it gave repeats within a thousand draws.)
    std::uint64_t random = 0;
    if (::getrandom(&random, sizeof random, 0) != static_cast<ssize_t>(sizeof random))
        random = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                 (static_cast<std::uint64_t>(::getpid()) << 40);
    char bits[17];
    std::snprintf(bits, sizeof bits, "%016llx", static_cast<unsigned long long>(random));
    return (stamp.empty() ? std::string("run") : stamp) + "-" + bits;
}

bool is_valid_run_id(std::string_view id) {
    return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.';
    });
}

std::string legacy_run_id(std::string_view board, std::string_view commit, std::string_view started_at,
                          std::string_view image_sha256) {
    // Must match the schema 3 migration in history.cpp, which names the runs already stored.
    std::string id = "legacy:";
    for (const auto part : {board, commit, started_at}) (id += part) += ':';
    return id += image_sha256.substr(0, 12);
}

bool is_dirty(std::string_view commit) {
    return commit.size() > dirty_suffix.size() && commit.substr(commit.size() - dirty_suffix.size()) == dirty_suffix;
}

std::string_view without_dirty(std::string_view commit) {
    return is_dirty(commit) ? commit.substr(0, commit.size() - dirty_suffix.size()) : commit;
}

std::string canonical_commit(std::string_view text) {
    if (text == "unknown") return std::string(text);
    const auto base = without_dirty(text);
    if (!is_hex(base)) return {};
    std::string out(base.substr(0, std::min(base.size(), commit_digits)));
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    if (is_dirty(text)) out += dirty_suffix;
    return out;
}

bool same_commit(std::string_view a, std::string_view b) {
    if (is_dirty(a) != is_dirty(b)) return false;
    a = without_dirty(a);
    b = without_dirty(b);
    const auto shorter = std::min(a.size(), b.size());
    if (shorter < min_abbreviation && a != b) return false;
    return a.substr(0, shorter) == b.substr(0, shorter);
}

}  // namespace rig::results
