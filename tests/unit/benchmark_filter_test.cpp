// `--filter` against Google Benchmark itself: the rig's names are registered as real Google
// Benchmark benchmarks and, for each pattern, the set `RunSpecifiedBenchmarks(reporter, pattern)`
// runs (what `--benchmark_filter=pattern` runs) must be the set BenchmarkFilter selects.
#include "host/results/benchmark_filter.hpp"

#include <benchmark/benchmark.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace rig::results {
namespace {

// The QEMU image's full names (firmware/bench/src/lib.rs), in table order.
std::vector<std::string> rig_names() {
    std::vector<std::string> names = {"counter/overhead",     "syscall/null",           "ctx/process_switch",
                                      "ctx/upcall",           "ctx/fault_recovery",     "ctx/preempt",
                                      "syscall/null_mpu",     "ctx/process_switch_mpu", "syscall_c/null",
                                      "ctx_c/process_switch", "ctx_c/preempt"};
    const auto sized = [&](const std::string& name) {
        for (int size : {4, 16, 64, 256, 1024}) names.push_back(name + "/" + std::to_string(size));
    };
    for (const char* name :
         {"cell/copy", "cell/takecell_map", "cell/mapcell_map", "cell/raw_mut", "cell_c/struct_copy", "cell_c/pointer"})
        sized(name);
    for (const char* name :
         {"mmio/raw_write_read", "mmio/raw_modify", "mmio/typed_modify", "mmio_c/raw_modify", "irq/sw_to_handler",
          "irq/sw_to_bottom_half", "irq_c/sw_to_handler", "irq/host_to_bottom_half"})
        names.emplace_back(name);
    for (const char* name : {"alloc/grant", "userbuf/copy_in", "userbuf/copy_out"}) sized(name);
    return names;
}

// Records the name of every benchmark the library ran.
class NameCollector : public benchmark::BenchmarkReporter {
public:
    bool ReportContext(const Context&) override { return true; }
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const auto& run : runs) names.insert(run.benchmark_name());
    }
    std::set<std::string> names;
};

std::set<std::string> google_benchmark_runs(const std::string& pattern) {
    static const bool initialised = [] {
        // One iteration per benchmark: the bodies are empty and only the selection matters.
        std::string program = "rig_unit_tests", min_time = "--benchmark_min_time=0.000000001";
        char* argv[] = {program.data(), min_time.data(), nullptr};
        int argc = 2;
        benchmark::Initialize(&argc, argv);
        return true;
    }();
    (void)initialised;
    benchmark::ClearRegisteredBenchmarks();
    for (const auto& name : rig_names())
        benchmark::RegisterBenchmark(name.c_str(), [](benchmark::State& state) {
            for (auto _ : state) {
            }
        });
    NameCollector collector;
    benchmark::RunSpecifiedBenchmarks(&collector, pattern);
    benchmark::ClearRegisteredBenchmarks();
    return collector.names;
}

std::set<std::string> rig_selects(const std::string& pattern) {
    auto filter = BenchmarkFilter::parse(pattern);
    EXPECT_TRUE(filter.has_value()) << pattern;
    std::set<std::string> names;
    if (!filter) return names;
    for (const auto& name : rig_names())
        if (filter->matches(name)) names.insert(name);
    return names;
}

TEST(BenchmarkFilter, SelectsWhatGoogleBenchmarksFilterRuns) {
    const std::vector<std::string> patterns = {
        "",
        "all",
        ".",
        "cell/",
        "cell",
        "cell_c/",
        "-cell",
        "-cell/",
        "cell/copy/64",
        "cell/copy/64$",
        "^cell",
        "^cell/copy/(4|16)$",
        "/64$",
        "-/(4|16|64|256|1024)$",
        "copy",
        "syscall|ctx",
        "-",
        "nomatch",
        "[0-9]+$",
        "^ctx_?c?/",
        "null_mpu$",
        "^syscall/null$",
        "_c/",
        "-^(cell|alloc)",
        "[[:digit:]]{4}$",
        "^.*/raw_.*/1024$",
        "-all",
        "-.",
    };
    for (const auto& pattern : patterns)
        EXPECT_EQ(rig_selects(pattern), google_benchmark_runs(pattern)) << "pattern '" << pattern << "'";
}

TEST(BenchmarkFilter, TheNamesPrintedInEveryTableSelectThemselves) {
    EXPECT_EQ(rig_selects("cell/copy/64$"), (std::set<std::string>{"cell/copy/64"}));
    // A regex search: "cell/copy/64" also finds what merely contains it, as in Google Benchmark.
    EXPECT_EQ(rig_selects("cell/copy/64"), (std::set<std::string>{"cell/copy/64"}));
    EXPECT_EQ(rig_selects("cell/copy/1"), (std::set<std::string>{"cell/copy/16", "cell/copy/1024"}));
    // `cell/` is not a prefix of `cell_c/` names, and `cell` is.
    EXPECT_EQ(rig_selects("cell/").size(), 20u);
    EXPECT_EQ(rig_selects("cell").size(), 30u);
    EXPECT_EQ(rig_selects("-cell").size(), rig_names().size() - 30);
}

TEST(BenchmarkFilter, EmptyAndAllMeanTheWholeSuite) {
    for (const char* spec : {"", "all"}) {
        auto filter = BenchmarkFilter::parse(spec);
        ASSERT_TRUE(filter.has_value());
        EXPECT_TRUE(filter->selects_everything()) << spec;
    }
    auto dot = BenchmarkFilter::parse(".");
    ASSERT_TRUE(dot.has_value());
    EXPECT_FALSE(dot->selects_everything());  // it selects all, but says so only by its matches
}

TEST(BenchmarkFilter, ABadRegularExpressionIsRefusedWithTheReason) {
    for (const char* spec : {"(", "cell/[", "-(", "a{2,1}"}) {
        auto filter = BenchmarkFilter::parse(spec);
        ASSERT_FALSE(filter.has_value()) << spec;
        EXPECT_EQ(filter.error().kind, ErrorKind::invalid_argument);
        EXPECT_NE(
            filter.error().message.find(std::string("the filter '") + spec + "' is not a valid regular expression"),
            std::string::npos)
            << filter.error().message;
        // Google Benchmark refuses it too: it runs nothing.
        EXPECT_TRUE(google_benchmark_runs(spec).empty()) << spec;
    }
}

}  // namespace
}  // namespace rig::results
