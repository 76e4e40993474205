// Private to src/net: the Asio and Beast headers the server and client use, and the
// short names they use them by. Include only from .cc files of this module.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace riik::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

class EventLoop;  // client.h: the opaque handle to an io_context a server's thread runs
inline asio::io_context& IoContextOf(EventLoop* loop) { return *reinterpret_cast<asio::io_context*>(loop); }
inline EventLoop* LoopOf(asio::io_context* ioc) { return reinterpret_cast<EventLoop*>(ioc); }
// Marks the calling thread as running `loop` (null: none), for CurrentEventLoop().
void SetCurrentEventLoop(asio::io_context* loop);

}  // namespace riik::net
