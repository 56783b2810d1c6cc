#include "host/results/history.hpp"

#include "host/results/run_identity.hpp"
#include "host/results/summary_table.hpp"

#include <fmt/format.h>
#include <sqlite3.h>
#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <utility>

namespace rig::results {
namespace {

// How long a writer waits for another (a `rig run` and a `rig import` at the same time).
constexpr std::chrono::milliseconds busy_timeout{10'000};

// migrations[i] takes a file from schema version i to i + 1; version 0 is an empty file.
// Append new migrations; never edit one that has shipped.
constexpr std::array<std::string_view, 3> migrations = {
    R"sql(
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    board TEXT NOT NULL CHECK (board <> ''),
    chip TEXT NOT NULL,
    git_commit TEXT NOT NULL CHECK (git_commit <> ''),
    commit_date TEXT NOT NULL,
    started_at TEXT NOT NULL,
    unit TEXT NOT NULL CHECK (unit IN ('cycles', 'instructions')),
    cpu_hz INTEGER NOT NULL CHECK (cpu_hz >= 0),
    ns_per_count REAL NOT NULL CHECK (ns_per_count > 0),
    probe TEXT NOT NULL,
    firmware_version TEXT NOT NULL,
    toolchain TEXT NOT NULL,
    image_sha256 TEXT NOT NULL,
    repetitions INTEGER NOT NULL CHECK (repetitions >= 0),
    uart_garbage_bytes INTEGER NOT NULL CHECK (uart_garbage_bytes >= 0),
    log TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source <> ''),
    stored_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (board, git_commit, image_sha256, started_at)
);
CREATE INDEX runs_by_board_commit ON runs (board, git_commit);
CREATE TABLE measurements (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (name <> ''),
    param INTEGER NOT NULL CHECK (param >= 0),
    overhead INTEGER NOT NULL CHECK (overhead >= 0),
    UNIQUE (run_id, name, param)
);
CREATE TABLE samples (
    measurement_id INTEGER NOT NULL REFERENCES measurements (id) ON DELETE CASCADE,
    repetition INTEGER NOT NULL CHECK (repetition >= 0),
    value INTEGER NOT NULL CHECK (value >= 0),
    PRIMARY KEY (measurement_id, repetition)
) WITHOUT ROWID;
)sql",
    // 2: what the run's after-checks found (RAM read back by symbol, DWT CYCCNT's rate), so the
    // report can show a warning from a night's run.
    R"sql(
ALTER TABLE runs ADD COLUMN ram_cross_check TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN counter_check TEXT NOT NULL DEFAULT '';
)sql",
    // 3: every run has its own id, so two runs that start in the same second are two runs (the
    // old UNIQUE on board, commit, image and start time merged them), and records its filter and
    // whether it ran the whole suite. SQLite cannot drop a UNIQUE constraint: the table is rebuilt
    // (foreign keys are off during migrations, so measurements keep their run ids). Old runs get
    // the id results::legacy_run_id derives; one counts as complete when it has as many benchmarks
    // as the board's largest run (old runs did not record their filter).
    R"sql(
CREATE TABLE runs_v3 (
    id INTEGER PRIMARY KEY,
    run_uid TEXT NOT NULL UNIQUE CHECK (run_uid <> ''),
    board TEXT NOT NULL CHECK (board <> ''),
    chip TEXT NOT NULL,
    git_commit TEXT NOT NULL CHECK (git_commit <> ''),
    commit_date TEXT NOT NULL,
    started_at TEXT NOT NULL,
    unit TEXT NOT NULL CHECK (unit IN ('cycles', 'instructions')),
    cpu_hz INTEGER NOT NULL CHECK (cpu_hz >= 0),
    ns_per_count REAL NOT NULL CHECK (ns_per_count > 0),
    probe TEXT NOT NULL,
    firmware_version TEXT NOT NULL,
    toolchain TEXT NOT NULL,
    image_sha256 TEXT NOT NULL,
    repetitions INTEGER NOT NULL CHECK (repetitions >= 0),
    filter TEXT NOT NULL DEFAULT '',
    complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
    uart_garbage_bytes INTEGER NOT NULL CHECK (uart_garbage_bytes >= 0),
    log TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source <> ''),
    stored_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    ram_cross_check TEXT NOT NULL DEFAULT '',
    counter_check TEXT NOT NULL DEFAULT ''
);
INSERT INTO runs_v3 (id, run_uid, board, chip, git_commit, commit_date, started_at, unit, cpu_hz, ns_per_count, probe,
                     firmware_version, toolchain, image_sha256, repetitions, filter, complete, uart_garbage_bytes, log,
                     source, stored_at, ram_cross_check, counter_check)
