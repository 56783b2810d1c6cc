#include "host/report/html_report.hpp"
#include "host/util/markup_escape.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <tuple>

namespace rig::report {
namespace {

using nlohmann::json;

std::string short_commit(const std::string& c) { return c.size() > 12 ? c.substr(0, 12) : c; }

std::string commit_link(const ReportOptions& o, const std::string& commit) {
    if (o.commit_url.empty()) return {};
    std::string url = o.commit_url;
    std::string base = commit;
    if (const auto d = base.rfind("-dirty"); d != std::string::npos) base.resize(d);
    if (const auto at = url.find("{}"); at != std::string::npos)
        url.replace(at, 2, base);
    else
        url += base;
    return url;
}

// A Chart.js config as data; the page's script adds the callbacks (links, tooltips). Charts of one
// group (a board's benchmark family) are drawn small, side by side, as one grid.
struct Chart {
    std::string id, section, group, title, note;
    bool small = false;
    // Null, as json's default constructor makes it, but spelled out: that constructor is noexcept
    // while the one it calls is not, so an implicit Chart() would be noexcept and could (to
    // bugprone-exception-escape) throw; this way Chart() is not noexcept.
    json config = json::value_t::null;
    std::vector<std::string> notes;
};

// An id for an anchor: letters, digits, '-' and '_' only, so a board or family name can never
// break out of the attribute.
std::string anchor_of(std::string_view text) {
    std::string id;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '_')
            id += static_cast<char>(std::tolower(u));
        else if (!id.empty() && id.back() != '-')
            id += '-';
    }
    while (!id.empty() && id.back() == '-') id.pop_back();
    return id.empty() ? "section" : id;
}

// One entry of the table of contents; the page's headings are written with the same ids.
struct TocEntry {
    int level = 2;
    std::string id, title;
};

// The step options for one benchmark: the family's thresholds when a threshold file was given.
results::StepOptions step_options_for(const ReportOptions& o, std::string_view full_name) {
    auto so = o.steps;
    if (o.thresholds) so.thresholds = o.thresholds->for_benchmark(full_name);
    return so;
}

json axis(const std::string& title, const std::string& type = {}) {
    json a = {{"title", {{"display", true}, {"text", title}}}};
    if (!type.empty()) a["type"] = type;
    return a;
}

const char* palette(std::size_t i) {
    static const char* colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    return colours[i % 10];
}

struct BoardData {
    std::vector<results::RunSummary> runs;
    std::map<std::string, std::set<std::uint32_t>> names;  // "cell/copy" → params
    std::optional<results::RunReport> latest;
};

