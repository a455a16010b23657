#include "core/policy/engine.h"

#include <algorithm>
#include <bit>
#include <charconv>

#include "common/time_util.h"

namespace clearline::core::policy {

namespace {

const RuleVersion& inputRule() {
  static const RuleVersion r = [] {
    RuleVersion v;
    v.id = "P0";
    v.version = 1;
    v.jurisdiction = "platform";
    v.citation = "compliance.md §0.4 (fail closed): malformed or impossible input is never dialed";
    sealRuleVersion(v);
    return v;
  }();
  return r;
}

bool jurisdictionIsUs(const std::string& j) { return j == "US" || j.rfind("US-", 0) == 0; }

std::string hhmm(int minute) {
  if (minute < 0 || minute >= 100 * 60) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
    return buf;
  }
  int h = minute / 60, m = minute % 60;
  const char out[5] = {static_cast<char>('0' + h / 10), static_cast<char>('0' + h % 10), ':',
                       static_cast<char>('0' + m / 10), static_cast<char>('0' + m % 10)};
  return std::string(out, 5);
}

}  // namespace

CampaignProfile profileFromCampaign(const Campaign& c) {
  CampaignProfile p;
  p.id = c.id;
  p.org = c.org_id;
  p.purpose = c.purpose;
  p.subject_key = c.subject_key;
  p.jurisdictions = c.jurisdictions.empty() ? std::vector<std::string>{"US"} : c.jurisdictions;
  p.schedule = c.schedule;
  p.recycle_rules = c.recycle_rules;
  p.max_attempts_per_contact = c.max_attempts_per_contact;
  p.safe_harbor_message = c.safe_harbor_message;
  p.callback_number = c.callback_number;
  p.abandon_target_pct = c.abandon_target_pct;
  return p;
}

CampaignProfile defaultProfile(PurposeClass purpose, bool uk) {
  CampaignProfile p;
  p.purpose = purpose;
  p.jurisdictions = {uk ? "UK" : "US"};
  // A default profile stands for a properly configured campaign (R4 settings present).
  p.safe_harbor_message = "default";
  p.callback_number = "default";
  return p;
}

PolicyEngine::PolicyEngine(PolicyData& data, std::string tag) : data_(data), tag_(std::move(tag)) {}
PolicyEngine::~PolicyEngine() = default;

Status PolicyEngine::configure() {
  if (!data_.rules) return Status::failedPrecondition("policy engine has no rule book");
  state_zones_.assign(64, {});
  for (int i = 0; i < 64; ++i) {
    if (i >= stateCount() && i != kUkRegion) continue;
    for (const auto& name : stateZones(i)) {
      ASSIGN_OR_RETURN(ZoneRef z, findZone(name));
      state_zones_[static_cast<size_t>(i)].push_back(z);
    }
  }
  groups_.clear();
  for (auto& p : plans_) p.valid = false;
  for (const auto& row : data_.rules->rows()) {
    const RuleRegistration* reg = findRule(row.id);
    if (!reg) return Status::invalidArgument(row.source + ": unknown rule id '" + row.id + "'", row.source);
    if (!reg->factory) continue;  // documented, not a dial-time rule
    auto rule = reg->factory();
    Status st = rule->configure(row.params);
    if (!st.isOk()) return Status::invalidArgument(row.source + ": rule " + row.id + ": " + st.message(), row.source);
    auto g = std::find_if(groups_.begin(), groups_.end(),
                          [&](const Group& x) { return x.id == row.id && x.jurisdiction == row.jurisdiction; });
    if (g == groups_.end()) {
      groups_.push_back(Group{row.id, row.jurisdiction, rule->phase(), jurisdictionIsUs(row.jurisdiction),
                              row.jurisdiction == "UK", {}});
      g = groups_.end() - 1;
    }
    g->versions.push_back(Versioned{&row, std::move(rule), row.effective_from});
  }
  for (auto& g : groups_) {
    std::sort(g.versions.begin(), g.versions.end(), [](const Versioned& a, const Versioned& b) {
      if (a.version->effective_from != b.version->effective_from)
        return a.version->effective_from > b.version->effective_from;
      return a.version->version > b.version->version;
    });
  }
  std::stable_sort(groups_.begin(), groups_.end(), [](const Group& a, const Group& b) { return a.phase < b.phase; });
  return Status::ok();
}

