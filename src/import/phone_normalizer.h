// Phone number normalisation to E.164 with libphonenumber, plus a cache that
// makes North American numbers cheap (docs/import.md "The phone cache").
//
// libphonenumber costs about 20 µs a number (../shared/docs/dependencies.md §7),
// a fifth of the import's whole time budget. Most lists are NANP numbers in a
// handful of national formats, so normalize() first tries a fast path: when
// the text is only digits and the punctuation ( ) - . / space, with an
// optional leading +1 or 1, and leaves exactly ten national digits NPA-NXX-XXXX
// with NPA starting 2-9, the E.164 form is "+1" + those digits and validity,
// number type and region come from a table indexed by NPA-NXX (the first six
// digits), filled by asking libphonenumber about the first number seen with
// that prefix. Correctness rests on one property of the metadata: for
// ten-digit NANP numbers, validity, type and region depend only on NPA-NXX.
// phone_normalizer_test.cc checks the fast path against libphonenumber
// (differential test) and bench/phone_cache_check exhaustively checks the
// property over every NPA-NXX of the installed metadata. Everything else
// (letters, extensions, other countries, odd lengths) goes to libphonenumber.
//
// The table is a flat array of 1,000,000 16-bit entries (2 MiB): bounded, no
// eviction. Thread-safety: one thread at a time (the table is not shared).
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace clearline::import {

struct PhoneResult {
  bool ok = false;
  std::string e164;         // "+13052345678" when ok
  std::string number_type;  // libphonenumber's type: "FIXED_LINE_OR_MOBILE", "MOBILE" …
  std::string region;       // "US", "CA", "GB" …
  std::string reason;       // why not ok, in plain words
};

struct PhoneNormalizerOptions {
  std::string default_region = "US";
  // Accept numbers outside the default region's country calling code.
  bool allow_international = false;
  // NANP area codes newer than the installed metadata (valid although
  // libphonenumber says otherwise): config import.extra_area_codes.
  std::set<int> extra_area_codes;
  bool use_cache = true;
};

class PhoneNormalizer {
 public:
  // InvalidArgument if the region is not one libphonenumber knows.
  static Result<std::unique_ptr<PhoneNormalizer>> create(PhoneNormalizerOptions opts);

  // Normalises `raw` into `out` (reusing its strings). Returns out.ok.
  bool normalize(std::string_view raw, PhoneResult& out);

  // The libphonenumber path only, no cache (tests compare the two).
  bool normalizeSlow(std::string_view raw, PhoneResult& out);

  int64_t cacheHits() const { return hits_; }
  int64_t cacheMisses() const { return misses_; }
  const PhoneNormalizerOptions& options() const { return opts_; }

 private:
  explicit PhoneNormalizer(PhoneNormalizerOptions opts, int country_code);
  PhoneNormalizerOptions opts_;
  int country_code_;
  std::vector<uint16_t> table_;          // NPA-NXX → entry (0 = not yet known)
  std::vector<std::string> regions_;     // region index → code
  int64_t hits_ = 0, misses_ = 0;
  std::string scratch_;
};

}  // namespace clearline::import
