// Fuzz target: the National DNC Registry flat-file parsers (full, change, TPS).
// Invariants: never crash; a successful parse yields records whose keys are
// 10-digit NANP numbers (or UK national numbers), and applying them keeps the
// set sorted and unique.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/policy/dnc_file.h"

namespace cp = clearline::core::policy;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto kind : {cp::DncFileKind::kFull, cp::DncFileKind::kChange}) {
    auto r = cp::parseDncFile(text, "fuzz", kind, {202});
    if (!r.isOk()) continue;
    for (const auto& op : r->ops)
      if (op.key < 2'000'000'000ULL || op.key >= 10'000'000'000ULL) __builtin_trap();
    auto set = cp::applyDncOps({}, r->ops);
    for (size_t i = 1; i < set.size(); ++i)
      if (set[i] <= set[i - 1]) __builtin_trap();
  }
  auto t = cp::parseTpsFile(text, "fuzz");
  if (t.isOk())
    for (const auto& op : t->ops)
      if (op.key >= 10'000'000'000ULL) __builtin_trap();
  return 0;
}
