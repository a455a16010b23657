// Process metrics in the Prometheus text format (GET /metrics). Every name is
// prefixed clearline_. Live gauges (calls, callers, dial level, ledger) come
// from the "campaign.metrics" DomainEvents the runtime publishes (observe());
// histograms are fed by the daemon (loop latency probe) and the API (store
// latency, request counts).
//
// "campaign.metrics" event data this reads (all optional):
//   {"callers": {"ready": 3, "on_call": 2, …}, "calls": {"ringing": 1, …},
//    "dial_level": 1.4,
//    "ledger": {"answered_24h": n, "abandoned_24h": n, "answered_30d": n, "abandoned_30d": n}}
// Thread-safety: every method is safe from any thread (one mutex).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/ports/event_sink.h"

namespace clearline::api {

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)), counts_(bounds_.size() + 1) {}
  void observe(double v);
  // Appends the exposition lines for `name` (with optional labels "k=\"v\"").
  void render(std::string& out, const std::string& name, const std::string& labels) const;
  uint64_t count() const { return count_; }
  // Approximate quantile from the buckets (upper bound of the bucket), for bench output.
  double quantile(double q) const;

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  double sum_ = 0;
};

class Metrics {
 public:
  Metrics();
  void observeLoopLatency(double seconds);
  void observeStoreLatency(const std::string& op, double seconds);
  void countRequest(const std::string& route, int status);
  void setWsConnections(int64_t n);
  void countWsEvent();
  // Updates live gauges from a DomainEvent (only "campaign.metrics" matters).
  void observe(const core::DomainEvent& ev);
  std::string render() const;
  double loopLatencyQuantile(double q) const;

 private:
  mutable std::mutex mu_;
  Histogram loop_latency_;
  std::map<std::string, Histogram> store_latency_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  int64_t ws_connections_ = 0;
  uint64_t ws_events_ = 0;
  struct CampaignGauges {
    std::map<std::string, double> callers, calls, ledger;
    double dial_level = 0;
  };
  std::map<std::string, CampaignGauges> campaigns_;
};

}  // namespace clearline::api
