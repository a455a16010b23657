// S8 – State hour windows (Mon–Fri, Saturday, Sunday), applied in each
// candidate state's zones (or a fixed zone, e.g. MS "8–20 CST"). [V: vendor
// charts, verify against statutes.] Cite: state statutes via compliance.md §2 S8
// (e.g. Fla. Stat. 501.616(6)(a); 15 O.S. §775C; Md. Com. Law §14-4501; RCW 19.158.040).
#include "core/policy/rules/rule.h"

namespace clearline::core::policy {
namespace {

class WeekPolicy final : public DayPolicy {
 public:
  DayWindow days[7];
  DayWindow window(int64_t, int weekday) const override { return days[weekday]; }
};

class S8 final : public Rule {
 public:
  Status configure(const Json& params) override {
    ParamReader r(params);
    Status st = parsePurposes(r.strings("purposes", {"all"}), purposes_);
    if (!st.isOk()) r.fail("purposes", st.message());
    const Json* states = r.raw("states");
    if (states && !states->is_array()) r.fail("states", "expected an array of tables");
    if (states && states->is_array()) {
      for (const auto& row : *states) {
        if (!row.is_object() || !row.contains("state") || !row["state"].is_string()) {
          r.fail("states", "each entry needs state = \"XX\"");
          break;
        }
        std::string code = row["state"].get<std::string>();
        int idx = stateIndex(code);
        if (idx < 0) {
          r.fail("states", "unknown state '" + code + "'");
          break;
        }
        Entry e;
        e.state = idx;
        auto win = [&](const char* key, DayWindow& out) {
          if (!row.contains(key)) return true;
          if (!row[key].is_string()) return false;
          auto w = parseDayWindow(row[key].get<std::string>());
          if (!w) return false;
          out = *w;
          return true;
        };
        DayWindow wk{0, 1440}, sat{0, 1440}, sun{0, 1440};
        bool ok = win("weekdays", wk);
        sat = wk;
        sun = wk;
        ok = ok && win("saturday", sat) && win("sunday", sun);
        for (auto it = row.begin(); it != row.end(); ++it) {
          if (it.key() != "state" && it.key() != "weekdays" && it.key() != "saturday" && it.key() != "sunday" &&
              it.key() != "zone" && it.key() != "note") {
            r.fail("states", code + ": unknown key '" + it.key() + "'");
          }
        }
        if (!ok) {
          r.fail("states", code + ": windows must be \"HH:MM-HH:MM\" or \"closed\"");
          break;
        }
        if (row.contains("zone")) {
          if (!row["zone"].is_string()) {
            r.fail("states", code + ": zone must be a string");
            break;
          }
          auto z = findZone(row["zone"].get<std::string>());
          if (!z.isOk()) {
            r.fail("states", code + ": " + z.status().message());
            break;
          }
          e.fixed_zone = *z;
        }
        e.policy = std::make_shared<WeekPolicy>();
        for (int d = 1; d <= 5; ++d) e.policy->days[d] = wk;
        e.policy->days[6] = sat;
        e.policy->days[0] = sun;
        entries_.push_back(std::move(e));
      }
    }
    return r.finish();
  }
  void evaluate(EvalContext& ctx, const RuleVersion& self) const override {
    if (!purposes_.has(ctx.attempt.purpose)) return;
    for (const auto& e : entries_) {
      if (!ctx.inState(e.state)) continue;
      if (e.fixed_zone.valid()) {
        ctx.windows.push_back(WindowConstraint{e.fixed_zone, e.policy.get(), &self, nullptr});
        continue;
      }
      for (ZoneRef z : ctx.state_zones[static_cast<size_t>(e.state)])
        ctx.windows.push_back(WindowConstraint{z, e.policy.get(), &self, nullptr});
    }
  }

 private:
  struct Entry {
    int state = -1;
    ZoneRef fixed_zone;
    std::shared_ptr<WeekPolicy> policy;
  };
  PurposeSet purposes_;
  std::vector<Entry> entries_;
};

}  // namespace
std::unique_ptr<Rule> makeS8() { return std::make_unique<S8>(); }
}  // namespace clearline::core::policy
