// The one place where reads and writes meet the two kinds of stream (stream.h).
#include "net/impl/stream.h"

namespace riik::net {

Stream::executor_type Stream::get_executor() const { return plain_ ? plain_->get_executor() : tls_->get_executor(); }

void Stream::ReadSome(IoHandler<asio::mutable_buffer> handler) {
  auto buffers = handler.buffers();  // in the handler's allocation, which does not move
  if (plain_) return plain_->async_read_some(buffers, std::move(handler));
  tls_->async_read_some(buffers, std::move(handler));
}

void Stream::WriteSome(IoHandler<asio::const_buffer> handler) {
  auto buffers = handler.buffers();
  if (plain_) return plain_->async_write_some(buffers, std::move(handler));
  tls_->async_write_some(buffers, std::move(handler));
}

}  // namespace riik::net
