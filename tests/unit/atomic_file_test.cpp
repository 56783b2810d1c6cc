// Results are written whole or not at all, and never over something that is not a file: a device
// (once /dev/null became a regular file), a FIFO, a folder. A file keeps its mode; a link stays a
// link. Real files in a scratch folder.
#include "host/util/atomic_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;
using rig::util::check_can_write_atomically;
using rig::util::write_file_atomically;

class AtomicFile : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::path(::testing::TempDir()) / ("rig_atomic_file_" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ignored;
        fs::permissions(dir_, fs::perms::owner_all, ignored);
        fs::remove_all(dir_, ignored);
    }
    static std::string read(const fs::path& file) {
        std::ifstream in(file, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), {}};
    }
    fs::path dir_;
};

TEST_F(AtomicFile, ANewFileIsReadableByAllAndNothingElseIsLeft) {
    ASSERT_TRUE(write_file_atomically(dir_ / "new.json", "{}\n"));
    EXPECT_EQ(read(dir_ / "new.json"), "{}\n");
    EXPECT_EQ(fs::status(dir_ / "new.json").permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
    EXPECT_EQ(std::distance(fs::directory_iterator(dir_), {}), 1) << "a temporary file was left";
}

TEST_F(AtomicFile, AFileThatIsThereKeepsItsMode) {
    std::ofstream(dir_ / "kept.xml") << "old";
    fs::permissions(dir_ / "kept.xml", fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    ASSERT_TRUE(write_file_atomically(dir_ / "kept.xml", "new"));
    EXPECT_EQ(read(dir_ / "kept.xml"), "new");
    EXPECT_EQ(fs::status(dir_ / "kept.xml").permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
}

TEST_F(AtomicFile, ALinkStaysALinkAndItsFileIsReplaced) {
    std::ofstream(dir_ / "target.json") << "old";
    fs::create_symlink("target.json", dir_ / "latest.json");
    ASSERT_TRUE(write_file_atomically(dir_ / "latest.json", "new"));
    EXPECT_TRUE(fs::is_symlink(dir_ / "latest.json"));
    EXPECT_EQ(read(dir_ / "target.json"), "new");
}

TEST_F(AtomicFile, ADanglingLinkStaysALinkAndItsFileIsMade) {
    fs::create_directories(dir_ / "runs");
    fs::create_symlink("runs/today.json", dir_ / "latest.json");
    ASSERT_TRUE(write_file_atomically(dir_ / "latest.json", "new"));
    EXPECT_TRUE(fs::is_symlink(dir_ / "latest.json"));
    EXPECT_EQ(read(dir_ / "runs" / "today.json"), "new");
}

TEST_F(AtomicFile, ADeviceAFifoOrAFolderIsRefusedAndLeftAsItWas) {
    ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0600), 0);
    fs::create_directories(dir_ / "folder");
    for (const auto& [target, what] : {std::pair<fs::path, std::string>{"/dev/null", "a device"},
                                       {dir_ / "fifo", "a FIFO"},
                                       {dir_ / "folder", "a folder"}}) {
        const auto checked = check_can_write_atomically(target);
        ASSERT_FALSE(checked) << target;
        EXPECT_EQ(checked.error().kind, rig::ErrorKind::invalid_argument);
        EXPECT_NE(checked.error().message.find(what), std::string::npos) << checked.error().message;
        // The writer itself is tried on this test's own FIFO and folder only: were its check ever
        // broken, a test run as root would replace the machine's /dev/null.
        if (target == "/dev/null") continue;
        const auto written = write_file_atomically(target, "x");
        ASSERT_FALSE(written) << target;
        EXPECT_EQ(written.error().kind, rig::ErrorKind::invalid_argument);
    }
    EXPECT_TRUE(fs::is_character_file("/dev/null"));
    EXPECT_TRUE(fs::is_fifo(dir_ / "fifo"));
    EXPECT_TRUE(fs::is_directory(dir_ / "folder"));
}

TEST_F(AtomicFile, AMissingFolderIsFoundBeforehand) {
    const auto missing = check_can_write_atomically(dir_ / "no" / "x.json");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind, rig::ErrorKind::io);
    EXPECT_NE(missing.error().message.find("does not exist"), std::string::npos) << missing.error().message;
    EXPECT_TRUE(check_can_write_atomically(dir_ / "x.json"));
    EXPECT_FALSE(fs::exists(dir_ / "x.json")) << "the check wrote the file";
}

TEST_F(AtomicFile, AFolderWithoutWritePermissionIsFoundBeforehand) {
    if (::geteuid() == 0) GTEST_SKIP() << "root writes into read-only folders";
    fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec);
    const auto locked = check_can_write_atomically(dir_ / "x.json");
    ASSERT_FALSE(locked);
    EXPECT_EQ(locked.error().kind, rig::ErrorKind::io);
}

}  // namespace
