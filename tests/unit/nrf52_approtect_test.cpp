// The nRF52 APPROTECT sequence against a model of the words it touches: which silicon gets UICR
// programmed, in which order the NVMC is driven, and what is never written (FORCEPROTECT, UICR
// on older silicon, where 0x5A would lock the chip).
#include "host/probes/nrf52_approtect.hpp"

#include <gtest/gtest.h>
#include <map>

namespace {

namespace nrf52 = rig::probes::nrf52;

struct Chip {
    std::map<std::uint32_t, std::uint32_t> words;
    std::vector<std::string> log;

    nrf52::WordAccess access() {
        return {[this](std::uint32_t a) -> rig::Result<std::uint32_t> {
                    log.push_back("r " + hex(a));
                    return words.count(a) ? words[a] : 0xFFFF'FFFFu;
                },
                [this](std::uint32_t a, std::uint32_t v) -> rig::Result<void> {
                    log.push_back("w " + hex(a) + " " + hex(v));
                    if (a == nrf52::uicr_approtect) {
                        if (words[nrf52::nvmc_config] == nrf52::nvmc_config_wen) words[a] &= v;  // flash: 1 -> 0 only
                    } else {
                        words[a] = v;
                    }
                    return {};
                }};
    }
    static std::string hex(std::uint32_t v) {
        char text[16];
        std::snprintf(text, sizeof text, "%08x", v);
        return text;
    }
};

Chip chip(std::uint32_t part, std::uint32_t revision, std::uint32_t uicr) {
    Chip c;
    c.words = {{nrf52::ficr_part_code, part},
               {nrf52::ficr_revision_code, revision},
               {nrf52::uicr_approtect, uicr},
               {nrf52::nvmc_ready, 1},
               {nrf52::nvmc_config, 0}};
    return c;
}

TEST(Nrf52Approtect, TheRegistersAreNordicsOnes) {
    EXPECT_EQ(nrf52::uicr_approtect, 0x1000'1000u + 0x208u);
    EXPECT_EQ(nrf52::nvmc_ready, 0x4001'E000u + 0x400u);
    EXPECT_EQ(nrf52::nvmc_config, 0x4001'E000u + 0x504u);
    EXPECT_EQ(nrf52::pall_hw_disabled, 0x5Au);
}

TEST(Nrf52Approtect, Rev3SiliconIsTheMdksConfiguration249) {
    EXPECT_TRUE(nrf52::relocks_at_reset(0x08, 0x05));  // nRF52840 rev 3
    EXPECT_FALSE(nrf52::relocks_at_reset(0x08, 0x04));
    EXPECT_TRUE(nrf52::relocks_at_reset(0x06, 0x07));  // nRF52832 rev 3
    EXPECT_FALSE(nrf52::relocks_at_reset(0x06, 0x06));
    EXPECT_FALSE(nrf52::relocks_at_reset(0xFFFF'FFFF, 0xFFFF'FFFF));
}

TEST(Nrf52Approtect, ErasedUicrOnRev3IsProgrammedThroughTheNvmcAndReadBack) {
    auto c = chip(0x08, 0x05, 0xFFFF'FFFF);
    auto kept = nrf52::keep_debuggable(c.access());
    ASSERT_TRUE(kept) << kept.error().message;
    EXPECT_EQ(kept->action, nrf52::ApprotectAction::programmed);
    EXPECT_EQ(c.words[nrf52::uicr_approtect], 0x5Au);
    EXPECT_EQ(c.words[nrf52::nvmc_config], 0u) << "the NVMC is left read-only";
    EXPECT_EQ(c.log,
              (std::vector<std::string>{"r 10000130", "r 10000134", "r 10001208", "r 4001e400", "w 4001e504 00000001",
                                        "w 10001208 0000005a", "r 4001e400", "w 4001e504 00000000", "r 10001208"}));
}

TEST(Nrf52Approtect, OlderSiliconAndUnknownPartsAreNeverWritten) {
    for (auto [part, revision] :
         {std::pair{0x08u, 0x02u}, std::pair{0x06u, 0x05u}, std::pair{0xFFFF'FFFFu, 0xFFFF'FFFFu}}) {
        auto c = chip(part, revision, 0xFFFF'FFFF);
        auto kept = nrf52::keep_debuggable(c.access());
        ASSERT_TRUE(kept) << kept.error().message;
        EXPECT_NE(kept->action, nrf52::ApprotectAction::programmed);
        for (const auto& entry : c.log) EXPECT_EQ(entry[0], 'r') << entry;
        EXPECT_EQ(c.words[nrf52::uicr_approtect], 0xFFFF'FFFFu);
    }
}

TEST(Nrf52Approtect, AUicrValueThatCannotBecomeHwDisabledIsRefusedUnwritten) {
    auto c = chip(0x06, 0x08, 0xFFFF'FF00);
    auto kept = nrf52::keep_debuggable(c.access());
    ASSERT_FALSE(kept);
    EXPECT_NE(kept.error().message.find("reads 0xffffff00"), std::string::npos) << kept.error().message;
    EXPECT_NE(kept.error().message.find("rig recover"), std::string::npos) << kept.error().message;
    for (const auto& entry : c.log) EXPECT_EQ(entry[0], 'r') << entry;
}

TEST(Nrf52Approtect, NothingEverWritesForceprotect) {
    auto c = chip(0x08, 0x05, 0xFFFF'FFFF);
    ASSERT_TRUE(nrf52::keep_debuggable(c.access()));
    for (const auto& entry : c.log) EXPECT_EQ(entry.find("40000550"), std::string::npos) << entry;
}

TEST(Nrf52Approtect, OnlyNrf52BoardsAreTreated) {
    rig::board::Board b;
    b.chip = "nRF52840";
    EXPECT_TRUE(nrf52::is_nrf52(b));
    b.chip = "ATSAM4LC8C";
    EXPECT_FALSE(nrf52::is_nrf52(b));
    b.chip = "Cortex-M4 (QEMU mps2-an386)";
    EXPECT_FALSE(nrf52::is_nrf52(b));
}

}  // namespace
