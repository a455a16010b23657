// clearline export calls|productivity: CSV for a campaign manager — call
// records with survey answers (one column per question) keyed by the voter-file
// id, and productivity per caller or per site. Streams to stdout (or --out).
#include <fstream>
#include <iostream>

#include "api/exports.h"
#include "cli/command.h"

namespace clearline::cli {
namespace {

struct ExportOpts {
  int64_t campaign = 0;
  std::string from, to, by = "caller", out;
};

void run(const GlobalOptions& g, const ExportOpts& o, bool calls) {
  auto range = api::parseExportRange(o.from, o.to);
  if (!range.isOk()) return (void)fail(g, range.status());
  api::ProductivityBy by = api::ProductivityBy::kCaller;
  if (!calls) {
    auto b = api::parseProductivityBy(o.by);
    if (!b.isOk()) return (void)fail(g, b.status());
    by = *b;
  }
  auto ctx = openContext(g);
  if (!ctx.isOk()) return (void)fail(g, ctx.status());
  auto camp = (*ctx)->store->campaigns().getCampaign(CampaignId(o.campaign));
  if (!camp.isOk()) return (void)fail(g, camp.status());
  std::ofstream file;
  std::ostream* os = &std::cout;
  if (!o.out.empty()) {
    file.open(o.out, std::ios::binary | std::ios::trunc);
    if (!file) return (void)fail(g, Status::unavailable("cannot write " + o.out));
    os = &file;
  }
  size_t bytes = 0;
  api::CsvSink sink = [&](std::string_view piece) -> Status {
    os->write(piece.data(), static_cast<std::streamsize>(piece.size()));
    bytes += piece.size();
    return *os ? Status::ok() : Status::unavailable("write failed" + (o.out.empty() ? std::string() : ": " + o.out));
  };
  auto& db = (*ctx)->store->db();
  Status st = calls ? api::writeCallsCsv(db, CampaignId(o.campaign), *range, sink)
                    : api::writeProductivityCsv(db, CampaignId(o.campaign), *range, by, sink,
                                                std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()));
  if (st.isOk()) os->flush();
  if (!st.isOk()) return (void)fail(g, st);
  if (!o.out.empty()) std::cerr << "wrote " << bytes << " bytes to " << o.out << "\n";
}

void registerExport(CLI::App& root, GlobalOptions& g) {
  auto* cmd = root.add_subcommand("export", "CSV exports: call records with survey answers, productivity");
  cmd->require_subcommand(1);
  auto o = std::make_shared<ExportOpts>();
  auto common = [&g, o](CLI::App* c) {
    addGlobalFlags(c, g);
    c->add_option("--campaign", o->campaign, "Campaign id")->required();
    c->add_option("--from", o->from, "From: YYYY-MM-DD or ISO 8601 instant (default: the beginning)");
    c->add_option("--to", o->to, "To (a bare date includes that whole day; default: now and later)");
    c->add_option("--out", o->out, "Write to this file instead of stdout");
  };
  auto* calls = cmd->add_subcommand(
      "calls", "One row per call: voter id, name, address, number, times, outcome, disposition, caller, site, "
               "authorization id, and one column per survey question (q:<key>)");
  common(calls);
  calls->callback([&g, o] { run(g, *o, true); });
  auto* prod = cmd->add_subcommand("productivity", "Calls, connects, talk time and connects per hour, per caller, site or vendor");
  common(prod);
  prod->add_option("--by", o->by, "caller | site | vendor (the vendor whose engagement each call was made under)")->capture_default_str();
  prod->callback([&g, o] { run(g, *o, false); });
}

const RegisterCommand kRegister(registerExport);

}  // namespace
}  // namespace clearline::cli
