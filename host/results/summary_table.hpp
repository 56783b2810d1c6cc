#pragma once
// The short table `rig run` prints at the end: one line per benchmark, its unit and spread.

#include "host/results/run_report.hpp"

#include <string>

namespace rig::results {

struct Statistics {
    double min = 0, median = 0, mean = 0, stddev = 0, max = 0;
};
Statistics statistics_of(const std::vector<std::uint32_t>& samples);

std::string summary_table(const RunReport& report);

}  // namespace rig::results