PolicyEngine::CampaignEntry PolicyEngine::makeEntry(const CampaignProfile& p) {
  CampaignEntry e;
  e.profile = p;
  if (p.schedule) {
    uint8_t mask = 0;
    for (int d : p.schedule->weekdays)
      if (d >= 0 && d <= 6) mask = static_cast<uint8_t>(mask | (1u << d));
    e.schedule = std::make_unique<FixedDayPolicy>(DayWindow{p.schedule->start_minute, p.schedule->end_minute}, mask);
  }
  for (const auto& j : p.jurisdictions) {
    if (j == "UK" || j == "GB") e.uk = true;  // (GB: the UK's ISO code, as isUkCampaign reads it)
    if (jurisdictionIsUs(j)) e.us = true;
  }
  return e;
}

void PolicyEngine::setCampaign(const CampaignProfile& p) {
  campaigns_[p.id] = makeEntry(p);
  last_entry_ = nullptr;
}

const PolicyEngine::CampaignEntry& PolicyEngine::entryFor(const DialAttempt& a, bool uk) {
  if (a.campaign_id.valid()) {
    if (last_entry_ && a.campaign_id == last_campaign_) return *last_entry_;
    auto it = campaigns_.find(a.campaign_id);
    if (it != campaigns_.end()) {
      last_campaign_ = a.campaign_id;
      last_entry_ = &it->second;  // map nodes are stable; setCampaign() resets the memo
      return it->second;
    }
  }
  int key = static_cast<int>(a.purpose) + (uk ? 100 : 0);
  auto it = defaults_.find(key);
  if (it == defaults_.end()) it = defaults_.emplace(key, makeEntry(defaultProfile(a.purpose, uk))).first;
  return it->second;
}

const PolicyEngine::Plan& PolicyEngine::planFor(bool uk, TimePoint now) {
  Plan& p = plans_[uk ? 1 : 0];
  if (p.valid && now >= p.from && now < p.until) return p;
  p.run.clear();
  p.evaluated.clear();
  p.from = TimePoint::min();
  p.until = TimePoint::max();
  for (const auto& g : groups_) {
    if (!(uk ? g.uk : g.us)) continue;
    // versions are sorted by effective_from descending: the first one in force
    // wins; the one before it (if any) bounds how long that stays true.
    const Versioned* v = nullptr;
    const Versioned* newer = nullptr;
    for (const auto& x : g.versions) {
      if (x.effective_from <= now) {
        v = &x;
        break;
      }
      newer = &x;
    }
    if (newer && newer->effective_from < p.until) p.until = newer->effective_from;
    if (!v) continue;
    if (v->effective_from > p.from) p.from = v->effective_from;
    p.run.push_back(v);
    p.evaluated.push_back(v->version);
  }
  p.registry_purposes = 0;
  for (const Versioned* v : p.run)
    for (int q = 0; q < 32; ++q)
      if (v->rule->readsUsRegistry(static_cast<PurposeClass>(q))) p.registry_purposes |= 1u << q;
  p.valid = true;
  return p;
}

bool PolicyEngine::readsRegistry(const DialAttempt& a, const PolicyNumber& num, TimePoint now) {
  return num.country == 1 && data_.us_registry &&
         ((planFor(false, now).registry_purposes >> (static_cast<unsigned>(a.purpose) & 31)) & 1);
}

Decision PolicyEngine::authorize(const DialAttempt& a, TimePoint now) {
  Decision d;
  authorizeInto(a, now, d);
  return d;
}

void PolicyEngine::authorizeInto(const DialAttempt& a, TimePoint now, Decision& d) {
  auto num = parsePolicyNumber(a.e164);
  staged_index_ = nullptr;
  registry_hint_ = -1;
  if (num) {
    // Start the per-number memory reads now; they overlap with the location work.
    data_.internal_dnc.prefetch(num->key);
    data_.history.prefetch(num->key);
    if (readsRegistry(a, *num, now)) {
      staged_index_ = &data_.us_registry->index;
      staged_key_ = num->national;
      staged_index_->prefetch(staged_key_);
    }
  }
  decide(a, num, now, d);
}

