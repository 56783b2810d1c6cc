// Expected failures as values: rig::Result<T> holds either a T or a rig::Error.
//
// C++20 has no std::expected; this is the small subset the host needs. Failures that a caller
// can meet in normal operation (a timeout, a closed connection, a malformed frame) are returned;
// programming errors (asking a failed Result for its value) throw std::logic_error.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace rig {

enum class ErrorKind {
    timeout,           // the deadline passed before the peer answered
    closed,            // the peer closed the connection
    io,                // the operating system reported an error
    malformed,         // bytes that do not follow the protocol
    unsupported,       // the peer does not implement the request
    remote,            // the peer answered with an error of its own
    invalid_argument,  // the caller asked for something impossible
    not_found,         // a program, file or resource is missing
    target,            // the firmware reported a failure of its own (panic, fault)
    cancelled,         // the user or the daemon stopped the work
};

constexpr std::string_view to_string(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::timeout:
            return "timeout";
        case ErrorKind::closed:
            return "closed";
        case ErrorKind::io:
            return "io";
        case ErrorKind::malformed:
            return "malformed";
        case ErrorKind::unsupported:
            return "unsupported";
        case ErrorKind::remote:
            return "remote";
        case ErrorKind::invalid_argument:
            return "invalid_argument";
        case ErrorKind::not_found:
            return "not_found";
        case ErrorKind::target:
            return "target";
        case ErrorKind::cancelled:
            return "cancelled";
    }
    return "unknown";
}

struct Error {
    ErrorKind kind;
    std::string message;

    // Adds where it happened, outermost first: e.context("flash") -> "flash: <message>".
    Error context(const std::string& where) const { return {kind, where + ": " + message}; }
};

inline Error make_error(ErrorKind kind, std::string message) { return {kind, std::move(message)}; }

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit, like std::expected
    Result(Error error) : state_(std::move(error)) {}  // NOLINT

    bool has_value() const { return state_.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T& value() & {
        check();
        return std::get<0>(state_);
    }
    const T& value() const& {
        check();
        return std::get<0>(state_);
    }
    T&& value() && {
        check();
        return std::get<0>(std::move(state_));
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const {
        if (has_value()) throw std::logic_error("rig::Result::error() called on a value");
        return std::get<1>(state_);
    }

private:
    void check() const {
        if (!has_value()) {
            throw std::logic_error("rig::Result::value() called on an error: " + std::get<1>(state_).message);
        }
    }
    std::variant<T, Error> state_;
};

// Result<void>: success carries nothing; default-constructed means success.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)) {}  // NOLINT

    bool has_value() const { return !error_.has_value(); }
    explicit operator bool() const { return has_value(); }
    void value() const {
        if (error_) throw std::logic_error("rig::Result::value() called on an error: " + error_->message);
    }
    const Error& error() const {
        if (!error_) throw std::logic_error("rig::Result::error() called on a value");
        return *error_;
    }

private:
    std::optional<Error> error_;
};

}  // namespace rig
