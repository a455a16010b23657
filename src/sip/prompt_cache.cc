// PromptCache (prompt_cache.h).
#include "sip/prompt_cache.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "sip/media.h"

namespace clearline::sip {

Result<const PromptCache::Audio*> PromptCache::get(const std::string& path) {
  struct stat sb {};
  if (::stat(path.c_str(), &sb) != 0) {
    return Status::notFound("cannot read " + path + ": " + std::strerror(errno));
  }
  Stamp now{sb.st_dev, sb.st_ino, sb.st_size,
            static_cast<int64_t>(sb.st_mtim.tv_sec) * 1'000'000'000 + sb.st_mtim.tv_nsec};
  auto it = entries_.find(path);
  if (it != entries_.end() && it->second.stamp == now) return it->second.audio.get();
  reads_++;
  auto r = readWav8k(path);
  if (!r.isOk()) return r.status();
  if (r->empty()) return Status::invalidArgument(path + " has no audio");
  auto audio = std::make_shared<const Audio>(std::move(*r));
  if (it != entries_.end()) {
    retired_.push_back(std::move(it->second.audio));
    it->second = Entry{now, audio};
  } else {
    entries_.emplace(path, Entry{now, audio});
  }
  return audio.get();
}

}  // namespace clearline::sip
