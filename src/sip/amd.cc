#include "sip/amd.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace clearline::sip {

namespace {
constexpr int kFrameMs = 20;
constexpr size_t kFrameSamples = 160;
}  // namespace

AmdConfig amdConfigForBudget(int budget_ms) {
  AmdConfig c;
  budget_ms = std::max(budget_ms, 600);
  c.total_analysis_ms = budget_ms;
  c.initial_silence_ms = std::min(c.initial_silence_ms, budget_ms);
  c.after_greeting_silence_ms = std::min(c.after_greeting_silence_ms, 500);
  c.greeting_ms = std::min(c.greeting_ms, std::max(300, budget_ms - 500));
  return c;
}

const char* toString(AmdVerdict v) {
  switch (v) {
    case AmdVerdict::kHuman: return "human";
    case AmdVerdict::kMachine: return "machine";
    case AmdVerdict::kUndecided: return "undecided";
  }
  return "undecided";
}

void AmdDetector::feed(const int16_t* pcm, size_t n) {
  for (size_t i = 0; i < n && verdict_ == AmdVerdict::kUndecided; ++i) {
    buf_[fill_++] = pcm[i];
    if (fill_ < kFrameSamples) continue;
    double e = 0;
    for (size_t k = 0; k < kFrameSamples; ++k) e += static_cast<double>(buf_[k]) * buf_[k];
    fill_ = 0;
    frame(std::sqrt(e / static_cast<double>(kFrameSamples)));
  }
}

void AmdDetector::decide(AmdVerdict v, std::string reason) {
  verdict_ = v;
  decided_at_ms_ = t_ms_;
  reason_ = std::move(reason);
  if (spoke_) greeting_end_ms_ = last_voice_ms_;
}

void AmdDetector::frame(double rms) {
  const int64_t start = t_ms_;
  t_ms_ += kFrameMs;
  if (rms > cfg_.silence_threshold) {
    silence_run_ms_ = 0;
    voiced_run_ms_ += kFrameMs;
    last_voice_ms_ = t_ms_;
    if (!in_word_ && voiced_run_ms_ >= cfg_.min_word_ms) {
      in_word_ = true;
      words_++;
      if (!spoke_) {
        spoke_ = true;
        first_voice_ms_ = start + kFrameMs - voiced_run_ms_;
      }
      if (words_ >= cfg_.max_words) return decide(AmdVerdict::kMachine, "too many words in the greeting");
    }
    if (spoke_ && last_voice_ms_ - first_voice_ms_ >= cfg_.greeting_ms)
      return decide(AmdVerdict::kMachine, "greeting longer than " + std::to_string(cfg_.greeting_ms) + " ms");
  } else {
    silence_run_ms_ += kFrameMs;
    if (silence_run_ms_ >= cfg_.between_words_silence_ms) {
      in_word_ = false;
      voiced_run_ms_ = 0;
    }
    if (!spoke_ && silence_run_ms_ >= cfg_.initial_silence_ms)
      return decide(AmdVerdict::kHuman, "silence after answer (not sure: treated as a person)");
    if (spoke_ && silence_run_ms_ >= cfg_.after_greeting_silence_ms)
      return decide(AmdVerdict::kHuman, "short greeting, then silence");
  }
  if (t_ms_ >= cfg_.total_analysis_ms) decide(AmdVerdict::kHuman, "undecided (treated as a person)");
}

}  // namespace clearline::sip
