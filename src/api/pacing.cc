#include "api/pacing.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <vector>

#include "common/csv_write.h"
#include "common/time_util.h"

namespace clearline::api {

using storage::Stmt;

Result<Millis> parsePacingBucket(std::string_view s) {
  auto bad = [&] {
    return Status::invalidArgument("bucket must be a duration such as 15m, 1h or 300s, from 1 minute to 24 hours",
                                   "bucket");
  };
  if (s.size() < 2 || s.size() > 8) return bad();
  int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size() - 1, n);
  if (ec != std::errc() || end != s.data() + s.size() - 1 || n <= 0) return bad();
  int64_t unit = 0;
  switch (s.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    default: return bad();
  }
  if (n > 24 * 3600) return bad();
  int64_t seconds = n * unit;
  if (seconds < 60 || seconds > 24 * 3600) return bad();
  return Millis(seconds * 1000);
}

namespace {

struct Acc {
  int64_t placed = 0, answered = 0, human = 0, machine = 0, bridged = 0, abandoned = 0;
  int64_t live_answers = 0, ledger_abandoned = 0;
  int64_t line_ms = 0;
  int64_t logged_in_ms = 0, paused_ms = 0;  // caller sessions and pauses inside the bucket
  std::set<std::string> callers;
};

struct CallRow {
  int64_t dialed, ended;  // ended: the hang-up, or `now` while the call lasts
};

// floor(a / b) for any sign of a (b > 0).
int64_t floorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && (a < 0)); }

double round2(double x) { return std::round(x * 100.0) / 100.0; }
double round3(double x) { return std::round(x * 1000.0) / 1000.0; }

Json figures(const Acc& a, double lines, double span_ms) {
  Json j{{"placed", a.placed},       {"answered", a.answered},   {"human", a.human},
         {"machine", a.machine},     {"bridged", a.bridged},     {"abandoned", a.abandoned},
         {"live_answers", a.live_answers}, {"ledger_abandoned", a.ledger_abandoned},
         {"callers", static_cast<int64_t>(a.callers.size())}};
  j["abandon_rate_pct"] = a.live_answers > 0 ? Json(round2(100.0 * static_cast<double>(a.ledger_abandoned) /
                                                           static_cast<double>(a.live_answers)))
                                             : Json(nullptr);
  j["answer_rate_pct"] = a.placed > 0 ? Json(round2(100.0 * static_cast<double>(a.answered) /
                                                    static_cast<double>(a.placed)))
                                      : Json(nullptr);
  j["lines"] = round3(lines);
  j["lines_per_caller"] = a.callers.empty() ? Json(nullptr) : Json(round3(lines / static_cast<double>(a.callers.size())));
  const double logged_in = span_ms > 0 ? static_cast<double>(a.logged_in_ms) / span_ms : 0.0;
  j["callers_logged_in"] = round3(logged_in);
  j["callers_paused"] = round3(span_ms > 0 ? static_cast<double>(a.paused_ms) / span_ms : 0.0);
  j["lines_per_logged_in_caller"] = a.logged_in_ms > 0 ? Json(round3(lines / logged_in)) : Json(nullptr);
  return j;
}

}  // namespace

