#include "daemon/dialer.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <unordered_map>

#include "common/zone_time.h"
#include "core/pacing/planning.h"
#include "core/pacing/registry.h"
#include "core/policy/engine.h"
#include "core/policy/recording_consent.h"
#include "core/runtime/campaign_runtime.h"
#include "daemon/chain_gate.h"
#include "policy_data/policy_service.h"
#include "policy_data/recording_consent_file.h"
#include "policy_data/rules_loader.h"
#include "storage/sqlite/call_history.h"
#include "storage/sqlite/policy_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/vendor_store.h"

namespace clearline::daemon {

using core::HangupCause;
using Kind = core::TelephonyEvent::Kind;

DialerOptions dialerOptionsFromConfig(const Config& cfg, const std::string& data_dir) {
  DialerOptions o;
  o.data_dir = data_dir;
  o.db_path = (std::filesystem::path(data_dir) / cfg.getString("store.sqlite_file")).string();
  std::string listen = cfg.getString("sip.listen");
  auto colon = listen.rfind(':');
  o.sip.listen_ip = listen.substr(0, colon);
  o.sip.listen_port = static_cast<uint16_t>(std::atoi(listen.substr(colon + 1).c_str()));
  o.sip.trunk_host = cfg.getString("sip.trunk_host");
  o.sip.trunk_port = static_cast<uint16_t>(cfg.getInt("sip.trunk_port"));
  o.sip.trunk_transport = cfg.getString("sip.trunk_transport");
  o.sip.trunk_username = cfg.getString("sip.trunk_username");
  o.sip.trunk_password = cfg.getString("sip.trunk_password");
  o.sip.rtp_port_min = static_cast<uint16_t>(cfg.getInt("sip.rtp_port_min"));
  o.sip.rtp_port_max = static_cast<uint16_t>(cfg.getInt("sip.rtp_port_max"));
  o.sip.options_interval = Millis(cfg.getInt("sip.options_interval_s") * 1000);
  o.sip.media_timeout = Millis(std::max<int64_t>(0, cfg.getInt("sip.media_timeout_s")) * 1000);
  o.sip.customer_gone_tone = cfg.getBool("sip.customer_gone_tone");
  o.ring_timeout = Millis(std::max<int64_t>(15, cfg.getInt("sip.ring_timeout_s")) * 1000);
  o.sip.recordings_dir = (std::filesystem::path(data_dir) / "recordings").string();
  o.config = cfg;
  o.pacer = cfg.getString("pacing.pacer");
  o.amd = cfg.getBool("sip.amd");
  o.grace_from = cfg.getString("sip.grace_from");
  o.wrap_up_max = Millis(std::max<int64_t>(0, cfg.getInt("sip.wrap_up_max_s")) * 1000);
  // The default recording announcement: configured, else DATA_DIR's, else the shipped one.
  o.sip.recording_announcement_wav = cfg.getString("sip.recording_announcement_wav");
  if (o.sip.recording_announcement_wav.empty()) {
    std::error_code ec;
    auto own = std::filesystem::path(data_dir) / "prompts" / "recording-announcement.wav";
    o.sip.recording_announcement_wav = std::filesystem::exists(own, ec)
                                           ? own.string()
                                           : policy_data::shippedDataDir() + "/prompts/recording-announcement.wav";
  }
  o.tick = Millis(std::max<int64_t>(20, cfg.getInt("pacing.tick_ms")));
  return o;
}

Result<std::map<std::string, std::string>> readCallerCredentials(const std::string& path) {
  std::ifstream f(path);
  if (!f) return Status::notFound("cannot read " + path);
  std::map<std::string, std::string> m;
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto c = line.find(':');
    if (c == std::string::npos || c == 0) return Status::invalidArgument("expected user:password", path);
    m[line.substr(0, c)] = line.substr(c + 1);
  }
  return m;
}

namespace {

// Stores every authorization record through the policy store (same SQLite
// connection as the dialer's writes) and remembers whether the last one failed.
class RecordingSink final : public core::policy::AuthorizationSink {
 public:
  storage::SqlitePolicyStore* store = nullptr;
  Status last;
  void record(const core::policy::AuthorizationRecord& r) override { last = store->saveAuthorization(r); }
};

// The DialAuthorizer the runtimes use: the real PolicyEngine (rule chain of
// data/rules or the configured rules dir) with the geocoder's candidate
// states added to each attempt. Fail-closed: a decision whose authorization
// record could not be stored is never an allow (it defers a minute, P0).
class PolicyAuthorizer final : public core::DialAuthorizer {
 public:
  policy_data::PolicyRuntime* policy = nullptr;
  RecordingSink sink;
  int64_t allowed = 0, denied = 0, deferred = 0, unrecorded = 0;

  core::Decision authorize(const core::DialAttempt& a, TimePoint now) override {
    core::Decision d;
    authorizeInto(a, now, d);
    return d;
  }
  void authorizeInto(const core::DialAttempt& a, TimePoint now, core::Decision& d) override {
    attempt_ = a;  // reuses the scratch's string capacity
    if (policy->geocoder) attempt_.candidate_states = policy->geocoder->statesFor(a.e164);
    sink.last = Status::ok();
    policy->engine->authorizeInto(attempt_, now, d);
    if (!sink.last.isOk()) {
      unrecorded++;
      spdlog::error("dialer: authorization record {} not stored: {}", d.authorization_id, sink.last.toString());
      d = core::Decision{};
      d.verdict = core::Verdict::kDefer;
      d.rules = {"P0"};
      d.reason = "the authorization record could not be stored; not dialed (fail-closed)";
      d.until = now + Millis(60000);
      return;
    }
    (d.verdict == core::Verdict::kAllow ? allowed : d.verdict == core::Verdict::kDefer ? deferred : denied)++;
  }
  void noteDial(const core::CompletedDial& o) override { policy->engine->noteDial(o); }

 private:
  core::DialAttempt attempt_;  // the attempt with the geocoder's candidate states
};

// The pause reason of a caller who keyed '0' on their phone (onDigit).
constexpr const char* kPhonePause = "phone";

std::string digitDisposition(char d) {
  switch (d) {
    case '1': return "contacted";
    case '2': return "not_interested";
    case '3': return "callback";
    case '4':
      return "machine";  // the caller heard an answering machine (recycled by the campaign's rules)
    case '9':
      return "dnc";  // the default list's do-not-call code (core::defaultDispositions)
    default: return "contacted";
  }
}

}  // namespace

