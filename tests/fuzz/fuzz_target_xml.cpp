// Target-description XML from a GDB server (qXfer:features:read): the <reg> reader and the
// <xi:include> finder, then a `g` reply read through the resulting layout. Documents are split
// at NUL bytes. Invariants: registers come out sorted by number; offsets grow with position.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "host/probes/gdb_rsp/registers.hpp"
#include "tests/fuzz/fuzz_target.hpp"

using namespace rig::probes::gdb_rsp;

RIG_FUZZ_TARGET(target_xml) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> documents;
    for (std::size_t start = 0; start <= input.size();) {
        const std::size_t end = std::min(input.find('\0', start), input.size());
        documents.push_back(input.substr(start, end - start));
        start = end + 1;
    }
    for (const std::string& document : documents) {
        for (const std::string& href : xml_includes(document)) FUZZ_CHECK(href.find('"') == std::string::npos);
    }

    const RegisterLayout layout = RegisterLayout::from_target_xml(documents);
    const auto& registers = layout.registers();
    for (std::size_t i = 1; i < registers.size(); ++i) FUZZ_CHECK(registers[i - 1].number <= registers[i].number);

    // A `g` reply made of the input itself, shorter or longer than the layout.
    RegisterFile file(layout, Bytes(data, data + size));
    FUZZ_CHECK(file.available_count() <= registers.size());
    for (const RegisterInfo& info : registers) {
        const auto offset = layout.offset_of(info.name);
        FUZZ_CHECK(offset.has_value());
        if (auto value = file.get(info.name)) {
            // A name may repeat; lookups by name find its first register.
            FUZZ_CHECK(*offset + layout.find(info.name)->bits / 8 <= size);
            if (file.set(info.name, *value)) FUZZ_CHECK(file.get(info.name) == value);
        }
    }
    return 0;
}
