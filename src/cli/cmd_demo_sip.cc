// `clearline demo`, live phases (owner: sip), after phase 1 (cmd_demo.cc,
// owner: import) created the campaign and imported the voter file:
//
//   150 "campaign-and-chain": makes the demo campaign a predictive one with its
//       safe-harbor message (R4), imports a list of opted-in supporters
//       (landlines and consented mobiles: the voter file has no consent, so the
//       policy routes its leads to human-initiated dialing, R11), and imports
//       the 2019 vendor chain (data/examples/2019-case.json) for this campaign,
//       its dates moved to the dialer's present and its callers replaced by the
//       demo's caller bots: demo-caller1–6 work at the prime vendor's office,
//       demo-caller7 at the subcontractor's call centre (no campaign consent) and
//       demo-caller8–10 inside the correctional facility. The vendor gates refuse
//       the last four at login, as in 2019.
//   200 "live-dialer": activates the campaign and runs the SIP dialer against
//       clearline-carrier and clearline-agentbot on loopback for --minutes
//       (daemon/sip_demo.h). Adds calls_placed, calls_bridged, abandoned,
//       safe_harbor_played, callers_refused and audit_ok to the summary.
// Compiles to nothing until cli/demo.h (the phase registry) is on main.
#if __has_include("cli/demo.h")
#include <filesystem>
#include <fstream>
#include <regex>

#include "cli/demo.h"
#include "cli/import_run.h"
#include "common/time_util.h"
#include "core/vendor/import_doc.h"
#include "daemon/sip_demo.h"
#include "policy_data/rules_loader.h"
#include "storage/sqlite/vendor_store.h"

