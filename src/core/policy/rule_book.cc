#include "core/policy/rule_book.h"

#include <algorithm>
#include <tuple>

#include "common/sha256.h"
#include "common/time_util.h"
#include "core/policy/rules/rule.h"

namespace clearline::core::policy {

const std::vector<KnownRule>& knownRules() {
  static const std::vector<KnownRule> k = [] {
    std::vector<KnownRule> v;
    for (const auto& r : ruleRegistry()) v.push_back(KnownRule{r.id, r.title, r.factory != nullptr});
    return v;
  }();
  return k;
}

bool isKnownRuleId(std::string_view id) { return findRule(id) != nullptr; }

void sealRuleVersion(RuleVersion& r) {
  Json row{{"id", r.id},
           {"version", r.version},
           {"jurisdiction", r.jurisdiction},
           {"effective_from", formatIsoUtc(r.effective_from)},
           {"citation", r.citation},
           {"params", r.params}};
  r.content_hash = sha256Hex(canonicalJson(row));
  r.ref = r.id + "@" + std::to_string(r.version) + "#" + r.content_hash.substr(0, 8);
}

Result<std::shared_ptr<const RuleBook>> RuleBook::build(std::vector<RuleVersion> rows) {
  auto book = std::make_shared<RuleBook>();
  std::string all;
  for (auto& r : rows) {
    const RuleRegistration* reg = findRule(r.id);
    if (!reg) {
      return Status::invalidArgument(r.source + ": unknown rule id '" + r.id + "'", r.source);
    }
    if (r.jurisdiction != "US" && r.jurisdiction != "UK" && r.jurisdiction.rfind("US-", 0) != 0)
      return Status::invalidArgument(r.source + ": unknown jurisdiction '" + r.jurisdiction +
                                         "' (expected US, US-XX or UK)",
                                     r.source);
    if (r.version < 1) return Status::invalidArgument(r.source + ": version must be ≥ 1", r.source);
    if (r.citation.empty()) return Status::invalidArgument(r.source + ": citation is required", r.source);
    if (reg->factory) {
      auto rule = reg->factory();
      Status st = rule->configure(r.params);
      if (!st.isOk()) {
        return Status::invalidArgument(r.source + ": rule " + r.id + ": " + st.message(),
                                       st.field().empty() ? r.source : st.field());
      }
    } else if (!r.params.empty()) {
      return Status::invalidArgument(r.source + ": rule " + r.id + " takes no parameters (not a dial-time rule)",
                                     r.source);
    }
    sealRuleVersion(r);
  }
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t j = i + 1; j < rows.size(); ++j)
      if (rows[i].id == rows[j].id && rows[i].jurisdiction == rows[j].jurisdiction &&
          rows[i].version == rows[j].version)
        return Status::invalidArgument(rows[j].source + ": duplicate " + rows[j].id + " version " +
                                           std::to_string(rows[j].version) + " (first at " + rows[i].source + ")",
                                       rows[j].source);
  for (const auto& r : rows) all += r.content_hash;
  book->rows_ = std::move(rows);
  book->hash_ = sha256Hex(all);
  return std::shared_ptr<const RuleBook>(std::move(book));
}

const RuleVersion* RuleBook::inForce(std::string_view id, std::string_view jurisdiction, TimePoint now) const {
  const RuleVersion* best = nullptr;
  for (const auto& r : rows_) {
    if (r.id != id || r.jurisdiction != jurisdiction || r.effective_from > now) continue;
    if (!best || std::tie(r.effective_from, r.version) > std::tie(best->effective_from, best->version)) best = &r;
  }
  return best;
}

}  // namespace clearline::core::policy
