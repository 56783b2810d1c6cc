// rigd's socket API: one request line through parse_request. Invariant: an accepted request,
// written back with request_line, parses to the same request.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "host/daemon/api.hpp"
#include "tests/fuzz/fuzz_target.hpp"

using namespace rig::daemon;

RIG_FUZZ_TARGET(daemon_api) {
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    const auto request = parse_request(line);
    if (!request) {
        const auto kind = request.error().kind;
        FUZZ_CHECK(kind == rig::ErrorKind::malformed || kind == rig::ErrorKind::unsupported);
        return 0;
    }
    const std::string again = request_line(*request);
    FUZZ_CHECK(!again.empty() && again.back() == '\n');
    const auto reparsed = parse_request(std::string_view(again).substr(0, again.size() - 1));
    FUZZ_CHECK(reparsed && reparsed->type == request->type && reparsed->board == request->board &&
               reparsed->job == request->job && reparsed->repetitions == request->repetitions &&
               reparsed->filter == request->filter);
    (void)request->mutates();
    return 0;
}