struct Dialer::Impl : core::TelephonyListener,
                      core::CallRecordSink,
                      core::AbandonmentLedger,
                      core::CallIdSource,
                      core::CallerGate {
  sip::LibreLoop& loop;
  const Clock& clock;
  DialerOptions opt;
  core::GraceReference grace_from =
      core::GraceReference::kAnswer;  // opt.grace_from, checked by create()
  std::unique_ptr<storage::SqliteStore> store;
  std::unique_ptr<sip::LibreTelephony> tel;
  std::unique_ptr<policy_data::PolicyRuntime> policy;
  PolicyAuthorizer authorizer;
  // All-party consent to record (data/rules/recording_consent.json): which
  // recorded calls start with the recording announcement (fail-closed: the
  // dialer does not start without the table).
  core::policy::RecordingConsentTable consent;
  struct CallRecordingPlan {
    core::policy::AnnouncementDecision decision;
  };
  std::unordered_map<int64_t, CallRecordingPlan> recording_plans;  // call → its plan (until it ends)
  // The campaigns' settings as last read from the store (load and every
  // sync): recording, recording_announcement, amd, jurisdictions.
  std::unordered_map<int64_t, core::Campaign> stored_campaign;
  // Vendor chain (issue 4): the API daemon's ChainGate over the store's
  // registry, reloaded when the store's generation moves.
  std::unique_ptr<storage::SqliteVendorStore> vendor;
  std::unique_ptr<ChainGate> chain;
  std::unordered_map<std::string, uint64_t> login_refused;  // caller → registry generation refused at
  std::set<std::string> callers_refused;                     // distinct callers refused at login
  std::unordered_map<std::string, core::GateDecisionPtr> last_login;  // caller → its last login decision
  int64_t login_refusals = 0, routing_refusals = 0, readmissions = 0, gate_log_errors = 0;
  TimePoint last_registry_check{};
  TimePoint last_campaign_sync{};
  std::unordered_map<int64_t, int64_t> max_contact_loaded;  // campaign → largest contact id queued
  std::unordered_map<int64_t, std::string> prompt_version;  // campaign → "mtime-size" of its prompt (for the log)
  core::NullEventSink null_events;
  std::vector<std::unique_ptr<core::CampaignRuntime>> runtimes;
  std::unordered_map<std::string, core::CampaignRuntime*> caller_runtime;
  // Callers who keyed '0' during a call or its wrap-up → that call: paused at
  // its disposition (onDigit); '0' again forgets it, and so does a wrap-up that
  // ends otherwise.
  std::unordered_map<std::string, CallId> phone_pause_after;
  std::unordered_map<int64_t, std::vector<std::pair<int64_t, bool>>> ledger;  // campaign -> (at, abandoned)
  int64_t next_call_id = 1;
  uint64_t tick_timer = 0, login_timer = 0;
  bool stopped = false;
  core::Actor actor{"system:dialer"};
  TimePoint last_dnc_check{};
  int64_t unreadable_zones = 0;  // stored contacts whose time zone is no IANA name
  std::string dnc_version;  // internalDncVersion() of the lists loaded
  // summary counters
  int64_t recovered_calls = 0, write_errors = 0, dispositions = 0, leads_loaded = 0;
  Json planning = Json::array();  // the pacer's planning figures per campaign started (summary)
  std::unordered_map<int64_t, bool> dialing_marked;

  Impl(sip::LibreLoop& l, const Clock& c, DialerOptions o) : loop(l), clock(c), opt(std::move(o)) {}

  // ---------------------------------------------------------- CallIdSource
  CallId next() override { return CallId(next_call_id++); }

  // ---------------------------------------------------------- store writes
  void check(const Status& s, const char* what) {
    if (!s.isOk()) {
      write_errors++;
      spdlog::error("dialer: {} failed: {}", what, s.toString());
    }
  }

  void onCallRecord(const core::CallRecord& r) override {
    auto& db = store->db();
    check(db.transaction([&]() -> Status {
      ASSIGN_OR_RETURN(
          auto* s,
          db.cached(
              "INSERT INTO calls (id, campaign_id, contact_id, phone_id, called_number, "
              "caller_id_number,"
              " purpose_class, dial_mode, state, authorization_id, caller_ref, site_id, "
              "worker_category,"
              " vetting_snapshot_hash, engagement_path, queued_at, dialed_at, answered_at, "
              "greeting_end_at,"
              " bridged_at, ended_at, answered_by, abandoned, safe_harbor_played, hangup_cause, "
              "sip_status,"
              " disposition, connect_to_agent_ms, ring_ms, wrapped_at)"
              " VALUES "
              "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,"
              "?24,"
              "?25,?26,?27,?28,?29,?30)"
              // The caller and the chain, once on the row, stay: a later record of the same
              // call without a caller (its leg went down first) must not erase provenance.
              " ON CONFLICT(id) DO UPDATE SET state=excluded.state,"
              " caller_ref=COALESCE(NULLIF(excluded.caller_ref,''), calls.caller_ref),"
              " site_id=COALESCE(NULLIF(excluded.site_id,''), calls.site_id),"
              " worker_category=COALESCE(NULLIF(excluded.worker_category,''), "
              "calls.worker_category),"
              " vetting_snapshot_hash=COALESCE(NULLIF(excluded.vetting_snapshot_hash,''), "
              "calls.vetting_snapshot_hash),"
              " engagement_path=CASE WHEN excluded.engagement_path IN ('', '[]') THEN "
              "calls.engagement_path"
              " ELSE excluded.engagement_path END,"
              " dialed_at=excluded.dialed_at, answered_at=excluded.answered_at,"
              " greeting_end_at=excluded.greeting_end_at, bridged_at=excluded.bridged_at,"
              " ended_at=excluded.ended_at, answered_by=excluded.answered_by, "
              "abandoned=excluded.abandoned,"
              " safe_harbor_played=excluded.safe_harbor_played, hangup_cause=excluded.hangup_cause,"
              " sip_status=excluded.sip_status, disposition=COALESCE(excluded.disposition, "
              "calls.disposition),"
              " connect_to_agent_ms=excluded.connect_to_agent_ms, ring_ms=excluded.ring_ms,"
              " wrapped_at=COALESCE(excluded.wrapped_at, calls.wrapped_at)"));
      auto t = [](const std::optional<TimePoint>& p) -> std::optional<int64_t> {
        if (!p) return std::nullopt;
        return toEpochMillis(*p);
      };
      core::CampaignRuntime* rt = runtimeFor(r.campaign_id);
      const core::Campaign* camp = rt ? &rt->options().campaign : nullptr;
      s->bind(1, r.call_id.value).bind(2, r.campaign_id.value);
      if (r.contact_id.valid())
        s->bind(3, r.contact_id.value);
      else
        s->bindNull(3);
      if (r.phone_id.valid())
        s->bind(4, r.phone_id.value);
      else
        s->bindNull(4);
      s->bind(5, r.called_number).bind(6, r.caller_id_number);
      s->bind(7, camp ? std::string(core::toString(camp->purpose)) : std::string("unknown"));
      s->bind(8, r.dial_mode ? std::string(core::toString(*r.dial_mode))
                 : camp      ? std::string(core::toString(camp->dial_mode))
                             : std::string("unknown"));
      s->bind(9, std::string(core::toString(r.state))).bind(10, r.authorization_id);
      s->bind(11, r.caller_ref).bind(12, r.site_id).bind(13, r.worker_category);
      s->bind(14, r.vetting_snapshot_hash).bind(15, Json(r.engagement_path).dump());
      s->bindOpt(16, t(r.queued_at)).bindOpt(17, t(r.dialed_at)).bindOpt(18, t(r.answered_at));
      s->bindOpt(19, t(r.greeting_end_at)).bindOpt(20, t(r.bridged_at)).bindOpt(21, t(r.ended_at));
      s->bind(22, r.answered_by)
          .bind(23, r.abandoned ? 1 : 0)
          .bind(24, r.safe_harbor_played ? 1 : 0);
      if (r.hangup_cause)
        s->bind(25, std::string(core::toString(*r.hangup_cause)));
      else
        s->bindNull(25);
      s->bind(26, r.sip_status);
      if (r.disposition.empty())
        s->bindNull(27);
      else
        s->bind(27, r.disposition);
      if (r.bridged_at && r.answered_at)
        s->bind(28, (*r.bridged_at - *r.answered_at).count());
      else
        s->bindNull(28);
      if (r.answered_at && r.dialed_at)
        s->bind(29, (*r.answered_at - *r.dialed_at).count());
      else
        s->bindNull(29);
      s->bindOpt(30, t(r.wrapped_at));
      RETURN_IF_ERROR(s->run());
      if (r.contact_id.valid() && !dialing_marked[r.call_id.value] && r.dialed_at) {
        dialing_marked[r.call_id.value] = true;
        ASSIGN_OR_RETURN(auto* u,
                         db.cached("UPDATE contacts SET status='in_progress' WHERE id=?1"));
        u->bind(1, r.contact_id.value);
        RETURN_IF_ERROR(u->run());
      }
      Json p{{"state", core::toString(r.state)}, {"campaign", r.campaign_id.value}};
      if (r.hangup_cause) p["cause"] = core::toString(*r.hangup_cause);
      if (r.sip_status) p["sip_status"] = r.sip_status;
      if (!r.caller_ref.empty()) p["caller"] = r.caller_ref;
      return storage::audit(db, clock, actor, "call.state", "call", r.call_id.str(), p);
    }),
          "call record");
    if (r.hangup_cause) dialing_marked.erase(r.call_id.value);
  }

  void onLeadUpdate(const core::LeadUpdate& u) override {
    auto& db = store->db();
    bool dnc_request = false;
    check(db.transaction([&]() -> Status {
            ASSIGN_OR_RETURN(auto* s, db.cached(
                "UPDATE contacts SET status=CASE WHEN status='dnc' THEN 'dnc' ELSE ?2 END, attempts=?3,"
                " next_attempt_at=?4, last_disposition=?5 WHERE id=?1"));
            // A disposition that means "do not call" (the campaign's list says which).
            ASSIGN_OR_RETURN(auto* dq, db.cached("SELECT do_not_call FROM campaign_dispositions"
                                                 " WHERE campaign_id=?1 AND code=?2"));
            dq->bind(1, u.campaign_id.value).bind(2, u.disposition);
            ASSIGN_OR_RETURN(bool drow, dq->step());
            bool dnc = drow && dq->int64(0) != 0;
            dq->reset();
            if (!drow) {  // a campaign without its own rows: the default list's
              for (const auto& d : core::defaultDispositions())
                if (d.code == u.disposition) dnc = d.do_not_call;
            }
            dnc_request = dnc;
            std::string status = u.final ? (dnc ? "dnc" : "done") : "new";
            s->bind(1, u.contact_id.value).bind(2, status).bind(3, u.attempts);
            if (u.next_attempt_at) s->bind(4, toEpochMillis(*u.next_attempt_at)); else s->bindNull(4);
            s->bind(5, u.disposition);
            RETURN_IF_ERROR(s->run());
            if (u.callback_due) {
              ASSIGN_OR_RETURN(auto* c, db.cached(
                  "INSERT INTO callbacks (campaign_id, contact_id, due_at, created_at) SELECT ?1,?2,?3,?4"
                  " WHERE NOT EXISTS (SELECT 1 FROM callbacks WHERE contact_id=?2 AND due_at=?3)"));
              c->bind(1, u.campaign_id.value).bind(2, u.contact_id.value).bind(3, toEpochMillis(*u.callback_due));
              c->bind(4, toEpochMillis(clock.now()));
              RETURN_IF_ERROR(c->run());
            }
            if (dnc) {
              // The callee asked: the organisation's own list, for every campaign
              // of it (this dialer's engine reloads its lists right after).
              core::CampaignRuntime* rt = runtimeFor(u.campaign_id);
              ASSIGN_OR_RETURN(auto* pq, db.cached("SELECT e164 FROM phones WHERE id=?1"));
              pq->bind(1, u.phone_id.value);
              ASSIGN_OR_RETURN(bool prow, pq->step());
              const std::string e164 = prow ? pq->text(0) : std::string();
              pq->reset();
              if (rt && !e164.empty()) {
                storage::SqlitePolicyStore ps(db, clock);
                ASSIGN_OR_RETURN(bool added, ps.addCalleeDncRequest(rt->options().campaign.org_id,
                                                                    e164, u.last_call_id, actor));
                if (added)
                  spdlog::info("dialer: {} asked not to be called: on organisation {}'s list", e164,
                               rt->options().campaign.org_id.value);
              }
            }
            Json p{{"disposition", u.disposition}, {"call", u.last_call_id.value}, {"final", u.final},
                   {"attempts", u.attempts}};
            if (u.next_attempt_at) p["next_attempt_at"] = toEpochMillis(*u.next_attempt_at);
            return storage::audit(db, clock, actor, "contact.attempt", "contact", u.contact_id.str(), p);
          }),
          "lead update");
    // A callee's do-not-call request applies to the next dial of this dialer,
    // not a second later (the console's may have listed it already: reload).
    if (dnc_request) {
      last_dnc_check = TimePoint{};
      refreshInternalDnc(clock.now());
    }
  }

  // ---------------------------------------------------------- ledger
  void recordLiveAnswer(CampaignId campaign, CallId call, TimePoint answered_at, bool abandoned,
                        bool amd_false_positive) override {
    auto& db = store->db();
    check(db.transaction([&]() -> Status {
            ASSIGN_OR_RETURN(auto* s, db.cached(
                "INSERT OR REPLACE INTO abandonment_ledger (call_id, campaign_id, answered_at, abandoned,"
                " amd_false_positive) VALUES (?1,?2,?3,?4,?5)"));
            s->bind(1, call.value).bind(2, campaign.value).bind(3, toEpochMillis(answered_at));
            s->bind(4, abandoned ? 1 : 0).bind(5, amd_false_positive ? 1 : 0);
            RETURN_IF_ERROR(s->run());
            return storage::audit(db, clock, actor, "ledger.live_answer", "call", call.str(),
                                  Json{{"campaign", campaign.value}, {"abandoned", abandoned}});
          }),
          "ledger");
    ledger[campaign.value].emplace_back(toEpochMillis(answered_at), abandoned || amd_false_positive);
  }

  core::AbandonmentBudget budget(CampaignId campaign, TimePoint now, double cap_pct) const override {
    core::AbandonmentBudget b;
    auto it = ledger.find(campaign.value);
    int64_t t = toEpochMillis(now);
    if (it != ledger.end()) {
      for (auto& [at, ab] : it->second) {
        if (t - at <= 30LL * 86400 * 1000) {
          b.answered_30d++;
          b.abandoned_30d += ab;
        }
        if (t - at <= 86400LL * 1000) {
          b.answered_24h++;
          b.abandoned_24h += ab;
        }
      }
    }
    b.rate_30d = b.answered_30d ? 100.0 * static_cast<double>(b.abandoned_30d) / static_cast<double>(b.answered_30d) : 0;
    b.rate_24h = b.answered_24h ? 100.0 * static_cast<double>(b.abandoned_24h) / static_cast<double>(b.answered_24h) : 0;
    auto remaining = [cap_pct](int64_t ans, int64_t ab) -> int64_t {
      double cap = cap_pct / 100.0;
      if (cap >= 1) return 1 << 30;
      double k = (cap * static_cast<double>(ans) - static_cast<double>(ab)) / (1 - cap);
      return k < 0 ? 0 : static_cast<int64_t>(k);
    };
    b.remaining_abandons = std::min(remaining(b.answered_30d, b.abandoned_30d), remaining(b.answered_24h, b.abandoned_24h));
    return b;
  }

  // ---------------------------------------------------------- vendor chain gate
  // Every decision for a campaign with a chain is recorded (vendor_gate_log +
  // audit) at login; at routing, refusals are recorded and an allowed decision
  // stores its provenance snapshot (the call row carries its hash).
  void logGate(CampaignId campaign, const std::string& ref, TimePoint now, const char* kind,
               const core::GateDecision& d) {
    if (d.gates.empty()) return;  // no vendor chain for this campaign
    Status st = vendor->recordGateDecision(campaign, ref, now, kind, d, actor);
    if (!st.isOk()) {
      gate_log_errors++;
      spdlog::error("dialer: gate decision not recorded: {}", st.toString());
    }
  }

  // Both return the chain's shared, immutable decision (never null); a refusal
  // synthesised here is a new decision, the cached one is never modified.
  core::GateDecisionPtr checkLogin(CampaignId campaign, const std::string& ref, TimePoint now) override {
    core::GateDecisionPtr d = chain->checkLogin(campaign, ref, now);
    logGate(campaign, ref, now, "login", *d);
    last_login[ref] = d;
    if (!d->allowed) {
      login_refusals++;
      callers_refused.insert(ref);
      login_refused[ref] = chain->generation();
      spdlog::warn("dialer: caller {} refused at login to campaign {}: {}", ref, campaign.value, d->reason);
    }
    return d;
  }

  core::GateDecisionPtr checkRouting(CampaignId campaign, const std::string& ref, TimePoint now) override {
    core::GateDecisionPtr d = chain->checkRouting(campaign, ref, now);
    if (!d->allowed) {
      routing_refusals++;
      logGate(campaign, ref, now, "routing", *d);
      spdlog::warn("dialer: caller {} refused at routing on campaign {}: {}", ref, campaign.value, d->reason);
    } else if (!d->vetting_snapshot_hash.empty()) {
      Status st = vendor->saveSnapshot(*d);
      if (!st.isOk()) {
        // Fail-closed: a call must not carry provenance that cannot be resolved.
        gate_log_errors++;
        core::GateDecision no = *d;
        no.allowed = false;
        no.reason = "provenance snapshot could not be stored: " + st.message();
        return core::shareDecision(std::move(no));
      }
    }
    return d;
  }

  // A chain change anywhere takes effect at the next login or routing.
  void refreshRegistry(TimePoint now) {
    if (now - last_registry_check < Millis(1000)) return;
    last_registry_check = now;
    auto g = vendor->generation();
    if (!g.isOk() || *g == chain->generation()) return;
    auto reg = vendor->loadRegistry();
    if (!reg.isOk()) {
      spdlog::error("dialer: vendor registry reload failed: {}", reg.status().toString());
      return;
    }
    chain->setRegistry(*reg);
    spdlog::info("dialer: vendor registry reloaded (generation {})", chain->generation());
    // A chain put right lets the callers its routing gate paused work again.
    for (auto& r : runtimes) {
      int n = r->readmitGatePaused(now);
      readmissions += n;
      if (n > 0) spdlog::info("dialer: {} caller(s) readmitted on campaign {}", n, r->options().campaign.id.value);
    }
  }

  // A do-not-call entry added or removed anywhere (a callee's request through
  // the console, `clearline dnc add` while this runs) applies from the next
  // tick: the lists are read again when the table changed.
  void refreshInternalDnc(TimePoint now) {
    if (now - last_dnc_check < Millis(1000)) return;
    last_dnc_check = now;
    auto v = policy->store->internalDncVersion();
    if (!v.isOk()) {
      spdlog::error("dialer: internal do-not-call lists: {}", v.status().toString());
      return;
    }
    if (*v == dnc_version) return;
    core::policy::InternalDnc fresh;
    Status st = policy->store->loadInternalDnc(fresh, now);
    if (!st.isOk()) {
      spdlog::error("dialer: internal do-not-call lists reload failed: {}", st.toString());
      return;
    }
    const bool first = dnc_version.empty();
    policy->data.internal_dnc = std::move(fresh);
    dnc_version = *v;
    if (!first)
      spdlog::info("dialer: internal do-not-call lists reloaded ({} entries)",
                   policy->data.internal_dnc.size());
  }

  // ---------------------------------------------------------- events
  core::CampaignRuntime* runtimeFor(CampaignId id) {
    for (auto& r : runtimes) {
      if (r->options().campaign.id == id) return r.get();
    }
    return nullptr;
  }

  void onTelephonyEvent(const core::TelephonyEvent& ev) override {
    if (ev.kind == Kind::kTrunkUp || ev.kind == Kind::kTrunkDown) {
      bool up = ev.kind == Kind::kTrunkUp;
      if (opt.events) {
        // One event per campaign the dialer runs (the dashboard shows campaign events).
        for (auto& r : runtimes) {
          core::DomainEvent te{"trunk.state", r->options().campaign.id.str(), "", Json::object(), ev.at};
          te.data["up"] = up;
          te.data["reason"] = up ? "the trunk answers OPTIONS again" : "the trunk stopped answering OPTIONS; no new calls are placed";
          opt.events->publish(te);
        }
      }
      spdlog::log(up ? spdlog::level::info : spdlog::level::warn, "dialer: trunk {}", up ? "up" : "down");
      for (auto& r : runtimes) r->onTelephonyEvent(ev);
      return;
    }
    if (ev.kind == Kind::kCallerLegDown) {
      // Why a caller's phone leg ended (caller_gone: the phone hung up;
      // media_timeout: it sent no audio for [sip] media_timeout_s and was
      // hung up; error: it could not be called), on the audit chain.
      auto& db = store->db();
      check(db.transaction([&]() -> Status {
              return storage::audit(db, clock, actor, "caller.leg_down", "caller", ev.caller_ref,
                                    Json{{"cause", core::toString(ev.cause)}});
            }),
            "caller leg audit");
    }
    if (ev.kind == Kind::kCallerLegUp || ev.kind == Kind::kCallerLegDown) {
      auto it = caller_runtime.find(ev.caller_ref);
      if (it != caller_runtime.end()) it->second->onTelephonyEvent(ev);
      return;
    }
    if (ev.kind == Kind::kEnded) {
      noteRecordingPlan(ev.call_id);
      std::string path = tel->recordingPath(ev.call_id);
      if (!path.empty()) {
        auto& db = store->db();
        check(db.transaction([&]() -> Status {
                ASSIGN_OR_RETURN(auto* s, db.cached("UPDATE calls SET recording_ref=?2 WHERE id=?1"));
                s->bind(1, ev.call_id.value).bind(2, path);
                RETURN_IF_ERROR(s->run());
                return storage::audit(db, clock, actor, "call.recording", "call", ev.call_id.str(),
                                      Json{{"path", path}});
              }),
              "recording ref");
      }
    }
    for (auto& r : runtimes) {
      if (r->ownsCall(ev.call_id)) {
        r->onTelephonyEvent(ev);
        return;
      }
    }
  }

  // ---------------------------------------------------------- recording announcement
  // Asked by the telephony at originate() for calls of a recording campaign.
  // The callee's candidate locations: the contact's address state and the
  // area code's states (the campaign's US-XX jurisdictions are added by
  // recordingAnnouncementForCall).
  sip::RecordingPlan recordingPlan(const core::OriginateRequest& r) {
    const core::Campaign* c = nullptr;
    if (auto it = stored_campaign.find(r.campaign_id.value); it != stored_campaign.end()) {
      c = &it->second;
    } else if (core::CampaignRuntime* rt = runtimeFor(r.campaign_id)) {
      c = &rt->options().campaign;
    }
    sip::RecordingPlan plan;
    if (!c) return plan;
    std::vector<std::string> states;
    if (policy->geocoder) states = policy->geocoder->statesFor(r.to_e164);
    auto q = store->db().cached(
        "SELECT COALESCE(k.state,'') FROM phones p JOIN contacts k ON k.id = p.contact_id"
        " WHERE p.e164 = ?1 AND p.campaign_id = ?2");
    if (!q.isOk()) {
      // Fail-closed: without the callee's address, assume an all-party state.
      spdlog::error("dialer: callee state of call {} unknown ({}): treated as all-party consent", r.call_id.value,
                    q.status().toString());
      if (!consent.all_party.empty()) states.push_back(consent.all_party.front().state);
    } else {
      (*q)->bind(1, r.to_e164).bind(2, r.campaign_id.value);
      while (true) {
        auto row = (*q)->step();
        if (!row.isOk() || !*row) break;
        std::string st = (*q)->text(0);
        if (!st.empty()) states.push_back(st);
      }
    }
    core::policy::AnnouncementDecision d = core::policy::recordingAnnouncementForCall(*c, states, consent);
    plan.announce = d.required;
    plan.record = d.record;
    recording_plans[r.call_id.value] = CallRecordingPlan{d};
    return plan;
  }

  // At the end of a call with a recording plan: calls.recording_announcement
  // and call.recording_announcement {reason} when the announcement was played
  // in full; call.not_recorded {reason} when the plan forbade recording.
  void noteRecordingPlan(CallId call) {
    auto it = recording_plans.find(call.value);
    if (it == recording_plans.end()) return;
    const core::policy::AnnouncementDecision d = it->second.decision;
    recording_plans.erase(it);
    bool played = tel->announcementPlayed(call);
    if (!played && d.record) return;
    auto& db = store->db();
    check(db.transaction([&]() -> Status {
            if (!d.record) {
              return storage::audit(db, clock, actor, "call.not_recorded", "call", call.str(),
                                    Json{{"reason", d.reason}});
            }
            ASSIGN_OR_RETURN(auto* s, db.cached("UPDATE calls SET recording_announcement=1 WHERE id=?1"));
            s->bind(1, call.value);
            RETURN_IF_ERROR(s->run());
            return storage::audit(db, clock, actor, "call.recording_announcement", "call", call.str(),
                                  Json{{"reason", d.reason}});
          }),
          "recording announcement");
  }

  // The campaign's settings from the store, applied to what is running: the
  // recording mode, its own recording announcement WAV
  // (DATA_DIR/prompts/campaign-<id>-recording.wav, if present) and AMD.
  void applyCampaignSettings(const core::Campaign& c, core::CampaignRuntime* rt) {
    stored_campaign[c.id.value] = c;
    tel->setCampaignRecording(c.id, c.recording == core::RecordingPolicy::kAll       ? sip::RecordingMode::kAll
                                    : c.recording == core::RecordingPolicy::kOnDemand ? sip::RecordingMode::kOnDemand
                                                                                      : sip::RecordingMode::kNever);
    std::error_code ec;
    auto own = std::filesystem::path(opt.data_dir) / "prompts" / ("campaign-" + c.id.str() + "-recording.wav");
    tel->setCampaignAnnouncement(c.id, std::filesystem::exists(own, ec) ? own.string() : "");
    bool amd = core::amdEnabled(c.amd, opt.amd);
    if (rt && rt->options().detect_machine != amd) {
      spdlog::info("dialer: campaign {} answering-machine detection {} (amd: {}) for the calls dialed from now",
                   c.id.value, amd ? "on" : "off", core::toString(c.amd));
      rt->setDetectMachine(amd);
    }
  }

  static core::CallerSnapshot snapshotOf(const core::CampaignRuntime& rt, const std::string& ref) {
    for (const auto& k : rt.callers())
      if (k.caller_ref == ref) return k;
    return core::CallerSnapshot{};
  }

  void onDigit(const std::string& ref, char d) {
    auto it = caller_runtime.find(ref);
    if (it == caller_runtime.end()) return;
    core::CampaignRuntime& rt = *it->second;
    TimePoint now = clock.now();
    auto st = rt.callerState(ref);
    if (!st) return;
    if (d == '#' && *st == core::CallerState::kOnCall) {
      (void)rt.hangupCaller(ref, now);
    } else if (d >= '1' && d <= '9' && *st == core::CallerState::kWrapUp) {
      core::WrapUp w;
      w.disposition = digitDisposition(d);
      w.final = d != '3' && d != '4';
      if (d == '3') w.callback_due = now + Millis(3600 * 1000);
      // '0' keyed during this wrap-up: paused after it, not ready.
      if (auto p = phone_pause_after.find(ref); p != phone_pause_after.end()) {
        if (p->second == snapshotOf(rt, ref).call) w.pause_reason = std::string(kPhonePause);
        phone_pause_after.erase(p);
      }
      if (rt.wrapUp(ref, w, now).isOk()) dispositions++;
    } else if (d == '0') {
      // A phone-only caller's break: '0' when ready pauses (reason "phone"),
      // '0' again makes them ready; '0' during a call or its wrap-up pauses
      // them once they key that call's disposition (so no customer is routed
      // to them in between), and '0' again before it takes that back.
      const core::CallerSnapshot k = snapshotOf(rt, ref);
      if (*st == core::CallerState::kReady) {
        (void)rt.pause(ref, kPhonePause, now);
      } else if (*st == core::CallerState::kWrapUp || *st == core::CallerState::kOnCall) {
        // '0' again before the disposition: no break after all.
        if (auto p = phone_pause_after.find(ref);
            p != phone_pause_after.end() && p->second == k.call)
          phone_pause_after.erase(p);
        else
          phone_pause_after[ref] = k.call;
      } else if (*st == core::CallerState::kPaused && k.pause_reason == kPhonePause) {
        (void)rt.unpause(ref, now);
      }
    } else if (d == '*' && *st == core::CallerState::kPaused) {
      // A SIP phone's way back from a pause the dialer made for want of a
      // disposition ([sip] wrap_up_max_s); other pauses are the caller's own
      // (the console) or the gates'.
      if (snapshotOf(rt, ref).pause_reason == core::kWrapUpTimeout) (void)rt.unpause(ref, now);
    }
  }

  // ---------------------------------------------------------- start-up
  Status recover() {
    auto& db = store->db();
    TimePoint now = clock.now();
    return db.transaction([&]() -> Status {
      ASSIGN_OR_RETURN(auto q, db.prepare(
          "SELECT id, campaign_id, contact_id, answered_at, bridged_at FROM calls WHERE ended_at IS NULL"));
      struct Open {
        int64_t id, campaign, contact;
        std::optional<int64_t> answered, bridged;
      };
      std::vector<Open> open;
      while (true) {
        ASSIGN_OR_RETURN(bool row, q.step());
        if (!row) break;
        open.push_back({q.int64(0), q.int64(1), q.isNull(2) ? 0 : q.int64(2), q.optInt64(3), q.optInt64(4)});
      }
      for (const Open& o : open) {
        ASSIGN_OR_RETURN(auto u, db.prepare(
            "UPDATE calls SET state='ended', ended_at=?2, hangup_cause='system_restart',"
            " disposition=COALESCE(disposition,'system_restart') WHERE id=?1"));
        u.bind(1, o.id).bind(2, toEpochMillis(now));
        RETURN_IF_ERROR(u.run());
        bool abandoned = false;
        if (o.answered) {
          // A live answer the crash cut off: in the ledger, abandoned unless it was bridged.
          abandoned = !o.bridged;
          ASSIGN_OR_RETURN(auto l, db.prepare(
              "INSERT OR IGNORE INTO abandonment_ledger (call_id, campaign_id, answered_at, abandoned)"
              " VALUES (?1,?2,?3,?4)"));
          l.bind(1, o.id).bind(2, o.campaign).bind(3, *o.answered).bind(4, abandoned ? 1 : 0);
          RETURN_IF_ERROR(l.run());
          if (abandoned) {
            ASSIGN_OR_RETURN(auto a, db.prepare("UPDATE calls SET abandoned=1 WHERE id=?1"));
            a.bind(1, o.id);
            RETURN_IF_ERROR(a.run());
          }
        }
        if (o.contact) {
          ASSIGN_OR_RETURN(auto c, db.prepare(
              "UPDATE contacts SET status='new', next_attempt_at=MAX(COALESCE(next_attempt_at,0),?2),"
              " last_disposition=COALESCE(last_disposition,'system_restart') WHERE id=?1 AND status='in_progress'"));
          c.bind(1, o.contact).bind(2, toEpochMillis(now + opt.recovery_recycle));
          RETURN_IF_ERROR(c.run());
        }
        RETURN_IF_ERROR(storage::audit(db, clock, actor, "call.recovered", "call", std::to_string(o.id),
                                       Json{{"cause", "system_restart"}, {"answered", o.answered.has_value()},
                                            {"abandoned", abandoned}}));
        recovered_calls++;
      }
      // Contacts marked in progress without an open call (killed between the two writes).
      ASSIGN_OR_RETURN(auto c, db.prepare(
          "UPDATE contacts SET status='new', next_attempt_at=MAX(COALESCE(next_attempt_at,0),?1)"
          " WHERE status='in_progress'"));
      c.bind(1, toEpochMillis(now + opt.recovery_recycle));
      RETURN_IF_ERROR(c.run());
      return Status::ok();
    });
  }

  void saveRegistration(const std::string& user, const std::string& contact, int64_t expires) {
    auto& db = store->db();
    check(db.transaction([&]() -> Status {
            if (expires == 0) {
              ASSIGN_OR_RETURN(auto* d, db.cached("DELETE FROM sip_registrations WHERE caller_ref=?1"));
              d->bind(1, user);
              return d->run();
            }
            ASSIGN_OR_RETURN(auto* s, db.cached(
                "INSERT INTO sip_registrations (caller_ref, contact, expires_at, updated_at) VALUES (?1,?2,?3,?4)"
                " ON CONFLICT(caller_ref) DO UPDATE SET contact=excluded.contact, expires_at=excluded.expires_at,"
                " updated_at=excluded.updated_at"));
            s->bind(1, user).bind(2, contact).bind(3, expires).bind(4, toEpochMillis(clock.now()));
            return s->run();
          }),
          "registration");
  }

  Status loadRegistrations() {
    ASSIGN_OR_RETURN(auto q, store->db().prepare(
        "SELECT caller_ref, contact, expires_at FROM sip_registrations WHERE expires_at > ?1"));
    q.bind(1, toEpochMillis(clock.now()));
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.step());
      if (!row) break;
      tel->restoreRegistration(q.text(0), q.text(1), q.int64(2));
    }
    return Status::ok();
  }

  Status loadLedger() {
    ASSIGN_OR_RETURN(auto q, store->db().prepare(
        "SELECT campaign_id, answered_at, abandoned + amd_false_positive FROM abandonment_ledger"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.step());
      if (!row) break;
      ledger[q.int64(0)].emplace_back(q.int64(1), q.int64(2) > 0);
    }
    return Status::ok();
  }

  Status loadCampaigns() {
    ASSIGN_OR_RETURN(auto q, store->db().prepare("SELECT COALESCE(MAX(id),0) FROM calls"));
    ASSIGN_OR_RETURN(bool row, q.step());
    next_call_id = (row ? q.int64(0) : 0) + 1;
    ASSIGN_OR_RETURN(auto campaigns, store->campaigns().listCampaigns(OrgId(0)));
    TimePoint now = clock.now();
    last_campaign_sync = now;
    for (const core::Campaign& c : campaigns) {
      if (c.state != core::CampaignState::kActive) continue;
      RETURN_IF_ERROR(loadCampaign(c, now));
    }
    return Status::ok();
  }

  // A runtime for one active campaign, with its leads, started.
  Status loadCampaign(const core::Campaign& c, TimePoint now) {
    // The engine keeps one profile per campaign id (jurisdictions, schedule,
    // recycle rules, R4 settings); every attempt names its campaign.
    policy->engine->setCampaign(core::policy::profileFromCampaign(c));
    core::RuntimeOptions ro;
    ro.campaign = c;
    ro.ring_timeout = opt.ring_timeout;
    // AMD (sip/amd.h) on the customer's audio: the edge's verdict is due by
    // grace - 300 ms after the answer (undecided = person), so the detection
    // delay fits in the grace whatever it counts from.
    ro.detect_machine = core::amdEnabled(c.amd, opt.amd);  // the campaign's amd, else the dialer's
    ro.grace = opt.grace;
    // From the greeting's end only where the law says so (US TSR) and the
    // configuration asks for it; a UK campaign counts from the answer (Ofcom).
    ro.grace_from = grace_from == core::GraceReference::kGreetingEnd && !core::isUkCampaign(c)
                        ? core::GraceReference::kGreetingEnd
                        : core::GraceReference::kAnswer;
    ro.metrics_every = opt.metrics_every;
    ro.wrap_up_max = opt.wrap_up_max;
    core::RuntimePorts ports;
    ports.telephony = tel.get();
    ports.authorizer = &authorizer;
    ports.ledger = this;
    ports.gate = this;
    ports.ids = this;
    ports.events = opt.events ? opt.events : &null_events;
    ports.records = this;
    core::PacerSettings ps;
    if (opt.pacer_knob > 0) ps.knob = opt.pacer_knob;
    ps.agents = static_cast<int>(std::max<size_t>(1, opt.auto_login.size()));
    // A campaign that has dialled before is paced on its own figures from the
    // first dial (core/pacing/planning.h); otherwise the defaults and our
    // pacer's cold start.
    auto history = storage::dialHistory(store->db(), c.id);
    if (history.isOk()) {
      ps = core::planFromHistory(*history, ps);
    } else {
      spdlog::warn("dialer: campaign {} call history unreadable ({}): pacing from default figures", c.id.value,
                   history.status().toString());
    }
    const int64_t history_dials = history.isOk() ? history->dials : 0;
    spdlog::info("dialer: campaign {} pacer {} planning from {}: {:.0f} % of dials live, {:.1f} s to resolve, "
                 "{:.0f} s handle", c.id.value, opt.pacer,
                 ps.measured ? "its last " + std::to_string(history_dials) + " calls"
                             : "defaults (" + std::to_string(history_dials) + " calls of history)",
                 100 * ps.live_rate, ps.mean_resolution_s, ps.mean_handle_s);
    planning.push_back(Json{{"campaign_id", c.id.value}, {"measured", ps.measured}, {"history_dials", history_dials},
                            {"live_rate", ps.live_rate}, {"mean_resolution_s", ps.mean_resolution_s},
                            {"mean_handle_s", ps.mean_handle_s}});
    ps.amd_when_idle = opt.config.getBool("pacing.amd_when_idle");
    ps.ring_cut_max_people_loss = opt.config.getDouble("pacing.ring_cut_max_people_loss");
    if (!(ps.ring_cut_max_people_loss >= 0 && ps.ring_cut_max_people_loss <= 1)) {
      spdlog::warn(
          "dialer: config pacing.ring_cut_max_people_loss = {} is not a share in [0, 1]; using 0 "
          "(no ring cut that misses anyone)",
          ps.ring_cut_max_people_loss);
      ps.ring_cut_max_people_loss = 0;
    }
    auto pacer = core::makePacer(opt.pacer, ps);  // (its name was checked by Dialer::create)
    if (!pacer.isOk()) return pacer.status();
    auto rt = std::make_unique<core::CampaignRuntime>(ro, ports, std::move(*pacer));
    applyCampaignSettings(c, rt.get());
    refreshPrompt(c.id);
    RETURN_IF_ERROR(loadLeads(*rt, c.id));
    rt->start(now);
    spdlog::info("dialer: campaign {} active, {} leads", c.id.value, rt->leadsQueued());
    runtimes.push_back(std::move(rt));
    return Status::ok();
  }

  // Queues the campaign's new contacts above the largest id queued so far
  // (contacts imported while it runs are picked up by the next sync).
  Status loadLeads(core::CampaignRuntime& rt, CampaignId campaign) {
    int64_t& max_id = max_contact_loaded[campaign.value];
    ASSIGN_OR_RETURN(
        auto* l,
        store->db().cached(
            "SELECT c.id, p.id, p.e164, c.priority, COALESCE(c.source_line, c.id), c.attempts,"
            " COALESCE(c.next_attempt_at, 0), p.line_type, p.consent, c.state, c.zip,"
            " c.timezone FROM contacts c JOIN phones p ON p.id = (SELECT id FROM phones WHERE "
            "contact_id = c.id"
            "   ORDER BY priority, id LIMIT 1)"
            " WHERE c.campaign_id = ?1 AND c.status = 'new' AND c.id > ?2 ORDER BY c.priority, "
            "c.id"));
    l->bind(1, campaign.value).bind(2, max_id);
    while (true) {
      ASSIGN_OR_RETURN(bool more, l->step());
      if (!more) break;
      core::Lead lead;
      lead.contact_id = ContactId(l->int64(0));
      lead.phone_id = PhoneId(l->int64(1));
      lead.e164 = l->text(2);
      lead.priority = static_cast<int>(l->int64(3));
      lead.order = l->int64(4);
      lead.attempts = static_cast<int>(l->int64(5));
      lead.not_before = fromEpochMillis(l->int64(6));
      auto lt = core::parseLineType(l->text(7));
      if (lt.isOk()) lead.line_type = *lt;
      auto ct = core::parseConsentType(l->text(8));
      if (ct.isOk()) lead.consent = *ct;
      lead.state = l->text(9);
      lead.zip = l->text(10);
      lead.timezone = l->text(11);
      if (!lead.timezone.empty() && !findZone(lead.timezone).isOk()) {
        // Stored before imports checked zones (session 22): the policy would
        // deny every call to it (P0). The state, ZIP and area code still place
        // the contact; the unreadable zone is left out, and said so.
        if (unreadable_zones++ < 5)
          spdlog::warn(
              "dialer: contact {} has the time zone '{}', which is no IANA zone: left out of its "
              "locations",
              lead.contact_id.value, lead.timezone);
        lead.timezone.clear();
      }
      max_id = std::max(max_id, lead.contact_id.value);
      rt.addLead(std::move(lead));
      leads_loaded++;
    }
    return Status::ok();
  }

  // The campaign's safe-harbor WAV, DATA_DIR/prompts/campaign-<id>.wav
  // (uploaded through the API, api/prompts.h), handed to the telephony when
  // the campaign starts and at every sync; a replaced file plays from the
  // next abandoned call on (the telephony's sip::PromptCache re-reads a file
  // that changed, and keeps the old audio for calls still playing it).
  void refreshPrompt(CampaignId id) {
    namespace fs = std::filesystem;
    fs::path file = fs::path(opt.data_dir) / "prompts" / ("campaign-" + id.str() + ".wav");
    std::error_code ec;
    std::string version;
    auto size = fs::file_size(file, ec);
    if (!ec) {
      auto t = fs::last_write_time(file, ec);
      if (!ec) version = std::to_string(t.time_since_epoch().count()) + "-" + std::to_string(size);
    }
    auto it = prompt_version.find(id.value);
    bool first = it == prompt_version.end();
    if (!first && it->second == version) return;
    prompt_version[id.value] = version;
    if (!first) {
      spdlog::info("dialer: campaign {} safe-harbor prompt {}", id.value,
                   version.empty() ? "removed: the default prompt plays" : "changed: " + file.string());
    }
    tel->setCampaignPrompt(id, version.empty() ? "" : file.string());
  }

  // Campaigns activated, paused, resumed or finished since the last sync
  // (through the API or the CLI) take effect here; new contacts are queued.
  void syncCampaigns(TimePoint now) {
    if (now - last_campaign_sync < opt.campaign_sync) return;
    last_campaign_sync = now;
    auto campaigns = store->campaigns().listCampaigns(OrgId(0));
    if (!campaigns.isOk()) {
      spdlog::error("dialer: campaign sync failed: {}", campaigns.status().toString());
      return;
    }
    for (const core::Campaign& c : *campaigns) {
      core::CampaignRuntime* rt = runtimeFor(c.id);
      bool active = c.state == core::CampaignState::kActive;
      if (active && !rt) {
        Status st = loadCampaign(c, now);
        if (!st.isOk()) spdlog::error("dialer: campaign {} not started: {}", c.id.value, st.toString());
        continue;
      }
      if (!rt) continue;
      if (active && rt->stopped()) {
        spdlog::info("dialer: campaign {} resumed", c.id.value);
        rt->start(now);
      } else if (!active && !rt->stopped()) {
        spdlog::info("dialer: campaign {} is {}: no new dials", c.id.value, core::toString(c.state));
        rt->stop(now);
      }
      applyCampaignSettings(c, rt);
      if (active) {
        refreshPrompt(c.id);
        Status st = loadLeads(*rt, c.id);
        if (!st.isOk()) spdlog::error("dialer: new leads of campaign {}: {}", c.id.value, st.toString());
      }
    }
  }

  void tick() {
    tick_timer = loop.addTimer(opt.tick, [this] {
      tick_timer = 0;
      if (stopped) return;
      TimePoint now = clock.now();
      refreshRegistry(now);
      refreshInternalDnc(now);
      syncCampaigns(now);
      for (auto& r : runtimes) r->tick(now);
      tick();
    });
  }

  void loginCallers() {
    login_timer = loop.addTimer(Millis(200), [this] {
      login_timer = 0;
      if (stopped) return;
      // The first campaign that is dialing (campaigns may be activated later: keep looking).
      core::CampaignRuntime* rt = nullptr;
      for (auto& r : runtimes) {
        if (!r->stopped()) {
          rt = r.get();
          break;
        }
      }
      if (!rt) {
        loginCallers();
        return;
      }
      TimePoint now = clock.now();
      for (const std::string& ref : opt.auto_login) {
        // Logged in (or logging in) anywhere already: leave it there.
        if (auto cur = caller_runtime.find(ref); cur != caller_runtime.end()) {
          auto st = cur->second->callerState(ref);
          if (st && *st != core::CallerState::kLoggedOut) continue;
        }
        if (auto st = rt->callerState(ref); st && *st != core::CallerState::kLoggedOut) continue;
        if (!tel->callerRegistered(ref)) continue;
        // A refused caller is asked again only after the chain changed.
        if (auto rf = login_refused.find(ref); rf != login_refused.end() && rf->second == chain->generation()) continue;
        caller_runtime[ref] = rt;
        Status s = rt->login(ref, now, manualPause(ref, *rt));
        if (s.code() == StatusCode::kPermissionDenied) {
          caller_runtime.erase(ref);  // not logged in: no leg is opened
        } else if (!s.isOk() && s.code() != StatusCode::kFailedPrecondition) {
          spdlog::warn("dialer: login {}: {}", ref, s.toString());
        }
      }
      loginCallers();
    });
  }

  // ---------------------------------------------------------- caller-placed dials
  // A caller who only presses Call is paused on an autodial campaign, so the
  // pacer routes them nothing (they dial routed leads from paused).
  // The pause reason such a caller logs in with ("" = ready as usual).
  std::string manualPause(const std::string& ref, const core::CampaignRuntime& rt) const {
    bool manual = false;
    for (const auto& m : opt.manual_callers) manual = manual || m == ref;
    core::DialMode mode = rt.options().campaign.dial_mode;
    if (!manual || mode == core::DialMode::kPreview || mode == core::DialMode::kHumanInitiated) return "";
    return "manual";
  }

  Result<core::CampaignRuntime*> runtimeOfCaller(const std::string& ref) {
    auto it = caller_runtime.find(ref);
    if (it == caller_runtime.end() || !it->second->callerState(ref) ||
        *it->second->callerState(ref) == core::CallerState::kLoggedOut)
      return Status::failedPrecondition("caller " + ref + " is not logged in to a campaign", "caller_ref");
    return it->second;
  }

  // {caller_ref: {state, reason}} of every caller the runtimes know.
  Json callerStates() const {
    Json j = Json::object();
    for (auto& r : runtimes) {
      for (const core::CallerSnapshot& k : r->callers()) {
        j[k.caller_ref] = Json{{"state", core::toString(k.state)}, {"reason", k.pause_reason},
                               {"campaign", r->options().campaign.id.value}};
      }
    }
    return j;
  }

  // The campaigns whose calls are dialed with AMD now.
  Json amdCampaigns() const {
    Json j = Json::array();
    for (auto& r : runtimes) {
      if (r->options().detect_machine) j.push_back(r->options().campaign.id.value);
    }
    return j;
  }

  int64_t manualCount(int64_t core::RuntimeCounters::*field) const {
    int64_t n = 0;
    for (auto& r : runtimes) n += r->counters().*field;
    return n;
  }
};

