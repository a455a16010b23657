#include "core/policy/us_geo.h"

#include <utility>

namespace clearline::core::policy {

namespace {

struct StateRow {
  const char* code;
  const char* name;
  std::vector<std::string> zones;
};

const std::vector<StateRow>& rows() {
  static const std::vector<StateRow> r = {
      {"AL", "Alabama", {"America/Chicago"}},
      {"AK", "Alaska", {"America/Anchorage", "America/Adak"}},
      {"AZ", "Arizona", {"America/Phoenix", "America/Denver"}},  // Navajo Nation observes DST
      {"AR", "Arkansas", {"America/Chicago"}},
      {"CA", "California", {"America/Los_Angeles"}},
      {"CO", "Colorado", {"America/Denver"}},
      {"CT", "Connecticut", {"America/New_York"}},
      {"DE", "Delaware", {"America/New_York"}},
      {"DC", "District of Columbia", {"America/New_York"}},
      {"FL", "Florida", {"America/New_York", "America/Chicago"}},
      {"GA", "Georgia", {"America/New_York"}},
      {"HI", "Hawaii", {"Pacific/Honolulu"}},
      {"ID", "Idaho", {"America/Boise", "America/Los_Angeles"}},
      {"IL", "Illinois", {"America/Chicago"}},
      {"IN", "Indiana", {"America/Indiana/Indianapolis", "America/Chicago"}},
      {"IA", "Iowa", {"America/Chicago"}},
      {"KS", "Kansas", {"America/Chicago", "America/Denver"}},
      {"KY", "Kentucky", {"America/New_York", "America/Chicago"}},
      {"LA", "Louisiana", {"America/Chicago"}},
      {"ME", "Maine", {"America/New_York"}},
      {"MD", "Maryland", {"America/New_York"}},
      {"MA", "Massachusetts", {"America/New_York"}},
      {"MI", "Michigan", {"America/Detroit", "America/Menominee"}},
      {"MN", "Minnesota", {"America/Chicago"}},
      {"MS", "Mississippi", {"America/Chicago"}},
      {"MO", "Missouri", {"America/Chicago"}},
      {"MT", "Montana", {"America/Denver"}},
      {"NE", "Nebraska", {"America/Chicago", "America/Denver"}},
      {"NV", "Nevada", {"America/Los_Angeles", "America/Denver"}},  // West Wendover
      {"NH", "New Hampshire", {"America/New_York"}},
      {"NJ", "New Jersey", {"America/New_York"}},
      {"NM", "New Mexico", {"America/Denver"}},
      {"NY", "New York", {"America/New_York"}},
      {"NC", "North Carolina", {"America/New_York"}},
      {"ND", "North Dakota", {"America/Chicago", "America/Denver"}},
      {"OH", "Ohio", {"America/New_York"}},
      {"OK", "Oklahoma", {"America/Chicago"}},
      {"OR", "Oregon", {"America/Los_Angeles", "America/Boise"}},
      {"PA", "Pennsylvania", {"America/New_York"}},
      {"RI", "Rhode Island", {"America/New_York"}},
      {"SC", "South Carolina", {"America/New_York"}},
      {"SD", "South Dakota", {"America/Chicago", "America/Denver"}},
      {"TN", "Tennessee", {"America/Chicago", "America/New_York"}},
      {"TX", "Texas", {"America/Chicago", "America/Denver"}},
      {"UT", "Utah", {"America/Denver"}},
      {"VT", "Vermont", {"America/New_York"}},
      {"VA", "Virginia", {"America/New_York"}},
      {"WA", "Washington", {"America/Los_Angeles"}},
      {"WV", "West Virginia", {"America/New_York"}},
      {"WI", "Wisconsin", {"America/Chicago"}},
      {"WY", "Wyoming", {"America/Denver"}},
      {"PR", "Puerto Rico", {"America/Puerto_Rico"}},
      {"VI", "U.S. Virgin Islands", {"America/St_Thomas"}},
      {"GU", "Guam", {"Pacific/Guam"}},
      {"AS", "American Samoa", {"Pacific/Pago_Pago"}},
      {"MP", "Northern Mariana Islands", {"Pacific/Saipan"}},
  };
  return r;
}

// ZIP3 prefix ranges → state (USPS allocation; military AE/AP/AA and unused
// prefixes map to no state, so they are "impossible" for a home address).
struct ZipRange {
  int lo, hi;
  const char* state;
};
const ZipRange kZip[] = {
    {5, 5, "NY"},     {6, 7, "PR"},     {8, 8, "VI"},     {9, 9, "PR"},     {10, 27, "MA"},
    {28, 29, "RI"},   {30, 38, "NH"},   {39, 49, "ME"},   {50, 54, "VT"},   {55, 55, "MA"},
    {56, 59, "VT"},   {60, 69, "CT"},   {70, 89, "NJ"},   {100, 149, "NY"}, {150, 196, "PA"},
    {197, 199, "DE"}, {200, 200, "DC"}, {201, 201, "VA"}, {202, 205, "DC"}, {206, 219, "MD"},
    {220, 246, "VA"}, {247, 268, "WV"}, {270, 289, "NC"}, {290, 299, "SC"}, {300, 319, "GA"},
    {320, 339, "FL"}, {341, 342, "FL"}, {344, 344, "FL"}, {346, 347, "FL"}, {349, 349, "FL"},
    {350, 369, "AL"}, {370, 385, "TN"}, {386, 397, "MS"}, {398, 399, "GA"}, {400, 427, "KY"},
    {430, 459, "OH"}, {460, 479, "IN"}, {480, 499, "MI"}, {500, 528, "IA"}, {530, 549, "WI"},
    {550, 567, "MN"}, {569, 569, "DC"}, {570, 577, "SD"}, {580, 588, "ND"}, {590, 599, "MT"},
    {600, 629, "IL"}, {630, 658, "MO"}, {660, 679, "KS"}, {680, 693, "NE"}, {700, 714, "LA"},
    {716, 729, "AR"}, {730, 732, "OK"}, {733, 733, "TX"}, {734, 749, "OK"}, {750, 799, "TX"},
    {800, 816, "CO"}, {820, 831, "WY"}, {832, 838, "ID"}, {840, 847, "UT"}, {850, 865, "AZ"},
    {870, 884, "NM"}, {885, 885, "TX"}, {889, 898, "NV"}, {900, 961, "CA"}, {967, 968, "HI"},
    {969, 969, "GU"}, {970, 979, "OR"}, {980, 994, "WA"}, {995, 999, "AK"},
};

}  // namespace

int stateCount() { return static_cast<int>(rows().size()); }

namespace {
// Two-letter code (upper-cased) → index + 1 (0 = none), built once from rows().
struct CodeTable {
  std::array<int8_t, 26 * 26> idx{};
  CodeTable() {
    const auto& r = rows();
    for (size_t i = 0; i < r.size(); ++i) {
      int a = r[i].code[0] - 'A', b = r[i].code[1] - 'A';
      if (a >= 0 && a < 26 && b >= 0 && b < 26 && idx[static_cast<size_t>(a * 26 + b)] == 0)
        idx[static_cast<size_t>(a * 26 + b)] = static_cast<int8_t>(i + 1);
    }
  }
};
const CodeTable& codeTable() {
  static const CodeTable t;
  return t;
}
}  // namespace

int stateIndex(std::string_view code) {
  if (code.size() != 2) return -1;
  int a = (code[0] & ~0x20) - 'A', b = (code[1] & ~0x20) - 'A';
  if (a < 0 || a >= 26 || b < 0 || b >= 26) return -1;
  return codeTable().idx[static_cast<size_t>(a * 26 + b)] - 1;
}

std::string_view stateCode(int idx) {
  if (idx == kUkRegion) return "UK";
  if (idx < 0 || idx >= stateCount()) return "";
  return rows()[static_cast<size_t>(idx)].code;
}

int stateIndexByName(std::string_view name) {
  const auto& r = rows();
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; };
  auto same = [&](std::string_view a, std::string_view b) {  // ASCII letters in any case
    if (a.size() != b.size()) return false;
    for (size_t k = 0; k < a.size(); ++k)
      if (lower(a[k]) != lower(b[k])) return false;
    return true;
  };
  for (size_t i = 0; i < r.size(); ++i)
    if (same(name, r[i].name)) return static_cast<int>(i);
  return -1;
}