Result<Json> pacingReport(storage::SqliteDb& db, CampaignId campaign, const ExportRange& range, Millis bucket,
                          TimePoint now) {
  const int64_t B = bucket.count();
  if (B < 60000) return Status::invalidArgument("bucket must be at least 1 minute", "bucket");
  ASSIGN_OR_RETURN(Stmt s, db.prepare(
      "SELECT c.dialed_at, c.ended_at, c.answered_at IS NOT NULL, COALESCE(c.answered_by, ''),"
      " c.bridged_at IS NOT NULL, c.abandoned, COALESCE(c.caller_ref, ''),"
      " l.call_id IS NOT NULL, COALESCE(l.abandoned, 0) + COALESCE(l.amd_false_positive, 0)"
      " FROM calls c LEFT JOIN abandonment_ledger l ON l.call_id = c.id"
      " WHERE c.campaign_id = ? AND c.dialed_at IS NOT NULL AND c.dialed_at >= ? AND c.dialed_at < ?"
      " ORDER BY c.dialed_at"));
  s.bind(1, campaign.value);
  s.bind(2, range.from ? toEpochMillis(*range.from) : INT64_MIN);
  s.bind(3, range.to ? toEpochMillis(*range.to) : INT64_MAX);
  std::map<int64_t, Acc> acc;
  std::vector<CallRow> spans;
  Acc total;
  const int64_t now_ms = toEpochMillis(now);
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    const int64_t dialed = s.int64(0);
    Acc& a = acc[floorDiv(dialed, B)];
    for (Acc* x : {&a, &total}) {
      x->placed++;
      x->answered += s.int64(2);
      const std::string by = s.text(3);
      x->human += by == "human";
      x->machine += by == "machine";
      x->bridged += s.int64(4);
      x->abandoned += s.int64(5) != 0;
      x->live_answers += s.int64(7);
      x->ledger_abandoned += s.int64(7) != 0 && s.int64(8) > 0;
      if (std::string ref = s.text(6); !ref.empty()) x->callers.insert(ref);
    }
    int64_t ended = s.isNull(1) ? std::max(now_ms, dialed) : std::max(s.int64(1), dialed);
    spans.push_back({dialed, ended});
  }
  // The buckets listed: the range's, or from the first to the last call's.
  std::optional<int64_t> first, last;
  if (range.from) first = floorDiv(toEpochMillis(*range.from), B);
  else if (!acc.empty()) first = acc.begin()->first;
  if (range.to) last = floorDiv(toEpochMillis(*range.to) - 1, B);
  else if (!acc.empty()) last = acc.rbegin()->first;
  if (first && !last) last = first;
  if (last && !first) first = last;
  if (first && *last - *first + 1 > kMaxPacingBuckets)
    return Status::invalidArgument("the range holds more than " + std::to_string(kMaxPacingBuckets) +
                                       " buckets: choose a larger bucket or a shorter range",
                                   "bucket");
  // Time in progress, spread over the buckets listed.
  int64_t total_line_ms = 0;
  if (first) {
    const int64_t lo = *first * B, hi = (*last + 1) * B;
    for (const CallRow& c : spans) {
      int64_t from = std::max(c.dialed, lo), to = std::min(c.ended, hi);
      for (int64_t k = floorDiv(from, B); from < to; ++k) {
        int64_t edge = std::min(to, (k + 1) * B);
        acc[k].line_ms += edge - from;
        total_line_ms += edge - from;
        from = edge;
      }
    }
  }
  // Callers logged in (and paused): each session's (pause's) time inside the
  // listed buckets, from the stored caller sessions; open ones last until `now`.
  int64_t total_logged_in_ms = 0, total_paused_ms = 0;
  if (first) {
    const int64_t lo = *first * B, hi = (*last + 1) * B;
    auto spread = [&](Stmt& q, int64_t Acc::*field, int64_t& total_ms) -> Status {
      q.bind(1, campaign.value).bind(2, now_ms).bind(3, lo).bind(4, hi);
      while (true) {
        ASSIGN_OR_RETURN(bool row, q.step());
        if (!row) break;
        int64_t from = std::max(q.int64(0), lo), to = std::min(std::max(q.int64(1), q.int64(0)), hi);
        for (int64_t k = floorDiv(from, B); from < to; ++k) {
          int64_t edge = std::min(to, (k + 1) * B);
          acc[k].*field += edge - from;
          total_ms += edge - from;
          from = edge;
        }
      }
      return Status::ok();
    };
    ASSIGN_OR_RETURN(Stmt sq, db.prepare(
        "SELECT started_at, COALESCE(ended_at, ?2) FROM caller_sessions"
        " WHERE campaign_id = ?1 AND started_at < ?4 AND COALESCE(ended_at, ?2) > ?3"));
    RETURN_IF_ERROR(spread(sq, &Acc::logged_in_ms, total_logged_in_ms));
    ASSIGN_OR_RETURN(Stmt pq, db.prepare(
        "SELECT p.started_at, COALESCE(p.ended_at, s.ended_at, ?2) FROM caller_pauses p"
        " JOIN caller_sessions s ON s.id = p.session_id"
        " WHERE s.campaign_id = ?1 AND p.started_at < ?4 AND COALESCE(p.ended_at, s.ended_at, ?2) > ?3"));
    RETURN_IF_ERROR(spread(pq, &Acc::paused_ms, total_paused_ms));
  }
  total.logged_in_ms = total_logged_in_ms;
  total.paused_ms = total_paused_ms;
  Json buckets = Json::array();
  if (first) {
    for (int64_t k = *first; k <= *last; ++k) {
      auto it = acc.find(k);
      static const Acc kEmpty;
      const Acc& a = it == acc.end() ? kEmpty : it->second;
      Json b = figures(a, static_cast<double>(a.line_ms) / static_cast<double>(B), static_cast<double>(B));
      b["start"] = formatIsoUtc(fromEpochMillis(k * B));
      b["end"] = formatIsoUtc(fromEpochMillis((k + 1) * B));
      buckets.push_back(std::move(b));
    }
  }
  const int64_t n = first ? *last - *first + 1 : 0;
  Json out{{"campaign_id", campaign.value}, {"bucket_seconds", B / 1000}};
  out["from"] = first ? Json(formatIsoUtc(fromEpochMillis(*first * B))) : Json(nullptr);
  out["to"] = first ? Json(formatIsoUtc(fromEpochMillis((*last + 1) * B))) : Json(nullptr);
  out["totals"] = figures(total, n ? static_cast<double>(total_line_ms) / static_cast<double>(n * B) : 0.0,
                          static_cast<double>(n * B));
  out["buckets"] = std::move(buckets);
  return out;
}

std::string pacingCsv(const Json& report) {
  static const char* kCols[] = {"start", "end", "placed", "answered", "human", "machine", "bridged", "abandoned",
                                "live_answers", "ledger_abandoned", "abandon_rate_pct", "answer_rate_pct", "lines",
                                "callers", "lines_per_caller", "callers_logged_in", "callers_paused",
                                "lines_per_logged_in_caller"};
  std::string out;
  bool first = true;
  for (const char* c : kCols) {
    if (!first) out.push_back(',');
    first = false;
    out += c;
  }
  out += "\r\n";
  for (const Json& b : report.value("buckets", Json::array())) {
    first = true;
    for (const char* c : kCols) {
      if (!first) out.push_back(',');
      first = false;
      const Json& v = b.contains(c) ? b[c] : Json(nullptr);
      if (v.is_string()) appendCsvCell(out, v.get<std::string>(), CsvGuard::kNone);
      else if (v.is_number_integer()) out += std::to_string(v.get<int64_t>());
      else if (v.is_number()) {
        char buf[32];
        const bool lines = std::string_view(c).starts_with("lines") || std::string_view(c).starts_with("callers_");
        std::snprintf(buf, sizeof buf, lines ? "%.3f" : "%.2f", v.get<double>());
        out += buf;
      }
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace clearline::api
