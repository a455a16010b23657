#include "api/imports.h"

#include <future>

#include "common/log.h"
#include "storage/sqlite/sqlite_contact_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::api {

namespace {

// Forwards to the real contact store and says when the import row exists
// (the importer has accepted the file): start() answers at that moment.
class AnnouncingStore final : public core::ForwardingContactStore {
 public:
  AnnouncingStore(core::ContactStore& inner, std::function<void(const core::ImportRecord&)> on_start)
      : ForwardingContactStore(inner), on_start_(std::move(on_start)) {}

  Result<core::ImportRecord> startImport(core::ImportRecord r, const core::Actor& actor) override {
    auto out = inner_.startImport(std::move(r), actor);
    if (out.isOk()) on_start_(*out);
    return out;
  }

 private:
  std::function<void(const core::ImportRecord&)> on_start_;
};

}  // namespace

Json progressJson(const ImportProgress& p) {
  double fraction = p.bytes_total > 0 ? static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total) : 0.0;
  if (p.done && p.state == "committed") fraction = 1.0;
  if (fraction > 1.0) fraction = 1.0;
  Json j{{"import_id", p.id.value},   {"campaign_id", p.campaign.value}, {"state", p.state},
         {"done", p.done},            {"bytes_done", p.bytes_done},      {"bytes_total", p.bytes_total},
         {"fraction", fraction},      {"read", p.counts.read},           {"imported", p.counts.imported},
         {"duplicates", p.counts.duplicates}, {"rejected", p.counts.rejected}};
  if (!p.error.empty()) j["error"] = p.error;
  return j;
}

ImportRunner::ImportRunner(const Clock& clock, int busy_timeout_ms) : clock_(clock), busy_ms_(busy_timeout_ms) {}

ImportRunner::~ImportRunner() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ImportRunner::publish(const ImportProgress& p) {
  {
    std::lock_guard<std::mutex> l(mu_);
    live_[p.id.value] = p;
  }
  core::EventSink* sink = sink_.load();
  if (!sink) return;
  core::DomainEvent ev;
  ev.type = "import.progress";
  ev.campaign_id = p.campaign.str();
  ev.data = progressJson(p);
  ev.at = clock_.now();
  sink->publish(ev);
}

std::optional<ImportProgress> ImportRunner::progress(ImportId id) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = live_.find(id.value);
  if (it == live_.end()) return std::nullopt;
  return it->second;
}

Result<core::ImportRecord> ImportRunner::start(storage::SqliteDb& db, import::ImportOptions opts,
                                               const core::Actor& actor) {
  bool idle = false;
  if (!running_.compare_exchange_strong(idle, true))
    return Status::failedPrecondition("another list import is running: wait until it is done", "file");
  if (thread_.joinable()) thread_.join();
  stop_ = false;
  auto answer = std::make_shared<std::promise<Result<core::ImportRecord>>>();
  auto future = answer->get_future();

  // The import itself, on whichever connection it is given.
  auto body = [this, opts = std::move(opts), actor, answer](storage::SqliteDb& conn) {
    bool announced = false;
    ImportProgress prog;
    storage::SqliteContactStore inner(conn, clock_);
    AnnouncingStore store(inner, [&](const core::ImportRecord& r) {
      prog.id = r.id;
      prog.campaign = r.campaign_id;
      prog.bytes_total = r.file_size;
      prog.bytes_done = r.resume_offset;
      publish(prog);
      announced = true;
      answer->set_value(r);
    });
    import::ImportHooks hooks;
    hooks.cancelled = [this] { return stop_.load(); };
    hooks.progress = [&](int64_t done, int64_t total, const core::ImportCounts& counts) {
      if (!announced) return;
      prog.bytes_done = done;
      prog.bytes_total = total;
      prog.counts = counts;
      publish(prog);
    };
    auto out = import::runImport(store, actor, opts, hooks);
    if (!announced) {
      answer->set_value(out.isOk() ? Status::internal("the import ended before it started") : out.status());
      return;
    }
    if (out.isOk()) {
      const auto& r = out->record;
      prog.state = std::string(core::toString(r.state));
      prog.counts = r.counts;
      prog.bytes_done = r.state == core::ImportState::kCommitted ? r.file_size : r.resume_offset;
      prog.bytes_total = r.file_size;
      if (!out->status.isOk()) prog.error = out->status.message();
      for (auto& n : out->first_rejects)
        prog.first_rejects.push_back(Json{{"line", n.line}, {"column", n.column}, {"reason", n.reason}});
    } else {
      prog.state = "failed";
      prog.error = out.status().message();
    }
    prog.done = true;
    if (!prog.error.empty()) spdlog::warn("list import {} {}: {}", prog.id.value, prog.state, prog.error);
    publish(prog);
  };

  if (db.path().empty() || db.path() == ":memory:") {
    body(db);
    running_ = false;
    return future.get();
  }
  thread_ = std::thread([this, body = std::move(body), path = db.path(), answer]() mutable {
    auto conn = storage::SqliteStore::open(path, clock_, busy_ms_);
    if (!conn.isOk()) answer->set_value(conn.status());
    else body((*conn)->db());
    running_ = false;
  });
  return future.get();
}

}  // namespace clearline::api
