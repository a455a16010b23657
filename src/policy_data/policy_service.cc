#include "policy_data/policy_service.h"

#include <filesystem>
#include <random>

#include "policy_data/registry_store.h"
#include "policy_data/rules_loader.h"

namespace clearline::policy_data {

std::string registryDir(const Config& config, const std::string& data_dir) {
  std::string c = config.getString("policy.registry_dir");
  if (!c.empty()) return c;
  return (std::filesystem::path(data_dir) / "dnc").string();
}

TimePoint retentionUntil(const Config& config, TimePoint t) {
  int64_t years = config.getInt("policy.retention_years");
  if (years < 5) years = 5;  // R7: never below the TSR's 5 years
  return t + std::chrono::hours(24) * (366 * years);
}

Result<std::unique_ptr<PolicyRuntime>> openPolicy(storage::SqliteDb& db, const Clock& clock, const Config& config,
                                                  const std::string& data_dir, TimePoint now) {
  auto rt = std::make_unique<PolicyRuntime>();
  rt->rules_dir = rulesDir(config, data_dir);
  rt->registry_dir = registryDir(config, data_dir);
  ASSIGN_OR_RETURN(rt->data.rules, loadRuleBook(rt->rules_dir));
  for (const char* kind : {"US", "TPS"}) {
    auto snap = loadSnapshot(rt->registry_dir, kind);
    if (snap.isOk()) {
      (std::string(kind) == "US" ? rt->data.us_registry : rt->data.tps) = *snap;
    } else if (snap.status().code() != StatusCode::kNotFound) {
      return snap.status();  // a corrupt snapshot is an error, not "no registry"
    }
  }
  if (config.getBool("policy.geocode_area_codes")) {
    rt->geocoder = std::make_unique<AreaCodeGeocoder>();
    rt->data.npa = rt->geocoder->buildNpaTable();
  }
  rt->store = std::make_unique<storage::SqlitePolicyStore>(db, clock);
  RETURN_IF_ERROR(rt->store->loadInternalDnc(rt->data.internal_dnc, now));
  RETURN_IF_ERROR(rt->store->loadHistory(rt->data.history, now));
  rt->ledger = std::make_unique<storage::SqliteAbandonmentLedger>(db);
  RETURN_IF_ERROR(rt->ledger->load(now));
  rt->data.ledger = rt->ledger.get();
  std::random_device rd;
  char tag[16];
  std::snprintf(tag, sizeof tag, "az%08x", rd());
  rt->engine = std::make_unique<core::policy::PolicyEngine>(rt->data, tag);
  RETURN_IF_ERROR(rt->engine->configure());
  rt->sink = std::make_unique<SqliteAuthorizationSink>(*rt->store);
  rt->engine->setSink(rt->sink.get());
  return rt;
}

}  // namespace clearline::policy_data
