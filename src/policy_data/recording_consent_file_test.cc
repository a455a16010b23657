// The shipped all-party consent table loads, every state has a citation, and
// the states the research names are in it (and Oregon, phone calls one-party, is not).
#include "policy_data/recording_consent_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "policy_data/rules_loader.h"

namespace clearline::policy_data {
namespace {

TEST(RecordingConsentFile, ShippedTableLoadsWithACitationPerState) {
  auto t = loadRecordingConsent(shippedDataDir() + "/rules");
  ASSERT_TRUE(t.isOk()) << t.status().toString();
  EXPECT_GE(t->version, 1);
  for (const char* s : {"CA", "FL", "IL", "MD", "MA", "MT", "NV", "NH", "PA", "WA"}) {
    const auto* e = t->find(s);
    ASSERT_NE(e, nullptr) << s;
    EXPECT_FALSE(e->citation.empty()) << s;
  }
  EXPECT_EQ(t->find("NY"), nullptr);
  EXPECT_EQ(t->find("OR"), nullptr);
  EXPECT_NE(t->find("PA")->citation.find("5704"), std::string::npos);
}

TEST(RecordingConsentFile, ARulesDirCopyWinsAndABrokenOneIsAnError) {
  auto dir = std::filesystem::temp_directory_path() / ("cl-consent-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "recording_consent.json")
      << R"({"version": 7, "all_party_consent": [{"state": "NY", "citation": "test"}]})";
  auto t = loadRecordingConsent(dir.string());
  ASSERT_TRUE(t.isOk()) << t.status().toString();
  EXPECT_EQ(t->version, 7);
  EXPECT_NE(t->find("NY"), nullptr);
  std::ofstream(dir / "recording_consent.json") << "{not json";
  EXPECT_FALSE(loadRecordingConsent(dir.string()).isOk());
  std::filesystem::remove_all(dir);
  // A rules dir without the file: the shipped table.
  auto s = loadRecordingConsent((dir / "absent").string());
  ASSERT_TRUE(s.isOk());
  EXPECT_NE(s->find("CA"), nullptr);
}

}  // namespace
}  // namespace clearline::policy_data
