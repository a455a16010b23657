// Generates realistic contact lists (voter-file style CSV) for the demo, the
// tests and the import benchmark: varied phone spellings, quoted addresses,
// a cell column on some rows, and — when asked — a sprinkling of duplicate and
// bad rows (letters, extensions, too short/long, foreign, unassigned area
// codes, a ragged row, a Latin-1 name). Deterministic for a given seed.
// Streams to the file with a fixed buffer, so memory does not grow with rows.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace clearline::import {

struct ListSpec {
  int64_t rows = 5000;
  uint64_t seed = 1;
  double bad_fraction = 0.01;        // rows with a problem (rejected on import)
  double duplicate_fraction = 0.01;  // rows repeating an earlier row's number
  bool crlf = false;
};

struct ListStats {
  int64_t rows = 0;
  int64_t bad = 0;
  int64_t duplicates = 0;
  int64_t bytes = 0;
};

Result<ListStats> writeSampleList(const std::string& path, const ListSpec& spec);

}  // namespace clearline::import
