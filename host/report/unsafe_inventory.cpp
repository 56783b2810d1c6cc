#include "host/report/unsafe_inventory.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace rig::report {
namespace {

enum class TokenKind { ident, punct, literal };

struct Token {
    TokenKind kind;
    std::string text;  // identifiers and punctuation; literals keep no text
    unsigned line;
};

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); }

// A lexer just good enough to find `unsafe` and braces: everything inside comments and literals is
// skipped, and every token records its line. `lines_with_tokens` gets each line a token touches.
class Lexer {
public:
    Lexer(std::string_view text, std::set<unsigned>& lines) : s_(text), lines_(lines) {}

    std::vector<Token> run() {
        std::vector<Token> out;
        while (i_ < s_.size()) {
            const char c = s_[i_];
            if (c == '\n') {
                ++line_;
                ++i_;
            } else if (std::isspace(static_cast<unsigned char>(c))) {
                ++i_;
            } else if (c == '/' && peek(1) == '/') {
                while (i_ < s_.size() && s_[i_] != '\n') ++i_;
            } else if (c == '/' && peek(1) == '*') {
                block_comment();
            } else if (raw_string_start()) {
                raw_string(out);
            } else if (c == '"' || ((c == 'b' || c == 'c') && peek(1) == '"')) {
                quoted(out, c == '"' ? 0 : 1);
            } else if (c == 'b' && peek(1) == '\'') {
                ++i_;
                char_literal(out);
            } else if (c == '\'') {
                quote(out);
            } else if (ident_start(c)) {
                const std::size_t start = i_;
                while (i_ < s_.size() && ident_char(s_[i_])) ++i_;
                push(out, TokenKind::ident, std::string(s_.substr(start, i_ - start)), line_);
            } else if (std::isdigit(static_cast<unsigned char>(c))) {
                while (i_ < s_.size() && (ident_char(s_[i_]) || s_[i_] == '.')) {
                    if (s_[i_] == '.' && !std::isdigit(static_cast<unsigned char>(peek(1)))) break;
                    ++i_;
                }
                push(out, TokenKind::literal, {}, line_);
            } else {
                push(out, TokenKind::punct, std::string(1, c), line_);
                ++i_;
            }
        }
        return out;
    }

private:
    char peek(std::size_t ahead) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }

    void push(std::vector<Token>& out, TokenKind kind, std::string text, unsigned first_line) {
        for (unsigned l = first_line; l <= line_; ++l) lines_.insert(l);
        out.push_back({kind, std::move(text), first_line});
    }

    void block_comment() {  // nested, as Rust's are
        int depth = 0;
        do {
            if (s_[i_] == '/' && peek(1) == '*') {
                ++depth;
                i_ += 2;
            } else if (s_[i_] == '*' && peek(1) == '/') {
                --depth;
                i_ += 2;
            } else {
                if (s_[i_] == '\n') ++line_;
                ++i_;
            }
        } while (depth > 0 && i_ < s_.size());
    }

    // r"…", r#"…"#, br"…", cr#"…"#
    bool raw_string_start() const {
        std::size_t j = i_;
        if (s_[j] == 'b' || s_[j] == 'c') ++j;
        if (j >= s_.size() || s_[j] != 'r') return false;
        if (j > i_ + 1) return false;
        ++j;
        while (j < s_.size() && s_[j] == '#') ++j;
        return j < s_.size() && s_[j] == '"' && (i_ == 0 || !ident_char(s_[i_ - 1]));
    }

    void raw_string(std::vector<Token>& out) {
        const unsigned first = line_;
        while (s_[i_] != 'r') ++i_;
        ++i_;
        std::size_t hashes = 0;
        while (s_[i_] == '#') ++hashes, ++i_;
        ++i_;  // opening quote
        while (i_ < s_.size()) {
            if (s_[i_] == '\n') ++line_;
            if (s_[i_] == '"') {
                std::size_t k = 0;
                while (k < hashes && i_ + 1 + k < s_.size() && s_[i_ + 1 + k] == '#') ++k;
                if (k == hashes) {
                    i_ += 1 + hashes;
                    break;
                }
            }
            ++i_;
        }
        push(out, TokenKind::literal, {}, first);
    }

    void quoted(std::vector<Token>& out, std::size_t prefix) {
        const unsigned first = line_;
        i_ += prefix + 1;
        while (i_ < s_.size() && s_[i_] != '"') {
            if (s_[i_] == '\\') ++i_;
            if (i_ < s_.size() && s_[i_] == '\n') ++line_;
            ++i_;
        }
        ++i_;
        push(out, TokenKind::literal, {}, first);
    }

    void char_literal(std::vector<Token>& out) {  // at the opening quote
        ++i_;
        while (i_ < s_.size() && s_[i_] != '\'' && s_[i_] != '\n') {
            if (s_[i_] == '\\') ++i_;
            ++i_;
        }
        ++i_;
        push(out, TokenKind::literal, {}, line_);
    }

    // 'a' / '\n' / '\u{1F600}' are chars; 'a and 'static are lifetimes or labels.
    void quote(std::vector<Token>& out) {
        if (peek(1) == '\\') return char_literal(out);
        std::size_t len = 1;  // one UTF-8 code point
        const auto lead = static_cast<unsigned char>(peek(1));
        if (lead >= 0xF0)
            len = 4;
        else if (lead >= 0xE0)
            len = 3;
        else if (lead >= 0xC0)
            len = 2;
        if (peek(1 + len) == '\'') return char_literal(out);
        ++i_;  // a lifetime: the identifier follows as its own token
        const std::size_t start = i_;
        while (i_ < s_.size() && ident_char(s_[i_])) ++i_;
        push(out, TokenKind::literal, "'" + std::string(s_.substr(start, i_ - start)), line_);
    }

    std::string_view s_;
    std::set<unsigned>& lines_;
    std::size_t i_ = 0;
    unsigned line_ = 1;
};

