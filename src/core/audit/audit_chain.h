// The tamper-evident audit chain (docs/audit.md has the outsider's recipe).
//
// Every state change appends one event. An event's hash is
//   hash = SHA-256( prev_hash_hex || canonical_event )
// where canonical_event is canonicalJson({seq, at, actor, action, object_type,
// object_id, payload}) and the first event's prev_hash_hex is 64 '0's.
// Changing, dropping, inserting or reordering any event breaks every later link.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"

namespace clearline::core {

inline constexpr const char* kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Who did it: "cli:root", "user:42", "system", "api:token:7" …
struct Actor {
  std::string id = "system";
};

struct AuditEvent {
  int64_t seq = 0;          // 1, 2, 3 … without gaps
  TimePoint at;
  std::string actor;
  std::string action;       // "campaign.create", "import.finish" …
  std::string object_type;  // "campaign", "import", "vendor.entity" …
  std::string object_id;
  Json payload = Json::object();
  std::string prev_hash;    // hex
  std::string hash;         // hex
};

// An unsealed event (seq and hashes are filled when it is appended).
AuditEvent makeAuditEvent(TimePoint at, const Actor& actor, std::string action,
                          std::string object_type, std::string object_id, Json payload);

// The bytes that are hashed (without prev_hash and hash).
std::string canonicalEventText(const AuditEvent& e);
// SHA-256 hex of prev_hash || canonicalEventText(e).
std::string computeEventHash(const std::string& prev_hash, const AuditEvent& e);
// Fills prev_hash and hash for an event that follows `prev` (or the genesis when null).
void sealEvent(const AuditEvent* prev, AuditEvent& e);

// Checks events one at a time, in order. The first failure names the event.
class AuditVerifier {
 public:
  // Returns DataLoss naming seq and what is wrong at the first broken link.
  Status next(const AuditEvent& e);
  int64_t checked() const { return checked_; }
  const std::string& headHash() const { return prev_hash_; }

 private:
  int64_t checked_ = 0;
  int64_t expected_seq_ = 1;
  std::string prev_hash_ = kGenesisHash;
};

// One JSON line of `clearline audit export`: the event, its canonical text and hashes.
Json exportLine(const AuditEvent& e);

}  // namespace clearline::core
