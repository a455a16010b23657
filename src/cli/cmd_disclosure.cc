// clearline disclosure --campaign ID --from DATE --to DATE --format html|csv|json
// Writes the vendor-chain disclosure report to standard output and anchors the
// SHA-256 of the exact bytes written in the audit chain (docs/vendor-chain.md).
#include <fstream>
#include <iostream>

#include "cli/vendor_cli.h"
#include "common/sha256.h"
#include "common/time_util.h"
#include "core/vendor/disclosure.h"

namespace clearline::cli {
namespace {

namespace v = core::vendor;

struct DisclosureOpts {
  int64_t campaign = 0;
  std::string from, to, format = "html", manifest;
};

Result<TimePoint> parseDay(const std::string& s) { return v::parseWhen(s); }

void run(const GlobalOptions& g, const DisclosureOpts& o) {
  if (o.format != "html" && o.format != "csv" && o.format != "json")
    return (void)fail(g, Status::invalidArgument("--format must be html, csv or json", "format"));
  auto from = parseDay(o.from);
  if (!from.isOk()) return (void)fail(g, Status::invalidArgument("--from: " + from.status().message(), "from"));
  auto to = parseDay(o.to);
  if (!to.isOk()) return (void)fail(g, Status::invalidArgument("--to: " + to.status().message(), "to"));
  // A bare date for --to means the whole of that day.
  TimePoint to_excl = o.to.size() == 10 ? *to + std::chrono::hours(24) : *to;
  if (to_excl <= *from) return (void)fail(g, Status::invalidArgument("--to must be after --from", "to"));
  auto ctx = openContext(g);
  if (!ctx.isOk()) return (void)fail(g, ctx.status());
  auto camp = (*ctx)->store->campaigns().getCampaign(CampaignId(o.campaign));
  if (!camp.isOk()) return (void)fail(g, camp.status());
  auto store = vendorStore(**ctx);
  auto reg = store.loadRegistry();
  if (!reg.isOk()) return (void)fail(g, reg.status());

  v::DisclosureInputs in;
  in.campaign_id = o.campaign;
  in.campaign_name = camp->name;
  in.from = *from;
  in.to = to_excl;
  in.generated_at = (*ctx)->clock.now();
  auto log = store.gateLog(CampaignId(o.campaign), *from, to_excl);
  if (!log.isOk()) return (void)fail(g, log.status());
  for (auto& r : *log) {
    if (r.allowed) {
      if (r.kind == "login") in.allowed_logins.push_back({r.site_id, r.caller_ref});
      continue;
    }
    v::DisclosureInputs::Refusal x;
    x.at = r.at;
    x.caller_ref = r.caller_ref;
    x.site_id = r.site_id;
    x.kind = r.kind;
    x.reason = r.reason;
    x.tier = r.tier;
    if (r.failed_gates.is_array())
      for (auto& f : r.failed_gates) x.failed_gates.push_back(f.get<std::string>());
    in.refusals.push_back(x);
  }
  auto stats = store.callStats(CampaignId(o.campaign), *from, to_excl);
  if (!stats.isOk()) return (void)fail(g, stats.status());
  for (auto& s : *stats) in.calls.push_back({s.site_id, s.caller_ref, s.calls, s.seconds});
  // The chain head before publishing: the report names it; the publish event follows it.
  core::AuditVerifier verifier;
  Status vs = (*ctx)->store->auditLog().scan(1, [&](const core::AuditEvent& e) { return verifier.next(e); });
  if (!vs.isOk()) return (void)fail(g, vs);
  in.audit_head_seq = verifier.checked();
  in.audit_head_hash = verifier.headHash();

  Json report = v::buildDisclosure(**reg, in);
  std::string bytes = o.format == "json" ? report.dump(2, ' ', false, Json::error_handler_t::replace) + "\n"
                      : o.format == "csv" ? v::renderDisclosureCsv(report)
                                          : v::renderDisclosureHtml(report);
  std::string sha = sha256Hex(bytes);
  Json manifest{{"manifest", "clearline.disclosure-manifest/1"},
                {"campaign_id", o.campaign},
                {"period", report["period"]},
                {"format", o.format},
                {"report_sha256", sha},
                {"report_bytes", bytes.size()},
                {"anchored_after", {{"seq", in.audit_head_seq}, {"hash", in.audit_head_hash}}},
                {"record_versions", report["record_versions"].size()}};
  Status st = (*ctx)->store->db().transaction([&]() -> Status {
    return storage::audit((*ctx)->store->db(), (*ctx)->clock, (*ctx)->actor, "disclosure.publish", "campaign",
                          std::to_string(o.campaign), manifest);
  });
  if (!st.isOk()) return (void)fail(g, st);
  manifest["publish_event_seq"] = in.audit_head_seq + 1;
  if (!o.manifest.empty()) {
    std::ofstream f(o.manifest);
    f << manifest.dump(2) << "\n";
    if (!f) return (void)fail(g, Status::unavailable("cannot write " + o.manifest));
  }
  std::cout << bytes;
  std::cout.flush();
  std::cerr << "disclosure: sha256 " << sha << " anchored at audit seq " << in.audit_head_seq + 1 << "\n";
}

void registerDisclosure(CLI::App& root, GlobalOptions& g) {
  auto o = std::make_shared<DisclosureOpts>();
  auto* cmd = root.add_subcommand("disclosure", "Vendor-chain disclosure report for a campaign and period (stdout)");
  addGlobalFlags(cmd, g);
  cmd->add_option("--campaign", o->campaign, "Campaign id")->required();
  cmd->add_option("--from", o->from, "Start: YYYY-MM-DD or ISO 8601 instant")->required();
  cmd->add_option("--to", o->to, "End (a date includes that whole day)")->required();
  cmd->add_option("--format", o->format, "html | csv | json")->capture_default_str();
  cmd->add_option("--manifest", o->manifest, "Also write the hash-anchored manifest (JSON) to this file");
  cmd->callback([&g, o] { run(g, *o); });
}

const RegisterCommand kRegister(registerDisclosure);

}  // namespace
}  // namespace clearline::cli