void trend_charts(const results::History& h, const std::string& board, const BoardData& bd, const ReportOptions& o,
                  std::vector<Chart>& charts) {
    std::map<std::string, std::vector<std::string>> by_family;  // "cell" → ["cell/copy", …]
    for (const auto& [name, params] : bd.names) by_family[name.substr(0, name.find('/'))].push_back(name);
    for (const auto& [family, names] : by_family) {
        for (const auto& name : names) {
            // One chart per benchmark and unit: never cycles and instructions together.
            std::map<board::CounterUnit, std::vector<std::pair<std::string, std::vector<results::SeriesPoint>>>>
                by_unit;
            for (auto param : bd.names.at(name)) {
                const std::string full = param ? fmt::format("{}/{}", name, param) : name;
                auto series = h.series(board, full);
                if (!series || series->empty()) continue;
                std::map<board::CounterUnit, std::vector<results::SeriesPoint>> split;
                for (auto& p : *series) split[p.unit].push_back(std::move(p));
                for (auto& [unit, pts] : split) by_unit[unit].emplace_back(full, std::move(pts));
            }
            for (const auto& [unit, datasets] : by_unit) {
                Chart c;
                c.id = fmt::format("trend-{}", charts.size());
                c.section = "Trends on " + board;
                c.group = family;
                c.small = true;
                c.title = fmt::format("{} ({})", name, board::to_string(unit));
                // Commits in date order, over all datasets.
                std::vector<std::pair<std::string, std::string>> order;  // (date, commit)
                std::set<std::string> seen;
                for (const auto& [full, pts] : datasets)
                    for (const auto& p : pts)
                        if (seen.insert(p.commit).second)
                            order.emplace_back(p.commit_date.empty() ? p.started_at : p.commit_date, p.commit);
                std::stable_sort(order.begin(), order.end());
                json labels = json::array(), links = json::array();
                for (const auto& [date, commit] : order) {
                    labels.push_back(short_commit(commit));
                    links.push_back(commit_link(o, commit));
                }
                json ds = json::array();
                std::size_t colour = 0;
                for (const auto& [full, pts] : datasets) {
                    const auto steps = results::detect_steps(pts, step_options_for(o, full));
                    std::set<std::string> step_commits;
                    for (const auto& s : steps) {
                        step_commits.insert(s.commit);
                        c.notes.push_back(results::describe_step(full, s));
                    }
                    json data = json::array(), radius = json::array(), style = json::array();
                    for (const auto& p : pts) {
                        data.push_back({{"x", short_commit(p.commit)}, {"y", p.median}, {"n", p.samples.size()}});
                        const bool step = step_commits.count(p.commit) > 0;
                        radius.push_back(step ? 9 : 3);
                        style.push_back(step ? "triangle" : "circle");
                    }
                    ds.push_back({{"label", full},
                                  {"data", data},
                                  {"borderColor", palette(colour)},
                                  {"backgroundColor", palette(colour)},
                                  {"pointRadius", radius},
                                  {"pointStyle", style},
                                  {"tension", 0}});
                    ++colour;
                }
                // Small: a compact legend (one entry per payload size) leaves room for the plot.
                c.config = {{"type", "line"},
                            {"data", {{"labels", labels}, {"datasets", ds}}},
                            {"links", links},
                            {"options",
                             {{"plugins", {{"legend", {{"labels", {{"boxWidth", 10}, {"font", {{"size", 10}}}}}}}}},
                              {"scales",
                               {{"x", axis("commit (oldest → newest)")},
                                {"y", axis(fmt::format("median {} per call", board::to_string(unit)))}}}}}};
                charts.push_back(std::move(c));
            }
        }
    }
}

