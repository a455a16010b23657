#include "api/metrics.h"

#include <fmt/format.h>

namespace clearline::api {

namespace {
std::vector<double> latencyBounds() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
}
std::string esc(const std::string& v) {
  std::string o;
  for (char c : v) {
    if (c == '\\' || c == '"') o.push_back('\\');
    if (c == '\n') { o += "\\n"; continue; }
    o.push_back(c);
  }
  return o;
}
std::string fmtNum(double v) { return fmt::format("{}", v); }
}  // namespace

void Histogram::observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  ++counts_[i];
  ++count_;
  sum_ += v;
}

void Histogram::render(std::string& out, const std::string& name, const std::string& labels) const {
  uint64_t cum = 0;
  std::string sep = labels.empty() ? "" : ",";
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cum += counts_[i];
    out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, fmtNum(bounds_[i]), cum);
  }
  cum += counts_.back();
  out += fmt::format("{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep, cum);
  std::string l = labels.empty() ? "" : "{" + labels + "}";
  out += fmt::format("{}_sum{} {}\n{}_count{} {}\n", name, l, fmtNum(sum_), name, l, count_);
}

double Histogram::quantile(double q) const {
  if (count_ == 0) return 0;
  uint64_t want = static_cast<uint64_t>(q * static_cast<double>(count_));
  uint64_t cum = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cum += counts_[i];
    if (cum > want) return bounds_[i];
  }
  return bounds_.back();
}

Metrics::Metrics() : loop_latency_(latencyBounds()) {}

void Metrics::observeLoopLatency(double s) {
  std::lock_guard<std::mutex> l(mu_);
  loop_latency_.observe(s);
}

double Metrics::loopLatencyQuantile(double q) const {
  std::lock_guard<std::mutex> l(mu_);
  return loop_latency_.quantile(q);
}

void Metrics::observeStoreLatency(const std::string& op, double s) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = store_latency_.find(op);
  if (it == store_latency_.end()) it = store_latency_.emplace(op, Histogram(latencyBounds())).first;
  it->second.observe(s);
}

void Metrics::countRequest(const std::string& route, int status) {
  std::lock_guard<std::mutex> l(mu_);
  ++requests_[{route, status}];
}

void Metrics::setWsConnections(int64_t n) {
  std::lock_guard<std::mutex> l(mu_);
  ws_connections_ = n;
}

void Metrics::countWsEvent() {
  std::lock_guard<std::mutex> l(mu_);
  ++ws_events_;
}

void Metrics::observe(const core::DomainEvent& ev) {
  if (ev.type != "campaign.metrics" || !ev.data.is_object()) return;
  std::lock_guard<std::mutex> l(mu_);
  auto& g = campaigns_[ev.campaign_id];
  auto readMap = [&](const char* key, std::map<std::string, double>& into) {
    auto it = ev.data.find(key);
    if (it == ev.data.end() || !it->is_object()) return;
    into.clear();
    for (auto& [k, v] : it->items())
      if (v.is_number()) into[k] = v.get<double>();
  };
  readMap("callers", g.callers);
  readMap("calls", g.calls);
  readMap("ledger", g.ledger);
  if (auto it = ev.data.find("dial_level"); it != ev.data.end() && it->is_number())
    g.dial_level = it->get<double>();
}

std::string Metrics::render() const {
  std::lock_guard<std::mutex> l(mu_);
  std::string out;
  out += "# HELP clearline_callers Callers by state, per campaign.\n# TYPE clearline_callers gauge\n";
  for (auto& [c, g] : campaigns_)
    for (auto& [s, v] : g.callers)
      out += fmt::format("clearline_callers{{campaign=\"{}\",state=\"{}\"}} {}\n", esc(c), esc(s), fmtNum(v));
  out += "# HELP clearline_calls Calls by state, per campaign.\n# TYPE clearline_calls gauge\n";
  for (auto& [c, g] : campaigns_)
    for (auto& [s, v] : g.calls)
      out += fmt::format("clearline_calls{{campaign=\"{}\",state=\"{}\"}} {}\n", esc(c), esc(s), fmtNum(v));
  out += "# HELP clearline_dial_level Lines dialed per free caller (pacer output).\n# TYPE clearline_dial_level gauge\n";
  for (auto& [c, g] : campaigns_)
    out += fmt::format("clearline_dial_level{{campaign=\"{}\"}} {}\n", esc(c), fmtNum(g.dial_level));
  out += "# HELP clearline_abandonment_ledger Abandonment ledger counts over rolling windows.\n"
         "# TYPE clearline_abandonment_ledger gauge\n";
  for (auto& [c, g] : campaigns_)
    for (auto& [k, v] : g.ledger) {
      auto us = k.rfind('_');
      std::string kind = us == std::string::npos ? k : k.substr(0, us);
      std::string window = us == std::string::npos ? "" : k.substr(us + 1);
      out += fmt::format("clearline_abandonment_ledger{{campaign=\"{}\",kind=\"{}\",window=\"{}\"}} {}\n",
                         esc(c), esc(kind), esc(window), fmtNum(v));
    }
  out += "# HELP clearline_loop_latency_seconds Delay between posting to the signalling loop and running.\n"
         "# TYPE clearline_loop_latency_seconds histogram\n";
  loop_latency_.render(out, "clearline_loop_latency_seconds", "");
  out += "# HELP clearline_store_latency_seconds Store operation latency.\n"
         "# TYPE clearline_store_latency_seconds histogram\n";
  for (auto& [op, h] : store_latency_)
    h.render(out, "clearline_store_latency_seconds", fmt::format("op=\"{}\"", esc(op)));
  out += "# HELP clearline_http_requests_total HTTP requests by route and status.\n"
         "# TYPE clearline_http_requests_total counter\n";
  for (auto& [k, v] : requests_)
    out += fmt::format("clearline_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", esc(k.first), k.second, v);
  out += "# HELP clearline_ws_connections Open WebSocket connections.\n# TYPE clearline_ws_connections gauge\n";
  out += fmt::format("clearline_ws_connections {}\n", ws_connections_);
  out += "# HELP clearline_ws_events_total Domain events published to WebSocket clients.\n"
         "# TYPE clearline_ws_events_total counter\n";
  out += fmt::format("clearline_ws_events_total {}\n", ws_events_);
  return out;
}

}  // namespace clearline::api