SELECT r.id, 'legacy:' || r.board || ':' || r.git_commit || ':' || r.started_at || ':' || substr(r.image_sha256, 1, 12),
       r.board, r.chip, r.git_commit, r.commit_date, r.started_at, r.unit, r.cpu_hz, r.ns_per_count, r.probe,
       r.firmware_version, r.toolchain, r.image_sha256, r.repetitions, '',
       (SELECT count(*) FROM measurements m WHERE m.run_id = r.id) >=
           (SELECT max(n) FROM (SELECT count(*) AS n FROM measurements m2 JOIN runs r2 ON m2.run_id = r2.id
                                WHERE r2.board = r.board GROUP BY r2.id)),
       r.uart_garbage_bytes, r.log, r.source, r.stored_at, r.ram_cross_check, r.counter_check
FROM runs r;
DROP TABLE runs;
ALTER TABLE runs_v3 RENAME TO runs;
CREATE INDEX runs_by_board_commit ON runs (board, git_commit);
)sql",
};

Error db_error(sqlite3* db, const std::string& what) {
    return make_error(ErrorKind::io, what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// A prepared statement, finalized on every path.
class Statement {
public:
    static Result<Statement> prepare(sqlite3* db, std::string_view sql) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK)
            return db_error(db, "history: cannot prepare statement");
        return Statement(db, stmt);
    }
    Statement(Statement&& other) noexcept : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement& operator=(Statement&&) = delete;
    ~Statement() { sqlite3_finalize(stmt_); }

    Statement& bind(int index, std::string_view text) {
        sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Statement& bind(int index, std::int64_t value) {
        sqlite3_bind_int64(stmt_, index, value);
        return *this;
    }
    Statement& bind(int index, double value) {
        sqlite3_bind_double(stmt_, index, value);
        return *this;
    }

    // True while there is a row to read; false when done. Errors name what was being done.
    Result<bool> step(const std::string& what) {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        return db_error(db_, what);
    }
    Result<void> run(const std::string& what) {
        auto r = step(what);
        if (!r) return r.error();
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
        return {};
    }

    std::string text(int column) const {
        const auto* p = sqlite3_column_text(stmt_, column);
        return p ? std::string(reinterpret_cast<const char*>(p),
                               static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
                 : std::string();
    }
    std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
    double real(int column) const { return sqlite3_column_double(stmt_, column); }
    bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

private:
    Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    sqlite3* db_;
    sqlite3_stmt* stmt_;
};

Result<void> exec(sqlite3* db, const std::string& sql, const std::string& what) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        Error e = make_error(ErrorKind::io, what + ": " + (message ? message : sqlite3_errmsg(db)));
        sqlite3_free(message);
        return e;
    }
    return {};
}

// Rolls back on scope exit unless committed.
class Transaction {
public:
    explicit Transaction(sqlite3* db) : db_(db) {}
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction() {
        if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    Result<void> begin() {
        if (auto r = exec(db_, "BEGIN IMMEDIATE", "history: cannot start a transaction"); !r) return r;
        open_ = true;
        return {};
    }
    Result<void> commit() {
        if (auto r = exec(db_, "COMMIT", "history: cannot commit"); !r) return r;
        open_ = false;
        return {};
    }

private:
    sqlite3* db_;
    bool open_ = false;
};

board::CounterUnit unit_from(const std::string& text) {
    return text == "instructions" ? board::CounterUnit::instructions : board::CounterUnit::cycles;
}

// A run read from an old file has no id: it gets the one its old identity derives.
std::string run_uid_of(const RunInfo& i) {
    return i.run_id.empty() ? legacy_run_id(i.board, i.firmware_commit, i.started_at, i.image_sha256) : i.run_id;
}

Result<int> read_schema_version(sqlite3* db) {
    if (auto r = exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
                      "history: cannot create the schema_version table");
        !r)
        return r.error();
    auto stmt = Statement::prepare(db, "SELECT max(version) FROM schema_version");
    if (!stmt) return stmt.error();
    auto row = stmt->step("history: cannot read the schema version");
    if (!row) return row.error();
    return static_cast<int>(stmt->integer(0));
}

