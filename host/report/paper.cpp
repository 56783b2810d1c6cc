#include "host/report/paper.hpp"

#include "host/report/paper_baselines.hpp"
#include "host/report/paper_figures.hpp"
#include "host/util/markup_escape.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <map>

namespace rig::report {
namespace {

ClaimRow takecell_row(const Figures& f) {
    ClaimRow row;
    row.claim = "TakeCell gives in-place access to a shared value with no overhead over raw &mut access";
    const auto sizes = f.sizes("cell/takecell_map");
    std::vector<std::string> parts;
    std::vector<double> diffs;
    for (auto n : sizes) {
        const auto take = f.median(fmt::format("cell/takecell_map/{}", n));
        const auto raw = f.median(fmt::format("cell/raw_mut/{}", n));
        if (!take || !raw) continue;
        row.figures.push_back(fmt::format("cell/takecell_map/{}", n));
        row.figures.push_back(fmt::format("cell/raw_mut/{}", n));
        diffs.push_back(*take - *raw);
        std::string part =
            fmt::format("{} B: TakeCell::map {} vs raw &mut {}", n, f.value(fmt::format("cell/takecell_map/{}", n)),
                        f.value(fmt::format("cell/raw_mut/{}", n)));
        if (const auto map = f.median(fmt::format("cell/mapcell_map/{}", n)))
            part += fmt::format(", MapCell::map {}", *map);
        parts.push_back(part);
    }
    if (diffs.empty()) return missing(row, {"cell/takecell_map/<n>", "cell/raw_mut/<n>"});
    for (const auto& p : parts) row.measured += (row.measured.empty() ? "" : "; ") + p;
    row.measured += " " + f.unit;
    const auto [lo, hi] = std::minmax_element(diffs.begin(), diffs.end());
    const bool constant = f.same(*lo, *hi);
    if (f.same(*lo, 0) && f.same(*hi, 0)) {
        row.verdict = ClaimVerdict::holds;
        row.why =
            fmt::format("TakeCell::map costs the same as raw &mut at every size measured ({} sizes)", diffs.size());
    } else if (constant) {
        row.verdict = ClaimVerdict::partly;
        row.why = fmt::format(
            "in place: the extra cost is {} {} at every size from {} to {} B (no copy, no growth), but not zero "
            "(the Option take and put-back around the closure)",
            signed_count(diffs.front()), f.unit, sizes.front(), sizes.back());
    } else {
        row.verdict = ClaimVerdict::does_not_hold;
        row.why = fmt::format("the extra cost over raw &mut varies with size, from {} to {} {}", signed_count(*lo),
                              signed_count(*hi), f.unit);
    }
    return row;
}

ClaimRow cell_copy_row(const Figures& f) {
    ClaimRow row;
    row.claim = "Cell must copy the value in and out, so its cost grows with the payload size";
    const auto sizes = f.sizes("cell/copy");
    std::vector<double> xs, ys;
    for (auto n : sizes) {
        const auto name = fmt::format("cell/copy/{}", n);
        row.figures.push_back(name);
        row.measured += fmt::format("{}{} B: {}", row.measured.empty() ? "" : "; ", n, f.value(name));
        xs.push_back(n);
        ys.push_back(*f.median(name));
    }
    if (xs.empty()) return missing(row, {"cell/copy/<n>"});
    row.measured += " " + f.unit;
    if (xs.size() < 2) {
        row.verdict = ClaimVerdict::not_measured;
        row.why = fmt::format("one size only ({} B): growth needs two", sizes.front());
        return row;
    }
    // Least-squares slope, per byte.
    const auto n = static_cast<double>(xs.size());
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) sx += xs[i], sy += ys[i], sxx += xs[i] * xs[i], sxy += xs[i] * ys[i];
    const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    bool increasing = true;
    for (std::size_t i = 1; i < ys.size(); ++i) increasing = increasing && ys[i] > ys[i - 1];
    row.measured += fmt::format("; slope {:.3g} {} per byte", slope, f.unit);
    if (increasing && slope > 0) {
        row.verdict = ClaimVerdict::holds;
        row.why = fmt::format("the cost rises at every step, {:.3g} {} per byte (least squares over {} sizes)", slope,
                              f.unit, xs.size());
    } else if (slope > 0) {
        row.verdict = ClaimVerdict::partly;
        row.why = fmt::format("the trend grows ({:.3g} {} per byte) but not at every step", slope, f.unit);
    } else {
        row.verdict = ClaimVerdict::does_not_hold;
        row.why = fmt::format("the cost does not grow with size (slope {:.3g} {} per byte)", slope, f.unit);
    }
    return row;
}

ClaimRow mmio_row(const Figures& f) {
    ClaimRow row;
    row.claim = "Typed MMIO registers cost nothing over raw volatile access";
    const auto typed = f.median("mmio/typed_modify"), raw = f.median("mmio/raw_modify");
    if (!typed || !raw) return missing(row, {"mmio/typed_modify", "mmio/raw_modify"});
    row.figures = {"mmio/typed_modify", "mmio/raw_modify"};
    row.measured = fmt::format("typed modify {} vs raw volatile modify {}", f.value("mmio/typed_modify"),
                               f.value("mmio/raw_modify"));
    const auto c = f.median("mmio_c/raw_modify");
    if (c) {
        row.figures.emplace_back("mmio_c/raw_modify");
        row.measured += fmt::format(" vs C {}", f.value("mmio_c/raw_modify"));
    }
    if (const auto wr = f.median("mmio/raw_write_read")) {
        row.figures.emplace_back("mmio/raw_write_read");
        row.measured += fmt::format("; raw write+read {}", *wr);
    }
    row.measured += " " + f.unit;
    const std::string how = f.exact() ? "exactly equal (QEMU counts are exact)" : "equal within 2 cycles or 1 %";
    if (f.same(*typed, *raw) && (!c || f.same(*typed, *c))) {
        row.verdict = ClaimVerdict::holds;
        row.why = fmt::format("typed, raw{} are {}", c ? " and C" : "", how);
    } else if (f.same(*typed, *raw)) {
        row.verdict = ClaimVerdict::partly;
        row.why = fmt::format("typed equals raw Rust, but C differs by {} {}", signed_count(*c - *typed), f.unit);
    } else {
        row.verdict = ClaimVerdict::does_not_hold;
        row.why = fmt::format("typed costs {} {} over raw volatile", signed_count(*typed - *raw), f.unit);
    }
    return row;
}

ClaimRow kernel_crossing_row(const Figures& f) {
    ClaimRow row;
    row.claim = fmt::format(
        "System call and context switch cost, against the Cortex-M4 exception entry/exit floor "
        "({:g} + {:g} cycles)",
        exception_entry_cycles, exception_exit_cycles);
    const double floor = exception_entry_cycles + exception_exit_cycles;
    std::vector<std::pair<std::string, double>> have;
    for (const char* name : {"syscall/null", "ctx/process_switch", "ctx/upcall", "ctx/preempt"}) {
        if (const auto m = f.median(name)) {
            have.emplace_back(name, *m);
            row.figures.emplace_back(name);
            row.measured += fmt::format("{}{} {}", row.measured.empty() ? "" : "; ", name, f.value(name));
        }
    }
    if (have.empty()) return missing(row, {"syscall/null", "ctx/process_switch", "ctx/upcall", "ctx/preempt"});
    row.measured += " " + f.unit;
    if (f.exact()) {
        row.verdict = ClaimVerdict::not_comparable;
        row.why = fmt::format(
            "these are instructions on QEMU, which models exception entry and return as free: the counts are the "
            "kernel's software path only and exclude the {:g}-cycle hardware floor; compare on a real board "
            "(cycles)",
            floor);
        return row;
    }
    bool below = false;
    for (const auto& [name, v] : have) {
        row.why += fmt::format("{}{} = {:g} floor + {:g} in software ({:.1f}× the floor)", row.why.empty() ? "" : "; ",
                               name, floor, v - floor, v / floor);
        below = below || v < floor;
    }
    row.verdict = below ? ClaimVerdict::does_not_hold : ClaimVerdict::holds;
    if (below) row.why += "; a figure below the hardware floor means the measurement is suspect";
    return row;
}

// The cost of isolation: the same kernel paths with the MPU off (processes 0-2) and on (their
// isolated twins). Re-entering the same process must not write the MPU, so its extra cost is a
// check; a switch between processes rewrites their regions, and that is the figure of isolation.
ClaimRow isolation_row(const Figures& f) {
    ClaimRow row;
    row.claim =
        "Isolation (MPU on vs off) costs little: re-entering the same process leaves the MPU as it is, a switch "
        "pays for rewriting the regions";
    const auto null = f.median("syscall/null"), null_mpu = f.median("syscall/null_mpu");
    const auto sw = f.median("ctx/process_switch"), sw_mpu = f.median("ctx/process_switch_mpu");
    if (!null || !null_mpu || !sw || !sw_mpu)
        return missing(row, {"syscall/null", "syscall/null_mpu", "ctx/process_switch", "ctx/process_switch_mpu"});
    row.figures = {"syscall/null", "syscall/null_mpu", "ctx/process_switch", "ctx/process_switch_mpu"};
    row.measured = fmt::format(
        "syscall/null {} vs syscall/null_mpu {}; ctx/process_switch {} vs "
        "ctx/process_switch_mpu {} {}",
        f.value("syscall/null"), f.value("syscall/null_mpu"), f.value("ctx/process_switch"),
        f.value("ctx/process_switch_mpu"), f.unit);
    const double reentry = *null_mpu - *null, reconfigure = *sw_mpu - *sw;
    const auto share = [](double extra, double base) { return base > 0 ? 100.0 * extra / base : 0.0; };
    row.why = fmt::format(
        "re-entering the same process costs {} {} ({:.1f} % of syscall/null; both rows pay the same check that the "
        "MPU is set up for the process's domain); a switch into another process costs {} {} more ({:.1f} %: its two "
        "regions written)",
        signed_count(reentry), f.unit, share(reentry, *null), signed_count(reconfigure), f.unit,
        share(reconfigure, *sw));
    const bool cheap_reentry = f.same(*null_mpu, *null) || reentry <= 0.1 * *null;
    row.verdict = cheap_reentry ? ClaimVerdict::holds : ClaimVerdict::does_not_hold;
    if (!cheap_reentry) row.why += "; more than 10 % on re-entry means the MPU is rewritten when it need not be";
    return row;
}

// The paper's central question on a kernel path: the same null system call dispatch, process
// switch and preemption written in C (baseline_c) against the Rust kernel's.
ClaimRow kernel_path_rust_vs_c_row(const Figures& f) {
    ClaimRow row;
    row.claim =
        "Rust kernel path vs C kernel path: the Rust system call, process switch and preemption within 10 % of C";
    const std::vector<std::pair<std::string, std::string>> pairs = {{"syscall/null", "syscall_c/null"},
                                                                    {"ctx/process_switch", "ctx_c/process_switch"},
                                                                    {"ctx/preempt", "ctx_c/preempt"}};
    std::string worse;
    int compared = 0;
    for (const auto& [rust, c] : pairs) {
        const auto r = f.median(rust), cm = f.median(c);
        if (!r || !cm) continue;
        ++compared;
        row.figures.push_back(rust);
        row.figures.push_back(c);
        row.measured +=
            fmt::format("{}{} {} vs C {}", row.measured.empty() ? "" : "; ", rust, f.value(rust), f.value(c));
        row.why += fmt::format("{}{} {} {} over C ({:+.1f} %)", row.why.empty() ? "" : "; ", rust,
                               signed_count(*r - *cm), f.unit, *cm > 0 ? 100.0 * (*r - *cm) / *cm : 0.0);
        if (!f.same(*r, *cm) && *r > 1.1 * *cm) worse += (worse.empty() ? "" : ", ") + rust;
    }
    if (compared == 0) return missing(row, {"syscall_c/null", "ctx_c/process_switch", "ctx_c/preempt"});
    row.measured += " " + f.unit;
    row.verdict = worse.empty() ? ClaimVerdict::holds : ClaimVerdict::does_not_hold;
    if (!worse.empty()) row.why += "; more than 10 % over C: " + worse;
    return row;
}

ClaimRow rust_vs_c_row(const Figures& f) {
    ClaimRow row;
    row.claim = "Rust's safe abstractions cost no more than the equivalent C";
    std::vector<std::pair<std::string, std::string>> pairs;
    for (auto n : f.sizes("cell_c/struct_copy"))
        pairs.emplace_back(fmt::format("cell/copy/{}", n), fmt::format("cell_c/struct_copy/{}", n));
    pairs.emplace_back("mmio/raw_modify", "mmio_c/raw_modify");
    pairs.emplace_back("irq/sw_to_handler", "irq_c/sw_to_handler");
    int more = 0, compared = 0;
    std::string worse;
    for (const auto& [rust, c] : pairs) {
        const auto r = f.median(rust), cm = f.median(c);
        if (!r || !cm) continue;
        ++compared;
        row.figures.push_back(rust);
        row.figures.push_back(c);
        row.measured +=
            fmt::format("{}{} {} vs C {}", row.measured.empty() ? "" : "; ", rust, f.value(rust), f.value(c));
        if (!f.same(*r, *cm) && *r > *cm) {
            ++more;
            worse += fmt::format("{}{} ({})", worse.empty() ? "" : ", ", rust, signed_count(*r - *cm));
        }
    }
    if (compared == 0) return missing(row, {"cell_c/*", "mmio_c/raw_modify", "irq_c/sw_to_handler"});
    row.measured += " " + f.unit;
    if (more == 0) {
        row.verdict = ClaimVerdict::holds;
        row.why = fmt::format("Rust is equal to or cheaper than C in all {} pairs", compared);
    } else {
        row.verdict = more == compared ? ClaimVerdict::does_not_hold : ClaimVerdict::partly;
        row.why = fmt::format("Rust costs more than C in {} of {} pairs: {} {}", more, compared, worse, f.unit);
    }
    // Which copy each side makes (firmware.copy_routines checks it in the image): the same routine
    // wherever both call one, so the cell pairs below that size compare the compilers' choices.
    if (!f.sizes("cell_c/struct_copy").empty())
        row.why += fmt::format(
            "; the cell copies: Rust calls memcpy from {} B, C (gcc -Os) from {} B, both the same routine "
            "(compiler_builtins' memcpy), both sides optimised for size",
            rust_calls_memcpy_from, c_calls_memcpy_from);
    return row;
}

ClaimRow unsafe_row(const Inventory* inv) {
    ClaimRow row;
    row.claim =
        "unsafe is confined to the six trusted kinds (context switch, MMIO, allocator, userspace buffers, "
        "interrupt/exception handlers, cells) and is a small part of the kernel";
    row.figures = {"source"};
    if (!inv) {
        row.verdict = ClaimVerdict::not_measured;
        row.measured = "—";
        row.why = "no source tree was scanned";
        return row;
    }
    for (auto t : trusted_kinds) {
        if (!inv->count(t)) continue;
        std::string kinds;
        for (auto k : language_kinds)
            if (const auto n = inv->count(t, k))
                kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", n, to_string(k));
        row.measured +=
            fmt::format("{}{}: {} ({})", row.measured.empty() ? "" : "; ", to_string(t), inv->count(t), kinds);
    }
    row.measured += fmt::format(
        ". Total {}: {} blocks, {} unsafe fn, {} unsafe impl, {} unsafe trait; {} of {} code "
        "lines ({:.1f} %) inside unsafe blocks/fns",
        inv->total(), inv->count(LanguageKind::block), inv->count(LanguageKind::function),
        inv->count(LanguageKind::impl), inv->count(LanguageKind::trait), inv->unsafe_lines(), inv->code_lines(),
        inv->unsafe_line_percent());
    if (inv->extern_blocks() || inv->attributes())
        row.measured += fmt::format(" (besides: {} unsafe extern blocks, {} unsafe attributes)", inv->extern_blocks(),
                                    inv->attributes());
    std::map<std::string, std::size_t> others;
    for (const auto& u : inv->uses)
        if (u.trusted == TrustedKind::other) ++others[u.file];
    if (others.empty()) {
        row.verdict = ClaimVerdict::holds;
        row.why = fmt::format("every unsafe use is in a trusted-kind module; {:.1f} % of code lines are unsafe",
                              inv->unsafe_line_percent());
    } else {
        std::string list;
        for (const auto& [file, n] : others) list += fmt::format("{}{} ({})", list.empty() ? "" : ", ", file, n);
        row.verdict = ClaimVerdict::partly;
        row.why = fmt::format("{} unsafe uses lie outside the six kinds, in: {}", inv->count(TrustedKind::other), list);
    }
    return row;
}

}  // namespace

