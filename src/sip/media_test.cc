#include "sip/media.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace clearline::sip {
namespace {

TEST(G711, UlawRoundTripIsCloseAcrossTheRange) {
  for (int v = -32768; v <= 32767; v += 37) {
    int16_t back = ulawDecode(ulawEncode(static_cast<int16_t>(v)));
    EXPECT_LE(std::abs(back - v), std::max(16, std::abs(v) / 16)) << v;
  }
}

TEST(G711, AlawRoundTripIsCloseAcrossTheRange) {
  for (int v = -32768; v <= 32767; v += 37) {
    int16_t back = alawDecode(alawEncode(static_cast<int16_t>(v)));
    EXPECT_LE(std::abs(back - v), std::max(16, std::abs(v) / 16)) << v;
  }
}

TEST(G711, KnownCodewords) {
  EXPECT_EQ(ulawEncode(0), 0xFF);
  EXPECT_EQ(alawEncode(0), 0xD5);
  EXPECT_EQ(ulawDecode(0xFF), 0);
  EXPECT_EQ(std::abs(alawDecode(0xD5)), 8);
}

TEST(G711, TranscodeKeepsTheSignal) {
  uint8_t buf[160];
  int16_t src[160];
  for (int i = 0; i < 160; i++) {
    src[i] = static_cast<int16_t>(8000 * std::sin(2 * M_PI * 440 * i / 8000.0));
    buf[i] = ulawEncode(src[i]);
  }
  transcode(Codec::kPcmu, Codec::kPcma, buf, 160);
  for (int i = 0; i < 160; i++) {
    EXPECT_LE(std::abs(alawDecode(buf[i]) - src[i]), 600) << i;
  }
  transcode(Codec::kPcma, Codec::kPcmu, buf, 160);
  for (int i = 0; i < 160; i++) EXPECT_LE(std::abs(ulawDecode(buf[i]) - src[i]), 600) << i;
}

TEST(Wav, WriteThenReadBack) {
  std::vector<int16_t> pcm;
  for (int i = 0; i < 800; i++) pcm.push_back(static_cast<int16_t>(i * 7 - 2000));
  std::string path = ::testing::TempDir() + "/media_test.wav";
  ASSERT_TRUE(writeWav8k(path, pcm, 1).isOk());
  auto back = readWav8k(path);
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  EXPECT_EQ(*back, pcm);
  std::remove(path.c_str());
}

TEST(Wav, RejectsGarbageAndWrongRate) {
  const uint8_t junk[] = "RIFF\x10\0\0\0WAVEfmt ";
  EXPECT_FALSE(parseWav8k(junk, sizeof junk).isOk());
  EXPECT_FALSE(parseWav8k(nullptr, 0).isOk());
  std::vector<int16_t> pcm(100, 5);
  std::string path = ::testing::TempDir() + "/media_rate.wav";
  ASSERT_TRUE(writeWav8k(path, pcm, 1).isOk());
  FILE* f = std::fopen(path.c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  std::fseek(f, 24, SEEK_SET);
  uint32_t rate = 16000;
  std::fwrite(&rate, 4, 1, f);
  std::fclose(f);
  EXPECT_FALSE(readWav8k(path).isOk());
  std::remove(path.c_str());
}

TEST(RtpRewriter, ContinuesTheLineAcrossSources) {
  RtpRewriter rw;
  auto a = rw.map(111, 5000, 0);
  EXPECT_TRUE(a.marker);
  auto b = rw.map(111, 5160, 160);
  EXPECT_FALSE(b.marker);
  EXPECT_EQ(b.ts, a.ts + 160);
  // A new call (new SSRC, unrelated timestamp) is bridged in right away.
  auto c = rw.map(222, 99999999, 320);
  EXPECT_TRUE(c.marker);
  EXPECT_EQ(c.ts, b.ts + 160);
  auto d = rw.map(222, 99999999 + 160, 480);
  EXPECT_EQ(d.ts, c.ts + 160);
  // Timestamp wrap-around of the source keeps our line continuous.
  RtpRewriter w;
  auto e = w.map(7, 0xFFFFFF60u, 0);
  auto f = w.map(7, 0x00000000u, 160);
  EXPECT_EQ(f.ts - e.ts, 160u);
}

TEST(RtpRewriter, PromptFramesThenRelay) {
  RtpRewriter rw;
  auto p1 = rw.next(160, 0);
  auto p2 = rw.next(160, 160);
  EXPECT_EQ(p2.ts, p1.ts + 160);
  auto r = rw.map(9, 12345, 8000);  // 1 s later
  EXPECT_TRUE(r.marker);
  EXPECT_EQ(r.ts, p2.ts + 8000 - 160);
}

}  // namespace
}  // namespace clearline::sip
