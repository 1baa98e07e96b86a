#include "runtime/page_reader.hpp"

namespace mig {

PageReader::~PageReader() { drop(); }

void PageReader::drop() {
  if (ahead_.valid()) (void)ahead_.get();  // the connection must be idle before reuse
  ahead_after_.reset();
}

Result<Batch> PageReader::read(const ReadRequest& request,
                               const std::optional<std::string>& after) {
  if (ahead_.valid() && ahead_after_ == after && ahead_limit_ == request.limit) {
    ahead_after_.reset();
    return ahead_.get();
  }
  drop();
  return source_.read(request);
}

void PageReader::prefetch(ReadRequest request, std::string after) {
  drop();
  ahead_limit_ = request.limit;
  ahead_after_ = std::move(after);
  try {
    ahead_ = std::async(std::launch::async,
                        [this, r = std::move(request)]() { return source_.read(r); });
  } catch (const std::system_error&) {
    ahead_after_.reset();  // no thread to be had: the page is read when asked for
  }
}

}  // namespace mig