void PolicyEngine::authorizeMany(std::span<const TimedAttempt> batch, std::span<Decision> out) {
  // Same decisions, in the same order, as authorize() one by one. Per group of
  // kGroup attempts, before deciding any of them: parse the numbers, start the
  // reads of the attempts and of the internal-DNC / history filter words, and
  // answer the registry look-ups R8 will need in one containsMany() (which
  // overlaps their cache misses). These stages decide nothing and change no state
  // but caches (planFor).
  constexpr size_t kGroup = 16;
  const size_t n = std::min(batch.size(), out.size());
  std::optional<PolicyNumber> nums[kGroup];
  bool reg[kGroup];
  for (size_t g = 0; g < n; g += kGroup) {
    const size_t m = std::min(kGroup, n - g);
    const RegistrySnapshot* snap = data_.us_registry.get();
    const RegistryIndex* ix = snap ? &snap->index : nullptr;
    for (size_t i = 0; i < m; ++i) {
      const char* p = reinterpret_cast<const char*>(batch[g + i].attempt);
      for (size_t off = 0; off < sizeof(DialAttempt); off += 64) __builtin_prefetch(p + off);
    }
    for (size_t i = 0; i < m; ++i) {
      const DialAttempt& a = *batch[g + i].attempt;
      nums[i] = parsePolicyNumber(a.e164);
      reg[i] = false;
      if (!nums[i]) continue;
      data_.internal_dnc.prefetch(nums[i]->key);
      data_.history.prefetch(nums[i]->key);
      reg[i] = readsRegistry(a, *nums[i], batch[g + i].now);
    }
    // The registry answers for the group in one bulk look-up (containsMany overlaps
    // the index's cache misses); R8 then reads the answer instead of the index.
    uint64_t keys[kGroup] = {};
    uint8_t hits[kGroup] = {};
    size_t nk = 0;
    for (size_t i = 0; i < m; ++i)
      if (reg[i]) keys[nk++] = nums[i]->national;
    if (nk) ix->containsMany(std::span<const uint64_t>(keys, nk), std::span<uint8_t>(hits, nk));
    staged_index_ = nullptr;
    size_t k = 0;
    for (size_t i = 0; i < m; ++i) {
      const bool hit = reg[i] && hits[k++];
      // (A sink that swapped the registry mid-batch: R8 asks the new copy itself.)
      registry_hint_ = reg[i] && data_.us_registry.get() == snap ? hit : -1;
      decide(*batch[g + i].attempt, nums[i], batch[g + i].now, out[g + i]);  // reuses out's buffers
    }
    registry_hint_ = -1;
  }
}

void PolicyEngine::decide(const DialAttempt& a, const std::optional<PolicyNumber>& num, TimePoint now, Decision& d) {
  bool uk = num && num->country == 44;
  const CampaignEntry& ce = entryFor(a, uk);
  evaluate(a, num ? &*num : nullptr, now, ce, true, d);
  if (d.verdict == Verdict::kDeny && d.route_to_mode) {
    // Would a human-initiated (live, not prerecorded) dial be allowed? Report that.
    DialAttempt& b = routed_attempt_;
    b = a;  // assignment reuses the scratch's string capacity
    b.mode = *d.route_to_mode;
    b.prerecorded = false;
    Decision& r = routed_;
    evaluate(b, &*num, now, ce, false, r);
    auto merge = [&](const std::vector<std::string>& more) {
      for (const auto& id : more)
        if (std::find(d.rules.begin(), d.rules.end(), id) == d.rules.end()) d.rules.push_back(id);
    };
    if (r.verdict == Verdict::kDefer) {
      merge(r.rules);
      d.verdict = Verdict::kDefer;
      d.until = r.until;
      d.reason += "; in ";
      d.reason += toString(*d.route_to_mode);
      d.reason += " mode: ";
      d.reason += r.reason;
    } else if (r.verdict == Verdict::kDeny) {
      merge(r.rules);
      d.route_to_mode.reset();
      d.reason += "; a ";
      d.reason += toString(b.mode);
      d.reason += " dial is not allowed either: ";
      d.reason += r.reason;
    }
    rec_.verdict = d.verdict;
    rec_.rules = d.rules;
    rec_.reason = d.reason;
    rec_.until = d.until;
    rec_.route_to_mode = d.route_to_mode;
  }
  if (sink_) sink_->record(rec_);
}

