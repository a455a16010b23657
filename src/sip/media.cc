#include "sip/media.h"

#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace clearline::sip {

int16_t ulawDecode(uint8_t u) {
  u = static_cast<uint8_t>(~u);
  int t = ((u & 0x0f) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return static_cast<int16_t>((u & 0x80) ? (0x84 - t) : (t - 0x84));
}

uint8_t ulawEncode(int16_t pcm) {
  int s = pcm;
  int sign = 0;
  if (s < 0) {
    s = -s;
    sign = 0x80;
  }
  if (s > 32635) s = 32635;
  s += 0x84;
  int exp = 7;
  for (int mask = 0x4000; (s & mask) == 0 && exp > 0; mask >>= 1) exp--;
  int mant = (s >> (exp + 3)) & 0x0f;
  return static_cast<uint8_t>(~(sign | (exp << 4) | mant));
}

int16_t alawDecode(uint8_t a) {
  a ^= 0x55;
  int t = (a & 0x0f) << 4;
  int seg = (a & 0x70) >> 4;
  switch (seg) {
    case 0: t += 8; break;
    case 1: t += 0x108; break;
    default: t += 0x108; t <<= seg - 1;
  }
  return static_cast<int16_t>((a & 0x80) ? t : -t);
}

uint8_t alawEncode(int16_t pcm) {
  int s = pcm;
  int mask;
  if (s >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    s = -s - 1;
  }
  if (s > 32767) s = 32767;
  static const int kSegEnd[8] = {0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF, 0x3FFF, 0x7FFF};
  int seg = 0;
  while (seg < 8 && s > kSegEnd[seg]) seg++;
  if (seg >= 8) return static_cast<uint8_t>(0x7F ^ mask);
  int aval = seg << 4;
  if (seg < 2) {
    aval |= (s >> 4) & 0x0f;
  } else {
    aval |= (s >> (seg + 3)) & 0x0f;
  }
  return static_cast<uint8_t>(aval ^ mask);
}

int16_t decodeSample(Codec c, uint8_t b) { return c == Codec::kPcmu ? ulawDecode(b) : alawDecode(b); }
uint8_t encodeSample(Codec c, int16_t pcm) { return c == Codec::kPcmu ? ulawEncode(pcm) : alawEncode(pcm); }

namespace {
struct Tables {
  std::array<uint8_t, 256> u2a{}, a2u{};
  Tables() {
    for (int i = 0; i < 256; i++) {
      u2a[i] = alawEncode(ulawDecode(static_cast<uint8_t>(i)));
      a2u[i] = ulawEncode(alawDecode(static_cast<uint8_t>(i)));
    }
  }
};
const Tables& tables() {
  static const Tables t;
  return t;
}

uint16_t rd16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t rd32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
void wr16(std::string& s, uint16_t v) {
  s.push_back(static_cast<char>(v & 0xff));
  s.push_back(static_cast<char>(v >> 8));
}
void wr32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; i++) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
}  // namespace

void transcode(Codec from, Codec to, uint8_t* data, size_t n) {
  if (from == to) return;
  const auto& t = from == Codec::kPcmu ? tables().u2a : tables().a2u;
  for (size_t i = 0; i < n; i++) data[i] = t[data[i]];
}

