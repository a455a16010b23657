#include "daemon/desk.h"

#include <future>

#include "api/records.h"
#include "common/log.h"
#include "common/time_util.h"
#include "core/campaign/campaign.h"
#include "core/runtime/campaign_runtime.h"
#include "storage/sqlite/vendor_store.h"

namespace clearline::daemon {

using api::Principal;

namespace {

// Worker thread: claims the next new contact of the campaign and writes a
// simulated, already-bridged call record for `caller`. Returns the screen pop.
Result<Json> claimSimulatedCall(storage::SqliteStore& store, const Clock& clock, CampaignId campaign,
                                const Principal& caller) {
  auto& db = store.db();
  Json pop;
  RETURN_IF_ERROR(db.transaction([&]() -> Status {
    ASSIGN_OR_RETURN(core::Campaign camp, store.campaigns().getCampaign(campaign));
    // Only an active campaign calls (a draft, paused or finished one connects nobody).
    if (camp.state != core::CampaignState::kActive)
      return Status::failedPrecondition("the campaign is " +
                                        std::string(core::toString(camp.state)) +
                                        ": no calls until it is active");
    int64_t now = toEpochMillis(clock.now());
    ASSIGN_OR_RETURN(storage::Stmt q, db.prepare(
        "SELECT c.id, p.id, p.e164 FROM contacts c JOIN phones p ON p.contact_id = c.id"
        " WHERE c.campaign_id=? AND c.status='new' AND (c.next_attempt_at IS NULL OR c.next_attempt_at<=?)"
        " ORDER BY c.priority DESC, c.id, p.priority LIMIT 1"));
    q.bind(1, campaign.value).bind(2, now);
    ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) return Status::notFound("no contacts left to call in this campaign");
    int64_t contact_id = q.int64(0), phone_id = q.int64(1);
    std::string number = q.text(2);
    ASSIGN_OR_RETURN(storage::Stmt u, db.prepare("UPDATE contacts SET status='in_progress' WHERE id=?"));
    u.bind(1, contact_id);
    RETURN_IF_ERROR(u.run());
    ASSIGN_OR_RETURN(storage::Stmt ins, db.prepare(
        "INSERT INTO calls(campaign_id, contact_id, phone_id, called_number, caller_id_number, purpose_class,"
        " dial_mode, state, site_id, caller_ref, queued_at, dialed_at, answered_at, bridged_at, answered_by,"
        " hangup_cause, script_version) VALUES (?,?,?,?,?,?,?,'bridged',?,?,?,?,?,?,'human','simulated',?)"));
    ins.bind(1, campaign.value).bind(2, contact_id).bind(3, phone_id).bind(4, number).bind(5, camp.caller_id)
        .bind(6, std::string(core::toString(camp.purpose))).bind(7, std::string(core::toString(camp.dial_mode)))
        .bind(8, caller.entity_id).bind(9, caller.callerRef()).bind(10, now).bind(11, now).bind(12, now)
        .bind(13, now).bind(14, camp.script.version);
    RETURN_IF_ERROR(ins.run());
    int64_t call_id = db.lastInsertId();
    RETURN_IF_ERROR(storage::audit(db, clock, core::Actor{"system:simulated-telephony"}, "call.connect", "call",
                                   std::to_string(call_id),
                                   Json{{"campaign_id", campaign.value}, {"contact_id", contact_id},
                                        {"caller_ref", caller.callerRef()}, {"simulated", true}}));
    ASSIGN_OR_RETURN(core::Contact contact, api::getContact(db, ContactId(contact_id)));
    ASSIGN_OR_RETURN(auto dispositions, api::dispositionsFor(db, campaign));
    Json camp_json = core::toJson(camp);
    Json disp = Json::array();
    for (auto& d : dispositions) disp.push_back(Json{{"code", d.code}, {"label", d.label}});
    pop = Json{{"call_id", call_id},
               {"campaign_id", campaign.value},
               {"campaign_name", camp.name},
               {"dial_mode", core::toString(camp.dial_mode)},
               {"called_number", number},
               {"contact", core::toJson(contact)},
               {"script", camp_json.value("script", Json::object())},
               {"disclaimer", camp.disclaimer},
               {"dispositions", disp},
               {"site_id", caller.entity_id},
               {"simulated", true}};
    return Status::ok();
  }));
  return pop;
}

Result<Json> ledgerFigures(storage::SqliteDb& db, CampaignId campaign, TimePoint now) {
  ASSIGN_OR_RETURN(storage::Stmt s, db.prepare(
      "SELECT SUM(answered_at>=?), SUM(abandoned AND answered_at>=?), COUNT(*), SUM(abandoned)"
      " FROM abandonment_ledger WHERE campaign_id=? AND answered_at>=?"));
  int64_t t = toEpochMillis(now);
  int64_t d1 = t - 24LL * 3600 * 1000, d30 = t - 30LL * 24 * 3600 * 1000;
  s.bind(1, d1).bind(2, d1).bind(3, campaign.value).bind(4, d30);
  ASSIGN_OR_RETURN(bool row, s.step());
  Json j{{"answered_24h", 0}, {"abandoned_24h", 0}, {"answered_30d", 0}, {"abandoned_30d", 0}};
  if (row) {
    j["answered_24h"] = s.optInt64(0).value_or(0);
    j["abandoned_24h"] = s.optInt64(1).value_or(0);
    j["answered_30d"] = s.int64(2);
    j["abandoned_30d"] = s.optInt64(3).value_or(0);
  }
  return j;
}

}  // namespace

