#include "import/importer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "common/sha256.h"
#include "common/time_util.h"
#include "import/byte_source.h"
#include "import/column_mapping.h"
#include "import/csv_reader.h"
#include "import/location.h"
#include "import/phone_normalizer.h"

namespace clearline::import {

namespace {

using core::ImportRecord;
using core::ImportState;

constexpr size_t kMaxNotes = 10;

// Test seams (docs/import.md): comma-separated key=value pairs.
struct FaultPlan {
  int64_t read_error_at = -1;   // FaultySource
  int64_t sigint_at_line = -1;  // raise(SIGINT) before the record on this line
  int64_t pause_at_line = -1;   // create <pause_file>.paused, wait for <pause_file>.go or Ctrl-C
  std::string pause_file;
};

Result<FaultPlan> parseFaults(const std::string& spec) {
  FaultPlan f;
  size_t i = 0;
  while (i < spec.size()) {
    size_t j = spec.find(',', i);
    if (j == std::string::npos) j = spec.size();
    std::string kv = spec.substr(i, j - i);
    i = j + 1;
    auto eq = kv.find('=');
    if (kv.empty()) continue;
    if (eq == std::string::npos) return Status::invalidArgument("CLEARLINE_IMPORT_FAULT: bad item '" + kv + "'");
    std::string k = kv.substr(0, eq), v = kv.substr(eq + 1);
    if (k == "read_error_at") {
      f.read_error_at = std::stoll(v);
    } else if (k == "sigint_at_line") {
      f.sigint_at_line = std::stoll(v);
    } else if (k == "pause_at_line") {
      auto colon = v.find(':');
      if (colon == std::string::npos) {
        return Status::invalidArgument("CLEARLINE_IMPORT_FAULT: pause_at_line=LINE:FILE");
      }
      f.pause_at_line = std::stoll(v.substr(0, colon));
      f.pause_file = v.substr(colon + 1);
    } else {
      return Status::invalidArgument("CLEARLINE_IMPORT_FAULT: unknown fault '" + k + "'");
    }
  }
  return f;
}

// Hashes the bytes it passes on, to notice a file that changes while read.
class HashingSource final : public ByteSource {
 public:
  explicit HashingSource(ByteSource& inner) : inner_(inner) {}
  Result<size_t> read(char* buf, size_t n) override {
    ASSIGN_OR_RETURN(size_t k, inner_.read(buf, n));
    sha_.update(std::string_view(buf, k));
    return k;
  }
  int64_t position() const override { return inner_.position(); }
  std::string hex() { return toHex(sha_.finish()); }

