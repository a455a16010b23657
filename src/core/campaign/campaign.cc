#include "core/campaign/campaign.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <cstdio>
#include <utility>

#include "core/contact/contact.h"
#include "core/policy/us_geo.h"

namespace clearline::core {

namespace {

template <typename E, size_t N>
std::string_view nameOf(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
  for (auto& [k, v] : table)
    if (k == e) return v;
  return "unknown";
}

template <typename E, size_t N>
Result<E> parseOf(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view s,
                  const char* what) {
  for (auto& [k, v] : table)
    if (v == s) return k;
  std::string names;
  for (auto& [k, v] : table) names += (names.empty() ? "" : ", ") + std::string(v);
  return Status::invalidArgument("unknown " + std::string(what) + " '" + std::string(s) +
                                     "' (one of: " + names + ")",
                                 what);
}

template <typename E, size_t N>
std::string namesOf(const std::array<std::pair<E, std::string_view>, N>& table) {
  std::string names;
  for (auto& [k, v] : table) names += (names.empty() ? "" : ", ") + std::string(v);
  return names;
}

constexpr std::array<std::pair<PurposeClass, std::string_view>, 6> kPurposes{{
    {PurposeClass::kPolitical, "political"},
    {PurposeClass::kCharitableByCharity, "charitable_by_charity"},
    {PurposeClass::kCharitableByTelemarketer, "charitable_by_telemarketer"},
    {PurposeClass::kCommercial, "commercial"},
    {PurposeClass::kSurvey, "survey"},
    {PurposeClass::kInformational, "informational"},
}};
constexpr std::array<std::pair<DialMode, std::string_view>, 4> kModes{{
    {DialMode::kPreview, "preview"},
    {DialMode::kProgressive, "progressive"},
    {DialMode::kPredictive, "predictive"},
    {DialMode::kHumanInitiated, "human_initiated"},
}};
constexpr std::array<std::pair<CampaignState, std::string_view>, 4> kStates{{
    {CampaignState::kDraft, "draft"},
    {CampaignState::kActive, "active"},
    {CampaignState::kPaused, "paused"},
    {CampaignState::kFinished, "finished"},
}};
constexpr std::array<std::pair<CampaignEvent, std::string_view>, 4> kEvents{{
    {CampaignEvent::kActivate, "activate"},
    {CampaignEvent::kPause, "pause"},
    {CampaignEvent::kResume, "resume"},
    {CampaignEvent::kFinish, "finish"},
}};
constexpr std::array<std::pair<RecordingPolicy, std::string_view>, 3> kRecording{{
    {RecordingPolicy::kNever, "never"},
    {RecordingPolicy::kAll, "all"},
    {RecordingPolicy::kOnDemand, "on_demand"},
}};

constexpr std::array<std::pair<RecordingAnnouncement, std::string_view>, 3> kAnnouncements{{
    {RecordingAnnouncement::kAuto, "auto"},
    {RecordingAnnouncement::kAlways, "always"},
    {RecordingAnnouncement::kNever, "never"},
}};
constexpr std::array<std::pair<AmdSetting, std::string_view>, 3> kAmd{{
    {AmdSetting::kDefault, "default"},
    {AmdSetting::kOn, "on"},
    {AmdSetting::kOff, "off"},
}};

bool isE164(const std::string& s) {
  if (s.size() < 8 || s.size() > 16 || s[0] != '+' || s[1] == '0') return false;
  for (size_t i = 1; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

}  // namespace

std::string_view toString(PurposeClass p) { return nameOf(kPurposes, p); }
std::string_view toString(DialMode m) { return nameOf(kModes, m); }
std::string_view toString(CampaignState s) { return nameOf(kStates, s); }
std::string_view toString(CampaignEvent e) { return nameOf(kEvents, e); }
std::string_view toString(RecordingPolicy r) { return nameOf(kRecording, r); }
std::string_view toString(RecordingAnnouncement a) { return nameOf(kAnnouncements, a); }
std::string_view toString(AmdSetting a) { return nameOf(kAmd, a); }
Result<PurposeClass> parsePurposeClass(std::string_view s) {
  if (s == "commercial_telemarketing") return PurposeClass::kCommercial;  // research spelling
  if (s == "survey_poll") return PurposeClass::kSurvey;
  return parseOf(kPurposes, s, "purpose");
}
Result<DialMode> parseDialMode(std::string_view s) { return parseOf(kModes, s, "dial_mode"); }
Result<CampaignState> parseCampaignState(std::string_view s) {
  return parseOf(kStates, s, "state");
}
Result<RecordingPolicy> parseRecordingPolicy(std::string_view s) {
  return parseOf(kRecording, s, "recording");
}
Result<RecordingAnnouncement> parseRecordingAnnouncement(std::string_view s) {
  return parseOf(kAnnouncements, s, "recording_announcement");
}
Result<AmdSetting> parseAmdSetting(std::string_view s) { return parseOf(kAmd, s, "amd"); }
bool amdEnabled(AmdSetting a, bool dialer_default) {
  return a == AmdSetting::kOn || (a == AmdSetting::kDefault && dialer_default);
}
std::string purposeClassNames() { return namesOf(kPurposes); }
std::string dialModeNames() { return namesOf(kModes); }

Result<CampaignState> transition(CampaignState from, CampaignEvent event) {
  using S = CampaignState;
  using E = CampaignEvent;
  switch (from) {
    case S::kDraft:
      if (event == E::kActivate) return S::kActive;
      if (event == E::kFinish) return S::kFinished;
      break;
    case S::kActive:
      if (event == E::kPause) return S::kPaused;
      if (event == E::kFinish) return S::kFinished;
      break;
    case S::kPaused:
      if (event == E::kResume) return S::kActive;
      if (event == E::kFinish) return S::kFinished;
      break;
    case S::kFinished:
      break;
  }
  return Status::failedPrecondition("a " + std::string(toString(from)) + " campaign cannot " +
                                        std::string(toString(event)),
                                    "state");
}

const std::vector<std::string>& recyclableDispositions() {
  static const std::vector<std::string> kCodes = [] {
    std::vector<std::string> v;
    for (const auto& d : defaultDispositions()) v.push_back(d.code);
    // What the runtime gives a call that no caller dispositioned
    // (core/runtime/campaign_runtime.{h,cc}).
    for (const char* code : {"abandoned", "network_error", "wrap_up_timeout", "no_disposition"})
      v.push_back(code);
    return v;
  }();
  return kCodes;
}

bool isRecyclableDisposition(const std::string& code) {
  const auto& v = recyclableDispositions();
  return std::find(v.begin(), v.end(), code) != v.end();
}

Status validate(const Campaign& c) {
  if (c.name.empty()) return Status::invalidArgument("name must not be empty", "name");
  if (c.name.size() > 200) return Status::invalidArgument("name is longer than 200 characters", "name");
  if (!c.caller_id.empty() && !isE164(c.caller_id)) {
    return Status::invalidArgument("caller_id must be an E.164 number like +12025550123", "caller_id");
  }
  if (!c.callback_number.empty() && !isE164(c.callback_number)) {
    return Status::invalidArgument("callback_number must be an E.164 number", "callback_number");
  }
  const auto& s = c.schedule;
  if (s.start_minute < 0 || s.start_minute >= 24 * 60 || s.end_minute <= s.start_minute ||
      s.end_minute > 24 * 60) {
    return Status::invalidArgument("schedule must have 00:00 <= start < end <= 24:00", "schedule");
  }
  for (int d : s.weekdays)
    if (d < 0 || d > 6) return Status::invalidArgument("weekdays are 0 (Sunday) to 6", "schedule.weekdays");

  if (c.max_attempts_per_contact < 1 || c.max_attempts_per_contact > 50) {
    return Status::invalidArgument("max_attempts_per_contact must be 1..50", "max_attempts_per_contact");
  }
  if (c.abandon_target_pct < 0.0 || c.abandon_target_pct > 3.0) {
    return Status::invalidArgument("abandon_target_pct must be within 0..3 (the legal ceiling is 3%)",
                                   "abandon_target_pct");
  }
  for (size_t i = 0; i < c.recycle_rules.size(); ++i) {
    const auto& r = c.recycle_rules[i];
    const std::string where = "recycle_rules[" + std::to_string(i) + "]";
    if (r.disposition.empty())
      return Status::invalidArgument("recycle rule without disposition", where + ".disposition");
    if (r.delay_minutes < 0)
      return Status::invalidArgument("recycle delay must be >= 0", where + ".delay_minutes");
  }
  for (size_t i = 0; i < c.script.questions.size(); ++i)
    if (c.script.questions[i].key.empty())
      return Status::invalidArgument("survey question without key",
                                     "script.questions[" + std::to_string(i) + "].key");
  return Status::ok();
}

namespace {
std::string hhmm(int minute) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%02d:%02d", (minute / 60) % 100, minute % 60);
  return buf;
}
Result<int> parseHhmm(const Json& j, const char* field) {
  if (!j.is_string()) return Status::invalidArgument("must be \"HH:MM\"", field);
  auto s = j.get<std::string>();
  if (s.size() != 5 || s[2] != ':' || !isdigit(s[0]) || !isdigit(s[1]) || !isdigit(s[3]) ||
      !isdigit(s[4])) {
    return Status::invalidArgument("must be \"HH:MM\"", field);
  }
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return Status::invalidArgument("must be \"HH:MM\"", field);
  return h * 60 + m;
}
}  // namespace

Json toJson(const Campaign& c) {
  Json questions = Json::array();
  for (auto& q : c.script.questions)
    questions.push_back({{"key", q.key}, {"text", q.text}, {"choices", q.choices}});
  Json rules = Json::array();
  for (auto& r : c.recycle_rules)
    rules.push_back({{"disposition", r.disposition},
                     {"delay_minutes", r.delay_minutes},
                     {"max_attempts", r.max_attempts}});
  return Json{
      {"id", c.id.value},
      {"org_id", c.org_id.value},
      {"name", c.name},
      {"purpose", toString(c.purpose)},
      {"subject_key", c.subject_key},
      {"jurisdictions", c.jurisdictions},
      {"dial_mode", toString(c.dial_mode)},
      {"caller_id", c.caller_id},
      {"callback_number", c.callback_number},
      {"safe_harbor_message", c.safe_harbor_message},
      {"disclaimer", c.disclaimer},
      {"schedule",
       {{"start", hhmm(c.schedule.start_minute)},
        {"end", hhmm(c.schedule.end_minute)},
        {"weekdays", c.schedule.weekdays}}},
      {"script", {{"version", c.script.version}, {"text", c.script.text}, {"questions", questions}}},
      {"recycle_rules", rules},
      {"max_attempts_per_contact", c.max_attempts_per_contact},
      {"abandon_target_pct", c.abandon_target_pct},
      {"recording", toString(c.recording)},
      {"recording_announcement", toString(c.recording_announcement)},
      {"amd", toString(c.amd)},
      {"state", toString(c.state)},
      {"created_at", toEpochMillis(c.created_at)},
      {"updated_at", toEpochMillis(c.updated_at)},
  };
}

namespace {
// An integer within [lo, hi], named by `field` when it is not (no silent
// wrapping of 4294967297 to 1, no truncation of 3.9 to 3).
Result<int> intIn(const Json& v, const std::string& field, int lo, int hi) {
  const std::string range = "from " + std::to_string(lo) + " to " + std::to_string(hi);
  if (!v.is_number_integer())
    return Status::invalidArgument("must be a whole number " + range, field);
  if (v.is_number_unsigned()) {
    const uint64_t x = v.get<uint64_t>();
    if (x > static_cast<uint64_t>(hi) || (lo > 0 && x < static_cast<uint64_t>(lo)))
      return Status::invalidArgument("must be " + range, field);
    return static_cast<int>(x);
  }
  const int64_t x = v.get<int64_t>();
  if (x < lo || x > hi) return Status::invalidArgument("must be " + range, field);
  return static_cast<int>(x);
}
// An object whose keys are all in `allowed`; else the first other key is named.
Status onlyKeys(const Json& v, const std::string& where,
                std::initializer_list<const char*> allowed) {
  if (!v.is_object()) return Status::invalidArgument(where + " must be an object", where);
  for (auto& [k, _] : v.items()) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || k == a;
    if (!ok)
      return Status::invalidArgument("unknown field '" + k + "' in " + where, where + "." + k);
  }
  return Status::ok();
}
bool sameQuestions(const std::vector<SurveyQuestion>& a, const std::vector<SurveyQuestion>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].key != b[i].key || a[i].text != b[i].text || a[i].choices != b[i].choices)
      return false;
  return true;
}
}  // namespace

