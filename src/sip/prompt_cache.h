// Audio prompts read from WAV files (the safe-harbor message, the recording
// announcement) and kept in memory, keyed by path. A file replaced on disk — a
// manager uploads a new prompt and the API renames it into place at the same
// path — is read again at its next use: the cache compares the file's inode,
// size and modification time with the ones it read. Audio handed out earlier
// stays valid (calls may still be playing it) until the cache is destroyed.
//
// Owned by LibreTelephony; used on the signalling thread only (one stat(2) per
// prompt started, i.e. per abandoned or announced call).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace clearline::sip {

class PromptCache {
 public:
  using Audio = std::vector<int16_t>;

  // The 8 kHz mono samples of the WAV at `path` (sip::readWav8k), read again
  // when the file changed since the last read. Errors: the file is missing or
  // unreadable, or not a WAV the player takes; an empty file is an error too.
  Result<const Audio*> get(const std::string& path);

  // How many times a file was (re)read, for tests.
  int64_t reads() const { return reads_; }

 private:
  struct Stamp {
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = -1;
    int64_t mtime_ns = 0;
    bool operator==(const Stamp&) const = default;
  };
  struct Entry {
    Stamp stamp;
    std::shared_ptr<const Audio> audio;
  };
  std::unordered_map<std::string, Entry> entries_;
  std::vector<std::shared_ptr<const Audio>> retired_;  // replaced audio, still playing maybe
  int64_t reads_ = 0;
};

}  // namespace clearline::sip