Desk::Desk(DeskOptions opt, EventLoop& loop, EventLoop& store_worker, storage::SqliteStore& worker_store,
           core::CallerGate& gate, core::EventSink& sink, const Clock& clock)
    : opt_(opt), loop_(loop), worker_(store_worker), worker_store_(worker_store), gate_(gate), sink_(sink),
      clock_(clock) {}

void Desk::start() {
  loop_.addTimer(opt_.metrics_interval, [this] { publishMetrics(); });
  worker_.post([this] {
    auto log = storage::CallerSessionLog::open(worker_store_.db(), clock_);
    if (log.isOk()) sessions_ = std::move(*log);
    else spdlog::error("desk: caller sessions are not recorded: {}", log.status().toString());
  });
}

void Desk::closeSessions() {
  auto done = std::make_shared<std::promise<void>>();
  auto fut = done->get_future();
  worker_.post([this, done] {
    if (sessions_) {
      Status st = sessions_->closeAll(clock_.now(), "daemon_stopped");
      if (!st.isOk()) spdlog::error("desk: closing caller sessions: {}", st.toString());
      sessions_.reset();
    }
    done->set_value();
  });
  (void)fut.wait_for(std::chrono::seconds(2));
}

Result<Json> Desk::onLoop(std::function<Result<Json>()> fn) {
  auto promise = std::make_shared<std::promise<Result<Json>>>();
  auto fut = promise->get_future();
  loop_.post([promise, fn = std::move(fn)] { promise->set_value(fn()); });
  if (fut.wait_for(std::chrono::seconds(2)) != std::future_status::ready)
    return Status::unavailable("the signalling loop did not answer in time");
  return fut.get();
}

void Desk::logGate(CampaignId campaign, const std::string& caller_ref, const std::string& kind,
                   const core::GateDecisionPtr& d) {
  if (d->gates.empty()) return;  // no vendor chain for this campaign: nothing to disclose
  TimePoint at = clock_.now();
  // The decision is immutable and shared: the worker holds the pointer, no copy.
  worker_.post([this, campaign, caller_ref, kind, d, at] {
    storage::SqliteVendorStore vs(worker_store_.db(), clock_, opt_.data_dir);
    Status st = vs.recordGateDecision(campaign, caller_ref, at, kind, *d, core::Actor{"system:console"});
    if (!st.isOk()) spdlog::warn("gate decision not logged: {}", st.message());
  });
}

