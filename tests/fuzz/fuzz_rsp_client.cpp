// RspClient against a GDB server whose every byte comes from the fuzzer: connect() (qSupported
// features, PacketSize, stop replies, qXfer target.xml chunks), then the flasher's operations.
// The stream never times out: when the input runs out the server has closed, so each run ends.
// Invariants: a successful read returns exactly the bytes asked for.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "host/probes/gdb_rsp/client.hpp"
#include "tests/fuzz/fuzz_target.hpp"

using namespace rig::probes::gdb_rsp;

namespace {

class FuzzedServer final : public rig::transport::ByteStream {
public:
    FuzzedServer(std::span<const std::uint8_t> bytes, std::size_t chunk) : bytes_(bytes), chunk_(chunk) {}

    rig::Result<void> write_all(std::span<const std::uint8_t>, rig::transport::Timeout) override {
        if (closed_) return rig::Error{rig::ErrorKind::closed, "closed"};
        return {};
    }
    rig::Result<std::size_t> read_some(std::span<std::uint8_t> buffer, rig::transport::Timeout) override {
        if (closed_ || bytes_.empty()) return rig::Error{rig::ErrorKind::closed, "fuzz input exhausted"};
        const std::size_t count = std::min({buffer.size(), chunk_, bytes_.size()});
        std::copy_n(bytes_.begin(), count, buffer.begin());
        bytes_ = bytes_.subspan(count);
        return count;
    }
    void close() override { closed_ = true; }
    std::string describe() const override { return "fuzz"; }

private:
    std::span<const std::uint8_t> bytes_;
    std::size_t chunk_;
    bool closed_ = false;
};

}  // namespace

RIG_FUZZ_TARGET(rsp_client) {
    if (size == 0) return 0;
    // First byte: bit 7 declines no-ack mode, the rest sets how many bytes each read returns.
    RspOptions options;
    options.use_no_ack_mode = (data[0] & 0x80) == 0;
    const std::size_t chunk = std::size_t{data[0]} % 0x80 + 1;
    RspClient client(std::make_unique<FuzzedServer>(std::span(data + 1, size - 1), chunk), options);

    if (auto stop = client.connect()) FUZZ_CHECK(std::string_view("TSWX").find(stop->kind) != std::string_view::npos);
    FUZZ_CHECK(client.features().packet_size > 0);
    (void)client.register_layout().offset_of("pc");

    if (auto memory = client.read_memory(0x2000'0000, 300)) FUZZ_CHECK(memory->size() == 300);
    if (auto registers = client.read_registers()) {
        (void)registers->available_count();
        (void)registers->get("pc");
        (void)registers->set("sp", 0x2040'0000);
    }
    const std::uint8_t image[] = {'$', '#', '}', '*', 0, 1, 0xFF, 0x20, 0x7D, 0x23, 0x24, 0x2A};
    (void)client.write_memory(0, image);
    (void)client.monitor("system_reset");
    if (client.cont()) (void)client.wait_for_stop(std::chrono::seconds(1));
    (void)client.interrupt();
    (void)client.detach();
    return 0;
}
