#include "host/report/paper_baselines.hpp"

#include "host/board/board.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <optional>
#include <utility>

namespace rig::report {
namespace {

std::string percent(double part, double whole) {
    return fmt::format("{:+.1f} %", whole > 0 ? 100.0 * part / whole : 0.0);
}

std::string append(const std::string& list, const std::string& item, const char* separator = "; ") {
    return list.empty() ? item : list + separator + item;
}

// Why two runs cannot be set side by side, or empty when they can.
std::string incomparable(const Figures& with, const Figures& without) {
    if (with.run.info.unit != without.run.info.unit)
        return fmt::format("{} counts {} and {} counts {}: one unit only", with.run.info.board, with.unit,
                           without.run.info.board, without.unit);
    if (with.run.info.firmware_commit != without.run.info.firmware_commit)
        return fmt::format("the runs are of different commits ({} and {})", with.run.info.firmware_commit,
                           without.run.info.firmware_commit);
    return {};
}

// The finished row when there is no run without frame pointers, or one that cannot be set beside
// `with`; nothing when the two can be compared.
std::optional<ClaimRow> unpaired(ClaimRow row, const Figures& with, const Figures* without) {
    row.measured = "—";
    if (!without) {
        row.verdict = ClaimVerdict::not_measured;
        const auto twin = board::frame_pointer_twin(with.run.info.board);
        row.why = twin.empty()
                      ? "this run is of the image built without frame pointers: these rows are on the table of the "
                        "board it is the twin of"
                      : fmt::format(
                            "no run of commit {} on {}, the board that runs this firmware built for "
                            "firmware/targets/thumbv7em-none-eabi-nofp.json (where a board file of that name "
                            "exists: `rig run -b {}`)",
                            with.run.info.firmware_commit, twin, twin);
        return row;
    }
    if (auto why = incomparable(with, *without); !why.empty()) {
        row.verdict = ClaimVerdict::not_comparable;
        row.why = std::move(why);
        return row;
    }
    return std::nullopt;
}

// The Rust kernel paths, then the C ones (which the frame pointer reaches only through Rust code).
const std::vector<std::string> kernel_paths = {"syscall/null",   "ctx/process_switch",   "ctx/upcall",   "ctx/preempt",
                                               "syscall_c/null", "ctx_c/process_switch", "ctx_c/preempt"};
const std::vector<std::string> cell_families = {"cell/copy",    "cell/takecell_map",  "cell/mapcell_map",
                                                "cell/raw_mut", "cell_c/struct_copy", "cell_c/pointer"};

bool is_c(const std::string& name) { return name.find("_c/") != std::string::npos; }

}  // namespace

ClaimRow same_copy_routine_row(const Figures& f) {
    ClaimRow row;
    row.claim = fmt::format(
        "With the same memcpy, Rust's Cell copy costs no more than C's struct copy (both call compiler_builtins' "
        "memcpy, Rust through __aeabi_memcpy, C through memcpy; sizes where gcc calls it: from {} B)",
        c_calls_memcpy_from);
    std::vector<std::uint32_t> sizes;
    std::vector<double> diffs;
    std::string inline_pairs;
    for (auto n : f.sizes("cell_c/struct_copy")) {
        const auto rust = fmt::format("cell/copy/{}", n), c = fmt::format("cell_c/struct_copy/{}", n);
        const auto r = f.median(rust), cm = f.median(c);
        if (!r || !cm) continue;
        if (n < c_calls_memcpy_from) {
            // Named, not judged: these pairs compare gcc's inline copy with LLVM's call.
            if (n >= rust_calls_memcpy_from)
                inline_pairs =
                    append(inline_pairs,
                           fmt::format("{} B: Rust {} (calls) vs C {} (inline)", n, f.value(rust), f.value(c)), ", ");
            continue;
        }
        sizes.push_back(n);
        diffs.push_back(*r - *cm);
        row.figures.push_back(rust);
        row.figures.push_back(c);
        row.measured = append(row.measured, fmt::format("{} B: Rust {} vs C {}", n, f.value(rust), f.value(c)));
    }
    const std::string inline_note =
        inline_pairs.empty() ? ""
                             : fmt::format(
                                   "; below {} B gcc -Os copies inline and LLVM calls memcpy, so those pairs "
                                   "compare the compilers' choice, not the copy ({})",
                                   c_calls_memcpy_from, inline_pairs);
    if (sizes.empty())
        return missing(row, {fmt::format("cell/copy/<n>, cell_c/struct_copy/<n> for n ≥ {}", c_calls_memcpy_from)});
    row.measured += " " + f.unit + " (both sides -Os / opt-level \"s\")";
    const auto [lo, hi] = std::minmax_element(diffs.begin(), diffs.end());
    std::string each;
    for (std::size_t i = 0; i < sizes.size(); ++i)
        each = append(each, fmt::format("{} at {} B", signed_count(diffs[i]), sizes[i]), ", ");
    if (*hi <= 0 || (f.same(*lo, 0) && f.same(*hi, 0))) {
        row.verdict = ClaimVerdict::holds;
        row.why = fmt::format("Rust minus C: {} {}", each, f.unit);
    } else if (f.same(*lo, *hi)) {
        row.verdict = ClaimVerdict::partly;
        row.why = fmt::format(
            "Rust costs {} {} more at every size ({}): the copies cost the same, the difference is the body around "
            "them, a fixed cost that does not grow with the payload",
            signed_count(*hi), f.unit, each);
    } else {
        row.verdict = ClaimVerdict::does_not_hold;
        row.why =
            fmt::format("Rust minus C changes with size ({} {}): the two copies do not cost the same", each, f.unit);
    }
    row.why += inline_note;
    return row;
}

ClaimRow frame_pointer_cost_row(const Figures& with, const Figures* without) {
    ClaimRow row;
    row.claim =
        "The frame pointer the thumbv7em-none-eabi target forces on every Rust function (a target setting, not the "
        "language) costs little: within 10 % on each Rust kernel path";
    if (auto done = unpaired(row, with, without)) return *done;
    row.board = with.run.info.board + " vs " + without->run.info.board;
    std::string worst_path, kernel_notes, cell_notes, big_cells;
    double worst = 0;
    int paths = 0;
    for (const auto& name : kernel_paths) {
        const auto a = with.median(name), b = without->median(name);
        if (!a || !b) continue;
        row.figures.push_back(name);
        row.measured = append(row.measured, fmt::format("{} {} → {}", name, with.value(name), without->value(name)));
        kernel_notes =
            append(kernel_notes, fmt::format("{} {} ({})", name, signed_count(*a - *b), percent(*a - *b, *b)), ", ");
        if (is_c(name)) continue;
        ++paths;
        const double share = *b > 0 ? (*a - *b) / *b : 0;
        if (share > worst) worst = share, worst_path = name;
    }
    for (const auto& family : cell_families) {
        std::string savings;
        std::vector<std::uint32_t> sizes;
        bool flagged = false;
        for (auto n : with.sizes(family)) {
            const auto name = fmt::format("{}/{}", family, n);
            const auto a = with.median(name), b = without->median(name);
            if (!a || !b) continue;
            row.figures.push_back(name);
            sizes.push_back(n);
            savings = append(savings, signed_count(*a - *b), ", ");
            // Named once per family, at its smallest such size.
            if (!is_c(family) && *b > 0 && (*a - *b) > 0.1 * *b && !flagged) {
                big_cells = append(big_cells, fmt::format("{} ({} → {})", name, *a, *b), ", ");
                flagged = true;
            }
        }
        if (sizes.empty()) continue;
        cell_notes = append(cell_notes, fmt::format("{} {} at {}–{} B", family, savings, sizes.front(), sizes.back()));
    }
    if (paths == 0) return missing(row, kernel_paths);
    row.measured =
        fmt::format("with → without: {}; cells, with minus without: {} {}", row.measured, cell_notes, with.unit);
    row.why = fmt::format(
        "with minus without: {}; the C rows change only through Rust code they call (the C kernel path's "
        "context switch, compiler_builtins' memcpy from 256 B), never in gcc's own code",
        kernel_notes);
    if (worst > 0.1) {
        row.verdict = ClaimVerdict::does_not_hold;
        row.why += fmt::format("; {} pays {:.1f} %, over 10 %", worst_path, 100 * worst);
    } else if (!big_cells.empty()) {
        row.verdict = ClaimVerdict::partly;
        row.why += fmt::format(
            "; at most {:.1f} % on a kernel path, but a fixed 2 or 3 {} per call is more than 10 % of the smallest "
            "cell bodies: {}",
            100 * worst, with.unit, big_cells);
    } else {
        row.verdict = ClaimVerdict::holds;
        row.why += fmt::format("; at most {:.1f} % on a kernel path and on a Rust cell row", 100 * worst);
    }
    return row;
}

ClaimRow rust_vs_c_without_frame_pointer_row(const Figures& with, const Figures* without) {
    ClaimRow row;
    row.claim =
        "Without the frame pointer, Rust costs no more than C (the Rust-vs-C pairs in the image built "
        "without it)";
    if (auto done = unpaired(row, with, without)) return *done;
    row.board = without->run.info.board;
    std::vector<std::pair<std::string, std::string>> pairs = {{"syscall/null", "syscall_c/null"},
                                                              {"ctx/process_switch", "ctx_c/process_switch"},
                                                              {"ctx/preempt", "ctx_c/preempt"}};
    for (auto n : without->sizes("cell_c/struct_copy"))
        pairs.emplace_back(fmt::format("cell/copy/{}", n), fmt::format("cell_c/struct_copy/{}", n));
    pairs.emplace_back("mmio/raw_modify", "mmio_c/raw_modify");
    pairs.emplace_back("irq/sw_to_handler", "irq_c/sw_to_handler");
    int compared = 0, more_without = 0, more_with = 0;
    std::string worse;
    for (const auto& [rust, c] : pairs) {
        const auto r = without->median(rust), cm = without->median(c);
        if (!r || !cm) continue;
        ++compared;
        row.figures.push_back(rust);
        row.figures.push_back(c);
        row.measured =
            append(row.measured, fmt::format("{} {} vs C {}", rust, without->value(rust), without->value(c)));
        if (!without->same(*r, *cm) && *r > *cm) {
            ++more_without;
            worse = append(worse, fmt::format("{} ({})", rust, signed_count(*r - *cm)), ", ");
        }
        const auto rw = with.median(rust), cw = with.median(c);
        if (rw && cw && !with.same(*rw, *cw) && *rw > *cw) ++more_with;
    }
    if (compared == 0) return missing(row, {"cell_c/*", "syscall_c/null", "mmio_c/raw_modify"});
    row.measured += " " + without->unit;
    const std::string against = fmt::format("(with the frame pointer: {} of {})", more_with, compared);
    if (more_without == 0) {
        row.verdict = ClaimVerdict::holds;
        row.why = fmt::format("Rust is equal to or cheaper than C in all {} pairs {}", compared, against);
    } else {
        row.verdict = more_without == compared ? ClaimVerdict::does_not_hold : ClaimVerdict::partly;
        row.why = fmt::format(
            "Rust costs more than C in {} of {} pairs {}: {} {}; cell pairs below {} B compare "
            "gcc's inline copy with LLVM's memcpy call",
            more_without, compared, against, worse, without->unit, c_calls_memcpy_from);
    }
    return row;
}

}  // namespace rig::report
