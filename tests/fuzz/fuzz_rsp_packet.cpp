// The GDB RSP packet layer on bytes from a GDB server: PacketReader in arbitrary chunks, then
// the helpers on raw input. Invariants: escape/unescape and hex round trips; an expanded packet
// re-framed without `*` reads back the same; every byte of a `+`/`-`/0x03 is one event.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "host/probes/gdb_rsp/client.hpp"
#include "host/probes/gdb_rsp/packet.hpp"
#include "tests/fuzz/fuzz_target.hpp"

using namespace rig::probes::gdb_rsp;

RIG_FUZZ_TARGET(rsp_packet) {
    if (size == 0) return 0;
    const std::size_t chunk = std::size_t{data[0]} % 32 + 1;
    const std::span<const std::uint8_t> bytes(data + 1, size - 1);
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());

    PacketReader reader;
    std::size_t events = 0;
    for (std::size_t at = 0; at < bytes.size(); at += chunk) {
        reader.feed(bytes.subspan(at, std::min(chunk, bytes.size() - at)));
        while (auto event = reader.next()) {
            ++events;
            if (event->kind != Event::Kind::packet) continue;
            FUZZ_CHECK(event->payload.find('#') == std::string::npos);
            (void)parse_stop_reply(event->payload);
            if (event->payload.find('*') == std::string::npos) {
                PacketReader again;
                again.feed(frame_packet(event->payload));
                const auto same = again.next();
                FUZZ_CHECK(same && *same == *event && !again.next());
            }
        }
    }
    FUZZ_CHECK(events + reader.ignored_bytes() <= bytes.size());

    // Helpers on the raw bytes, as a reply payload would reach them.
    FUZZ_CHECK(unescape_binary(escape_binary(bytes)).value() == Bytes(bytes.begin(), bytes.end()));
    FUZZ_CHECK(from_hex(to_hex(bytes)).value() == Bytes(bytes.begin(), bytes.end()));
    if (auto unescaped = unescape_binary(text)) FUZZ_CHECK(unescaped->size() <= text.size());
    if (auto hex = from_hex(text)) FUZZ_CHECK(hex->size() * 2 == text.size() && to_hex(*hex).size() == text.size());
    if (auto expanded = expand_run_length(text)) {
        FUZZ_CHECK(expanded->size() >= text.size() && expanded->size() <= text.size() * 113);  // "*c" adds <= 226
        if (text.find('*') == std::string_view::npos) FUZZ_CHECK(*expanded == text);
    }
    if (auto stop = parse_stop_reply(text)) FUZZ_CHECK(stop->raw == text && text.size() >= 3);
    return 0;
}
