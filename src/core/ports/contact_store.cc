#include "core/ports/contact_store.h"

namespace clearline::core {

std::string_view toString(DedupeScope s) {
  switch (s) {
    case DedupeScope::kList: return "list";
    case DedupeScope::kCampaign: return "campaign";
    case DedupeScope::kOrganisation: return "organisation";
  }
  return "campaign";
}

Result<DedupeScope> parseDedupeScope(std::string_view s) {
  if (s == "list") return DedupeScope::kList;
  if (s == "campaign") return DedupeScope::kCampaign;
  if (s == "organisation" || s == "organization" || s == "org") return DedupeScope::kOrganisation;
  return Status::invalidArgument("unknown dedupe scope '" + std::string(s) +
                                     "' (one of: list, campaign, organisation)",
                                 "dedupe");
}

std::string_view toString(ImportState s) {
  switch (s) {
    case ImportState::kRunning: return "running";
    case ImportState::kCommitted: return "committed";
    case ImportState::kFailed: return "failed";
    case ImportState::kCancelled: return "cancelled";
  }
  return "failed";
}

Result<ImportState> parseImportState(std::string_view s) {
  if (s == "running") return ImportState::kRunning;
  if (s == "committed") return ImportState::kCommitted;
  if (s == "failed") return ImportState::kFailed;
  if (s == "cancelled") return ImportState::kCancelled;
  return Status::dataLoss("unknown import state '" + std::string(s) + "'");
}

Json ImportCounts::toJson() const {
  return Json{{"read", read},
              {"imported", imported},
              {"duplicates", duplicates},
              {"rejected", rejected},
              {"phones_imported", phones_imported},
              {"phones_invalid", phones_invalid},
              {"phones_duplicate", phones_duplicate}};
}

Json ImportRecord::toJson() const {
  Json j{{"import_id", id.value},
         {"campaign_id", campaign_id.value},
         {"list_id", list_id.value},
         {"list_name", list_name},
         {"file", file},
         {"file_sha256", file_sha256},
         {"file_size", file_size},
         {"state", toString(state)},
         {"resume_offset", resume_offset},
         {"resume_line", resume_line},
         {"rejects_file", rejects_file},
         {"started_at", toEpochMillis(started_at)}};
  Json c = counts.toJson();
  for (auto& [k, v] : c.items()) j[k] = v;
  if (!error.empty()) j["error"] = error;
  if (finished_at) j["finished_at"] = toEpochMillis(*finished_at);
  return j;
}

}  // namespace clearline::core
