// The paper table from a synthetic run: verdicts follow the numbers, units are never mixed.
#include "host/report/paper.hpp"

#include <gtest/gtest.h>

using namespace rig::report;
using rig::results::Measurement;
using rig::results::RunReport;

namespace {

RunReport synthetic(rig::board::CounterUnit unit) {
    RunReport r;
    r.info.board = unit == rig::board::CounterUnit::instructions ? "qemu_mps2_an386" : "nrf52dk";
    r.info.unit = unit;
    r.info.firmware_commit = "0123456789ab";
    r.info.repetitions = 3;
    auto add = [&](std::string name, std::uint32_t param, std::uint32_t v) {
        r.measurements.push_back(Measurement{std::move(name), param, 1, {v, v, v}});
    };
    for (std::uint32_t n : {4u, 16u, 64u, 256u}) {
        add("cell/copy", n, 20 + 3 * n);
        add("cell/takecell_map", n, 8);
        add("cell/raw_mut", n, 3);
        add("cell_c/struct_copy", n, 20 + 3 * n);
    }
    add("mmio/typed_modify", 0, 4);
    add("mmio/raw_modify", 0, 4);
    add("mmio_c/raw_modify", 0, 4);
    add("syscall/null", 0, 49);
    add("ctx/process_switch", 0, 120);
    return r;
}

const ClaimRow& row(const PaperTable& t, std::string_view start) {
    for (const auto& r : t.rows)
        if (r.claim.rfind(start, 0) == 0) return r;
    throw std::runtime_error("no row " + std::string(start));
}

}  // namespace

TEST(PaperTable, InstructionVerdicts) {
    Inventory inv;
    inv.commit = "0123456789ab";
    inv.files.push_back(scan_rust_source("fn f() { unsafe { x() } }\n", "kernel/src/cells/mod.rs", &inv.uses));
    const auto t = build_paper_table(synthetic(rig::board::CounterUnit::instructions), &inv);
    const auto& take = row(t, "TakeCell");
    EXPECT_EQ(take.verdict, ClaimVerdict::partly);
    EXPECT_NE(take.why.find("+5 instructions at every size from 4 to 256 B"), std::string::npos) << take.why;
    const auto& copy = row(t, "Cell must copy");
    EXPECT_EQ(copy.verdict, ClaimVerdict::holds);
    EXPECT_NE(copy.measured.find("slope 3 instructions per byte"), std::string::npos) << copy.measured;
    EXPECT_EQ(row(t, "Typed MMIO").verdict, ClaimVerdict::holds);
    const auto& sys = row(t, "System call");
    EXPECT_EQ(sys.verdict, ClaimVerdict::not_comparable);
    EXPECT_NE(sys.why.find("exclude the 22-cycle hardware floor"), std::string::npos);
    EXPECT_EQ(row(t, "Rust's safe").verdict, ClaimVerdict::holds);
    EXPECT_EQ(row(t, "unsafe is confined").verdict, ClaimVerdict::holds);

    const auto md = paper_markdown(t);
    EXPECT_NE(md.find("| **holds**"), std::string::npos);
    EXPECT_EQ(md.find("cycles |"), std::string::npos);  // one unit only
    const auto html = paper_html_document(t);
    EXPECT_NE(html.find("<table class=\"paper\">"), std::string::npos);
    EXPECT_NE(html.find("TakeCell::map 8 vs raw &amp;mut 3"), std::string::npos);
}

TEST(PaperTable, CyclesAreComparedWithTheExceptionFloor) {
    const auto t = build_paper_table(synthetic(rig::board::CounterUnit::cycles), nullptr);
    const auto& sys = row(t, "System call");
    EXPECT_EQ(sys.verdict, ClaimVerdict::holds);
    EXPECT_NE(sys.why.find("syscall/null = 22 floor + 27 in software"), std::string::npos) << sys.why;
    EXPECT_EQ(row(t, "unsafe is confined").verdict, ClaimVerdict::not_measured);
}

TEST(PaperTable, MissingBenchmarksSayNotMeasured) {
    RunReport r;
    r.info.unit = rig::board::CounterUnit::instructions;
    const auto t = build_paper_table(r, nullptr);
    for (const auto& row : t.rows) EXPECT_EQ(row.verdict, ClaimVerdict::not_measured) << row.claim;
}