void PolicyEngine::evaluate(const DialAttempt& a, const PolicyNumber* num, TimePoint now, const CampaignEntry& ce,
                            bool record, Decision& d) {
  const CampaignProfile& prof = ce.profile;
  denials_.clear();
  windows_.clear();
  d.verdict = Verdict::kDeny;
  d.rules.clear();
  d.reason.clear();
  d.until.reset();
  d.route_to_mode.reset();
  if (record) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, ++seq_);
    (void)ec;
    rec_.id.assign(tag_);
    rec_.id += '-';
    rec_.id.append(digits, end);
    rec_.at = now;
    rec_.campaign = a.campaign_id;
    rec_.contact = a.contact_id;
    rec_.e164 = a.e164;
    rec_.purpose = a.purpose;
    rec_.mode = a.mode;
    rec_.prerecorded = a.prerecorded;
    rec_.line_type = a.line_type;
    rec_.consent = a.consent;
    rec_.rnd = a.rnd;
    if (rec_.book != data_.rules) rec_.book = data_.rules;
    rec_.evaluated.clear();
    rec_.location_set = 0;
    rec_.list_zone.clear();
    rec_.registry_snapshot.clear();
    rec_.until.reset();
    rec_.route_to_mode.reset();
    d.authorization_id = rec_.id;
    if (staged_index_) staged_index_->prefetchLevel(staged_key_, 1);
  }
  auto finish = [&]() {
    if (record) {
      rec_.verdict = d.verdict;
      rec_.rules = d.rules;
      rec_.reason = d.reason;
      rec_.until = d.until;
      rec_.route_to_mode = d.route_to_mode;
    }
  };
  auto inputDeny = [&](std::string why, const char* rule_id = "P0") {
    d.verdict = Verdict::kDeny;
    d.rules.emplace_back(rule_id);
    d.reason = std::move(why);
    if (record) rec_.evaluated.push_back(&inputRule());
    finish();
  };

  if (!num) return inputDeny("'" + a.e164 + "' is not an E.164 number (+ and 8–15 digits; NANP NPA/NXX must start with 2–9)");
  bool us = num->country == 1, uk = num->country == 44;
  if (!us && !uk) return inputDeny("numbers outside NANP (+1) and the UK (+44) have no rules here: not dialed");
  if ((us && !ce.us) || (uk && !ce.uk))
    return inputDeny(std::string("the number is in ") + (us ? "the US" : "the UK") +
                     ", outside the campaign's jurisdictions");

  if (record) {
    // Candidate locations (compliance.md §0.3): every source, unioned.
    zones_.clear();
    StateSet states = 0;
    if (uk) {
      states = StateSet{1} << kUkRegion;
    } else {
      for (const auto& s : a.candidate_states) {
        int i = stateIndex(s);
        if (i < 0) return inputDeny("candidate location '" + s + "' is not a US state or territory code");
        states |= StateSet{1} << i;
      }
      if (data_.npa.loaded && num->npa >= 0 && num->npa < 1000) states |= data_.npa.states[static_cast<size_t>(num->npa)];
      if (!a.state.empty()) {
        int i = stateIndex(a.state);
        if (i < 0) return inputDeny("contact state '" + a.state + "' is not a US state or territory code");
        states |= StateSet{1} << i;
      }
      if (!a.zip.empty()) {
        int i = stateFromZip(a.zip);
        if (i == -1) return inputDeny("contact ZIP '" + a.zip + "' is malformed (expected 12345 or 12345-6789)");
        if (i == -2) return inputDeny("contact ZIP '" + a.zip + "' has a 3-digit prefix no state uses");
        states |= StateSet{1} << i;
      }
      if (states == 0) {
        return inputDeny("callee location unknown (no area-code location, state or ZIP): fail closed, not dialed",
                         "R1");
      }
    }
    states_ = states;
    rec_.location_set = states;
    if (staged_index_) staged_index_->prefetchLevel(staged_key_, 2);
    for (StateSet rest = states; rest; rest &= rest - 1) {
      const int i = std::countr_zero(rest);
      for (ZoneRef z : state_zones_[static_cast<size_t>(i)])
        if (std::find(zones_.begin(), zones_.end(), z) == zones_.end()) zones_.push_back(z);
    }
    if (!a.timezone.empty()) {
      // The list's zone is one more candidate: its windows apply as well as the
      // states' (compliance.md §0.3, the intersection of every candidate's).
      Result<ZoneRef> z = findZone(a.timezone);
      if (!z.isOk())
        return inputDeny("contact time zone '" + a.timezone + "' is not an IANA zone name");
      if (std::find(zones_.begin(), zones_.end(), *z) == zones_.end()) zones_.push_back(*z);
      rec_.list_zone = a.timezone;
    }
    if (zones_.empty()) return inputDeny("no time zone known for the callee's location", "R1");
    if (staged_index_) staged_index_->prefetchLevel(staged_key_, 3);
  }

  EvalContext ctx{a, now, prof, data_, *num, states_, uk, state_zones_, zones_, a.consent, false, false,
                  isAutodialed(a.mode), isTelemarketing(a.purpose), denials_, windows_, now, {}, {}};
  ctx.registry_hint = registry_hint_;
  const Plan& plan = planFor(uk, now);
  if (record) rec_.evaluated.insert(rec_.evaluated.end(), plan.evaluated.begin(), plan.evaluated.end());
  for (const Versioned* v : plan.run) v->rule->evaluate(ctx, *v->version);
  if (record && data_.us_registry && us) rec_.registry_snapshot = data_.us_registry->id;
  if (ce.schedule) {
    for (ZoneRef z : zones_) windows_.push_back(WindowConstraint{z, ce.schedule.get(), nullptr, "schedule"});
  }

  static const std::string kScheduleId = "schedule";
  auto ruleId = [](const RuleVersion* r) -> const std::string& { return r ? r->id : kScheduleId; };
  auto addRule = [&](const std::string& id) {
    if (std::find(d.rules.begin(), d.rules.end(), id) == d.rules.end()) d.rules.push_back(id);
  };

  if (!denials_.empty()) {
    d.verdict = Verdict::kDeny;
    bool all_routed = true;
    std::optional<DialMode> route;
    size_t len = 0;
    for (const auto& f : denials_) len += ruleId(f.rule).size() + f.text().size() + 4;
    d.reason.reserve(len);
    for (const auto& f : denials_) {
      addRule(ruleId(f.rule));
      if (f.also_r14) addRule("R14");
      if (!d.reason.empty()) d.reason += "; ";
      d.reason += ruleId(f.rule);
      d.reason += ": ";
      d.reason += f.text();
      if (!f.route) {
        all_routed = false;
      } else if (!route || (*f.route == DialMode::kHumanInitiated)) {
        route = f.route;
      }
    }
    if (all_routed) d.route_to_mode = route;
    return finish();
  }

  // Windows and not-before instants (caps): the earliest instant satisfying all.
  std::vector<const WindowConstraint*>& violated = violated_;
  violated.clear();
  for (const auto& c : windows_)
    if (!allowedAt(c, now, zone_cache_)) violated.push_back(&c);
  if (violated.empty() && ctx.not_before <= now) {
    d.verdict = Verdict::kAllow;
    d.reason = "allowed";
    return finish();
  }
  auto t = solveWindows(windows_, std::max(now, ctx.not_before), zone_cache_);
  for (const auto* r : ctx.not_before_rules) addRule(r->id);
  for (const auto* c : violated) {
    if (c->rule) addRule(c->rule->id);
    else if (std::find(d.rules.begin(), d.rules.end(), c->label) == d.rules.end()) d.rules.emplace_back(c->label);
  }
  if (!t) {
    d.verdict = Verdict::kDeny;
    d.reason = "no instant in the next 14 days satisfies every calling window for the candidate locations";
    return finish();
  }
  d.verdict = Verdict::kDefer;
  d.until = *t;
  if (!violated.empty()) {
    const WindowConstraint& c = *violated.front();
    int off = zone_cache_.offsetMinutes(c.zone, now);
    int64_t lm = floorDiv(toEpochMillis(now), 60'000) + off;
    int64_t day = floorDiv(lm, 1440);
    DayWindow w = c.policy->window(day, weekdayFromDays(day));
    d.reason = "outside the calling window: ";
    if (c.rule) d.reason += c.rule->id;
    else d.reason += c.label;
    d.reason += " allows ";
    if (w.open()) appendDayWindow(d.reason, w);
    else d.reason += "no calls";
    d.reason += " today in ";
    d.reason += zoneName(c.zone);
    d.reason += " (local time there ";
    d.reason += hhmm(static_cast<int>(lm - day * 1440));
    d.reason += ')';
  }
  if (ctx.not_before > now) {
    if (!d.reason.empty()) d.reason += "; ";
    d.reason += ctx.not_before_reason;
  }
  d.reason += "; next allowed ";
  d.reason += formatIsoUtc(*t);
  finish();
}

}  // namespace clearline::core::policy
