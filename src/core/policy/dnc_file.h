// Parser for the National DNC Registry flat files (R9; compliance.md §1.4).
//
// Layout accepted (the FTC's comma-delimited flat text; exact change-list
// column order is [R] in the research, so this is our documented reading):
//   full list:   one record a line, "NPA,NXXXXXX"          e.g. 202,5550123
//   change list: "NPA,NXXXXXX,ACTION[,YYYY-MM-DD]"         ACTION ∈ A|D|ADD|DELETE
// Lines end in LF or CRLF. An optional header of '#' lines may come first; a
// header line "# area codes: 202,301" declares the file's area codes, and
// every record must then use one of them. Any error stops the parse with
// "<source>:<line>: <what is wrong>"; nothing is returned half-parsed.
// Pure (parses bytes; file reading is the caller's). Owner: policy.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace clearline::core::policy {

enum class DncFileKind { kFull, kChange };

struct DncOp {
  uint64_t key;  // 10-digit NANP number
  bool add;
};

struct DncFile {
  DncFileKind kind = DncFileKind::kFull;
  std::vector<DncOp> ops;       // in file order (full lists: all adds)
  std::vector<int> area_codes;  // from the header, if any
  uint64_t records = 0;
};

// expected_area_codes: if non-empty, every record must use one of them (e.g.
// the area codes the subscription covers, or the one in the file name).
Result<DncFile> parseDncFile(std::string_view text, std::string_view source, DncFileKind kind,
                             const std::vector<int>& expected_area_codes = {});

// UK TPS/CTPS list: one number a line, "+44…", "0…" or the national
// significant number (9–10 digits); keys are the national number. Same error
// rules as parseDncFile.
Result<DncFile> parseTpsFile(std::string_view text, std::string_view source);

// Applies ops in order to a sorted unique key set; returns the new sorted set.
std::vector<uint64_t> applyDncOps(const std::vector<uint64_t>& current, const std::vector<DncOp>& ops);

}  // namespace clearline::core::policy
