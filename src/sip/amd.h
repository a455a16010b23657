// Answering-machine detection (AMD) on the customer's audio after answer:
// energy and cadence, Asterisk-AMD-like (docs/sip.md "AMD"; the defaults are
// Asterisk's AMD() defaults from research/pacing.md). A person says a short
// "Hello?" and waits; a machine plays a long greeting (then a beep).
//
//   HUMAN   a short first utterance (< greeting_ms, fewer than max_words
//           words) followed by after_greeting_silence_ms of silence; the
//           greeting ended at the last voiced frame (R2's reference point);
//           also: nothing said for initial_silence_ms, or undecided after
//           total_analysis_ms — on doubt we say human, because a person taken
//           for a machine is hung up on (an abandoned call, AMD false positive)
//   MACHINE the utterance reaches greeting_ms of speech, or max_words words.
//
// Pure computation over 8 kHz PCM in any chunking; owned by one customer leg
// in LibreTelephony (loop thread). No I/O, no clock: time is the audio itself.
//
// On the live path the verdict is due within a budget (amdConfigForBudget):
// the detection delay counts toward the 2-second safe-harbor grace, so a
// person is never kept waiting beyond it for AMD; undecided at the budget
// means "human" (LibreTelephony also enforces it on the wall clock, for a
// callee who sends no audio at all).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace clearline::sip {

struct AmdConfig {
  int initial_silence_ms = 2500;
  int greeting_ms = 1500;
  int after_greeting_silence_ms = 800;
  int total_analysis_ms = 5000;
  int min_word_ms = 100;
  int between_words_silence_ms = 50;
  int max_words = 3;
  double silence_threshold = 256;  // frame RMS (16-bit linear) at or below: silence
};

// The defaults above, shortened so that every verdict falls within
// `budget_ms` of the first sample: total analysis and initial silence =
// budget, 500 ms of silence after a short greeting, a greeting of
// min(1500, budget - 500) ms is a machine's. Used with budget = grace - 300 ms.
AmdConfig amdConfigForBudget(int budget_ms);

enum class AmdVerdict { kUndecided, kHuman, kMachine };
const char* toString(AmdVerdict v);

class AmdDetector {
 public:
  explicit AmdDetector(AmdConfig cfg = {}) : cfg_(cfg) {}
  // 8 kHz mono samples; frames of 20 ms are analysed as they complete. After
  // a verdict further audio is ignored.
  void feed(const int16_t* pcm, size_t n);
  AmdVerdict verdict() const { return verdict_; }
  // Audio time (ms since the first sample) of the verdict, and of the end of
  // the greeting (last voiced frame of the first utterance; -1 if none).
  int64_t decidedAtMs() const { return decided_at_ms_; }
  int64_t greetingEndMs() const { return greeting_end_ms_; }
  const std::string& reason() const { return reason_; }
  int words() const { return words_; }

 private:
  void frame(double rms);
  void decide(AmdVerdict v, std::string reason);

  AmdConfig cfg_;
  int16_t buf_[160] = {};
  size_t fill_ = 0;
  int64_t t_ms_ = 0;             // audio analysed so far
  bool in_word_ = false, spoke_ = false;
  int64_t voiced_run_ms_ = 0;    // current voiced run
  int64_t silence_run_ms_ = 0;   // current silence run
  int64_t first_voice_ms_ = -1;  // start of the first utterance
  int64_t last_voice_ms_ = -1;   // end of the last voiced frame
  int words_ = 0;
  AmdVerdict verdict_ = AmdVerdict::kUndecided;
  int64_t decided_at_ms_ = -1, greeting_end_ms_ = -1;
  std::string reason_;
};

}  // namespace clearline::sip
