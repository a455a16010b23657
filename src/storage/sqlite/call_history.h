// A campaign's recent autodialled calls as pacing planning aggregates
// (core::DialHistory, core/pacing/planning.h): what the daemon hands its pacer
// when a campaign starts, so that a campaign that has dialled before is paced
// on its own contact rate and talk time from the first dial.
//
// Read-only; any thread with its own connection.
#pragma once

#include <vector>

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

// The campaign's last `limit` autodialled calls that ended (the same calls as
// dialHistory, network failures also left out: they say nothing about the
// callees), oldest first, classified for a simulation scenario: a machine if
// AMD or the caller's disposition said so, else a person if it was answered;
// unanswered ones by their disposition (no_answer; busy, rejected and invalid
// numbers as busy).
Result<std::vector<core::CallSample>> callSamples(SqliteDb& db, CampaignId campaign,
                                                  int limit = 5000);

}  // namespace clearline::storage
