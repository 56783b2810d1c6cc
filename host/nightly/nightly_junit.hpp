#pragma once
// `rig nightly --out FILE.xml`: the night as JUnit XML. Per board, one testcase per benchmark of
// the newest complete run in the range (classname = the board), failed when a step in the slower
// direction past its family's thresholds was introduced in the range (the same verdict as exit
// code 4); and one failing testcase per commit that could not be built or measured.

#include "host/nightly/nightly.hpp"
#include "host/results/history.hpp"
#include "host/results/junit_xml.hpp"

#include <vector>

namespace rig::nightly {

std::vector<results::JunitSuite> junit_suites_of_nightly(const NightlyResult& night, const results::History& history);

}  // namespace rig::nightly
