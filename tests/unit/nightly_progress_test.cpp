// What `rig nightly` prints while it works: whole lines always; a status line redrawn in place only
// on a terminal, erased before each line and drawn again after it; nothing of it into a file.
#include "host/nightly/progress.hpp"

#include <gtest/gtest.h>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

using namespace rig::nightly;

namespace {

std::string written(std::FILE* f) {
    std::fflush(f);
    std::rewind(f);
    std::string text;
    for (int c; (c = std::fgetc(f)) != EOF;) text += static_cast<char>(c);
    return text;
}

TEST(NightlyProgress, NotATerminalGetsOnlyTheLines) {
    std::FILE* f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    EXPECT_FALSE(is_terminal(f));
    ProgressPrinter p(f, false);
    p.status("0:03 [1/2] abc building 3 s");
    p.line("0:04 [1/2] abc: firmware built in 4.0 s");
    p.status("0:05 [1/2] abc measuring");
    p.clear_status();
    EXPECT_EQ(written(f), "0:04 [1/2] abc: firmware built in 4.0 s\n");
    std::fclose(f);
}

TEST(NightlyProgress, OnATerminalTheStatusLineIsRedrawnUnderTheLines) {
    std::FILE* f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    ProgressPrinter p(f, true);
    p.status("building 1 s");
    p.status("building 2 s");
    p.line("built");
    p.clear_status();
    EXPECT_EQ(written(f), "building 1 s\r\033[Kbuilding 2 s\r\033[Kbuilt\nbuilding 2 s\r\033[K");
    std::fclose(f);
}

TEST(NightlyProgress, LinesFromManyThreadsStayWhole) {
    std::FILE* f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    ProgressPrinter p(f, false);
    std::vector<std::thread> threads;
    threads.reserve(4);
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int n = 0; n < 200; ++n) p.line(std::string(60, static_cast<char>('a' + t)));
        });
    for (auto& t : threads) t.join();
    const auto text = written(f);
    std::size_t lines = 0;
    for (std::size_t at = 0; at < text.size(); at += 61, ++lines) {
        ASSERT_EQ(text[at + 60], '\n');
        EXPECT_EQ(text.substr(at, 60), std::string(60, text[at]));
    }
    EXPECT_EQ(lines, 800u);
    std::fclose(f);
}

TEST(NightlyProgress, ClockReadsMinutesAndSeconds) {
    EXPECT_EQ(clock_of(std::chrono::seconds(0)), "0:00");
    EXPECT_EQ(clock_of(std::chrono::seconds(65)), "1:05");
    EXPECT_EQ(clock_of(std::chrono::seconds(3725)), "1:02:05");
}

}  // namespace
