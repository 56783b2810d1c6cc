#pragma once
// The short table `rig run` prints at the end: one line per benchmark, its unit and spread.

#include "host/results/run_report.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace rig::results {

struct Statistics {
    double min = 0, median = 0, mean = 0, stddev = 0, max = 0;
};
Statistics statistics_of(const std::vector<std::uint32_t>& samples);

std::string summary_table(const RunReport& report);

// The same table for machines (`rig run --json`): the run's identity and target, then one object
// per benchmark with its family, sample count, statistics (in the unit) and overhead.
nlohmann::ordered_json summary_json(const RunReport& report);

}  // namespace rig::results
