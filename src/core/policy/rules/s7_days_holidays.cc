// S7 – Days, holidays and emergencies: states that forbid calls on Sundays
// and/or state legal holidays (AL, LA, MS, RI, UT, PA per the charts), Nebraska's
// 13:00–21:00 limit for prerecorded messages on Sundays and holidays, and
// declared emergencies (Louisiana bans telemarketing during them). The holiday
// calendar and emergency declarations are data (update yearly / as declared).
// Cite: state statutes via compliance.md §2 S7 [V: vendor charts — verify];
// La. R.S. 45:844.31 (emergencies).
#include <algorithm>

#include "common/time_util.h"
#include "core/policy/rules/rule.h"

namespace clearline::core::policy {
namespace {

class CalendarPolicy final : public DayPolicy {
 public:
  bool no_sunday = false;
  bool no_holidays = false;
  std::optional<DayWindow> sunday_holiday_window;  // instead of closing
  std::vector<int64_t> holidays;                    // sorted local days
  DayWindow window(int64_t days, int weekday) const override {
    bool holiday = std::binary_search(holidays.begin(), holidays.end(), days);
    bool sunday = weekday == 0;
    if (sunday_holiday_window && (sunday || holiday)) return *sunday_holiday_window;
    if ((sunday && no_sunday) || (holiday && no_holidays)) return DayWindow{0, 0};
    return DayWindow{0, 24 * 60};
  }
};

class S7 final : public Rule {
 public:
  Status configure(const Json& params) override {
    ParamReader r(params);
    Status st = parsePurposes(r.strings("purposes", {"all"}), purposes_);
    if (!st.isOk()) r.fail("purposes", st.message());
    auto stateList = [&](const std::string& key) {
      std::vector<int> out;
      for (const auto& s : r.strings(key, {})) {
        int i = stateIndex(s);
        if (i < 0) r.fail(key, "unknown state '" + s + "'");
        out.push_back(i);
      }
      return out;
    };
    auto no_sunday = stateList("no_sunday");
    auto no_holidays = stateList("no_holidays");
    std::vector<std::pair<int, std::vector<int64_t>>> holidays;
    if (const Json* h = r.raw("holidays")) {
      if (!h->is_object()) {
        r.fail("holidays", "expected a table of STATE = [\"YYYY-MM-DD\", …]");
      } else {
        for (auto it = h->begin(); it != h->end(); ++it) {
          int i = stateIndex(it.key());
          if (i < 0 || !it->is_array()) {
            r.fail("holidays", "bad entry '" + it.key() + "'");
            continue;
          }
          std::vector<int64_t> days;
          for (const auto& d : *it) {
            auto t = d.is_string() ? parseDateUtc(d.get<std::string>()) : Result<TimePoint>(Status::invalidArgument("x"));
            if (!t.isOk()) {
              r.fail("holidays", it.key() + ": bad date " + d.dump());
              continue;
            }
            days.push_back(floorDiv(toEpochMillis(*t), 86'400'000));
          }
          std::sort(days.begin(), days.end());
          holidays.emplace_back(i, std::move(days));
        }
      }
    }
    std::vector<std::pair<int, DayWindow>> pre;
    if (const Json* p = r.raw("prerecorded_sunday_holiday")) {
      if (!p->is_object()) {
        r.fail("prerecorded_sunday_holiday", "expected a table of STATE = \"HH:MM-HH:MM\"");
      } else {
        for (auto it = p->begin(); it != p->end(); ++it) {
          int i = stateIndex(it.key());
          auto w = it->is_string() ? parseDayWindow(it->get<std::string>()) : std::nullopt;
          if (i < 0 || !w) {
            r.fail("prerecorded_sunday_holiday", "bad entry '" + it.key() + "'");
            continue;
          }
          pre.emplace_back(i, *w);
        }
      }
    }
    if (const Json* e = r.raw("emergencies")) {
      if (!e->is_array()) r.fail("emergencies", "expected an array of tables");
      else
        for (const auto& row : *e) {
          Emergency em;
          if (!row.is_object() || !row.contains("state") || !row.contains("from") || !row.contains("to") ||
              !row["state"].is_string() || !row["from"].is_string() || !row["to"].is_string()) {
            r.fail("emergencies", "each entry needs state, from, to (ISO 8601 with offset)");
            break;
          }
          em.state = stateIndex(row["state"].get<std::string>());
          auto f = parseIso(row["from"].get<std::string>());
          auto t = parseIso(row["to"].get<std::string>());
          if (em.state < 0 || !f.isOk() || !t.isOk()) {
            r.fail("emergencies", "bad entry " + row.dump());
            break;
          }
          em.from = *f;
          em.to = *t;
          Status ps = parsePurposes(row.contains("purposes") ? row["purposes"].get<std::vector<std::string>>()
                                                             : std::vector<std::string>{"commercial", "charitable_by_telemarketer"},
                                    em.purposes);
          if (!ps.isOk()) r.fail("emergencies", ps.message());
          emergencies_.push_back(em);
        }
    }
    RETURN_IF_ERROR(r.finish());
    for (int i = 0; i < 64; ++i) {
      bool ns = std::count(no_sunday.begin(), no_sunday.end(), i) > 0;
      bool nh = std::count(no_holidays.begin(), no_holidays.end(), i) > 0;
      auto h = std::find_if(holidays.begin(), holidays.end(), [&](const auto& x) { return x.first == i; });
      auto p = std::find_if(pre.begin(), pre.end(), [&](const auto& x) { return x.first == i; });
      if (!ns && !nh && p == pre.end()) continue;
      Entry en;
      en.state = i;
      en.live = std::make_shared<CalendarPolicy>();
      en.live->no_sunday = ns;
      en.live->no_holidays = nh;
      if (h != holidays.end()) en.live->holidays = h->second;
      en.recorded = std::make_shared<CalendarPolicy>(*en.live);
      if (p != pre.end()) en.recorded->sunday_holiday_window = p->second;
      entries_.push_back(std::move(en));
    }
    return Status::ok();
  }
  void evaluate(EvalContext& ctx, const RuleVersion& self) const override {
    for (const auto& em : emergencies_) {
      if (ctx.inState(em.state) && em.purposes.has(ctx.attempt.purpose) && ctx.now >= em.from && ctx.now < em.to)
        ctx.deny(&self, std::string("a state of emergency is declared in ") + std::string(stateCode(em.state)) +
                            " until " + formatIsoUtc(em.to) + ": no such calls");
    }
    if (!purposes_.has(ctx.attempt.purpose)) return;
    for (const auto& e : entries_) {
      if (!ctx.inState(e.state)) continue;
      const CalendarPolicy* p = ctx.attempt.prerecorded ? e.recorded.get() : e.live.get();
      for (ZoneRef z : ctx.state_zones[static_cast<size_t>(e.state)])
        ctx.windows.push_back(WindowConstraint{z, p, &self, nullptr});
    }
  }

 private:
  struct Entry {
    int state = -1;
    std::shared_ptr<CalendarPolicy> live, recorded;
  };
  struct Emergency {
    int state = -1;
    TimePoint from, to;
    PurposeSet purposes;
  };
  PurposeSet purposes_;
  std::vector<Entry> entries_;
  std::vector<Emergency> emergencies_;
};

}  // namespace
std::unique_ptr<Rule> makeS7() { return std::make_unique<S7>(); }
}  // namespace clearline::core::policy