Result<void> migrate(sqlite3* db, const std::filesystem::path& file) {
    Transaction tx(db);
    if (auto r = tx.begin(); !r) return r;
    auto version = read_schema_version(db);
    if (!version) return version.error();
    if (*version > static_cast<int>(migrations.size()))
        return make_error(ErrorKind::unsupported, file.string() + ": history schema version " +
                                                      std::to_string(*version) + " is newer than this rig's (" +
                                                      std::to_string(migrations.size()) + "): update the rig");
    for (auto v = static_cast<std::size_t>(*version); v < migrations.size(); ++v) {
        if (auto r = exec(db, std::string(migrations[v]), "history: migration to version " + std::to_string(v + 1)); !r)
            return r;
        if (auto r = exec(
                db, "DELETE FROM schema_version; INSERT INTO schema_version VALUES (" + std::to_string(v + 1) + ")",
                "history: cannot record the schema version");
            !r)
            return r;
    }
    return tx.commit();
}

constexpr std::string_view summary_columns =
    "r.id, r.board, r.git_commit, r.commit_date, r.started_at, r.unit, r.image_sha256, r.source, r.repetitions, "
    "(SELECT count(*) FROM measurements m WHERE m.run_id = r.id), r.run_uid, r.filter, r.complete";

RunSummary summary_from(const Statement& s) {
    RunSummary r;
    r.id = s.integer(0);
    r.board = s.text(1);
    r.commit = s.text(2);
    r.commit_date = s.text(3);
    r.started_at = s.text(4);
    r.unit = unit_from(s.text(5));
    r.image_sha256 = s.text(6);
    r.source = s.text(7);
    r.repetitions = static_cast<unsigned>(s.integer(8));
    r.benchmarks = static_cast<std::size_t>(s.integer(9));
    r.run_uid = s.text(10);
    r.filter = s.text(11);
    r.complete = s.integer(12) != 0;
    return r;
}

}  // namespace

void History::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

History::History(std::unique_ptr<sqlite3, Closer> db, std::filesystem::path file)
    : db_(std::move(db)), file_(std::move(file)) {}
History::History(History&&) noexcept = default;
History& History::operator=(History&&) noexcept = default;
History::~History() = default;

int History::current_schema_version() { return static_cast<int>(migrations.size()); }

Result<History> History::open(const std::filesystem::path& file) {
    std::error_code ec;
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
    if (ec)
        return make_error(ErrorKind::io, "history: cannot create " + file.parent_path().string() + ": " + ec.message());

    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(file.c_str(), &raw,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
    std::unique_ptr<sqlite3, Closer> db(raw);
    if (rc != SQLITE_OK) return db_error(raw, "history: cannot open " + file.string());
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, static_cast<int>(busy_timeout.count()));

    // A file that is not a database fails on its first read: say which file. Foreign keys are
    // turned on after migrating: a migration that rebuilds a table must not cascade its drop.
    for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"})
        if (auto r = exec(raw, pragma, file.string() + ": " + pragma); !r) return r.error();
    if (auto r = migrate(raw, file); !r) return r.error().context(file.string());
    if (auto r = exec(raw, "PRAGMA foreign_keys=ON", file.string() + ": PRAGMA foreign_keys=ON"); !r) return r.error();
    return History(std::move(db), file);
}

Result<std::optional<std::int64_t>> History::find_run(const RunInfo& info) const {
    auto s = Statement::prepare(db_.get(), "SELECT id FROM runs WHERE run_uid = ?1");
    if (!s) return s.error();
    s->bind(1, run_uid_of(info));
    auto row = s->step("history: cannot look up a run");
    if (!row) return row.error();
    if (!*row) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(s->integer(0));
}

Result<std::int64_t> History::add_run(const RunReport& report, std::string_view log_text, const RunOrigin& origin) {
    Transaction tx(db_.get());
    if (auto r = tx.begin(); !r) return r.error();
    // Looked up inside the transaction: two writers cannot both decide the run is new. Only the
    // same run (the same id: a file imported twice) is found; two runs are never merged.
    auto existing = find_run(report.info);
    if (!existing) return existing.error();
    if (*existing) {
        // The same run again (a file imported twice) is stored once; another run under the same id
        // would be merged into it, so it is refused instead.
        auto stored = load_run(**existing);
        if (!stored) return stored.error();
        const auto& a = stored->info;
        const auto& b = report.info;
        if (a.board != b.board || a.firmware_commit != b.firmware_commit || a.started_at != b.started_at ||
            a.image_sha256 != b.image_sha256)
            return make_error(ErrorKind::invalid_argument, "history: run id " + run_uid_of(b) +
                                                               " already names another run (" + a.board + " at " +
                                                               a.firmware_commit + ", started " + a.started_at + ")");
        return **existing;
    }
    auto id = insert_run(report, log_text, origin);
    if (!id) return id.error();
    if (auto r = tx.commit(); !r) return r.error();
    return *id;
}

