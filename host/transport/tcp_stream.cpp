#include "host/transport/tcp_stream.hpp"

#include "host/transport/asio_deadline.hpp"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <thread>

namespace rig::transport {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

Error from_error_code(const boost::system::error_code& ec, const std::string& what) {
    if (ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe) {
        return Error{ErrorKind::closed, what + ": connection closed by peer"};
    }
    if (ec == asio::error::operation_aborted) return Error{ErrorKind::timeout, what + ": timed out"};
    return Error{ErrorKind::io, what + ": " + ec.message()};
}

}  // namespace

TcpStream::TcpStream(std::string host, std::uint16_t port) : socket_(io_), host_(std::move(host)), port_(port) {}

std::string TcpStream::describe() const { return "tcp " + host_ + ":" + std::to_string(port_); }

Result<std::unique_ptr<TcpStream>> TcpStream::connect(const std::string& host, std::uint16_t port, Timeout timeout) {
    std::unique_ptr<TcpStream> stream(new TcpStream(host, port));
    const auto deadline = Clock::now() + timeout;
    const std::string what = "connect to " + stream->describe();

    tcp::resolver resolver(stream->io_);
    boost::system::error_code ec;
    tcp::resolver::results_type endpoints;
    bool done = false;
    resolver.async_resolve(host, std::to_string(port),
                           [&](const boost::system::error_code& e, tcp::resolver::results_type r) {
                               ec = e;
                               endpoints = std::move(r);
                               done = true;
                           });
    if (!run_until(stream->io_, stream->socket_, done, deadline)) resolver.cancel();
    if (ec) return Error{ErrorKind::not_found, what + ": cannot resolve host: " + ec.message()};

    // Refused means "not listening yet": retry with a short pause until the deadline.
    std::string last_error = "no attempt made";
    while (Clock::now() < deadline) {
        done = false;
        asio::async_connect(stream->socket_, endpoints, [&](const boost::system::error_code& e, const tcp::endpoint&) {
            ec = e;
            done = true;
        });
        run_until(stream->io_, stream->socket_, done, deadline);
        if (!ec) {
            stream->socket_.set_option(tcp::no_delay(true), ec);  // RSP is many tiny round trips
            return stream;
        }
        last_error = ec == asio::error::operation_aborted ? "timed out" : ec.message();
        boost::system::error_code ignored;
        stream->socket_.close(ignored);
        const auto pause = std::min<Clock::duration>(std::chrono::milliseconds(50),
                                                     std::max(deadline - Clock::now(), Clock::duration{}));
        std::this_thread::sleep_for(pause);
    }
    return Error{ErrorKind::timeout,
                 what + ": gave up after " +
                     std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()) + " ms (" +
                     last_error + ")"};
}

Result<void> TcpStream::write_all(std::span<const std::uint8_t> bytes, Timeout timeout) {
    if (!socket_.is_open()) return Error{ErrorKind::closed, "write to " + describe() + ": closed"};
    const auto outcome = write_all_until(io_, socket_, bytes, Clock::now() + timeout);
    if (outcome.error) return from_error_code(outcome.error, "write to " + describe());
    return {};
}

Result<std::size_t> TcpStream::read_some(std::span<std::uint8_t> buffer, Timeout timeout) {
    if (!socket_.is_open()) return Error{ErrorKind::closed, "read from " + describe() + ": closed"};
    const auto outcome = read_some_until(io_, socket_, buffer, Clock::now() + timeout);
    // Bytes that raced with a cancellation are still returned rather than lost.
    if (outcome.bytes > 0) return outcome.bytes;
    if (outcome.error) return from_error_code(outcome.error, "read from " + describe());
    return outcome.bytes;
}

void TcpStream::close() {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

}  // namespace rig::transport