void latest_charts(const std::string& board, const BoardData& bd, std::vector<Chart>& charts) {
    if (!bd.latest) return;
    const auto& run = *bd.latest;
    const std::string unit = board::to_string(run.info.unit);
    auto median = [&](const std::string& full) -> std::optional<double> {
        for (const auto& m : run.measurements)
            if (m.full_name() == full && !m.samples.empty()) {
                auto s = m.samples;
                std::sort(s.begin(), s.end());
                return s.size() % 2 ? s[s.size() / 2] : (s[s.size() / 2 - 1] + s[s.size() / 2]) / 2.0;
            }
        return std::nullopt;
    };
    // Cell vs TakeCell vs MapCell vs raw over payload size.
    {
        json ds = json::array();
        std::size_t colour = 0;
        for (const char* name : {"cell/copy", "cell/takecell_map", "cell/mapcell_map", "cell/raw_mut",
                                 "cell_c/struct_copy", "cell_c/pointer"}) {
            json data = json::array();
            for (const auto& m : run.measurements)
                if (m.name == name && m.param)
                    if (auto v = median(m.full_name())) data.push_back({{"x", m.param}, {"y", *v}});
            if (data.empty()) continue;
            ds.push_back({{"label", name},
                          {"data", data},
                          {"borderColor", palette(colour)},
                          {"backgroundColor", palette(colour)},
                          {"showLine", true}});
            ++colour;
        }
        if (!ds.empty()) {
            Chart c;
            c.id = fmt::format("cells-{}", charts.size());
            c.section = "Cells over payload size";
            c.title = fmt::format("Cell vs TakeCell vs MapCell vs raw &mut on {} at {} ({})", board,
                                  run.info.firmware_commit, unit);
            c.config = {{"type", "scatter"},
                        {"data", {{"datasets", ds}}},
                        {"options",
                         {{"scales",
                           {{"x", axis("payload size (bytes, log scale)", "logarithmic")},
                            {"y", axis(fmt::format("median {} per access", unit))}}}}}};
            charts.push_back(std::move(c));
        }
    }
    // Rust vs C.
    {
        json labels = json::array(), rust = json::array(), c_values = json::array();
        std::vector<std::pair<std::string, std::string>> pairs;
        for (const auto& m : run.measurements)
            if (m.name == "cell_c/struct_copy") pairs.emplace_back(fmt::format("cell/copy/{}", m.param), m.full_name());
        pairs.emplace_back("mmio/raw_modify", "mmio_c/raw_modify");
        pairs.emplace_back("irq/sw_to_handler", "irq_c/sw_to_handler");
        for (const auto& [r, cname] : pairs) {
            const auto rv = median(r), cv = median(cname);
            if (!rv || !cv) continue;
            labels.push_back(fmt::format("{} vs {}", r, cname));
            rust.push_back(*rv);
            c_values.push_back(*cv);
        }
        if (!labels.empty()) {
            Chart c;
            c.id = fmt::format("rustc-{}", charts.size());
            c.section = "Rust vs C";
            c.title = fmt::format("Rust vs C on {} at {} ({})", board, run.info.firmware_commit, unit);
            c.config = {{"type", "bar"},
                        {"data",
                         {{"labels", labels},
                          {"datasets",
                           {{{"label", "Rust"}, {"data", rust}, {"backgroundColor", palette(0)}},
                            {{"label", "C"}, {"data", c_values}, {"backgroundColor", palette(1)}}}}}},
                        {"options",
                         {{"scales", {{"x", axis("benchmark pair")}, {"y", axis(fmt::format("median {}", unit))}}}}}};
            charts.push_back(std::move(c));
        }
    }
}

void inventory_chart(const std::vector<CommitInventory>& invs, const ReportOptions& o, std::vector<Chart>& charts) {
    if (invs.empty()) return;
    json labels = json::array(), links = json::array(), ds = json::array();
    for (const auto& ci : invs) {
        labels.push_back(short_commit(ci.commit));
        links.push_back(commit_link(o, ci.commit));
    }
    std::size_t colour = 0;
    for (auto t : trusted_kinds) {
        json data = json::array();
        for (const auto& ci : invs) data.push_back(ci.inventory.count(t));
        ds.push_back(
            {{"label", to_string(t)}, {"data", data}, {"backgroundColor", palette(colour++)}, {"stack", "kinds"}});
    }
    Chart c;
    c.id = "unsafe-0";
    c.section = "Unsafe inventory over time";
    c.title = "unsafe uses by trusted kind, per commit (counted from the source)";
    c.config = {
        {"type", "bar"},
        {"data", {{"labels", labels}, {"datasets", ds}}},
        {"links", links},
        {"options",
         {{"scales",
           {{"x", json{{"stacked", true}, {"title", {{"display", true}, {"text", "commit (oldest → newest)"}}}}},
            {"y", json{{"stacked", true},
                       {"title", {{"display", true}, {"text", "unsafe uses (blocks + fn + impl + trait)"}}}}}}}}}};
    charts.push_back(std::move(c));
}

