#include "core/policy/recording_consent.h"

#include <cctype>

namespace clearline::core::policy {

namespace {
std::string normState(std::string_view s) {
  if (s.size() > 3 && (s.substr(0, 3) == "US-" || s.substr(0, 3) == "us-")) s.remove_prefix(3);
  std::string out;
  for (char ch : s) out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  return out;
}
}  // namespace

const RecordingConsentTable::State* RecordingConsentTable::find(std::string_view state) const {
  std::string k = normState(state);
  for (const State& s : all_party) {
    if (s.state == k) return &s;
  }
  return nullptr;
}

Result<RecordingConsentTable> parseRecordingConsent(const Json& j, const std::string& source) {
  if (!j.is_object()) return Status::invalidArgument(source + ": expected a JSON object", source);
  RecordingConsentTable t;
  t.source = source;
  if (!j.contains("version") || !j["version"].is_number_integer())
    return Status::invalidArgument(source + ": 'version' (integer) is required", "version");
  t.version = j["version"].get<int>();
  if (j.contains("reviewed_by_counsel")) {
    if (!j["reviewed_by_counsel"].is_boolean())
      return Status::invalidArgument(source + ": 'reviewed_by_counsel' must be true or false", "reviewed_by_counsel");
    t.reviewed_by_counsel = j["reviewed_by_counsel"].get<bool>();
  }
  if (!j.contains("all_party_consent") || !j["all_party_consent"].is_array())
    return Status::invalidArgument(source + ": 'all_party_consent' (array) is required", "all_party_consent");
  size_t i = 0;
  for (const Json& e : j["all_party_consent"]) {
    std::string at = source + ": all_party_consent[" + std::to_string(i++) + "]";
    if (!e.is_object()) return Status::invalidArgument(at + ": expected an object", "all_party_consent");
    RecordingConsentTable::State s;
    if (!e.contains("state") || !e["state"].is_string() || normState(e["state"].get<std::string>()).size() != 2)
      return Status::invalidArgument(at + ": 'state' must be a two-letter state code", "state");
    s.state = normState(e["state"].get<std::string>());
    if (!e.contains("citation") || !e["citation"].is_string() || e["citation"].get<std::string>().empty())
      return Status::invalidArgument(at + " (" + s.state + "): 'citation' is required", "citation");
    s.citation = e["citation"].get<std::string>();
    if (e.contains("note") && e["note"].is_string()) s.note = e["note"].get<std::string>();
    if (t.find(s.state)) return Status::invalidArgument(at + ": state " + s.state + " listed twice", "state");
    t.all_party.push_back(std::move(s));
  }
  return t;
}

AnnouncementDecision recordingAnnouncementFor(RecordingPolicy recording, RecordingAnnouncement mode,
                                              const std::vector<std::string>& candidate_states,
                                              const RecordingConsentTable& table) {
  AnnouncementDecision d;
  if (recording == RecordingPolicy::kNever) {
    d.record = false;
    d.reason = "the campaign does not record";
    return d;
  }
  if (mode == RecordingAnnouncement::kAlways) {
    d.required = true;
    d.reason = "campaign: always";
    return d;
  }
  for (const std::string& s : candidate_states) {
    if (const auto* e = table.find(s)) {
      std::string why = "US-" + e->state + " all-party consent (" + e->citation + ")";
      if (mode == RecordingAnnouncement::kNever) {
        d.record = false;
        d.reason = why + " and the campaign's recording announcement is never: not recorded";
      } else {
        d.required = true;
        d.reason = why;
      }
      return d;
    }
  }
  d.reason = "no candidate location requires all-party consent";
  return d;
}

AnnouncementDecision recordingAnnouncementForCall(const Campaign& c, const std::vector<std::string>& callee_states,
                                                  const RecordingConsentTable& table) {
  std::vector<std::string> states = callee_states;
  for (const std::string& j : c.jurisdictions) {
    if (j.size() == 5 && (j.rfind("US-", 0) == 0 || j.rfind("us-", 0) == 0)) states.push_back(j);
  }
  return recordingAnnouncementFor(c.recording, c.recording_announcement, states, table);
}

}  // namespace clearline::core::policy
