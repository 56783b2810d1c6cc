// How runs and commits are named: run ids unique and file-name safe, one form for a commit, and
// an image's identity block read from its segments.
#include "host/elf/image_info.hpp"
#include "host/results/run_identity.hpp"

#include <gtest/gtest.h>
#include <regex>
#include <set>
#include <string_view>

using namespace rig;

TEST(RunIdentity, RunIdsAreUniqueAndReadable) {
    std::set<std::string> ids;
    for (int i = 0; i < 1000; ++i) ids.insert(results::new_run_id("2026-12-01T17:04:22Z"));
    EXPECT_EQ(ids.size(), 1000u);
    for (const auto& id : ids) {
        EXPECT_TRUE(std::regex_match(id, std::regex("20261201T170422Z-[0-9a-f]{16}"))) << id;
        EXPECT_TRUE(results::is_valid_run_id(id));
    }
    EXPECT_FALSE(results::is_valid_run_id("../x"));
    EXPECT_FALSE(results::is_valid_run_id(""));
}

TEST(RunIdentity, ACommitHasOneForm) {
    EXPECT_EQ(results::canonical_commit("dc6f575a71c6f00d1234567890abcdef01234567"), "dc6f575a71c6");
    EXPECT_EQ(results::canonical_commit("DC6F575A71C6-dirty"), "dc6f575a71c6-dirty");
    EXPECT_EQ(results::canonical_commit("dc6f575"), "dc6f575");  // too short to extend without git
    EXPECT_EQ(results::canonical_commit("unknown"), "unknown");
    EXPECT_EQ(results::canonical_commit("../../x/pwned"), "");
    EXPECT_EQ(results::canonical_commit("-dirty"), "");
    EXPECT_TRUE(results::same_commit("dc6f575", "dc6f575a71c6"));
    EXPECT_TRUE(results::same_commit("dc6f575a71c6-dirty", "dc6f575-dirty"));
    EXPECT_FALSE(results::same_commit("dc6f575a71c6-dirty", "dc6f575a71c6"));
    EXPECT_FALSE(results::same_commit("dc6", "dc6f575a71c6"));  // shorter than git abbreviates
    EXPECT_FALSE(results::same_commit("dc6f575b", "dc6f575a71c6"));
}

namespace {

elf::Image image_with(std::string_view bytes) {
    elf::Image image;
    image.segments.push_back({0, std::vector<std::uint8_t>(bytes.begin(), bytes.end())});
    return image;
}

}  // namespace

TEST(ImageInfo, ReadsBoardAndCommitFromTheBlock) {
    using namespace std::string_view_literals;
    const auto info = elf::find_image_info(
        image_with("code\0\0rig-image-info:1\0board=nrf52dk\0later=field\0commit=0123456789ab-dirty\0\0rest"sv));
    ASSERT_TRUE(info);
    EXPECT_EQ(info->board, "nrf52dk");
    EXPECT_EQ(info->commit, "0123456789ab-dirty");
}

TEST(ImageInfo, ADamagedOrMissingBlockIsNone) {
    using namespace std::literals;
    EXPECT_FALSE(elf::find_image_info(image_with("no block here")));
    EXPECT_FALSE(elf::find_image_info(image_with("\0rig-image-info:1\0board=x\0commit=y"sv)));  // no end
    EXPECT_FALSE(elf::find_image_info(image_with("\0rig-image-info:1\0board=x\0\0"sv)));        // no commit
    const std::string huge = std::string("\0rig-image-info:1\0board="sv) + std::string(500, 'b') + "\0commit=y\0\0"s;
    EXPECT_FALSE(elf::find_image_info(image_with(huge)));
    // A damaged first block does not hide a good one after it.
    const auto info = elf::find_image_info(
        image_with("\0rig-image-info:1\0board=x\0junk\0rig-image-info:1\0board=b\0commit=c\0\0"sv));
    ASSERT_TRUE(info);
    EXPECT_EQ(info->board, "b");
}
