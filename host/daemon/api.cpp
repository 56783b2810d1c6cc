#include "host/daemon/api.hpp"

#include "host/results/benchmark_filter.hpp"

#include <unistd.h>
#include <algorithm>
#include <cctype>

namespace rig::daemon {
namespace {

using nlohmann::json;

constexpr std::string_view system_socket = "/run/rigd/rigd.sock";

Error bad(const std::string& message) { return make_error(ErrorKind::malformed, message); }

// Reads one optional field of the wanted kind; a field of another kind is an error.
Result<void> take_string(const json& j, const char* key, std::string& out, std::size_t max) {
    const auto it = j.find(key);
    if (it == j.end()) return {};
    if (!it->is_string()) return bad(std::string("'") + key + "' must be a string");
    const auto& s = it->get_ref<const std::string&>();
    if (s.size() > max) return bad(std::string("'") + key + "' is longer than " + std::to_string(max) + " bytes");
    out = s;
    return {};
}

Result<std::uint64_t> take_unsigned(const json& j, const char* key, std::uint64_t min, std::uint64_t max) {
    const auto it = j.find(key);
    if (it == j.end()) return bad(std::string("'") + key + "' is missing");
    if (!it->is_number_unsigned() && !(it->is_number_integer() && it->get<std::int64_t>() >= 0))
        return bad(std::string("'") + key + "' must be a non-negative integer");
    const auto v = it->get<std::uint64_t>();
    if (v < min || v > max)
        return bad(std::string("'") + key + "' must be between " + std::to_string(min) + " and " + std::to_string(max));
    return v;
}

}  // namespace

const char* to_string(RequestType type) {
    switch (type) {
        case RequestType::submit:
            return "submit";
        case RequestType::status:
            return "status";
        case RequestType::jobs:
            return "jobs";
        case RequestType::boards:
            return "boards";
        case RequestType::cancel:
            return "cancel";
        case RequestType::follow:
            return "follow";
        case RequestType::health:
            return "health";
        case RequestType::hold:
            return "hold";
        case RequestType::release:
            return "release";
    }
    return "?";
}

bool Request::mutates() const {
    return type == RequestType::submit || type == RequestType::cancel || type == RequestType::health ||
           type == RequestType::hold || type == RequestType::release;
}

bool is_board_name(std::string_view name) {
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
}

Result<Request> parse_request(std::string_view line) {
    if (line.size() > max_line_bytes) return bad("request longer than " + std::to_string(max_line_bytes) + " bytes");
    json j;
    try {
        j = json::parse(line);
    } catch (const json::exception& e) {  // parse_error, and out_of_range for a number like 1e999999
        return bad(std::string("not JSON: ") + e.what());
    }
    if (!j.is_object()) return bad("a request is a JSON object");
    const auto v = j.find("v");
    if (v == j.end()) return bad("'v' (the API version) is missing");
    if (!v->is_number_integer() || v->get<std::int64_t>() != api_version)
        return make_error(ErrorKind::unsupported, "this rigd speaks API version " + std::to_string(api_version) +
                                                      ", the request has 'v': " + v->dump());
    const auto type = j.find("type");
    if (type == j.end() || !type->is_string()) return bad("'type' (a string) is missing");
    Request r;
    const auto& name = type->get_ref<const std::string&>();
    bool known = false;
    for (auto t :
         {RequestType::submit, RequestType::status, RequestType::jobs, RequestType::boards, RequestType::cancel,
          RequestType::follow, RequestType::health, RequestType::hold, RequestType::release}) {
        if (name == to_string(t)) {
            r.type = t;
            known = true;
        }
    }
    if (!known)
        return make_error(ErrorKind::unsupported, "unknown request type '" + name.substr(0, 64) +
                                                      "' (submit, status, jobs, boards, cancel, follow, health, hold, "
                                                      "release)");

    // Each type names the fields it takes; anything else is refused rather than ignored.
    std::vector<std::string> allowed = {"v", "type"};
    switch (r.type) {
        case RequestType::submit: {
            allowed.insert(allowed.end(), {"board", "repetitions", "filter"});
            if (auto s = take_string(j, "board", r.board, 64); !s) return s.error();
            if (j.contains("repetitions")) {
                auto reps = take_unsigned(j, "repetitions", 1, max_repetitions);
                if (!reps) return reps.error();
                r.repetitions = static_cast<unsigned>(*reps);
            }
            if (auto s = take_string(j, "filter", r.filter, max_filter_bytes); !s) return s.error();
            const bool printable =
                std::all_of(r.filter.begin(), r.filter.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
            if (!printable) return bad("'filter' must be printable ASCII");
            // A job whose regular expression cannot compile would only fail on its board later.
            if (auto filter = results::BenchmarkFilter::parse(r.filter); !filter) return bad(filter.error().message);
            if (!is_board_name(r.board)) return bad("'board' must be a board name (letters, digits, '_', '-')");
            break;
        }
        case RequestType::health:
        case RequestType::hold:
            allowed.emplace_back("board");
            if (auto s = take_string(j, "board", r.board, 64); !s) return s.error();
            if (!is_board_name(r.board)) return bad("'board' must be a board name (letters, digits, '_', '-')");
            break;
        case RequestType::status:
        case RequestType::cancel:
        case RequestType::follow: {
            allowed.emplace_back("job");
            auto id = take_unsigned(j, "job", 1, std::uint64_t{1} << 53);
            if (!id) return id.error();
            r.job = *id;
            break;
        }
        case RequestType::jobs:
        case RequestType::boards:
        case RequestType::release:
            break;
    }
    for (const auto& [key, value] : j.items()) {
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            return bad("unexpected field '" + key.substr(0, 64) + "' in a " + name + " request");
    }
    return r;
}

std::string request_line(const Request& request) {
    json j = {{"v", api_version}, {"type", to_string(request.type)}};
    switch (request.type) {
        case RequestType::submit:
            j["board"] = request.board;
            j["repetitions"] = request.repetitions;
            j["filter"] = request.filter;
            break;
        case RequestType::health:
        case RequestType::hold:
            j["board"] = request.board;
            break;
        case RequestType::status:
        case RequestType::cancel:
        case RequestType::follow:
            j["job"] = request.job;
            break;
        case RequestType::jobs:
        case RequestType::boards:
        case RequestType::release:
            break;
    }
    return dump_line(j);
}

std::string dump_line(const nlohmann::json& message) {
    return message.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string ok_line(nlohmann::json body) {
    body["v"] = api_version;
    body["ok"] = true;
    return dump_line(body);
}

std::string error_line(const Error& error) {
    return dump_line({{"v", api_version},
                      {"ok", false},
                      {"error", {{"kind", std::string(to_string(error.kind))}, {"message", error.message}}}});
}

std::filesystem::path default_daemon_socket() {
    if (::geteuid() == 0) return std::filesystem::path(system_socket);
    if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime && *runtime)
        return std::filesystem::path(runtime) / "rigd.sock";
    return std::filesystem::path("/tmp") / ("rigd-" + std::to_string(::geteuid())) / "rigd.sock";
}

std::filesystem::path default_client_socket() {
    std::error_code ec;
    if (std::filesystem::exists(system_socket, ec)) return std::filesystem::path(system_socket);
    return default_daemon_socket();
}

}  // namespace rig::daemon