const std::vector<std::string>& stateZones(int idx) {
  static const std::vector<std::string> uk = {"Europe/London"};
  static const std::vector<std::string> none;
  if (idx == kUkRegion) return uk;
  if (idx < 0 || idx >= stateCount()) return none;
  return rows()[static_cast<size_t>(idx)].zones;
}

int stateFromZip(std::string_view zip) {
  if (zip.size() != 5 && zip.size() != 10) return -1;
  for (size_t i = 0; i < zip.size(); ++i) {
    if (i == 5) {
      if (zip[i] != '-') return -1;
      continue;
    }
    if (zip[i] < '0' || zip[i] > '9') return -1;
  }
  int p = (zip[0] - '0') * 100 + (zip[1] - '0') * 10 + (zip[2] - '0');
  // 3-digit prefix → state index (-2 = none), built once from kZip (first range wins).
  static const std::array<int8_t, 1000> by_prefix = [] {
    std::array<int8_t, 1000> t;
    t.fill(-2);
    for (int q = 0; q < 1000; ++q)
      for (const auto& z : kZip)
        if (q >= z.lo && q <= z.hi) {
          t[static_cast<size_t>(q)] = static_cast<int8_t>(stateIndex(z.state));
          break;
        }
    return t;
  }();
  return by_prefix[static_cast<size_t>(p)];
}

std::vector<std::string> stateCodes(StateSet s) {
  std::vector<std::string> out;
  for (int i = 0; i < 64; ++i)
    if (s & (StateSet{1} << i)) out.emplace_back(stateCode(i));
  return out;
}

}  // namespace clearline::core::policy
