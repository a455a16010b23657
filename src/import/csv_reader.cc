#include "import/csv_reader.h"

#include <algorithm>
#include <cstring>

namespace clearline::import {

namespace {
// Line breaks in [p, e): "\r\n", "\n" and a lone "\r" each count once.
int64_t countLineBreaks(const char* p, const char* e) {
  int64_t n = 0;
  for (; p < e; ++p) {
    if (*p == '\n') {
      ++n;
    } else if (*p == '\r' && (p + 1 == e || p[1] != '\n')) {
      ++n;
    }
  }
  return n;
}
}  // namespace

bool isValidUtf8(std::string_view s, size_t* bad_at) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    // ASCII fast path, 8 bytes at a time.
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      if (bad_at) *bad_at = i;
      return false;
    }
    if (i + len > n) {
      if (bad_at) *bad_at = i;
      return false;
    }
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) {
        if (bad_at) *bad_at = i;
        return false;
      }
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      if (bad_at) *bad_at = i;
      return false;
    }
    i += len;
  }
  return true;
}

void appendCsvField(std::string& out, std::string_view field, char delimiter) {
  bool quote = field.find_first_of(std::string{'"', '\r', '\n', delimiter}) != std::string_view::npos ||
               (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!quote) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

CsvReader::CsvReader(ByteSource& src, CsvOptions opts, int64_t start_offset, int64_t start_line)
    : src_(src),
      opts_(opts),
      buf_offset_(start_offset),
      line_(start_line),
      bom_checked_(start_offset != 0) {
  buf_.resize(std::max<size_t>(opts_.buffer_bytes, 64));
}

Status CsvReader::fill() {
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    buf_offset_ += static_cast<int64_t>(pos_);
    pos_ = 0;
  }
  if (end_ == buf_.size()) {
    if (buf_.size() >= opts_.max_record_bytes) {
      return Status::invalidArgument(
          "the record starting on line " + std::to_string(line_) + " is longer than " +
              std::to_string(opts_.max_record_bytes >> 20) +
              " MiB: probably a quoted field whose closing quote is missing",
          "line " + std::to_string(line_));
    }
    buf_.resize(std::min(buf_.size() * 2, opts_.max_record_bytes));
  }
  ASSIGN_OR_RETURN(size_t got, src_.read(buf_.data() + end_, buf_.size() - end_));
  if (got == 0) eof_ = true;
  end_ += got;
  return Status::ok();
}