void Desk::publish(std::string type, CampaignId campaign, const std::string& caller_ref, Json data) {
  core::DomainEvent ev;
  ev.type = std::move(type);
  ev.campaign_id = campaign.valid() ? campaign.str() : "";
  ev.caller_ref = caller_ref;
  ev.data = std::move(data);
  ev.at = clock_.now();
  sink_.publish(ev);
}

Json Desk::callerJson(const Caller& c) const {
  Json j{{"caller_ref", c.who.callerRef()},
         {"state", c.state},
         {"campaign_id", c.campaign.valid() ? Json(c.campaign.value) : Json(nullptr)},
         {"reason", c.reason},
         {"since", formatIsoUtc(c.since)},
         {"site_id", c.who.entity_id},
         {"call", c.screen_pop}};
  if (c.state == "wrap_up") j["wrap_up_ends_at"] = formatIsoUtc(c.wrap_up_ends);
  return j;
}

void Desk::changeState(Caller& c, const std::string& state, const std::string& reason) {
  if (c.timer) {
    loop_.cancelTimer(c.timer);
    c.timer = 0;
  }
  ++c.generation;
  c.state = state;
  c.reason = reason;
  c.since = clock_.now();
  // Logged-in time and pauses, with their audit events, on the store worker.
  worker_.post([this, ref = c.who.callerRef(), campaign = c.campaign, site = c.who.entity_id, state, reason,
                at = c.since] {
    if (!sessions_) return;
    Status st = sessions_->onState(ref, campaign, site, state, reason, at);
    if (!st.isOk()) spdlog::error("desk: caller session of {}: {}", ref, st.toString());
  });
  publish("caller.state", c.campaign, c.who.callerRef(), callerJson(c));
  if (state == "ready") scheduleConnect(c);
}

void Desk::scheduleConnect(Caller& c) {
  if (!opt_.simulate_calls) return;
  std::string ref = c.who.callerRef();
  uint64_t gen = c.generation;
  c.timer = loop_.addTimer(opt_.simulate_connect, [this, ref, gen] {
    auto it = callers_.find(ref);
    if (it == callers_.end()) return;
    it->second.timer = 0;
    connectNext(ref, gen);
  });
}

void Desk::connectNext(const std::string& ref, uint64_t generation) {
  auto it = callers_.find(ref);
  if (it == callers_.end() || it->second.generation != generation || it->second.state != "ready") return;
  Principal who = it->second.who;
  CampaignId campaign = it->second.campaign;
  // Re-check the gates at routing time, as the real router does.
  core::GateDecisionPtr d = gate_.checkRouting(campaign, ref, clock_.now());
  if (!d->allowed) {
    logGate(campaign, ref, "routing", d);
    publish("gate.refused", campaign, ref, Json{{"reason", d->reason}, {"site_id", who.entity_id}});
    changeState(it->second, "paused", "refused: " + d->reason);
    return;
  }
  worker_.post([this, who, campaign, ref, generation] {
    auto pop = claimSimulatedCall(worker_store_, clock_, campaign, who);
    loop_.post([this, pop = std::move(pop), ref, generation]() mutable {
      auto it = callers_.find(ref);
      if (it == callers_.end()) return;
      Caller& c = it->second;
      if (!pop.isOk()) {
        if (c.generation == generation && c.state == "ready") {
          c.reason = pop.status().message();
          publish("caller.state", c.campaign, ref, callerJson(c));
          uint64_t gen = c.generation;
          c.timer = loop_.addTimer(Millis(5000), [this, ref, gen] {
            auto i2 = callers_.find(ref);
            if (i2 != callers_.end()) { i2->second.timer = 0; connectNext(ref, gen); }
          });
        }
        return;
      }
      c.call_id = (*pop)["call_id"].get<int64_t>();
      c.screen_pop = *pop;
      // The screen pop first, then the state: the console shows both at once.
      publish("screen_pop", c.campaign, ref, *pop);
      changeState(c, "on_call", "");
    });
  });
}

