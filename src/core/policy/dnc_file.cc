#include "core/policy/dnc_file.h"

#include <algorithm>
#include <unordered_map>

namespace clearline::core::policy {

namespace {
bool allDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}
int toInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}
std::string shown(std::string_view line) {
  std::string s(line.substr(0, 40));
  for (auto& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  return "'" + s + (line.size() > 40 ? "…'" : "'");
}
}  // namespace

Result<DncFile> parseDncFile(std::string_view text, std::string_view source, DncFileKind kind,
                             const std::vector<int>& expected) {
  DncFile out;
  out.kind = kind;
  std::vector<int> allowed = expected;
  uint64_t lineno = 0;
  size_t pos = 0;
  bool in_header = true;
  auto err = [&](const std::string& what) {
    return Status::invalidArgument(std::string(source) + ":" + std::to_string(lineno) + ": " + what,
                                   std::string(source) + ":" + std::to_string(lineno));
  };
  if (text.empty()) {
    lineno = 0;
    return err("empty file (no records)");
  }
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    bool last_unterminated = nl == std::string_view::npos;
    std::string_view line = text.substr(pos, last_unterminated ? std::string_view::npos : nl - pos);
    pos = last_unterminated ? text.size() : nl + 1;
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      if (pos >= text.size()) break;  // final empty line
      return err("empty line inside the file");
    }
    if (line[0] == '#') {
      if (!in_header) return err("header line after the first record");
      std::string_view h = line.substr(1);
      while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
      constexpr std::string_view kTag = "area codes:";
      if (h.substr(0, kTag.size()) == kTag) {
        std::string_view list = h.substr(kTag.size());
        std::vector<int> codes;
        size_t p = 0;
        while (p <= list.size()) {
          size_t c = list.find(',', p);
          std::string_view item = list.substr(p, c == std::string_view::npos ? std::string_view::npos : c - p);
          while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
          while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
          if (item.size() != 3 || !allDigits(item) || item[0] < '2')
            return err("bad area code " + shown(item) + " in header");
          codes.push_back(toInt(item));
          if (c == std::string_view::npos) break;
          p = c + 1;
        }
        if (!expected.empty()) {
          for (int c : codes)
            if (std::find(expected.begin(), expected.end(), c) == expected.end())
              return err("header area code " + std::to_string(c) + " is not one this file was expected to hold");
        }
        out.area_codes = codes;
        allowed = codes;
      }
      continue;
    }
    in_header = false;
    // Records.
    size_t want = kind == DncFileKind::kFull ? 11 : 13;
    if (kind == DncFileKind::kFull && line.size() != 11)
      return err("wrong line length " + std::to_string(line.size()) + " (expected 11: NPA,NXXXXXX) in " + shown(line));
    if (kind == DncFileKind::kChange && line.size() < want)
      return err("record too short (expected NPA,NXXXXXX,A|D) in " + shown(line));
    if (line[3] != ',') return err("expected ',' after the area code in " + shown(line));
    std::string_view npa = line.substr(0, 3), num = line.substr(4, 7);
    if (!allDigits(npa) || !allDigits(num)) return err("non-digit in number " + shown(line));
    if (npa[0] < '2' || num[0] < '2') return err("not a valid NANP number (NPA and NXX start with 2-9): " + shown(line));
    int npa_v = toInt(npa);
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), npa_v) == allowed.end())
      return err("area code " + std::to_string(npa_v) + " does not belong in this file");
    bool add = true;
    if (kind == DncFileKind::kChange) {
      if (line[11] != ',') return err("expected ',' before the action in " + shown(line));
      std::string_view rest = line.substr(12);
      size_t c = rest.find(',');
      std::string_view action = rest.substr(0, c);
      if (action == "A" || action == "ADD" || action == "a" || action == "add") {
        add = true;
      } else if (action == "D" || action == "DELETE" || action == "DEL" || action == "d" || action == "delete") {
        add = false;
      } else {
        return err("unknown change action " + shown(action) + " (expected A or D)");
      }
      if (c != std::string_view::npos) {
        std::string_view date = rest.substr(c + 1);
        if (date.size() != 10 || date[4] != '-' || date[7] != '-' || !allDigits(date.substr(0, 4)) ||
            !allDigits(date.substr(5, 2)) || !allDigits(date.substr(8, 2)))
          return err("bad date " + shown(date) + " (expected YYYY-MM-DD)");
      }
    } else if (line.size() != 11) {
      return err("wrong line length");
    }
    if (last_unterminated && kind == DncFileKind::kFull && line.size() != 11)
      return err("truncated last record");
    out.ops.push_back({static_cast<uint64_t>(npa_v) * 10'000'000ULL + static_cast<uint64_t>(toInt(num)), add});
    ++out.records;
  }
  if (out.records == 0) return err("no records");
  return out;
}

Result<DncFile> parseTpsFile(std::string_view text, std::string_view source) {
  DncFile out;
  uint64_t lineno = 0;
  size_t pos = 0;
  auto err = [&](const std::string& what) {
    std::string at = std::string(source) + ":" + std::to_string(lineno);
    return Status::invalidArgument(at + ": " + what, at);
  };
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      if (pos >= text.size()) break;
      return err("empty line inside the file");
    }
    if (line[0] == '#') continue;
    std::string_view d = line;
    if (d.substr(0, 3) == "+44") d.remove_prefix(3);
    else if (d[0] == '0') d.remove_prefix(1);
    if (!allDigits(d)) return err("non-digit in number " + shown(line));
    if (d.size() < 9 || d.size() > 10 || d[0] == '0') return err("not a UK national number " + shown(line));
    uint64_t k = 0;
    for (char c : d) k = k * 10 + static_cast<uint64_t>(c - '0');
    out.ops.push_back({k, true});
    ++out.records;
  }
  if (out.records == 0) return err("no records");
  return out;
}

std::vector<uint64_t> applyDncOps(const std::vector<uint64_t>& current, const std::vector<DncOp>& ops) {
  // Last operation per number wins (a delete then a re-add leaves it listed).
  std::unordered_map<uint64_t, bool> last;
  last.reserve(ops.size());
  for (const auto& op : ops) last[op.key] = op.add;
  std::vector<uint64_t> adds, dels;
  for (const auto& [k, add] : last) (add ? adds : dels).push_back(k);
  std::sort(adds.begin(), adds.end());
  std::sort(dels.begin(), dels.end());
  std::vector<uint64_t> merged;
  merged.reserve(current.size() + adds.size());
  std::set_union(current.begin(), current.end(), adds.begin(), adds.end(), std::back_inserter(merged));
  std::vector<uint64_t> out;
  out.reserve(merged.size());
  std::set_difference(merged.begin(), merged.end(), dels.begin(), dels.end(), std::back_inserter(out));
  return out;
}

}  // namespace clearline::core::policy
