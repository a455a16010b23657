#include "api/exports.h"

#include <map>

#include <cstdio>
#include <optional>
#include <vector>

#include "common/csv_write.h"
#include "common/time_util.h"

namespace clearline::api {

using storage::Stmt;

namespace {

constexpr size_t kFlushBytes = 64 * 1024;

std::string isoOrEmpty(Stmt& s, int col) { return s.isNull(col) ? "" : formatIsoUtc(fromEpochMillis(s.int64(col))); }

std::string numOrEmpty(Stmt& s, int col) { return s.isNull(col) ? "" : std::to_string(s.int64(col)); }

void bindRange(Stmt& s, int first, const ExportRange& r) {
  s.bind(first, r.from ? toEpochMillis(*r.from) : INT64_MIN);
  s.bind(first + 1, r.to ? toEpochMillis(*r.to) : INT64_MAX);
}

struct Row {
  std::string& buf;
  bool first = true;
  void cell(std::string_view v, CsvGuard g = CsvGuard::kFormula) {
    if (!first) buf.push_back(',');
    first = false;
    appendCsvCell(buf, v, g);
  }
  void end() {
    buf.append("\r\n");
    first = true;
  }
};

Status flushIfFull(std::string& buf, const CsvSink& sink, bool force = false) {
  if (buf.empty() || (!force && buf.size() < kFlushBytes)) return Status::ok();
  Status st = sink(buf);
  buf.clear();
  return st;
}

// A readable outcome from the call record's facts (the disposition, when
// there is one, is its own column): abandoned, connected, machine, answered,
// else the hang-up cause (no_answer, busy …), else the call's state.
std::string outcome(Stmt& s) {
  if (s.int64(21) != 0) return "abandoned";
  if (!s.isNull(14)) return "connected";
  if (s.text(18) == "machine") return "machine";
  if (!s.isNull(13)) return "answered";
  if (!s.isNull(19) && !s.text(19).empty()) return s.text(19);
  return s.text(16);
}

Result<TimePoint> parseWhen(const std::string& s, const char* field) {
  auto t = s.size() == 10 ? parseDateUtc(s) : parseIso(s);
  if (!t.isOk()) {
    return Status::invalidArgument(std::string(field) + ": '" + s +
                                       "' is not YYYY-MM-DD or an ISO 8601 instant with an offset",
                                   field);
  }
  return *t;
}

}  // namespace

Result<ExportRange> parseExportRange(const std::string& from, const std::string& to) {
  ExportRange r;
  if (!from.empty()) {
    ASSIGN_OR_RETURN(r.from, parseWhen(from, "from"));
  }
  if (!to.empty()) {
    ASSIGN_OR_RETURN(TimePoint t, parseWhen(to, "to"));
    r.to = to.size() == 10 ? t + std::chrono::hours(24) : t;
  }
  if (r.from && r.to && *r.to <= *r.from) return Status::invalidArgument("to must be after from", "to");
  return r;
}

Status writeCallsCsv(storage::SqliteDb& db, CampaignId campaign, const ExportRange& range, const CsvSink& sink) {
  // The survey's questions, in the order they were first answered.
  std::vector<std::string> questions;
  {
    ASSIGN_OR_RETURN(Stmt q, db.prepare(
        "SELECT r.question_key FROM survey_responses r JOIN calls c ON c.id = r.call_id WHERE c.campaign_id=?"
        " GROUP BY r.question_key ORDER BY MIN(r.id)"));
    q.bind(1, campaign.value);
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.step());
      if (!row) break;
      questions.push_back(q.text(0));
    }
  }
  std::string buf;
  Row row{buf};
  for (const char* h : {"call_id",
                        "voter_id",
                        "contact_id",
                        "first_name",
                        "last_name",
                        "address",
                        "city",
                        "state",
                        "zip",
                        "phone",
                        "line_type",
                        "dial_mode",
                        "dialed_at",
                        "answered_at",
                        "bridged_at",
                        "ended_at",
                        "talk_seconds",
                        "outcome",
                        "disposition",
                        "answered_by",
                        "hangup_cause",
                        "sip_status",
                        "abandoned",
                        "safe_harbor_played",
                        "caller",
                        "site_id",
                        "worker_category",
                        "authorization_id",
                        "recording",
                        "greeting_end_at",
                        "wrapped_at"})
    row.cell(h);
  for (auto& q : questions) row.cell("q:" + q);
  row.end();

  ASSIGN_OR_RETURN(Stmt s,
                   db.prepare("SELECT c.id, COALESCE(t.external_id,''), COALESCE(c.contact_id,''), "
                              "COALESCE(t.first_name,''),"
                              " COALESCE(t.last_name,''), COALESCE(t.address,''), "
                              "COALESCE(t.city,''), COALESCE(t.state,''),"
                              " COALESCE(t.zip,''), c.called_number, COALESCE(c.line_type,''), "
                              "c.dial_mode, c.dialed_at, c.answered_at,"
                              " c.bridged_at, c.ended_at, c.state, COALESCE(c.disposition,''), "
                              "COALESCE(c.answered_by,''),"
                              " c.hangup_cause, c.sip_status, c.abandoned, c.safe_harbor_played, "
                              "COALESCE(c.caller_ref,''),"
                              " COALESCE(c.site_id,''), COALESCE(c.worker_category,''), "
                              "COALESCE(c.authorization_id,''),"
                              " COALESCE(c.recording_ref,''), c.greeting_end_at, c.wrapped_at"
                              " FROM calls c LEFT JOIN contacts t ON t.id = c.contact_id"
                              " WHERE c.campaign_id=? AND COALESCE(c.dialed_at, c.queued_at, 0) >= "
                              "? AND COALESCE(c.dialed_at, c.queued_at, 0) < ?"
                              " ORDER BY c.id"));
  s.bind(1, campaign.value);
  bindRange(s, 2, range);
  ASSIGN_OR_RETURN(Stmt* answers, db.cached("SELECT question_key, answer FROM survey_responses WHERE call_id=? ORDER BY id"));
  std::vector<std::string> cells(questions.size());
  while (true) {
    ASSIGN_OR_RETURN(bool more, s.step());
    if (!more) break;
    row.cell(s.text(0), CsvGuard::kNone);
    row.cell(s.text(1));
    row.cell(s.text(2), CsvGuard::kNone);
    for (int i = 3; i <= 8; ++i) row.cell(s.text(i));
    row.cell(s.text(9), CsvGuard::kNone);  // E.164: "+1…" is a number, not a formula
    row.cell(s.text(10));
    row.cell(s.text(11));
    row.cell(isoOrEmpty(s, 12), CsvGuard::kNone);
    row.cell(isoOrEmpty(s, 13), CsvGuard::kNone);
    row.cell(isoOrEmpty(s, 14), CsvGuard::kNone);
    row.cell(isoOrEmpty(s, 15), CsvGuard::kNone);
    std::string talk;
    if (!s.isNull(14) && !s.isNull(15) && s.int64(15) >= s.int64(14)) {
      char b[32];
      std::snprintf(b, sizeof b, "%.1f", static_cast<double>(s.int64(15) - s.int64(14)) / 1000.0);
      talk = b;
    }
    row.cell(talk, CsvGuard::kNone);
    row.cell(outcome(s));
    row.cell(s.text(17));
    row.cell(s.text(18));
    row.cell(s.isNull(19) ? "" : s.text(19));
    row.cell(numOrEmpty(s, 20), CsvGuard::kNone);
    row.cell(s.int64(21) ? "1" : "0", CsvGuard::kNone);
    row.cell(s.int64(22) ? "1" : "0", CsvGuard::kNone);
    for (int i = 23; i <= 27; ++i) row.cell(s.text(i));
    row.cell(isoOrEmpty(s, 28), CsvGuard::kNone);  // the greeting's end as the edge heard it (R2)
    row.cell(isoOrEmpty(s, 29), CsvGuard::kNone);  // the caller's disposition (end of wrap-up)
    if (!questions.empty()) {
      for (auto& c : cells) c.clear();
      answers->reset();
      answers->bind(1, s.int64(0));
      while (true) {
        ASSIGN_OR_RETURN(bool a, answers->step());
        if (!a) break;
        std::string key = answers->text(0);
        for (size_t i = 0; i < questions.size(); ++i)
          if (questions[i] == key) cells[i] = answers->text(1);  // the last answer to a question wins
      }
      answers->reset();
      for (auto& c : cells) row.cell(c);
    }
    row.end();
    RETURN_IF_ERROR(flushIfFull(buf, sink));
  }
  return flushIfFull(buf, sink, true);
}