std::string inventory_table(const CommitInventory& ci) {
    const auto& inv = ci.inventory;
    std::string out = fmt::format(
        "<p>Counted from <code>{}</code> at commit <code>{}</code>: {} unsafe uses; {} of {} "
        "code lines ({:.1f} %) inside unsafe blocks or unsafe fn bodies; besides the four "
        "kinds, {} unsafe extern blocks and {} unsafe attributes.</p>\n",
        util::escape_markup(inv.root.string()), util::escape_markup(ci.commit), inv.total(), inv.unsafe_lines(),
        inv.code_lines(), inv.unsafe_line_percent(), inv.extern_blocks(), inv.attributes());
    out += "<table><thead><tr><th>trusted kind</th>";
    for (auto k : language_kinds) out += fmt::format("<th>{}</th>", to_string(k));
    out += "<th>total</th><th>files</th></tr></thead><tbody>\n";
    for (auto t : trusted_kinds) {
        out += fmt::format("<tr><td>{}</td>", to_string(t));
        for (auto k : language_kinds) out += fmt::format("<td>{}</td>", inv.count(t, k));
        std::set<std::string> files;
        for (const auto& u : inv.uses)
            if (u.trusted == t) files.insert(u.file);
        std::string list;
        for (const auto& f : files) list += (list.empty() ? "" : ", ") + util::escape_markup(f);
        out += fmt::format("<td>{}</td><td>{}</td></tr>\n", inv.count(t), list);
    }
    return out + "</tbody></table>\n";
}

// Every step in the history, per board and benchmark, over each whole series (as `rig nightly`
// looks for them), for the summary.
struct FoundStep {
    std::string board, benchmark, date;  // date: of the commit that caused it (its run's start if unknown)
    results::Step step;
    bool regression = false;  // slower and past the family's thresholds
};

Result<std::vector<FoundStep>> find_steps(const results::History& h, const std::map<std::string, BoardData>& boards,
                                          const ReportOptions& o) {
    std::vector<FoundStep> found;
    for (const auto& [board, bd] : boards)
        for (const auto& [name, params] : bd.names)
            for (auto param : params) {
                const std::string full = param ? fmt::format("{}/{}", name, param) : name;
                auto series = h.series(board, full);
                if (!series) return series.error().context("report");
                for (const auto& s : results::detect_steps(*series, step_options_for(o, full))) {
                    const auto& p = (*series)[s.index];
                    found.push_back({board, full, p.commit_date.empty() ? p.started_at : p.commit_date, s,
                                     s.slower() && s.past_thresholds});
                }
            }
    // Regressions first, then the other steps; newest commit first within each.
    std::stable_sort(found.begin(), found.end(), [](const FoundStep& a, const FoundStep& b) {
        if (a.regression != b.regression) return a.regression;
        if (a.date != b.date) return a.date > b.date;
        return std::tie(a.board, a.benchmark) < std::tie(b.board, b.benchmark);
    });
    return found;
}

std::string commit_cell(const ReportOptions& o, const std::string& commit) {
    const auto link = commit_link(o, commit);
    const auto hash = "<code>" + util::escape_markup(commit) + "</code>";
    return link.empty() ? hash : "<a href=\"" + util::escape_markup(link) + "\">" + hash + "</a>";
}