Result<std::int64_t> History::insert_run(const RunReport& report, std::string_view log_text, const RunOrigin& origin) {
    const auto& i = report.info;
    auto run = Statement::prepare(db_.get(), R"sql(
        INSERT INTO runs (board, chip, git_commit, commit_date, started_at, unit, cpu_hz, ns_per_count, probe,
                          firmware_version, toolchain, image_sha256, repetitions, uart_garbage_bytes, log, source,
                          ram_cross_check, counter_check, run_uid, filter, complete)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21))sql");
    if (!run) return run.error();
    run->bind(1, i.board).bind(2, i.chip).bind(3, i.firmware_commit).bind(4, origin.commit_date).bind(5, i.started_at);
    run->bind(6, std::string_view(board::to_string(i.unit))).bind(7, static_cast<std::int64_t>(i.cpu_hz));
    run->bind(8, i.ns_per_count).bind(9, i.probe).bind(10, i.firmware_version).bind(11, i.toolchain);
    run->bind(12, i.image_sha256).bind(13, static_cast<std::int64_t>(i.repetitions));
    run->bind(14, static_cast<std::int64_t>(i.uart_garbage_bytes)).bind(15, log_text).bind(16, origin.source);
    run->bind(17, i.ram_cross_check).bind(18, i.counter_check).bind(19, run_uid_of(i)).bind(20, i.filter);
    run->bind(21, static_cast<std::int64_t>(i.complete ? 1 : 0));
    if (auto r = run->run("history: cannot store the run of " + i.board + " at " + i.firmware_commit); !r)
        return r.error();
    const std::int64_t run_id = sqlite3_last_insert_rowid(db_.get());

    auto measurement = Statement::prepare(
        db_.get(), "INSERT INTO measurements (run_id, name, param, overhead) VALUES (?1, ?2, ?3, ?4)");
    if (!measurement) return measurement.error();
    auto sample =
        Statement::prepare(db_.get(), "INSERT INTO samples (measurement_id, repetition, value) VALUES (?1, ?2, ?3)");
    if (!sample) return sample.error();
    for (const auto& m : report.measurements) {
        measurement->bind(1, run_id).bind(2, m.name).bind(3, static_cast<std::int64_t>(m.param));
        measurement->bind(4, static_cast<std::int64_t>(m.overhead));
        if (auto r = measurement->run("history: cannot store benchmark '" + m.full_name() + "'"); !r) return r.error();
        const std::int64_t measurement_id = sqlite3_last_insert_rowid(db_.get());
        for (std::size_t rep = 0; rep < m.samples.size(); ++rep) {
            sample->bind(1, measurement_id).bind(2, static_cast<std::int64_t>(rep));
            sample->bind(3, static_cast<std::int64_t>(m.samples[rep]));
            if (auto r = sample->run("history: cannot store a sample of '" + m.full_name() + "'"); !r) return r.error();
        }
    }
    return run_id;
}

Result<std::vector<RunSummary>> History::runs(const RunFilter& filter) const {
    auto s = Statement::prepare(db_.get(), "SELECT " + std::string(summary_columns) +
                                               " FROM runs r WHERE (?1 = '' OR r.board = ?1) AND"
                                               " (?2 = '' OR r.git_commit = ?2) ORDER BY r.started_at, r.id");
    if (!s) return s.error();
    s->bind(1, filter.board).bind(2, filter.commit);
    std::vector<RunSummary> out;
    for (;;) {
        auto row = s->step("history: cannot list runs");
        if (!row) return row.error();
        if (!*row) break;
        out.push_back(summary_from(*s));
    }
    return out;
}