const char* to_string(ClaimVerdict v) {
    switch (v) {
        case ClaimVerdict::holds:
            return "holds";
        case ClaimVerdict::partly:
            return "partly";
        case ClaimVerdict::does_not_hold:
            return "does not hold";
        case ClaimVerdict::not_comparable:
            return "not comparable";
        case ClaimVerdict::not_measured:
            return "not measured";
    }
    return "?";
}

PaperTable build_paper_table(const results::RunReport& run, const Inventory* inventory,
                             const results::RunReport* without_frame_pointer) {
    PaperTable t;
    t.board = run.info.board;
    t.commit = run.info.firmware_commit;
    t.unit = board::to_string(run.info.unit);
    t.started_at = run.info.started_at;
    t.repetitions = run.info.repetitions;
    if (inventory) {
        t.inventory_commit = inventory->commit.empty() ? "unknown" : inventory->commit;
        t.inventory_root = inventory->root.string();
    }
    const Figures f{run, t.unit};
    std::optional<Figures> without;
    if (without_frame_pointer)
        without.emplace(Figures{*without_frame_pointer, board::to_string(without_frame_pointer->info.unit)});
    const Figures* nofp = without ? &*without : nullptr;
    t.rows = {takecell_row(f),
              cell_copy_row(f),
              mmio_row(f),
              kernel_crossing_row(f),
              isolation_row(f),
              kernel_path_rust_vs_c_row(f),
              rust_vs_c_row(f),
              same_copy_routine_row(f),
              frame_pointer_cost_row(f, nofp),
              rust_vs_c_without_frame_pointer_row(f, nofp),
              unsafe_row(inventory)};
    return t;
}

