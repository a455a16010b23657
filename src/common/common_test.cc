#include <date/date.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "common/config.h"
#include "common/sha256.h"
#include "common/status.h"
#include "common/time_util.h"

namespace clearline {
namespace {

Result<int> half(int x) {
  if (x % 2) return Status::invalidArgument("odd", "x");
  return x / 2;
}

Result<int> quarter(int x) {
  ASSIGN_OR_RETURN(int h, half(x));
  ASSIGN_OR_RETURN(int q, half(h));
  return q;
}

TEST(Status, ResultPropagatesTheFirstError) {
  EXPECT_EQ(*quarter(8), 2);
  auto r = quarter(6);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "x");
  EXPECT_EQ(r.status().toString(), "invalid_argument: odd (field: x)");
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(TimeUtil, FormatIsoUtcMatchesDateFormat) {
  // formatIsoUtc has a hand-written fast path; it must print what date::format prints.
  std::mt19937_64 rng(3);
  std::vector<int64_t> ms = {0, 1, 999, 1000, 86'399'999, 86'400'000, 951'782'400'000LL /* 2000-02-29 */,
                             4'107'542'399'999LL, 253'402'300'799'999LL, 253'402'300'800'000LL, -1, -86'400'001};
  for (int i = 0; i < 20000; ++i) ms.push_back(static_cast<int64_t>(rng() % 253'402'300'800'000ULL));
  for (int64_t m : ms) {
    TimePoint t = fromEpochMillis(m);
    ASSERT_EQ(formatIsoUtc(t), date::format("%FT%TZ", t)) << m;
  }
}

TEST(TimeUtil, ParsesOffsetsAndRejectsAmbiguousInstants) {
  auto a = parseIso("2026-11-03T10:30:00-05:00");
  auto b = parseIso("2026-11-03T15:30:00Z");
  ASSERT_TRUE(a.isOk());
  ASSERT_TRUE(b.isOk());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(formatIsoUtc(*a), "2026-11-03T15:30:00.000Z");
  EXPECT_FALSE(parseIso("2026-11-03T10:30:00").isOk());  // no offset
  EXPECT_FALSE(parseIso("2026-02-30T10:30:00Z").isOk());
  EXPECT_FALSE(parseIso("yesterday").isOk());
  auto ny = formatIsoInZone(*b, "America/New_York");
  ASSERT_TRUE(ny.isOk());
  EXPECT_EQ(*ny, "2026-11-03T10:30:00.000-05:00");
  EXPECT_FALSE(formatIsoInZone(*b, "Mars/Olympus").isOk());
}

TEST(Config, DefaultsAreDocumentedAndOverridable) {
  Config d = Config::defaults();
  EXPECT_EQ(d.getString("import.default_region"), "US");
  auto dir = std::filesystem::temp_directory_path() / "clearline_config_test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir / "clearline.toml");
    f << "[import]\ndefault_region = \"GB\"\n";
  }
  auto c = Config::loadForDataDir(dir.string(), "");
  ASSERT_TRUE(c.isOk()) << c.status().toString();
  EXPECT_EQ(c->getString("import.default_region"), "GB");
  EXPECT_EQ(c->getString("store.backend"), "sqlite");
  std::filesystem::remove_all(dir);
}

TEST(Config, UnknownKeyNamesFileAndLine) {
  auto dir = std::filesystem::temp_directory_path() / "clearline_config_test2";
  std::filesystem::create_directories(dir);
  auto file = (dir / "x.toml").string();
  {
    std::ofstream f(file);
    f << "[import]\n\ndefualt_region = \"GB\"\n";
  }
  auto c = Config::load(file);
  ASSERT_FALSE(c.isOk());
  EXPECT_NE(c.status().message().find(file + ":3"), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("import.defualt_region"), std::string::npos);
  {
    std::ofstream f(file);
    f << "[store]\nbusy_timeout_ms = \"soon\"\n";
  }
  c = Config::load(file);
  ASSERT_FALSE(c.isOk());
  EXPECT_NE(c.status().message().find("wrong type"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace clearline