 private:
  ByteSource& inner_;
  Sha256 sha_;
};

std::string_view trimView(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string trim(std::string_view s) { return std::string(trimView(s)); }

// dst = trim(s), reusing dst's buffer.
void assignTrimmed(std::string& dst, std::string_view s) {
  s = trimView(s);
  dst.assign(s.data(), s.size());
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Result<char> parseDelimiter(const std::string& d) {
  if (d == "auto") return '\0';
  if (d == "\\t" || d == "tab" || d == "\t") return '\t';
  if (d.size() == 1 && d[0] != '"' && d[0] != '\n' && d[0] != '\r') return d[0];
  return Status::invalidArgument("--delimiter must be one character, 'tab' or 'auto' (got '" + d + "')",
                                 "delimiter");
}

std::string delimiterName(char d) {
  switch (d) {
    case ',': return "comma";
    case ';': return "semicolon";
    case '\t': return "tab";
    case '|': return "pipe";
    default: return std::string("'") + d + "'";
  }
}

// The candidate delimiter that occurs most in the header line (0 if none).
char guessDelimiter(std::string_view header) {
  char best = 0;
  size_t best_n = 0;
  for (char d : {',', ';', '\t', '|'}) {
    size_t n = std::count(header.begin(), header.end(), d);
    if (n > best_n) {
      best = d;
      best_n = n;
    }
  }
  return best;
}

Result<core::ConsentType> parseConsentValue(const std::string& v) {
  std::string s = lower(v);
  if (s.empty() || s == "no" || s == "n" || s == "false" || s == "0" || s == "none") return core::ConsentType::kNone;
  if (s == "yes" || s == "y" || s == "true" || s == "1" || s == "express") return core::ConsentType::kExpress;
  if (s == "written" || s == "express_written" || s == "express written" || s == "pewc") {
    return core::ConsentType::kExpressWritten;
  }
  return Status::invalidArgument("unknown consent value '" + v +
                                 "' (yes/no, express, express_written)");
}

Result<core::LineType> parseLineTypeValue(const std::string& v) {
  std::string s = lower(v);
  if (s == "c" || s == "w" || s == "m" || s == "cellular") return core::LineType::kWireless;
  if (s == "l" || s == "land line" || s == "land") return core::LineType::kLandline;
  auto r = core::parseLineType(s);
  if (!r.isOk()) {
    return Status::invalidArgument("unknown line type '" + v + "' (wireless/cell/mobile, landline, voip)");
  }
  return r;
}

core::LineType lineTypeFromNumberType(const std::string& t) {
  if (t == "MOBILE") return core::LineType::kWireless;
  if (t == "FIXED_LINE") return core::LineType::kLandline;
  if (t == "VOIP") return core::LineType::kVoip;
  return core::LineType::kUnknown;
}

// A record that passes the checks is staged (its numbers normalised, not yet
// deduplicated); a batch's staged rows are resolved and stored together, inside
// the batch's transaction.
struct Staged {
  core::Contact contact;       // contact.phones: the row's distinct valid numbers, in column order
  std::vector<int> repeats;    // per repeated number in the row: the index of its first copy
  std::vector<char> keep;      // per number: not in scope and first in the batch
  std::vector<uint32_t> slot;  // per kept number: its index once the others are dropped
  int64_t invalid = 0;         // invalid extra numbers (kept as custom fields)
};

struct Candidate {
  std::string_view e164;
  uint32_t row, idx;
};

// One batch on its way from the reader thread to the writer (the calling
// thread) and back: what the reader decided about its records, and the
// numbers to probe, already sorted. Its buffers are reused from batch to batch.
struct Batch {
  std::vector<Staged> staged;  // staged[0, n_staged)
  size_t n_staged = 0;
  std::vector<Candidate> candidates;      // every staged number, sorted by (e164, row, idx)
  std::vector<std::string_view> numbers;  // the distinct numbers, sorted
  std::string rejects;                    // the rejects file's lines for this batch
  int64_t read = 0, rejected = 0;
  int64_t resume_offset = 0, resume_line = 0;  // just past the batch's last record
  bool last = false;  // the file ends with this batch: it finishes the import
  Status stop;        // not OK: the reader stopped inside this batch; none of it is stored

  void clear() {
    n_staged = 0;
    candidates.clear();
    numbers.clear();
    rejects.clear();
    read = rejected = 0;
    last = false;
    stop = Status::ok();
  }
};

// Hands batches from the reader thread to the writer and back. There are a
// fixed number of them (kBatchesInFlight), so at most that many batches of
// records are in memory whatever the file's size; the reader waits for a free
// one when the writer is behind.
class BatchPipe {
 public:
  explicit BatchPipe(size_t n) : pool_(n) {
    for (auto& b : pool_) free_.push_back(&b);
  }
  // Reader: an empty batch to fill, or nullptr once the writer has closed the pipe.
  Batch* takeFree() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return closed_ || !free_.empty(); });
    if (closed_) return nullptr;
    Batch* b = free_.front();
    free_.pop_front();
    return b;
  }
  void putFull(Batch* b) {
    std::lock_guard<std::mutex> l(mu_);
    full_.push_back(b);
    cv_.notify_all();
  }
  // Writer: the next filled batch, in the order the reader filled them.
  Batch* takeFull() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return !full_.empty(); });
    Batch* b = full_.front();
    full_.pop_front();
    return b;
  }
  void putFree(Batch* b) {
    std::lock_guard<std::mutex> l(mu_);
    free_.push_back(b);
    cv_.notify_all();
  }
  // Writer: no more batches are wanted; the reader stops at its next record.
  void close() {
    std::lock_guard<std::mutex> l(mu_);
    closed_ = true;
    closed_flag_.store(true, std::memory_order_relaxed);
    cv_.notify_all();
  }
  bool closed() const { return closed_flag_.load(std::memory_order_relaxed); }

 private:
  std::vector<Batch> pool_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch*> free_, full_;
  bool closed_ = false;
  std::atomic<bool> closed_flag_{false};
};

// Two batches can be queued while a third is filled: the reader may run up to
// two batches ahead of the writer.
constexpr size_t kBatchesInFlight = 3;

class Run {
 public:
  Run(core::ContactStore& store, const core::Actor& actor, const ImportOptions& opts, const ImportHooks& hooks)
      : store_(store), actor_(actor), opts_(opts), hooks_(hooks) {}
  ~Run() {
    if (rejects_) std::fclose(rejects_);
  }
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  Result<ImportOutcome> go();

 private:
  Status prepare();             // everything before the import row exists
  Status openRejects();

  // The reader thread: reads, checks and normalises records into batches
  // until the file ends, something stops it, or the pipe is closed.
  void readBatches(BatchPipe& pipe);
  // Fills b with up to batch_rows records; sets *done at the end of the file.
  Status fillBatch(BatchPipe& pipe, Batch& b, bool* done);
  Staged& stage(Batch& b);
  Status processRecord(Batch& b, const CsvRecord& rec);
  void reject(Batch& b, const CsvRecord& rec, const std::string& column, const std::string& reason);
  Status maybeFault(const CsvRecord& rec);

  // The writer (the calling thread), inside the batch's transaction: dedupes
  // and stores the batch's rows, writes its rejects, saves the resume point.
  Status writeBatch(Batch& b);
  Status flushRejects(std::string& buf);

  std::string columnName(int idx) const {
    return idx >= 0 && idx < static_cast<int>(header_.size()) ? header_[idx] : "#" + std::to_string(idx + 1);
  }

