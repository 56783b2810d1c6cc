// Every board's firmware image checked statically against its board file. Real boards cannot run
// here, so CI proves what it can about their images: the vector table at the start of flash, the
// reset vector inside flash, the initial stack pointer inside RAM, the image inside flash, static
// data below the kernel stack, and that a board whose RAM the image does not fit refuses it.
#include "host/board/board.hpp"
#include "host/elf/elf_image.hpp"

#include <gtest/gtest.h>
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path boards_dir = fs::path(RIG_SOURCE_DIR) / "boards";
const fs::path image_dir = fs::path(RIG_BINARY_DIR) / "firmware/thumbv7em-none-eabi/release";

// Board names from the board files present, sorted: one test instance per file.
std::vector<std::string> board_names() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(boards_dir))
        if (entry.path().extension() == ".toml") names.push_back(entry.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

rig::board::Board board_named(const std::string& name) {
    auto board = rig::board::find_board(name, boards_dir);
    if (!board) ADD_FAILURE() << board.error().message;
    return board ? *board : rig::board::Board{};
}

// The image a board file names, loaded once per test; an empty image (and a failure) if missing.
rig::elf::Image image_for(const rig::board::Board& board) {
    const auto file = image_dir / board.image_name();
    if (!fs::exists(file)) {
        ADD_FAILURE() << file << " was not built: the default build builds every image in RIG_FIRMWARE_BOARDS "
                      << "and RIG_FIRMWARE_VARIANTS (firmware/CMakeLists.txt); is " << board.image_name()
                      << " listed there?";
        return {};
    }
    auto image = rig::elf::load_image(file);
    if (!image) ADD_FAILURE() << image.error().message;
    return image ? *image : rig::elf::Image{};
}

std::uint32_t symbol_address(const rig::elf::Image& image, const std::string& name) {
    const auto symbol = image.find_symbol(name);
    if (!symbol) ADD_FAILURE() << "symbol " << name << " missing from the image (the board's layout.ld defines it)";
    return symbol ? symbol->address : 0;
}

class BoardImage : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        board_ = board_named(GetParam());
        ASSERT_FALSE(board_.firmware_package.empty()) << GetParam() << ": no firmware package";
        image_ = image_for(board_);
        ASSERT_FALSE(image_.segments.empty()) << "no loadable segments for " << GetParam();
    }

    rig::board::Board board_;
    rig::elf::Image image_;
};

TEST_P(BoardImage, FitsItsOwnBoardFile) {
    const auto fits = rig::elf::check_fits_board(image_, board_);
    EXPECT_TRUE(fits) << (fits ? "" : fits.error().message);
    EXPECT_LE(image_.flash_bytes(), board_.flash.length);
}

TEST_P(BoardImage, VectorTableStartsFlashWithStackTopAndResetHandler) {
    const auto vectors = image_.vector_table_at(board_.flash.origin);
    ASSERT_TRUE(vectors) << "no vector table at " << board_.flash.origin;
    const auto [stack_pointer, reset] = *vectors;
    EXPECT_EQ(stack_pointer, symbol_address(image_, "_stack_top"));
    EXPECT_EQ(stack_pointer, board_.ram.end()) << "the kernel stack starts at the top of RAM";
    EXPECT_EQ(reset & 1u, 1u) << "reset vector must be a Thumb address";
    EXPECT_EQ(reset & ~1u, symbol_address(image_, "rig_reset") & ~1u);
    EXPECT_EQ(reset & ~1u, image_.entry & ~1u) << "ELF entry and reset vector differ";
    EXPECT_TRUE(board_.flash.contains(reset & ~1u, 2));
}

TEST_P(BoardImage, StaticDataAndKernelStackFitInRam) {
    const auto data_start = symbol_address(image_, "_sdata");
    const auto bss_end = symbol_address(image_, "_ebss");
    const auto stack_top = symbol_address(image_, "_stack_top");
    // Real boards reserve the kernel stack explicitly; QEMU's 4 MiB leaves room without one.
    const auto bottom = image_.find_symbol("_stack_bottom");
    if (board_.probe.kind != rig::board::ProbeKind::qemu_gdb) {
        EXPECT_TRUE(bottom) << "real boards' layout.ld must reserve the kernel stack (_stack_bottom)";
    }
    const auto stack_bottom = bottom ? bottom->address : bss_end;

    EXPECT_TRUE(board_.ram.contains(data_start, 0));
    EXPECT_LE(data_start, bss_end);
    EXPECT_LE(bss_end, stack_bottom) << ".data + .bss run into the kernel stack";
    EXPECT_LE(stack_bottom, stack_top);
    EXPECT_LE(std::uint64_t{stack_top}, board_.ram.end());
    const std::uint64_t ram_used = (bss_end - data_start) + (stack_top - stack_bottom);
    EXPECT_LE(ram_used, board_.ram.length) << ".data + .bss + kernel stack = " << ram_used << " bytes";
}

