// Media helpers with no libre dependency: G.711 µ-law/A-law codecs, 8 kHz
// 16-bit WAV read/write, and the RTP stream rewriter the bridge uses so that
// a leg keeps one continuous stream (own SSRC, monotonic sequence numbers and
// timestamps) while its audio source changes from call to call.
// Pure functions and value types; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace clearline::sip {

enum class Codec : uint8_t { kPcmu = 0, kPcma = 8 };

int16_t ulawDecode(uint8_t u);
uint8_t ulawEncode(int16_t pcm);
int16_t alawDecode(uint8_t a);
uint8_t alawEncode(int16_t pcm);
int16_t decodeSample(Codec c, uint8_t b);
uint8_t encodeSample(Codec c, int16_t pcm);
// Re-encodes a G.711 payload from one law to the other in place (table driven).
void transcode(Codec from, Codec to, uint8_t* data, size_t n);

// Reads a PCM WAV file (any rate is refused except 8000 Hz; mono or the first
// channel of stereo; 16-bit, or G.711 µ/A-law) into 16-bit samples.
Result<std::vector<int16_t>> readWav8k(const std::string& path);
Result<std::vector<int16_t>> parseWav8k(const uint8_t* data, size_t n);
// Writes 8 kHz 16-bit PCM with `channels` interleaved channels.
Status writeWav8k(const std::string& path, const std::vector<int16_t>& interleaved, int channels);

// Energy of a 16-bit block (mean square), for "did audio arrive" checks.
double meanSquare(const int16_t* pcm, size_t n);

// Maps incoming (ssrc, timestamp) of whichever stream currently feeds a leg
// onto one continuous outgoing timestamp line. When the source SSRC changes
// (a new call is bridged into a caller's open leg), the output continues at
// last_out + one frame and the marker bit is set.
class RtpRewriter {
 public:
  struct Out {
    uint32_t ts;
    bool marker;
  };
  // `now_samples`: local 8 kHz clock (used to keep the timeline moving across gaps).
  Out map(uint32_t in_ssrc, uint32_t in_ts, uint64_t now_samples);
  // Our own frames (prompts) on the same line.
  Out next(uint32_t samples, uint64_t now_samples);

 private:
  bool have_src_ = false;
  uint32_t src_ssrc_ = 0;
  uint32_t src_base_in_ = 0;
  uint32_t src_base_out_ = 0;
  bool have_out_ = false;
  uint32_t last_out_ = 0;
  uint64_t last_now_ = 0;
};

}  // namespace clearline::sip