std::string summary_section(const std::map<std::string, BoardData>& boards, const std::vector<FoundStep>& steps,
                            const ReportOptions& o) {
    std::string out = "<section id=\"summary\">\n<h2>Summary</h2>\n";
    out += "<h3 id=\"latest-runs\">Latest complete run per board</h3>\n";
    if (boards.empty()) {
        out +=
            "<p>The history holds no run yet (<code>rig run</code>, <code>rig nightly</code> and "
            "<code>rig import</code> fill it).</p>\n";
    } else {
        out +=
            "<table class=\"latest\"><thead><tr><th>board</th><th>commit</th><th>commit date</th><th>run started"
            "</th><th>run id</th><th>benchmarks</th><th>repetitions</th><th>unit</th></tr></thead><tbody>\n";
        for (const auto& [board, bd] : boards) {
            // Runs are oldest first; a filtered run is a look at a few benchmarks, not the board's state.
            const auto it =
                std::find_if(bd.runs.rbegin(), bd.runs.rend(), [](const results::RunSummary& r) { return r.complete; });
            if (it == bd.runs.rend()) {
                out += fmt::format(
                    "<tr><td>{}</td><td colspan=\"7\" class=\"partly\">no complete run ({} filtered "
                    "run(s))</td></tr>\n",
                    util::escape_markup(board), bd.runs.size());
                continue;
            }
            out += fmt::format(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td>"
                "<td>{}</td></tr>\n",
                util::escape_markup(board), commit_cell(o, it->commit), util::escape_markup(it->commit_date),
                util::escape_markup(it->started_at), util::escape_markup(it->run_uid), it->benchmarks, it->repetitions,
                board::to_string(it->unit));
        }
        out += "</tbody></table>\n";
    }
    const auto regressions = std::count_if(steps.begin(), steps.end(), [](const FoundStep& f) { return f.regression; });
    out += "<h3 id=\"changes\">What changed</h3>\n";
    if (steps.empty()) {
        out += "<p>No step in any benchmark's series.</p>\n";
        return out + "</section>\n";
    }
    out += fmt::format(
        "<p>{} regression(s) (slower, past the family's thresholds) and {} other step(s), found over each "
        "benchmark's whole series per board; each row names the commit that introduced the change.</p>\n",
        regressions, steps.size() - regressions);
    out +=
        "<table class=\"changes\"><thead><tr><th>kind</th><th>board</th><th>benchmark</th><th>commit</th>"
        "<th>before it</th><th>change</th></tr></thead><tbody>\n";
    for (const auto& f : steps) {
        const auto& s = f.step;
        const char* kind = f.regression ? "regression" : s.slower() ? "slower" : "faster";
        std::string change = fmt::format("{:+g} {} ({:g} → {:g}, {:+.1f} %", s.change, board::to_string(s.unit),
                                         s.before, s.after, s.change_percent);
        if (s.p_value) change += fmt::format(", p = {:.2g}", *s.p_value);
        if (!s.past_thresholds) change += ", within thresholds";
        out +=
            fmt::format("<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                        kind, kind, util::escape_markup(f.board), util::escape_markup(f.benchmark),
                        commit_cell(o, s.commit), commit_cell(o, s.previous_commit), util::escape_markup(change + ")"));
    }
    return out + "</tbody></table>\n</section>\n";
}

std::string contents_section(const std::vector<TocEntry>& toc) {
    std::string out = "<nav id=\"contents\">\n<h2>Contents</h2>\n<ul>\n";
    out +=
        "<li><a href=\"#summary\">Summary</a><ul><li><a href=\"#latest-runs\">Latest complete run per board</a>"
        "</li><li><a href=\"#changes\">What changed</a></li></ul></li>\n";
    for (std::size_t i = 0; i < toc.size(); ++i) {
        const auto& e = toc[i];
        out += fmt::format("<li><a href=\"#{}\">{}</a>", e.id, util::escape_markup(e.title));
        if (e.level == 2 && i + 1 < toc.size() && toc[i + 1].level == 3) {
            out += "<ul>";
            while (i + 1 < toc.size() && toc[i + 1].level == 3) {
                ++i;
                out += fmt::format("<li><a href=\"#{}\">{}</a></li>", toc[i].id, util::escape_markup(toc[i].title));
            }
            out += "</ul>";
        }
        out += "</li>\n";
    }
    return out + "</ul>\n</nav>\n";
}

// Headings with ids that are unique on the page, recorded for the table of contents.
class Headings {
public:
    std::string add(int level, const std::string& title, const std::string& wanted_id) {
        std::string id = anchor_of(wanted_id);
        for (int n = 2; !ids_.insert(id).second; ++n) id = fmt::format("{}-{}", anchor_of(wanted_id), n);
        toc_.push_back({level, id, title});
        return fmt::format("<h{0} id=\"{1}\">{2}</h{0}>\n", level, id, util::escape_markup(title));
    }
    const std::vector<TocEntry>& toc() const { return toc_; }

private:
    std::set<std::string> ids_{"summary", "latest-runs", "changes", "contents", "js-errors"};
    std::vector<TocEntry> toc_;
};