Dialer::Dialer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Dialer::~Dialer() {
  if (impl_->tick_timer) impl_->loop.cancelTimer(impl_->tick_timer);
  if (impl_->login_timer) impl_->loop.cancelTimer(impl_->login_timer);
  impl_->runtimes.clear();
  impl_->tel.reset();
}

Result<std::unique_ptr<Dialer>> Dialer::create(sip::LibreLoop& loop, const Clock& clock, DialerOptions opt) {
  auto impl = std::make_unique<Impl>(loop, clock, std::move(opt));
  Impl* p = impl.get();
  std::string db = p->opt.db_path.empty()
                       ? (std::filesystem::path(p->opt.data_dir) / "clearline.db").string()
                       : p->opt.db_path;
  auto from = core::parseGraceReference(p->opt.grace_from);
  if (!from.isOk() || *from == core::GraceReference::kGreetingStart) {
    return Status::invalidArgument(
        "dialer: [sip] grace_from must be \"answer\" or \"greeting_end\", not \"" +
            p->opt.grace_from + "\"",
        "sip.grace_from");
  }
  p->grace_from = *from;
  // The pacer every campaign will run: one the daemon can run (not the
  // simulator's oracle, not the Markov-only CMDP policy), or no dialing at all
  // (a misspelt name must not quietly become another pacer).
  {
    bool usable = false;
    std::string known;
    for (const auto& info : core::pacerCatalog()) {
      if (info.markov_only || info.sim_only) continue;
      usable = usable || info.name == p->opt.pacer;
      known += (known.empty() ? "" : ", ") + info.name;
    }
    if (!usable) {
      return Status::invalidArgument(
          "dialer: pacer \"" + p->opt.pacer +
              "\" is not one the dialer runs (--pacer or [pacing] pacer; "
              "known: " +
              known + ")",
          "pacing.pacer");
    }
  }
  ASSIGN_OR_RETURN(p->store, storage::SqliteStore::open(db, clock));
  // The internal DNC lists' generation, read before openPolicy loads them: the
  // loop reloads them only when it moves (a change in between reloads once more).
  {
    auto v = storage::SqlitePolicyStore(p->store->db(), clock).internalDncVersion();
    if (v.isOk()) p->dnc_version = *v;
  }
  // Compliance at dial time (fail-closed): no rule book, no dialing.
  auto policy = policy_data::openPolicy(p->store->db(), clock, p->opt.config, p->opt.data_dir, clock.now());
  if (!policy.isOk()) {
    return Status(policy.status().code(),
                  "dialer: cannot open the compliance policy, refusing to dial: " + policy.status().message(),
                  policy.status().field());
  }
  p->policy = std::move(*policy);
  // All-party consent to record: which recorded calls start with the recording
  // announcement. A missing or broken table stops the dialer (fail-closed).
  auto consent = policy_data::loadRecordingConsent(p->policy->rules_dir);
  if (!consent.isOk()) {
    return Status(consent.status().code(),
                  "dialer: cannot load the recording consent table, refusing to dial: " + consent.status().message(),
                  consent.status().field());
  }
  p->consent = std::move(*consent);
  p->opt.sip.recording_plan = [p](const core::OriginateRequest& r) { return p->recordingPlan(r); };
  p->authorizer.policy = p->policy.get();
  p->authorizer.sink.store = p->policy->store.get();
  p->policy->engine->setSink(&p->authorizer.sink);
  // R3/U2 read the dialer's own ledger (kept current as calls are answered).
  p->policy->data.ledger = p;
  // The vendor chain's gates (G1–G10) over the store's registry.
  p->vendor = std::make_unique<storage::SqliteVendorStore>(p->store->db(), clock, p->opt.data_dir);
  ASSIGN_OR_RETURN(auto registry, p->vendor->loadRegistry());
  p->chain = std::make_unique<ChainGate>(registry);
  auto creds = p->opt.caller_passwords;
  p->opt.sip.caller_password = [creds](const std::string& u) -> std::optional<std::string> {
    auto it = creds.find(u);
    if (it == creds.end()) return std::nullopt;
    return it->second;
  };
  p->opt.sip.on_registration = [p](const std::string& user, const std::string& contact, int64_t expires) {
    p->saveRegistration(user, contact, expires);
  };
  // AMD's verdict is due 300 ms before the grace ends (a person never waits longer for it).
  p->opt.sip.amd = sip::amdConfigForBudget(static_cast<int>(p->opt.grace.count()) - 300);
  ASSIGN_OR_RETURN(p->tel, sip::LibreTelephony::create(loop, clock, p->opt.sip, p));
  p->tel->setCallerDigitHandler([p](const std::string& ref, char d) { p->onDigit(ref, d); });
  return std::unique_ptr<Dialer>(new Dialer(std::move(impl)));
}

