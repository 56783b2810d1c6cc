#pragma once
// `--filter REGEX`, as Google Benchmark's `--benchmark_filter` reads it: a POSIX extended
// regular expression searched anywhere in a benchmark's full name (`cell/copy/64`), so `cell/`
// selects every name containing "cell/" and `copy/64$` exactly the names ending so; a leading
// `-` selects the names it does NOT match; empty or `all` selects everything. The same
// std::regex flags and std::regex_search as Google Benchmark 1.7 (src/re.h), which the unit test
// checks against the real library on the rig's names.

#include "host/util/result.hpp"

#include <regex>
#include <string>

namespace rig::results {

// Longest filter accepted (command line, rigd requests): keeps the queue file and history small.
inline constexpr std::size_t max_filter_bytes = 255;

class BenchmarkFilter {
public:
    // ErrorKind::invalid_argument naming the expression and the regex library's reason.
    static Result<BenchmarkFilter> parse(const std::string& spec);

    bool matches(const std::string& full_name) const;
    // Empty or "all": the whole suite (a complete run).
    bool selects_everything() const { return everything_; }
    const std::string& spec() const { return spec_; }

private:
    std::string spec_;
    std::regex regex_;
    bool negative_ = false;
    bool everything_ = false;
};

}  // namespace rig::results
