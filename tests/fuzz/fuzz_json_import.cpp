// Result files (Google Benchmark JSON with the rig's context) read back by parse_gbench_json:
// any text gives a report or an ErrorKind::malformed error, never a crash or an exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "host/results/json_import.hpp"
#include "tests/fuzz/fuzz_target.hpp"

RIG_FUZZ_TARGET(json_import) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto report = rig::results::parse_gbench_json(text);
    if (!report) {
        FUZZ_CHECK(report.error().kind == rig::ErrorKind::malformed && !report.error().message.empty());
        return 0;
    }
    for (const auto& measurement : report->measurements) (void)measurement.full_name();
    return 0;
}
