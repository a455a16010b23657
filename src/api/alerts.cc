#include "api/alerts.h"

#include <cstdio>

namespace clearline::api {

namespace {

core::DomainEvent alert(const core::DomainEvent& from, const std::string& kind, const std::string& severity,
                        const std::string& message, Json facts) {
  core::DomainEvent a;
  a.type = "alert";
  a.campaign_id = from.campaign_id;
  a.at = from.at;
  facts["kind"] = kind;
  facts["severity"] = severity;
  facts["message"] = message;
  a.data = std::move(facts);
  return a;
}

int64_t intOr(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

std::string stringOr(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s + " %";
}

}  // namespace

void AlertRules::setOptions(AlertOptions opt) {
  std::lock_guard<std::mutex> l(mu_);
  opt_ = opt;
}

std::vector<core::DomainEvent> AlertRules::observe(const core::DomainEvent& ev) {
  std::vector<core::DomainEvent> out;
  if (ev.type == "campaign.metrics") {
    auto it = ev.data.find("ledger");
    if (it == ev.data.end() || !it->is_object()) return out;
    const Json& ledger = *it;
    std::lock_guard<std::mutex> l(mu_);
    for (const char* window : {"24h", "30d"}) {
      int64_t answered = intOr(ledger, (std::string("answered_") + window).c_str());
      int64_t abandoned = intOr(ledger, (std::string("abandoned_") + window).c_str());
      double rate = answered > 0 ? 100.0 * static_cast<double>(abandoned) / static_cast<double>(answered) : 0.0;
      bool high = answered >= opt_.min_answered && answered > 0 && rate >= opt_.abandon_pct;
      std::string key = ev.campaign_id + "|" + window;
      bool was = ledger_high_.count(key) ? ledger_high_[key] : false;
      ledger_high_[key] = high;
      if (high == was) continue;
      std::string span = std::string(window) == "24h" ? "24 hours" : "30 days";
      Json facts{{"window", window}, {"abandoned", abandoned}, {"answered", answered},
                 {"rate_pct", rate}, {"threshold_pct", opt_.abandon_pct}};
      if (high) {
        out.push_back(alert(ev, "ledger", "warning",
                            "Abandonment over " + span + " is " + pct(rate) + " (" + std::to_string(abandoned) + " of " +
                                std::to_string(answered) + " answered calls), at or above the alert threshold of " +
                                pct(opt_.abandon_pct),
                            facts));
      } else {
        out.push_back(alert(ev, "ledger", "info",
                            "Abandonment over " + span + " is back below " + pct(opt_.abandon_pct) + " (" + pct(rate) + ")",
                            facts));
      }
    }
  } else if (ev.type == "gate.refused") {
    std::string reason = stringOr(ev.data, "reason");
    std::string site = stringOr(ev.data, "site_id");
    std::string stage = stringOr(ev.data, "stage");
    std::string failed;
    if (auto g = ev.data.find("gates"); g != ev.data.end() && g->is_array()) {
      for (auto& x : *g) {
        if (!x.is_object() || x.value("passed", true)) continue;
        failed += (failed.empty() ? "" : ", ") + x.value("gate", std::string("?"));
      }
    }
    std::string msg = "Gate refused caller " + (ev.caller_ref.empty() ? std::string("?") : ev.caller_ref) +
                      (site.empty() ? "" : " at " + site) + (stage.empty() ? "" : " (" + stage + ")") + ": " +
                      (reason.empty() ? "refused" : reason) + (failed.empty() ? "" : " [failed: " + failed + "]");
    Json facts{{"caller_ref", ev.caller_ref}, {"reason", reason}};
    if (!site.empty()) facts["site_id"] = site;
    if (!stage.empty()) facts["stage"] = stage;
    if (!failed.empty()) facts["failed_gates"] = failed;
    out.push_back(alert(ev, "gate", "warning", msg, facts));
  } else if (ev.type == "trunk.state") {
    auto up_it = ev.data.find("up");
    if (up_it == ev.data.end() || !up_it->is_boolean()) return out;
    bool up = up_it->get<bool>();
    std::string trunk = stringOr(ev.data, "trunk");
    std::string reason = stringOr(ev.data, "reason");
    std::lock_guard<std::mutex> l(mu_);
    auto last = trunk_up_.find(trunk);
    bool known = last != trunk_up_.end();
    bool was_up = known ? last->second : true;
    trunk_up_[trunk] = up;
    std::string name = trunk.empty() ? "The SIP trunk" : "SIP trunk " + trunk;
    Json facts{{"up", up}, {"reason", reason}};
    if (!trunk.empty()) facts["trunk"] = trunk;
    if (!up && (was_up || !known))
      out.push_back(alert(ev, "trunk", "critical", name + " is down" + (reason.empty() ? "" : ": " + reason), facts));
    else if (up && known && !was_up)
      out.push_back(alert(ev, "trunk", "info", name + " is up again" + (reason.empty() ? "" : ": " + reason), facts));
  }
  return out;
}

}  // namespace clearline::api
