// Prompts uploaded per campaign: validation of the WAV a manager uploads, and
// its storage beside the database, where the SIP telephony plays it from:
//  - the safe-harbor prompt (issue 8 §2), DATA_DIR/prompts/campaign-<id>.wav,
//    played when no caller is free (src/daemon/dialer.cc hands it to
//    LibreTelephony::setCampaignPrompt). Without it the telephony plays its
//    default prompt; the campaign's safe_harbor_message is the text of record.
//  - the recording announcement (issue 6 §5),
//    DATA_DIR/prompts/campaign-<id>-recording.wav, played to both parties
//    before a recorded conversation where all-party consent is required
//    (LibreTelephony::setCampaignAnnouncement). Without it the configured or
//    shipped announcement plays.
// A replaced file is picked up at the dialer's next campaign sync and played
// from the next call on (sip::PromptCache re-reads a file that changed).
//
// Validation is stricter than the player (sip::parseWav8k, which also takes
// the first channel of stereo and truncated files): what is accepted here is
// exactly what the player plays in full. Every refusal names the field
// ("body": the uploaded file) and says why and how to fix it.
//
// Pure functions except storePrompt/deletePrompt (files + the audit event in
// one transaction on the caller's connection). Any thread with its own db.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/status.h"
#include "core/audit/audit_chain.h"
#include "storage/sqlite/sqlite_db.h"

namespace clearline::api {

constexpr size_t kMaxPromptBytes = 2u << 20;      // 2 MiB: over 2 minutes of 8 kHz 16-bit audio
constexpr int64_t kMaxPromptMillis = 60'000;      // a safe-harbor message is a few seconds
constexpr int64_t kMinPromptMillis = 500;

enum class PromptKind { kSafeHarbor, kRecordingAnnouncement };

// "safe-harbor prompt" | "recording announcement" (for messages).
const char* promptNoun(PromptKind kind);

struct PromptInfo {
  std::string format;       // "pcm16" | "ulaw" | "alaw"
  int64_t samples = 0;      // at 8000 Hz
  int64_t duration_ms = 0;
  size_t size = 0;          // bytes of the file
  std::string sha256;       // of the file
};

// Checks that `wav` is a RIFF/WAVE file the safe-harbor player plays in full:
// 8000 Hz, mono, 16-bit PCM or 8-bit G.711 (µ-law/A-law), a complete data
// chunk of 0.5 to 60 s, at most kMaxPromptBytes. Errors: invalid_argument
// (resource_exhausted when too large) with field "body".
Result<PromptInfo> validatePrompt(std::string_view wav);

// DATA_DIR/prompts/campaign-<id>.wav (safe harbor) or
// DATA_DIR/prompts/campaign-<id>-recording.wav (recording announcement).
std::string promptPath(const std::string& data_dir, CampaignId campaign, PromptKind kind = PromptKind::kSafeHarbor);

// The stored prompt's facts (sha256, size, duration_ms, format, samples,
// uploaded_at), or nullopt when the campaign has none.
Result<std::optional<Json>> storedPrompt(const std::string& data_dir, CampaignId campaign,
                                         PromptKind kind = PromptKind::kSafeHarbor);

// Validates and stores `wav` as the campaign's prompt, appending the audit
// event {sha256, size, duration_ms, format, previous_sha256} in the same
// transaction (the file is renamed into place inside it): action
// `campaign.prompt.upload` (safe harbor) or
// `campaign.recording_announcement.upload`.
Result<PromptInfo> storePrompt(storage::SqliteDb& db, const Clock& clock, const std::string& data_dir,
                               CampaignId campaign, std::string_view wav, const core::Actor& actor,
                               PromptKind kind = PromptKind::kSafeHarbor);

// Removes the campaign's prompt (audit `campaign.prompt.delete` or
// `campaign.recording_announcement.delete`, {sha256, size}); NotFound when
// there is none.
Status deletePrompt(storage::SqliteDb& db, const Clock& clock, const std::string& data_dir, CampaignId campaign,
                    const core::Actor& actor, PromptKind kind = PromptKind::kSafeHarbor);

}  // namespace clearline::api
