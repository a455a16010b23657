// clearline import FILE --campaign ID [...]   and   clearline imports list|show
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "cli/import_run.h"

namespace clearline::cli {
namespace {

struct ImportOpts {
  std::string file, list_name, dedupe, region, rejects, delimiter = ",";
  std::vector<std::string> maps;
  int64_t campaign = 0, resume = 0, batch_rows = 0, id = 0;
  bool allow_international = false, no_progress = false;
};

void registerImport(CLI::App& root, GlobalOptions& g) {
  auto o = std::make_shared<ImportOpts>();
  auto* cmd = root.add_subcommand(
      "import",
      "Import a CSV contact list into a campaign (docs/import.md). Prints read, imported, duplicates,\n"
      "rejected (read = imported + duplicates + rejected); every rejected row goes to the rejects file\n"
      "with its line, column and reason. Resumable: an interrupted import can be continued with --resume.");
  addGlobalFlags(cmd, g);
  cmd->add_option("file", o->file, "CSV file (RFC 4180, UTF-8; header row first)")->required();
  cmd->add_option("--campaign", o->campaign, "Campaign id")->required();
  cmd->add_option("--list-name", o->list_name, "Name of the new contact list (default: the file name)");
  cmd->add_option("--map", o->maps,
                  "Override a column's field: COLUMN=FIELD (repeatable); COLUMN is a header name or #N;\n"
                  "FIELD: external_id, first_name, last_name, address, city, state, zip, timezone, phone,\n"
                  "country_code, line_type, consent, consent_at, consent_source, custom, ignore");
  cmd->add_option("--dedupe", o->dedupe, "Duplicate scope: list | campaign | organisation (default: config import.dedupe_scope)");
  cmd->add_option("--region", o->region, "Region for numbers without a country code (default: config import.default_region)");
  cmd->add_flag("--allow-international", o->allow_international,
                "Accept valid numbers outside the region's country calling code");
  cmd->add_option("--delimiter", o->delimiter, "Field delimiter: one character, 'tab', or 'auto' (default ',')");
  cmd->add_option("--rejects", o->rejects,
                  "Rejects CSV (line,column,reason,raw); default DATA_DIR/rejects/import-<id>-rejects.csv");
  cmd->add_option("--resume", o->resume, "Continue the interrupted or failed import with this id");
  cmd->add_option("--batch-rows", o->batch_rows,
                  "Rows a transaction, 1..100000 (default: config import.batch_rows)")
      ->check(CLI::Range(int64_t{1}, int64_t{100000}));
  cmd->add_flag("--no-progress", o->no_progress, "No progress bar, even on a terminal");
  cmd->callback([&g, o] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)failImport(g, ctx.status());
    ImportRequest req;
    req.file = o->file;
    req.campaign = CampaignId(o->campaign);
    req.list_name = o->list_name;
    req.maps = o->maps;
    req.dedupe = o->dedupe;
    req.region = o->region;
    req.allow_international = o->allow_international;
    req.delimiter = o->delimiter;
    req.rejects = o->rejects;
    req.resume = ImportId(o->resume);
    req.batch_rows = o->batch_rows;
    req.progress = !o->no_progress;
    auto res = runImportCommand(**ctx, req);
    if (!res.isOk()) return (void)failImport(g, res.status());
    printImportOutcome(g, **ctx, *res);
  });

  auto* imports = root.add_subcommand("imports", "List import runs and their state (running, committed, failed, cancelled)");
  imports->require_subcommand(1);
  auto* list = imports->add_subcommand("list", "List imports");
  addGlobalFlags(list, g);
  list->add_option("--campaign", o->campaign, "Only this campaign");
  list->callback([&g, o] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    storage::SqliteContactStore store((*ctx)->store->db(), (*ctx)->clock);
    auto all = store.listImports(CampaignId(o->campaign));
    if (!all.isOk()) return (void)fail(g, all.status());
    if (g.json) {
      Json arr = Json::array();
      for (auto& r : *all) arr.push_back(r.toJson());
      return printJson(Json{{"imports", arr}});
    }
    if (all->empty()) std::cout << "no imports yet: clearline import FILE --campaign ID\n";
    for (auto& r : *all) {
      std::cout << "import " << r.id.value << "  campaign " << r.campaign_id.value << "  list " << r.list_id.value
                << "  " << core::toString(r.state) << "  read " << r.counts.read << ", imported "
                << r.counts.imported << ", duplicates " << r.counts.duplicates << ", rejected " << r.counts.rejected
                << "  " << r.file << "\n";
    }
  });
  auto* show = imports->add_subcommand("show", "Show one import");
  addGlobalFlags(show, g);
  show->add_option("id", o->id, "Import id")->required();
  show->callback([&g, o] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    storage::SqliteContactStore store((*ctx)->store->db(), (*ctx)->clock);
    auto r = store.getImport(ImportId(o->id));
    if (!r.isOk()) return (void)fail(g, r.status());
    printJson(r->toJson());
  });
}

const RegisterCommand kRegister(registerImport);

}  // namespace
}  // namespace clearline::cli