Result<Json> Desk::join(const Principal& who, CampaignId campaign) {
  return onLoop([this, who, campaign]() -> Result<Json> {
    core::GateDecisionPtr d = gate_.checkLogin(campaign, who.callerRef(), clock_.now());
    logGate(campaign, who.callerRef(), "login", d);
    Json gates = Json::array();
    for (auto& g : d->gates) gates.push_back(Json{{"gate", g.gate}, {"passed", g.passed}, {"detail", g.detail}});
    std::string site = d->site_id.empty() ? who.entity_id : d->site_id;
    if (!d->allowed) {
      publish("gate.refused", campaign, who.callerRef(),
              Json{{"reason", d->reason}, {"gates", gates}, {"site_id", site}});
      return Json{{"allowed", false}, {"reason", d->reason}, {"gates", gates}, {"site_id", site}};
    }
    Caller& c = callers_[who.callerRef()];
    if (c.state == "on_call") return Status::failedPrecondition("finish the current call first");
    c.who = who;
    c.campaign = campaign;
    c.screen_pop = nullptr;
    c.call_id.reset();
    changeState(c, "paused", "joined");
    return Json{{"allowed", true}, {"reason", d->reason}, {"gates", gates}, {"console", callerJson(c)}};
  });
}

Result<Json> Desk::setState(const Principal& who, const std::string& state, const std::string& reason) {
  return onLoop([this, who, state, reason]() -> Result<Json> {
    auto it = callers_.find(who.callerRef());
    if (it == callers_.end() || it->second.state == "logged_out") {
      if (state == "logged_out") return Json{{"state", "logged_out"}};
      return Status::failedPrecondition("join a campaign first", "state");
    }
    Caller& c = it->second;
    if (c.state == "on_call" && state != "logged_out")
      return Status::failedPrecondition("finish the call (record a disposition) first", "state");
    if (state == "paused" && reason.empty()) return Status::invalidArgument("say why you pause", "reason");
    if (state == "logged_out") {
      if (c.call_id) {
        // Leaving mid-call: the call ends undispositioned (a later disposition
        // from the console still replaces it) and its contact may be called again.
        worker_.post([this, call = *c.call_id] {
          auto& db = worker_store_.db();
          Status st = db.transaction([&]() -> Status {
            const int64_t now = toEpochMillis(clock_.now());
            ASSIGN_OR_RETURN(
                storage::Stmt u,
                db.prepare(
                    "UPDATE calls SET state='ended', ended_at=?1, "
                    "disposition=COALESCE(disposition, ?2) WHERE id=?3 AND ended_at IS NULL"));
            u.bind(1, now).bind(2, std::string(core::kNoDisposition)).bind(3, call);
            RETURN_IF_ERROR(u.run());
            ASSIGN_OR_RETURN(
                storage::Stmt k,
                db.prepare("UPDATE contacts SET status='new' WHERE status='in_progress' AND "
                           "id=(SELECT contact_id FROM calls WHERE id=?1)"));
            k.bind(1, call);
            RETURN_IF_ERROR(k.run());
            return storage::audit(db, clock_, core::Actor{"system:simulated-telephony"}, "call.end",
                                  "call", std::to_string(call),
                                  Json{{"reason", "caller logged out"}});
          });
          if (!st.isOk()) spdlog::error("desk: ending call {} at logout: {}", call, st.toString());
        });
      }
      c.screen_pop = nullptr;
      c.call_id.reset();
    }
    changeState(c, state, reason);
    return callerJson(c);
  });
}

Result<Json> Desk::snapshot(const Principal& who) {
  return onLoop([this, who]() -> Result<Json> {
    auto it = callers_.find(who.callerRef());
    if (it == callers_.end()) {
      Caller c;
      c.who = who;
      c.screen_pop = nullptr;
      return callerJson(c);
    }
    return callerJson(it->second);
  });
}

