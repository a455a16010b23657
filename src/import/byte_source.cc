#include "import/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace clearline::import {

Result<size_t> StringSource::read(char* buf, size_t n) {
  size_t k = std::min({n, max_chunk_, data_.size() - pos_});
  std::memcpy(buf, data_.data() + pos_, k);
  pos_ += k;
  return k;
}

Result<std::unique_ptr<FileSource>> FileSource::open(const std::string& path, int64_t offset) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT) return Status::notFound("cannot open " + path + ": no such file", "file");
    return Status::unavailable("cannot open " + path + ": " + std::strerror(e));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::invalidArgument(path + " is not a regular file", "file");
  }
  if (offset > 0 && ::lseek(fd, offset, SEEK_SET) != offset) {
    ::close(fd);
    return Status::unavailable("cannot seek " + path + " to byte " + std::to_string(offset));
  }
#ifdef POSIX_FADV_SEQUENTIAL
  (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  return std::unique_ptr<FileSource>(new FileSource(fd, path, st.st_size, offset));
}

FileSource::~FileSource() { ::close(fd_); }

Result<size_t> FileSource::read(char* buf, size_t n) {
  while (true) {
    ssize_t r = ::read(fd_, buf, n);
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status::unavailable("read error in " + path_ + " at byte " + std::to_string(pos_) +
                                 ": " + std::strerror(errno));
    }
    if (r == 0 && pos_ < size_) {
      return Status::unavailable(path_ + " ended at byte " + std::to_string(pos_) + " but had " +
                                 std::to_string(size_) +
                                 " bytes when the import started: it was truncated or replaced "
                                 "while being read");
    }
    pos_ += r;
    return static_cast<size_t>(r);
  }
}

Result<size_t> FaultySource::read(char* buf, size_t n) {
  int64_t pos = inner_->position();
  if (read_error_at_ >= 0 && pos + static_cast<int64_t>(n) > read_error_at_) {
    if (pos >= read_error_at_) {
      return Status::unavailable("read error at byte " + std::to_string(pos) +
                                 ": Input/output error (injected)");
    }
    n = static_cast<size_t>(read_error_at_ - pos);
  }
  return inner_->read(buf, n);
}

}  // namespace clearline::import