  core::ContactStore& store_;
  const core::Actor& actor_;
  const ImportOptions& opts_;
  const ImportHooks& hooks_;
  std::string sha_;
  int64_t size_ = 0;
  // first_rejects is written by the reader thread; the rest, and the reader's
  // counters read into it, by the writer once the reader has been joined.
  ImportOutcome out_;

  // Reader thread (after prepare()).
  FaultPlan faults_;
  char delim_ = ',';
  std::vector<std::string> header_;
  Mapping mapping_;
  std::unique_ptr<PhoneNormalizer> phones_;
  std::unique_ptr<ByteSource> file_;
  std::unique_ptr<HashingSource> hashing_;
  std::unique_ptr<CsvReader> reader_;
  CsvRecord pending_;
  bool has_pending_ = false;
  PhoneResult pr_;                                    // per-record scratch, reused
  std::vector<std::pair<int, std::string>> invalid_;  // column, reason

  // Writer (calling thread).
  ImportRecord cur_;
  FILE* rejects_ = nullptr;
  std::vector<char> found_;
  std::vector<core::Contact*> to_add_;
  std::vector<uint32_t> row_slot_;  // staged row → index in to_add_
  std::vector<core::ContactStore::PhoneSlot> order_;
};

Status Run::prepare() {
  ASSIGN_OR_RETURN(faults_, parseFaults(opts_.fault_spec));
  ASSIGN_OR_RETURN(delim_, parseDelimiter(opts_.delimiter));
  const std::string& f = opts_.file;
  struct stat st {};
  if (::stat(f.c_str(), &st) != 0) {
    return Status::notFound(f + ": cannot open: " + std::strerror(errno), "file");
  }
  if (!S_ISREG(st.st_mode)) return Status::invalidArgument(f + ": not a regular file", "file");
  ASSIGN_OR_RETURN(sha_, sha256FileHex(f));
  ASSIGN_OR_RETURN(auto src, FileSource::open(f, 0));
  size_ = src->sizeAtOpen();
  if (size_ == 0) return Status::invalidArgument(f + ":1: the file is empty (no header, no rows)", "file");

  PhoneNormalizerOptions po;
  po.default_region = opts_.region;
  po.allow_international = opts_.allow_international;
  po.extra_area_codes = opts_.extra_area_codes;
  ASSIGN_OR_RETURN(phones_, PhoneNormalizer::create(po));

  // Header: sniff the delimiter first when asked to.
  if (delim_ == '\0') {
    char first[65536];
    ASSIGN_OR_RETURN(auto peek, FileSource::open(f, 0));
    ASSIGN_OR_RETURN(size_t n, peek->read(first, sizeof first));
    std::string_view head(first, n);
    head = head.substr(0, head.find_first_of("\r\n"));
    delim_ = guessDelimiter(head);
    if (delim_ == '\0') delim_ = ',';
  }
  std::unique_ptr<ByteSource> base = std::move(src);
  if (faults_.read_error_at >= 0) base = std::make_unique<FaultySource>(std::move(base), faults_.read_error_at);
  file_ = std::move(base);
  hashing_ = std::make_unique<HashingSource>(*file_);
  CsvOptions co;
  co.delimiter = delim_;
  reader_ = std::make_unique<CsvReader>(*hashing_, co, 0, 1);
  CsvRecord hdr;
  ASSIGN_OR_RETURN(bool got, reader_->next(hdr));
  if (!got) return Status::invalidArgument(f + ":1: the file has no header (only blank lines)", "file");
  if (hdr.problem == CsvProblem::kInvalidUtf8) {
    return Status::invalidArgument(f + ":" + std::to_string(hdr.problem_line) + ": column " +
                                       std::to_string(hdr.problem_field + 1) +
                                       ": the header is not valid UTF-8 (byte " + std::to_string(hdr.problem_byte) +
                                       "); save the file as UTF-8",
                                   "header");
  }
  if (hdr.problem == CsvProblem::kUnterminatedQuote) {
    return Status::invalidArgument(f + ":" + std::to_string(hdr.problem_line) + ": column " +
                                       std::to_string(hdr.problem_field + 1) +
                                       ": unterminated quote in the header (the quoted field never closes)",
                                   "header");
  }
  if (hdr.fields.size() == 1) {
    char other = guessDelimiter(hdr.raw);
    if (other != '\0' && other != delim_) {
      size_t n = std::count(hdr.raw.begin(), hdr.raw.end(), other);
      return Status::invalidArgument(
          f + ":1: column 1: wrong delimiter: the header is one " + delimiterName(delim_) +
              "-separated column but contains " + std::to_string(n) + " " + delimiterName(other) +
              (n == 1 ? "" : "s") + "; the file looks " + delimiterName(other) + "-separated: pass --delimiter '" +
              (other == '\t' ? std::string("tab") : std::string(1, other)) + "' (or --delimiter auto)",
          "delimiter");
    }
  }
  for (auto& h : hdr.fields) header_.push_back(trim(h));
  std::vector<std::string> overrides = opts_.map_overrides;
  if (opts_.resume.valid()) {
    // Reuse the mapping the import started with.
    ASSIGN_OR_RETURN(cur_, store_.getImport(opts_.resume));
    overrides.clear();
    for (auto& o : cur_.options.value("map", Json::array())) overrides.push_back(o.get<std::string>());
  }
  ASSIGN_OR_RETURN(mapping_, buildMapping(header_, overrides, f));
  if (!opts_.resume.valid()) {
    ASSIGN_OR_RETURN(has_pending_, reader_->next(pending_));
    if (!has_pending_) {
      return Status::invalidArgument(f + ":1: header only: the file has a header but no data rows", "file");
    }
  }
  return Status::ok();
}