Result<Json> Desk::dial(const Principal& who, ContactId) {
  return onLoop([this, who]() -> Result<Json> {
    auto it = callers_.find(who.callerRef());
    if (it == callers_.end() || it->second.state == "logged_out")
      return Status::failedPrecondition("join a campaign first");
    return Status::unavailable("human-initiated dialing needs the SIP dialer, which is not running");
  });
}

Status Desk::dispositioned(const std::string& caller_ref, CallId call, std::optional<TimePoint>) {
  // (The stored disposition already set when the contact comes back:
  // api::recordDisposition, which this desk's calls rely on.)
  auto r = onLoop([this, caller_ref, call]() -> Result<Json> {
    auto it = callers_.find(caller_ref);
    if (it == callers_.end()) return Json(nullptr);
    Caller& c = it->second;
    if (!c.call_id || *c.call_id != call.value) return Json(nullptr);
    c.call_id.reset();
    c.screen_pop = nullptr;
    c.wrap_up_ends = clock_.now() + opt_.wrap_up;
    changeState(c, "wrap_up", "");
    std::string ref = caller_ref;
    uint64_t gen = c.generation;
    c.timer = loop_.addTimer(opt_.wrap_up, [this, ref, gen] {
      auto i2 = callers_.find(ref);
      if (i2 == callers_.end() || i2->second.generation != gen) return;
      i2->second.timer = 0;
      changeState(i2->second, "ready", "wrap-up ended");
    });
    return Json(nullptr);
  });
  return r.status();
}

Result<Json> Desk::live(CampaignId campaign) {
  return onLoop([this, campaign]() -> Result<Json> {
    Json by_state{{"ready", 0}, {"paused", 0}, {"on_call", 0}, {"wrap_up", 0}};
    Json callers = Json::array();
    for (auto& [ref, c] : callers_) {
      if (c.campaign != campaign || c.state == "logged_out") continue;
      by_state[c.state] = by_state.value(c.state, 0) + 1;
      callers.push_back(callerJson(c));
    }
    Json ledger = ledger_.count(campaign.value) ? ledger_[campaign.value] : Json::object();
    return Json{{"campaign_id", campaign.value}, {"callers_by_state", by_state}, {"callers", callers},
                {"calls", Json{{"ringing", 0}, {"connected", by_state["on_call"]}, {"wrap_up", by_state["wrap_up"]}}},
                {"dial_level", 0}, {"ledger", ledger}, {"simulated", opt_.simulate_calls}};
  });
}

void Desk::publishMetrics() {
  std::map<int64_t, std::map<std::string, int>> counts;
  for (auto& [ref, c] : callers_)
    if (c.campaign.valid() && c.state != "logged_out") counts[c.campaign.value][c.state]++;
  for (auto& [camp, by] : counts) {
    Json callers = Json::object();
    for (auto& [s, n] : by) callers[s] = n;
    Json calls{{"ringing", 0}, {"connected", by.count("on_call") ? by["on_call"] : 0},
               {"wrap_up", by.count("wrap_up") ? by["wrap_up"] : 0}};
    Json data{{"callers", callers}, {"calls", calls}, {"dial_level", 0}};
    if (ledger_.count(camp)) data["ledger"] = ledger_[camp];
    publish("campaign.metrics", CampaignId(camp), "", data);
  }
  // Refresh the ledger figures off the loop, for the next round.
  std::vector<int64_t> camps;
  for (auto& [c, _] : counts) camps.push_back(c);
  if (!camps.empty()) {
    worker_.post([this, camps] {
      std::map<int64_t, Json> figures;
      for (int64_t c : camps) {
        auto f = ledgerFigures(worker_store_.db(), CampaignId(c), clock_.now());
        if (f.isOk()) figures[c] = *f;
      }
      loop_.post([this, figures = std::move(figures)] {
        for (auto& [c, f] : figures) ledger_[c] = f;
      });
    });
  }
  loop_.addTimer(opt_.metrics_interval, [this] { publishMetrics(); });
}

}  // namespace clearline::daemon