namespace {
std::string md_cell(const std::string& s) {
    std::string out;
    for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
}
std::string source_line(const PaperTable& t) {
    return fmt::format(
        "Measured on {} at commit {} ({}, {} repetitions, started {}); unsafe counted from the source of "
        "commit {}{}.",
        t.board, t.commit, t.unit, t.repetitions, t.started_at,
        t.inventory_commit.empty() ? "— (none scanned)" : t.inventory_commit,
        t.inventory_root.empty() ? "" : " (" + t.inventory_root + ")");
}
}  // namespace

std::string paper_markdown(const PaperTable& t) {
    std::string out = "# The paper's claims, measured\n\n" + source_line(t) + "\n\n";
    out += "| Claim | Measured | Unit | Board | Commit | Verdict |\n|---|---|---|---|---|---|\n";
    for (const auto& r : t.rows) {
        const std::string unit = r.figures == std::vector<std::string>{"source"} ? "source" : t.unit;
        const std::string commit = unit == "source" ? t.inventory_commit : t.commit;
        out += fmt::format("| {} | {} | {} | {} | {} | **{}**: {} |\n", md_cell(r.claim), md_cell(r.measured), unit,
                           r.board.empty() ? t.board : r.board, commit, to_string(r.verdict), md_cell(r.why));
    }
    return out;
}