Status Run::openRejects() {
  std::string path = cur_.rejects_file;
  const bool resuming = opts_.resume.valid();
  if (!resuming) {
    FILE* fp = std::fopen(path.c_str(), "wb");
    if (!fp) return Status::unavailable("cannot write rejects file " + path + ": " + std::strerror(errno));
    rejects_ = fp;
    std::string head = "line,column,reason,raw\n";
    return flushRejects(head);
  }
  // Resume: drop whatever an interrupted batch wrote past the committed length.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::unavailable("cannot open rejects file " + path + ": " + std::strerror(errno));
  struct stat st {};
  (void)::fstat(fd, &st);
  if (st.st_size < cur_.rejects_offset) {
    ::close(fd);
    return Status::failedPrecondition("rejects file " + path + " is shorter (" + std::to_string(st.st_size) +
                                          " bytes) than the import recorded (" +
                                          std::to_string(cur_.rejects_offset) + "): it was changed; cannot resume",
                                      "rejects");
  }
  if (::ftruncate(fd, cur_.rejects_offset) != 0) {
    ::close(fd);
    return Status::unavailable("cannot truncate rejects file " + path + ": " + std::strerror(errno));
  }
  ::close(fd);
  rejects_ = std::fopen(path.c_str(), "ab");
  if (!rejects_) return Status::unavailable("cannot append to rejects file " + path);
  return Status::ok();
}

Status Run::flushRejects(std::string& buf) {
  if (!buf.empty()) {
    size_t w = std::fwrite(buf.data(), 1, buf.size(), rejects_);
    if (w != buf.size()) {
      return Status::resourceExhausted("cannot write rejects file " + cur_.rejects_file + ": " +
                                       std::strerror(errno));
    }
    buf.clear();
  }
  if (std::fflush(rejects_) != 0 || ::fsync(fileno(rejects_)) != 0) {
    int e = errno;
    if (e == ENOSPC || e == EDQUOT || e == EFBIG) {
      return Status::resourceExhausted("disk full writing rejects file " + cur_.rejects_file);
    }
    return Status::unavailable("cannot write rejects file " + cur_.rejects_file + ": " + std::strerror(e));
  }
  cur_.rejects_offset = static_cast<int64_t>(std::ftell(rejects_));
  return Status::ok();
}

void Run::reject(Batch& b, const CsvRecord& rec, const std::string& column,
                 const std::string& reason) {
  ++b.rejected;
  std::string& rejects_buf_ = b.rejects;
  rejects_buf_.append(std::to_string(rec.line));
  rejects_buf_.push_back(',');
  appendCsvField(rejects_buf_, column);
  rejects_buf_.push_back(',');
  appendCsvField(rejects_buf_, reason);
  rejects_buf_.push_back(',');
  // Always quoted: raw may hold anything, including bytes that are not UTF-8.
  rejects_buf_.push_back('"');
  for (char c : rec.raw) {
    if (c == '"') rejects_buf_.push_back('"');
    rejects_buf_.push_back(c);
  }
  rejects_buf_.append("\"\n");
  if (out_.first_rejects.size() < kMaxNotes) out_.first_rejects.push_back({rec.line, column, reason});
}

