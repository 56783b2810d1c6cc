// ELF loading: a well-formed image loads with its segments and symbols; every truncation and
// corruption is an error (never a crash); an image built for another memory map is refused; a
// path that is not a regular file (directory, FIFO, device) or is too large is refused unread.
#include "host/elf/elf_image.hpp"
#include "host/util/sha256.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace {

using Bytes = std::vector<std::uint8_t>;

void put32(Bytes& b, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put16(Bytes& b, std::size_t at, std::uint16_t v) {
    b[at] = static_cast<std::uint8_t>(v);
    b[at + 1] = static_cast<std::uint8_t>(v >> 8);
}

// A minimal ARM ELF: header, one PT_LOAD program header, the segment (vector table + code),
// then a symbol table (.symtab + .strtab + a null section) naming "bench_results".
Bytes make_elf(std::uint32_t load_address, std::uint32_t stack_top, std::uint32_t reset) {
    Bytes segment(64, 0xBF);  // Thumb NOPs (0xBFBF would be IT; content does not matter here)
    put32(segment, 0, stack_top);
    put32(segment, 4, reset);
    const std::string strtab = std::string("\0bench_results\0", 15);

    const std::size_t phoff = 52, seg_off = phoff + 32, sym_off = seg_off + segment.size();
    const std::size_t str_off = sym_off + 32, sh_off = str_off + strtab.size();
    Bytes b(sh_off + 3 * 40, 0);
    std::memcpy(b.data(),
                "\x7f"
                "ELF\x01\x01\x01",
                7);
    put16(b, 16, 2);   // ET_EXEC
    put16(b, 18, 40);  // EM_ARM
    put32(b, 20, 1);
    put32(b, 24, reset);
    put32(b, 28, phoff);
    put32(b, 32, sh_off);
    put16(b, 40, 52);
    put16(b, 42, 32);
    put16(b, 44, 1);
    put16(b, 46, 40);
    put16(b, 48, 3);
    put32(b, phoff + 0, 1);  // PT_LOAD
    put32(b, phoff + 4, seg_off);
    put32(b, phoff + 8, load_address);
    put32(b, phoff + 12, load_address);
    put32(b, phoff + 16, segment.size());
    put32(b, phoff + 20, segment.size());
    std::copy(segment.begin(), segment.end(), b.begin() + seg_off);
    // symbol 1 (symbol 0 is the null symbol): name at strtab offset 1, value, size
    put32(b, sym_off + 16, 1);
    put32(b, sym_off + 20, 0x2000'0100);
    put32(b, sym_off + 24, 64);
    std::copy(strtab.begin(), strtab.end(), b.begin() + str_off);
    // section 1 = SHT_SYMTAB linking to section 2 = SHT_STRTAB
    put32(b, sh_off + 40 + 4, 2);
    put32(b, sh_off + 40 + 16, sym_off);
    put32(b, sh_off + 40 + 20, 32);
    put32(b, sh_off + 40 + 24, 2);
    put32(b, sh_off + 80 + 4, 3);
    put32(b, sh_off + 80 + 16, str_off);
    put32(b, sh_off + 80 + 20, strtab.size());
    return b;
}

rig::board::Board qemu_like_board() {
    rig::board::Board board;
    board.name = "testboard";
    board.flash = {0x0, 0x40'0000};
    board.ram = {0x2000'0000, 0x40'0000};
    return board;
}

TEST(ElfImage, AWellFormedImageLoadsWithSegmentsAndSymbols) {
    const auto image = rig::elf::parse_image(make_elf(0, 0x2040'0000, 0x41));
    ASSERT_TRUE(image) << image.error().message;
    ASSERT_EQ(image->segments.size(), 1u);
    EXPECT_EQ(image->segments[0].load_address, 0u);
    EXPECT_EQ(image->flash_bytes(), 64u);
    const auto symbol = image->find_symbol("bench_results");
    ASSERT_TRUE(symbol);
    EXPECT_EQ(symbol->address, 0x2000'0100u);
    EXPECT_EQ(symbol->size, 64u);
    EXPECT_TRUE(rig::elf::check_fits_board(*image, qemu_like_board()));
}

TEST(ElfImage, EveryTruncationIsAnErrorNotACrash) {
    const Bytes full = make_elf(0, 0x2040'0000, 0x41);
    const std::size_t segment_end = 52 + 32 + 64;  // shorter than this loses segment bytes
    for (std::size_t len = 0; len < full.size(); ++len) {
        const auto image = rig::elf::parse_image(std::span(full.data(), len));
        if (len < segment_end) {
            EXPECT_FALSE(image) << "accepted a file cut to " << len << " bytes";
        }
        if (!image) {
            EXPECT_EQ(image.error().kind, rig::ErrorKind::malformed);
        }
    }
}

TEST(ElfImage, EveryCorruptedByteIsHandled) {
    // Flip each byte of the headers in turn: the loader may accept or refuse, but must not crash
    // or read out of bounds (run under the sanitizers in the fuzz build).
    const Bytes full = make_elf(0, 0x2040'0000, 0x41);
    for (std::size_t at = 0; at < full.size(); ++at) {
        Bytes bad = full;
        bad[at] ^= 0xFF;
        (void)rig::elf::parse_image(bad);
    }
}

TEST(ElfImage, NotAnElfIsSaidPlainly) {
    const Bytes text(100, 'x');
    const auto image = rig::elf::parse_image(text);
    ASSERT_FALSE(image);
    EXPECT_NE(image.error().message.find("no ELF magic"), std::string::npos);
}

TEST(ElfImage, AnotherMachineIsRefused) {
    Bytes elf = make_elf(0, 0x2040'0000, 0x41);
    put16(elf, 18, 62);  // x86-64
    const auto image = rig::elf::parse_image(elf);
    ASSERT_FALSE(image);
    EXPECT_NE(image.error().message.find("not ARM"), std::string::npos) << image.error().message;
}

TEST(ElfImage, ASegmentOutsideFlashIsRefusedBeforeFlashing) {
    // An image linked for an nRF52-style map with flash elsewhere.
    const auto image = rig::elf::parse_image(make_elf(0x0800'0000, 0x2040'0000, 0x0800'0041));
    ASSERT_TRUE(image) << image.error().message;
    const auto fits = rig::elf::check_fits_board(*image, qemu_like_board());
    ASSERT_FALSE(fits);
    EXPECT_NE(fits.error().message.find("outside flash"), std::string::npos) << fits.error().message;
    EXPECT_NE(fits.error().message.find("testboard"), std::string::npos);
}

TEST(ElfImage, AStackOutsideRamIsRefused) {
    const auto image = rig::elf::parse_image(make_elf(0, 0x2100'0000, 0x41));
    ASSERT_TRUE(image) << image.error().message;
    const auto fits = rig::elf::check_fits_board(*image, qemu_like_board());
    ASSERT_FALSE(fits);
    EXPECT_NE(fits.error().message.find("stack pointer"), std::string::npos);
}

TEST(ElfImage, AResetVectorThatIsNotThumbIsRefused) {
    const auto image = rig::elf::parse_image(make_elf(0, 0x2040'0000, 0x40));
    ASSERT_TRUE(image) << image.error().message;
    const auto fits = rig::elf::check_fits_board(*image, qemu_like_board());
    ASSERT_FALSE(fits);
    EXPECT_NE(fits.error().message.find("Thumb"), std::string::npos);
}

TEST(ElfImage, AMissingFileIsNotFound) {
    const auto image = rig::elf::load_image("/nonexistent/firmware.elf");
    ASSERT_FALSE(image);
    EXPECT_EQ(image.error().kind, rig::ErrorKind::not_found);
}

// A fresh private folder for the file-kind tests, removed at the end.
struct TempDir {
    TempDir() {
        std::string name = (std::filesystem::temp_directory_path() / "rig_elf_test_XXXXXX").string();
        if (!::mkdtemp(name.data())) throw std::runtime_error("mkdtemp failed");
        path = name;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::filesystem::path path;
};

TEST(ElfImage, ADirectoryIsRefusedAsNotARegularFile) {
    TempDir dir;
    const auto image = rig::elf::load_image(dir.path);
    ASSERT_FALSE(image);
    EXPECT_EQ(image.error().kind, rig::ErrorKind::invalid_argument);
    EXPECT_NE(image.error().message.find("not a regular file (a directory)"), std::string::npos)
        << image.error().message;
}

TEST(ElfImage, AFifoIsRefusedWithoutWaitingForAWriter) {
    TempDir dir;
    const auto fifo = dir.path / "image.fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const auto started = std::chrono::steady_clock::now();
    const auto image = rig::elf::load_image(fifo);
    ASSERT_FALSE(image);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
    EXPECT_EQ(image.error().kind, rig::ErrorKind::invalid_argument);
    EXPECT_NE(image.error().message.find("not a regular file (a FIFO)"), std::string::npos) << image.error().message;
}

TEST(ElfImage, DevZeroIsRefusedUnread) {
    const auto image = rig::elf::load_image("/dev/zero");
    ASSERT_FALSE(image);
    EXPECT_NE(image.error().message.find("not a regular file (a character device)"), std::string::npos)
        << image.error().message;
    EXPECT_EQ(rig::util::sha256_of_file("/dev/zero"), "");
}

TEST(ElfImage, AnImageOverTheCapIsRefusedUnread) {
    TempDir dir;
    const auto big = dir.path / "big.elf";
    std::ofstream(big).put('\x7f');
    std::filesystem::resize_file(big, rig::elf::max_image_bytes + 1);  // sparse: costs no disk
    const auto image = rig::elf::load_image(big);
    ASSERT_FALSE(image);
    EXPECT_EQ(image.error().kind, rig::ErrorKind::invalid_argument);
    EXPECT_NE(image.error().message.find("65 MiB, larger than the 64 MiB accepted"), std::string::npos)
        << image.error().message;
}

TEST(ElfImage, ReadImageFileHashesWhatItParses) {
    TempDir dir;
    const auto file = dir.path / "fw.elf";
    const Bytes elf = make_elf(0x0, 0x2040'0000, 0x41);
    std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(elf.data()), elf.size());
    const auto bytes = rig::elf::read_image_file(file);
    ASSERT_TRUE(bytes) << bytes.error().message;
    EXPECT_EQ(*bytes, elf);
    EXPECT_EQ(rig::util::sha256_of_bytes(*bytes), rig::util::sha256_of_file(file));
    EXPECT_EQ(rig::util::sha256_of_bytes(Bytes{}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