namespace clearline::cli {
namespace {

constexpr int kDemoCallers = 10;
constexpr int kPrimeCallers = 6;  // demo-caller1..6 at the prime's office; 7 at ProCom; 8..10 in the prison

TimePoint dialerNow(const DemoRun& d) { return d.ctx.clock.now() + Millis(d.opts.clock_offset_s * 1000); }

// Moves every "YYYY-MM-DD…" string in the document by `days`.
void shiftDates(Json& j, int64_t days) {
  static const std::regex kDate(R"(^(\d{4}-\d{2}-\d{2})(T.*)?$)");
  if (j.is_object() || j.is_array()) {
    for (auto& v : j) shiftDates(v, days);
    return;
  }
  if (!j.is_string()) return;
  const std::string s = j.get<std::string>();
  std::smatch m;
  if (!std::regex_match(s, m, kDate)) return;
  auto t = parseDateUtc(m[1].str());
  if (!t.isOk()) return;
  std::string day = formatIsoUtc(*t + std::chrono::hours(24) * days).substr(0, 10);
  j = day + m[2].str();
}

Status campaignAndChain(DemoRun& d) {
  if (!d.campaign.valid()) return Status::ok();
  auto& cs = d.ctx.store->campaigns();
  ASSIGN_OR_RETURN(core::Campaign c, cs.getCampaign(d.campaign));
  if (c.state == core::CampaignState::kDraft) {
    c.dial_mode = core::DialMode::kPredictive;
    if (c.safe_harbor_message.empty())
      c.safe_harbor_message = "Sorry we missed you. This call was from the Demo Committee. To be put on our do not call "
                              "list, call +1 305 555 0100.";
    ASSIGN_OR_RETURN(c, cs.updateCampaign(c, d.ctx.actor));
  }

  // Opted-in supporters: known line types, recorded consent.
  namespace fs = std::filesystem;
  std::error_code ec;
  auto file = fs::path(d.ctx.data_dir) / "lists" / ("demo-supporters-" + d.campaign.str() + ".csv");
  fs::create_directories(file.parent_path(), ec);
  {
    std::ofstream f(file);
    f << "first_name,last_name,phone,line_type,consent,consent_at,consent_source\n";
    const char* npas[] = {"212", "312", "617", "404", "214", "713"};
    for (int i = 0; i < 120; i++) {
      bool mobile = i % 3 == 0;
      f << "Supporter" << i << ",Demo," << npas[i % 6] << "-2" << (10 + i % 90) << "-" << (1000 + i * 37 % 9000) << ","
        << (mobile ? "wireless,express_written" : "landline,none") << "," << (mobile ? "2026-09-01,web signup" : ",")
        << "\n";
    }
    if (!f) return Status::unavailable("cannot write " + file.string());
  }
  ImportRequest req;
  req.file = file.string();
  req.campaign = d.campaign;
  req.list_name = "Opted-in supporters";
  req.progress = false;
  ASSIGN_OR_RETURN(auto sup, runImportCommand(d.ctx, req));
  RETURN_IF_ERROR(sup.status);

  // The 2019 chain, in the present, bound to this campaign and the demo's bots.
  std::string example = policy_data::shippedDataDir() + "/examples/2019-case.json";
  std::ifstream in(example);
  if (!in) return Status::notFound("cannot read " + example);
  Json doc = Json::parse(in, nullptr, false);
  if (doc.is_discarded()) return Status::invalidArgument(example + ": not JSON");
  ASSIGN_OR_RETURN(TimePoint case_day, parseDateUtc("2019-12-10"));
  int64_t days = std::chrono::duration_cast<std::chrono::hours>(dialerNow(d) - case_day).count() / 24;
  shiftDates(doc, days);
  doc["campaign_id"] = d.campaign.value;
  Json callers = Json::array();
  for (int i = 1; i <= kDemoCallers; i++) {
    std::string ref = "demo-caller" + std::to_string(i);
    if (i <= kPrimeCallers)
      callers.push_back({{"ref", ref}, {"site_id", "site-prime-dc"}, {"engagement_id", "eng-prime"}, {"worker_category", "employee"}});
    else if (i == kPrimeCallers + 1)
      callers.push_back({{"ref", ref}, {"site_id", "site-procom-vineland"}, {"engagement_id", "eng-procom"}, {"worker_category", "employee"}});
    else
      callers.push_back({{"ref", ref}, {"site_id", "site-eddie-warrior"}, {"engagement_id", "eng-procom"}, {"worker_category", "incarcerated"}});
  }
  doc["callers"] = callers;
  auto decoded = core::vendor::decodeImportDocument(doc.dump(), d.campaign.value);
  if (!decoded.isOk()) return decoded.status().withContext(example);
  storage::SqliteVendorStore vs(d.ctx.store->db(), d.ctx.clock, d.ctx.data_dir);
  ASSIGN_OR_RETURN(Json chain, vs.importChain(*decoded, fs::path(example).parent_path().string(), d.ctx.actor));

  d.summary["supporters"] = importSummaryJson(sup);
  d.summary["vendor_chain"] = Json{{"example", example},
                                   {"dates_moved_days", days},
                                   {"callers_at_prime", kPrimeCallers},
                                   {"callers_at_subcontractor", 1},
                                   {"callers_in_correctional_facility", kDemoCallers - kPrimeCallers - 1},
                                   {"import", chain}};
  d.lines.push_back("Campaign " + d.campaign.str() + ": predictive, safe-harbor message set; " +
                    std::to_string(sup.record.counts.imported) + " opted-in supporters imported");
  d.lines.push_back("Vendor chain: the 2019 case (" + example + "), moved " + std::to_string(days) +
                    " days to the present: demo-caller1-" + std::to_string(kPrimeCallers) +
                    " at the prime vendor, demo-caller" + std::to_string(kPrimeCallers + 1) +
                    " at the subcontractor (no campaign consent), demo-caller" + std::to_string(kPrimeCallers + 2) +
                    "-" + std::to_string(kDemoCallers) + " in a correctional facility");
  return Status::ok();
}

Status runLivePhase(DemoRun& d) {
  if (d.campaign.valid()) {
    auto c = d.ctx.store->campaigns().getCampaign(d.campaign);
    if (c.isOk() && c->state == core::CampaignState::kDraft) {
      RETURN_IF_ERROR(d.ctx.store->campaigns().changeCampaignState(d.campaign, core::CampaignEvent::kActivate,
                                                                   d.ctx.actor).status());
    }
  }
  daemon::LiveDemoOptions o;
  o.config = d.ctx.config;
  o.data_dir = d.ctx.data_dir;
  o.db_path = d.ctx.store->db().path();
  o.minutes = d.opts.minutes;
  o.callers = kDemoCallers;
  o.clock_offset = Millis(d.opts.clock_offset_s * 1000);
  ASSIGN_OR_RETURN(Json live, daemon::runLiveSipDemo(o));
  for (auto& [k, v] : live.items()) d.summary[k] = v;
  d.lines.push_back("Clearline demo — live dialing over SIP on loopback (" + std::to_string(o.minutes) + " min)");
  for (const char* k : {"calls_placed", "calls_bridged", "abandoned", "safe_harbor_played", "callers_refused", "audit_ok"}) {
    d.lines.push_back(std::string("  ") + k + std::string(20 - std::string(k).size(), ' ') + live[k].dump());
  }
  return Status::ok();
}

const RegisterDemoPhase kChain({150, "campaign-and-chain", campaignAndChain});
const RegisterDemoPhase kLive({200, "live-dialer", runLivePhase});

}  // namespace
}  // namespace clearline::cli
#endif
