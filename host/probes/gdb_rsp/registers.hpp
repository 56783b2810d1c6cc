// Register layout of a GDB server's `g` packet, from its target description or a default,
// and the register values read with `g` / written with `G`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/probes/gdb_rsp/packet.hpp"

namespace rig::probes::gdb_rsp {

struct RegisterInfo {
    std::string name;
    unsigned bits = 32;
    unsigned number = 0;  // GDB's remote register number (regnum)
};

// Registers in `g` packet order: sorted by number, each taking bits/8 bytes (target byte order,
// little-endian on every ARM we drive).
class RegisterLayout {
public:
    RegisterLayout() = default;
    explicit RegisterLayout(std::vector<RegisterInfo> registers);

    // Parses the <reg> elements of one or more target-description XML documents, in document
    // order: numbers count up from 0 and restart at any regnum="" attribute. A bitsize or regnum
    // that is not a decimal number yields an empty layout, which callers treat as "no description".
    static RegisterLayout from_target_xml(const std::vector<std::string>& documents);

    // GDB's legacy ARM layout, what QEMU sends when no target description was read:
    // r0..r12, sp, lr, pc, eight 96-bit FPA registers, fps, then xpsr as register 25.
    static RegisterLayout arm_legacy();

    const std::vector<RegisterInfo>& registers() const { return registers_; }
    std::optional<std::size_t> offset_of(std::string_view name) const;
    const RegisterInfo* find(std::string_view name) const;

private:
    std::vector<RegisterInfo> registers_;
};

// `href` values of <xi:include> elements, to fetch the documents a target.xml pulls in.
std::vector<std::string> xml_includes(std::string_view document);

// The raw `g` bytes plus the layout that names them. A reply may be shorter than the layout
// (GDB allows that): registers past its end are unavailable.
class RegisterFile {
public:
    RegisterFile(RegisterLayout layout, Bytes raw);

    std::optional<std::uint64_t> get(std::string_view name) const;
    // False if the register is unknown or not covered by the reply.
    bool set(std::string_view name, std::uint64_t value);

    const Bytes& raw() const { return raw_; }
    const RegisterLayout& layout() const { return layout_; }
    std::size_t available_count() const;  // registers fully covered by the reply

private:
    RegisterLayout layout_;
    Bytes raw_;
};

}  // namespace rig::probes::gdb_rsp
