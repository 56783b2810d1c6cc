// The rig's defaults (host/config/): rig.toml parsing and the order in which a default is found —
// environment, rig.toml upward from the working directory, the checkout, the install, XDG.
#include "host/config/paths.hpp"
#include "host/config/rig_toml.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>

namespace fs = std::filesystem;
using rig::config::Environment;

namespace {

class ConfigLocations : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("rig-config-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root_);
        fs::create_directories(root_);
        vars_["HOME"] = (root_ / "home").string();
    }
    void TearDown() override { fs::remove_all(root_); }

    void write(const fs::path& file, const std::string& text) {
        fs::create_directories(file.parent_path());
        std::ofstream(file) << text;
    }
    // A checkout as the rig recognises one, with a build tree holding the program.
    fs::path make_checkout() {
        fs::path c = root_ / "checkout";
        fs::create_directories(c / "boards");
        write(c / "firmware" / "Cargo.toml", "");
        write(c / "host" / "CMakeLists.txt", "");
        write(c / "build" / "CMakeCache.txt", "");
        return c;
    }
    Environment env(const fs::path& cwd, const fs::path& exe) {
        Environment e;
        e.cwd = cwd;
        e.executable = exe;
        e.variable = [this](const char* name) -> const char* {
            auto it = vars_.find(name);
            return it == vars_.end() ? nullptr : it->second.c_str();
        };
        return e;
    }

    fs::path root_;
    std::map<std::string, std::string> vars_;
};

TEST_F(ConfigLocations, ACheckoutsProgramUsesTheCheckout) {
    const auto c = make_checkout();
    auto l = rig::config::resolve(env(root_, c / "build" / "bin" / "rig"));
    ASSERT_TRUE(l) << l.error().message;
    EXPECT_EQ(l->checkout, c);
    EXPECT_EQ(l->build_dir, c / "build");
    EXPECT_EQ(l->results_dir.path, c / "results");
    EXPECT_EQ(l->history.path, c / "results" / "history.sqlite");
    EXPECT_EQ(l->thresholds.path, c / "config" / "compare_thresholds.toml");
    EXPECT_TRUE(l->images_are_build);
    EXPECT_EQ(l->image_for("qemu_mps2_an386"),
              c / "build" / "firmware" / "thumbv7em-none-eabi" / "release" / "qemu_mps2_an386");
    ASSERT_FALSE(l->boards.folders.empty());
    EXPECT_EQ(l->boards.folders.back().path, c / "boards");
}

TEST_F(ConfigLocations, AnInstalledProgramUsesShareAndXdg) {
    const fs::path prefix = root_ / "prefix";
    fs::create_directories(prefix / "share" / "kernel-rig" / "images");
    write(prefix / "share" / "kernel-rig" / "images" / "qemu_mps2_an386.elf", "");
    vars_["XDG_DATA_HOME"] = (root_ / "data").string();
    auto l = rig::config::resolve(env(root_, prefix / "bin" / "rig"));
    ASSERT_TRUE(l) << l.error().message;
    EXPECT_FALSE(l->checkout);
    EXPECT_EQ(l->results_dir.path, root_ / "data" / "kernel-rig" / "results");
    EXPECT_EQ(l->results_dir.origin, "XDG_DATA_HOME");
    EXPECT_EQ(l->thresholds.path, prefix / "share" / "kernel-rig" / "config" / "compare_thresholds.toml");
    EXPECT_FALSE(l->images_are_build);
    EXPECT_EQ(l->image_for("qemu_mps2_an386"), prefix / "share" / "kernel-rig" / "images" / "qemu_mps2_an386.elf");
    EXPECT_EQ(l->boards.folders.back().path, prefix / "share" / "kernel-rig" / "boards");
    EXPECT_EQ(l->boards.folders.back().origin, "installed");
}

TEST_F(ConfigLocations, RigTomlUpwardFromTheWorkingDirectoryBeatsTheCheckout) {
    const auto c = make_checkout();
    write(root_ / "bench" / "rig.toml",
          "results_dir = \"out\"\nimages = \"/opt/images\"\nboards_path = [\"my-boards\"]\n");
    fs::create_directories(root_ / "bench" / "deep" / "er");
    auto l = rig::config::resolve(env(root_ / "bench" / "deep" / "er", c / "build" / "bin" / "rig"));
    ASSERT_TRUE(l) << l.error().message;
    EXPECT_EQ(l->rig_toml, root_ / "bench" / "rig.toml");
    EXPECT_EQ(l->results_dir.path, root_ / "bench" / "out");  // relative to rig.toml's folder
    EXPECT_EQ(l->history.path, root_ / "bench" / "out" / "history.sqlite");
    EXPECT_EQ(l->images.path, "/opt/images");
    EXPECT_FALSE(l->images_are_build);  // not the checkout's build: no freshness check against it
    ASSERT_EQ(l->boards.folders.size(), 2u);
    EXPECT_EQ(l->boards.folders[0].path, root_ / "bench" / "my-boards");
    EXPECT_EQ(l->boards.folders[1].path, c / "boards");
}

TEST_F(ConfigLocations, EnvironmentBeatsRigToml) {
    const auto c = make_checkout();
    write(root_ / "rig.toml", "results_dir = \"from-toml\"\nhistory = \"h.sqlite\"\n");
    vars_["RIG_RESULTS_DIR"] = "/srv/results";
    vars_["RIG_THRESHOLDS"] = "t.toml";
    vars_["RIG_IMAGES"] = "/srv/images";
    auto l = rig::config::resolve(env(root_, c / "build" / "bin" / "rig"));
    ASSERT_TRUE(l) << l.error().message;
    EXPECT_EQ(l->results_dir.path, "/srv/results");
    EXPECT_EQ(l->results_dir.origin, "RIG_RESULTS_DIR");
    EXPECT_EQ(l->history.path, root_ / "h.sqlite");   // rig.toml still gives what the environment does not
    EXPECT_EQ(l->thresholds.path, root_ / "t.toml");  // relative to the working directory
    EXPECT_EQ(l->images.path, "/srv/images");
}

TEST_F(ConfigLocations, AnUnknownKeyIsRefusedNamingFileAndLine) {
    write(root_ / "rig.toml", "results_dir = \"r\"\n\nresult_dir = \"typo\"\n");
    auto l = rig::config::resolve(env(root_, root_ / "bin" / "rig"));
    ASSERT_FALSE(l);
    EXPECT_EQ(l.error().kind, rig::ErrorKind::malformed);
    EXPECT_NE(l.error().message.find((root_ / "rig.toml").string() + ":3: unknown key 'result_dir'"), std::string::npos)
        << l.error().message;
}

TEST_F(ConfigLocations, AWrongTypeOrBadTomlIsRefusedNamingTheLine) {
    auto wrong = rig::config::parse_rig_toml("history = 3\n", "/x/rig.toml");
    ASSERT_FALSE(wrong);
    EXPECT_NE(wrong.error().message.find("/x/rig.toml:1: 'history' must be a path"), std::string::npos)
        << wrong.error().message;
    auto list = rig::config::parse_rig_toml("\nboards_path = \"boards\"\n", "/x/rig.toml");
    ASSERT_FALSE(list);
    EXPECT_NE(list.error().message.find("/x/rig.toml:2: 'boards_path' must be a list"), std::string::npos)
        << list.error().message;
    auto broken = rig::config::parse_rig_toml("results_dir = \n", "/x/rig.toml");
    ASSERT_FALSE(broken);
    EXPECT_NE(broken.error().message.find("/x/rig.toml:1: not valid TOML"), std::string::npos)
        << broken.error().message;
}

}  // namespace
