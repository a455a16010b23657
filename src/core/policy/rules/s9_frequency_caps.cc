// S9 – Frequency caps and rule resolution: ≤3 calls per 24 h to a person on
// the same subject in FL, OK and MD (counted across campaigns by subject_key);
// [P] ≤3 attempts per number per 24 h nationwide by the campaign; the
// campaign's recycle delays by disposition and its attempts per contact.
// Over a cap the attempt is deferred until the oldest counted call leaves the
// window. Cite: Fla. Stat. 501.616(6)(b); 15 O.S. §775C.4; Md. Com. Law
// §14-4503; compliance.md §2 S9 [P].
#include <algorithm>

#include "core/policy/engine.h"
#include "core/policy/rules/rule.h"

namespace clearline::core::policy {
namespace {
class S9 final : public Rule {
 public:
  Status configure(const Json& params) override {
    ParamReader r(params);
    Status st = parsePurposes(r.strings("purposes", {"all"}), purposes_);
    if (!st.isOk()) r.fail("purposes", st.message());
    window_h_ = r.integer("window_hours", 24);
    if (window_h_ < 1 || window_h_ > 24 * 31) r.fail("window_hours", "must be 1–744");
    default_max_ = r.integer("default_max_per_number", 3);
    if (default_max_ < 1) r.fail("default_max_per_number", "must be ≥ 1");
    recycle_ = r.boolean("campaign_recycle_rules", true);
    if (const Json* s = r.raw("subject_caps")) {
      if (!s->is_object()) r.fail("subject_caps", "expected a table STATE = N");
      else
        for (auto it = s->begin(); it != s->end(); ++it) {
          int i = stateIndex(it.key());
          if (i < 0 || !it->is_number_integer() || it->get<int>() < 1) {
            r.fail("subject_caps", "bad entry '" + it.key() + "'");
            continue;
          }
          subject_caps_.emplace_back(i, it->get<int>());
        }
    }
    return r.finish();
  }
  void evaluate(EvalContext& ctx, const RuleVersion& self) const override {
    if (!purposes_.has(ctx.attempt.purpose)) return;
    const auto& h = ctx.data.history.forNumber(ctx.number.key);
    if (h.empty()) return;
    const Millis win = std::chrono::hours(window_h_);
    CampaignId camp = ctx.attempt.campaign_id.valid() ? ctx.attempt.campaign_id : ctx.campaign.id;
    const std::string& subject = !ctx.attempt.subject_key.empty() ? ctx.attempt.subject_key : ctx.campaign.subject_key;
    // Per-subject caps (FL/OK/MD): the strictest cap among candidate states.
    int subj_cap = 0;
    for (const auto& [st, cap] : subject_caps_)
      if (ctx.inState(st) && (subj_cap == 0 || cap < subj_cap)) subj_cap = cap;
    auto capCheck = [&](int cap, auto pred, const char* what) {
      std::vector<TimePoint> in;  // calls in (now − win, now]
      for (const auto& e : h)
        if (e.at > ctx.now - win && e.at <= ctx.now && pred(e)) in.push_back(e.at);
      if (static_cast<int>(in.size()) < cap) return;
      // Allowed again when only cap−1 of them remain in the window.
      TimePoint t = in[in.size() - static_cast<size_t>(cap)] + win;  // window is (now − win, now]
      ctx.notBefore(&self, t,
                    std::to_string(in.size()) + " calls " + what + " in the last " + std::to_string(window_h_) +
                        " h (cap " + std::to_string(cap) + ")");
    };
    if (subj_cap > 0 && !subject.empty())
      capCheck(subj_cap, [&](const HistoryEntry& e) { return e.subject_key == subject; }, "on the same subject");
    capCheck(default_max_, [&](const HistoryEntry& e) { return !camp.valid() || e.campaign == camp; },
             "to this number by the campaign");
    if (!recycle_ || !camp.valid()) return;
    // Recycle delay after the campaign's last dial of this number.
    const HistoryEntry* last = nullptr;
    int attempts = 0;
    for (const auto& e : h)
      if (e.campaign == camp && e.at <= ctx.now) {
        last = &e;
        ++attempts;
      }
    if (!last) return;
    if (ctx.campaign.max_attempts_per_contact > 0 && attempts >= ctx.campaign.max_attempts_per_contact) {
      ctx.deny(&self, "the campaign's " + std::to_string(ctx.campaign.max_attempts_per_contact) +
                          " attempts to this number are used up");
      return;
    }
    for (const auto& rr : ctx.campaign.recycle_rules) {
      if (rr.disposition != last->disposition) continue;
      int n = 0;
      for (const auto& e : h)
        if (e.campaign == camp && e.disposition == rr.disposition) ++n;
      if (rr.max_attempts > 0 && n >= rr.max_attempts) {
        ctx.deny(&self, "recycle rule '" + rr.disposition + "': " + std::to_string(rr.max_attempts) + " attempts used");
        return;
      }
      ctx.notBefore(&self, last->at + std::chrono::minutes(rr.delay_minutes),
                    "recycle delay after '" + rr.disposition + "' (" + std::to_string(rr.delay_minutes) + " min)");
    }
  }

 private:
  PurposeSet purposes_;
  int window_h_ = 24;
  int default_max_ = 3;
  bool recycle_ = true;
  std::vector<std::pair<int, int>> subject_caps_;
};
}  // namespace
std::unique_ptr<Rule> makeS9() { return std::make_unique<S9>(); }
}  // namespace clearline::core::policy