// Runs before Chart.js: an error anywhere on the page (Chart.js itself included) is shown at the top
// instead of leaving empty chart boxes unexplained, and counted on <html data-js-errors>.
const char* error_script = R"JS(
(function () {
  const root = document.documentElement;
  root.setAttribute('data-js-errors', '0');
  window.addEventListener('error', function (e) {
    const n = Number(root.getAttribute('data-js-errors')) + 1;
    root.setAttribute('data-js-errors', String(n));
    const text = (e && e.message) ? e.message : String(e);
    const show = function () {
      const box = document.getElementById('js-errors');
      if (!box) return;
      box.hidden = false;
      box.textContent += (box.textContent ? ' | ' : 'A script on this page failed, charts may be missing: ') + text;
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', show); else show();
  });
})();
)JS";

const char* page_script = R"JS(
(function () {
  const charts = JSON.parse(document.getElementById('rig-charts').textContent);
  let rendered = 0;
  const done = new Set();
  const marker = {
    id: 'rigRendered',
    afterRender(chart) {
      if (done.has(chart.canvas.id)) return;
      done.add(chart.canvas.id);
      rendered += 1;
      document.body.setAttribute('data-charts-rendered', String(rendered));
    }
  };
  for (const spec of charts) {
    const cfg = spec.config;
    const links = cfg.links || [];
    delete cfg.links;
    cfg.options = cfg.options || {};
    cfg.options.animation = false;
    cfg.options.responsive = true;
    cfg.options.maintainAspectRatio = false;
    cfg.options.plugins = Object.assign({}, cfg.options.plugins || {}, {
      title: { display: true, text: spec.title }
    });
    cfg.options.plugins.tooltip = { callbacks: { afterLabel(ctx) {
      const raw = ctx.raw || {};
      return raw.n !== undefined ? 'samples: ' + raw.n : '';
    } } };
    cfg.options.onClick = function (evt, elements) {
      if (!elements.length) return;
      const url = links[elements[0].index];
      if (url) window.open(url, '_blank');
    };
    cfg.plugins = [marker];
    new Chart(document.getElementById(spec.id), cfg);
  }
})();
)JS";

std::string escape_script(std::string s) {  // nothing inside may close the <script>
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '<' && i + 1 < s.size() && s[i + 1] == '/') {
            out += "<\\/";
            ++i;
        } else {
            out += s[i];
        }
    }
    return out;
}

}  // namespace

std::size_t count_charts(const std::string& html) {
    std::size_t n = 0;
    for (auto at = html.find("<canvas "); at != std::string::npos; at = html.find("<canvas ", at + 1)) ++n;
    return n;
}

