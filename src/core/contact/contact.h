// Contacts and their phone numbers, as imported from a list.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/status.h"

namespace clearline::core {

enum class LineType { kUnknown, kWireless, kLandline, kVoip };
enum class ConsentType { kNone, kExpress, kExpressWritten };

std::string_view toString(LineType t);
std::string_view toString(ConsentType c);
Result<LineType> parseLineType(std::string_view s);
Result<ConsentType> parseConsentType(std::string_view s);

struct Phone {
  PhoneId id;
  std::string e164;           // "+12025550123"
  std::string raw;            // as written in the source file
  std::string label;          // "home", "cell", "phone2" …: the source column
  LineType line_type = LineType::kUnknown;
  std::string number_type;    // libphonenumber's type ("FIXED_LINE_OR_MOBILE", "MOBILE" …)
  ConsentType consent = ConsentType::kNone;
  std::optional<TimePoint> consent_at;
  std::string consent_source;  // where the consent was captured (form, event …)
  std::optional<TimePoint> consent_revoked_at;
  int priority = 0;            // 0 = dial first
};

struct Contact {
  ContactId id;
  ListId list_id;
  CampaignId campaign_id;
  std::string external_id;     // voter-file id, CRM id …
  std::string first_name;
  std::string last_name;
  std::string address;
  std::string city;
  std::string state;           // two-letter code when known
  std::string zip;
  std::string timezone;        // IANA zone when the list provides it
  std::map<std::string, std::string> custom;  // unmapped columns, kept verbatim
  std::vector<Phone> phones;
  int64_t source_line = 0;     // physical line in the imported file
};

Json toJson(const Contact& c);

// Dispositions: how an attempt ended, from the caller or the system.
struct Disposition {
  std::string code;        // "support", "no_answer", "wrong_number", "dnc" …
  std::string label;
  bool final = false;      // no more attempts on this contact
  bool do_not_call = false;  // adds the number to the campaign's internal DNC list
};

// The default disposition set; a campaign may add its own.
const std::vector<Disposition>& defaultDispositions();

struct SurveyResponse {
  ContactId contact_id;
  CallId call_id;
  std::string question_key;
  std::string answer;
  TimePoint at;
};

struct ScheduledCallback {
  ContactId contact_id;
  CampaignId campaign_id;
  TimePoint due;
  std::string note;
  std::string caller_ref;  // empty = any caller
};

}  // namespace clearline::core
