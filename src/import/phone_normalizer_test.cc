#include "import/phone_normalizer.h"

#include <gtest/gtest.h>

#include <random>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

namespace clearline::import {
namespace {

std::unique_ptr<PhoneNormalizer> make(bool cache = true, std::string region = "US", bool intl = false) {
  PhoneNormalizerOptions o;
  o.default_region = std::move(region);
  o.use_cache = cache;
  o.allow_international = intl;
  o.extra_area_codes = {645};
  auto n = PhoneNormalizer::create(o);
  EXPECT_TRUE(n.isOk());
  return std::move(n).value();
}

TEST(PhoneNormalizer, NationalFormatsBecomeE164) {
  auto n = make();
  PhoneResult r;
  for (const char* s : {"(305) 234-5678", "305-234-5678", "305.234.5678", "3052345678", "1 305 234 5678",
                        "+1 305 234 5678", "+13052345678", " 305 234 5678 "}) {
    ASSERT_TRUE(n->normalize(s, r)) << s << ": " << r.reason;
    EXPECT_EQ(r.e164, "+13052345678") << s;
    EXPECT_EQ(r.region, "US");
    EXPECT_EQ(r.number_type, "FIXED_LINE_OR_MOBILE");
  }
  EXPECT_GT(n->cacheHits(), 0);
}

TEST(PhoneNormalizer, RejectsWithReasons) {
  auto n = make();
  PhoneResult r;
  EXPECT_FALSE(n->normalize("555-CALL-NOW", r));
  EXPECT_EQ(r.reason, "contains letters");
  EXPECT_FALSE(n->normalize("305-234-5678 x12", r));
  EXPECT_NE(r.reason.find("extension"), std::string::npos);
  EXPECT_FALSE(n->normalize("305-234-5678 ext. 9", r));
  EXPECT_NE(r.reason.find("extension"), std::string::npos);
  EXPECT_FALSE(n->normalize("3052345678#4", r));
  EXPECT_NE(r.reason.find("extension"), std::string::npos);
  EXPECT_FALSE(n->normalize("234-5678", r));
  EXPECT_NE(r.reason.find("too short"), std::string::npos) << r.reason;
  EXPECT_FALSE(n->normalize("12345", r));
  EXPECT_NE(r.reason.find("too short"), std::string::npos) << r.reason;
  EXPECT_FALSE(n->normalize("305234567890123", r));
  EXPECT_NE(r.reason.find("too long"), std::string::npos) << r.reason;
  EXPECT_FALSE(n->normalize("+44 20 7946 0000", r));
  EXPECT_NE(r.reason.find("international"), std::string::npos) << r.reason;
  EXPECT_FALSE(n->normalize("(555) 123-4567", r));  // 555 is not an area code
  EXPECT_NE(r.reason.find("not a valid number"), std::string::npos) << r.reason;
  EXPECT_FALSE(n->normalize("---", r));
  EXPECT_FALSE(n->normalize("", r));
}

TEST(PhoneNormalizer, InternationalAllowedWhenAsked) {
  auto n = make(true, "US", true);
  PhoneResult r;
  ASSERT_TRUE(n->normalize("+44 20 7946 0000", r)) << r.reason;
  EXPECT_EQ(r.e164, "+442079460000");
  EXPECT_EQ(r.region, "GB");
  ASSERT_TRUE(n->normalize("011 44 20 7946 0000", r)) << r.reason;  // US international prefix
  EXPECT_EQ(r.e164, "+442079460000");
}

TEST(PhoneNormalizer, OtherDefaultRegion) {
  auto n = make(true, "gb");
  PhoneResult r;
  ASSERT_TRUE(n->normalize("020 7946 0000", r)) << r.reason;
  EXPECT_EQ(r.e164, "+442079460000");
  EXPECT_FALSE(n->normalize("+1 305 234 5678", r));  // +1 is international from GB
  EXPECT_FALSE(PhoneNormalizer::create(PhoneNormalizerOptions{"XX"}).isOk());
}

TEST(PhoneNormalizer, ExtraAreaCodesAreAccepted) {
  auto n = make();
  PhoneResult r;
  ASSERT_TRUE(n->normalize("(645) 234-5678", r)) << r.reason;
  EXPECT_EQ(r.e164, "+16452345678");
  auto slow = make(false);
  ASSERT_TRUE(slow->normalize("(645) 234-5678", r)) << r.reason;
}

// The cache's correctness argument, tested: for random ten-digit NANP numbers
// in many spellings, the cached fast path and plain libphonenumber agree on
// every field, including for a second number sharing the NPA-NXX.
TEST(PhoneNormalizer, FastPathAgreesWithLibphonenumber) {
  auto fast = make(true);
  auto slow = make(false);
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> npa(200, 999), nxx(0, 999), line(0, 9999), fmt(0, 5);
  char buf[64];
  PhoneResult a, b;
  for (int i = 0; i < 4000; ++i) {
    int p = npa(rng), x = nxx(rng);
    for (int k = 0; k < 2; ++k) {
      int l = line(rng);
      switch (fmt(rng)) {
        case 0: std::snprintf(buf, sizeof buf, "(%03d) %03d-%04d", p, x, l); break;
        case 1: std::snprintf(buf, sizeof buf, "%03d.%03d.%04d", p, x, l); break;
        case 2: std::snprintf(buf, sizeof buf, "1%03d%03d%04d", p, x, l); break;
        case 3: std::snprintf(buf, sizeof buf, "+1 %03d %03d %04d", p, x, l); break;
        case 4: std::snprintf(buf, sizeof buf, "1-%03d-%03d-%04d", p, x, l); break;
        default: std::snprintf(buf, sizeof buf, "%03d%03d%04d", p, x, l); break;
      }
      bool ra = fast->normalize(buf, a), rb = slow->normalize(buf, b);
      ASSERT_EQ(ra, rb) << buf << " fast: " << a.reason << " slow: " << b.reason;
      EXPECT_EQ(a.e164, b.e164) << buf;
      EXPECT_EQ(a.number_type, b.number_type) << buf;
      EXPECT_EQ(a.region, b.region) << buf;
      EXPECT_EQ(a.reason, b.reason) << buf;
    }
  }
  EXPECT_GT(fast->cacheHits(), 3000);
}

// The normalizer derives validity from the number type (one libphonenumber
// type look-up instead of two): check that IsValidNumber agrees, over random
// NANP numbers and a spread of other countries' numbers.
TEST(PhoneNormalizer, CrossCheckAgainstIsValidNumber) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  auto* util = PhoneNumberUtil::GetInstance();
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> npa(100, 999), nxx(0, 999), line(0, 9999), cc(0, 9);
  const char* prefixes[] = {"+1", "+44", "+49", "+33", "+61", "+52", "+81", "+39", "+34", "+91"};
  const char* extra[] = {"", "", "20", "7", "1", "55", "3", "06", "6", "98"};
  int valid = 0, invalid = 0;
  char buf[64];
  for (int i = 0; i < 20000; ++i) {
    int c = i < 10000 ? 0 : cc(rng);
    std::snprintf(buf, sizeof buf, "%s%s%03d%03d%04d", prefixes[c], extra[c], npa(rng), nxx(rng), line(rng));
    PhoneNumber n;
    if (util->Parse(buf, "US", &n) != PhoneNumberUtil::NO_PARSING_ERROR) continue;
    bool v = util->IsValidNumber(n);
    bool by_type = util->GetNumberType(n) != PhoneNumberUtil::UNKNOWN;
    ASSERT_EQ(v, by_type) << buf;
    (v ? valid : invalid)++;
  }
  EXPECT_GT(valid, 1000);
  EXPECT_GT(invalid, 1000);
}

}  // namespace
}  // namespace clearline::import
