#include "host/results/thresholds.hpp"

#include <toml++/toml.h>
#include <fstream>
#include <sstream>

namespace rig::results {
namespace {

// Raised inside the reader and turned into one Error naming origin and key at the boundary.
struct BadKey {
    std::string key;
    std::string expected;
};

double number(const toml::table& table, const std::string& path, const std::string& key, double fallback, double max) {
    const toml::node* node = table.get(key);
    if (!node) return fallback;
    const auto v = node->value<double>();  // integers convert too
    if (!v || node->is_boolean()) throw BadKey{path + "." + key, "a number"};
    if (!(*v >= 0) || *v > max) throw BadKey{path + "." + key, "a number between 0 and " + std::to_string(max)};
    return *v;
}

void only_keys(const toml::table& table, const std::string& path, std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, node] : table) {
        bool known = false;
        for (auto a : allowed) known = known || key.str() == a;
        if (!known) {
            std::string names;
            for (auto a : allowed) names += (names.empty() ? "" : ", ") + std::string(a);
            throw BadKey{path.empty() ? std::string(key.str()) : path + "." + std::string(key.str()),
                         "nothing (unknown key; known here: " + names + ")"};
        }
    }
}

const toml::table* table_at(const toml::table& root, const std::string& key) {
    const toml::node* node = root.get(key);
    if (!node) return nullptr;
    if (!node->is_table()) throw BadKey{key, "a table"};
    return node->as_table();
}

Thresholds read_thresholds(const toml::table& table, const std::string& path, const Thresholds& fallback) {
    only_keys(table, path, {"percent", "absolute"});
    Thresholds t;
    t.percent = number(table, path, "percent", fallback.percent, 1e6);
    t.absolute = number(table, path, "absolute", fallback.absolute, 1e12);
    return t;
}

ThresholdConfig parse(const toml::table& root) {
    only_keys(root, "", {"default", "family", "u_test"});
    ThresholdConfig config;
    if (const auto* t = table_at(root, "default")) config.fallback = read_thresholds(*t, "default", Thresholds{});
    if (const auto* t = table_at(root, "u_test")) {
        only_keys(*t, "u_test", {"alpha"});
        config.alpha = number(*t, "u_test", "alpha", 0.05, 1.0);
        if (config.alpha <= 0 || config.alpha >= 1) throw BadKey{"u_test.alpha", "a number between 0 and 1"};
    }
    if (const auto* families = table_at(root, "family")) {
        for (const auto& [name, node] : *families) {
            const std::string path = "family." + std::string(name.str());
            if (!node.is_table()) throw BadKey{path, "a table"};
            config.families[std::string(name.str())] = read_thresholds(*node.as_table(), path, config.fallback);
        }
    }
    return config;
}

}  // namespace

Thresholds ThresholdConfig::for_benchmark(std::string_view full_name) const {
    const auto family = full_name.substr(0, full_name.find('/'));
    const auto it = families.find(std::string(family));
    return it == families.end() ? fallback : it->second;
}

Result<ThresholdConfig> parse_thresholds(std::string_view toml_text, const std::string& origin) {
    toml::table root;
    try {
        root = toml::parse(toml_text, origin);
    } catch (const toml::parse_error& e) {
        std::ostringstream msg;
        msg << origin << ":" << e.source().begin.line << ":" << e.source().begin.column
            << ": not valid TOML: " << e.description();
        return make_error(ErrorKind::malformed, msg.str());
    }
    try {
        return parse(root);
    } catch (const BadKey& bad) {
        return make_error(ErrorKind::malformed, origin + ": key '" + bad.key + "': expected " + bad.expected);
    }
}

Result<ThresholdConfig> load_thresholds(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return make_error(ErrorKind::not_found, file.string() + ": no such file (the compare thresholds)");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_thresholds(text.str(), file.string());
}

}  // namespace rig::results
