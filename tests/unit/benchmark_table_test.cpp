// The benchmark catalogue reader (host/elf/benchmark_table.cpp) on blocks built as the firmware's
// `benchmarks!` macro lays them out, and on damaged ones.
#include "host/elf/benchmark_table.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rig::elf {
namespace {

Image image_with(const std::string& bytes) {
    Image image;
    Segment segment;
    segment.load_address = 0;
    const std::string padded = "\x01\x02junk" + bytes + "more";
    segment.data.assign(padded.begin(), padded.end());
    image.segments.push_back(segment);
    return image;
}

const std::string magic("\0rig-benchmarks:1\0", 18);
std::string row(const std::string& name, const std::string& parameter, const std::string& what) {
    return name + '\0' + parameter + '\0' + what + '\0';
}

TEST(BenchmarkTable, ReadsRowsInOrderWithFullNamesAndFamilies) {
    const auto table = find_benchmark_table(
        image_with(magic + row("counter/overhead", "0", "raw") + row("cell/copy", "64", "copy it") + '\0'));
    ASSERT_TRUE(table.has_value());
    ASSERT_EQ(table->size(), 2u);
    EXPECT_EQ((*table)[0].full_name(), "counter/overhead");
    EXPECT_EQ((*table)[1].full_name(), "cell/copy/64");
    EXPECT_EQ((*table)[1].family(), "cell");
    EXPECT_EQ((*table)[1].parameter, 64u);
    EXPECT_EQ((*table)[1].description, "copy it");
}

TEST(BenchmarkTable, DamagedOrMissingBlocksAreNone) {
    EXPECT_FALSE(find_benchmark_table(image_with("no catalogue here")).has_value());
    EXPECT_FALSE(find_benchmark_table(image_with(magic + '\0')).has_value());  // empty
    EXPECT_FALSE(find_benchmark_table(image_with(magic + row("a/b", "x4", "bad number") + '\0')).has_value());
    EXPECT_FALSE(find_benchmark_table(image_with(magic + row("a/b", "", "no number") + '\0')).has_value());
    EXPECT_FALSE(find_benchmark_table(image_with(magic + row("a/b", "4", "unterminated"))).has_value());
    EXPECT_FALSE(find_benchmark_table(image_with(magic + std::string(600, 'x') + '\0')).has_value());
}

TEST(BenchmarkTable, AFalseMagicBeforeTheRealBlockIsSkipped) {
    const auto table = find_benchmark_table(image_with(magic + "x" + magic + row("a/b", "0", "d") + '\0'));
    ASSERT_TRUE(table.has_value());
    EXPECT_EQ(table->front().name, "a/b");
}

}  // namespace
}  // namespace rig::elf
