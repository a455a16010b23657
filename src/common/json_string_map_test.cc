#include <gtest/gtest.h>

#include <random>

#include "common/json.h"
#include "common/json_string_map.h"

namespace clearline {
namespace {

// appendCanonicalJson is a fast path of canonicalJson(Json(map)): the bytes
// must be identical, for plain ASCII, for escapes, and for anything else.
TEST(JsonTest, AppendCanonicalJsonMatchesCanonicalJsonForStringMaps) {
  std::mt19937 rng(11);
  const std::string alphabet[] = {"a", "Z", "0", " ", "\"", "\\", "/", "{", ",", ":", "\t", "\n", "\x01", "\x7f",
                                  "é", "Zoë", "\xff", "\xc3", "PARTY", "DEM"};
  constexpr int kAlphabet = sizeof alphabet / sizeof alphabet[0];
  auto word = [&](int max_len) {
    std::string s;
    int n = static_cast<int>(rng() % (max_len + 1));
    for (int i = 0; i < n; ++i) s += alphabet[rng() % kAlphabet];
    return s;
  };
  for (int round = 0; round < 3000; ++round) {
    std::map<std::string, std::string> m;
    int n = static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i) m[word(4)] = word(6);
    std::string got = "prefix";
    appendCanonicalJson(m, got);
    EXPECT_EQ(got, "prefix" + canonicalJson(Json(m))) << "round " << round;
  }
  std::string empty;
  appendCanonicalJson({}, empty);
  EXPECT_EQ(empty, "{}");
  std::string plain;
  appendCanonicalJson({{"PARTY", "DEM"}, {"A \"q\"", "b\\c"}}, plain);
  EXPECT_EQ(plain, R"({"A \"q\"":"b\\c","PARTY":"DEM"})");
}

}  // namespace
}  // namespace clearline