Result<ProductivityBy> parseProductivityBy(std::string_view s) {
  if (s == "caller") return ProductivityBy::kCaller;
  if (s == "site") return ProductivityBy::kSite;
  if (s == "vendor") return ProductivityBy::kVendor;
  return Status::invalidArgument("'" + std::string(s) + "' is not caller, site or vendor", "by");
}

Status writeProductivityCsv(storage::SqliteDb& db, CampaignId campaign, const ExportRange& range,
                            ProductivityBy by, const CsvSink& sink, std::optional<TimePoint> now) {
  const bool per_caller = by == ProductivityBy::kCaller, per_vendor = by == ProductivityBy::kVendor;
  // Per caller: logged-in time from the stored sessions (caller_sessions.h),
  // clipped to the range; an open session lasts until `now` (else its last
  // recorded change). Callers logged in without a call are listed too.
  struct Logged {
    std::string site;
    int64_t ms = 0;
  };
  std::map<std::string, Logged> logged;
  if (per_caller) {
    ASSIGN_OR_RETURN(Stmt q, db.prepare(
        "SELECT caller_ref, MAX(site_id), SUM(MAX(0, MIN(COALESCE(ended_at, ?4, last_seen_at), ?3) - MAX(started_at, ?2)))"
        " FROM caller_sessions WHERE campaign_id = ?1 GROUP BY caller_ref ORDER BY caller_ref"));
    q.bind(1, campaign.value);
    bindRange(q, 2, range);
    if (now) q.bind(4, toEpochMillis(*now));
    else q.bindNull(4);
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.step());
      if (!row) break;
      logged[q.text(0)] = Logged{q.text(1), q.int64(2)};
    }
  }
  // Calls a caller took were routed to them (caller_ref set); a site's calls are
  // its callers' calls. Abandoned calls had no caller, so they count per site
  // only when no site is known ("(none)"). A vendor's calls are those made under
  // its engagement: the last engagement of the call's chain path names it.
  std::string key = per_caller ? "c.caller_ref"
                    : per_vendor
                        ? "COALESCE((SELECT json_extract(e.data, '$.agent_entity_id') FROM vendor_records e"
                          " WHERE e.kind = 'engagement' AND e.id = json_extract(c.engagement_path, '$[#-1]')"
                          " ORDER BY e.version DESC LIMIT 1), '(none)')"
                        : "COALESCE(c.site_id, '(none)')";
  ASSIGN_OR_RETURN(
      Stmt s,
      db.prepare(
          "SELECT " + key + ", " +
          (per_caller ? std::string("COALESCE(MAX(c.site_id),'')") : std::string("''")) +
          ", COUNT(*), SUM(c.bridged_at IS NOT NULL),"
          " COALESCE(SUM(CASE WHEN c.bridged_at IS NOT NULL AND c.ended_at >= c.bridged_at"
          "   THEN c.ended_at - c.bridged_at END), 0),"
          " SUM(c.abandoned), SUM(c.disposition IS NOT NULL AND c.disposition <> ''),"
          " MIN(COALESCE(c.dialed_at, c.queued_at)), MAX(COALESCE(c.ended_at, c.dialed_at, "
          "c.queued_at)),"
          " COUNT(DISTINCT c.caller_ref),"
          " AVG(CASE WHEN c.bridged_at IS NOT NULL AND c.wrapped_at >= c.ended_at THEN "
          "c.wrapped_at - c.ended_at END)"
          " FROM calls c WHERE c.campaign_id=? AND COALESCE(c.dialed_at, c.queued_at, 0) >= ?"
          " AND COALESCE(c.dialed_at, c.queued_at, 0) < ?" +
          (per_caller ? std::string(" AND c.caller_ref IS NOT NULL AND c.caller_ref <> ''")
                      : std::string()) +
          " GROUP BY 1 ORDER BY 1"));
  s.bind(1, campaign.value);
  bindRange(s, 2, range);
  std::string buf;
  Row row{buf};
  // The vendor's legal name, from its newest entity record.
  std::optional<Stmt> name_q;
  if (per_vendor) {
    ASSIGN_OR_RETURN(Stmt q, db.prepare("SELECT json_extract(data, '$.legal_name') FROM vendor_records"
                                        " WHERE kind = 'entity' AND id = ? ORDER BY version DESC LIMIT 1"));
    name_q.emplace(std::move(q));
  }
  if (per_caller) {
    row.cell("caller");
    row.cell("site_id");
  } else if (per_vendor) {
    row.cell("vendor_id");
    row.cell("vendor_name");
    row.cell("callers");
  } else {
    row.cell("site_id");
    row.cell("callers");
  }
  for (const char* h :
       {"calls", "connected", "talk_minutes", "average_talk_seconds", "average_wrap_seconds",
        "abandoned", "dispositioned", "first_call_at", "last_call_at", "connected_per_hour"})
    row.cell(h);
  if (per_caller) {
    row.cell("logged_in_hours");
    row.cell("connected_per_logged_in_hour");
  }
  row.end();
  char b[64];
  // The logged-in columns of one caller row: hours, and connected calls per
  // logged-in hour (empty under a minute logged in, where a rate means nothing).
  auto loggedCells = [&](const std::string& ref, int64_t connected) {
    auto it = logged.find(ref);
    int64_t ms = it == logged.end() ? 0 : it->second.ms;
    std::snprintf(b, sizeof b, "%.3f", static_cast<double>(ms) / 3600000.0);
    row.cell(b, CsvGuard::kNone);
    std::string rate;
    if (ms >= 60000) {
      std::snprintf(b, sizeof b, "%.1f", static_cast<double>(connected) * 3600000.0 / static_cast<double>(ms));
      rate = b;
    }
    row.cell(rate, CsvGuard::kNone);
  };
  // Callers with logged-in time but no call in the range, in caller order.
  auto idleUpTo = [&](const std::string* ref) -> Status {
    while (!logged.empty() && (!ref || logged.begin()->first < *ref)) {
      auto it = logged.begin();
      if (it->second.ms > 0) {
        row.cell(it->first);
        row.cell(it->second.site);
        for (const char* v : {"0", "0", "0.0", "0.0", "", "0", "0", "", "", ""})
          row.cell(v, CsvGuard::kNone);
        loggedCells(it->first, 0);
        row.end();
        RETURN_IF_ERROR(flushIfFull(buf, sink));
      }
      logged.erase(it);
    }
    return Status::ok();
  };
  while (true) {
    ASSIGN_OR_RETURN(bool more, s.step());
    if (!more) break;
    if (per_caller) {
      std::string ref = s.text(0);
      RETURN_IF_ERROR(idleUpTo(&ref));
    }
    row.cell(s.text(0));
    if (per_vendor) {
      std::string name;
      name_q->reset();
      name_q->bind(1, s.text(0));
      ASSIGN_OR_RETURN(bool found, name_q->step());
      if (found && !name_q->isNull(0)) name = name_q->text(0);
      row.cell(name);
    }
    row.cell(per_caller ? s.text(1) : std::to_string(s.int64(9)), per_caller ? CsvGuard::kFormula : CsvGuard::kNone);
    int64_t calls = s.int64(2), connected = s.int64(3), talk_ms = s.int64(4);
    row.cell(std::to_string(calls), CsvGuard::kNone);
    row.cell(std::to_string(connected), CsvGuard::kNone);
    std::snprintf(b, sizeof b, "%.1f", static_cast<double>(talk_ms) / 60000.0);
    row.cell(b, CsvGuard::kNone);
    std::snprintf(b, sizeof b, "%.1f", connected ? static_cast<double>(talk_ms) / 1000.0 / static_cast<double>(connected) : 0.0);
    row.cell(b, CsvGuard::kNone);
    // From a connected call's end to its caller's disposition; empty without one.
    std::string wrap;
    if (!s.isNull(10)) {
      std::snprintf(b, sizeof b, "%.1f", s.dbl(10) / 1000.0);
      wrap = b;
    }
    row.cell(wrap, CsvGuard::kNone);
    row.cell(std::to_string(s.int64(5)), CsvGuard::kNone);
    row.cell(std::to_string(s.int64(6)), CsvGuard::kNone);
    row.cell(isoOrEmpty(s, 7), CsvGuard::kNone);
    row.cell(isoOrEmpty(s, 8), CsvGuard::kNone);
    // Over the span from the first dial to the last hang-up (an upper bound on
    // time worked); empty for a span under a minute, where a rate means nothing.
    std::string rate;
    if (!s.isNull(7) && !s.isNull(8) && s.int64(8) - s.int64(7) >= 60000) {
      std::snprintf(b, sizeof b, "%.1f",
                    static_cast<double>(connected) * 3600000.0 / static_cast<double>(s.int64(8) - s.int64(7)));
      rate = b;
    }
    row.cell(rate, CsvGuard::kNone);
    if (per_caller) {
      loggedCells(s.text(0), connected);
      logged.erase(s.text(0));
    }
    row.end();
    RETURN_IF_ERROR(flushIfFull(buf, sink));
  }
  if (per_caller) RETURN_IF_ERROR(idleUpTo(nullptr));
  return flushIfFull(buf, sink, true);
}

}  // namespace clearline::api
