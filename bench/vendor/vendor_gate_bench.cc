// Routing-time vendor gate checks per second (issue 4 "Speed"): a chain of
// depth 3 (campaign → prime → sub → sub-sub) with N callers (default 10,000)
// spread over 20 tier-3 sites. Measures, on one thread:
//   - cold evaluation (evaluateGates, no cache) per second;
//   - cached routing checks (VendorCallerGate::routingDecision) per second,
//     round-robin over all callers so every check is a different caller;
//   - the same through the CallerGate port (checkRouting: the path the runtime
//     uses; returns the cached shared decision, a GateDecisionPtr);
//   - re-filling the cache after a registry change (setRegistry).
// Every decision is checked to be "allowed" (a bench that measures refusals
// would measure the wrong path). Prints a Markdown table (--out FILE or -).
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/time_util.h"
#include "core/vendor/gates.h"
#include "core/vendor/registry.h"
#include "core/vendor/vendor_gate.h"

using namespace clearline;
using namespace clearline::core::vendor;
using Clock_ = std::chrono::steady_clock;

namespace {

void add(Registry& reg, RecordKind kind, Json doc) {
  RecordVersion v;
  v.kind = kind;
  auto id = documentId(kind, doc);
  if (!id.isOk()) {
    std::cerr << id.status().toString() << "\n";
    std::exit(1);
  }
  v.id = *id;
  v.valid_from = *parseIso("2026-01-01T00:00:00Z");
  v.data = std::move(doc);
  v.record_hash = computeRecordHash(v);
  Status st = reg.add(v);
  if (!st.isOk()) {
    std::cerr << st.toString() << "\n";
    std::exit(1);
  }
}

Json vetting(const std::string& id, const std::string& kind, const std::string& subject) {
  return Json{{"id", id}, {"subject_kind", kind}, {"subject_id", subject}, {"worker_categories", {"employee"}},
              {"incarcerated_workers_present", false}, {"wage_floor_hourly_gross", 18.0}, {"currency", "USD"},
              {"wage_paid_to", "worker"}, {"hours_normal_max", 40}, {"overtime_max", 8}, {"days_off_per_7", 2},
              {"participation_voluntary", true}, {"free_to_resign", true}, {"id_documents_retained", false},
              {"recruitment_fees_charged", false}, {"verification_methods", {"document_review"}},
              {"evidence_docs", {{{"doc_type", "payroll"}, {"sha256", std::string(64, 'a')}}}},
              {"attestation_signer", {{"name", "S"}}}, {"attested_at", "2026-01-02"},
              {"reviewer", {{"name", "R"}}}, {"reviewed_at", "2026-01-03"}, {"risk_rating", "low"},
              {"status", "approved"}, {"expires_at", "2026-12-31"}};
}

std::shared_ptr<Registry> buildChain(int callers, int sites) {
  auto reg = std::make_shared<Registry>();
  const char* ents[] = {"prime", "sub", "subsub"};
  for (auto* e : ents) {
    add(*reg, RecordKind::kEntity,
        Json{{"id", e}, {"legal_name", std::string(e) + " Inc"}, {"entity_type", "corporation"},
             {"jurisdiction_of_formation", "US-DE"}, {"registration_number", "1"},
             {"registered_address", {{"city", "Dover"}, {"state", "DE"}, {"country", "US"}}}});
    add(*reg, RecordKind::kVetting, vetting(std::string("vet-") + e, "entity", e));
    add(*reg, RecordKind::kSanctions, Json{{"id", std::string("scr-") + e}, {"entity_id", e},
                                           {"checked_at", "2026-06-20"}, {"result", "clear"}, {"lists", {"OFAC SDN"}}});
  }
  Json consent{{"consented_by", "C"}, {"date", "2026-01-05"}, {"doc_sha256", std::string(64, 'c')}};
  auto eng = [&](const char* id, const char* parent, const char* principal, const char* agent) {
    Json j{{"id", id}, {"agent_entity_id", agent}, {"contract_ref", id}, {"contract_doc_sha256", std::string(64, 'b')},
           {"effective_from", "2026-01-01"}, {"effective_to", "2026-12-31"}, {"subcontracting_allowed", true}};
    if (parent) {
      j["parent_engagement_id"] = parent;
      j["principal_entity_id"] = principal;
      j["campaign_consent"] = consent;
    } else {
      j["campaign_id"] = 1;
    }
    add(*reg, RecordKind::kEngagement, j);
  };
  eng("e1", nullptr, nullptr, "prime");
  eng("e2", "e1", "prime", "sub");
  eng("e3", "e2", "sub", "subsub");
  add(*reg, RecordKind::kPolicy,
      Json{{"campaign_id", 1}, {"max_subcontract_depth", 3}, {"state_min_wage", {{"NJ", 15.13}}},
           {"decisions", {{{"field", "max_subcontract_depth"}, {"decided_by", "C"}, {"reason", "bench"},
                           {"decided_at", "2026-01-01"}}}}});
  for (int s = 0; s < sites; ++s) {
    std::string sid = "site-" + std::to_string(s);
    add(*reg, RecordKind::kSite,
        Json{{"id", sid}, {"name", "Site " + std::to_string(s)}, {"operator_entity_id", "subsub"},
             {"site_type", "bpo_center"}, {"address", {{"city", "Newark"}, {"state", "NJ"}, {"country", "US"}}},
             {"timezone", "America/New_York"}, {"network_identifiers", {"10." + std::to_string(s) + ".0.0/16"}}});
    add(*reg, RecordKind::kVetting, vetting("vet-" + sid, "site", sid));
  }
  for (int c = 0; c < callers; ++c)
    add(*reg, RecordKind::kCaller, Json{{"ref", "caller-" + std::to_string(c)}, {"site_id", "site-" + std::to_string(c % sites)},
                                        {"engagement_id", "e3"}, {"worker_category", "employee"}});
  return reg;
}

// Thread CPU time: the machine is shared, so wall time would measure the neighbours.
struct Stamp {
  Clock_::time_point wall;
  double cpu;
};
double cpuNow() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}
Stamp stamp() { return {Clock_::now(), cpuNow()}; }
double secondsSince(const Stamp& t0) { return cpuNow() - t0.cpu; }
double wallSince(const Stamp& t0) { return std::chrono::duration<double>(Clock_::now() - t0.wall).count(); }

}  // namespace

