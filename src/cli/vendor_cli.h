// Helpers shared by the vendor CLI commands (cmd_vendor.cc, cmd_disclosure.cc,
// cmd_explain.cc): the vendor store on a Context, GateDecision as JSON.
#pragma once

#include "cli/command.h"
#include "core/ports/caller_gate.h"
#include "storage/sqlite/vendor_store.h"

namespace clearline::cli {

inline storage::SqliteVendorStore vendorStore(Context& ctx) {
  return storage::SqliteVendorStore(ctx.store->db(), ctx.clock, ctx.data_dir);
}

inline Json gateDecisionJson(const core::GateDecision& d) {
  Json gates = Json::array();
  for (auto& g : d.gates) gates.push_back({{"id", g.gate}, {"passed", g.passed}, {"detail", g.detail}});
  return Json{{"allowed", d.allowed},
              {"gates", gates},
              {"reason", d.reason},
              {"provenance",
               {{"caller_ref", d.caller_ref},
                {"engagement_path", d.engagement_path},
                {"site_id", d.site_id},
                {"tier", d.tier},
                {"worker_category", d.worker_category},
                {"vetting_snapshot_hash", d.vetting_snapshot_hash},
                {"record_versions", d.record_versions}}}};
}

}  // namespace clearline::cli
