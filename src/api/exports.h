// CSV exports for campaign managers (issue 8 §3), shared by `clearline export`
// and the API (GET /api/v1/campaigns/{id}/exports/…):
//   - calls: one row per call with the contact's voter-file id, name, address
//     fields and the number called, times, outcome, disposition, the caller and
//     site that handled it, the authorization id, and one column per survey
//     question ("q:<key>"), so a voter-file system can import results by id;
//   - productivity: per caller or per site, calls, connected calls, talk time,
//     abandoned calls and dispositions that count as contacts.
// Rows are streamed to `sink` in pieces of at most ~64 KiB: memory is flat in
// the number of calls. Times are ISO 8601 UTC; the range is [from, to) on the
// time the call was dialled (queued, for calls never dialled).
// Thread-safety: one thread at a time per db.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/ids.h"
#include "common/status.h"
#include "storage/sqlite/sqlite_db.h"

namespace clearline::api {

struct ExportRange {
  std::optional<TimePoint> from, to;
};

// --from/--to (CLI) and ?from=&to= (API): YYYY-MM-DD or an ISO 8601 instant with
// an offset; a bare date for `to` includes that whole day. Either may be empty.
// InvalidArgument names the field ("from", "to").
Result<ExportRange> parseExportRange(const std::string& from, const std::string& to);

using CsvSink = std::function<Status(std::string_view)>;

Status writeCallsCsv(storage::SqliteDb& db, CampaignId campaign, const ExportRange& range, const CsvSink& sink);

// kVendor: the vendor whose engagement the call was made under (the agent
// entity of the last engagement on the call's chain path), with its legal name.
enum class ProductivityBy { kCaller, kSite, kVendor };
Result<ProductivityBy> parseProductivityBy(std::string_view s);  // "caller" | "site" | "vendor"
// Per caller it adds logged_in_hours (the stored caller sessions inside the
// range; an open session until `now`, or its last recorded change without
// one) and connected_per_logged_in_hour, and lists callers logged in without
// a call.
Status writeProductivityCsv(storage::SqliteDb& db, CampaignId campaign, const ExportRange& range,
                            ProductivityBy by, const CsvSink& sink, std::optional<TimePoint> now = std::nullopt);

}  // namespace clearline::api
