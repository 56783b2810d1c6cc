#include "host/results/run_report.hpp"

namespace rig::results {

std::string Measurement::full_name() const { return param == 0 ? name : name + "/" + std::to_string(param); }

}  // namespace rig::results
