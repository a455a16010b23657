// Loads the all-party consent table (data/rules/recording_consent.json; see
// core/policy/recording_consent.h) from a rules directory, else the shipped
// data/rules copy. Owner: sip (recording announcement). Any thread.
#pragma once

#include <string>

#include "common/status.h"
#include "core/policy/recording_consent.h"

namespace clearline::policy_data {

// Errors name the file and the field.
Result<core::policy::RecordingConsentTable> loadRecordingConsent(const std::string& rules_dir);

}  // namespace clearline::policy_data
