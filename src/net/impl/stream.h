// Private to src/net: a connection's byte stream, plain TCP or TLS over it, as one type.
// Beast's HTTP reading and writing (its parsers, serializers and composed operations) and
// the server's and client's coroutines above them are templates on the stream: written
// against `Stream`, they are compiled once, not once per kind of stream (server.cc took
// 44 s of CPU at -O2 with both kinds, 22 s with one). Each read or write then costs one
// type-erased completion handler (an allocation) and a branch, next to a system call
// and, over TLS, a record's crypto.
//
// The stream is borrowed: the plain or TLS stream it names must outlive it. Timeouts are
// the named stream's own (beast::tcp_stream's expiry) or its owner's (the server's
// sweeper cancels the socket).
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <utility>

#include "net/impl/beast.h"

namespace riik::net {

// Up to 64 buffers of a buffer sequence (asio's own limit for one system call), for a
// read_some or write_some, which may use fewer bytes than offered: a longer sequence
// is served by the next call. Empty buffers are left out.
template <class Buffer>
class BufferPieces {
 public:
  static constexpr size_t kMax = 64;
  template <class Sequence>
  explicit BufferPieces(const Sequence& sequence) {
    auto it = asio::buffer_sequence_begin(sequence);
    auto end = asio::buffer_sequence_end(sequence);
    for (; it != end && count_ < kMax; ++it) {
      Buffer piece(*it);
      if (piece.size() != 0) pieces_[count_++] = piece;
    }
  }
  // The pieces as a buffer sequence of two pointers, cheap to copy into an operation.
  struct View {
    const Buffer* first;
    const Buffer* last;
    const Buffer* begin() const { return first; }
    const Buffer* end() const { return last; }
  };
  View view() const { return {pieces_.data(), pieces_.data() + count_}; }

 private:
  std::array<Buffer, kMax> pieces_;
  size_t count_ = 0;
};

// A read's or write's completion handler behind one type, with the pieces of the buffers
// it was started on: they live in the handler's one allocation, which stays put until it
// completes, so the operation holds only a view of them (and Asio's per-thread cache can
// still recycle its memory). Completed on the executor the handler is associated with
// (the coroutine's: the connection's event loop); its cancellation slot goes along.
// Asio 1.26's own any_completion_handler cannot be posted by Beast's streams (its
// executor lacks blocking.never), hence this.
template <class Buffer>
class IoHandler {
 public:
  using executor_type = asio::any_io_executor;
  using cancellation_slot_type = asio::cancellation_slot;

  template <class Handler, class Sequence>
  IoHandler(Handler&& handler, executor_type executor, const Sequence& buffers)
      : slot_(asio::get_associated_cancellation_slot(handler)),
        executor_(std::move(executor)),
        call_(std::make_unique<Call<std::decay_t<Handler>>>(std::forward<Handler>(handler), buffers)) {}

  executor_type get_executor() const noexcept { return executor_; }
  cancellation_slot_type get_cancellation_slot() const noexcept { return slot_; }
  typename BufferPieces<Buffer>::View buffers() const { return call_->pieces.view(); }

  void operator()(error_code ec, size_t bytes) {
    std::unique_ptr<Base> call = std::move(call_);
    call->Complete(ec, bytes);
  }

 private:
  struct Base {
    template <class Sequence>
    explicit Base(const Sequence& buffers) : pieces(buffers) {}
    virtual ~Base() = default;
    virtual void Complete(error_code ec, size_t bytes) = 0;
    BufferPieces<Buffer> pieces;
  };
  template <class Handler>
  struct Call final : Base {
    template <class Sequence>
    Call(Handler&& h, const Sequence& buffers) : Base(buffers), handler(std::move(h)) {}
    void Complete(error_code ec, size_t bytes) override { std::move(handler)(ec, bytes); }
    Handler handler;
  };
  cancellation_slot_type slot_;  // before call_: taken from the handler before it moves
  executor_type executor_;
  std::unique_ptr<Base> call_;
};

class Stream {
 public:
  using executor_type = asio::any_io_executor;

  explicit Stream(beast::tcp_stream& plain) : plain_(&plain) {}
  explicit Stream(beast::ssl_stream<beast::tcp_stream>& tls) : tls_(&tls) {}

  executor_type get_executor() const;

  // AsyncReadStream and AsyncWriteStream, as Beast's HTTP operations use them.
  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return Initiate<asio::mutable_buffer>(&Stream::ReadSome, buffers, std::forward<Token>(token));
  }
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return Initiate<asio::const_buffer>(&Stream::WriteSome, buffers, std::forward<Token>(token));
  }

 private:
  void ReadSome(IoHandler<asio::mutable_buffer> handler);
  void WriteSome(IoHandler<asio::const_buffer> handler);
  // Starts `op` on up to BufferPieces::kMax of `buffers` with the token's handler, erased.
  template <class Buffer, class Buffers, class Token>
  auto Initiate(void (Stream::*op)(IoHandler<Buffer>), const Buffers& buffers, Token&& token) {
    return asio::async_initiate<Token, void(error_code, size_t)>(
        [this, op](auto handler, const Buffers& sequence) {
          executor_type executor = asio::get_associated_executor(handler, get_executor());
          (this->*op)(IoHandler<Buffer>(std::move(handler), std::move(executor), sequence));
        },
        token, buffers);
  }

  beast::tcp_stream* plain_ = nullptr;
  beast::ssl_stream<beast::tcp_stream>* tls_ = nullptr;
};

}  // namespace riik::net
