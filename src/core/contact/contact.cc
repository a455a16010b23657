#include "core/contact/contact.h"

namespace clearline::core {

std::string_view toString(LineType t) {
  switch (t) {
    case LineType::kUnknown: return "unknown";
    case LineType::kWireless: return "wireless";
    case LineType::kLandline: return "landline";
    case LineType::kVoip: return "voip";
  }
  return "unknown";
}

std::string_view toString(ConsentType c) {
  switch (c) {
    case ConsentType::kNone: return "none";
    case ConsentType::kExpress: return "express";
    case ConsentType::kExpressWritten: return "express_written";
  }
  return "none";
}

Result<LineType> parseLineType(std::string_view s) {
  if (s == "unknown" || s.empty()) return LineType::kUnknown;
  if (s == "wireless" || s == "cell" || s == "mobile") return LineType::kWireless;
  if (s == "landline" || s == "fixed" || s == "fixed_line") return LineType::kLandline;
  if (s == "voip") return LineType::kVoip;
  return Status::invalidArgument("unknown line type '" + std::string(s) +
                                     "' (one of: wireless, landline, voip, unknown)",
                                 "line_type");
}

Result<ConsentType> parseConsentType(std::string_view s) {
  if (s == "none" || s.empty()) return ConsentType::kNone;
  if (s == "express") return ConsentType::kExpress;
  if (s == "express_written" || s == "written") return ConsentType::kExpressWritten;
  return Status::invalidArgument(
      "unknown consent '" + std::string(s) + "' (one of: none, express, express_written)",
      "consent");
}

Json toJson(const Contact& c) {
  Json phones = Json::array();
  for (auto& p : c.phones) {
    Json jp{{"id", p.id.value},         {"e164", p.e164},
            {"raw", p.raw},             {"label", p.label},
            {"line_type", toString(p.line_type)}, {"number_type", p.number_type},
            {"consent", toString(p.consent)},
            {"priority", p.priority}};
    if (p.consent_at) jp["consent_at"] = toEpochMillis(*p.consent_at);
    if (!p.consent_source.empty()) jp["consent_source"] = p.consent_source;
    if (p.consent_revoked_at) jp["consent_revoked_at"] = toEpochMillis(*p.consent_revoked_at);
    phones.push_back(std::move(jp));
  }
  return Json{{"id", c.id.value},
              {"list_id", c.list_id.value},
              {"campaign_id", c.campaign_id.value},
              {"external_id", c.external_id},
              {"first_name", c.first_name},
              {"last_name", c.last_name},
              {"address", c.address},
              {"city", c.city},
              {"state", c.state},
              {"zip", c.zip},
              {"timezone", c.timezone},
              {"custom", c.custom},
              {"phones", phones},
              {"source_line", c.source_line}};
}

const std::vector<Disposition>& defaultDispositions() {
  static const std::vector<Disposition> kDefaults = {
      {"contacted", "Contacted", true, false},
      {"support", "Supporter", true, false},
      {"oppose", "Opposed", true, false},
      {"undecided", "Undecided", true, false},
      {"callback", "Call back later", false, false},
      {"no_answer", "No answer", false, false},
      {"busy", "Busy", false, false},
      {"machine", "Answering machine", false, false},
      {"wrong_number", "Wrong number", true, false},
      {"dnc", "Do not call", true, true},
      {"refused", "Refused", true, false},
      // The phone's key 2 (daemon/dialer.cc digitDisposition): a code of the list,
      // so that reports and the web console's key 2 know it.
      {"not_interested", "Not interested", true, false},
      {"failed", "Failed / invalid number", true, false},
  };
  return kDefaults;
}

}  // namespace clearline::core
