// The policy engine: core::DialAuthorizer implemented as a chain of versioned
// rules (compliance.md rule index). authorize() returns Allow, Deny{rules,
// reason[, route_to_mode]} or Defer{until, rules}, and emits an
// AuthorizationRecord naming every rule version it evaluated (the store keeps
// it; the call record references its id). Fail closed: unknown location,
// malformed number, missing or stale registry → deny or defer, never allow.
//
// Pure: the data it needs (rule book, registry snapshot, internal lists, call
// history, NPA → state table, ledger) is handed in by adapters (src/policy_data,
// src/storage). Owner: policy. Not thread-safe: one engine per dialing thread.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/policy/call_history.h"
#include "core/policy/dnc_registry.h"
#include "core/policy/internal_dnc.h"
#include "core/policy/rule_book.h"
#include "core/policy/rules/rule.h"
#include "core/policy/us_geo.h"
#include "core/policy/windows.h"
#include "core/ports/dial_authorizer.h"

namespace clearline::core::policy {

struct PolicyData {
  std::shared_ptr<const RuleBook> rules;
  std::shared_ptr<const RegistrySnapshot> us_registry;  // FTC national registry (R8)
  std::shared_ptr<const RegistrySnapshot> tps;          // UK TPS (U7)
  NpaTable npa;                                         // area code → states (geocoder)
  InternalDnc internal_dnc;                             // R10 / U7 own lists
  CallHistory history;                                  // S9, R12, U5
  const AbandonmentLedger* ledger = nullptr;            // R3 / U2
};

struct AuthorizationRecord {
  std::string id;
  TimePoint at;
  CampaignId campaign;
  ContactId contact;
  std::string e164;
  PurposeClass purpose = PurposeClass::kPolitical;
  DialMode mode = DialMode::kPreview;
  bool prerecorded = false;
  LineType line_type = LineType::kUnknown;
  ConsentType consent = ConsentType::kNone;
  RndStatus rnd = RndStatus::kNotQueried;
  Verdict verdict = Verdict::kDeny;
  std::vector<std::string> rules;
  std::string reason;
  std::optional<TimePoint> until;
  std::optional<DialMode> route_to_mode;
  StateSet location_set = 0;           // candidate states, as a set (kept per decision)
  std::string list_zone;               // the contact's IANA zone from its list, if any
  // The candidate locations: state codes, then the list's zone ("FL", "America/Chicago").
  std::vector<std::string> locations() const {
    auto v = stateCodes(location_set);
    if (!list_zone.empty()) v.push_back(list_zone);
    return v;
  }
  std::string registry_snapshot;       // id of the registry copy consulted, if any
  std::shared_ptr<const RuleBook> book;
  std::vector<const RuleVersion*> evaluated;  // every rule version evaluated (refs via book)
};

class AuthorizationSink {
 public:
  virtual ~AuthorizationSink() = default;
  virtual void record(const AuthorizationRecord& r) = 0;
};

CampaignProfile profileFromCampaign(const Campaign& c);
// The default for `clearline check` without --campaign: US federal + states (UK for +44).
CampaignProfile defaultProfile(PurposeClass p, bool uk);

class PolicyEngine final : public DialAuthorizer {
 public:
  // `tag` prefixes authorization ids (unique per process start; the adapter picks it).
  PolicyEngine(PolicyData& data, std::string tag);
  ~PolicyEngine() override;
  // Instantiates the book's rules (and checks every state's zones exist).
  Status configure();

  void setCampaign(const CampaignProfile& p);
  void setSink(AuthorizationSink* sink) { sink_ = sink; }

  Decision authorize(const DialAttempt& attempt, TimePoint now) override;
  // authorize() into `out`, overwriting every field and keeping its buffers.
  void authorizeInto(const DialAttempt& attempt, TimePoint now, Decision& out) override;
  // The same decisions as authorize(*batch[i].attempt, batch[i].now) for i = 0, 1, …
  // in that order (same records to the sink, same ids), into out[i] (out.size() ≥
  // batch.size()). Faster for several attempts: the memory reads of a group of
  // attempts (registry index levels, internal-DNC and history filters, the attempts
  // themselves) are started together so their cache misses overlap. For a caller
  // that screens several leads at once; every decision still uses its own `now`.
  struct TimedAttempt {
    const DialAttempt* attempt;
    TimePoint now;
  };
  void authorizeMany(std::span<const TimedAttempt> batch, std::span<Decision> out);
  void noteDial(const CompletedDial& outcome) override { data_.history.add(outcome); }

