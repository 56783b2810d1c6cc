// The paper table from a synthetic run: verdicts follow the numbers, units are never mixed.
#include "host/report/paper.hpp"
#include "tests/unit/paper_rows.hpp"

#include <gtest/gtest.h>

using namespace rig::report;
using rig::results::Measurement;
using rig::results::RunReport;
using rig::test_support::row;

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
    add("syscall/null_mpu", 0, 52);
    add("ctx/process_switch_mpu", 0, 170);
    return r;
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

TEST(PaperTable, TheCrossingRowQuotesThePreemptionSwitch) {
    auto run = synthetic(rig::board::CounterUnit::cycles);
    run.measurements.push_back(Measurement{"ctx/preempt", 0, 1, {150, 150, 150}});
    const auto t = build_paper_table(run, nullptr);
    const auto& sys = row(t, "System call");
    EXPECT_NE(sys.measured.find("ctx/preempt 150"), std::string::npos) << sys.measured;
    EXPECT_NE(sys.why.find("ctx/preempt = 22 floor + 128 in software"), std::string::npos) << sys.why;
}

TEST(PaperTable, MissingBenchmarksSayNotMeasured) {
    RunReport r;
    r.info.unit = rig::board::CounterUnit::instructions;
    const auto t = build_paper_table(r, nullptr);
    for (const auto& row : t.rows) EXPECT_EQ(row.verdict, ClaimVerdict::not_measured) << row.claim;
}

TEST(PaperTable, TheCostOfIsolationComparesMpuOnAndOff) {
    auto run = synthetic(rig::board::CounterUnit::instructions);
    const auto t = build_paper_table(run, nullptr);
    const auto& iso = row(t, "Isolation (MPU on vs off)");
    EXPECT_EQ(iso.verdict, ClaimVerdict::holds);
    EXPECT_NE(iso.measured.find("syscall/null 49 vs syscall/null_mpu 52"), std::string::npos) << iso.measured;
    EXPECT_NE(iso.why.find("re-entering the same process costs +3 instructions (6.1 %"), std::string::npos) << iso.why;
    EXPECT_NE(iso.why.find("costs +50 instructions more (41.7 %"), std::string::npos) << iso.why;
    // A re-entry that costs as much as a switch means the MPU is rewritten for nothing.
    for (auto& m : run.measurements)
        if (m.name == "syscall/null_mpu") m.samples = {90, 90, 90};
    const auto worse = build_paper_table(run, nullptr);
    EXPECT_EQ(row(worse, "Isolation (MPU on vs off)").verdict, ClaimVerdict::does_not_hold);
}

TEST(PaperTable, TheRustKernelPathIsComparedWithTheCKernelPath) {
    auto run = synthetic(rig::board::CounterUnit::instructions);
    EXPECT_EQ(row(build_paper_table(run, nullptr), "Rust kernel path vs C").verdict, ClaimVerdict::not_measured);
    run.measurements.push_back(Measurement{"syscall_c/null", 0, 1, {46, 46, 46}});
    run.measurements.push_back(Measurement{"ctx_c/process_switch", 0, 1, {100, 100, 100}});
    const auto table = build_paper_table(run, nullptr);
    const auto& path = row(table, "Rust kernel path vs C");
    EXPECT_EQ(path.verdict, ClaimVerdict::does_not_hold) << path.why;  // 120 vs 100: +20 %
    EXPECT_NE(path.why.find("syscall/null +3 instructions over C (+6.5 %)"), std::string::npos) << path.why;
    EXPECT_NE(path.why.find("more than 10 % over C: ctx/process_switch"), std::string::npos) << path.why;
    // The preemption pair joins when both are measured: Rust 150 vs C 148 is within 10 %.
    EXPECT_EQ(path.measured.find("ctx/preempt"), std::string::npos) << path.measured;
    run.measurements.push_back(Measurement{"ctx/preempt", 0, 1, {150, 150, 150}});
    run.measurements.push_back(Measurement{"ctx_c/preempt", 0, 1, {148, 148, 148}});
    const auto with_preempt = build_paper_table(run, nullptr);
    const auto& preempt = row(with_preempt, "Rust kernel path vs C");
    EXPECT_NE(preempt.why.find("ctx/preempt +2 instructions over C (+1.4 %)"), std::string::npos) << preempt.why;
    EXPECT_EQ(preempt.why.find("more than 10 % over C: ctx/process_switch, ctx/preempt"), std::string::npos);
}