Result<std::optional<std::string>> History::resolve_commit(const std::string& board, const std::string& commit) const {
    if (commit.empty()) return std::optional<std::string>();
    auto commits =
        Statement::prepare(db_.get(), "SELECT DISTINCT git_commit FROM runs WHERE board = ?1 ORDER BY git_commit");
    if (!commits) return commits.error();
    commits->bind(1, board);
    std::vector<std::string> found;
    for (;;) {
        auto row = commits->step("history: cannot look up commit " + commit);
        if (!row) return row.error();
        if (!*row) break;
        const auto stored = commits->text(0);
        if (stored == commit) return std::optional<std::string>(stored);  // an exact name wins
        if (same_commit(stored, commit)) found.push_back(stored);
    }
    if (found.empty()) return std::optional<std::string>();
    if (found.size() > 1) {
        std::string list;
        for (const auto& c : found) list += (list.empty() ? "" : ", ") + c;
        return make_error(ErrorKind::invalid_argument,
                          "commit '" + commit + "' is ambiguous on " + board + " (matches " + list + ")");
    }
    return std::optional<std::string>(found.front());
}

Result<std::optional<RunSummary>> History::latest_run(const std::string& board, const std::string& commit,
                                                      bool complete_only) const {
    auto chosen = resolve_commit(board, commit);
    if (!chosen) return chosen.error();
    if (!*chosen) return std::optional<RunSummary>();
    auto s = Statement::prepare(db_.get(), "SELECT " + std::string(summary_columns) +
                                               " FROM runs r WHERE r.board = ?1 AND r.git_commit = ?2"
                                               " AND (?3 = 0 OR r.complete = 1)"
                                               " ORDER BY r.started_at DESC, r.id DESC LIMIT 1");
    if (!s) return s.error();
    s->bind(1, board).bind(2, **chosen).bind(3, static_cast<std::int64_t>(complete_only ? 1 : 0));
    auto row = s->step("history: cannot read the latest run");
    if (!row) return row.error();
    if (!*row) return std::optional<RunSummary>();
    return std::optional<RunSummary>(summary_from(*s));
}

Result<std::optional<RunSummary>> History::find_run_by_id(const std::string& run_id) const {
    if (run_id.empty()) return std::optional<RunSummary>();
    // The whole id, or a prefix of it that names one run; the history's own number also works.
    auto s =
        Statement::prepare(db_.get(), "SELECT " + std::string(summary_columns) +
                                          " FROM runs r WHERE r.run_uid = ?1 OR substr(r.run_uid, 1, length(?1)) = ?1"
                                          " OR CAST(r.id AS TEXT) = ?1 ORDER BY (r.run_uid = ?1) DESC, r.id LIMIT 3");
    if (!s) return s.error();
    s->bind(1, run_id);
    std::vector<RunSummary> found;
    for (;;) {
        auto row = s->step("history: cannot look up run " + run_id);
        if (!row) return row.error();
        if (!*row) break;
        found.push_back(summary_from(*s));
    }
    if (found.empty()) return std::optional<RunSummary>();
    if (found.size() > 1 && found.front().run_uid != run_id)
        return make_error(ErrorKind::invalid_argument, "run id '" + run_id + "' is ambiguous (matches " +
                                                           found[0].run_uid + ", " + found[1].run_uid + ", …)");
    return std::optional<RunSummary>(found.front());
}

