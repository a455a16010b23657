#include "core/vendor/import_doc.h"

#include <set>

namespace clearline::core::vendor {

Result<ImportDoc> decodeImportDocument(std::string_view text, int64_t campaign_override) {
  Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::invalidArgument("the document is not valid JSON", "document");
  if (!doc.is_object()) return Status::invalidArgument("the document must be a JSON object", "document");
  ImportDoc out;
  if (auto it = doc.find("format"); it != doc.end()) {
    if (!it->is_string() || it->get<std::string>() != kImportFormat)
      return Status::invalidArgument(std::string("format: expected \"") + kImportFormat + "\"", "format");
  }
  if (auto it = doc.find("campaign_id"); it != doc.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() <= 0)
      return Status::invalidArgument("campaign_id: must be a positive integer", "campaign_id");
    out.campaign_id = it->get<int64_t>();
  }
  if (campaign_override > 0) out.campaign_id = campaign_override;
  if (out.campaign_id <= 0)
    return Status::invalidArgument("campaign_id: is required (in the document or with --campaign)", "campaign_id");

  std::optional<TimePoint> default_from;
  if (auto it = doc.find("valid_from"); it != doc.end()) {
    if (!it->is_string()) return Status::invalidArgument("valid_from: must be a string", "valid_from");
    auto t = parseWhen(it->get<std::string>());
    if (!t.isOk()) return Status::invalidArgument("valid_from: " + t.status().message(), "valid_from");
    default_from = *t;
  }

  static const std::pair<const char*, RecordKind> kSections[] = {
      {"entities", RecordKind::kEntity},   {"engagements", RecordKind::kEngagement},
      {"sites", RecordKind::kSite},        {"vetting", RecordKind::kVetting},
      {"callers", RecordKind::kCaller},    {"sanctions", RecordKind::kSanctions},
      {"overrides", RecordKind::kOverride}};
  std::set<std::string> known = {"format", "campaign_id", "valid_from", "policy", "description"};
  for (auto& [name, kind] : kSections) known.insert(name);
  for (auto it = doc.begin(); it != doc.end(); ++it)
    if (!known.count(it.key())) return Status::invalidArgument(it.key() + ": unknown section", it.key());

  std::set<std::pair<RecordKind, std::string>> seen;
  auto take = [&](RecordKind kind, Json rec, const std::string& where) -> Status {
    if (!rec.is_object()) return Status::invalidArgument(where + ": must be a JSON object", where);
    std::optional<TimePoint> from = default_from;
    if (auto vf = rec.find("valid_from"); vf != rec.end()) {
      if (!vf->is_string()) return Status::invalidArgument(where + ": valid_from: must be a string", "valid_from");
      auto t = parseWhen(vf->get<std::string>());
      if (!t.isOk()) return Status::invalidArgument(where + ": valid_from: " + t.status().message(), "valid_from");
      from = *t;
      rec.erase("valid_from");
    }
    // The campaign is implied for root engagements, overrides and the policy.
    if (kind == RecordKind::kPolicy || kind == RecordKind::kOverride) {
      if (!rec.contains("campaign_id")) rec["campaign_id"] = out.campaign_id;
      if (!rec["campaign_id"].is_number_integer() || rec["campaign_id"].get<int64_t>() != out.campaign_id)
        return Status::invalidArgument(where + ": campaign_id: must be this document's campaign " +
                                           std::to_string(out.campaign_id), "campaign_id");
    }
    if (kind == RecordKind::kEngagement) {
      bool root = !rec.contains("parent_engagement_id") || rec["parent_engagement_id"].is_null() ||
                  (rec["parent_engagement_id"].is_string() && rec["parent_engagement_id"].get<std::string>().empty());
      if (root && !rec.contains("campaign_id")) rec["campaign_id"] = out.campaign_id;
    }
    RETURN_IF_ERROR(validateDocument(kind, rec));
    ASSIGN_OR_RETURN(std::string id, documentId(kind, rec));
    if (!seen.insert({kind, id}).second)
      return Status::invalidArgument(std::string(toString(kind)) + " " + id + ": id: appears twice in the document", "id");
    out.records.push_back(ImportRecord{kind, id, std::move(rec), from});
    return Status::ok();
  };

  for (auto& [name, kind] : kSections) {
    auto it = doc.find(name);
    if (it == doc.end()) continue;
    if (!it->is_array()) return Status::invalidArgument(std::string(name) + ": must be an array", name);
    for (size_t i = 0; i < it->size(); ++i)
      RETURN_IF_ERROR(take(kind, (*it)[i], std::string(name) + "[" + std::to_string(i) + "]"));
  }
  if (auto it = doc.find("policy"); it != doc.end()) RETURN_IF_ERROR(take(RecordKind::kPolicy, *it, "policy"));
  return out;
}

}  // namespace clearline::core::vendor
