#include "runtime/process_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <utility>

#include "runtime/civil_time.hpp"

namespace mig {
namespace {

std::string now_text() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  int64_t secs = std::chrono::duration_cast<std::chrono::seconds>(now).count();
  return format_timestamptz(secs * kMicrosPerSecond);
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown host";
  return buf;
}

// "pid 123 on host db1 since 2024-01-31 13:45:00+00:00", from what the holder wrote.
std::string describe_holder(int fd) {
  char buf[1024];
  ssize_t n = pread(fd, buf, sizeof buf, 0);
  if (n <= 0) return "a process that has not yet said who it is";
  nlohmann::json j =
      nlohmann::json::parse(std::string(buf, static_cast<size_t>(n)), nullptr, false);
  if (!j.is_object() || !j.contains("pid")) return "an unknown process";
  std::string out = "pid " + j["pid"].dump();
  if (j.contains("host") && j["host"].is_string())
    out += " on host " + quote_input(j["host"].get<std::string>());
  if (j.contains("since") && j["since"].is_string())
    out += " since " + quote_input(j["since"].get<std::string>());
  return out;
}

}  // namespace

Result<ProcessLock> ProcessLock::acquire(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Error{"cannot open lock file " + path + ": " + std::strerror(errno)};
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    std::string msg = err == EWOULDBLOCK
                          ? "another migrun holds " + path + ": " + describe_holder(fd) +
                                "; wait for it to finish or stop it"
                          : "cannot lock " + path + ": " + std::strerror(err);
    ::close(fd);
    return Error{msg};
  }
  ProcessLock lock;
  lock.fd_ = fd;
  nlohmann::json who = {
      {"pid", static_cast<int64_t>(getpid())}, {"host", host_name()}, {"since", now_text()}};
  std::string text = who.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  // Best effort: the lock itself is what protects; the text only names the holder.
  if (ftruncate(fd, 0) == 0) (void)!pwrite(fd, text.data(), text.size(), 0);
  return lock;
}

ProcessLock::ProcessLock(ProcessLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}

ProcessLock& ProcessLock::operator=(ProcessLock&& o) noexcept {
  if (this != &o) {
    release();
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

ProcessLock::~ProcessLock() { release(); }

void ProcessLock::release() {
  if (fd_ < 0) return;
  ::close(fd_);  // closing the last descriptor of the open file drops the flock
  fd_ = -1;
}

}  // namespace mig