Result<RunReport> History::load_run(std::int64_t id) const {
    auto s = Statement::prepare(db_.get(), R"sql(
        SELECT board, chip, git_commit, started_at, unit, cpu_hz, ns_per_count, probe, firmware_version, toolchain,
               image_sha256, repetitions, uart_garbage_bytes, ram_cross_check, counter_check, run_uid, filter, complete
        FROM runs WHERE id = ?1)sql");
    if (!s) return s.error();
    s->bind(1, id);
    auto row = s->step("history: cannot read run " + std::to_string(id));
    if (!row) return row.error();
    if (!*row)
        return make_error(ErrorKind::not_found, "history: no run " + std::to_string(id) + " in " + file_.string());
    RunReport report;
    auto& i = report.info;
    i.board = s->text(0);
    i.chip = s->text(1);
    i.firmware_commit = s->text(2);
    i.started_at = s->text(3);
    i.unit = unit_from(s->text(4));
    i.cpu_hz = static_cast<std::uint64_t>(s->integer(5));
    i.ns_per_count = s->real(6);
    i.probe = s->text(7);
    i.firmware_version = s->text(8);
    i.toolchain = s->text(9);
    i.image_sha256 = s->text(10);
    i.repetitions = static_cast<unsigned>(s->integer(11));
    i.uart_garbage_bytes = static_cast<std::uint64_t>(s->integer(12));
    i.ram_cross_check = s->text(13);
    i.counter_check = s->text(14);
    i.run_id = s->text(15);
    i.filter = s->text(16);
    i.complete = s->integer(17) != 0;

    auto m = Statement::prepare(db_.get(), R"sql(
        SELECT m.id, m.name, m.param, m.overhead, s.value FROM measurements m
        LEFT JOIN samples s ON s.measurement_id = m.id WHERE m.run_id = ?1 ORDER BY m.id, s.repetition)sql");
    if (!m) return m.error();
    m->bind(1, id);
    std::int64_t current = -1;
    for (;;) {
        auto next = m->step("history: cannot read the measurements of run " + std::to_string(id));
        if (!next) return next.error();
        if (!*next) break;
        if (m->integer(0) != current) {
            current = m->integer(0);
            Measurement measurement;
            measurement.name = m->text(1);
            measurement.param = static_cast<std::uint32_t>(m->integer(2));
            measurement.overhead = static_cast<std::uint32_t>(m->integer(3));
            report.measurements.push_back(std::move(measurement));
        }
        if (m->is_null(4)) continue;  // a benchmark without samples
        report.measurements.back().samples.push_back(static_cast<std::uint32_t>(m->integer(4)));
    }
    return report;
}

Result<std::string> History::load_log(std::int64_t id) const {
    auto s = Statement::prepare(db_.get(), "SELECT log FROM runs WHERE id = ?1");
    if (!s) return s.error();
    s->bind(1, id);
    auto row = s->step("history: cannot read the log of run " + std::to_string(id));
    if (!row) return row.error();
    if (!*row)
        return make_error(ErrorKind::not_found, "history: no run " + std::to_string(id) + " in " + file_.string());
    return s->text(0);
}

Result<std::vector<SeriesPoint>> History::series(const std::string& board, const std::string& benchmark) const {
    // The latest complete run of each commit that has this benchmark, then its samples in
    // repetition order. A filtered run is a look at a few benchmarks, not the commit's figures.
    auto s = Statement::prepare(db_.get(), R"sql(
        WITH matching AS (
            SELECT r.id AS run_id, r.git_commit, r.commit_date, r.started_at, r.unit, m.id AS measurement_id,
                   row_number() OVER (PARTITION BY r.git_commit ORDER BY r.started_at DESC, r.id DESC) AS newest
            FROM runs r JOIN measurements m ON m.run_id = r.id
            WHERE r.board = ?1 AND r.complete = 1 AND (CASE WHEN m.param = 0 THEN m.name ELSE m.name || '/' || m.param END) = ?2)
        SELECT x.run_id, x.git_commit, x.commit_date, x.started_at, x.unit, s.value
        FROM matching x JOIN samples s ON s.measurement_id = x.measurement_id
        WHERE x.newest = 1
        ORDER BY CASE WHEN x.commit_date = '' THEN x.started_at ELSE x.commit_date END, x.started_at, x.run_id,
                 s.repetition)sql");
    if (!s) return s.error();
    s->bind(1, board).bind(2, benchmark);
    std::vector<SeriesPoint> out;
    for (;;) {
        auto row = s->step(fmt::format("history: cannot read the series of {} on {}", benchmark, board));
        if (!row) return row.error();
        if (!*row) break;
        if (out.empty() || out.back().run_id != s->integer(0)) {
            SeriesPoint p;
            p.run_id = s->integer(0);
            p.commit = s->text(1);
            p.commit_date = s->text(2);
            p.started_at = s->text(3);
            p.unit = unit_from(s->text(4));
            out.push_back(std::move(p));
        }
        out.back().samples.push_back(static_cast<std::uint32_t>(s->integer(5)));
    }
    for (auto& p : out) p.median = statistics_of(p.samples).median;
    return out;
}

Result<bool> History::has_complete_run(const std::string& board, const std::string& commit,
                                       unsigned min_repetitions) const {
    auto s = Statement::prepare(db_.get(),
                                "SELECT 1 FROM runs WHERE board = ?1 AND git_commit = ?2 AND complete = 1"
                                " AND repetitions >= ?3 LIMIT 1");
    if (!s) return s.error();
    s->bind(1, board).bind(2, commit).bind(3, static_cast<std::int64_t>(min_repetitions));
    return s->step("history: cannot look up a run");
}

}  // namespace rig::results