Status Run::processRecord(Batch& b, const CsvRecord& rec) {
  ++b.read;
  if (rec.problem == CsvProblem::kUnterminatedQuote) {
    reject(b, rec, columnName(rec.problem_field),
           "unterminated quote: the quoted field opened on line " +
               std::to_string(rec.problem_line) + " never closes (it runs to the end of the file)");
    return Status::ok();
  }
  if (rec.problem == CsvProblem::kInvalidUtf8) {
    reject(b, rec, columnName(rec.problem_field),
           "invalid UTF-8 (byte " + std::to_string(rec.problem_byte + 1) + " of the record, line " +
               std::to_string(rec.problem_line) + "): save the file as UTF-8");
    return Status::ok();
  }
  const size_t nh = header_.size();
  if (rec.fields.size() != nh) {
    bool extra_empty = rec.fields.size() > nh &&
                       std::all_of(rec.fields.begin() + static_cast<long>(nh), rec.fields.end(),
                                   [](std::string_view v) { return trim(v).empty(); });
    if (!extra_empty) {
      std::string col = rec.fields.size() < nh ? columnName(static_cast<int>(rec.fields.size()))
                                               : "#" + std::to_string(nh + 1);
      reject(b, rec, col,
             "ragged row: " + std::to_string(rec.fields.size()) + " fields, the header has " +
                 std::to_string(nh) +
                 (rec.fields.size() < nh ? " (missing from this column on)" : " (extra fields)"));
      return Status::ok();
    }
  }
  Staged& staged = stage(b);
  core::Contact& c = staged.contact;
  c.source_line = rec.line;
  std::string line_type_value, consent_value, consent_at_value, consent_source, country_code;
  int line_type_col = -1, consent_col = -1, consent_at_col = -1, state_col = -1, zip_col = -1,
      tz_col = -1;
  for (const auto& m : mapping_.columns) {
    std::string_view raw = rec.fields[m.index];
    switch (m.field) {
      case Field::kIgnore:
      case Field::kPhone: break;
      case Field::kCustom: {
        std::string v = trim(raw);
        if (!v.empty()) c.custom[m.header] = std::move(v);
        break;
      }
      case Field::kExternalId: assignTrimmed(c.external_id, raw); break;
      case Field::kFirstName: assignTrimmed(c.first_name, raw); break;
      case Field::kLastName: assignTrimmed(c.last_name, raw); break;
      case Field::kAddress: assignTrimmed(c.address, raw); break;
      case Field::kCity: assignTrimmed(c.city, raw); break;
      case Field::kState:
        assignTrimmed(c.state, raw);
        state_col = m.index;
        break;
      case Field::kZip:
        assignTrimmed(c.zip, raw);
        zip_col = m.index;
        break;
      case Field::kTimezone:
        assignTrimmed(c.timezone, raw);
        tz_col = m.index;
        break;
      case Field::kCountryCode: country_code = trim(raw); break;
      case Field::kLineType:
        line_type_value = trim(raw);
        line_type_col = m.index;
        break;
      case Field::kConsent:
        consent_value = trim(raw);
        consent_col = m.index;
        break;
      case Field::kConsentAt:
        consent_at_value = trim(raw);
        consent_at_col = m.index;
        break;
      case Field::kConsentSource: consent_source = trim(raw); break;
    }
  }
  core::LineType line_type = core::LineType::kUnknown;
  if (!line_type_value.empty()) {
    auto lt = parseLineTypeValue(line_type_value);
    if (!lt.isOk()) {
      --b.n_staged;  // the row staged above is dropped
      reject(b, rec, columnName(line_type_col), lt.status().message());
      return Status::ok();
    }
    line_type = *lt;
  }
  core::ConsentType consent = core::ConsentType::kNone;
  if (!consent_value.empty()) {
    auto ct = parseConsentValue(consent_value);
    if (!ct.isOk()) {
      --b.n_staged;  // the row staged above is dropped
      reject(b, rec, columnName(consent_col), ct.status().message());
      return Status::ok();
    }
    consent = *ct;
  }
  std::optional<TimePoint> consent_at;
  if (!consent_at_value.empty()) {
    auto t = consent_at_value.size() == 10 ? parseDateUtc(consent_at_value) : parseIso(consent_at_value);
    if (!t.isOk()) {
      --b.n_staged;  // the row staged above is dropped
      reject(
          b, rec, columnName(consent_at_col),
          "consent date '" + consent_at_value + "' is not YYYY-MM-DD or ISO 8601 with an offset");
      return Status::ok();
    }
    consent_at = *t;
  }
  // Phones, in dial priority order.
  invalid_.clear();
  bool any_phone_text = false;
  std::string cc_prefix;
  if (!country_code.empty() && std::all_of(country_code.begin(), country_code.end(), ::isdigit)) {
    cc_prefix = "+" + country_code;
  }
  for (int col : mapping_.phone_columns) {
    std::string raw = trim(rec.fields[col]);
    if (raw.empty()) continue;
    any_phone_text = true;
    std::string text = raw;
    if (!cc_prefix.empty() && raw[0] != '+' && cc_prefix != "+1") text = cc_prefix + " " + raw;
    if (!phones_->normalize(text, pr_)) {
      invalid_.emplace_back(col, pr_.reason + " ('" + raw + "')");
      continue;
    }
    auto same = std::find_if(c.phones.begin(), c.phones.end(), [&](auto& p) { return p.e164 == pr_.e164; });
    if (same != c.phones.end()) {
      staged.repeats.push_back(static_cast<int>(same - c.phones.begin()));
      continue;
    }
    core::Phone p;
    p.e164 = pr_.e164;
    p.raw = raw;
    p.label = mapping_.columns[col].key;
    p.number_type = pr_.number_type;
    p.line_type = (col == mapping_.phone_columns.front() && line_type != core::LineType::kUnknown) ? line_type
                  : mapping_.columns[col].line_hint != core::LineType::kUnknown ? mapping_.columns[col].line_hint
                                                                                 : lineTypeFromNumberType(pr_.number_type);
    p.consent = consent;
    p.consent_at = consent_at;
    p.consent_source = consent_source;
    p.priority = static_cast<int>(c.phones.size());
    c.phones.push_back(std::move(p));
  }
  if (c.phones.empty()) {
    // No valid number at all (whether a number is already in scope is
    // decided for the whole batch in flushStaged): a reject.
    --b.n_staged;
    if (!any_phone_text) {
      reject(b, rec, columnName(mapping_.phone_columns.front()), "no phone number");
      return Status::ok();
    }
    std::string reason;
    for (auto& [col, why] : invalid_) {
      if (!reason.empty()) reason += "; ";
      if (invalid_.size() > 1) reason += columnName(col) + ": ";
      reason += why;
    }
    reject(b, rec, columnName(invalid_.front().first), reason);
    return Status::ok();
  }
  // A location the compliance policy cannot read makes every call to the
  // contact fail closed (P0): the row is reported, as a bad line type is,
  // instead of stored undialable (import/location.h).
  if (auto bad = checkLocation(c)) {
    --b.n_staged;
    const int col = bad->field == LocationField::kState ? state_col
                    : bad->field == LocationField::kZip ? zip_col
                                                        : tz_col;
    reject(b, rec, columnName(col), bad->why);
    return Status::ok();
  }
  for (auto& [col, why] : invalid_) c.custom[columnName(col)] = std::string(trim(rec.fields[col])) + " [not imported: " + why + "]";
  staged.invalid = static_cast<int64_t>(invalid_.size());
  return Status::ok();
}