TEST_P(BoardImage, InitialisedDataIsStoredInFlash) {
    // .data is copied from _sidata at reset: its load image must be in flash, not RAM.
    const auto load = symbol_address(image_, "_sidata");
    const auto size = symbol_address(image_, "_edata") - symbol_address(image_, "_sdata");
    EXPECT_TRUE(board_.flash.contains(load, size));
}

TEST_P(BoardImage, CarriesItsBoardNameForHello) {
    // HELLO announces the board name; the host matches it with the board file's name, or the
    // name a file running another board's firmware gives (firmware_board).
    const std::string& name = board_.hello_name();
    bool found = false;
    for (const auto& segment : image_.segments)
        found = found ||
                std::search(segment.data.begin(), segment.data.end(), name.begin(), name.end()) != segment.data.end();
    EXPECT_TRUE(found) << "the string \"" << name << "\" is not in the image";
}

TEST_P(BoardImage, RefusedByBoardsWhoseRamItsStackDoesNotFit) {
    const auto stack_top = symbol_address(image_, "_stack_top");
    int refusals = 0;
    for (const auto& other_name : board_names()) {
        const auto other = board_named(other_name);
        if (stack_top > other.ram.origin && stack_top <= other.ram.end()) continue;
        ++refusals;
        const auto fits = rig::elf::check_fits_board(image_, other);
        ASSERT_FALSE(fits) << board_.name << "'s image (stack top " << stack_top << ") accepted by " << other.name;
        EXPECT_NE(fits.error().message.find("stack pointer"), std::string::npos) << fits.error().message;
    }
    RecordProperty("refusing_boards", refusals);
}

INSTANTIATE_TEST_SUITE_P(EveryBoardFile, BoardImage, ::testing::ValuesIn(board_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// The cases the maps make interesting, named: the 1 MiB / 256 KiB nRF52840 image is small enough
// for the nRF52832's 512 KiB flash, so only the RAM check (initial SP above 64 KiB) refuses it.
TEST(BoardImageMismatch, Nrf52840dkImageIsRefusedByTheNrf52dkBoard) {
    const auto nrf52840dk = board_named("nrf52840dk");
    const auto nrf52dk = board_named("nrf52dk");
    const auto image = image_for(nrf52840dk);
    ASSERT_FALSE(image.segments.empty());
    ASSERT_LE(image.flash_bytes(), nrf52dk.flash.length) << "premise: the image would fit the smaller flash";
    const auto fits = rig::elf::check_fits_board(image, nrf52dk);
    ASSERT_FALSE(fits);
    EXPECT_NE(fits.error().message.find("initial stack pointer 0x20040000"), std::string::npos) << fits.error().message;
}

TEST(BoardImageMismatch, QemuImageIsRefusedByEveryRealBoard) {
    const auto image = image_for(board_named("qemu_mps2_an386"));
    ASSERT_FALSE(image.segments.empty());
    for (const auto& name : {"nrf52840dk", "nrf52dk", "sam4l_xplained"}) {
        const auto fits = rig::elf::check_fits_board(image, board_named(name));
        EXPECT_FALSE(fits) << "QEMU image accepted by " << name;
    }
}

TEST(BoardImageMismatch, SameMapBoardsAcceptEachOthersImagesSoTheImagesMustDiffer) {
    // nRF52 DK and SAM4L Xplained Pro share a map (512 KiB / 64 KiB): the static check cannot
    // tell their images apart, so this pins down that limit, and that the images do differ.
    const auto nrf52dk = board_named("nrf52dk");
    const auto sam4l = board_named("sam4l_xplained");
    const auto nrf_image = image_for(nrf52dk);
    const auto sam_image = image_for(sam4l);
    ASSERT_FALSE(nrf_image.segments.empty());
    ASSERT_FALSE(sam_image.segments.empty());
    EXPECT_TRUE(rig::elf::check_fits_board(nrf_image, sam4l));
    EXPECT_TRUE(rig::elf::check_fits_board(sam_image, nrf52dk));
    EXPECT_NE(nrf_image.segments.front().data, sam_image.segments.front().data);
}

}  // namespace
