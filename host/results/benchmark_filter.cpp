#include "host/results/benchmark_filter.hpp"

namespace rig::results {

Result<BenchmarkFilter> BenchmarkFilter::parse(const std::string& spec) {
    BenchmarkFilter filter;
    filter.spec_ = spec;
    filter.everything_ = spec.empty() || spec == "all";
    std::string expression = filter.everything_ ? "." : spec;
    // Google Benchmark strips one leading '-' and negates; "-" alone is the empty expression,
    // which matches every name, so it selects none.
    if (expression.front() == '-') {
        filter.negative_ = true;
        expression.erase(0, 1);
    }
    try {
        filter.regex_ = std::regex(expression, std::regex_constants::extended);
    } catch (const std::regex_error& e) {
        return make_error(ErrorKind::invalid_argument,
                          "the filter '" + spec + "' is not a valid regular expression: " + e.what());
    }
    return filter;
}

bool BenchmarkFilter::matches(const std::string& full_name) const {
    return std::regex_search(full_name, regex_) != negative_;
}

}  // namespace rig::results
