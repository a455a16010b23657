// A streaming RFC 4180 CSV reader with flat memory.
//
// Reads records from a ByteSource through one buffer (1 MiB, growing only for a
// record that does not fit, up to max_record_bytes). Handles quoted fields with
// "" escapes, delimiters and line breaks inside quotes, CRLF / LF / lone CR line
// ends, and a UTF-8 byte-order mark. For every record it reports the physical
// line where the record starts (1-based; the header is line 1), its byte offset
// (for resuming), its raw bytes and, per record, the first problem found:
// invalid UTF-8 or a quote left open at the end of the file. Problems are data,
// not errors: the caller rejects that record and goes on. Errors (Result not
// OK) are I/O failures and records longer than max_record_bytes.
//
// Blank lines between records are skipped (they are not records).
// Field views stay valid until the next call to next().
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "import/byte_source.h"

namespace clearline::import {

enum class CsvProblem {
  kNone,
  kInvalidUtf8,         // problem_field holds the first field with bad bytes
  kUnterminatedQuote,   // a quoted field opened on problem_line never closed
};

struct CsvRecord {
  std::vector<std::string_view> fields;
  std::string_view raw;      // the record's bytes, without its line end
  int64_t line = 0;          // physical line where the record starts
  int64_t offset = 0;        // byte offset of the record's first byte
  int64_t next_offset = 0;   // byte offset just past the record's line end
  int64_t next_line = 0;     // physical line of whatever follows
  CsvProblem problem = CsvProblem::kNone;
  int problem_field = -1;    // 0-based field index the problem refers to
  int64_t problem_line = 0;  // physical line the problem starts on
  int64_t problem_byte = 0;  // kInvalidUtf8: offset of the bad byte within raw
};

struct CsvOptions {
  char delimiter = ',';
  size_t buffer_bytes = 1 << 20;
  size_t max_record_bytes = 4 << 20;
};

class CsvReader {
 public:
  // Reads from `src`, whose next byte is at file offset `start_offset` on
  // physical line `start_line`. A BOM is skipped only at offset 0.
  CsvReader(ByteSource& src, CsvOptions opts, int64_t start_offset = 0, int64_t start_line = 1);

  // Fills `rec` with the next record: true, or false at the end of the data.
  Result<bool> next(CsvRecord& rec);

  bool hadBom() const { return had_bom_; }

 private:
  // Parses one record starting at buf_[pos_]; returns false if the buffer ends
  // before the record does (and the source is not exhausted).
  bool parseRecord(CsvRecord& rec);
  Status fill();  // compacts the buffer and reads more; sets eof_

  ByteSource& src_;
  CsvOptions opts_;
  std::string buf_;
  size_t pos_ = 0;      // start of unconsumed data
  size_t end_ = 0;      // end of valid data
  int64_t buf_offset_;  // file offset of buf_[0]
  int64_t line_;
  bool eof_ = false;
  bool bom_checked_;
  bool had_bom_ = false;
  std::string unescaped_;  // storage for fields with "" escapes
  struct FieldRef {
    bool side;
    size_t off, len;
  };
  std::vector<FieldRef> refs_;
};

// True if `s` is valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF);
// otherwise sets *bad_at to the offset of the first invalid byte.
bool isValidUtf8(std::string_view s, size_t* bad_at);

// Writes one CSV field, quoted when it needs to be.
void appendCsvField(std::string& out, std::string_view field, char delimiter = ',');

}  // namespace clearline::import