bool is(const std::vector<Token>& t, std::size_t i, std::string_view text) {
    return i < t.size() && t[i].kind != TokenKind::literal && t[i].text == text;
}

// The index of the `}` that closes the `{` at `open`, or the last token.
std::size_t matching_brace(const std::vector<Token>& t, std::size_t open) {
    int depth = 0;
    for (std::size_t i = open; i < t.size(); ++i) {
        if (is(t, i, "{")) ++depth;
        if (is(t, i, "}") && --depth == 0) return i;
    }
    return t.empty() ? 0 : t.size() - 1;
}

// After `fn name(…) -> … where …`: the body's `{`, or npos for a declaration ending in `;`.
std::size_t function_body(const std::vector<Token>& t, std::size_t from) {
    int depth = 0;
    for (std::size_t i = from; i < t.size(); ++i) {
        if (is(t, i, "(") || is(t, i, "[") || is(t, i, "<")) ++depth;
        if (is(t, i, ")") || is(t, i, "]") || (is(t, i, ">") && !is(t, i - 1, "-") && !is(t, i - 1, "="))) --depth;
        if (depth <= 0 && is(t, i, "{")) return i;
        if (depth <= 0 && is(t, i, ";")) return std::string::npos;
    }
    return std::string::npos;
}

}  // namespace

const char* to_string(LanguageKind k) {
    switch (k) {
        case LanguageKind::block:
            return "unsafe block";
        case LanguageKind::function:
            return "unsafe fn";
        case LanguageKind::impl:
            return "unsafe impl";
        case LanguageKind::trait:
            return "unsafe trait";
    }
    return "?";
}

const char* to_string(TrustedKind k) {
    switch (k) {
        case TrustedKind::context_switch:
            return "context_switch";
        case TrustedKind::mmio:
            return "mmio";
        case TrustedKind::allocator:
            return "allocator";
        case TrustedKind::userspace_buffers:
            return "userspace_buffers";
        case TrustedKind::exception_handlers:
            return "exception_handlers";
        case TrustedKind::cells:
            return "cells";
        case TrustedKind::other:
            return "other";
    }
    return "?";
}

TrustedKind trusted_kind_of(const std::filesystem::path& relative_file) {
    // The deepest component decides: kernel/src/cells/mmio.rs would be mmio.
    std::vector<std::string> parts;
    for (const auto& p : relative_file) parts.push_back(p.stem().string());
    std::reverse(parts.begin(), parts.end());  // deepest first
    for (const auto& part : parts) {
        for (auto k : trusted_kinds) {
            if (k != TrustedKind::other && part == to_string(k)) return k;
        }
    }
    return TrustedKind::other;
}