Result<std::vector<int16_t>> parseWav8k(const uint8_t* d, size_t n) {
  if (n < 12 || std::memcmp(d, "RIFF", 4) != 0 || std::memcmp(d + 8, "WAVE", 4) != 0) {
    return Status::invalidArgument("not a RIFF/WAVE file");
  }
  size_t off = 12;
  uint16_t fmt = 0, channels = 0, bits = 0;
  uint32_t rate = 0;
  bool have_fmt = false;
  while (off + 8 <= n) {
    const uint8_t* ck = d + off;
    uint32_t len = rd32(ck + 4);
    size_t body = off + 8;
    if (len > n - body) len = static_cast<uint32_t>(n - body);  // truncated file: take what is there
    if (std::memcmp(ck, "fmt ", 4) == 0) {
      if (len < 16) return Status::invalidArgument("WAV fmt chunk too short");
      fmt = rd16(d + body);
      channels = rd16(d + body + 2);
      rate = rd32(d + body + 4);
      bits = rd16(d + body + 14);
      have_fmt = true;
    } else if (std::memcmp(ck, "data", 4) == 0) {
      if (!have_fmt) return Status::invalidArgument("WAV data before fmt");
      if (rate != 8000) return Status::invalidArgument("WAV must be 8000 Hz");
      if (channels < 1 || channels > 8) return Status::invalidArgument("WAV channel count");
      std::vector<int16_t> out;
      if (fmt == 1 && bits == 16) {
        size_t frames = len / (2u * channels);
        out.reserve(frames);
        for (size_t i = 0; i < frames; i++) {
          out.push_back(static_cast<int16_t>(rd16(d + body + i * 2 * channels)));
        }
      } else if ((fmt == 6 || fmt == 7) && bits == 8) {
        size_t frames = len / channels;
        out.reserve(frames);
        for (size_t i = 0; i < frames; i++) {
          uint8_t b = d[body + i * channels];
          out.push_back(fmt == 7 ? ulawDecode(b) : alawDecode(b));
        }
      } else {
        return Status::invalidArgument("WAV must be 16-bit PCM or G.711");
      }
      return out;
    }
    off = body + len + (len & 1);
  }
  return Status::invalidArgument("WAV has no data chunk");
}

Result<std::vector<int16_t>> readWav8k(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::notFound("cannot open " + path);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto r = parseWav8k(bytes.data(), bytes.size());
  if (!r.isOk()) return r.status().withContext(path);
  return r;
}

Status writeWav8k(const std::string& path, const std::vector<int16_t>& pcm, int channels) {
  std::string h;
  uint32_t data = static_cast<uint32_t>(pcm.size() * 2);
  h += "RIFF";
  wr32(h, 36 + data);
  h += "WAVEfmt ";
  wr32(h, 16);
  wr16(h, 1);
  wr16(h, static_cast<uint16_t>(channels));
  wr32(h, 8000);
  wr32(h, 8000u * 2u * static_cast<uint32_t>(channels));
  wr16(h, static_cast<uint16_t>(2 * channels));
  wr16(h, 16);
  h += "data";
  wr32(h, data);
  std::string tmp = path + ".part";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return Status::unavailable("cannot create " + tmp);
  bool ok = std::fwrite(h.data(), 1, h.size(), f) == h.size();
  if (ok && !pcm.empty()) ok = std::fwrite(pcm.data(), 2, pcm.size(), f) == pcm.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) {
    std::remove(tmp.c_str());
    return Status::resourceExhausted("writing " + path + " failed (disk full?)");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status::unavailable("cannot rename to " + path);
  }
  return Status::ok();
}

double meanSquare(const int16_t* pcm, size_t n) {
  if (n == 0) return 0;
  double e = 0;
  for (size_t i = 0; i < n; i++) e += static_cast<double>(pcm[i]) * pcm[i];
  return e / static_cast<double>(n);
}

RtpRewriter::Out RtpRewriter::map(uint32_t in_ssrc, uint32_t in_ts, uint64_t now_samples) {
  bool marker = false;
  if (!have_src_ || in_ssrc != src_ssrc_) {
    // New source: continue our line one frame after the last output, or, after
    // a long gap, where the local clock says we are.
    uint32_t start = 0;
    if (have_out_) {
      uint64_t gap = now_samples > last_now_ ? now_samples - last_now_ : 0;
      start = last_out_ + static_cast<uint32_t>(gap > 160 ? gap : 160);
    } else {
      start = static_cast<uint32_t>(now_samples);
    }
    have_src_ = true;
    src_ssrc_ = in_ssrc;
    src_base_in_ = in_ts;
    src_base_out_ = start;
    marker = true;
  }
  uint32_t out = src_base_out_ + (in_ts - src_base_in_);
  have_out_ = true;
  last_out_ = out;
  last_now_ = now_samples;
  return {out, marker};
}

RtpRewriter::Out RtpRewriter::next(uint32_t samples, uint64_t now_samples) {
  bool marker = false;
  uint32_t out;
  if (!have_out_) {
    out = static_cast<uint32_t>(now_samples);
    marker = true;
  } else {
    out = last_out_ + samples;
  }
  have_src_ = false;  // a prompt interrupts any relayed source
  have_out_ = true;
  last_out_ = out;
  last_now_ = now_samples;
  return {out, marker};
}

}  // namespace clearline::sip