std::string paper_html_table(const PaperTable& t) {
    std::string out = "<p class=\"source\">" + util::escape_markup(source_line(t)) + "</p>\n<table class=\"paper\">\n";
    out +=
        "<thead><tr><th>Claim</th><th>Measured</th><th>Unit</th><th>Board</th><th>Commit</th><th>Verdict</th></tr>"
        "</thead>\n<tbody>\n";
    for (const auto& r : t.rows) {
        const bool source = r.figures == std::vector<std::string>{"source"};
        std::string cls = to_string(r.verdict);
        std::replace(cls.begin(), cls.end(), ' ', '-');
        out += fmt::format(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td class=\"verdict "
            "{}\"><b>{}</b>: "
            "{}</td></tr>\n",
            util::escape_markup(r.claim), util::escape_markup(r.measured),
            source ? "source" : util::escape_markup(t.unit), util::escape_markup(r.board.empty() ? t.board : r.board),
            util::escape_markup(source ? t.inventory_commit : t.commit), cls, to_string(r.verdict),
            util::escape_markup(r.why));
    }
    return out + "</tbody>\n</table>\n";
}

std::string paper_html_document(const PaperTable& t) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>kernel-rig: the paper's "
           "claims</title>\n"
           "<style>body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}"
           "td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}"
           ".holds{background:#e6f4e6}.partly{background:#fff4d6}.does-not-hold{background:#fbe3e3}"
           ".not-comparable,.not-measured{background:#eee}</style></head>\n<body>\n<h1>The paper's claims, "
           "measured</h1>\n" +
           paper_html_table(t) + "</body></html>\n";
}

}  // namespace rig::report
