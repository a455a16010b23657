// clearline demo: phase 1 of the README's main job (see demo.h for phases).
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/demo.h"
#include "cli/import_run.h"
#include "core/pacing/registry.h"
#include "import/list_generator.h"

namespace clearline::cli {

namespace {

std::vector<DemoPhase>& phases() {
  static std::vector<DemoPhase> p;
  return p;
}

constexpr const char* kOrgName = "Demo organisation";

Status setupAndImport(DemoRun& d) {
  auto& cs = d.ctx.store->campaigns();
  // The sample organisation (reused when the demo runs again in the same data dir).
  ASSIGN_OR_RETURN(auto orgs, cs.listOrganisations());
  auto it = std::find_if(orgs.begin(), orgs.end(), [](auto& o) { return o.name == kOrgName; });
  if (it != orgs.end()) {
    d.org = it->id;
  } else {
    ASSIGN_OR_RETURN(auto org, cs.createOrganisation(kOrgName, d.ctx.actor));
    d.org = org.id;
  }
  // A fresh campaign each run, so every run shows the same import.
  ASSIGN_OR_RETURN(auto existing, cs.listCampaigns(d.org));
  core::Campaign c = core::newCampaign("Demo: get out the vote " + std::to_string(existing.size() + 1),
                                       core::PurposeClass::kPolitical);
  c.org_id = d.org;
  c.jurisdictions = {"US"};
  c.caller_id = "+13055550100";
  c.callback_number = "+13055550100";
  c.disclaimer = "Paid for by the Demo Committee.";
  c.script.text = "Hi {first_name}, this is a volunteer with the Demo Committee. Can we count on your vote?";
  c.script.questions = {{"support", "Can we count on your support?", {"yes", "no", "undecided"}}};
  ASSIGN_OR_RETURN(auto campaign, cs.createCampaign(c, d.ctx.actor));
  d.campaign = campaign.id;

  // A realistic list: varied phone spellings, some duplicates and bad rows.
  auto lists = std::filesystem::path(d.ctx.data_dir) / "lists";
  std::error_code ec;
  std::filesystem::create_directories(lists, ec);
  d.list_file = std::filesystem::absolute(lists / ("demo-voters-" + campaign.id.str() + ".csv"), ec).string();
  import::ListSpec spec;
  spec.rows = d.opts.rows;
  spec.seed = 2026;
  spec.bad_fraction = 0.012;
  spec.duplicate_fraction = 0.015;
  ASSIGN_OR_RETURN(auto stats, import::writeSampleList(d.list_file, spec));

  ImportRequest req;
  req.file = d.list_file;
  req.campaign = d.campaign;
  req.list_name = "Demo voter file";
  req.progress = !d.g.json;
  ASSIGN_OR_RETURN(auto out, runImportCommand(d.ctx, req));
  RETURN_IF_ERROR(out.status);

  core::AuditVerifier v;
  Status audit = d.ctx.store->auditLog().scan(1, [&](const core::AuditEvent& e) { return v.next(e); });
  auto db_path = std::filesystem::absolute(d.ctx.store->db().path(), ec).string();
  const auto& k = out.record.counts;
  d.summary["data_dir"] = std::filesystem::absolute(d.ctx.data_dir, ec).string();
  d.summary["database"] = db_path;
  d.summary["organisation"] = Json{{"id", d.org.value}, {"name", kOrgName}};
  d.summary["campaign"] = Json{{"id", d.campaign.value}, {"name", campaign.name}};
  d.summary["list_file"] = d.list_file;
  d.summary["list_generated"] = Json{{"rows", stats.rows}, {"bad_rows", stats.bad}, {"duplicate_rows", stats.duplicates}};
  d.summary["import"] = importSummaryJson(out);
  d.summary["audit"] = Json{{"ok", audit.isOk()}, {"events", v.checked()}, {"head_hash", v.headHash()}};
  if (!audit.isOk()) d.summary["audit"]["error"] = audit.message();

  auto& L = d.lines;
  L.push_back("Clearline demo — phase 1: organisation, campaign, list import");
  L.push_back("  organisation   " + std::to_string(d.org.value) + "  " + kOrgName);
  L.push_back("  campaign       " + std::to_string(d.campaign.value) + "  " + campaign.name + " (draft)");
  L.push_back("  list           " + d.list_file + "  (" + std::to_string(stats.rows) + " rows generated)");
  L.push_back("  import " + std::to_string(out.record.id.value) + "       read " + std::to_string(k.read) +
              " = imported " + std::to_string(k.imported) + " + duplicates " + std::to_string(k.duplicates) +
              " + rejected " + std::to_string(k.rejected) + "   (" +
              std::to_string(static_cast<int64_t>(out.seconds * 1000)) + " ms)");
  L.push_back("  phones         " + std::to_string(k.phones_imported) + " stored (E.164), " +
              std::to_string(k.phones_duplicate) + " already present");
  L.push_back("  rejects        " + out.record.rejects_file + "  (line, column, reason, raw)");
  L.push_back("  data           " + db_path + "  (SQLite; `sqlite3` opens it)");
  L.push_back(std::string("  audit chain    ") + (audit.isOk() ? "intact" : "BROKEN: " + audit.message()) + ", " +
              std::to_string(v.checked()) + " events, head " + v.headHash().substr(0, 16) + "…");
  std::string dd = " --data-dir " + d.summary["data_dir"].get<std::string>();
  L.push_back("Next:");
  L.push_back("  clearline contacts list --campaign " + std::to_string(d.campaign.value) + dd);
  L.push_back("  clearline imports show " + std::to_string(out.record.id.value) + dd);
  L.push_back("  clearline audit verify" + dd);
  if (!audit.isOk()) return Status::dataLoss("audit chain broken after the demo import: " + audit.message());
  return Status::ok();
}

const RegisterDemoPhase kPhase1({100, "setup-and-import", setupAndImport});

void registerDemo(CLI::App& root, GlobalOptions& g) {
  auto o = std::make_shared<DemoOptions>();
  auto* cmd = root.add_subcommand(
      "demo",
      "The main job on embedded defaults: creates a sample organisation and campaign, generates a\n"
      "realistic ~5,000-row list (with a few bad rows) and imports it, sets up the 2019 vendor chain\n"
      "(a prime vendor's office and a subcontractor's correctional-facility site), then runs the\n"
      "daemon live: the SIP dialer against a simulated carrier with caller bots, the dashboard and\n"
      "the caller console on localhost (URL and logins printed), until Ctrl-C or --minutes.");
  addGlobalFlags(cmd, g);
  cmd->add_flag("--headless", o->headless, "Do not print the dashboard (it listens on a free port); print the summary only");
  cmd->add_option("--minutes", o->minutes, "How long the live phase runs (0 = until Ctrl-C)")->capture_default_str();
  cmd->add_option("--listen", o->listen, "HOST:PORT of the dashboard and API (default: server.listen; port 0 picks one)");
  cmd->add_option("--rows", o->rows, "Rows in the generated list")->capture_default_str();
  cmd->add_flag("--import-only", o->import_only, "Run phase 1 only (organisation, campaign, list import)");
  auto* offset_opt = cmd->add_option(
      "--clock-offset-s", o->clock_offset_s,
      "The live phases (all on loopback) run their clock this many seconds from the system clock. "
      "Default: 0 when the calling rules allow the demo campaign to dial now, else the offset to the next "
      "13:00 New York time at which they do (printed)");
  cmd->add_option("--pacer", o->pacer,
                  "Pacer of the live phase (default: [pacing] pacer, i.e. ours, \"clearline\"); "
                  "`clearline simulate --list-pacers` lists them");
  cmd->add_option("--knob", o->pacer_knob, "The pacer's knob (e.g. fixed-ratio's lines per caller); default: its own");
  cmd->add_flag("--real-clock", o->real_clock,
                "Never move the demo's clock: outside real calling hours (nights, Sundays) the demo places no calls");
  cmd->callback([&g, o, offset_opt] {
    o->clock_offset_given = offset_opt->count() > 0;
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    if (o->rows < 1 || o->minutes < 0) return (void)fail(g, Status::invalidArgument("--rows ≥ 1, --minutes ≥ 0"));
    if (!o->pacer.empty()) {
      std::string known;
      bool found = false;
      for (const auto& p : core::pacerCatalog()) {
        if (p.sim_only || p.markov_only) continue;
        found = found || p.name == o->pacer;
        known += (known.empty() ? "" : ", ") + p.name;
      }
      if (!found) return (void)fail(g, Status::invalidArgument("--pacer: unknown pacer \"" + o->pacer + "\" (known: " + known + ")"));
    }
    if (o->pacer_knob < 0) return (void)fail(g, Status::invalidArgument("--knob: must be ≥ 0 (0 = the pacer's default)"));
    DemoRun run{g, **ctx, *o, {}, {}, {}, Json::object(), {}};
    auto ps = phases();
    std::stable_sort(ps.begin(), ps.end(), [](auto& a, auto& b) { return a.order < b.order; });
    for (auto& p : ps) {
      if (o->import_only && p.order > 100) continue;
      Status st = p.run(run);
      if (!st.isOk()) {
        if (g.json) run.summary["failed_phase"] = p.name;
        return (void)fail(g, st.withContext("demo phase '" + p.name + "'"));
      }
      if (!g.json) {
        for (auto& l : run.lines) std::cout << l << "\n";
        run.lines.clear();
      }
    }
    if (g.json) printJson(run.summary);
  });
}

const RegisterCommand kRegister(registerDemo);

}  // namespace

RegisterDemoPhase::RegisterDemoPhase(DemoPhase p) { phases().push_back(std::move(p)); }

}  // namespace clearline::cli
