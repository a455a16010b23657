// Reads and writes of operational records for the API and the console:
// contacts, call records, dispositions, survey responses, callbacks. All SQL
// is prepared with bound parameters. Writes append their audit events in the
// same transaction.
// Thread-safety: functions use the given SqliteDb; one thread at a time per db.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/status.h"
#include "core/audit/audit_chain.h"
#include "core/contact/contact.h"
#include "storage/sqlite/sqlite_db.h"

namespace clearline::api {

struct Page {
  int64_t after = 0;  // id cursor: rows with id > after
  int limit = 50;
  // Newest first (`order=desc`, where a list offers it): rows with id < before
  // (0: no bound), answered with "next_before" instead of "next_after".
  bool newest_first = false;
  int64_t before = 0;
};

// {"items":[…], "next_after": id | null}
Result<Json> listContacts(storage::SqliteDb& db, CampaignId campaign, const Page& page);
Result<core::Contact> getContact(storage::SqliteDb& db, ContactId id);
// Creates a contact (and its phones) in the campaign's default list "API".
Result<core::Contact> createContact(storage::SqliteDb& db, const Clock& clock, CampaignId campaign,
                                    const Json& body, const core::Actor& actor);

// Oldest first by default; page.newest_first for the latest calls first.
Result<Json> listCalls(storage::SqliteDb& db, CampaignId campaign, const Page& page);
Result<Json> getCall(storage::SqliteDb& db, CallId id);
// The caller_ref and campaign of a call (for authorization), NotFound if none.
Result<std::pair<std::string, CampaignId>> callOwner(storage::SqliteDb& db, CallId id);

// The campaign's dispositions: the defaults plus its own rows.
Result<std::vector<core::Disposition>> dispositionsFor(storage::SqliteDb& db, CampaignId campaign);

struct DispositionInput {
  std::string code;
  std::vector<std::pair<std::string, std::string>> survey;  // question key → answer
  std::optional<TimePoint> callback_due;
  std::string callback_note;
  std::string note;
};

// Records the disposition of a connected call: the call row, the contact's
// status, survey answers and a callback, with one audit event, in one transaction.
Status recordDisposition(storage::SqliteDb& db, const Clock& clock, CallId call,
                         const DispositionInput& in, const core::Actor& actor);

Result<Json> listSurveyResponses(storage::SqliteDb& db, CampaignId campaign, const Page& page);
Result<Json> listCallbacks(storage::SqliteDb& db, CampaignId campaign, const Page& page);
// Dispositions and survey answers counted, for the summary report.
Result<Json> campaignSummary(storage::SqliteDb& db, CampaignId campaign);

}  // namespace clearline::api
