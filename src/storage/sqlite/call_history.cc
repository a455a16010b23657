// dialHistory and callSamples (call_history.h).
#include "storage/sqlite/call_history.h"

namespace clearline::storage {

namespace {
// The campaign's (?1) last ?2 autodialled calls that were dialled and ended,
// without those a restart closed (their end time is the recovery's).
constexpr const char* kRecentEndedAutodialled =
    "(SELECT * FROM calls WHERE campaign_id = ?1 AND dial_mode IN ('progressive', 'predictive')"
    " AND dialed_at IS NOT NULL AND ended_at IS NOT NULL AND ended_at >= dialed_at"
    " AND COALESCE(hangup_cause, '') != 'system_restart'"
    " ORDER BY id DESC LIMIT ?2)";
}  // namespace

Result<core::DialHistory> dialHistory(SqliteDb& db, CampaignId campaign, int limit) {
  // Not a cached statement: it runs once per campaign start, and a finished
  // one holds no read snapshot afterwards.
  ASSIGN_OR_RETURN(
      auto s,
      db.prepare(
          std::string("SELECT COUNT(*),"
                      " COALESCE(SUM(bridged_at IS NOT NULL OR abandoned = 1), 0),"
                      " COALESCE(SUM(COALESCE(answered_at, ended_at) - dialed_at), 0),"
                      " COALESCE(SUM(bridged_at IS NOT NULL AND ended_at >= bridged_at), 0),"
                      " COALESCE(SUM(CASE WHEN bridged_at IS NOT NULL AND ended_at >= "
                      "bridged_at THEN ended_at - bridged_at END), 0),"
                      " COALESCE(SUM(bridged_at IS NOT NULL AND ended_at >= bridged_at"
                      " AND wrapped_at >= ended_at), 0),"
                      " COALESCE(SUM(CASE WHEN bridged_at IS NOT NULL AND ended_at >= bridged_at"
                      " AND wrapped_at >= ended_at THEN wrapped_at - ended_at END), 0)"
                      " FROM ") +
          kRecentEndedAutodialled));
  s.bind(1, campaign.value).bind(2, static_cast<int64_t>(limit));
  ASSIGN_OR_RETURN(bool row, s.step());
  core::DialHistory h;
  if (!row) return h;
  h.dials = s.int64(0);
  h.live = s.int64(1);
  h.resolution_s_sum = static_cast<double>(s.int64(2)) / 1000.0;
  h.talks = s.int64(3);
  h.talk_s_sum = static_cast<double>(s.int64(4)) / 1000.0;
  h.wraps = s.int64(5);
  h.wrap_s_sum = static_cast<double>(s.int64(6)) / 1000.0;
  return h;
}

Result<std::vector<core::CallSample>> callSamples(SqliteDb& db, CampaignId campaign, int limit) {
  ASSIGN_OR_RETURN(
      auto s,
      db.prepare(std::string("SELECT dialed_at, answered_at, greeting_end_at, bridged_at, ended_at,"
                             " COALESCE(answered_by, ''), COALESCE(amd_result, ''), abandoned, "
                             "COALESCE(disposition, ''),"
                             " COALESCE(hangup_cause, ''), COALESCE(caller_ref, ''), wrapped_at"
                             " FROM ") +
                 kRecentEndedAutodialled + " ORDER BY dialed_at"));
  s.bind(1, campaign.value).bind(2, static_cast<int64_t>(limit));
  std::vector<core::CallSample> out;
  auto secs = [](int64_t ms) { return static_cast<double>(ms) / 1000.0; };
  for (;;) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    using K = core::CallSample::Kind;
    core::CallSample c;
    const int64_t dialed = s.int64(0);
    const bool answered = !s.isNull(1);
    const std::string by = s.text(5), disposition = s.text(8), cause = s.text(9);
    c.end_s = secs(s.int64(4) - dialed);
    c.screened = !s.text(6).empty();
    c.abandoned = s.int64(7) != 0;
    c.caller = s.text(10);
    if (answered) {
      c.answer_s = secs(s.int64(1) - dialed);
      c.kind = by == "machine" || disposition == "machine" ? K::kMachine : K::kPerson;
      if (!s.isNull(2)) c.greeting_s = secs(s.int64(2) - s.int64(1));
      if (!s.isNull(3)) c.talk_s = secs(s.int64(4) - s.int64(3));
      if (!s.isNull(3) && !s.isNull(11) && s.int64(11) >= s.int64(4))
        c.wrap_s = secs(s.int64(11) - s.int64(4));
    } else if (disposition == "no_answer" || (disposition.empty() && cause == "no_answer")) {
      c.kind = K::kNoAnswer;
    } else if (disposition == "busy" || disposition == "failed" ||
               (disposition.empty() &&
                (cause == "busy" || cause == "rejected" || cause == "invalid_number"))) {
      c.kind = K::kBusy;
    } else {
      continue;  // a network failure: not the callee's doing
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace clearline::storage
