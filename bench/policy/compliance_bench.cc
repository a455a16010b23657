// Compliance benchmarks (issue 3): decisions per second for a realistic
// campaign mix, and the DNC registry index (bytes per number, look-ups per
// second, build and load time) against the sorted uint64_t array baseline.
// Build with the release preset; run once:
//   build/release/bench/policy/compliance_bench [numbers] [all|decisions|single|batch|registry|dense]
// (registry = both registry tables, dense = only the registry-density table; decisions =
// authorize one at a time and authorizeMany, single / batch = only one of them).
// Prints Markdown tables (docs/bench/compliance.md).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <ctime>
#include <span>
#include <string>
#include <vector>

#include "common/time_util.h"
#include "core/policy/abandonment_ledger.h"
#include "core/policy/dnc_registry.h"
#include "core/policy/engine.h"
#include "policy_data/area_code_geocoder.h"
#include "policy_data/rules_loader.h"

using namespace clearline;
namespace cp = clearline::core::policy;
using SteadyClock = std::chrono::steady_clock;

static double secs(SteadyClock::time_point a, SteadyClock::time_point b) { return std::chrono::duration<double>(b - a).count(); }
// CPU seconds used by this process: on a shared machine, rate per CPU-second is the
// one-core figure; wall-clock rates are printed next to it.
static double cpuNow() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Prefixes of a "realistic" registry: `npas` area codes × 792 exchanges (NXX 200–999 without N11).
static std::vector<uint64_t> prefixes(int npas, std::mt19937_64& rng) {
  std::vector<int> all;
  for (int n = 201; n <= 989; ++n)
    if (n % 100 != 11 && (n / 10) % 10 != 9) all.push_back(n);  // skip N11 and N9X codes
  std::shuffle(all.begin(), all.end(), rng);
  all.resize(static_cast<size_t>(npas));
  std::sort(all.begin(), all.end());
  std::vector<uint64_t> p;
  for (int npa : all)
    for (int nxx = 200; nxx <= 999; ++nxx)
      if (nxx % 100 != 11) p.push_back(static_cast<uint64_t>(npa) * 1000 + static_cast<uint64_t>(nxx));
  return p;
}

static std::vector<uint64_t> generate(const std::vector<uint64_t>& pref, uint64_t target, std::mt19937_64& rng) {
  double density = static_cast<double>(target) / (static_cast<double>(pref.size()) * 10000.0);
  uint64_t threshold = static_cast<uint64_t>(density * 18446744073709551615.0);
  std::vector<uint64_t> keys;
  keys.reserve(target + target / 50);
  for (uint64_t p : pref)
    for (uint64_t l = 0; l < 10000; ++l)
      if (rng() < threshold) keys.push_back(p * 10000 + l);
  return keys;
}

