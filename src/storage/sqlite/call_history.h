// A campaign's recent autodialled calls as pacing planning aggregates
// (core::DialHistory, core/pacing/planning.h): what the daemon hands its pacer
// when a campaign starts, so that a campaign that has dialled before is paced
// on its own contact rate and talk time from the first dial.
//
// Read-only; any thread with its own connection.
#pragma once

#include "common/ids.h"
#include "common/status.h"
#include "core/pacing/planning.h"
#include "storage/sqlite/sqlite_db.h"

namespace clearline::storage {

// Over the campaign's last `limit` calls (by id) that were autodialled
// (progressive or predictive), dialled and ended: dials; live = bridged or
// abandoned (needed a caller — under the AMD setting each call was dialled
// with); resolution = answer (else end) − dial; talk = end − bridge of the
// bridged ones. Calls closed by a restart (hangup_cause system_restart) are
// left out: their end time is the recovery's, not the call's.
Result<core::DialHistory> dialHistory(SqliteDb& db, CampaignId campaign, int limit = 1000);

}  // namespace clearline::storage
