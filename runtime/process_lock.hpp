// A lock held for as long as a process lives: an flock on a sidecar file, so that a second
// `migrun` on the same plan and environment is refused, and the operating system releases
// the lock when its holder exits or is killed (kill -9 included): no stale locks to clean.
#pragma once
#include <string>

#include "runtime/result.hpp"

namespace mig {

class ProcessLock {
 public:
  // Takes the lock on `path` (created when missing) without waiting, and writes who holds
  // it (pid, host, since) into the file. When another process (or another ProcessLock in
  // this one) holds it, an error that names the holder.
  static Result<ProcessLock> acquire(const std::string& path);

  ProcessLock() = default;
  ProcessLock(ProcessLock&& o) noexcept;
  ProcessLock& operator=(ProcessLock&& o) noexcept;
  ProcessLock(const ProcessLock&) = delete;
  ProcessLock& operator=(const ProcessLock&) = delete;
  ~ProcessLock();

  bool held() const { return fd_ >= 0; }
  // Gives the lock up early (the destructor does the same). The file stays: deleting it
  // would let two processes lock two different files of the same name.
  void release();

 private:
  int fd_ = -1;
};

}  // namespace mig
