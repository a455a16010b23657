#include "api/prompts.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/sha256.h"
#include "common/time_util.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::api {

namespace {

uint16_t rd16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t rd32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}

Status bad(const std::string& why) { return Status::invalidArgument("the prompt " + why, "body"); }

constexpr const char* kConvert = " (convert it with: sox IN -r 8000 -c 1 -b 16 -e signed-integer OUT.wav)";

}  // namespace

Result<PromptInfo> validatePrompt(std::string_view wav) {
  if (wav.empty()) return bad("is empty: send the WAV file as the request body");
  if (wav.size() > kMaxPromptBytes)
    return Status(StatusCode::kResourceExhausted,
                  "the prompt is " + std::to_string(wav.size()) + " bytes; at most " +
                      std::to_string(kMaxPromptBytes) + " bytes (2 MiB) are accepted",
                  "body");
  const auto* d = reinterpret_cast<const uint8_t*>(wav.data());
  size_t n = wav.size();
  if (n < 12 || std::memcmp(d, "RIFF", 4) != 0 || std::memcmp(d + 8, "WAVE", 4) != 0) {
    std::string what = "is not a WAV file (it does not start with RIFF…WAVE)";
    if (n >= 3 && (std::memcmp(d, "ID3", 3) == 0 || (d[0] == 0xFF && (d[1] & 0xE0) == 0xE0)))
      what = "looks like an MP3, not a WAV file";
    else if (n >= 4 && std::memcmp(d, "OggS", 4) == 0)
      what = "is an Ogg file, not a WAV file";
    return bad(what + kConvert);
  }
  size_t off = 12;
  bool have_fmt = false;
  uint16_t fmt = 0, channels = 0, bits = 0;
  uint32_t rate = 0;
  while (off + 8 <= n) {
    std::string id(reinterpret_cast<const char*>(d + off), 4);
    uint32_t len = rd32(d + off + 4);
    size_t body = off + 8;
    if (len > n - body)
      return bad("is truncated: its '" + id + "' chunk says " + std::to_string(len) + " bytes but " +
                 std::to_string(n - body) + " follow");
    if (id == "fmt ") {
      if (len < 16) return bad("has a 'fmt ' chunk of " + std::to_string(len) + " bytes (16 at least)");
      fmt = rd16(d + body);
      channels = rd16(d + body + 2);
      rate = rd32(d + body + 4);
      bits = rd16(d + body + 14);
      have_fmt = true;
    } else if (id == "data") {
      if (!have_fmt) return bad("has its audio before its format ('data' before 'fmt ')");
      PromptInfo info;
      if (fmt == 1 && bits == 16) info.format = "pcm16";
      else if (fmt == 7 && bits == 8) info.format = "ulaw";
      else if (fmt == 6 && bits == 8) info.format = "alaw";
      else if (fmt == 0xFFFE)
        return bad("uses WAVE_FORMAT_EXTENSIBLE: save it as plain 16-bit PCM" + std::string(kConvert));
      else
        return bad("is encoded as format " + std::to_string(fmt) + " with " + std::to_string(bits) +
                   " bits a sample: it must be 16-bit PCM or 8-bit G.711 (µ-law or A-law)" + kConvert);
      if (rate != 8000)
        return bad("is " + std::to_string(rate) + " Hz: it must be 8000 Hz (telephone audio)" + kConvert);
      if (channels != 1) return bad("has " + std::to_string(channels) + " channels: it must be mono" + kConvert);
      info.samples = static_cast<int64_t>(fmt == 1 ? len / 2 : len);
      info.duration_ms = info.samples / 8;
      if (info.duration_ms < kMinPromptMillis)
        return bad("is " + std::to_string(info.duration_ms) + " ms long: too short for the required message (at least " +
                   std::to_string(kMinPromptMillis) + " ms)");
      if (info.duration_ms > kMaxPromptMillis)
        return bad("is " + std::to_string(info.duration_ms / 1000) + " s long: at most " +
                   std::to_string(kMaxPromptMillis / 1000) + " s (the callee is waiting)");
      info.size = n;
      info.sha256 = sha256Hex(wav);
      return info;
    }
    off = body + len + (len & 1);
  }
  return bad(have_fmt ? "has no audio ('data' chunk)" : "has no 'fmt ' chunk");
}

const char* promptNoun(PromptKind kind) {
  return kind == PromptKind::kSafeHarbor ? "safe-harbor prompt" : "recording announcement";
}

