// Safe-harbor prompts uploaded per campaign (issue 8 §2): validation of the
// WAV a manager uploads, and its storage at DATA_DIR/prompts/campaign-<id>.wav
// — the file the SIP telephony plays when no caller is free (src/daemon/dialer.cc
// hands it to LibreTelephony::setCampaignPrompt; a changed file is picked up at
// the dialer's next campaign sync). Without the file the telephony plays its
// default prompt; the campaign's safe_harbor_message is the text of record.
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

// DATA_DIR/prompts/campaign-<id>.wav
std::string promptPath(const std::string& data_dir, CampaignId campaign);

// The stored prompt's facts (sha256, size, duration_ms, format, samples,
// uploaded_at), or nullopt when the campaign has none.
Result<std::optional<Json>> storedPrompt(const std::string& data_dir, CampaignId campaign);

// Validates and stores `wav` as the campaign's prompt, appending the audit
// event `campaign.prompt.upload` {sha256, size, duration_ms, format, previous_sha256}
// in the same transaction (the file is renamed into place inside it).
Result<PromptInfo> storePrompt(storage::SqliteDb& db, const Clock& clock, const std::string& data_dir,
                               CampaignId campaign, std::string_view wav, const core::Actor& actor);

// Removes the campaign's prompt (audit `campaign.prompt.delete` {sha256});
// NotFound when there is none.
Status deletePrompt(storage::SqliteDb& db, const Clock& clock, const std::string& data_dir, CampaignId campaign,
                    const core::Actor& actor);

}  // namespace clearline::api
