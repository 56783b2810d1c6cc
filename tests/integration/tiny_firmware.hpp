// Tiny hand-made firmware images for the QEMU board (mps2-an386): one segment at 0x0, no
// toolchain needed. A silent one (never says anything) and a chatty one that prints a text
// banner on UART0 instead of the rig's frames, as another RTOS's image would.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace rig::test_support {

// A one-segment firmware image at 0x0: the initial SP (top of RAM), the reset vector (the Thumb
// code right after it, at 0x8) and `code`.
inline std::filesystem::path write_tiny_firmware(const std::filesystem::path& dir, const std::string& name,
                                                 const std::vector<std::uint8_t>& code) {
    const std::size_t segment = 8 + code.size();
    std::vector<std::uint8_t> elf(52 + 32 + segment, 0);
    const auto put32 = [&](std::size_t at, std::uint32_t v) {
        for (int i = 0; i < 4; ++i) elf[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
    };
    const auto put16 = [&](std::size_t at, std::uint16_t v) {
        elf[at] = static_cast<std::uint8_t>(v);
        elf[at + 1] = static_cast<std::uint8_t>(v >> 8);
    };
    std::memcpy(elf.data(),
                "\x7f"
                "ELF\x01\x01\x01",
                7);
    put16(16, 2);   // executable
    put16(18, 40);  // ARM
    put32(20, 1);
    put32(24, 0x9);
    put32(28, 52);  // program headers right after the ELF header
    put16(40, 52);
    put16(42, 32);
    put16(44, 1);
    put32(52 + 0, 1);  // PT_LOAD of the segment at 0x0
    put32(52 + 4, 84);
    put32(52 + 16, static_cast<std::uint32_t>(segment));
    put32(52 + 20, static_cast<std::uint32_t>(segment));
    put32(84 + 0, 0x2040'0000);  // initial SP: top of RAM
    put32(84 + 4, 0x9);          // reset vector: the Thumb code at 0x8
    std::copy(code.begin(), code.end(), elf.begin() + 84 + 8);
    auto file = dir / name;
    std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(elf.data()), elf.size());
    return file;
}

// A firmware image whose reset handler is `b .`: it flashes and boots, then never says HELLO.
inline std::filesystem::path write_silent_firmware(const std::filesystem::path& dir) {
    return write_tiny_firmware(dir, "silent.elf", {0xFE, 0xE7, 0, 0, 0, 0, 0, 0});  // b .
}

// A firmware that prints a banner on UART0 (CMSDK APB UART at 0x40004000) and stops: text, not
// the rig's frames, as another RTOS's image would send.
inline std::filesystem::path write_chatty_firmware(const std::filesystem::path& dir, const std::string& banner) {
    const std::vector<std::uint16_t> thumb = {
        0x4807,  // 0x08        ldr  r0, =0x40004000 (the literal at 0x28)
        0x2110,  // 0x0a        movs r1, #16
        0x6101,  // 0x0c        str  r1, [r0, #16]    BAUDDIV
        0x2101,  // 0x0e        movs r1, #1
        0x6081,  // 0x10        str  r1, [r0, #8]     CTRL = TX enable
        0xA206,  // 0x12        adr  r2, banner (0x2c)
        0x7811,  // 0x14 loop:  ldrb r1, [r2]
        0x2900,  // 0x16        cmp  r1, #0
        0xD005,  // 0x18        beq  done
        0x6843,  // 0x1a wait:  ldr  r3, [r0, #4]     STATE
        0x07DB,  // 0x1c        lsls r3, r3, #31      TX full?
        0xD4FC,  // 0x1e        bmi  wait
        0x6001,  // 0x20        str  r1, [r0]         DATA
        0x3201,  // 0x22        adds r2, #1
        0xE7F6,  // 0x24        b    loop
        0xE7FE,  // 0x26 done:  b    .
    };
    std::vector<std::uint8_t> code;
    for (const auto half : thumb)
        code.insert(code.end(), {static_cast<std::uint8_t>(half), static_cast<std::uint8_t>(half >> 8)});
    code.insert(code.end(), {0x00, 0x40, 0x00, 0x40});  // 0x28: 0x40004000
    code.insert(code.end(), banner.begin(), banner.end());
    code.insert(code.end(), {0, 0, 0, 0});
    return write_tiny_firmware(dir, "chatty.elf", code);
}

}  // namespace rig::test_support