static void registryBench(const char* label, int npas, uint64_t target) {
  std::mt19937_64 rng(42);
  auto pref = prefixes(npas, rng);
  auto t0 = SteadyClock::now();
  auto keys = generate(pref, target, rng);
  auto t1 = SteadyClock::now();
  auto ix = cp::RegistryIndex::build(keys);
  auto t2 = SteadyClock::now();
  if (!ix.isOk()) {
    std::printf("build failed: %s\n", ix.status().toString().c_str());
    return;
  }
  std::string bytes = ix->serialize();
  auto t3 = SteadyClock::now();
  auto back = cp::RegistryIndex::deserialize(bytes);
  auto t4 = SteadyClock::now();
  bytes.clear();
  bytes.shrink_to_fit();
  // Queries: half hits (random registered numbers), half random numbers in the same prefixes.
  const size_t Q = 20'000'000;
  std::vector<uint64_t> q(Q);
  for (size_t i = 0; i < Q; ++i)
    q[i] = (i & 1) ? keys[rng() % keys.size()] : pref[rng() % pref.size()] * 10000 + rng() % 10000;
  auto t5 = SteadyClock::now();
  double c5 = cpuNow();
  uint64_t hits_ix = 0;
  for (uint64_t k : q) hits_ix += back->contains(k);
  auto t6 = SteadyClock::now();
  double c6 = cpuNow();
  // Bulk scrub: the same queries through containsMany, 4096 at a time.
  std::vector<uint8_t> found(4096);
  uint64_t hits_many = 0;
  for (size_t i = 0; i < Q; i += found.size())
    hits_many += back->containsMany(std::span<const uint64_t>(q.data() + i, std::min(found.size(), Q - i)), found);
  auto t6b = SteadyClock::now();
  double c6b = cpuNow();
  uint64_t hits_arr = 0;
  for (uint64_t k : q) hits_arr += std::binary_search(keys.begin(), keys.end(), k);
  auto t7 = SteadyClock::now();
  double c7 = cpuNow();
  double n = static_cast<double>(keys.size());
  double ix_bpn = static_cast<double>(back->bytes()) / n;
  double fixed = static_cast<double>(back->fixedBytes());
  double block_bpn = (static_cast<double>(back->bytes()) - fixed) / n;
  // 250M at the same density: same per-number bytes, the fixed prefix bitmap amortised over 5× more numbers.
  double extrap = block_bpn + fixed / 250e6;
  auto rate = [&](double s) { return static_cast<double>(Q) / s / 1e6; };
  std::printf("\n### Registry index: %s\n\n", label);
  std::printf("numbers: %.1f M in %zu prefixes (density %.1f%%); generated in %.1f s\n\n", n / 1e6, pref.size(),
              100.0 * n / (static_cast<double>(pref.size()) * 1e4), secs(t0, t1));
  std::printf("look-ups: %zu random queries, half registered numbers, half random lines of the same prefixes; "
              "M/s per CPU-second (wall clock in brackets)\n\n", Q);
  std::printf("| structure | bytes/number | total MB | single look-ups/s (1 core) | bulk containsMany/s (1 core) | build s | load s |\n|---|---|---|---|---|---|---|\n");
  std::printf("| sorted uint64 array (baseline, binary search) | 8.00 | %.0f | %.1f M (%.1f M) | — | — | — |\n", n * 8 / 1e6,
              rate(c7 - c6b), rate(secs(t6b, t7)));
  std::printf("| Clearline index (prefix bitmap + bucketed Elias–Fano) | %.3f | %.0f | %.1f M (%.1f M) | %.1f M (%.1f M) | %.2f | %.2f |\n",
              ix_bpn, static_cast<double>(back->bytes()) / 1e6, rate(c6 - c5), rate(secs(t5, t6)), rate(c6b - c6),
              rate(secs(t6, t6b)), secs(t1, t2), secs(t3, t4));
  std::printf("| extrapolated to 250 M numbers at this density | %.3f | %.0f | (same per look-up) | (same) | ~%.1f | ~%.1f |\n",
              extrap, extrap * 250, secs(t1, t2) * 250e6 / n, secs(t3, t4) * 250e6 / n);
  std::printf("\n(hits agree: %s; serialise %.2f s)\n", hits_ix == hits_arr && hits_many == hits_arr ? "yes" : "NO",
              secs(t2, t3));
}

