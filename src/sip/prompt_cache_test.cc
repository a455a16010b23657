#include "sip/prompt_cache.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "sip/media.h"

namespace clearline::sip {
namespace {

std::vector<int16_t> tone(int16_t level, size_t n) { return std::vector<int16_t>(n, level); }

// What the API does when a manager uploads a prompt: write aside, rename into place.
void replaceByRename(const std::string& path, const std::vector<int16_t>& pcm) {
  ASSERT_TRUE(writeWav8k(path + ".part", pcm, 1).isOk());
  std::filesystem::rename(path + ".part", path);
}

TEST(PromptCache, ReadsOnceWhileTheFileIsUnchanged) {
  std::string path = ::testing::TempDir() + "/prompt_cache_same.wav";
  replaceByRename(path, tone(100, 800));
  PromptCache cache;
  auto a = cache.get(path);
  ASSERT_TRUE(a.isOk()) << a.status().toString();
  auto b = cache.get(path);
  ASSERT_TRUE(b.isOk());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(cache.reads(), 1);
  EXPECT_EQ(**a, tone(100, 800));
  std::remove(path.c_str());
}

// A replaced prompt plays from the next call on; a call still playing the old
// one keeps valid audio (the dialer used to play the first upload until restart).
TEST(PromptCache, AFileReplacedAtTheSamePathIsReadAgainAndTheOldAudioStaysValid) {
  std::string path = ::testing::TempDir() + "/prompt_cache_replace.wav";
  replaceByRename(path, tone(100, 800));
  PromptCache cache;
  auto first = cache.get(path);
  ASSERT_TRUE(first.isOk());
  const PromptCache::Audio* playing = *first;
  replaceByRename(path, tone(-300, 1600));
  auto second = cache.get(path);
  ASSERT_TRUE(second.isOk());
  EXPECT_EQ(**second, tone(-300, 1600));
  EXPECT_EQ(cache.reads(), 2);
  EXPECT_EQ(*playing, tone(100, 800));  // still the old audio, not freed
  // Same size and content written in place (same inode) but a newer mtime: read again.
  std::filesystem::last_write_time(path, std::filesystem::last_write_time(path) + std::chrono::seconds(5));
  ASSERT_TRUE(cache.get(path).isOk());
  EXPECT_EQ(cache.reads(), 3);
  std::remove(path.c_str());
}

TEST(PromptCache, MissingEmptyAndBrokenFilesAreErrors) {
  PromptCache cache;
  std::string dir = ::testing::TempDir();
  EXPECT_EQ(cache.get(dir + "/prompt_cache_missing.wav").status().code(), StatusCode::kNotFound);
  std::string empty = dir + "/prompt_cache_empty.wav";
  ASSERT_TRUE(writeWav8k(empty, {}, 1).isOk());
  EXPECT_FALSE(cache.get(empty).isOk());
  std::string junk = dir + "/prompt_cache_junk.wav";
  FILE* f = std::fopen(junk.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs("not a wav file at all", f);
  std::fclose(f);
  EXPECT_FALSE(cache.get(junk).isOk());
  // A broken file later fixed in place is read again.
  replaceByRename(junk, tone(7, 160));
  auto fixed = cache.get(junk);
  ASSERT_TRUE(fixed.isOk()) << fixed.status().toString();
  EXPECT_EQ(**fixed, tone(7, 160));
  std::remove(empty.c_str());
  std::remove(junk.c_str());
}

}  // namespace
}  // namespace clearline::sip
