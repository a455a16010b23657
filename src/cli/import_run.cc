#include "cli/import_run.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace clearline::cli {

namespace {

std::string withCommas(int64_t n) {
  std::string s = std::to_string(n), out;
  int k = 0;
  for (auto it = s.rbegin(); it != s.rend(); ++it) {
    if (k && k % 3 == 0 && *it != '-') out.push_back(',');
    out.push_back(*it);
    ++k;
  }
  return {out.rbegin(), out.rend()};
}

std::set<int> parseAreaCodes(const std::string& s) {
  std::set<int> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      int v = std::stoi(item);
      if (v >= 200 && v <= 999) out.insert(v);
    } catch (...) {
    }
  }
  return out;
}

}  // namespace

int failImport(const GlobalOptions& g, const Status& s) {
  std::cerr << "clearline: " << s.message();
  if (!s.field().empty()) std::cerr << " [" << s.field() << "]";
  std::cerr << "\n";
  if (g.json) {
    Json e{{"code", statusCodeName(s.code())}, {"message", s.message()}};
    if (!s.field().empty()) e["field"] = s.field();
    printJson(Json{{"error", e}, {"read", 0}, {"imported", 0}, {"duplicates", 0}, {"rejected", 0}});
  }
  int code = exitCodeFor(s);
  setExit(code);
  return code;
}

Result<import::ImportOutcome> runImportCommand(Context& ctx, const ImportRequest& req) {
  import::ImportOptions o;
  o.file = req.file;
  o.campaign = req.campaign;
  o.list_name = req.list_name;
  o.map_overrides = req.maps;
  ASSIGN_OR_RETURN(o.dedupe, core::parseDedupeScope(req.dedupe.empty() ? ctx.config.getString("import.dedupe_scope")
                                                                        : req.dedupe));
  o.region = req.region.empty() ? ctx.config.getString("import.default_region") : req.region;
  o.allow_international = req.allow_international;
  o.delimiter = req.delimiter;
  o.rejects_file = req.rejects;
  std::error_code ec;
  auto data_dir = std::filesystem::absolute(ctx.data_dir, ec);
  o.rejects_dir = ((ec ? std::filesystem::path(ctx.data_dir) : data_dir) / "rejects").lexically_normal().string();
  o.resume = req.resume;
  o.batch_rows = req.batch_rows > 0 ? req.batch_rows : ctx.config.getInt("import.batch_rows");
  if (o.batch_rows < 1) o.batch_rows = 1;
  o.extra_area_codes = parseAreaCodes(ctx.config.getString("import.extra_area_codes"));
  // Test seams (docs/import.md): CLEARLINE_IMPORT_FAULT; max_db_pages=N is
  // applied here (SQLite then reports a full disk), the rest by the importer.
  if (const char* f = std::getenv("CLEARLINE_IMPORT_FAULT")) {
    std::stringstream ss(f);
    std::string item;
    while (std::getline(ss, item, ',')) {
      if (item.rfind("max_db_pages=", 0) == 0) {
        RETURN_IF_ERROR(ctx.store->db().exec("PRAGMA max_page_count=" + std::to_string(std::stoll(item.substr(13)))));
      } else if (!item.empty()) {
        o.fault_spec += (o.fault_spec.empty() ? "" : ",") + item;
      }
    }
  }
  import::ImportHooks hooks;
  hooks.cancelled = [] { return interrupted(); };
  const bool bar = req.progress && ::isatty(2);
  auto t0 = std::chrono::steady_clock::now();
  auto last = t0;
  if (bar) {
    hooks.progress = [&, t0](int64_t done, int64_t total, const core::ImportCounts& c) mutable {
      auto now = std::chrono::steady_clock::now();
      if (now - last < std::chrono::milliseconds(100) && done < total) return;
      last = now;
      double frac = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
      int w = 30, fill = static_cast<int>(frac * w);
      double secs = std::chrono::duration<double>(now - t0).count();
      std::fprintf(stderr, "\r\033[Kimporting [%s%s] %3d%%  %s rows  %s rows/s  (%s rejected, %s duplicates)",
                   std::string(fill, '#').c_str(), std::string(w - fill, '.').c_str(),
                   static_cast<int>(frac * 100), withCommas(c.read).c_str(),
                   withCommas(secs > 0 ? static_cast<int64_t>(c.read / secs) : 0).c_str(),
                   withCommas(c.rejected).c_str(), withCommas(c.duplicates).c_str());
      std::fflush(stderr);
    };
  }
  storage::SqliteContactStore store(ctx.store->db(), ctx.clock);
  auto out = import::runImport(store, ctx.actor, o, hooks);
  if (bar) std::fprintf(stderr, "\r\033[K");
  return out;
}

Json importSummaryJson(const import::ImportOutcome& out) {
  Json j = out.record.toJson();
  j["ok"] = out.status.isOk();
  j["seconds"] = out.seconds;
  j["rows_per_s"] = out.seconds > 0 ? static_cast<int64_t>(out.record.counts.read / out.seconds) : 0;
  j["phone_cache"] = Json{{"hits", out.phone_cache_hits}, {"misses", out.phone_cache_misses}};
  Json notes = Json::array();
  for (auto& n : out.first_rejects) notes.push_back(Json{{"line", n.line}, {"column", n.column}, {"reason", n.reason}});
  j["first_rejects"] = notes;
  if (!out.status.isOk()) {
    j["error"] = Json{{"code", statusCodeName(out.status.code())}, {"message", out.status.message()}};
    if (!out.status.field().empty()) j["error"]["field"] = out.status.field();
    j["state_saved"] = out.state_saved;
  }
  return j;
}

void printImportOutcome(const GlobalOptions& g, Context& ctx, const import::ImportOutcome& out) {
  (void)ctx;
  const auto& r = out.record;
  const auto& c = r.counts;
  std::string file = std::filesystem::path(r.file).filename().string();
  for (auto& n : out.first_rejects) {
    std::cerr << "clearline: " << file << ":" << n.line << ": column '" << n.column << "': " << n.reason << "\n";
  }
  if (c.rejected > static_cast<int64_t>(out.first_rejects.size())) {
    std::cerr << "clearline: … " << (c.rejected - static_cast<int64_t>(out.first_rejects.size()))
              << " more rejected rows in " << r.rejects_file << "\n";
  }
  if (!out.status.isOk()) {
    std::cerr << "clearline: import " << r.id.value << " stopped: " << out.status.message() << "\n";
    if (!out.state_saved) {
      std::cerr << "clearline: (could not record the failure; the import stays 'running' with the last "
                   "committed resume point)\n";
    }
  }
  if (g.json) {
    printJson(importSummaryJson(out));
  } else {
    std::cout << "import " << r.id.value << " " << core::toString(r.state) << ": read " << c.read << ", imported "
              << c.imported << ", duplicates " << c.duplicates << ", rejected " << c.rejected << "  (list "
              << r.list_id.value << ", campaign " << r.campaign_id.value << ")\n"
              << "phones: " << c.phones_imported << " stored, " << c.phones_duplicate << " already present, "
              << c.phones_invalid << " invalid extra numbers kept as custom fields\n"
              << "rejects: " << r.rejects_file << "\n";
    if (out.seconds > 0) {
      std::cout << "time: " << static_cast<int64_t>(out.seconds * 1000) << " ms ("
                << static_cast<int64_t>(c.read / out.seconds) << " rows/s)\n";
    }
  }
  setExit(exitCodeFor(out.status));
}

}  // namespace clearline::cli
