// List imports over the API (issue 7 §2, issue 8 §2): the uploaded CSV is
// already written to a file under DATA_DIR/uploads by the handler; the
// ImportRunner runs the importer (src/import) on that file on its own thread
// with its own SQLite connection, so neither the API's request threads nor the
// signalling loop ever wait for an import. Progress (bytes read of the file
// and the record counts, read = imported + duplicates + rejected) is kept in
// memory for GET /api/v1/imports/{id} and pushed as `import.progress`
// DomainEvents to the event sink (the WebSocket hub).
//
// One import runs at a time: start() answers FailedPrecondition while another
// is running. start() returns once the import row exists (the importer has
// hashed the file, read the header and found a record); a file refused before
// that (no header, no phone column, no record) is an error and nothing is
// stored. Destroying the runner cancels a running import (it stays
// `cancelled` with its resume point; `clearline import --resume ID` continues).
//
// With an in-memory store (":memory:", unit tests) the import runs on the
// caller's thread on the caller's connection instead.
// Thread-safety: every public method may be called from any thread.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"
#include "core/ports/contact_store.h"
#include "core/ports/event_sink.h"
#include "import/importer.h"
#include "storage/sqlite/sqlite_db.h"

namespace clearline::api {

// What an import looks like while (or after) it runs in this process.
struct ImportProgress {
  ImportId id;
  CampaignId campaign;
  int64_t bytes_done = 0;
  int64_t bytes_total = 0;
  core::ImportCounts counts;
  std::string state = "running";  // core::ImportState as text
  bool done = false;
  std::string error;
  Json first_rejects = Json::array();  // [{line, column, reason}] (at most ten)
};

// The `import.progress` event's data and GET /api/v1/imports/{id}'s fields.
Json progressJson(const ImportProgress& p);

class ImportRunner {
 public:
  ImportRunner(const Clock& clock, int busy_timeout_ms = 5000);
  ~ImportRunner();
  ImportRunner(const ImportRunner&) = delete;
  ImportRunner& operator=(const ImportRunner&) = delete;

  void setSink(core::EventSink* sink) { sink_.store(sink); }

  // Starts importing `opts.file`. `db` is the caller's connection: its path
  // names the store the import thread opens (":memory:" runs here, on `db`).
  Result<core::ImportRecord> start(storage::SqliteDb& db, import::ImportOptions opts, const core::Actor& actor);

  // Whether an import is running now.
  bool busy() const { return running_.load(); }

  // The live progress of an import started by this process, if any.
  std::optional<ImportProgress> progress(ImportId id) const;

 private:
  void publish(const ImportProgress& p);
  import::ImportHooks hooksFor(ImportId* id);

  const Clock& clock_;
  int busy_ms_;
  std::atomic<core::EventSink*> sink_{nullptr};
  std::atomic<bool> running_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::map<int64_t, ImportProgress> live_;
};

}  // namespace clearline::api
