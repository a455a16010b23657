#include "policy_data/recording_consent_file.h"

#include <filesystem>
#include <fstream>

#include "common/json.h"
#include "policy_data/rules_loader.h"

namespace clearline::policy_data {

Result<core::policy::RecordingConsentTable> loadRecordingConsent(const std::string& rules_dir) {
  std::error_code ec;
  auto path = std::filesystem::path(rules_dir) / "recording_consent.json";
  if (!std::filesystem::exists(path, ec)) {
    path = std::filesystem::path(shippedDataDir()) / "rules" / "recording_consent.json";
  }
  std::ifstream f(path);
  if (!f) return Status::notFound("cannot read " + path.string(), "recording_consent");
  Json j = Json::parse(f, nullptr, false);
  if (j.is_discarded()) return Status::invalidArgument(path.string() + ": not valid JSON", "recording_consent");
  return core::policy::parseRecordingConsent(j, path.string());
}

}  // namespace clearline::policy_data