Status applyJson(const Json& j, Campaign& out) {
  if (!j.is_object()) return Status::invalidArgument("campaign must be a JSON object");
  Campaign c = out;  // applied to a copy: on error `out` is unchanged
  std::string at;    // the field being read, for a type error's message
  try {
    for (auto& [k, v] : j.items()) {
      at = k;
      if (k == "name") {
        c.name = v.get<std::string>();
      } else if (k == "purpose") {
        ASSIGN_OR_RETURN(c.purpose, parsePurposeClass(v.get<std::string>()));
      } else if (k == "subject_key") {
        c.subject_key = v.get<std::string>();
      } else if (k == "jurisdictions") {
        c.jurisdictions = v.get<std::vector<std::string>>();
      } else if (k == "dial_mode") {
        ASSIGN_OR_RETURN(c.dial_mode, parseDialMode(v.get<std::string>()));
      } else if (k == "caller_id") {
        c.caller_id = v.get<std::string>();
      } else if (k == "callback_number") {
        c.callback_number = v.get<std::string>();
      } else if (k == "safe_harbor_message") {
        c.safe_harbor_message = v.get<std::string>();
      } else if (k == "disclaimer") {
        c.disclaimer = v.get<std::string>();
      } else if (k == "schedule") {
        RETURN_IF_ERROR(onlyKeys(v, "schedule", {"start", "end", "weekdays"}));
        if (v.contains("start")) { ASSIGN_OR_RETURN(c.schedule.start_minute, parseHhmm(v["start"], "schedule.start")); }
        if (v.contains("end")) { ASSIGN_OR_RETURN(c.schedule.end_minute, parseHhmm(v["end"], "schedule.end")); }
        if (v.contains("weekdays")) {
          if (!v["weekdays"].is_array())
            return Status::invalidArgument("weekdays must be an array of days, 0 (Sunday) to 6",
                                           "schedule.weekdays");
          c.schedule.weekdays.clear();
          for (size_t i = 0; i < v["weekdays"].size(); ++i) {
            ASSIGN_OR_RETURN(int d, intIn(v["weekdays"][i],
                                          "schedule.weekdays[" + std::to_string(i) + "]", 0, 6));
            c.schedule.weekdays.push_back(d);
          }
        }
      } else if (k == "script") {
        RETURN_IF_ERROR(onlyKeys(v, "script", {"text", "questions", "version"}));
        const std::string text_before = c.script.text;
        const auto questions_before = c.script.questions;
        if (v.contains("text")) c.script.text = v["text"].get<std::string>();
        if (v.contains("questions")) {
          if (!v["questions"].is_array())
            return Status::invalidArgument("questions must be an array", "script.questions");
          c.script.questions.clear();
          for (size_t i = 0; i < v["questions"].size(); ++i) {
            const Json& q = v["questions"][i];
            const std::string where = "script.questions[" + std::to_string(i) + "]";
            RETURN_IF_ERROR(onlyKeys(q, where, {"key", "text", "choices"}));
            if (!q.contains("key") || !q["key"].is_string())
              return Status::invalidArgument("a survey question needs a key (a string)",
                                             where + ".key");
            SurveyQuestion sq;
            sq.key = q["key"].get<std::string>();
            at = where;
            sq.text = q.value("text", "");
            if (q.contains("choices")) sq.choices = q["choices"].get<std::vector<std::string>>();
            c.script.questions.push_back(std::move(sq));
          }
        }
        // A new version only when what the callers read changed ("version" is read-only).
        if (c.script.text != text_before || !sameQuestions(c.script.questions, questions_before))
          c.script.version += 1;
      } else if (k == "recycle_rules") {
        if (!v.is_array())
          return Status::invalidArgument("recycle_rules must be an array", "recycle_rules");
        c.recycle_rules.clear();
        for (size_t i = 0; i < v.size(); ++i) {
          const Json& r = v[i];
          const std::string where = "recycle_rules[" + std::to_string(i) + "]";
          RETURN_IF_ERROR(onlyKeys(r, where, {"disposition", "delay_minutes", "max_attempts"}));
          if (!r.contains("disposition") || !r["disposition"].is_string())
            return Status::invalidArgument("a recycle rule needs a disposition (a string)",
                                           where + ".disposition");
          RecycleRule rule{r["disposition"].get<std::string>(), 0, 3};
          if (r.contains("delay_minutes")) {
            ASSIGN_OR_RETURN(rule.delay_minutes,
                             intIn(r["delay_minutes"], where + ".delay_minutes", 0, INT_MAX));
          }
          if (r.contains("max_attempts")) {
            ASSIGN_OR_RETURN(rule.max_attempts,
                             intIn(r["max_attempts"], where + ".max_attempts", INT_MIN, INT_MAX));
          }
          c.recycle_rules.push_back(std::move(rule));
        }
      } else if (k == "max_attempts_per_contact") {
        ASSIGN_OR_RETURN(c.max_attempts_per_contact, intIn(v, "max_attempts_per_contact", 1, 50));
      } else if (k == "abandon_target_pct") {
        c.abandon_target_pct = v.get<double>();
      } else if (k == "recording") {
        ASSIGN_OR_RETURN(c.recording, parseRecordingPolicy(v.get<std::string>()));
      } else if (k == "recording_announcement") {
        ASSIGN_OR_RETURN(c.recording_announcement, parseRecordingAnnouncement(v.get<std::string>()));
      } else if (k == "amd") {
        // "default" | "on" | "off"; true / false / null are accepted as on / off / default.
        if (v.is_boolean()) {
          c.amd = v.get<bool>() ? AmdSetting::kOn : AmdSetting::kOff;
        } else if (v.is_null()) {
          c.amd = AmdSetting::kDefault;
        } else {
          ASSIGN_OR_RETURN(c.amd, parseAmdSetting(v.get<std::string>()));
        }
      } else if (k == "id" || k == "org_id" || k == "state" || k == "created_at" ||
                 k == "updated_at") {
        // read-only fields: ignored so that a GET body can be PUT back
      } else {
        return Status::invalidArgument("unknown campaign field '" + k + "'", k);
      }
    }
  } catch (const Json::exception& e) {
    // nlohmann's text without its "[json.exception.type_error.302] " tag.
    std::string what = e.what();
    if (auto close = what.find("] ");
        what.rfind("[json.exception", 0) == 0 && close != std::string::npos)
      what = what.substr(close + 2);
    return Status::invalidArgument("campaign field '" + at + "' has the wrong type: " + what, at);
  }
  RETURN_IF_ERROR(validate(c));
  out = std::move(c);
  return Status::ok();
}