Result<std::string> render_html_report(const ReportInput& input, const ReportOptions& o) {
    std::ifstream js(o.chart_js, std::ios::binary);
    if (!js)
        return make_error(ErrorKind::not_found,
                          "cannot read Chart.js at " + o.chart_js.string() +
                              " (Debian package libjs-chart.js; scripts/bootstrap.sh installs it)");
    std::stringstream chart_js;
    chart_js << js.rdbuf();

    std::vector<Chart> charts;
    std::map<std::string, BoardData> boards;
    std::vector<FoundStep> steps;
    if (input.history) {
        const auto& h = *input.history;
        auto runs = h.runs();
        if (!runs) return runs.error().context("report");
        for (const auto& r : *runs) boards[r.board].runs.push_back(r);
        for (auto& [board, bd] : boards) {
            for (const auto& r : bd.runs) {
                auto run = h.load_run(r.id);
                if (!run) return run.error().context("report");
                for (const auto& m : run->measurements) bd.names[m.name].insert(m.param);
                // Runs are oldest first: the last complete one stays (a filtered run is a look at a
                // few benchmarks); a board with only partial runs shows its last one.
                if (r.complete || !bd.latest || !bd.latest->info.complete) bd.latest = std::move(*run);
            }
        }
        auto found = find_steps(h, boards, o);
        if (!found) return found.error();
        steps = std::move(*found);
        for (const auto& [board, bd] : boards) trend_charts(h, board, bd, o, charts);
        for (const auto& [board, bd] : boards) latest_charts(board, bd, charts);
    }
    inventory_chart(input.inventories, o, charts);
    // One heading per section: the latest-run charts come per board (cells, then Rust vs C), so
    // each section's charts are gathered where the section first appears.
    {
        std::map<std::string, std::size_t> first;
        for (const auto& c : charts) first.emplace(c.section, first.size());
        std::stable_sort(charts.begin(), charts.end(),
                         [&](const Chart& a, const Chart& b) { return first.at(a.section) < first.at(b.section); });
    }

    // The sections after the summary and the contents, written first so the contents can list them.
    Headings headings;
    std::string body;
    if (!input.paper.empty()) {
        body += headings.add(2, "The paper's claims", "paper");
        for (const auto& t : input.paper) body += headings.add(3, t.board, "paper-" + t.board) + paper_html_table(t);
    }
    std::string section, group;
    std::vector<std::string> group_notes;
    bool in_grid = false;
    const auto close_grid = [&] {
        if (!in_grid) return;
        body += "</div>\n";
        if (!group_notes.empty()) {
            body += "<ul class=\"steps\">\n";
            for (const auto& n : group_notes) body += "<li class=\"step\">" + util::escape_markup(n) + "</li>\n";
            body += "</ul>\n";
        }
        group_notes.clear();
        in_grid = false;
    };
    json specs = json::array();
    for (const auto& c : charts) {
        if (c.section != section) {
            close_grid();
            section = c.section;
            group.clear();
            body += headings.add(2, section, section);
            if (c.small)
                body +=
                    "<p class=\"note\">One small chart per benchmark, one line per payload size. ▲ marks the "
                    "commit where a step was detected; click a point to open its commit.</p>\n";
        }
        if (c.small && c.group != group) {
            close_grid();
            group = c.group;
            body += headings.add(3, group, fmt::format("{}-{}", section, group));
            body += "<div class=\"grid\">\n";
            in_grid = true;
        }
        body += fmt::format("<div class=\"chart{}\"><canvas id=\"{}\" role=\"img\" aria-label=\"{}\"></canvas></div>\n",
                            c.small ? " small" : "", c.id, util::escape_markup(c.title));
        if (c.small) {
            group_notes.insert(group_notes.end(), c.notes.begin(), c.notes.end());
        } else {
            if (!c.note.empty()) body += "<p class=\"note\">" + util::escape_markup(c.note) + "</p>\n";
            for (const auto& n : c.notes) body += "<p class=\"step\">" + util::escape_markup(n) + "</p>\n";
        }
        specs.push_back({{"id", c.id}, {"title", c.title}, {"config", c.config}});
    }
    close_grid();
    if (!input.inventories.empty())
        body += headings.add(3, "Latest inventory", "latest-inventory") + inventory_table(input.inventories.back());

    // What each board's latest run checked after collecting: a warning there (a clock that does
    // not match the board file, a read-back that could not be done) belongs on the page.
    std::string checks;
    for (const auto& [board, bd] : boards) {
        if (!bd.latest) continue;
        const auto& i = bd.latest->info;
        const auto cell = [](const std::string& text) {
            const bool warn = text.starts_with("warning") || text.starts_with("not done");
            return fmt::format("<td{}>{}</td>", warn ? " class=\"partly\"" : "",
                               text.empty() ? "<span class=\"note\">not recorded</span>" : util::escape_markup(text));
        };
        checks += fmt::format("<tr><td>{}</td><td><code>{}</code></td>{}{}<td>{}</td></tr>\n",
                              util::escape_markup(board), util::escape_markup(i.firmware_commit),
                              cell(i.ram_cross_check), cell(i.counter_check), i.uart_garbage_bytes);
    }
    if (!checks.empty())
        body += headings.add(2, "Checks of each board's latest run", "checks") +
                "<table><thead><tr><th>board</th><th>commit</th><th>RAM cross-check</th><th>counter check</th>"
                "<th>UART garbage bytes</th></tr></thead><tbody>\n" +
                checks + "</tbody></table>\n";

    // Every run, newest first per board, with what identifies and qualifies it.
    std::string rows;
    for (const auto& [board, bd] : boards)
        // The range-for modernize-loop-convert asks for needs std::views::reverse, which clang-tidy's
        // clang 14 cannot compile with libstdc++ 12's <ranges>.
        for (auto it = bd.runs.rbegin(); it != bd.runs.rend(); ++it)  // NOLINT(modernize-loop-convert): see above
            rows += fmt::format(
                "<tr{}><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                "<td>{}</td><td>{}</td><td>{}</td></tr>\n",
                it->complete ? "" : " class=\"partial\"", util::escape_markup(board), util::escape_markup(it->run_uid),
                commit_cell(o, it->commit), util::escape_markup(it->commit_date), util::escape_markup(it->started_at),
                it->repetitions, it->benchmarks,
                it->filter.empty() ? "<span class=\"note\">whole suite</span>"
                                   : "<code>" + util::escape_markup(it->filter) + "</code>",
                board::to_string(it->unit), util::escape_markup(it->source));
    if (!rows.empty())
        body += headings.add(2, "Runs", "runs") +
                "<table class=\"runs\"><thead><tr><th>board</th><th>run id</th><th>commit</th><th>commit date</th>"
                "<th>run started</th><th>repetitions</th><th>benchmarks</th><th>filter</th><th>unit</th>"
                "<th>source</th></tr></thead><tbody>\n" +
                rows + "</tbody></table>\n";

    std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>" +
                       util::escape_markup(o.title) +
                       "</title>\n<style>\n"
                       "body{font-family:sans-serif;margin:1.5em;max-width:1400px}"
                       ".chart{position:relative;height:340px;margin:1em 0 0.3em 0}"
                       ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:10px}"
                       ".chart.small{height:230px;margin:0}"
                       "table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;padding:3px 7px;"
                       "vertical-align:top;text-align:left}.note{color:#555;font-size:90%}"
                       ".step{color:#b00}.steps{font-size:90%}tr.regression td{background:#fbe3e3}"
                       "tr.partial td{color:#555}nav ul{margin:0.2em 0}nav ul ul li{display:inline;margin-right:0.8em}"
                       ".holds{background:#e6f4e6}.partly{background:#fff4d6}"
                       ".does-not-hold{background:#fbe3e3}.not-comparable,.not-measured{background:#eee}\n"
                       "</style>\n<script>" +
                       std::string(error_script) + "</script>\n<script>" + escape_script(chart_js.str()) +
                       "</script>\n</head>\n<body data-charts-rendered=\"0\">\n";
    html += "<h1>" + util::escape_markup(o.title) + "</h1>\n";
    html += "<p id=\"js-errors\" class=\"partly\" hidden></p>\n";
    html +=
        "<p class=\"note\">Units are on every axis. QEMU counts instructions (exact, deterministic); real boards "
        "count cycles. The two are never drawn in one chart. Plots: Chart.js, inlined (works offline).</p>\n";
    html += summary_section(boards, steps, o);
    html += contents_section(headings.toc());
    html += body;
    html += R"(<script type="application/json" id="rig-charts">)" + escape_script(specs.dump()) + "</script>\n";
    html += "<script>" + std::string(page_script) + "</script>\n</body></html>\n";
    return html;
}

}  // namespace rig::report
