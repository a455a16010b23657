// "Why was this call allowed, and who made it?" (issue 4, issue 8 §2),
// answered from stored data alone, for `clearline explain CALL_ID` and
// GET /api/v1/calls/{id}/explain:
//   - the call: campaign, number, time, mode, state, disposition;
//   - authorization: the compliance decision the call references (verdict,
//     reason, deciding rules, every rule version evaluated with its citation
//     and content hash, the rule book hash, candidate locations);
//   - who: caller, worker category, site, and the vendor chain path with each
//     tier's contract and campaign consent;
//   - why: the vendor gates G1–G10 re-evaluated on the exact registry versions
//     the call's vetting snapshot covers;
//   - provenance: each of those versions checked against its record hash and
//     the snapshot hash recomputed.
// Thread-safety: one thread at a time per db.
#pragma once

#include <string>

#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/status.h"
#include "storage/sqlite/sqlite_db.h"

namespace clearline::api {

// NotFound (field "call_id") if there is no such call.
Result<Json> explainCall(storage::SqliteDb& db, const Clock& clock, const std::string& data_dir, CallId call);

}  // namespace clearline::api