Status validateJurisdictions(const Campaign& c) {
  // The jurisdictions the compliance policy has rules for (core/policy/engine.cc;
  // "GB" is the UK's ISO code): any other would only make every dial fail closed
  // without saying why.
  for (const auto& j : c.jurisdictions) {
    const int st = j.size() == 5 && j.rfind("US-", 0) == 0 ? policy::stateIndex(j.substr(3)) : -1;
    const bool us_state = st >= 0 && j.substr(3) == policy::stateCode(st);
    if (j != "US" && j != "UK" && j != "GB" && !us_state) {
      return Status::invalidArgument("jurisdiction '" + j +
                                         "' has no rules here: use \"US\", \"US-XX\" (a state "
                                         "code, e.g. US-CA) or \"UK\"",
                                     "jurisdictions");
    }
  }
  return Status::ok();
}

Status validateForWrite(const Campaign& c, const Campaign* before) {
  // On an update only what changes is checked: a campaign stored before a
  // check existed can still be renamed without first mending its rules.
  if (!before || c.jurisdictions != before->jurisdictions)
    RETURN_IF_ERROR(validateJurisdictions(c));
  if ((!before || c.schedule.weekdays != before->schedule.weekdays) && c.schedule.weekdays.empty())
    return Status::invalidArgument("weekdays must name at least one day, 0 (Sunday) to 6",
                                   "schedule.weekdays");
  const bool rules_changed =
      !before || c.recycle_rules.size() != before->recycle_rules.size() ||
      !std::equal(c.recycle_rules.begin(), c.recycle_rules.end(), before->recycle_rules.begin(),
                  [](const RecycleRule& a, const RecycleRule& b) {
                    return a.disposition == b.disposition && a.delay_minutes == b.delay_minutes &&
                           a.max_attempts == b.max_attempts;
                  });
  for (size_t i = 0; rules_changed && i < c.recycle_rules.size(); ++i) {
    const auto& r = c.recycle_rules[i];
    const std::string where = "recycle_rules[" + std::to_string(i) + "]";
    if (!isRecyclableDisposition(r.disposition)) {
      std::string known;
      for (const auto& d : recyclableDispositions()) known += (known.empty() ? "" : ", ") + d;
      return Status::invalidArgument(
          "no call ends with the disposition '" + r.disposition + "' (one of: " + known + ")",
          where + ".disposition");
    }
    if (r.delay_minutes < 0 || r.delay_minutes > kMaxRecycleDelayMinutes)
      return Status::invalidArgument(
          "recycle delay must be 0 to " + std::to_string(kMaxRecycleDelayMinutes) + " minutes",
          where + ".delay_minutes");
    if (r.max_attempts < 1 || r.max_attempts > 50)
      return Status::invalidArgument("max_attempts must be 1 to 50", where + ".max_attempts");
  }
  const bool questions_changed =
      !before || !sameQuestions(c.script.questions, before->script.questions);
  for (size_t i = 0; questions_changed && i < c.script.questions.size(); ++i) {
    const auto& q = c.script.questions[i];
    const std::string where = "script.questions[" + std::to_string(i) + "].key";
    if (q.key.empty()) return Status::invalidArgument("survey question without key", where);
    for (size_t j = 0; j < i; ++j)
      if (c.script.questions[j].key == q.key)
        return Status::invalidArgument("two survey questions have the key '" + q.key + "'", where);
  }
  return Status::ok();
}

