// Pacing over the day (issue 8 §3): a campaign's stored call rows (and their
// abandonment-ledger rows) summed per time bucket, for the report page's
// charts (GET /api/v1/campaigns/{id}/reports/pacing) and its CSV download
// (…/reports/pacing.csv). Owned by the API area; computed on request from the
// store, nothing cached.
//
// Every count is over the calls DIALLED in that bucket (dialed_at in
// [start, start + bucket)); buckets are aligned to multiples of the bucket
// length since the Unix epoch (UTC) and every bucket between the first and the
// last with a call is listed (empty ones as zeros, so a chart has no gaps):
//   placed        calls dialled
//   answered      answered (by anyone or anything)
//   human/machine answered_by as the call record has it
//   bridged       connected to a caller
//   abandoned     abandoned (the call row's flag)
//   live_answers, ledger_abandoned
//                 the abandonment ledger's rows for those calls (live answers;
//                 abandoned or an AMD false positive) — the ledger's measure
//   abandon_rate_pct  100 × ledger_abandoned / live_answers (null without answers)
//   answer_rate_pct   100 × answered / placed (null without calls)
//   lines         average number of calls in progress over the bucket: the sum
//                 of each call's time between dialled and ended (or `now` while
//                 it lasts) inside the bucket, ÷ the bucket's length
//   callers       distinct callers who handled a call dialled in the bucket
//   lines_per_caller  lines ÷ callers (null without callers)
//   callers_logged_in  mean callers logged in over the bucket (time-weighted):
//                 the stored caller sessions' time inside it ÷ its length
//                 (storage/sqlite/caller_sessions.h; an open session lasts
//                 until `now`), idle and paused callers included
//   callers_paused    the same for their pauses
//   lines_per_logged_in_caller  lines ÷ callers_logged_in — the dial level
//                 (null when nobody was logged in)
// Thread-safety: one thread at a time per db.
#pragma once

#include <string>
#include <string_view>

#include "api/exports.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/status.h"
#include "storage/sqlite/sqlite_db.h"

namespace clearline::api {

// "15m", "1h", "300s", "90m": between 1 minute and 24 hours, a whole number of
// seconds. InvalidArgument names the field "bucket".
Result<Millis> parsePacingBucket(std::string_view s);

// The report: {campaign_id, bucket_seconds, from, to, totals{…}, buckets:[{start, end, …}]}.
// At most kMaxPacingBuckets buckets (InvalidArgument on "bucket" beyond that).
inline constexpr int64_t kMaxPacingBuckets = 5000;
Result<Json> pacingReport(storage::SqliteDb& db, CampaignId campaign, const ExportRange& range, Millis bucket,
                          TimePoint now);

// The same report as CSV: one row per bucket, the columns in the order above.
std::string pacingCsv(const Json& report);

}  // namespace clearline::api
