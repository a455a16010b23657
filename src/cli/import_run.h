// Running a list import from the command line: shared by `clearline import`
// and `clearline demo`. Reads defaults from config ([import]), wires Ctrl-C and
// the progress bar, prints the summary (docs/cli.md, docs/import.md).
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"
#include "import/importer.h"
#include "storage/sqlite/sqlite_contact_store.h"

namespace clearline::cli {

struct ImportRequest {
  std::string file;
  CampaignId campaign;
  std::string list_name;
  std::vector<std::string> maps;
  std::string dedupe;   // empty: config import.dedupe_scope
  std::string region;   // empty: config import.default_region
  bool allow_international = false;
  std::string delimiter = ",";
  std::string rejects;  // empty: DATA_DIR/rejects/import-<id>-rejects.csv
  ImportId resume;
  int64_t batch_rows = 0;  // 0: config import.batch_rows
  bool progress = true;    // a progress bar on stderr when it is a terminal
};

// Runs the import. Non-OK: nothing was stored (bad file/header/options).
Result<import::ImportOutcome> runImportCommand(Context& ctx, const ImportRequest& req);
// The summary object (--json) for an outcome.
Json importSummaryJson(const import::ImportOutcome& out);
// Prints the outcome (JSON or text) and sets the exit code.
void printImportOutcome(const GlobalOptions& g, Context& ctx, const import::ImportOutcome& out);
// Like fail(), but with --json the object also carries zero counts.
int failImport(const GlobalOptions& g, const Status& s);

}  // namespace clearline::cli