Status Dialer::start() {
  RETURN_IF_ERROR(impl_->recover());
  RETURN_IF_ERROR(impl_->loadLedger());
  RETURN_IF_ERROR(impl_->loadRegistrations());
  RETURN_IF_ERROR(impl_->loadCampaigns());
  impl_->tick();
  impl_->loginCallers();
  return Status::ok();
}

void Dialer::stop() {
  impl_->stopped = true;
  TimePoint now = impl_->clock.now();
  for (auto& r : impl_->runtimes) r->stop(now);
  impl_->tel->shutdown();
}

bool Dialer::idle() const {
  for (auto& r : impl_->runtimes) {
    if (r->callsInFlight() > 0 || r->linesInUse() > 0) return false;
    // A caller still on a call or in wrap-up will be ready for the leads that
    // are ready now (nextWakeAt only names waiting leads).
    for (const auto& k : r->callers()) {
      if (k.state == core::CallerState::kReserved || k.state == core::CallerState::kOnCall ||
          k.state == core::CallerState::kWrapUp)
        return false;
    }
    auto wake = r->nextWakeAt();
    if (r->leadsQueued() > 0 && (!wake || *wake <= impl_->clock.now() + Millis(1000))) return false;
  }
  return true;
}

sip::LibreTelephony& Dialer::telephony() { return *impl_->tel; }