static void decisionBench(const std::string& mode) {
  cp::PolicyData data;
  auto book = policy_data::loadRuleBook(policy_data::shippedDataDir() + "/rules");
  if (!book.isOk()) {
    std::printf("rules: %s\n", book.status().toString().c_str());
    return;
  }
  data.rules = *book;
  data.npa = policy_data::AreaCodeGeocoder().buildNpaTable();
  cp::InMemoryAbandonmentLedger ledger;
  data.ledger = &ledger;
  TimePoint base = *parseIso("2026-12-01T09:00:00-05:00");
  // A fresh registry with 1M numbers in the dialed NPAs.
  std::mt19937_64 rng(9);
  std::vector<int> npas = {212, 305, 850, 208, 915, 415, 617, 312, 404, 713, 602, 206, 303, 405, 410, 317, 205, 402};
  std::vector<uint64_t> reg;
  for (int i = 0; i < 1'000'000; ++i)
    reg.push_back(static_cast<uint64_t>(npas[rng() % npas.size()]) * 10'000'000ULL + 2'000'000 + rng() % 8'000'000);
  std::sort(reg.begin(), reg.end());
  reg.erase(std::unique(reg.begin(), reg.end()), reg.end());
  auto snap = std::make_shared<cp::RegistrySnapshot>();
  snap->id = "bench";
  snap->full_loaded_at = snap->as_of = base - std::chrono::hours(48);
  snap->index = *cp::RegistryIndex::build(reg);
  data.us_registry = snap;
  for (int i = 0; i < 10000; ++i) {
    cp::InternalDncEntry e;
    e.scope = cp::DncScope::kCampaign;
    e.scope_id = 1 + i % 4;
    e.e164 = "+1" + std::to_string(npas[rng() % npas.size()]) + std::to_string(2000000 + rng() % 8000000);
    e.requested_at = e.recorded_at = base - std::chrono::hours(24);
    data.internal_dnc.add(e);
  }
  cp::PolicyEngine engine(data, "b");
  if (!engine.configure().isOk()) return;
  // Campaign mix: 4 campaigns (political predictive, political preview, commercial progressive,
  // survey predictive), each with a schedule and recycle rules.
  core::PurposeClass purposes[] = {core::PurposeClass::kPolitical, core::PurposeClass::kPolitical,
                                   core::PurposeClass::kCommercial, core::PurposeClass::kSurvey};
  core::DialMode modes[] = {core::DialMode::kPredictive, core::DialMode::kPreview, core::DialMode::kProgressive,
                            core::DialMode::kPredictive};
  for (int c = 1; c <= 4; ++c) {
    auto camp = core::newCampaign("bench", purposes[c - 1]);
    camp.id = CampaignId(c);
    camp.org_id = OrgId(1);
    camp.safe_harbor_message = "x";
    camp.callback_number = "+12025550100";
    engine.setCampaign(cp::profileFromCampaign(camp));
  }
  // Some history (caps) on 5% of numbers.
  const size_t N = 2'000'000;
  std::vector<core::DialAttempt> attempts(4096);
  for (auto& a : attempts) {
    int c = 1 + static_cast<int>(rng() % 4);
    a.campaign_id = CampaignId(c);
    a.org_id = OrgId(1);
    a.purpose = purposes[c - 1];
    a.mode = modes[c - 1];
    a.e164 = "+1" + std::to_string(npas[rng() % npas.size()]) + std::to_string(2000000 + rng() % 8000000);
    int lt = static_cast<int>(rng() % 10);
    a.line_type = lt < 5 ? core::LineType::kWireless : lt < 9 ? core::LineType::kLandline : core::LineType::kUnknown;
    a.consent = rng() % 2 ? core::ConsentType::kExpress : core::ConsentType::kNone;
    if (rng() % 3 == 0) a.state = "NY";
    if (rng() % 4 == 0) a.zip = "33101";
    if (rng() % 20 == 0) {
      core::CompletedDial o;
      o.campaign_id = a.campaign_id;
      o.e164 = a.e164;
      o.at = base - std::chrono::hours(2);
      o.disposition = "no_answer";
      engine.noteDial(o);
    }
  }
  auto now_of = [&](size_t i) { return base + std::chrono::seconds(static_cast<int64_t>(i % 43200)); };  // 09:00–21:00 ET
  const char* mix =
      "4 campaigns (political predictive + preview, commercial progressive, survey predictive), 18 area codes incl. "
      "two-zone states, 50% wireless, 1M-number registry, 10k internal DNC, 5% with history, 09:00–21:00 ET";
  std::printf("\n### Decisions\n\n| mix | API | decisions | CPU s (wall s) | decisions/s per CPU-second (wall) | allow / deny / defer |\n|---|---|---|---|---|---|\n");
  auto row = [&](const char* api, double c0, double c1, SteadyClock::time_point t0, SteadyClock::time_point t1,
                 const uint64_t* counts) {
    std::fputs("| ", stdout);
    std::fputs(mix, stdout);
    std::printf(" | %s | %zu | %.2f (%.2f) | %.2f M (%.2f M) | %llu / %llu / %llu |\n", api, N, c1 - c0, secs(t0, t1),
                static_cast<double>(N) / (c1 - c0) / 1e6, static_cast<double>(N) / secs(t0, t1) / 1e6,
                static_cast<unsigned long long>(counts[0]), static_cast<unsigned long long>(counts[1]),
                static_cast<unsigned long long>(counts[2]));
  };
  const bool one = mode != "batch", many = mode != "single";
  if (one) {
    // One authorize() per attempt (the runtime's per-lead path).
    uint64_t counts[3] = {0, 0, 0};
    auto t0 = SteadyClock::now();
    double c0 = cpuNow();
    for (size_t i = 0; i < N; ++i) {
      auto d = engine.authorize(attempts[i & 4095], now_of(i));
      counts[static_cast<int>(d.verdict)]++;
    }
    auto t1 = SteadyClock::now();
    double c1 = cpuNow();
    row("authorize, one at a time", c0, c1, t0, t1, counts);
  }
  if (one) {
    // One authorizeInto() per attempt into one reused Decision: what the campaign
    // runtime does for every lead it would dial.
    uint64_t counts[3] = {0, 0, 0};
    core::Decision d;
    auto t0 = SteadyClock::now();
    double c0 = cpuNow();
    for (size_t i = 0; i < N; ++i) {
      engine.authorizeInto(attempts[i & 4095], now_of(i), d);
      counts[static_cast<int>(d.verdict)]++;
    }
    auto t1 = SteadyClock::now();
    double c1 = cpuNow();
    row("authorizeInto a reused Decision, one at a time (the runtime's path)", c0, c1, t0, t1, counts);
  }
  if (many) {
    // The same attempts and instants through authorizeMany, 16 at a time (a lead screen of 16 candidates).
    constexpr size_t kBatch = 16;
    uint64_t counts[3] = {0, 0, 0};
    std::vector<cp::PolicyEngine::TimedAttempt> batch(kBatch);
    std::vector<core::Decision> out(kBatch);
    auto t0 = SteadyClock::now();
    double c0 = cpuNow();
    for (size_t i = 0; i < N; i += kBatch) {
      const size_t m = std::min(kBatch, N - i);
      for (size_t k = 0; k < m; ++k) batch[k] = {&attempts[(i + k) & 4095], now_of(i + k)};
      engine.authorizeMany(std::span(batch.data(), m), out);
      for (size_t k = 0; k < m; ++k) counts[static_cast<int>(out[k].verdict)]++;
    }
    auto t1 = SteadyClock::now();
    double c1 = cpuNow();
    row("authorizeMany, 16 at a time", c0, c1, t0, t1, counts);
  }
}

int main(int argc, char** argv) {
  uint64_t n = argc > 1 ? std::stoull(argv[1]) : 50'000'000ULL;
  std::string what = argc > 2 ? argv[2] : "all";
  if (what == "all" || what == "decisions") decisionBench("both");
  if (what == "single" || what == "batch") decisionBench(what);
  // Real registry: ~250M numbers over ~330 area codes (~10% of their numbers). 50M at the same density
  // uses 66 area codes; the sparse case spreads 50M over every area code (worst case for the encoding).
  if (what == "all" || what == "registry" || what == "dense")
    registryBench("50M numbers at registry density (66 area codes)", 66, n);
  if (what == "all" || what == "registry")
    registryBench("50M numbers spread over all area codes (sparse worst case)", 640, n);
  return 0;
}