int main(int argc, char** argv) {
  int callers = 10000;
  int64_t checks = 20000000;
  std::string out = "-";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--callers")) callers = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--checks")) checks = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--out")) out = argv[i + 1];
  }
  const int sites = 20;
  auto reg = buildChain(callers, sites);
  if (!reg->validateStructure().isOk()) {
    std::cerr << reg->validateStructure().toString() << "\n";
    return 1;
  }
  std::vector<std::string> refs;
  for (int c = 0; c < callers; ++c) refs.push_back("caller-" + std::to_string(c));
  const TimePoint now = *parseIso("2026-07-01T15:00:00Z");
  const CampaignId camp(1);

  // Cold evaluation.
  int64_t cold_n = std::min<int64_t>(callers, 20000);
  auto t0 = stamp();
  for (int64_t i = 0; i < cold_n; ++i) {
    auto ev = evaluateGates(*reg, camp, refs[i % callers], now);
    if (!ev.decision.allowed) {
      std::cerr << "unexpected refusal: " << ev.decision.reason << "\n";
      return 1;
    }
    if (ev.decision.engagement_path.size() != 3) {
      std::cerr << "expected a depth-3 path\n";
      return 1;
    }
  }
  double cold_s = secondsSince(t0);

  VendorCallerGate gate(reg);
  // Warm the cache (also measures a full refill).
  t0 = stamp();
  for (auto& r : refs)
    if (!gate.routingDecision(camp, r, now).allowed) return 1;
  double fill_s = secondsSince(t0);

  // Cached routing checks, round-robin over every caller, clock advancing 1 ms per check.
  int64_t allowed = 0;
  t0 = stamp();
  for (int64_t i = 0; i < checks; ++i) {
    const core::GateDecision& d = gate.routingDecision(camp, refs[i % callers], now + Millis(i / callers));
    allowed += d.allowed;
  }
  double hot_s = secondsSince(t0);
  double hot_wall = wallSince(t0);
  // The hot path the runtime uses: a handle per caller taken at login.
  std::vector<VendorCallerGate::Entry*> handles;
  for (auto& r : refs) handles.push_back(gate.handle(camp, r));
  int64_t h_allowed = 0;
  t0 = stamp();
  for (int64_t i = 0; i < checks; ++i)
    h_allowed += gate.routingDecision(handles[i % callers], now + Millis(i / callers)).allowed;
  double handle_s = secondsSince(t0);
  double handle_wall = wallSince(t0);
  if (h_allowed != checks) return 1;
  if (allowed != checks) {
    std::cerr << "cached path refused " << (checks - allowed) << " checks\n";
    return 1;
  }
  // Through the port, as CampaignRuntime::tryRoute calls it (a shared decision, no copy).
  int64_t port_n = std::max<int64_t>(checks / 10, 1);
  int64_t p_allowed = 0;
  core::CallerGate& port = gate;
  t0 = stamp();
  for (int64_t i = 0; i < port_n; ++i) {
    core::GateDecisionPtr d = port.checkRouting(camp, refs[i % callers], now + Millis(i / callers));
    p_allowed += d->allowed;
  }
  double port_s = secondsSince(t0);
  double port_wall = wallSince(t0);
  if (p_allowed != port_n) {
    std::cerr << "port path refused " << (port_n - p_allowed) << " checks\n";
    return 1;
  }

  // A change in the chain: new registry → every entry recomputed on next use.
  gate.setRegistry(reg);
  t0 = stamp();
  for (auto& r : refs)
    if (!gate.routingDecision(camp, r, now).allowed) return 1;
  double refill_s = secondsSince(t0);
  auto st = gate.stats();

  std::ostringstream md;
  char buf[512];
  md << "| measurement (one thread, thread CPU time; chain depth 3, " << callers << " callers, " << sites << " sites) | value |\n|---|---|\n";
  std::snprintf(buf, sizeof buf, "| cold gate evaluation (evaluateGates, no cache) | %.0f checks/s (%.1f µs each) |\n",
                cold_n / cold_s, cold_s / cold_n * 1e6);
  md << buf;
  std::snprintf(buf, sizeof buf, "| **cached routing check** (routingDecision, round-robin over all callers) | **%.2f M checks/s** (%.0f ns each, %lld checks; wall %.2f M/s) |\n",
                checks / hot_s / 1e6, hot_s / checks * 1e9, static_cast<long long>(checks), checks / hot_wall / 1e6);
  md << buf;
  std::snprintf(buf, sizeof buf, "| **cached routing check by handle** (routingDecision(handle); VendorCallerGate only, not reachable through the port) | **%.1f M checks/s** (%.1f ns each; wall %.1f M/s) |\n",
                checks / handle_s / 1e6, handle_s / checks * 1e9, checks / handle_wall / 1e6);
  md << buf;
  std::snprintf(buf, sizeof buf, "| **cached routing check through the CallerGate port** (checkRouting → shared GateDecisionPtr; the runtime's path) | **%.2f M checks/s** (%.0f ns each, %lld checks; wall %.2f M/s) |\n",
                port_n / port_s / 1e6, port_s / port_n * 1e9, static_cast<long long>(port_n), port_n / port_wall / 1e6);
  md << buf;
  std::snprintf(buf, sizeof buf, "| cache fill, all callers (first routing) | %.1f ms |\n", fill_s * 1e3);
  md << buf;
  std::snprintf(buf, sizeof buf, "| cache refill after a chain change (setRegistry) | %.1f ms |\n", refill_s * 1e3);
  md << buf;
  std::snprintf(buf, sizeof buf, "| cache hits / misses | %llu / %llu |\n", static_cast<unsigned long long>(st.hits),
                static_cast<unsigned long long>(st.misses));
  md << buf;
  if (out == "-") {
    std::cout << md.str();
  } else {
    std::ofstream f(out);
    f << md.str();
  }
  return 0;
}