// ---------------------------------------------------------------- console

Status Dialer::consoleLogin(const std::string& ref, CampaignId campaign) {
  Impl& m = *impl_;
  core::CampaignRuntime* rt = m.runtimeFor(campaign);
  if (!rt || rt->stopped()) return Status::failedPrecondition("campaign " + campaign.str() + " is not dialing (not active)", "campaign_id");
  if (!m.tel->callerRegistered(ref)) {
    return Status::failedPrecondition("your SIP phone is not registered: register it as user '" + ref + "' at sip:" +
                                          m.opt.sip.listen_ip + ":" + std::to_string(m.opt.sip.listen_port) +
                                          ", then start calling again",
                                      "campaign_id");
  }
  TimePoint now = m.clock.now();
  if (auto it = m.caller_runtime.find(ref); it != m.caller_runtime.end() && it->second != rt) {
    auto st = it->second->callerState(ref);
    if (st && core::isBusy(*st)) return Status::failedPrecondition("finish the current call first", "campaign_id");
    if (st && *st != core::CallerState::kLoggedOut) RETURN_IF_ERROR(it->second->logout(ref, now));
  }
  m.caller_runtime[ref] = rt;
  Status s = rt->login(ref, now);
  if (s.code() == StatusCode::kPermissionDenied) m.caller_runtime.erase(ref);
  return s;
}

