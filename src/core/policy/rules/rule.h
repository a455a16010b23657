// The rule interface of the policy chain. One rule a file in this folder, each
// naming its citation; rules/registry.cc lists them (id → factory). A rule is
// configured once from its RuleVersion's parameters (unknown or ill-typed
// parameters are errors naming the parameter), then evaluated per attempt: it
// adds findings (deny with an optional route_to_mode), a not-before instant
// (frequency caps), or calling-window constraints that the engine intersects.
// Pure; owner: policy.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "common/zone_time.h"
#include "core/campaign/campaign.h"
#include "core/policy/number.h"
#include "core/policy/rule_book.h"
#include "core/policy/us_geo.h"
#include "core/policy/windows.h"
#include "core/ports/dial_authorizer.h"

namespace clearline::core::policy {

struct PolicyData;

// What the engine knows about a campaign (a campaign record or a default profile).
struct CampaignProfile {
  CampaignId id;
  OrgId org;
  PurposeClass purpose = PurposeClass::kPolitical;
  std::string subject_key;
  std::vector<std::string> jurisdictions = {"US"};
  std::optional<Schedule> schedule;
  std::vector<RecycleRule> recycle_rules;
  int max_attempts_per_contact = 0;  // 0 = no limit from the campaign
  std::string safe_harbor_message;
  std::string callback_number;
  double abandon_target_pct = 3.0;
};

struct Finding {
  const RuleVersion* rule = nullptr;
  std::string reason;             // built text (empty when `fixed` is used)
  std::optional<DialMode> route;  // the mode that would be allowed instead
  bool also_r14 = false;          // the denial follows from a revoked consent
  // Text that outlives the decision (a literal or a string the rule built at
  // configure time): no per-decision string is built for it.
  std::string_view fixed;
  std::string_view text() const { return reason.empty() ? std::string_view(fixed) : std::string_view(reason); }
};

struct EvalContext {
  const DialAttempt& attempt;
  TimePoint now;
  const CampaignProfile& campaign;
  const PolicyData& data;
  PolicyNumber number;
  StateSet states = 0;                 // candidate locations
  bool uk = false;
  const std::vector<std::vector<ZoneRef>>& state_zones;
  const std::vector<ZoneRef>& zones;   // union of the candidate states' zones, deduplicated
  // Derived facts (R14/R16 adjust consent before the other rules run).
  ConsentType consent = ConsentType::kNone;
  bool consent_revoked = false;
  bool consent_void_rnd = false;
  bool autodialed = false;             // progressive / predictive (R15 [P]: treated as automated)
  bool telemarketing = false;          // commercial or charitable_by_telemarketer
  // Outputs.
  std::vector<Finding>& denials;
  std::vector<WindowConstraint>& windows;
  TimePoint not_before;                // frequency caps / recycle (monotone)
  std::vector<const RuleVersion*> not_before_rules;
  std::string not_before_reason;
  // The US registry's answer for this number, when the engine already looked it
  // up (authorizeMany does, for the whole batch at once): 1 = listed, 0 = not
  // listed, -1 = not looked up (R8 asks the index itself).
  int registry_hint = -1;

  bool inState(int idx) const { return idx >= 0 && (states >> idx) & 1; }
  void deny(const RuleVersion* r, std::string reason, std::optional<DialMode> route = std::nullopt) {
    denials.push_back(Finding{r, std::move(reason), route, false});
  }
  // A denial whose text outlives the decision (literal or configure-time string).
  void denyFixed(const RuleVersion* r, std::string_view text, std::optional<DialMode> route = std::nullopt,
                 bool also_r14 = false) {
    denials.push_back(Finding{r, {}, route, also_r14, text});
  }
  void notBefore(const RuleVersion* r, TimePoint t, std::string reason) {
    if (t <= now) return;
    if (t > not_before) {
      not_before = t;
      not_before_reason = std::move(reason);
    }
    not_before_rules.push_back(r);
  }
};

class Rule {
 public:
  virtual ~Rule() = default;
  // Phase 0 rules adjust derived facts (consent); phase 1 rules decide.
  virtual int phase() const { return 1; }
  virtual Status configure(const Json& params) = 0;
  virtual void evaluate(EvalContext& ctx, const RuleVersion& self) const = 0;
  // True if evaluate() looks the number up in the US national registry for this
  // purpose (the engine then starts that look-up's memory reads early).
  virtual bool readsUsRegistry(PurposeClass) const { return false; }
};

using RuleFactory = std::unique_ptr<Rule> (*)();
struct RuleRegistration {
  std::string_view id;
  std::string_view title;
  RuleFactory factory;  // nullptr: known (in the research's index) but not a dial-time rule
};
const std::vector<RuleRegistration>& ruleRegistry();
const RuleRegistration* findRule(std::string_view id);

// Reads a rule's parameters; every key must be consumed (unknown → error).
class ParamReader {
 public:
  explicit ParamReader(const Json& params);
  std::string str(const std::string& key, std::string def);
  double num(const std::string& key, double def);
  int integer(const std::string& key, int def);
  bool boolean(const std::string& key, bool def);
  std::vector<std::string> strings(const std::string& key, std::vector<std::string> def);
  // Raw access for structured values (arrays of tables …); marks the key used.
  const Json* raw(const std::string& key);
  void fail(const std::string& key, const std::string& why);
  // Ok, or InvalidArgument "parameter 'x': …" with field = the parameter name.
  Status finish();

 private:
  const Json& p_;
  std::vector<std::string> used_;
  Status st_;
};

// Purpose filters: names of PurposeClass or "all".
struct PurposeSet {
  uint32_t mask = 0xffffffff;
  bool has(PurposeClass p) const { return (mask >> static_cast<int>(p)) & 1; }
};
Status parsePurposes(const std::vector<std::string>& names, PurposeSet& out);

bool isAutodialed(DialMode m);
bool isTelemarketing(PurposeClass p);
int consentRank(ConsentType c);

}  // namespace clearline::core::policy
