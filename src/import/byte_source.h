// Byte sources for the list importer: a file read with plain read(2), and a
// fault-injecting wrapper that the end-to-end tests drive through the
// environment (CLEARLINE_IMPORT_FAULT, docs/import.md "Test seams").
//
// A FileSource remembers the file's size when it was opened; reaching the end
// early (the file was truncated or replaced while we read it) is an error, not
// a short list. A file that is unlinked while open is still read to the end:
// the open descriptor keeps its data, so nothing is lost.
// Thread-safety: one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace clearline::import {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to n bytes into buf: the count read (0 = end of data) or an error.
  virtual Result<size_t> read(char* buf, size_t n) = 0;
  // Byte offset of the next byte read() returns.
  virtual int64_t position() const = 0;
};

// Reads a string (unit tests, fuzzing).
class StringSource final : public ByteSource {
 public:
  explicit StringSource(std::string data, size_t max_chunk = SIZE_MAX)
      : data_(std::move(data)), max_chunk_(max_chunk) {}
  Result<size_t> read(char* buf, size_t n) override;
  int64_t position() const override { return static_cast<int64_t>(pos_); }

 private:
  std::string data_;
  size_t pos_ = 0;
  size_t max_chunk_;
};

class FileSource final : public ByteSource {
 public:
  // Opens `path` and positions it at `offset`.
  static Result<std::unique_ptr<FileSource>> open(const std::string& path, int64_t offset = 0);
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  Result<size_t> read(char* buf, size_t n) override;
  int64_t position() const override { return pos_; }
  int64_t sizeAtOpen() const { return size_; }

 private:
  FileSource(int fd, std::string path, int64_t size, int64_t pos)
      : fd_(fd), path_(std::move(path)), size_(size), pos_(pos) {}
  int fd_;
  std::string path_;
  int64_t size_;
  int64_t pos_;
};

// Test seam: faults a ByteSource on cue. Spec (comma-separated):
//   read_error_at=BYTES   the read that would cross BYTES fails with an I/O error
class FaultySource final : public ByteSource {
 public:
  FaultySource(std::unique_ptr<ByteSource> inner, int64_t read_error_at)
      : inner_(std::move(inner)), read_error_at_(read_error_at) {}
  Result<size_t> read(char* buf, size_t n) override;
  int64_t position() const override { return inner_->position(); }

 private:
  std::unique_ptr<ByteSource> inner_;
  int64_t read_error_at_;
};

}  // namespace clearline::import