Result<Campaign> campaignFromJson(const Json& j) {
  Campaign c;
  RETURN_IF_ERROR(applyJson(j, c));
  try {
    c.script.version = j.at("script").value("version", 1);
    c.id = CampaignId(j.value("id", int64_t{0}));
    c.org_id = OrgId(j.value("org_id", int64_t{0}));
    ASSIGN_OR_RETURN(c.state, parseCampaignState(j.value("state", "draft")));
    c.created_at = fromEpochMillis(j.value("created_at", int64_t{0}));
    c.updated_at = fromEpochMillis(j.value("updated_at", int64_t{0}));
  } catch (const Json::exception& e) {
    return Status::dataLoss(std::string("stored campaign is malformed: ") + e.what());
  }
  return c;
}

Json campaignChanges(const Campaign& before, const Campaign& after) {
  Json old_j = toJson(before), new_j = toJson(after);
  Json diff = Json::object();
  for (auto& [k, v] : new_j.items()) {
    if (k == "updated_at") continue;
    if (old_j[k] != v) diff[k] = {{"from", old_j[k]}, {"to", v}};
  }
  return diff;
}

Campaign newCampaign(std::string name, PurposeClass purpose) {
  Campaign c;
  c.name = std::move(name);
  c.purpose = purpose;
  c.subject_key = c.name;
  c.jurisdictions = {"US"};
  c.recycle_rules = {
      {"no_answer", 4 * 60, 3}, {"busy", 30, 3}, {"machine", 24 * 60, 2}, {"callback", 0, 3}};
  c.safe_harbor_message =
      "Sorry we missed you. This call was made on behalf of " + c.name +
      ". To reach us or to stop these calls, call the number on your caller ID. Press 9 to be "
      "added to our do-not-call list.";
  c.script.text = "Hi {first_name}, this is {caller_name} calling on behalf of " + c.name + ".";
  return c;
}

}  // namespace clearline::core
