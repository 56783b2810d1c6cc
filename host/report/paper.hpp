#pragma once
// The paper's claims (Levy et al. 2017), checked against one run and the unsafe inventory of one
// commit: claim → what was measured (benchmarks, unit, board, commit) → verdict with the numbers.
// Rendered as Markdown (`rig paper`) and as an HTML table (`rig paper --format html`, `rig report`).

#include "host/report/unsafe_inventory.hpp"
#include "host/results/run_report.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rig::report {

enum class ClaimVerdict { holds, partly, does_not_hold, not_comparable, not_measured };
const char* to_string(ClaimVerdict v);  // "holds", "partly", "does not hold", "not comparable", "not measured"

struct ClaimRow {
    std::string claim;
    std::vector<std::string> figures;  // the benchmarks (or "source") the row reads
    std::string measured;              // the numbers, with their unit
    ClaimVerdict verdict = ClaimVerdict::not_measured;
    std::string why;    // the verdict in one sentence, with the exact numbers
    std::string board;  // the board(s) the figures come from; empty = the table's board
};

struct PaperTable {
    std::string board, commit, unit, started_at;
    unsigned repetitions = 0;
    std::string inventory_commit;  // the tree the unsafe counts come from
    std::string inventory_root;
    std::vector<ClaimRow> rows;
};

// The Cortex-M4's exception entry (12 cycles) and return (10 cycles), zero wait-state memory.
constexpr double exception_entry_cycles = 12, exception_exit_cycles = 10;

// `inventory` may be null: the unsafe row then says "not measured". `without_frame_pointer` is the
// run of the same commit's image built without frame pointers (board <board>_nofp); null when
// there is none, and the frame-pointer rows then say "not measured".
PaperTable build_paper_table(const results::RunReport& run, const Inventory* inventory,
                             const results::RunReport* without_frame_pointer = nullptr);

std::string paper_markdown(const PaperTable& table);
std::string paper_html_table(const PaperTable& table);     // a <table> fragment (also in `rig report`)
std::string paper_html_document(const PaperTable& table);  // a whole page around it

}  // namespace rig::report
