// The list importer: CSV file → contacts and phones in a ContactStore, with a
// rejects file and an exact account of every record (docs/import.md).
//
// Flow: hash the file (SHA-256), read the header, build the column mapping,
// check there is at least one data record — any problem so far is an error and
// nothing is stored. Then start an import (list + import row + audit event)
// and read the rest in batches of `batch_rows` records; each batch commits its
// contacts, the counters and the resume point together. Anything that stops
// the import midway (Ctrl-C, a read error, the file changing, the disk filling
// up) rolls back the open batch and leaves the import `cancelled`/`failed`
// with the resume point of the last committed batch; `--resume ID` continues
// from there. Invariant after every commit: read = imported + duplicates + rejected,
// and the rejects file holds exactly `rejected` records.
//
// Two threads (docs/import.md "Two threads"): a reader thread parses, checks
// and normalises batch n+1 while the calling thread dedupes and commits batch
// n; at most kBatchesInFlight (3) batches are in memory. The store is used
// only from the calling thread. One import per Run; runImport may be called
// from any thread.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "core/ports/contact_store.h"

namespace clearline::import {

struct ImportOptions {
  std::string file;
  CampaignId campaign;
  std::string list_name;                  // default: the file's name
  std::vector<std::string> map_overrides; // "COLUMN=FIELD"
  core::DedupeScope dedupe = core::DedupeScope::kCampaign;
  std::string region = "US";
  bool allow_international = false;
  std::string delimiter = ",";            // one character, "\t", or "auto"
  std::string rejects_file;               // empty: <rejects_dir>/import-<id>-rejects.csv
  std::string rejects_dir;
  ImportId resume;                        // continue this import instead of starting one
  int64_t batch_rows = 5000;
  std::set<int> extra_area_codes;
  std::string fault_spec;                 // test seam (CLEARLINE_IMPORT_FAULT)
};

struct RejectNote {
  int64_t line = 0;
  std::string column;
  std::string reason;
};

struct ImportHooks {
  // Polled before every record, on the importer's reader thread.
  std::function<bool()> cancelled;
  // Called after every committed batch, on the thread that called runImport:
  // bytes committed so far, file size, the committed counts.
  std::function<void(int64_t done, int64_t total, const core::ImportCounts&)> progress;
};

struct ImportOutcome {
  core::ImportRecord record;     // state and counts as stored
  Status status;                 // OK, or why the import stopped (record says where)
  std::vector<RejectNote> first_rejects;  // the first few, for the terminal
  double seconds = 0;
  int64_t phone_cache_hits = 0, phone_cache_misses = 0;
  bool state_saved = true;       // false if even recording the failure failed (e.g. disk full)
};

// Runs one import. A non-OK Result means nothing was stored (bad file, bad
// header, bad options); an import that started always returns an outcome.
Result<ImportOutcome> runImport(core::ContactStore& store, const core::Actor& actor,
                                const ImportOptions& opts, const ImportHooks& hooks);

}  // namespace clearline::import