core::GateDecisionPtr Dialer::lastLoginDecision(const std::string& ref) const {
  auto it = impl_->last_login.find(ref);
  return it == impl_->last_login.end() ? nullptr : it->second;
}

Status Dialer::consoleLogout(const std::string& ref) {
  auto it = impl_->caller_runtime.find(ref);
  if (it == impl_->caller_runtime.end()) return Status::ok();
  auto st = it->second->callerState(ref);
  if (!st || *st == core::CallerState::kLoggedOut) {
    Status s = it->second->logout(ref, impl_->clock.now());  // a leg still being set up is cancelled
    if (!s.isOk() && s.code() != StatusCode::kFailedPrecondition) return s;
    return Status::ok();
  }
  return it->second->logout(ref, impl_->clock.now());
}

Status Dialer::consolePause(const std::string& ref, const std::string& reason) {
  auto it = impl_->caller_runtime.find(ref);
  if (it == impl_->caller_runtime.end()) return Status::failedPrecondition("join a campaign first", "state");
  return it->second->pause(ref, reason, impl_->clock.now());
}

Status Dialer::consoleReady(const std::string& ref) {
  auto it = impl_->caller_runtime.find(ref);
  if (it == impl_->caller_runtime.end()) return Status::failedPrecondition("join a campaign first", "state");
  return it->second->unpause(ref, impl_->clock.now());
}