FileInventory scan_rust_source(std::string_view text, const std::string& file, std::vector<UnsafeUse>* uses) {
    FileInventory f;
    f.file = file;
    f.trusted = trusted_kind_of(file);
    std::set<unsigned> code_lines;
    const auto t = Lexer(text, code_lines).run();
    f.code_lines = code_lines.size();

    std::set<unsigned> unsafe_lines;
    auto cover = [&](std::size_t from, std::size_t open) {
        const std::size_t close = matching_brace(t, open);
        for (unsigned l = t[from].line; l <= t[close].line; ++l)
            if (code_lines.count(l)) unsafe_lines.insert(l);
    };
    auto record = [&](LanguageKind k, std::size_t i) {
        ++f.counts[static_cast<std::size_t>(k)];
        if (uses) uses->push_back({file, t[i].line, k, f.trusted});
    };
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i].kind != TokenKind::ident || t[i].text != "unsafe") continue;
        if (is(t, i + 1, "{")) {
            record(LanguageKind::block, i);
            cover(i, i + 1);
        } else if (is(t, i + 1, "impl")) {
            record(LanguageKind::impl, i);
        } else if (is(t, i + 1, "trait") || (is(t, i + 1, "auto") && is(t, i + 2, "trait"))) {
            record(LanguageKind::trait, i);
        } else if (is(t, i + 1, "(") && i >= 1 && is(t, i - 1, "[")) {
            ++f.attributes;
        } else {
            std::size_t j = i + 1;
            if (is(t, j, "extern")) {
                ++j;
                if (j < t.size() && t[j].kind == TokenKind::literal) ++j;  // the ABI string
            }
            if (is(t, j, "fn") && is(t, j + 1, "(")) {
                // a function pointer type (`unsafe fn()`): no unsafe code of its own
            } else if (is(t, j, "fn")) {
                record(LanguageKind::function, i);
                if (const auto body = function_body(t, j + 1); body != std::string::npos) cover(i, body);
            } else if (j > i + 1 && is(t, j, "{")) {
                ++f.extern_blocks;
            }
        }
    }
    f.unsafe_lines = unsafe_lines.size();
    return f;
}

std::size_t Inventory::count(LanguageKind k) const {
    return std::count_if(uses.begin(), uses.end(), [&](const UnsafeUse& u) { return u.kind == k; });
}
std::size_t Inventory::count(TrustedKind tk) const {
    return std::count_if(uses.begin(), uses.end(), [&](const UnsafeUse& u) { return u.trusted == tk; });
}
std::size_t Inventory::count(TrustedKind tk, LanguageKind k) const {
    return std::count_if(uses.begin(), uses.end(), [&](const UnsafeUse& u) { return u.trusted == tk && u.kind == k; });
}
std::size_t Inventory::code_lines() const {
    std::size_t n = 0;
    for (const auto& f : files) n += f.code_lines;
    return n;
}
std::size_t Inventory::unsafe_lines() const {
    std::size_t n = 0;
    for (const auto& f : files) n += f.unsafe_lines;
    return n;
}
std::size_t Inventory::extern_blocks() const {
    std::size_t n = 0;
    for (const auto& f : files) n += f.extern_blocks;
    return n;
}
std::size_t Inventory::attributes() const {
    std::size_t n = 0;
    for (const auto& f : files) n += f.attributes;
    return n;
}
double Inventory::unsafe_line_percent() const {
    const auto total = code_lines();
    return total ? 100.0 * static_cast<double>(unsafe_lines()) / static_cast<double>(total) : 0.0;
}

Result<Inventory> scan_tree(const std::filesystem::path& root) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path base = root;
    if (fs::is_directory(root / "firmware", ec)) base = root / "firmware";
    if (!fs::is_directory(base, ec)) return make_error(ErrorKind::not_found, "no source folder at " + base.string());

    Inventory inv;
    inv.root = base;
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(base, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (it->is_directory(ec)) {
            if (name == "target" || name == "build" || (!name.empty() && name[0] == '.'))
                it.disable_recursion_pending();
            continue;
        }
        if (it->path().extension() == ".rs") files.push_back(it->path());
    }
    if (ec) return make_error(ErrorKind::io, "cannot list " + base.string() + ": " + ec.message());
    if (files.empty()) return make_error(ErrorKind::not_found, "no Rust source (.rs) under " + base.string());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        if (!in) return make_error(ErrorKind::io, "cannot read " + file.string());
        std::stringstream text;
        text << in.rdbuf();
        inv.files.push_back(scan_rust_source(text.str(), fs::relative(file, base).generic_string(), &inv.uses));
    }
    return inv;
}

}  // namespace rig::report
