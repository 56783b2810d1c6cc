#pragma once
// When a change counts: per benchmark family, how far (in percent and in counts) a median must
// move before `rig compare` calls it a regression or an improvement. Read from
// config/compare_thresholds.toml; errors name the file and the key.

#include "host/util/result.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace rig::results {

struct Thresholds {
    double percent = 1.0;   // relative change of the median, in percent
    double absolute = 2.0;  // change of the median, in the runs' unit (instructions or cycles)
};

struct ThresholdConfig {
    Thresholds fallback;                         // [default]
    std::map<std::string, Thresholds> families;  // [family.<name>], missing keys taken from [default]
    double alpha = 0.05;                         // [u_test] alpha: significance level of the U test

    // The family is the first part of a benchmark's name: "syscall" for "syscall/null".
    Thresholds for_benchmark(std::string_view full_name) const;
};

// `origin` names the text in errors (a file name).
Result<ThresholdConfig> parse_thresholds(std::string_view toml_text, const std::string& origin);
Result<ThresholdConfig> load_thresholds(const std::filesystem::path& file);

}  // namespace rig::results
