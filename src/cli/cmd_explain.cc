// clearline explain CALL_ID: "why was this call allowed, and who made it?",
// answered from stored data alone — the call record's provenance, the exact
// registry versions its snapshot hash covers (each checked against its
// record_hash and its audit event), the gates re-evaluated on them, and the
// compliance authorization record. The answer is api::explainCall
// (src/api/explain.h), the same as GET /api/v1/calls/{id}/explain.
#include <iostream>

#include "api/explain.h"
#include "cli/command.h"

namespace clearline::cli {
namespace {

void run(const GlobalOptions& g, int64_t call_id) {
  auto ctx = openContext(g);
  if (!ctx.isOk()) return (void)fail(g, ctx.status());
  auto res = api::explainCall((*ctx)->store->db(), (*ctx)->clock, (*ctx)->data_dir, CallId(call_id));
  if (!res.isOk()) return (void)fail(g, res.status());
  const Json& out = *res;
  if (g.json) return printJson(out);
  auto str = [](const Json& j, const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
  std::cout << "call " << call_id << " to " << str(out, "called_number") << " on campaign " << out["campaign"]["id"]
            << " (" << str(out["campaign"], "name") << "), dialed " << str(out, "dialed_at") << "\n";
  const Json& who = out["who"];
  if (who.is_object() && who.contains("chain")) {
    std::cout << "\nWHO MADE IT\n  caller " << str(who, "caller_ref") << " (" << str(who, "worker_category") << ")";
    if (who["site"].is_object())
      std::cout << " at " << str(who["site"], "name") << " [" << str(who["site"], "type_label") << ", "
                << str(who["site"], "city") << ", " << str(who["site"], "state") << "]";
    std::cout << "\n";
    for (auto& x : who["chain"])
      std::cout << "  tier " << x["tier"] << ": " << x.value("entity", std::string("?")) << ", engaged by "
                << x.value("engaged_by", std::string("?")) << " (contract " << x.value("contract_ref", std::string("?"))
                << ", consent: " << x.value("campaign_consent", std::string("?")) << ")\n";
  }
  const Json& why = out["why"];
  std::cout << "\nWHY IT WAS ALLOWED\n  compliance authorization: "
            << (str(why, "authorization_id").empty() ? "(none recorded)" : str(why, "authorization_id")) << "\n";
  const Json& a = out["authorization"];
  if (a.is_object() && a.value("found", false)) {
    std::cout << "    " << str(a, "verdict") << " at " << str(a, "at") << ": " << str(a, "reason") << "\n";
    for (auto& r : a["rules"])
      std::cout << "    " << (r.value("deciding", false) ? "decided " : "checked ") << str(r, "ref") << "  "
                << str(r, "citation") << "\n";
  } else if (a.is_object()) {
    std::cout << "    " << str(a, "detail") << "\n";
  }
  if (why.contains("vendor_gates")) {
    for (auto& r : why["vendor_gates"])
      std::cout << "  " << (r.value("passed", false) ? "pass " : "FAIL ") << str(r, "id") << "  " << str(r, "detail") << "\n";
  } else {
    std::cout << "  " << str(why, "vendor_chain") << "\n";
  }
  if (out.contains("provenance")) {
    const Json& p = out["provenance"];
    std::cout << "\nPROVENANCE\n  snapshot " << str(p, "vetting_snapshot_hash") << "\n  "
              << (p.value("verified", false) ? "verified: the stored record versions reproduce this hash"
                                             : "NOT VERIFIED: the stored versions do not reproduce this hash")
              << " (" << p["record_versions"].size() << " versions)\n";
  }
}

void registerExplain(CLI::App& root, GlobalOptions& g) {
  auto id = std::make_shared<int64_t>(0);
  auto* cmd = root.add_subcommand("explain", "Why was this call allowed, and who made it? (from stored data alone)");
  addGlobalFlags(cmd, g);
  cmd->add_option("call_id", *id, "Call id")->required();
  cmd->callback([&g, id] { run(g, *id); });
}

const RegisterCommand kRegister(registerExplain);

}  // namespace
}  // namespace clearline::cli
