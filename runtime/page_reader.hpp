// Reads a task's source pages, the next one ahead on a second thread while the current
// page is mapped, written and saved: reading and writing overlap, as in a pipe.
// The source connection is touched by one thread at a time: the caller's, or the read-ahead
// thread between prefetch() and the next read() (or the destructor), which wait for it.
// A page read ahead and never asked for is dropped: on resume it is simply read again.
#pragma once
#include <future>
#include <optional>
#include <string>

#include "runtime/connector.hpp"
#include "runtime/result.hpp"

namespace mig {

class PageReader {
 public:
  explicit PageReader(Connector& source) : source_(source) {}
  ~PageReader();
  PageReader(const PageReader&) = delete;
  PageReader& operator=(const PageReader&) = delete;

  // The page `request` asks for; `after` is its encoded resume key (none: the first page).
  // It is the page read ahead when that one was asked for the same way, else read now.
  Result<Batch> read(const ReadRequest& request, const std::optional<std::string>& after);

  // Starts reading `request` on a second thread; read() with the same `after` and limit
  // collects it.
  void prefetch(ReadRequest request, std::string after);

 private:
  void drop();  // waits for a read ahead and forgets it

  Connector& source_;
  std::future<Result<Batch>> ahead_;
  std::optional<std::string> ahead_after_;
  int64_t ahead_limit_ = 0;
};

}  // namespace mig