bool CsvReader::parseRecord(CsvRecord& rec) {
  const char delim = opts_.delimiter;
  const char* b = buf_.data();
  size_t p = pos_;
  int64_t lines = 0;
  refs_.clear();
  unescaped_.clear();
  rec.problem = CsvProblem::kNone;
  rec.problem_field = -1;
  size_t raw_end = 0;
  while (true) {
    // At the start of a field.
    if (p < end_ && b[p] == '"') {
      const int64_t quote_line = line_ + lines;
      size_t start = ++p;
      bool side = false;
      size_t side_off = unescaped_.size();
      while (true) {
        const void* q = std::memchr(b + p, '"', end_ - p);
        if (!q) {
          if (!eof_) return false;
          // Unterminated: the field runs to the end of the data.
          lines += countLineBreaks(b + p, b + end_);
          if (side) unescaped_.append(b + start, end_ - start);
          refs_.push_back(side ? FieldRef{true, side_off, unescaped_.size() - side_off}
                               : FieldRef{false, start, end_ - start});
          if (rec.problem == CsvProblem::kNone) {
            rec.problem = CsvProblem::kUnterminatedQuote;
            rec.problem_field = static_cast<int>(refs_.size()) - 1;
            rec.problem_line = quote_line;
          }
          p = end_;
          raw_end = end_;
          goto record_done;
        }
        size_t qi = static_cast<const char*>(q) - b;
        lines += countLineBreaks(b + p, b + qi);
        if (qi + 1 == end_ && !eof_) return false;
        if (qi + 1 < end_ && b[qi + 1] == '"') {
          if (!side) {
            side = true;
            side_off = unescaped_.size();
          }
          unescaped_.append(b + start, qi + 1 - start);  // keeps one quote
          p = start = qi + 2;
          continue;
        }
        // Closing quote.
        if (side) unescaped_.append(b + start, qi - start);
        p = qi + 1;
        // Lenient: text after the closing quote belongs to the field ("ab"c → abc).
        if (p < end_ && b[p] != delim && b[p] != '\n' && b[p] != '\r') {
          if (!side) {
            side = true;
            side_off = unescaped_.size();
            unescaped_.append(b + start, qi - start);
          }
          while (p < end_ && b[p] != delim && b[p] != '\n' && b[p] != '\r') unescaped_.push_back(b[p++]);
          if (p == end_ && !eof_) return false;
        }
        refs_.push_back(side ? FieldRef{true, side_off, unescaped_.size() - side_off}
                             : FieldRef{false, start, qi - start});
        break;
      }
    } else {
      size_t s = p;
      while (p < end_) {
        char c = b[p];
        if (c == delim || c == '\n' || c == '\r') break;
        ++p;
      }
      if (p == end_ && !eof_) return false;
      refs_.push_back(FieldRef{false, s, p - s});
    }
    // After a field: a delimiter, a line end, or the end of the data.
    if (p == end_) {
      raw_end = p;
      break;
    }
    char c = b[p];
    if (c == delim) {
      ++p;
      if (p == end_ && !eof_) return false;
      continue;
    }
    raw_end = p;
    if (c == '\n') {
      ++p;
    } else {  // '\r'
      if (p + 1 == end_ && !eof_) return false;
      ++p;
      if (p < end_ && b[p] == '\n') ++p;
    }
    break;
  }
record_done:
  rec.fields.clear();
  rec.fields.reserve(refs_.size());
  for (auto& r : refs_) {
    rec.fields.emplace_back(r.side ? unescaped_.data() + r.off : b + r.off, r.len);
  }
  rec.raw = std::string_view(b + pos_, raw_end - pos_);
  rec.line = line_;
  rec.offset = buf_offset_ + static_cast<int64_t>(pos_);
  rec.next_offset = buf_offset_ + static_cast<int64_t>(p);
  line_ += lines + 1;
  rec.next_line = line_;
  pos_ = p;
  return true;
}

Result<bool> CsvReader::next(CsvRecord& rec) {
  while (true) {
    if (!bom_checked_) {
      while (end_ - pos_ < 3 && !eof_) RETURN_IF_ERROR(fill());
      if (end_ - pos_ >= 3 && std::memcmp(buf_.data() + pos_, "\xEF\xBB\xBF", 3) == 0) {
        pos_ += 3;
        had_bom_ = true;
      }
      bom_checked_ = true;
    }
    if (pos_ == end_) {
      if (eof_) return false;
      RETURN_IF_ERROR(fill());
      continue;
    }
    if (!parseRecord(rec)) {
      RETURN_IF_ERROR(fill());
      continue;
    }
    // A blank line is not a record.
    if (rec.fields.size() == 1 && rec.raw.empty() && rec.problem == CsvProblem::kNone) continue;
    size_t bad = 0;
    if (rec.problem == CsvProblem::kNone && !isValidUtf8(rec.raw, &bad)) {
      rec.problem = CsvProblem::kInvalidUtf8;
      rec.problem_byte = static_cast<int64_t>(bad);
      // The field holding the bad byte: the last one starting at or before it.
      const char* at = rec.raw.data() + bad;
      int idx = 0;
      for (size_t i = 0; i < refs_.size(); ++i) {
        if (!refs_[i].side && buf_.data() + refs_[i].off <= at) idx = static_cast<int>(i);
        if (refs_[i].side) {
          // Escaped fields live elsewhere; check their bytes directly.
          size_t b2;
          if (!isValidUtf8(rec.fields[i], &b2)) {
            idx = static_cast<int>(i);
            break;
          }
        } else if (buf_.data() + refs_[i].off > at) {
          break;
        }
      }
      rec.problem_field = idx;
      rec.problem_line = rec.line + countLineBreaks(rec.raw.data(), at);
    }
    return true;
  }
}

}  // namespace clearline::import
