// The one place where reads and writes meet the two kinds of stream (stream.h).
#include "net/impl/stream.h"

namespace riik::net {

Stream::executor_type Stream::get_executor() const { return plain_ ? plain_->get_executor() : tls_->get_executor(); }

void Stream::ReadSome(const BufferPieces<asio::mutable_buffer>& pieces, IoHandler handler) {
  if (plain_) return plain_->async_read_some(pieces, std::move(handler));
  tls_->async_read_some(pieces, std::move(handler));
}

void Stream::WriteSome(const BufferPieces<asio::const_buffer>& pieces, IoHandler handler) {
  if (plain_) return plain_->async_write_some(pieces, std::move(handler));
  tls_->async_write_some(pieces, std::move(handler));
}

}  // namespace riik::net
