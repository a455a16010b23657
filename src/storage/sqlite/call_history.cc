// dialHistory (call_history.h).
#include "storage/sqlite/call_history.h"

namespace clearline::storage {

Result<core::DialHistory> dialHistory(SqliteDb& db, CampaignId campaign, int limit) {
  // Not a cached statement: it runs once per campaign start, and a finished
  // one holds no read snapshot afterwards.
  ASSIGN_OR_RETURN(auto s, db.prepare(
      "SELECT COUNT(*),"
      " COALESCE(SUM(bridged_at IS NOT NULL OR abandoned = 1), 0),"
      " COALESCE(SUM(COALESCE(answered_at, ended_at) - dialed_at), 0),"
      " COALESCE(SUM(bridged_at IS NOT NULL AND ended_at >= bridged_at), 0),"
      " COALESCE(SUM(CASE WHEN bridged_at IS NOT NULL AND ended_at >= bridged_at THEN ended_at - bridged_at END), 0)"
      " FROM (SELECT * FROM calls WHERE campaign_id = ?1 AND dial_mode IN ('progressive', 'predictive')"
      "   AND dialed_at IS NOT NULL AND ended_at IS NOT NULL AND ended_at >= dialed_at"
      "   AND COALESCE(hangup_cause, '') != 'system_restart'"
      "   ORDER BY id DESC LIMIT ?2)"));
  s.bind(1, campaign.value).bind(2, static_cast<int64_t>(limit));
  ASSIGN_OR_RETURN(bool row, s.step());
  core::DialHistory h;
  if (!row) return h;
  h.dials = s.int64(0);
  h.live = s.int64(1);
  h.resolution_s_sum = static_cast<double>(s.int64(2)) / 1000.0;
  h.talks = s.int64(3);
  h.talk_s_sum = static_cast<double>(s.int64(4)) / 1000.0;
  return h;
}

}  // namespace clearline::storage
