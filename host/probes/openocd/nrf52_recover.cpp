// OpenOcdProbe::recover: OpenOCD's `nrf52_recover` (target/nrf52.cfg) erases the whole chip
// through the CTRL-AP and so unlocks an nRF52 whose APPROTECT is set. Kept apart from the probe's
// everyday operations: it destroys everything in flash and UICR.
#include "host/probes/openocd/openocd_probe.hpp"

namespace rig::probes::openocd {

Result<void> OpenOcdProbe::recover() {
    constexpr auto recover_timeout = std::chrono::seconds(60);  // the erase itself takes a few seconds
    auto done = server_->tcl().run("nrf52_recover", recover_timeout);
    if (!done && done.error().kind == ErrorKind::remote &&
        done.error().message.find("invalid command name \"nrf52_recover\"") != std::string::npos)
        return make_error(ErrorKind::unsupported,
                          board_.probe.config + " defines no nrf52_recover (OpenOCD's target/nrf52.cfg does)");
    if (!done) return done.error().context("nrf52_recover (mass erase)");
    return {};
}

}  // namespace rig::probes::openocd
