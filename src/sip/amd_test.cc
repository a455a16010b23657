#include "sip/amd.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace clearline::sip {
namespace {

// ms of a 300 Hz + 900 Hz voice-like tone, or of silence (with faint noise).
void voice(std::vector<int16_t>& v, int ms, double amp = 5000) {
  size_t n = static_cast<size_t>(ms) * 8;
  for (size_t i = 0; i < n; ++i) {
    double t = static_cast<double>(v.size()) / 8000.0;
    v.push_back(static_cast<int16_t>(amp * (0.7 * std::sin(2 * M_PI * 300 * t) + 0.3 * std::sin(2 * M_PI * 900 * t))));
  }
}
void silence(std::vector<int16_t>& v, int ms) {
  size_t n = static_cast<size_t>(ms) * 8;
  for (size_t i = 0; i < n; ++i) v.push_back(static_cast<int16_t>((i * 7919) % 161) - 80);  // |x| <= 80: line noise
}

AmdDetector run(const std::vector<int16_t>& a, size_t chunk = 160) {
  AmdDetector d;
  for (size_t i = 0; i < a.size(); i += chunk) d.feed(a.data() + i, std::min(chunk, a.size() - i));
  return d;
}

TEST(Amd, ShortHelloThenSilenceIsAPersonAndTheGreetingEndsAtTheLastWord) {
  std::vector<int16_t> a;
  silence(a, 300);
  voice(a, 600);  // "Hello?"
  silence(a, 3000);
  AmdDetector d = run(a);
  EXPECT_EQ(d.verdict(), AmdVerdict::kHuman) << d.reason();
  EXPECT_EQ(d.greetingEndMs(), 900);
  EXPECT_EQ(d.decidedAtMs(), 900 + 800);  // after_greeting_silence
  EXPECT_EQ(d.words(), 1);
}

TEST(Amd, LongGreetingIsAMachine) {
  std::vector<int16_t> a;
  silence(a, 200);
  voice(a, 3500);  // "Hi, you've reached … leave a message"
  silence(a, 400);
  voice(a, 400, 8000);  // beep
  silence(a, 2000);
  AmdDetector d = run(a);
  EXPECT_EQ(d.verdict(), AmdVerdict::kMachine) << d.reason();
  EXPECT_EQ(d.decidedAtMs(), 200 + 1500);
}

TEST(Amd, ManyShortWordsAreAMachine) {
  std::vector<int16_t> a;
  for (int w = 0; w < 4; ++w) {
    voice(a, 250);
    silence(a, 200);
  }
  silence(a, 2000);
  AmdDetector d = run(a);
  EXPECT_EQ(d.verdict(), AmdVerdict::kMachine) << d.reason();
  EXPECT_EQ(d.words(), 3);
}

TEST(Amd, SilenceAfterAnswerAndUndecidedAreTreatedAsAPerson) {
  std::vector<int16_t> a;
  silence(a, 4000);
  AmdDetector d = run(a);
  EXPECT_EQ(d.verdict(), AmdVerdict::kHuman);
  EXPECT_EQ(d.decidedAtMs(), 2500);
  EXPECT_EQ(d.greetingEndMs(), -1);
  AmdConfig c;
  c.total_analysis_ms = 1000;
  AmdDetector u(c);
  std::vector<int16_t> b;
  voice(b, 700);
  silence(b, 500);
  u.feed(b.data(), b.size());
  EXPECT_EQ(u.verdict(), AmdVerdict::kHuman);
  EXPECT_EQ(u.decidedAtMs(), 1000);
  EXPECT_NE(u.reason().find("undecided"), std::string::npos);
}

TEST(Amd, ChunkingDoesNotChangeTheVerdictAndLaterAudioIsIgnored) {
  std::vector<int16_t> a;
  voice(a, 2500);
  silence(a, 1000);
  AmdDetector one = run(a, a.size());
  AmdDetector odd = run(a, 7);
  EXPECT_EQ(one.verdict(), AmdVerdict::kMachine);
  EXPECT_EQ(odd.verdict(), AmdVerdict::kMachine);
  EXPECT_EQ(one.decidedAtMs(), odd.decidedAtMs());
  std::vector<int16_t> more;
  silence(more, 3000);
  odd.feed(more.data(), more.size());
  EXPECT_EQ(odd.verdict(), AmdVerdict::kMachine);
  EXPECT_EQ(odd.decidedAtMs(), one.decidedAtMs());
}

// On the live path (grace 2 s - 300 ms margin): every verdict is in by
// 1700 ms of audio; a "Hello?" is a person well before, a long greeting a
// machine before, and undecided audio is a person at the budget, never later.
TEST(Amd, BudgetedVerdictsComeWithinTheGrace) {
  AmdConfig c = amdConfigForBudget(1700);
  EXPECT_EQ(c.total_analysis_ms, 1700);
  EXPECT_LE(c.initial_silence_ms, 1700);
  EXPECT_LT(c.greeting_ms + 200, 1700);  // a greeting starting at 200 ms is judged in time
  std::vector<int16_t> hello;
  silence(hello, 300);
  voice(hello, 500);
  silence(hello, 3000);
  AmdDetector h(c);
  h.feed(hello.data(), hello.size());
  EXPECT_EQ(h.verdict(), AmdVerdict::kHuman) << h.reason();
  EXPECT_EQ(h.decidedAtMs(), 800 + 500);
  std::vector<int16_t> greeting;
  silence(greeting, 200);
  voice(greeting, 4000);
  AmdDetector m(c);
  m.feed(greeting.data(), greeting.size());
  EXPECT_EQ(m.verdict(), AmdVerdict::kMachine) << m.reason();
  EXPECT_LE(m.decidedAtMs(), 1700);
  std::vector<int16_t> mute;
  silence(mute, 5000);
  AmdDetector s(c);
  s.feed(mute.data(), mute.size());
  EXPECT_EQ(s.verdict(), AmdVerdict::kHuman);
  EXPECT_EQ(s.decidedAtMs(), 1700);
  std::vector<int16_t> talky;  // two words, still talking at the budget
  voice(talky, 400);
  silence(talky, 200);
  voice(talky, 1500);
  AmdDetector u(amdConfigForBudget(1000));
  u.feed(talky.data(), talky.size());
  EXPECT_NE(u.verdict(), AmdVerdict::kUndecided);
  EXPECT_LE(u.decidedAtMs(), 1000);
}

}  // namespace
}  // namespace clearline::sip