Staged& Run::stage(Batch& b) {
  if (b.n_staged == b.staged.size()) b.staged.emplace_back();
  Staged& s = b.staged[b.n_staged++];
  core::Contact& c = s.contact;
  c.id = ContactId();
  for (std::string* f : {&c.external_id, &c.first_name, &c.last_name, &c.address, &c.city, &c.state, &c.zip,
                         &c.timezone}) {
    f->clear();
  }
  c.custom.clear();
  c.phones.clear();
  s.repeats.clear();
  s.invalid = 0;
  return s;
}

Status Run::maybeFault(const CsvRecord& rec) {
  if (faults_.sigint_at_line >= 0 && rec.line >= faults_.sigint_at_line) {
    faults_.sigint_at_line = -1;
    std::raise(SIGINT);
  }
  if (faults_.pause_at_line >= 0 && rec.line >= faults_.pause_at_line) {
    faults_.pause_at_line = -1;
    std::string paused = faults_.pause_file + ".paused", go = faults_.pause_file + ".go";
    if (FILE* p = std::fopen(paused.c_str(), "w")) std::fclose(p);
    for (int i = 0; i < 600; ++i) {
      if (hooks_.cancelled && hooks_.cancelled()) break;
      if (::access(go.c_str(), F_OK) == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  return Status::ok();
}

Status Run::fillBatch(BatchPipe& pipe, Batch& b, bool* done) {
  CsvRecord rec;
  int64_t n = 0;
  while (n < opts_.batch_rows) {
    CsvRecord* r = &rec;
    if (has_pending_) {
      r = &pending_;
      has_pending_ = false;
    } else {
      ASSIGN_OR_RETURN(bool more, reader_->next(rec));
      if (!more) {
        *done = true;
        break;
      }
    }
    RETURN_IF_ERROR(maybeFault(*r));
    if (hooks_.cancelled && hooks_.cancelled()) {
      return Status::cancelled("interrupted (Ctrl-C) before line " + std::to_string(r->line));
    }
    if (pipe.closed())
      return Status::cancelled("the writer stopped");  // never stored: the writer has failed
    RETURN_IF_ERROR(processRecord(b, *r));
    b.resume_offset = r->next_offset;
    b.resume_line = r->next_line;
    ++n;
  }
  // The batch's numbers, sorted for the store's probe and for the order its
  // phones are written in (the writer then only walks this list).
  for (size_t i = 0; i < b.n_staged; ++i) {
    auto& ph = b.staged[i].contact.phones;
    for (size_t k = 0; k < ph.size(); ++k) {
      b.candidates.push_back({ph[k].e164, static_cast<uint32_t>(i), static_cast<uint32_t>(k)});
    }
  }
  std::sort(b.candidates.begin(), b.candidates.end(), [](const Candidate& x, const Candidate& y) {
    if (x.e164 != y.e164) return x.e164 < y.e164;
    return x.row != y.row ? x.row < y.row : x.idx < y.idx;
  });
  for (size_t j = 0; j < b.candidates.size(); ++j) {
    if (j == 0 || b.candidates[j].e164 != b.candidates[j - 1].e164)
      b.numbers.push_back(b.candidates[j].e164);
  }
  if (*done && hashing_) {
    std::string seen = hashing_->hex();
    if (seen != sha_) {
      return Status::failedPrecondition(
          opts_.file + " changed while it was being imported (SHA-256 " + seen.substr(0, 12) +
              "… ≠ " + sha_.substr(0, 12) + "… at the start)",
          "file");
    }
  }
  return Status::ok();
}

void Run::readBatches(BatchPipe& pipe) {
  bool done = false;
  while (!done) {
    Batch* b = pipe.takeFree();
    if (!b) return;
    b->clear();
    b->resume_offset = -1;
    Status st;
    try {
      st = fillBatch(pipe, *b, &done);
    } catch (const std::exception& e) {
      st = Status::internal(std::string("import reader: ") + e.what());
    }
    if (!st.isOk()) {
      b->stop = st;
      done = true;
    }
    b->last = done;
    pipe.putFull(b);
  }
}

// Decides, for the batch's staged rows in file order, which numbers are new:
// a number is kept by the first row of the batch that has it unless it is
// already in scope in the store (earlier batches, other lists), which is
// asked once per distinct number, in sorted order. This is what asking the
// store row by row, with each row's numbers inserted before the next row is
// read, decided: the same rows imported, the same counts.
Status Run::writeBatch(Batch& b) {
  cur_.counts.read += b.read;
  cur_.counts.rejected += b.rejected;
  if (b.resume_offset >= 0) {  // -1: no record in the batch (the file ended at the batch's start)
    cur_.resume_offset = b.resume_offset;
    cur_.resume_line = b.resume_line;
  }
  RETURN_IF_ERROR(store_.phonesInScope(cur_, opts_.dedupe, b.numbers, found_));
  for (size_t i = 0; i < b.n_staged; ++i)
    b.staged[i].keep.assign(b.staged[i].contact.phones.size(), 0);
  size_t g = 0;
  for (size_t j = 0; j < b.candidates.size(); ++j) {
    bool first = j == 0 || b.candidates[j].e164 != b.candidates[j - 1].e164;
    if (j > 0 && first) ++g;
    if (first && !found_[g]) b.staged[b.candidates[j].row].keep[b.candidates[j].idx] = 1;
  }
  to_add_.clear();
  row_slot_.assign(b.n_staged, 0);
  for (size_t i = 0; i < b.n_staged; ++i) {
    Staged& s = b.staged[i];
    auto& ph = s.contact.phones;
    int64_t dups = 0;
    for (int r : s.repeats) {
      if (!s.keep[static_cast<size_t>(r)]) ++dups;  // a repeat of a number in scope counts again
    }
    s.slot.resize(ph.size());
    size_t w = 0;
    for (size_t k = 0; k < ph.size(); ++k) {
      if (!s.keep[k]) {
        ++dups;
        continue;
      }
      s.slot[k] = static_cast<uint32_t>(w);
      if (w != k) ph[w] = std::move(ph[k]);
      ph[w].priority = static_cast<int>(w);
      ++w;
    }
    ph.resize(w);
    cur_.counts.phones_duplicate += dups;
    if (w == 0) {
      ++cur_.counts.duplicates;
      continue;
    }
    cur_.counts.phones_invalid += s.invalid;
    ++cur_.counts.imported;
    cur_.counts.phones_imported += static_cast<int64_t>(w);
    row_slot_[i] = static_cast<uint32_t>(to_add_.size());
    to_add_.push_back(&s.contact);
  }
  // The kept phones in number order: the candidates' order (their e164 views
  // are stale now that the rows are compacted; row and index are not).
  order_.clear();
  for (const Candidate& cand : b.candidates) {
    const Staged& s = b.staged[cand.row];
    if (s.keep[cand.idx]) order_.push_back({row_slot_[cand.row], s.slot[cand.idx]});
  }
  RETURN_IF_ERROR(store_.addContactsInOrder(cur_, to_add_, order_));
  RETURN_IF_ERROR(flushRejects(b.rejects));
  if (b.last) return store_.finishImport(cur_, ImportState::kCommitted, "", actor_);
  return store_.saveProgress(cur_, actor_);
}

Result<ImportOutcome> Run::go() {
  auto t0 = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(prepare());
  const std::string& f = opts_.file;
  if (opts_.resume.valid()) {
    if (cur_.campaign_id != opts_.campaign) {
      return Status::invalidArgument("import " + opts_.resume.str() + " belongs to campaign " +
                                         cur_.campaign_id.str() + ", not " + opts_.campaign.str(),
                                     "campaign");
    }
    if (cur_.file_sha256 != sha_) {
      return Status::failedPrecondition(f + " is not the file import " + opts_.resume.str() +
                                            " started with (SHA-256 " + sha_.substr(0, 12) + "… ≠ " +
                                            cur_.file_sha256.substr(0, 12) + "…): start a new import",
                                        "file");
    }
    ASSIGN_OR_RETURN(cur_, store_.resumeImport(opts_.resume, actor_));
    if (!opts_.rejects_file.empty() && opts_.rejects_file != cur_.rejects_file) {
      return Status::invalidArgument("a resumed import keeps its rejects file " + cur_.rejects_file, "rejects");
    }
    // Continue from the last committed record.
    ASSIGN_OR_RETURN(auto src, FileSource::open(f, cur_.resume_offset));
    std::unique_ptr<ByteSource> base = std::move(src);
    if (faults_.read_error_at >= 0) {
      base = std::make_unique<FaultySource>(std::move(base), faults_.read_error_at);
    }
    file_ = std::move(base);
    hashing_.reset();
    CsvOptions co;
    co.delimiter = delim_;
    reader_ = std::make_unique<CsvReader>(*file_, co, cur_.resume_offset, cur_.resume_line);
    if (Status st = openRejects(); !st.isOk()) {
      (void)store_.finishImport(cur_, ImportState::kFailed, st.message(), actor_);
      return st;
    }
  } else {
    ImportRecord r;
    r.campaign_id = opts_.campaign;
    r.list_name = opts_.list_name.empty() ? std::filesystem::path(f).filename().string() : opts_.list_name;
    std::error_code ec;
    auto abs = std::filesystem::absolute(f, ec);
    r.file = ec ? f : abs.lexically_normal().string();
    r.file_sha256 = sha_;
    r.file_size = size_;
    r.resume_offset = pending_.offset;
    r.resume_line = pending_.line;
    Json maps = Json::array();
    for (auto& m : opts_.map_overrides) maps.push_back(m);
    r.options = Json{{"dedupe", core::toString(opts_.dedupe)},
                     {"region", phones_->options().default_region},
                     {"allow_international", opts_.allow_international},
                     {"delimiter", std::string(1, delim_)},
                     {"map", maps},
                     {"mapping", mapping_.toJson()},
                     {"batch_rows", opts_.batch_rows}};
    r.rejects_file = opts_.rejects_file;  // filled below when empty
    if (r.rejects_file.empty()) r.rejects_file = "(pending)";
    ASSIGN_OR_RETURN(cur_, store_.startImport(r, actor_));
    if (opts_.rejects_file.empty()) {
      std::error_code ec2;
      std::filesystem::create_directories(opts_.rejects_dir, ec2);
      cur_.rejects_file = (std::filesystem::path(opts_.rejects_dir) /
                           ("import-" + cur_.id.str() + "-rejects.csv")).string();
    } else {
      auto ra = std::filesystem::absolute(opts_.rejects_file, ec);
      if (!ec) cur_.rejects_file = ra.lexically_normal().string();
    }
    if (Status st = openRejects(); !st.isOk()) {
      (void)store_.finishImport(cur_, ImportState::kFailed, st.message(), actor_);
      return st;
    }
  }

  // The reader thread parses and normalises batch n+1 while this thread
  // dedupes and commits batch n. A batch the reader stopped inside (Ctrl-C,
  // read error, file changed) is never stored; those before it are, as when
  // one thread did both.
  ImportRecord committed = cur_;
  Status stop;
  {
    BatchPipe pipe(kBatchesInFlight);
    std::thread reader([&] { readBatches(pipe); });
    // However this block is left, the reader is stopped and joined first.
    struct Join {
      BatchPipe& pipe;
      std::thread& thread;
      ~Join() {
        pipe.close();
        thread.join();
      }
    } join{pipe, reader};
    while (true) {
      Batch* b = pipe.takeFull();
      if (!b->stop.isOk()) {
        stop = b->stop;
        break;
      }
      stop = store_.batch([&]() -> Status { return writeBatch(*b); });
      const bool last = b->last;
      pipe.putFree(b);
      if (!stop.isOk()) break;
      committed = cur_;
      if (hooks_.progress) hooks_.progress(cur_.resume_offset, size_, cur_.counts);
      if (last) break;
    }
  }
  if (!stop.isOk()) {
    // The open batch rolled back: go back to the last committed state, and make
    // the rejects file agree with it.
    std::string where = f + ":" + std::to_string(committed.resume_line);
    cur_ = committed;
    // The reader may have run up to two batches past the last commit: the
    // rejects it noted there are not in the store's counts or the rejects
    // file, so they are not reported either.
    auto& notes = out_.first_rejects;
    notes.erase(
        std::remove_if(notes.begin(), notes.end(),
                       [&](const RejectNote& n) { return n.line >= committed.resume_line; }),
        notes.end());
    if (rejects_) {
      std::fflush(rejects_);
      if (::ftruncate(fileno(rejects_), committed.rejects_offset) != 0) {
        // Resume truncates it again; nothing is lost.
      }
    }
    ImportState state = stop.code() == StatusCode::kCancelled ? ImportState::kCancelled : ImportState::kFailed;
    std::string msg = where + ": " + stop.message() + "; rows before line " + std::to_string(committed.resume_line) +
                      " are committed; resume with: clearline import " + f + " --campaign " +
                      cur_.campaign_id.str() + " --resume " + cur_.id.str();
    stop = Status(stop.code(), msg, stop.field().empty() ? where : stop.field());
    Status saved = store_.finishImport(cur_, state, msg, actor_);
    if (!saved.isOk()) {
      out_.state_saved = false;
      cur_ = committed;  // stays `running` in the store, with the committed resume point
    }
  }
  if (rejects_) std::fclose(rejects_);
  rejects_ = nullptr;
  out_.record = cur_;
  out_.status = stop;
  out_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out_.phone_cache_hits = phones_->cacheHits();
  out_.phone_cache_misses = phones_->cacheMisses();
  return std::move(out_);
}

}  // namespace

Result<ImportOutcome> runImport(core::ContactStore& store, const core::Actor& actor, const ImportOptions& opts,
                                const ImportHooks& hooks) {
  Run run(store, actor, opts, hooks);
  return run.go();
}

}  // namespace clearline::import
