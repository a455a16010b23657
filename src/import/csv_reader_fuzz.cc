// Fuzz target: the CSV reader on arbitrary bytes.
// The first byte picks the delimiter and the read chunk size (so records
// straddle buffer refills); invariants are checked with __builtin_trap().
#include <cstdint>
#include <string>
#include <vector>

#include "import/byte_source.h"
#include "import/csv_reader.h"

using namespace clearline::import;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const char delims[] = {',', ';', '\t', '|'};
  char delim = delims[data[0] & 3];
  size_t chunk = 1 + ((data[0] >> 2) & 0x3F);
  std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  StringSource src(input, chunk);
  CsvOptions opts;
  opts.delimiter = delim;
  opts.buffer_bytes = 64;          // tiny buffer: exercise refills and growth
  opts.max_record_bytes = 1 << 16;
  CsvReader reader(src, opts);
  CsvRecord rec;
  int64_t last_next = 0, last_line = 0;
  for (int n = 0; n < 100000; ++n) {
    auto r = reader.next(rec);
    if (!r.isOk() || !*r) break;
    if (rec.offset < last_next || rec.next_offset < rec.offset) __builtin_trap();
    if (rec.next_offset > static_cast<int64_t>(input.size())) __builtin_trap();
    if (rec.line <= last_line || rec.next_line <= rec.line) __builtin_trap();
    if (rec.fields.empty()) __builtin_trap();
    if (rec.raw.size() > static_cast<size_t>(rec.next_offset - rec.offset)) __builtin_trap();
    if (std::string_view(input).substr(rec.offset, rec.raw.size()) != rec.raw) __builtin_trap();
    if (rec.problem == CsvProblem::kNone) {
      size_t bad;
      if (!isValidUtf8(rec.raw, &bad)) __builtin_trap();
    }
    // A field written back and read again is the same field.
    for (auto f : rec.fields) {
      std::string line;
      appendCsvField(line, f, delim);
      StringSource again(line + "\n");
      CsvOptions o2;
      o2.delimiter = delim;
      o2.buffer_bytes = 256;
      CsvReader r2(again, o2);
      CsvRecord back;
      auto got = r2.next(back);
      if (f.empty() || (f.size() >= 3 && f.substr(0, 3) == "\xEF\xBB\xBF")) continue;
      if (!got.isOk() || !*got || back.fields.size() != 1 || back.fields[0] != f) __builtin_trap();
    }
    last_next = rec.next_offset;
    last_line = rec.line;
  }
  return 0;
}
