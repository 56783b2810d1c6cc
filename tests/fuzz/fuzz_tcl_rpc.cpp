// OpenOCD Tcl RPC replies ("0 text", "-4 Error: ...") through parse_tcl_reply, and the quoting
// helpers on the same bytes. Invariants: an accepted reply keeps its text; a wrapped command and
// a Tcl word never carry the 0x1a terminator.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "host/probes/openocd/tcl_rpc.hpp"
#include "tests/fuzz/fuzz_target.hpp"

using namespace rig::probes::openocd;

RIG_FUZZ_TARGET(tcl_rpc) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (const auto reply = parse_tcl_reply(text)) {
        FUZZ_CHECK(reply->text.size() <= text.size());
    } else {
        FUZZ_CHECK(reply.error().kind == rig::ErrorKind::malformed);
    }
    if (const auto wrapped = wrap_command(text)) FUZZ_CHECK(wrapped->find(tcl_terminator) == std::string::npos);
    if (const auto word = tcl_word(text)) FUZZ_CHECK(word->find(tcl_terminator) == std::string::npos);
    return 0;
}
