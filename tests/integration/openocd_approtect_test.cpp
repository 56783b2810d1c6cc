// nRF52 APPROTECT through the real openocd's Tcl RPC port, with no board: openocd runs with its
// dummy adapter, and `read_memory`/`write_memory` are replaced by Tcl procs that model the few
// nRF52 words involved (FICR codes, UICR.APPROTECT as flash whose bits only clear, and only while
// NVMC.CONFIG = WEN) and log every command. The test checks the exact commands OpenOCD received.
#include "host/probes/nrf52_approtect.hpp"
#include "host/probes/openocd/openocd_probe.hpp"
#include "host/util/child_process.hpp"
#include "tests/integration/scratch_dir.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace {

using rig::probes::openocd::OpenOcdServer;
namespace nrf52 = rig::probes::nrf52;

// The model: addresses as `format 0x%x` writes them.
std::string model(std::uint32_t part, std::uint32_t revision, std::uint32_t uicr) {
    return fmt::format(
        "set ::rig_mem [dict create 0x10000130 {} 0x10000134 {} 0x10001208 {} 0x4001e400 1 0x4001e504 0]\n"
        "set ::rig_log {{}}\n"
        "proc read_memory {{address width count}} {{\n"
        "  lappend ::rig_log \"read_memory $address $width $count\"\n"
        "  return [format 0x%x [dict get $::rig_mem [format 0x%x $address]]]\n"
        "}}\n"
        "proc write_memory {{address width data}} {{\n"
        "  lappend ::rig_log \"write_memory $address $width $data\"\n"
        "  set a [format 0x%x $address]\n"
        "  if {{$a eq \"0x10001208\"}} {{\n"
        "    if {{[dict get $::rig_mem 0x4001e504] == 1}} {{\n"
        "      dict set ::rig_mem $a [expr {{[dict get $::rig_mem $a] & [lindex $data 0]}}]\n"
        "    }}\n"
        "  }} else {{\n"
        "    dict set ::rig_mem $a [lindex $data 0]\n"
        "  }}\n"
        "}}\n",
        part, revision, uicr);
}

std::unique_ptr<OpenOcdServer> start_model(const std::string& test, const std::string& tcl) {
    if (!rig::util::program_available("openocd")) {
        ADD_FAILURE() << "openocd is not installed: apt-get install openocd (scripts/bootstrap.sh installs it)";
        return nullptr;
    }
    const auto log = rig::test_support::scratch_dir("rig_openocd_approtect_", test) / "openocd.log";
    auto server = OpenOcdServer::start(
        {"-c", "adapter driver dummy", "-c", "transport select jtag", "-c", "noinit", "-c", tcl}, log);
    if (!server) {
        ADD_FAILURE() << server.error().message;
        return nullptr;
    }
    return std::move(*server);
}

std::string log_of(OpenOcdServer& server) {
    auto log = server.tcl().run("join $::rig_log \\n");
    return log ? *log : log.error().message;
}

TEST(OpenOcdApprotect, ErasedUicrOnRev3IsProgrammedHwDisabledWithTheseCommands) {
    auto server = start_model("erased", model(0x08, 0x05, 0xFFFFFFFF));
    ASSERT_TRUE(server);
    auto kept = nrf52::keep_debuggable(rig::probes::openocd::approtect_access(*server));
    ASSERT_TRUE(kept) << kept.error().message;
    EXPECT_EQ(kept->action, nrf52::ApprotectAction::programmed);
    EXPECT_EQ(log_of(*server),
              "read_memory 0x10000130 32 1\n"
              "read_memory 0x10000134 32 1\n"
              "read_memory 0x10001208 32 1\n"
              "read_memory 0x4001e400 32 1\n"
              "write_memory 0x4001e504 32 0x1\n"
              "write_memory 0x10001208 32 0x5a\n"
              "read_memory 0x4001e400 32 1\n"
              "write_memory 0x4001e504 32 0x0\n"
              "read_memory 0x10001208 32 1");
    auto uicr = server->tcl().run("format 0x%x [dict get $::rig_mem 0x10001208]");
    ASSERT_TRUE(uicr) << uicr.error().message;
    EXPECT_EQ(*uicr, "0x5a");
}

TEST(OpenOcdApprotect, OlderSiliconIsOnlyReadNeverWritten) {
    auto server = start_model("older", model(0x08, 0x02, 0xFFFFFFFF));
    ASSERT_TRUE(server);
    auto kept = nrf52::keep_debuggable(rig::probes::openocd::approtect_access(*server));
    ASSERT_TRUE(kept) << kept.error().message;
    EXPECT_EQ(kept->action, nrf52::ApprotectAction::older_silicon);
    EXPECT_EQ(log_of(*server), "read_memory 0x10000130 32 1\nread_memory 0x10000134 32 1");
}

TEST(OpenOcdApprotect, AlreadyHwDisabledIsLeftAlone) {
    auto server = start_model("open", model(0x06, 0x07, 0x5A));
    ASSERT_TRUE(server);
    auto kept = nrf52::keep_debuggable(rig::probes::openocd::approtect_access(*server));
    ASSERT_TRUE(kept) << kept.error().message;
    EXPECT_EQ(kept->action, nrf52::ApprotectAction::already_open);
    EXPECT_EQ(log_of(*server), "read_memory 0x10000130 32 1\nread_memory 0x10000134 32 1\nread_memory 0x10001208 32 1");
}

}  // namespace
