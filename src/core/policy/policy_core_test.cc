// Unit tests for core/policy's data structures: registry index, DNC file
// parser, abandonment ledger windows, calling-window solver, business days.
// Case names carry the citation of the rule they exercise.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "common/time_util.h"
#include "core/policy/abandonment_ledger.h"
#include "core/policy/business_days.h"
#include "core/policy/dnc_file.h"
#include "core/policy/dnc_registry.h"
#include "core/policy/number.h"
#include "core/policy/us_geo.h"
#include "core/policy/windows.h"

namespace clearline::core::policy {
namespace {

TimePoint T(const char* iso) { return *parseIso(iso); }

TEST(RegistryIndex, R9_MatchesSortedSetOnRandomData) {
  std::mt19937_64 rng(7);
  std::set<uint64_t> ref;
  // Dense prefixes, sparse prefixes and the edges of the line range.
  for (int i = 0; i < 20000; ++i) ref.insert(2025550000ULL + rng() % 10000);
  for (int i = 0; i < 5000; ++i) ref.insert(2000000000ULL + rng() % 8000000000ULL);
  ref.insert(3015550000ULL);
  ref.insert(3015559999ULL);
  ref.insert(9999999999ULL);
  std::vector<uint64_t> keys(ref.begin(), ref.end());
  auto ix = RegistryIndex::build(keys);
  ASSERT_TRUE(ix.isOk());
  EXPECT_EQ(ix->size(), keys.size());
  for (uint64_t k : keys) ASSERT_TRUE(ix->contains(k)) << k;
  for (int i = 0; i < 200000; ++i) {
    uint64_t k = 2000000000ULL + rng() % 8000000000ULL;
    if (i % 2) k = 2025550000ULL + rng() % 10000;
    ASSERT_EQ(ix->contains(k), ref.count(k) > 0) << k;
  }
  EXPECT_EQ(ix->toVector(), keys);
  auto round = RegistryIndex::deserialize(ix->serialize());
  ASSERT_TRUE(round.isOk());
  EXPECT_EQ(round->toVector(), keys);
}

TEST(RegistryIndex, R9_RejectsUnsortedAndCorruptBytes) {
  EXPECT_FALSE(RegistryIndex::build({5, 3}).isOk());
  EXPECT_FALSE(RegistryIndex::build({RegistryIndex::kUniverse}).isOk());
  auto ix = RegistryIndex::build({2025550123ULL});
  std::string bytes = ix->serialize();
  bytes[bytes.size() / 2] ^= 1;
  EXPECT_EQ(RegistryIndex::deserialize(bytes).status().code(), StatusCode::kDataLoss);
  EXPECT_FALSE(RegistryIndex::deserialize(bytes.substr(0, 20)).isOk());
}

TEST(RegistryIndex, R9_DenseRegistryUnderOneBytePerNumber) {
  // ~10% of 200 prefixes (registry density): the index must stay under 1 byte/number
  // once the fixed prefix bitmap is amortised (bench/ measures it at 50M).
  std::mt19937_64 rng(1);
  std::vector<uint64_t> keys;
  for (uint64_t p = 0; p < 200; ++p)
    for (uint64_t l = 0; l < 10000; ++l)
      if (rng() % 10 == 0) keys.push_back((202550 + p) * 10000 + l);
  auto ix = RegistryIndex::build(keys);
  ASSERT_TRUE(ix.isOk());
  double block_bytes = static_cast<double>(ix->bytes() - ix->fixedBytes()) / static_cast<double>(keys.size());
  EXPECT_LT(block_bytes, 1.0);
}

// Checks an index against the sorted key list it was built from: every key, the
// neighbours of every key, toVector(), containsMany() and a serialise round trip.
void expectSameSet(const std::vector<uint64_t>& keys) {
  auto ix = RegistryIndex::build(keys);
  ASSERT_TRUE(ix.isOk()) << ix.status().toString();
  EXPECT_EQ(ix->size(), keys.size());
  EXPECT_EQ(ix->empty(), keys.empty());
  std::set<uint64_t> ref(keys.begin(), keys.end());
  std::vector<uint64_t> probes;
  for (uint64_t k : keys) {
    probes.push_back(k);
    if (k > 0) probes.push_back(k - 1);
    if (k + 1 < RegistryIndex::kUniverse) probes.push_back(k + 1);
  }
  for (uint64_t k : {uint64_t{0}, uint64_t{1}, uint64_t{9999}, uint64_t{10000}, RegistryIndex::kUniverse - 1,
                     RegistryIndex::kUniverse, RegistryIndex::kUniverse + 5, ~uint64_t{0}})
    probes.push_back(k);
  std::vector<uint8_t> out(probes.size(), 7);
  size_t found = ix->containsMany(probes, out);
  size_t expect_found = 0;
  for (size_t i = 0; i < probes.size(); ++i) {
    bool want = ref.count(probes[i]) > 0;
    expect_found += want;
    ASSERT_EQ(ix->contains(probes[i]), want) << probes[i];
    ASSERT_EQ(out[i], want ? 1 : 0) << probes[i];
  }
  EXPECT_EQ(found, expect_found);
  EXPECT_EQ(ix->toVector(), keys);
  auto round = RegistryIndex::deserialize(ix->serialize());
  ASSERT_TRUE(round.isOk()) << round.status().toString();
  EXPECT_EQ(round->toVector(), keys);
  EXPECT_EQ(round->bytes(), ix->bytes());
  for (uint64_t k : probes) ASSERT_EQ(round->contains(k), ref.count(k) > 0) << k;
}

TEST(RegistryIndex, R9_EmptyIndex) {
  expectSameSet({});
  auto ix = RegistryIndex::build({});
  ASSERT_TRUE(ix.isOk());
  EXPECT_FALSE(ix->contains(0));
  EXPECT_FALSE(ix->contains(2025550123ULL));
  EXPECT_EQ(ix->bytes(), 0u);
}

TEST(RegistryIndex, R9_OneNumber) {
  expectSameSet({2025550123ULL});
  expectSameSet({0});
  expectSameSet({RegistryIndex::kUniverse - 1});
}

TEST(RegistryIndex, R9_FirstAndLastNumberOfTheUniverse) {
  expectSameSet({0, 1, 9999, 10000, 9999990000ULL, RegistryIndex::kUniverse - 2, RegistryIndex::kUniverse - 1});
}

TEST(RegistryIndex, R9_BucketBoundaries) {
  // Prefix sizes around the bucket split points (kBucketTarget · 2^s numbers), each prefix
  // holding the first and last line of every bucket and the lines either side of them.
  const uint32_t t = RegistryIndex::kBucketTarget;
  std::vector<uint64_t> keys;
  uint64_t prefix = 200000;
  for (uint32_t k : {t - 1, t, t + 1, 2 * t, 2 * t + 1, 4 * t + 1, 10000u}) {
    std::set<uint64_t> lines;
    uint32_t nb = 1;
    while (uint64_t{t} * nb < k) nb *= 2;
    for (uint32_t j = 0; j <= nb; ++j) {
      uint32_t lo = (j * 10000 + nb - 1) / nb;  // first line of bucket j
      for (int d = -1; d <= 1; ++d)
        if (static_cast<int>(lo) + d >= 0 && static_cast<int>(lo) + d < 10000) lines.insert(lo + static_cast<uint32_t>(d));
    }
    for (uint32_t l = 0; lines.size() < k; l = (l + 7919) % 10000) lines.insert(l);
    for (uint64_t l : lines) keys.push_back(prefix * 10000 + l);
    ++prefix;
  }
  expectSameSet(keys);
}

TEST(RegistryIndex, R9_FullAndAlternatingPrefixes) {
  std::vector<uint64_t> keys;
  for (uint64_t l = 0; l < 10000; ++l) keys.push_back(2025550000ULL + l);       // every line
  for (uint64_t l = 0; l < 10000; l += 2) keys.push_back(2025560000ULL + l);    // every other line
  for (uint64_t l = 0; l < 10000; l += 97) keys.push_back(2025570000ULL + l);   // sparse, regular
  for (uint64_t l = 9000; l < 10000; ++l) keys.push_back(2025580000ULL + l);    // one dense block
  expectSameSet(keys);
}

TEST(RegistryIndex, R9_DuplicatesAndDisorderAreRejected) {
  EXPECT_EQ(RegistryIndex::build({2025550123ULL, 2025550123ULL}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RegistryIndex::build({2025550124ULL, 2025550123ULL}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RegistryIndex::build({1, RegistryIndex::kUniverse}).status().code(), StatusCode::kInvalidArgument);
}

TEST(RegistryIndex, R9_DamagedFilesAreDataLoss) {
  std::vector<uint64_t> keys;
  for (uint64_t l = 0; l < 3000; l += 3) keys.push_back(2025550000ULL + l);
  auto ix = RegistryIndex::build(keys);
  ASSERT_TRUE(ix.isOk());
  const std::string good = ix->serialize();
  // Every truncation, and a flipped bit anywhere, is refused (magic, header, checksum or structure).
  for (size_t n : {size_t{0}, size_t{7}, size_t{8}, size_t{47}, size_t{56}, good.size() / 2, good.size() - 1})
    EXPECT_EQ(RegistryIndex::deserialize(std::string_view(good).substr(0, n)).status().code(), StatusCode::kDataLoss) << n;
  for (size_t i = 0; i < good.size(); i += 997) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    EXPECT_FALSE(RegistryIndex::deserialize(bad).isOk()) << i;
  }
  EXPECT_FALSE(RegistryIndex::deserialize(good + "x").isOk());
}

TEST(RegistryIndex, R9_ReadsFormat1Files) {
  // A format-1 file (per-prefix Elias–Fano blocks, written by earlier releases) with the
  // numbers 202-555-0123 and 202-555-9999: deserialize() re-encodes it.
  std::string f1("CLDNCIX1", 8);
  auto put64 = [&](uint64_t v) { f1.append(reinterpret_cast<const char*>(&v), 8); };
  auto put32 = [&](uint32_t v) { f1.append(reinterpret_cast<const char*>(&v), 4); };
  // k = 2 → l = 12 (⌊log2(10000/2)⌋); high parts 0 and 2 (≤ 2 → 2 + 2 + 1 bits), lows 123 and 1807.
  const uint64_t header = 2 | (uint64_t{12} << 16);
  const uint64_t hl = 2 + (9999 >> 12) + 1;
  std::vector<uint64_t> body(2, 0);
  auto setBits = [&](uint64_t pos, int n, uint64_t v) {
    for (int i = 0; i < n; ++i)
      if ((v >> i) & 1) body[(pos + static_cast<uint64_t>(i)) / 64] |= uint64_t{1} << ((pos + static_cast<uint64_t>(i)) % 64);
  };
  setBits(0 + 0, 1, 1);   // element 0: high 0 → bit 0
  setBits(2 + 1, 1, 1);   // element 1: high 2 → bit 3
  setBits(hl, 12, 123);
  setBits(hl + 12, 12, 9999 & 4095);
  const uint32_t prefix = 202555;
  const uint64_t words = 1 + 1;  // header + (5 + 24 bits) in one word
  put64(2);
  put64(1'000'001);
  put64(words + 1);
  for (uint32_t p = 0; p <= 1'000'000; ++p) put32(p <= prefix ? 0 : static_cast<uint32_t>(words));
  put64(header);
  put64(body[0]);
  put64(0);  // the spare word
  uint64_t sum = 1469598103934665603ULL;
  for (size_t i = 8; i < f1.size(); ++i) sum = (sum ^ static_cast<uint8_t>(f1[i])) * 1099511628211ULL;
  put64(sum);
  auto ix = RegistryIndex::deserialize(f1);
  ASSERT_TRUE(ix.isOk()) << ix.status().toString();
  EXPECT_EQ(ix->toVector(), (std::vector<uint64_t>{2025550123ULL, 2025559999ULL}));
  EXPECT_TRUE(ix->contains(2025559999ULL));
  EXPECT_FALSE(ix->contains(2025550124ULL));
  f1[f1.size() - 9] ^= 1;
  EXPECT_EQ(RegistryIndex::deserialize(f1).status().code(), StatusCode::kDataLoss);
}

TEST(DncFile, R9_FullListParses) {
  auto f = parseDncFile("202,5550123\r\n202,5550124\n", "full.txt", DncFileKind::kFull);
  ASSERT_TRUE(f.isOk()) << f.status().toString();
  ASSERT_EQ(f->ops.size(), 2u);
  EXPECT_EQ(f->ops[0].key, 2025550123ULL);
}

struct BadFile {
  const char* name;
  const char* text;
  DncFileKind kind;
  std::vector<int> expected;
  const char* where;
  const char* what;
};

TEST(DncFile, R9_MalformedFilesNameFileAndLine) {
  const BadFile cases[] = {
      {"wrong_line_length", "202,5550123\n202,555012\n", DncFileKind::kFull, {}, "f.txt:2", "wrong line length"},
      {"non_digits", "202,5550123\n202,55501x3\n", DncFileKind::kFull, {}, "f.txt:2", "non-digit"},
      {"truncated_last_record", "202,5550123\n202,55", DncFileKind::kFull, {}, "f.txt:2", "wrong line length"},
      {"wrong_area_code_header", "# area codes: 202\n202,5550123\n301,5550123\n", DncFileKind::kFull, {}, "f.txt:3",
       "area code 301"},
      {"header_not_expected", "# area codes: 415\n415,5550123\n", DncFileKind::kFull, {202}, "f.txt:1", "header area code 415"},
      {"bad_header_code", "# area codes: 2x2\n", DncFileKind::kFull, {}, "f.txt:1", "bad area code"},
      {"invalid_nanp", "202,0550123\n", DncFileKind::kFull, {}, "f.txt:1", "not a valid NANP"},
      {"missing_comma", "2025550123 \n", DncFileKind::kFull, {}, "f.txt:1", "expected ','"},
      {"empty_line_inside", "202,5550123\n\n202,5550124\n", DncFileKind::kFull, {}, "f.txt:2", "empty line"},
      {"empty_file", "", DncFileKind::kFull, {}, "f.txt:0", "empty file"},
      {"bad_action", "202,5550123,X\n", DncFileKind::kChange, {}, "f.txt:1", "unknown change action"},
      {"bad_change_date", "202,5550123,A,2026-13\n", DncFileKind::kChange, {}, "f.txt:1", "bad date"},
  };
  for (const auto& c : cases) {
    auto r = parseDncFile(c.text, "f.txt", c.kind, c.expected);
    ASSERT_FALSE(r.isOk()) << c.name;
    EXPECT_NE(r.status().message().find(c.where), std::string::npos) << c.name << ": " << r.status().message();
    EXPECT_NE(r.status().message().find(c.what), std::string::npos) << c.name << ": " << r.status().message();
  }
}

TEST(DncFile, R9_ChangeFileDeletesThenReAdds) {
  auto f = parseDncFile("202,5550123,D\n202,5550124,A,2026-11-28\n202,5550123,A\n202,5550125,D\n", "chg.txt",
                        DncFileKind::kChange);
  ASSERT_TRUE(f.isOk()) << f.status().toString();
  std::vector<uint64_t> cur = {2025550123ULL, 2025550125ULL};
  auto next = applyDncOps(cur, f->ops);
  EXPECT_EQ(next, (std::vector<uint64_t>{2025550123ULL, 2025550124ULL}));
}

TEST(DncFile, U7_TpsListParses) {
  auto f = parseTpsFile("+442079460000\n02079460001\n2079460002\n", "tps.txt");
  ASSERT_TRUE(f.isOk());
  EXPECT_EQ(f->ops[1].key, 2079460001ULL);
  EXPECT_FALSE(parseTpsFile("+44207946000x\n", "tps.txt").isOk());
}

TEST(Ledger, R3_U2_WindowEdges) {
  InMemoryAbandonmentLedger l;
  CampaignId c(1);
  TimePoint now = T("2026-11-28T12:00:00Z");
  // Exactly 24 h before now: outside (now − 24 h, now]; 1 ms later: inside.
  l.recordLiveAnswer(c, CallId(1), now - std::chrono::hours(24), true, false);
  l.recordLiveAnswer(c, CallId(2), now - std::chrono::hours(24) + Millis(1), true, false);
  // Exactly 30 days before: outside the 30-day window.
  l.recordLiveAnswer(c, CallId(3), now - std::chrono::hours(24 * 30), true, false);
  for (int i = 0; i < 97; ++i) l.recordLiveAnswer(c, CallId(10 + i), now - std::chrono::hours(1), false, false);
  auto b = l.budget(c, now, 3.0);
  EXPECT_EQ(b.answered_24h, 98);
  EXPECT_EQ(b.abandoned_24h, 1);
  EXPECT_EQ(b.answered_30d, 99);   // the 24 h-edge call is inside 30 days
  EXPECT_EQ(b.abandoned_30d, 2);
  // (2 + k) / (99 + k) ≤ 3%  →  k ≤ (2.97 − 2) / 0.97 = 1
  EXPECT_EQ(b.remaining_abandons, 1);
  // AMD false positives count as abandoned (U2).
  l.recordLiveAnswer(c, CallId(200), now - std::chrono::minutes(1), false, true);
  EXPECT_EQ(l.budget(c, now, 3.0).abandoned_24h, 2);
  // Out-of-order arrival keeps prefix sums right.
  l.recordLiveAnswer(c, CallId(201), now - std::chrono::hours(2), true, false);
  EXPECT_EQ(l.budget(c, now, 3.0).abandoned_24h, 3);
  EXPECT_EQ(l.budget(CampaignId(2), now, 3.0).answered_30d, 0);
}

TEST(Windows, R1_DstSpringForwardNextAllowedInstant) {
  auto ny = *findZone("America/New_York");
  FixedDayPolicy p(*parseDayWindow("08:00-21:00"));
  WindowConstraint c{ny, &p, nullptr, "R1"};
  ZoneCache cache;
  // 2026-03-08 DST starts: 08:00 EDT = 12:00Z (it would be 13:00Z the day before).
  EXPECT_EQ(*nextAllowed(c, T("2026-03-08T11:59:00Z"), cache), T("2026-03-08T12:00:00Z"));
  EXPECT_EQ(*nextAllowed(c, T("2026-03-07T12:59:00Z"), cache), T("2026-03-07T13:00:00Z"));
  // 2026-11-01 DST ends: 08:00 EST = 13:00Z.
  EXPECT_EQ(*nextAllowed(c, T("2026-11-01T12:30:00Z"), cache), T("2026-11-01T13:00:00Z"));
  // 21:00 exactly is outside; next is 08:00 the next day.
  EXPECT_FALSE(allowedAt(c, T("2026-11-02T02:00:00Z"), cache));
  EXPECT_TRUE(allowedAt(c, T("2026-11-02T01:59:59Z"), cache));
}

TEST(Windows, S9_IntersectionAcrossZones) {
  auto ny = *findZone("America/New_York");
  auto chi = *findZone("America/Chicago");
  FixedDayPolicy r1(*parseDayWindow("08:00-21:00"));
  FixedDayPolicy fl(*parseDayWindow("08:00-20:00"));
  std::vector<WindowConstraint> cs = {{ny, &r1, nullptr, "R1"}, {chi, &r1, nullptr, "R1"},
                                      {ny, &fl, nullptr, "S8"}, {chi, &fl, nullptr, "S8"}};
  ZoneCache cache;
  // 08:30 Eastern = 07:30 Central → wait for 08:00 Central = 14:00Z.
  EXPECT_EQ(*solveWindows(cs, T("2026-12-01T13:30:00Z"), cache), T("2026-12-01T14:00:00Z"));
  // 19:30 Central = 20:30 Eastern → FL window over in Eastern → next day 14:00Z.
  EXPECT_EQ(*solveWindows(cs, T("2026-12-02T01:30:00Z"), cache), T("2026-12-02T14:00:00Z"));
}

// The zone cache keeps each zone's offset span [begin, end) as read from the tz
// database; a cached offset must equal the database's at every instant, also
// when consecutive look-ups cross a DST transition in either direction.
TEST(Windows, R1_ZoneCacheOffsetAcrossDstTransitions) {
  for (const char* name : {"America/New_York", "America/Chicago", "America/Phoenix", "Europe/London",
                           "Australia/Lord_Howe", "America/Adak"}) {
    auto z = *findZone(name);
    ZoneCache cache;
    for (const char* edge : {"2026-03-08T07:00:00Z", "2026-11-01T06:00:00Z", "2026-03-29T01:00:00Z",
                             "2026-10-25T01:00:00Z", "2026-04-04T15:00:00Z", "2026-10-03T15:30:00Z"}) {
      // Minute by minute over 3 h either side of the (possible) transition, forwards then backwards.
      TimePoint e = T(edge);
      for (int m = -180; m <= 180; ++m) {
        TimePoint t = e + std::chrono::minutes(m);
        ASSERT_EQ(cache.offsetMinutes(z, t), zoneOffsetAt(z, t).offset_minutes) << name << " " << formatIsoUtc(t);
      }
      for (int m = 180; m >= -180; --m) {
        TimePoint t = e + std::chrono::minutes(m) - std::chrono::milliseconds(1);
        ASSERT_EQ(cache.offsetMinutes(z, t), zoneOffsetAt(z, t).offset_minutes) << name << " " << formatIsoUtc(t);
      }
    }
    EXPECT_GT(cache.hits(), cache.misses()) << name;  // the cache is really used
  }
  // New York: one millisecond before and at the 2026 spring-forward instant.
  auto ny = *findZone("America/New_York");
  ZoneCache cache;
  EXPECT_EQ(cache.offsetMinutes(ny, T("2026-03-08T06:59:59.999Z")), -300);
  EXPECT_EQ(cache.offsetMinutes(ny, T("2026-03-08T07:00:00Z")), -240);
  EXPECT_EQ(cache.offsetMinutes(ny, T("2026-03-08T06:59:59.999Z")), -300);  // back again
}

// ZoneCache::local (the local day and minute at an instant, memoised per zone
// for the last instant asked): equal to the tz database's offset arithmetic at
// every instant near each 2026 DST edge, whether the memo, the cached span or a
// fresh span answers — also when other instants (offsetMinutes) move the span
// in between, and when the same instant is asked again after that.
TEST(Windows, R1_ZoneCacheLocalMemoMatchesTzDatabaseAtDstEdges) {
  auto expect = [](ZoneRef z, TimePoint t) {
    int64_t lm = floorDiv(toEpochMillis(t), 60'000) + zoneOffsetAt(z, t).offset_minutes;
    int64_t d = floorDiv(lm, 1440);
    return std::pair<int64_t, int>(d, static_cast<int>(lm - d * 1440));
  };
  for (const char* name : {"America/New_York", "America/Phoenix", "Europe/London", "Australia/Lord_Howe"}) {
    auto z = *findZone(name);
    ZoneCache cache;
    for (const char* edge : {"2026-03-08T07:00:00Z", "2026-11-01T06:00:00Z", "2026-03-29T01:00:00Z",
                             "2026-10-25T01:00:00Z", "2026-04-04T15:00:00Z", "2026-10-03T15:30:00Z"}) {
      TimePoint e = T(edge);
      for (int m = -150; m <= 150; m += 3) {
        TimePoint t = e + std::chrono::minutes(m) + std::chrono::seconds(m % 7);
        auto want = expect(z, t);
        auto a = cache.local(z, t);  // span or tz database
        auto b = cache.local(z, t);  // memo
        ASSERT_EQ(std::make_pair(a.days, a.minute), want) << name << " " << formatIsoUtc(t);
        ASSERT_EQ(std::make_pair(b.days, b.minute), want) << name << " " << formatIsoUtc(t);
        // Move the cached span to the other side of the edge, then ask t again (memo).
        (void)cache.offsetMinutes(z, e - std::chrono::minutes(m) - std::chrono::hours(5));
        auto c = cache.local(z, t);
        ASSERT_EQ(std::make_pair(c.days, c.minute), want) << name << " " << formatIsoUtc(t);
        // And the instant just before t (not the memo's): from the span or the database.
        auto d = cache.local(z, t - std::chrono::milliseconds(1));
        ASSERT_EQ(std::make_pair(d.days, d.minute), expect(z, t - std::chrono::milliseconds(1)))
            << name << " " << formatIsoUtc(t);
      }
    }
    EXPECT_GT(cache.hits(), 0u) << name;
  }
}

// localToUtc through the cache: a skipped wall time maps to the end of the gap,
// an ambiguous one (DST end) to the earlier instant, exactly as the tz database
// says — also when the cache holds the span after the transition (where the
// later instant would wrongly match the cached offset).
TEST(Windows, R1_ZoneCacheLocalToUtcMatchesTzDatabaseAtDstEdges) {
  for (const char* name : {"America/New_York", "America/Denver", "Europe/London", "Australia/Lord_Howe"}) {
    auto z = *findZone(name);
    for (const char* edge : {"2026-03-08T07:00:00Z", "2026-11-01T06:00:00Z", "2026-03-29T01:00:00Z",
                             "2026-10-25T01:00:00Z", "2026-04-04T15:00:00Z", "2026-10-03T15:30:00Z"}) {
      for (int warm : {-1, 1}) {  // cache the span before, or after, the edge
        ZoneCache cache;
        TimePoint e = T(edge);
        (void)cache.offsetMinutes(z, e + std::chrono::hours(30 * warm));
        int64_t base = floorDiv(toEpochMillis(e), 60'000) + zoneOffsetAt(z, e).offset_minutes;
        for (int64_t lm = base - 36 * 60; lm <= base + 36 * 60; lm += 10) {
          ASSERT_EQ(formatIsoUtc(cache.localToUtc(z, lm)), formatIsoUtc(localToUtc(z, lm)))
              << name << " edge " << edge << " warm " << warm << " local minute " << lm;
        }
        EXPECT_GT(cache.hits(), 0u) << name << " " << edge;
      }
    }
  }
  // The ambiguous 01:30 on 2026-11-01 in New York is the first one (EDT, 05:30Z),
  // even with the EST span (which starts 06:00Z) cached.
  auto ny = *findZone("America/New_York");
  ZoneCache cache;
  (void)cache.offsetMinutes(ny, T("2026-11-01T07:00:00Z"));
  int64_t local_0130 = floorDiv(toEpochMillis(T("2026-11-01T01:30:00Z")), 60'000);
  EXPECT_EQ(cache.localToUtc(ny, local_0130), T("2026-11-01T05:30:00Z"));
  // The skipped 02:30 on 2026-03-08 maps to the end of the gap (07:00Z).
  int64_t local_0230 = floorDiv(toEpochMillis(T("2026-03-08T02:30:00Z")), 60'000);
  EXPECT_EQ(cache.localToUtc(ny, local_0230), T("2026-03-08T07:00:00Z"));
}

TEST(Windows, FormatDayWindow) {
  EXPECT_EQ(formatDayWindow(*parseDayWindow("08:00-21:00")), "08:00-21:00");
  EXPECT_EQ(formatDayWindow(*parseDayWindow("00:05-24:00")), "00:05-24:00");
  EXPECT_EQ(formatDayWindow(DayWindow{0, 0}), "closed");
  std::string s = "allows ";
  appendDayWindow(s, DayWindow{9 * 60 + 30, 20 * 60 + 59});
  EXPECT_EQ(s, "allows 09:30-20:59");
}

TEST(Windows, ParseDayWindowRejectsGarbage) {
  EXPECT_FALSE(parseDayWindow("8-21").has_value());
  EXPECT_FALSE(parseDayWindow("21:00-08:00").has_value());
  EXPECT_FALSE(parseDayWindow("08:00-25:00").has_value());
  EXPECT_FALSE(parseDayWindow("08:00-21:00x").has_value());
  EXPECT_FALSE(parseDayWindow("closed")->open());
}

TEST(BusinessDays, R10_TenBusinessDaysSkipWeekendsAndHolidays) {
  // Mon 2026-11-23 + 10 business days: skips Thanksgiving (26th) and 2 weekends → Tue 2026-12-08.
  EXPECT_EQ(addBusinessDays(T("2026-11-23T15:00:00Z"), 10), T("2026-12-08T15:00:00Z"));
  EXPECT_TRUE(isUsFederalHoliday(floorDiv(toEpochMillis(T("2026-07-03T00:00:00Z")), 86400000)));  // 4 July observed
}

TEST(Geo, P0_ZipAndStateValidation) {
  EXPECT_EQ(stateCode(stateFromZip("33101")), "FL");
  EXPECT_EQ(stateCode(stateFromZip("99501-1234")), "AK");
  EXPECT_EQ(stateFromZip("00000"), -2);
  EXPECT_EQ(stateFromZip("1234"), -1);
  EXPECT_EQ(stateFromZip("12a45"), -1);
  EXPECT_EQ(stateIndex("XX"), -1);
  // Every code round-trips, in either case; malformed codes are -1.
  for (int i = 0; i < stateCount(); ++i) {
    std::string code(stateCode(i));
    EXPECT_EQ(stateIndex(code), i) << code;
    std::string lower = code;
    for (auto& ch : lower) ch = static_cast<char>(ch | 0x20);
    EXPECT_EQ(stateIndex(lower), i) << lower;
  }
  for (const char* bad : {"", "F", "FLA", "1A", "[[", "@A", "F{"}) EXPECT_EQ(stateIndex(bad), -1) << bad;
  EXPECT_EQ(stateIndex(std::string("\xC6L")), -1);
  EXPECT_EQ(stateCode(stateFromZip("10001")), "NY");
  EXPECT_EQ(stateCode(stateFromZip("96799-0001")), "HI");
  EXPECT_EQ(stateCode(stateFromZip("96910")), "GU");
  EXPECT_EQ(stateFromZip("34300"), -2);  // 343 is unused in Florida's ranges
  for (const char* st : {"FL", "ID", "TX", "KY", "TN", "IN", "OR", "NE", "KS", "ND", "SD", "MI"})
    EXPECT_EQ(stateZones(stateIndex(st)).size(), 2u) << st;
  for (int i = 0; i < stateCount(); ++i)
    for (const auto& z : stateZones(i)) EXPECT_TRUE(findZone(z).isOk()) << z;
}

TEST(Number, P0_ParsePolicyNumber) {
  EXPECT_EQ(parsePolicyNumber("+12025550123")->national, 2025550123ULL);
  EXPECT_EQ(parsePolicyNumber("+12025550123")->npa, 202);
  EXPECT_FALSE(parsePolicyNumber("+11025550123").has_value());
  EXPECT_FALSE(parsePolicyNumber("2025550123").has_value());
  EXPECT_EQ(parsePolicyNumber("+442079460000")->national, 2079460000ULL);
}

}  // namespace
}  // namespace clearline::core::policy
