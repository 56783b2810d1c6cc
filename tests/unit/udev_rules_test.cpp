// packaging/udev/70-kernel-rig.rules, checked line by line for udev's rule syntax (Debian 12's
// udev 252 has no `udevadm verify`, and `udevadm test` needs the device present): every key is
// KEY[{attr}] op "value", and every rule for the J-Link (1366:*) and the EDBG (03eb:2111) gives
// its node to the group rig, mode 0660.
#include <gtest/gtest.h>
#include <fstream>
#include <regex>
#include <sstream>

namespace {

std::vector<std::string> rules() {
    std::ifstream in(std::string(RIG_SOURCE_DIR) + "/packaging/udev/70-kernel-rig.rules");
    EXPECT_TRUE(in) << "packaging/udev/70-kernel-rig.rules is missing";
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != '#') lines.push_back(line);
    return lines;
}

TEST(UdevRules, EveryKeyHasUdevsSyntax) {
    const std::regex key(
        R"re(^(ACTION|SUBSYSTEM|ENV\{[A-Z_]+\}|ATTRS?\{[A-Za-z_]+\}|MODE|GROUP|GOTO|LABEL)(==|!=|=|\+=)"[^"]*"$)re");
    const auto lines = rules();
    ASSERT_FALSE(lines.empty());
    for (const auto& line : lines) {
        std::stringstream parts(line);
        for (std::string part; std::getline(parts, part, ',');) {
            if (part.starts_with(" ")) part.erase(0, 1);
            EXPECT_TRUE(std::regex_match(part, key)) << "'" << part << "' in: " << line;
        }
    }
}

TEST(UdevRules, TheJlinkAndTheEdbgGoToGroupRigMode0660) {
    int jlink = 0, edbg = 0;
    for (const auto& line : rules()) {
        if (line.find("idVendor}==\"1366\"") != std::string::npos)
            ++jlink;
        else if (line.find("idVendor}==\"03eb\"") != std::string::npos &&
                 line.find("idProduct}==\"2111\"") != std::string::npos)
            ++edbg;
        else
            continue;
        EXPECT_NE(line.find("MODE=\"0660\""), std::string::npos) << line;
        EXPECT_NE(line.find("GROUP=\"rig\""), std::string::npos) << line;
    }
    EXPECT_EQ(jlink, 2) << "the J-Link's USB device and its serial port";
    EXPECT_EQ(edbg, 3) << "the EDBG's USB device, its HID interface and its serial port";
}

}  // namespace
