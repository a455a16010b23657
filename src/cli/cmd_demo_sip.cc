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

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <sstream>

#include "cli/demo.h"
#include "api/accounts.h"
#include "api/api_service.h"
#include "cli/import_run.h"
#include "common/time_util.h"
#include "core/vendor/import_doc.h"
#include "daemon/sip_demo.h"
#include "policy_data/policy_service.h"
#include "policy_data/rules_loader.h"
#include "storage/sqlite/vendor_store.h"

namespace clearline::cli {
namespace {

constexpr int kDemoCallers = 10;
constexpr int kPrimeCallers = 6;  // demo-caller1..6 at the prime's office; 7 at ProCom; 8..10 in the prison
constexpr int kSupporters = 3000;  // opted-in supporters the live phase can autodial
constexpr const char* kPersonRef = "demo-you";  // a console login + SIP account for a person (no bot)
constexpr const char* kManager = "manager";

// A password of 16 letters and digits from /dev/urandom.
std::string newPassword() {
  static const char kChars[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::ifstream r("/dev/urandom", std::ios::binary);
  std::string p;
  for (int i = 0; i < 16; i++) {
    unsigned char c = 0;
    r.read(reinterpret_cast<char*>(&c), 1);
    p += kChars[c % (sizeof kChars - 1)];
  }
  return p;
}

// The demo's accounts: a campaign manager (dashboard, admin) and a caller at
// the prime vendor's site (console + SIP phone). Passwords are made on the
// first run and kept in DATA_DIR/demo-credentials.json (mode 0600).
Result<Json> demoAccounts(DemoRun& d) {
  namespace fs = std::filesystem;
  fs::path file = fs::path(d.ctx.data_dir) / "demo-credentials.json";
  Json creds = Json::object();
  if (std::ifstream in(file); in) {
    creds = Json::parse(in, nullptr, false);
    if (!creds.is_object()) return Status::invalidArgument(file.string() + ": not a JSON object");
  }
  api::AccountStore accounts(d.ctx.store->db(), d.ctx.clock);
  ASSIGN_OR_RETURN(auto users, accounts.listUsers());
  auto opts = api::ApiOptions::fromConfig(d.ctx.config);
  struct Want {
    const char* name;
    api::Role role;
    const char* entity;
  };
  for (const Want& w : {Want{kManager, api::Role::kCampaignManager, ""}, Want{kPersonRef, api::Role::kCaller, "site-prime-dc"}}) {
    bool exists = std::any_of(users.begin(), users.end(), [&](auto& u) { return u.name == w.name; });
    if (exists && creds.contains(w.name)) continue;
    if (exists) return Status::failedPrecondition(std::string("account '") + w.name + "' exists but " + file.string() +
                                                  " does not have its password; use a new --data-dir");
    std::string pw = newPassword();
    ASSIGN_OR_RETURN(auto p, accounts.createUser(w.name, w.role, w.entity, pw, opts.argon2, d.ctx.actor));
    (void)p;
    creds[w.name] = pw;
  }
  {
    std::ofstream out(file, std::ios::trunc);
    out << creds.dump(2) << "\n";
    if (!out) return Status::unavailable("cannot write " + file.string());
  }
  std::error_code ec;
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
  return creds;
}

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

// The live demo dials only when the calling rules allow it (R1's windows, the
// campaign's schedule, which has no Sunday calls). A newcomer who runs it at
// night or on a Sunday would watch nothing happen, so unless --clock-offset-s
// or --real-clock is given, the live phases run their clock at the first
// instant the rules allow the campaign to dial its supporters' area codes (all
// on US Eastern and Central time): now if allowed, else 13:00 New York time on
// the first day of the next three weeks that allows it. Only the carrier
// simulator on loopback is dialed, and the move is printed.
Status callingHours(DemoRun& d) {
  if (!d.campaign.valid() || d.opts.clock_offset_given || d.opts.real_clock) return Status::ok();
  const TimePoint now = d.ctx.clock.now();
  ASSIGN_OR_RETURN(auto rt, policy_data::openPolicy(d.ctx.store->db(), d.ctx.clock, d.ctx.config, d.ctx.data_dir, now));
  rt->engine->setSink(nullptr);  // a question, not a dial: no authorization record
  ASSIGN_OR_RETURN(core::Campaign camp, d.ctx.store->campaigns().getCampaign(d.campaign));
  rt->engine->setCampaign(core::policy::profileFromCampaign(camp));
  core::DialAttempt a;
  a.campaign_id = camp.id;
  a.org_id = camp.org_id;
  a.purpose = camp.purpose;
  a.subject_key = camp.subject_key;
  a.jurisdictions = camp.jurisdictions;
  a.mode = core::DialMode::kPredictive;
  a.line_type = core::LineType::kLandline;
  auto allowed = [&](TimePoint t) {
    for (const char* n : {"+12125550123", "+17135550123"}) {  // New York, Houston
      a.e164 = n;
      a.candidate_states = rt->geocoder ? rt->geocoder->statesFor(a.e164) : std::vector<std::string>{};
      if (rt->engine->authorize(a, t).verdict != core::Verdict::kAllow) return false;
    }
    return true;
  };
  // Now, if the rules still allow calls ten minutes on (not just before 21:00).
  if (allowed(now) && allowed(now + std::chrono::minutes(10))) return Status::ok();
  for (int k = 0; k <= 21; k++) {
    // "YYYY-MM-DDTHH:MM:SS-05:00" in New York k days from now → that day at 13:00 there.
    ASSIGN_OR_RETURN(std::string local, formatIsoInZone(now + std::chrono::hours(24 * k), "America/New_York"));
    ASSIGN_OR_RETURN(TimePoint t, parseIso(local.substr(0, 10) + "T13:00:00" + local.substr(19)));
    if (t <= now || !allowed(t)) continue;
    d.opts.clock_offset_s = std::chrono::duration_cast<std::chrono::seconds>(t - now).count();
    ASSIGN_OR_RETURN(std::string now_ny, formatIsoInZone(now, "America/New_York"));
    d.lines.push_back("Calling hours: it is " + now_ny.substr(0, 16) + " in New York, when the calling rules allow "
                      "no calls; the live demo runs its clock at " + local.substr(0, 10) + " 13:00 (+" +
                      std::to_string(d.opts.clock_offset_s / 3600) + " h) so that it dials now. It dials only the "
                      "carrier simulator on loopback. --real-clock keeps the real time.");
    d.summary["clock_offset_s"] = d.opts.clock_offset_s;
    return Status::ok();
  }
  return Status::failedPrecondition("the calling rules allow the demo campaign no calls in the next three weeks");
}

// Before phase 1: the 2019 chain's records are versioned by id, so a second
// live demo in the same data dir could not bind them to its new campaign.
// Say so before anything is created.
Status preflight(DemoRun& d) {
  if (d.opts.import_only) return Status::ok();
  ASSIGN_OR_RETURN(auto q, d.ctx.store->db().prepare("SELECT COUNT(*) FROM vendor_records WHERE kind='engagement' AND id='eng-prime'"));
  ASSIGN_OR_RETURN(bool row, q.step());
  if (row && q.int64(0) > 0)
    return Status::failedPrecondition("the live demo already ran in " + d.ctx.data_dir +
                                      " (its 2019 vendor chain is there): run it with a new --data-dir "
                                      "(scripts/demo.sh starts from a fresh .data/demo and keeps the last run in "
                                      ".data/demo.previous)");
  return Status::ok();
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
    // Enough for about 20 minutes of dialing by the six bots (a live demo that ran out
    // of dialable leads after a minute showed an idle dashboard).
    for (int i = 0; i < kSupporters; i++) {
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
  // The person who tries the console with their own SIP phone works at the prime's office.
  callers.push_back({{"ref", kPersonRef}, {"site_id", "site-prime-dc"}, {"engagement_id", "eng-prime"}, {"worker_category", "employee"}});
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
  // A demo run again in the same data dir dials this run's campaign only:
  // the organisation's campaigns from earlier runs are paused (audited).
  if (d.campaign.valid() && d.org.valid()) {
    ASSIGN_OR_RETURN(auto earlier, d.ctx.store->campaigns().listCampaigns(d.org));
    for (const core::Campaign& e : earlier) {
      if (e.id == d.campaign || e.state != core::CampaignState::kActive) continue;
      RETURN_IF_ERROR(d.ctx.store->campaigns().changeCampaignState(e.id, core::CampaignEvent::kPause, d.ctx.actor).status());
      d.lines.push_back("Campaign " + e.id.str() + " (an earlier demo run) paused: this run dials campaign " + d.campaign.str());
    }
  }
  ASSIGN_OR_RETURN(Json creds, demoAccounts(d));
  daemon::LiveDemoOptions o;
  o.config = d.ctx.config;
  o.data_dir = d.ctx.data_dir;
  o.db_path = d.ctx.store->db().path();
  o.minutes = d.opts.minutes;
  o.callers = kDemoCallers;
  o.pacer = d.opts.pacer;
  o.pacer_knob = d.opts.pacer_knob;
  o.clock_offset = Millis(d.opts.clock_offset_s * 1000);
  o.people[kPersonRef] = creds[kPersonRef].get<std::string>();
  o.listen = d.opts.listen.empty() ? (d.opts.headless ? "127.0.0.1:0" : d.ctx.config.getString("server.listen")) : d.opts.listen;
  const bool json = d.g.json, headless = d.opts.headless;
  const std::string running_file = (std::filesystem::path(d.ctx.data_dir) / "demo-running.json").string();
  o.on_running = [&, json, headless, running_file](const std::string& url, const std::string& sip) {
    Json r{{"dashboard", url},
           {"sip_registrar", sip},
           {"manager", Json{{"user", kManager}, {"password", creds[kManager]}}},
           {"caller", Json{{"user", kPersonRef}, {"password", creds[kPersonRef]}, {"site", "site-prime-dc"}}},
           {"campaign_id", d.campaign.value},
           {"pid", static_cast<int64_t>(::getpid())}};
    std::ofstream(running_file) << r.dump(2) << "\n";
    if (json || headless) return;
    std::ostringstream mins;
    mins << o.minutes;
    std::string until = o.minutes > 0 ? "for " + mins.str() + " min (--minutes)" : "until you press Ctrl-C";
    std::cout << "Clearline demo — live: dialing over SIP on loopback " << until << "\n"
              << "  dashboard        " << url << "  (log in as " << kManager << " / " << creds[kManager].get<std::string>() << ")\n"
              << "  caller console   " << url << "  (log in as " << kPersonRef << " / " << creds[kPersonRef].get<std::string>() << ")\n"
              << "  your SIP phone   register " << kPersonRef << " / " << creds[kPersonRef].get<std::string>() << " at sip:" << sip
              << " (UDP), then press \"Start calling\" in the console\n"
              << "  caller bots      demo-caller1-" << kPrimeCallers << " at the prime vendor take calls; demo-caller"
              << kPrimeCallers + 1 << " (subcontractor) and demo-caller" << kPrimeCallers + 2 << "-" << kDemoCallers
              << " (correctional facility) are refused\n"
              << "  credentials      " << (std::filesystem::path(d.ctx.data_dir) / "demo-credentials.json").string() << "\n"
              << std::flush;
  };
  ASSIGN_OR_RETURN(Json live, daemon::runLiveSipDemo(o));
  for (auto& [k, v] : live.items()) d.summary[k] = v;
  d.lines.push_back("Clearline demo — live dialing stopped; what happened:");
  for (const char* k : {"calls_placed", "calls_bridged", "abandoned", "safe_harbor_played", "callers_refused", "audit_ok"}) {
    d.lines.push_back(std::string("  ") + k + std::string(20 - std::string(k).size(), ' ') + live[k].dump());
  }
  return Status::ok();
}

const RegisterDemoPhase kPreflight({50, "preflight", preflight});
const RegisterDemoPhase kHours({120, "calling-hours", callingHours});
const RegisterDemoPhase kChain({150, "campaign-and-chain", campaignAndChain});
const RegisterDemoPhase kLive({200, "live-dialer", runLivePhase});

}  // namespace
}  // namespace clearline::cli
#endif