std::string promptPath(const std::string& data_dir, CampaignId campaign, PromptKind kind) {
  const char* suffix = kind == PromptKind::kSafeHarbor ? ".wav" : "-recording.wav";
  return (std::filesystem::path(data_dir) / "prompts" / ("campaign-" + campaign.str() + suffix)).string();
}

namespace {
Result<std::optional<std::string>> readFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::optional<std::string>();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::unavailable("cannot read the stored prompt");
  std::stringstream ss;
  ss << in.rdbuf();
  return std::optional<std::string>(ss.str());
}
}  // namespace

Result<std::optional<Json>> storedPrompt(const std::string& data_dir, CampaignId campaign, PromptKind kind) {
  std::string path = promptPath(data_dir, campaign, kind);
  ASSIGN_OR_RETURN(auto bytes, readFile(path));
  if (!bytes) return std::optional<Json>();
  Json j{{"sha256", sha256Hex(*bytes)}, {"size", bytes->size()}};
  auto info = validatePrompt(*bytes);
  if (info.isOk()) {
    j["format"] = info->format;
    j["samples"] = info->samples;
    j["duration_ms"] = info->duration_ms;
    j["valid"] = true;
  } else {
    // Put there by hand and not playable as uploaded: say so instead of hiding it.
    j["valid"] = false;
    j["problem"] = info.status().message();
  }
  std::error_code ec;
  auto t = std::filesystem::last_write_time(path, ec);
  if (!ec) {
    auto sys = std::chrono::file_clock::to_sys(t);
    j["uploaded_at"] = formatIsoUtc(std::chrono::time_point_cast<Millis>(sys));
  }
  return std::optional<Json>(j);
}

Result<PromptInfo> storePrompt(storage::SqliteDb& db, const Clock& clock, const std::string& data_dir,
                               CampaignId campaign, std::string_view wav, const core::Actor& actor, PromptKind kind) {
  ASSIGN_OR_RETURN(PromptInfo info, validatePrompt(wav));
  namespace fs = std::filesystem;
  std::string path = promptPath(data_dir, campaign, kind);
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) return Status::unavailable("cannot create the prompts folder: " + ec.message());
  ASSIGN_OR_RETURN(auto previous, readFile(path));
  std::string tmp = path + ".part";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(wav.data(), static_cast<std::streamsize>(wav.size()));
    out.flush();
    if (!out) {
      fs::remove(tmp, ec);
      return Status::resourceExhausted("cannot write the prompt (disk full?)");
    }
  }
  Status st = db.transaction([&]() -> Status {
    RETURN_IF_ERROR(storage::audit(db, clock, actor,
                                   kind == PromptKind::kSafeHarbor ? "campaign.prompt.upload"
                                                                   : "campaign.recording_announcement.upload",
                                   "campaign", campaign.str(),
                                   Json{{"sha256", info.sha256}, {"size", info.size}, {"duration_ms", info.duration_ms},
                                        {"format", info.format},
                                        {"previous_sha256", previous ? Json(sha256Hex(*previous)) : Json(nullptr)}}));
    std::error_code rec;
    fs::rename(tmp, path, rec);
    if (rec) return Status::unavailable("cannot store the prompt: " + rec.message());
    return Status::ok();
  });
  if (!st.isOk()) {
    fs::remove(tmp, ec);
    return st;
  }
  return info;
}

Status deletePrompt(storage::SqliteDb& db, const Clock& clock, const std::string& data_dir, CampaignId campaign,
                    const core::Actor& actor, PromptKind kind) {
  namespace fs = std::filesystem;
  std::string path = promptPath(data_dir, campaign, kind);
  ASSIGN_OR_RETURN(auto previous, readFile(path));
  if (!previous) return Status::notFound("campaign " + campaign.str() + " has no uploaded " + promptNoun(kind));
  // Moved aside first so that a failed audit write can put it back.
  std::string aside = path + ".deleted";
  std::error_code ec;
  fs::rename(path, aside, ec);
  if (ec) return Status::unavailable("cannot remove the prompt: " + ec.message());
  Status st = db.transaction([&]() -> Status {
    return storage::audit(db, clock, actor,
                          kind == PromptKind::kSafeHarbor ? "campaign.prompt.delete"
                                                          : "campaign.recording_announcement.delete",
                          "campaign", campaign.str(),
                          Json{{"sha256", sha256Hex(*previous)}, {"size", previous->size()}});
  });
  if (!st.isOk()) {
    fs::rename(aside, path, ec);
    return st;
  }
  fs::remove(aside, ec);
  return Status::ok();
}

}  // namespace clearline::api