Status Dialer::consoleHangup(const std::string& ref) {
  auto it = impl_->caller_runtime.find(ref);
  if (it == impl_->caller_runtime.end()) return Status::failedPrecondition("not on a call", "caller_ref");
  return it->second->hangupCaller(ref, impl_->clock.now());
}

Status Dialer::consoleWrapUp(const std::string& ref, const core::WrapUp& w) {
  auto it = impl_->caller_runtime.find(ref);
  if (it == impl_->caller_runtime.end()) return Status::failedPrecondition("not in wrap-up", "caller_ref");
  Status s = it->second->wrapUp(ref, w, impl_->clock.now());
  if (s.isOk()) impl_->dispositions++;
  return s;
}

Result<Json> Dialer::consoleRecord(const std::string& ref, const core::Actor& actor) {
  auto v = caller(ref);
  if (!v || v->snap.state != core::CallerState::kOnCall || !v->snap.call.valid())
    return Status::failedPrecondition("no call is bridged to you: Record works while you are on a call", "state");
  // The campaign's setting now (a change through the API applies at once).
  ASSIGN_OR_RETURN(core::Campaign camp, impl_->store->campaigns().getCampaign(v->campaign));
  if (camp.recording == core::RecordingPolicy::kNever)
    return Status::failedPrecondition("campaign " + camp.id.str() + " does not record calls (recording: never)", "recording");
  if (camp.recording == core::RecordingPolicy::kAll)
    return Status::failedPrecondition("campaign " + camp.id.str() + " records every call already (recording: all)", "recording");
  const CallId call = v->snap.call;
  const std::string file = "call-" + call.str() + ".wav";
  if (callRecording(call)) return Json{{"recording", true}, {"call_id", call.value}, {"file", file}, {"already", true}};
  if (!impl_->tel->startRecording(call)) {
    auto plan = impl_->recording_plans.find(call.value);
    if (plan != impl_->recording_plans.end() && !plan->second.decision.record) {
      return Status::failedPrecondition("this call may not be recorded: " + plan->second.decision.reason,
                                        "recording_announcement");
    }
    return Status::unavailable("recording is not available for this call (no recordings folder)");
  }
  auto& db = impl_->store->db();
  RETURN_IF_ERROR(db.transaction([&]() -> Status {
    return storage::audit(db, impl_->clock, actor, "call.recording.start", "call", call.str(),
                          Json{{"caller_ref", ref}, {"campaign_id", camp.id.value}, {"mode", "on_demand"}});
  }));
  spdlog::info("dialer: call {} recorded on demand by {}", call.value, ref);
  return Json{{"recording", true}, {"call_id", call.value}, {"file", file}, {"already", false}};
}

