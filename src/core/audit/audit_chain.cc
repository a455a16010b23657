#include "core/audit/audit_chain.h"

#include "common/sha256.h"
#include "common/time_util.h"

namespace clearline::core {

AuditEvent makeAuditEvent(TimePoint at, const Actor& actor, std::string action,
                          std::string object_type, std::string object_id, Json payload) {
  AuditEvent e;
  e.at = at;
  e.actor = actor.id;
  e.action = std::move(action);
  e.object_type = std::move(object_type);
  e.object_id = std::move(object_id);
  e.payload = std::move(payload);
  return e;
}

std::string canonicalEventText(const AuditEvent& e) {
  Json j{{"seq", e.seq},
         {"at", formatIsoUtc(e.at)},
         {"actor", e.actor},
         {"action", e.action},
         {"object_type", e.object_type},
         {"object_id", e.object_id},
         {"payload", e.payload}};
  return canonicalJson(j);
}

std::string computeEventHash(const std::string& prev_hash, const AuditEvent& e) {
  Sha256 h;
  h.update(prev_hash);
  h.update(canonicalEventText(e));
  return toHex(h.finish());
}

void sealEvent(const AuditEvent* prev, AuditEvent& e) {
  e.prev_hash = prev ? prev->hash : kGenesisHash;
  e.seq = prev ? prev->seq + 1 : 1;
  e.hash = computeEventHash(e.prev_hash, e);
}

Status AuditVerifier::next(const AuditEvent& e) {
  auto broken = [&](const std::string& why) {
    return Status::dataLoss("audit chain broken at seq " + std::to_string(e.seq) + " (" +
                            e.action + " " + e.object_type + " " + e.object_id + "): " + why);
  };
  if (e.seq != expected_seq_) {
    return broken("expected seq " + std::to_string(expected_seq_) + " (an event is missing or out of order)");
  }
  if (e.prev_hash != prev_hash_) return broken("prev_hash does not match the previous event's hash");
  std::string h = computeEventHash(e.prev_hash, e);
  if (h != e.hash) return broken("stored hash does not match the event's content (it was altered)");
  prev_hash_ = e.hash;
  ++expected_seq_;
  ++checked_;
  return Status::ok();
}

Json exportLine(const AuditEvent& e) {
  return Json{{"seq", e.seq},
              {"prev_hash", e.prev_hash},
              {"hash", e.hash},
              {"event_text", canonicalEventText(e)}};
}

}  // namespace clearline::core
