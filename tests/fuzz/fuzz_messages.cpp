// decode_message and decode_command on any frame type and payload a frame can carry (<= 512
// bytes). Invariant: whatever decodes re-encodes to the very same frame (one protocol version,
// no trailing bytes, so the encoding is unique).
#include <cstddef>
#include <cstdint>

#include "host/protocol/frame.hpp"
#include "host/protocol/messages.hpp"
#include "tests/fuzz/fuzz_target.hpp"

using namespace rig::protocol;

RIG_FUZZ_TARGET(messages) {
    if (size == 0 || size - 1 > max_payload) return 0;
    const Frame frame{data[0], Bytes(data + 1, data + size)};
    if (auto message = decode_message(frame)) {
        FUZZ_CHECK(to_frame(*message) == frame);
        FUZZ_CHECK(encode_message(*message) == encode_frame(frame));
    } else {
        FUZZ_CHECK(message.error().kind == rig::ErrorKind::malformed && !message.error().message.empty());
    }
    if (auto command = decode_command(frame)) {
        FUZZ_CHECK(to_frame(*command) == frame);
    } else {
        FUZZ_CHECK(command.error().kind == rig::ErrorKind::malformed);
    }
    return 0;
}
