#include "host/protocol/frame.hpp"

#include <algorithm>
#include <stdexcept>

#include "host/protocol/crc16.hpp"

namespace rig::protocol {

Bytes encode_frame(std::uint8_t type, std::span<const std::uint8_t> payload) {
    if (payload.size() > max_payload) {
        throw std::invalid_argument("frame payload of " + std::to_string(payload.size()) + " bytes exceeds " +
                                    std::to_string(max_payload));
    }
    const auto length = static_cast<std::uint16_t>(payload.size());
    Bytes out{sync_first, sync_second, type, static_cast<std::uint8_t>(length & 0xFF),
              static_cast<std::uint8_t>(length >> 8)};
    out.insert(out.end(), payload.begin(), payload.end());
    const std::uint16_t crc = crc16_ccitt_false(std::span(out).subspan(2));
    out.push_back(static_cast<std::uint8_t>(crc & 0xFF));
    out.push_back(static_cast<std::uint8_t>(crc >> 8));
    return out;
}

Bytes encode_frame(const Frame& frame) { return encode_frame(frame.type, frame.payload); }

std::string describe(const DecoderStats& stats) {
    std::string text;
    auto add = [&text](std::uint64_t count, const char* what) {
        if (count == 0) return;
        if (!text.empty()) text += ", ";
        text += std::to_string(count) + " " + what;
    };
    if (stats.dropped_bytes > 0) text = "skipped " + std::to_string(stats.dropped_bytes) + " garbage bytes";
    add(stats.bad_crc, "bad CRC");
    add(stats.oversize, "oversize length");
    add(stats.false_header, "false header");
    return text;
}

void FrameDecoder::feed(std::span<const std::uint8_t> bytes) {
    // Compact before growing so a long-running stream does not keep consumed bytes around.
    if (start_ > 0 && start_ >= buffer_.size() / 2) {
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start_));
        start_ = 0;
    }
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
    note_unframed(bytes);
}

void FrameDecoder::note_unframed(std::span<const std::uint8_t> bytes) {
    unframed_count_ += bytes.size();
    const std::size_t room = unframed_kept - std::min(unframed_kept, unframed_start_.size());
    unframed_start_.insert(unframed_start_.end(), bytes.begin(), bytes.begin() + std::min(room, bytes.size()));
}

void FrameDecoder::drop(std::size_t count) {
    start_ += count;
    stats_.dropped_bytes += count;
}

namespace {

// The payload length a header at the start of `frame` claims, and whether the CRC after that
// payload matches (`frame` holds the whole frame).
std::size_t claimed_length(std::span<const std::uint8_t> frame) { return frame[3] | (std::size_t{frame[4]} << 8); }
bool crc_matches(std::span<const std::uint8_t> frame, std::size_t length) {
    const std::size_t total = header_size + length + trailer_size;
    const auto received = static_cast<std::uint16_t>(frame[total - 2] | (frame[total - 1] << 8));
    return crc16_ccitt_false(frame.subspan(2, 3 + length)) == received;
}

// Is there a complete frame with a good CRC starting anywhere in `bytes`?
bool whole_frame_inside(std::span<const std::uint8_t> bytes) {
    for (std::size_t at = 0; at + header_size + trailer_size <= bytes.size(); ++at) {
        if (bytes[at] != sync_first || bytes[at + 1] != sync_second) continue;
        const auto frame = bytes.subspan(at);
        const std::size_t length = claimed_length(frame);
        if (length <= max_payload && header_size + length + trailer_size <= frame.size() && crc_matches(frame, length))
            return true;
    }
    return false;
}

}  // namespace

std::optional<Frame> FrameDecoder::next() {
    while (true) {
        const std::span<const std::uint8_t> view = std::span(buffer_).subspan(start_);
        // Skip to the next candidate first sync byte in one step.
        const auto sync = std::find(view.begin(), view.end(), sync_first);
        if (sync != view.begin()) {
            drop(static_cast<std::size_t>(sync - view.begin()));
            continue;
        }
        if (view.size() < 2) return std::nullopt;
        if (view[1] != sync_second) {
            drop(1);
            continue;
        }
        if (view.size() < header_size) return std::nullopt;
        const std::size_t length = claimed_length(view);
        if (length > max_payload) {
            ++stats_.oversize;
            drop(1);
            continue;
        }
        const std::size_t total = header_size + length + trailer_size;
        if (view.size() < total) {
            // Noise that looks like a header would hide every frame behind it until its length
            // is reached (for ever, if the target then goes quiet). A complete frame with a good
            // CRC starting inside the candidate proves the candidate false.
            if (!whole_frame_inside(view.subspan(1))) return std::nullopt;  // truncated: wait
            ++stats_.false_header;
            drop(1);
            continue;
        }
        if (!crc_matches(view, length)) {
            ++stats_.bad_crc;
            drop(1);
            continue;
        }
        Frame frame{view[2], Bytes(view.begin() + header_size, view.begin() + header_size + length)};
        start_ += total;
        ++stats_.frames;
        // What follows this frame is counted afresh, starting with the bytes already buffered.
        unframed_count_ = 0;
        unframed_start_.clear();
        note_unframed(std::span(buffer_).subspan(start_));
        return frame;
    }
}

}  // namespace rig::protocol