  const AuthorizationRecord& lastRecord() const { return rec_; }
  PolicyData& data() { return data_; }

 private:
  struct Versioned {
    const RuleVersion* version;
    std::unique_ptr<Rule> rule;
    TimePoint effective_from;  // = version->effective_from, kept here for the per-decision scan
  };
  struct Group {
    std::string id;
    std::string jurisdiction;
    int phase = 1;
    bool us = false, uk = false;      // which numbers the jurisdiction covers
    std::vector<Versioned> versions;  // effective_from descending
  };
  struct CampaignEntry {
    CampaignProfile profile;
    std::unique_ptr<FixedDayPolicy> schedule;
    bool us = false, uk = false;  // the profile's jurisdictions cover US / UK numbers
  };
  // The rule versions in force for numbers of one country (US or UK), valid for
  // instants in [from, until): rebuilt when `now` leaves that interval (a newer
  // version becomes effective) so the per-decision loop does not re-filter groups.
  struct Plan {
    bool valid = false;
    TimePoint from, until;
    std::vector<const Versioned*> run;           // in group (phase) order
    std::vector<const RuleVersion*> evaluated;   // the same, for the record
    uint32_t registry_purposes = 0;              // bit p: a rule reads the US registry for purpose p
  };
  static CampaignEntry makeEntry(const CampaignProfile& p);
  // First pass (record = true): input checks, candidate locations and zones
  // (kept in states_/zones_), then the rules. Second pass (record = false, the
  // routed re-check): reuses the first pass's locations and zones.
  void evaluate(const DialAttempt& a, const PolicyNumber* num, TimePoint now, const CampaignEntry& ce,
                bool record, Decision& d);
  const CampaignEntry& entryFor(const DialAttempt& a, bool uk);
  // authorize() after the number is parsed and its reads started; overwrites every
  // field of d (keeping its buffers' capacity).
  void decide(const DialAttempt& a, const std::optional<PolicyNumber>& num, TimePoint now, Decision& d);
  // Whether a rule in force at `now` looks this attempt's number up in the US registry.
  bool readsRegistry(const DialAttempt& a, const PolicyNumber& num, TimePoint now);
  const Plan& planFor(bool uk, TimePoint now);

  PolicyData& data_;
  std::string tag_;
  uint64_t seq_ = 0;
  std::vector<Group> groups_;
  std::vector<std::vector<ZoneRef>> state_zones_;  // index = state (64 slots)
  std::unordered_map<CampaignId, CampaignEntry> campaigns_;
  std::unordered_map<int, CampaignEntry> defaults_;  // by purpose (+100 for UK)
  const CampaignEntry* last_entry_ = nullptr;        // entryFor() memo (campaign id below)
  CampaignId last_campaign_;
  Plan plans_[2];                                    // [0] US numbers, [1] UK numbers
  ZoneCache zone_cache_;
  AuthorizationSink* sink_ = nullptr;
  AuthorizationRecord rec_;
  // Scratch reused across calls.
  std::vector<Finding> denials_;
  std::vector<WindowConstraint> windows_;
  std::vector<ZoneRef> zones_;
  std::vector<const WindowConstraint*> violated_;
  StateSet states_ = 0;  // the current attempt's candidate locations
  Decision routed_;      // scratch for the routed re-check
  DialAttempt routed_attempt_;  // scratch: the attempt in the routed mode
  // The US registry look-up of the current attempt, started early in stages
  // (RegistryIndex::prefetchLevel) when a rule in force will read it; 0 = none.
  const RegistryIndex* staged_index_ = nullptr;
  uint64_t staged_key_ = 0;
  int registry_hint_ = -1;  // EvalContext::registry_hint for the attempt being decided
};

}  // namespace clearline::core::policy