bool Dialer::callRecording(CallId call) const { return !impl_->tel->recordingPath(call).empty(); }

std::optional<Dialer::CallerView> Dialer::caller(const std::string& ref) const {
  auto it = impl_->caller_runtime.find(ref);
  if (it == impl_->caller_runtime.end()) return std::nullopt;
  for (const core::CallerSnapshot& k : it->second->callers()) {
    if (k.caller_ref == ref) return CallerView{it->second->options().campaign.id, k};
  }
  return std::nullopt;
}

bool Dialer::callerRegistered(const std::string& ref) const { return impl_->tel->callerRegistered(ref); }

std::vector<core::CallerSnapshot> Dialer::campaignCallers(CampaignId campaign) const {
  core::CampaignRuntime* rt = impl_->runtimeFor(campaign);
  if (!rt) return {};
  return rt->callers();
}

std::optional<Json> Dialer::campaignFigures(CampaignId campaign) const {
  core::CampaignRuntime* rt = impl_->runtimeFor(campaign);
  if (!rt) return std::nullopt;
  return rt->metrics(impl_->clock.now());
}

core::AbandonmentBudget Dialer::ledgerBudget(CampaignId campaign) const {
  core::CampaignRuntime* rt = impl_->runtimeFor(campaign);
  double cap = rt ? rt->options().cap_pct : 3.0;
  return impl_->budget(campaign, impl_->clock.now(), cap);
}

std::vector<CampaignId> Dialer::campaignsRunning() const {
  std::vector<CampaignId> out;
  for (auto& r : impl_->runtimes) {
    if (!r->stopped()) out.push_back(r->options().campaign.id);
  }
  return out;
}

const core::Campaign* Dialer::campaign(CampaignId campaign) const {
  core::CampaignRuntime* rt = impl_->runtimeFor(campaign);
  return rt ? &rt->options().campaign : nullptr;
}

bool Dialer::trunkUp() const { return impl_->tel->trunkUp(); }

storage::SqliteStore& Dialer::store() { return *impl_->store; }

Json Dialer::summary() const {
  auto st = impl_->tel->stats();
  int64_t dials = 0, answered = 0, bridged = 0, abandoned = 0, failed = 0, routed = 0;
  for (auto& r : impl_->runtimes) {
    const auto& c = r->counters();
    dials += c.dials;
    answered += c.answered;
    bridged += c.bridged;
    abandoned += c.abandoned;
    failed += c.failed;
    routed += c.routed;
  }
  return Json{{"campaigns", impl_->runtimes.size()},
              {"leads_loaded", impl_->leads_loaded},
              {"pacer_planning", impl_->planning},
              {"calls_placed", st.calls_placed},
              {"calls_answered", st.calls_answered},
              {"calls_bridged", st.calls_bridged},
              {"safe_harbor_played", st.safe_harbor_played},
              {"safe_harbor_safety_net", st.safe_harbor_auto},
              {"runtime_dials", dials},
              {"runtime_answered", answered},
              {"runtime_bridged", bridged},
              {"abandoned", abandoned},
              {"failed", failed},
              {"trunk_refused", st.trunk_refused},
              {"dispositions", impl_->dispositions},
              {"policy_allowed", impl_->authorizer.allowed},
              {"policy_denied", impl_->authorizer.denied},
              {"policy_deferred", impl_->authorizer.deferred},
              {"policy_unrecorded", impl_->authorizer.unrecorded},
              {"leads_routed", routed},
              {"callers_refused", impl_->callers_refused.size()},
              {"login_refusals", impl_->login_refusals},
              {"routing_refusals", impl_->routing_refusals},
              {"readmissions", impl_->readmissions},
              {"gate_log_errors", impl_->gate_log_errors},
              {"recovered_calls", impl_->recovered_calls},
              {"recordings_written", st.recordings_written},
              {"amd", impl_->opt.amd},
              {"amd_campaigns", impl_->amdCampaigns()},
              {"grace_from", std::string(core::toString(impl_->grace_from))},
              {"recording_announcements", st.announcements_played},
              {"recordings_refused", st.recordings_refused},
              {"amd_human", st.amd_human},
              {"amd_machine", st.amd_machine},
              {"amd_undecided", st.amd_undecided},
              {"greetings_heard", st.greetings_heard},
              {"media_timeouts_caller", st.media_timeouts_caller},
              {"media_timeouts_customer", st.media_timeouts_customer},
              {"customer_gone_tones", st.customer_gone_tones},
              {"callers", impl_->callerStates()},
              {"rtp_relayed_to_caller", st.rtp_relayed_to_caller},
              {"rtp_relayed_to_customer", st.rtp_relayed_to_customer},
              {"registrations", st.registrations},
              {"bad_registrations", st.bad_registrations},
              {"write_errors", impl_->write_errors},
              {"active_calls", st.active_calls},
              {"caller_legs", st.caller_legs},
              {"manual_dials", impl_->manualCount(&core::RuntimeCounters::manual_dials)},
              {"manual_bridged", impl_->manualCount(&core::RuntimeCounters::manual_bridged)},
              {"manual_refused", impl_->manualCount(&core::RuntimeCounters::manual_refused)},
              {"manual_failed", impl_->manualCount(&core::RuntimeCounters::manual_failed)}};
}

}  // namespace clearline::daemon

namespace clearline::daemon {

// ---------------------------------------------------------- caller-placed dials

Result<Json> Dialer::nextManualLead(const std::string& caller_ref) {
  ASSIGN_OR_RETURN(core::CampaignRuntime * rt, impl_->runtimeOfCaller(caller_ref));
  ASSIGN_OR_RETURN(auto m, rt->nextManualLead(caller_ref, impl_->clock.now()));
  if (!m) return Json(nullptr);
  const core::Lead& l = m->lead;
  Json j{{"campaign_id", rt->options().campaign.id.value},
         {"contact_id", l.contact_id.value},
         {"phone_id", l.phone_id.value},
         {"phone", l.e164},
         {"line_type", core::toString(l.line_type)},
         {"mode", core::toString(m->mode)},
         {"routed", m->routed},
         {"attempts", l.attempts}};
  ASSIGN_OR_RETURN(auto q, impl_->store->db().prepare(
      "SELECT COALESCE(first_name,''), COALESCE(last_name,'') FROM contacts WHERE id=?1"));
  q.bind(1, l.contact_id.value);
  ASSIGN_OR_RETURN(bool row, q.step());
  std::string first = row ? q.text(0) : "", last = row ? q.text(1) : "";
  j["first_name"] = first;
  j["last_name"] = last;
  j["name"] = first.empty() || last.empty() ? first + last : first + " " + last;
  return j;
}

Result<CallId> Dialer::dialForCaller(const std::string& caller_ref, ContactId contact) {
  ASSIGN_OR_RETURN(core::CampaignRuntime * rt, impl_->runtimeOfCaller(caller_ref));
  auto id = rt->dialForCaller(caller_ref, contact, impl_->clock.now());
  if (!id.isOk()) {
    spdlog::info("dialer: {} pressed Call for contact {}: not dialed: {}", caller_ref, contact.value,
                 id.status().toString());
  }
  return id;
}

Status Dialer::skipManualLead(const std::string& caller_ref) {
  ASSIGN_OR_RETURN(core::CampaignRuntime * rt, impl_->runtimeOfCaller(caller_ref));
  return rt->skipManualLead(caller_ref, impl_->clock.now());
}

}  // namespace clearline::daemon
