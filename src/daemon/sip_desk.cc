#include "daemon/sip_desk.h"

#include <charconv>
#include <future>

#include "api/records.h"
#include "common/log.h"
#include "common/time_util.h"
#include "core/campaign/campaign.h"
#include "daemon/dialer.h"
#include "daemon/session_recorder.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::daemon {

using api::Principal;

namespace {

// The console's words for the runtime's caller states: "reserved" (a callee
// is being bridged to this caller) is already a call on the caller's screen.
std::string consoleState(core::CallerState s) {
  if (s == core::CallerState::kReserved) return "on_call";
  return std::string(core::toString(s));
}

}  // namespace

SipDesk::SipDesk(core::EventSink& out, const Clock& clock, Millis metrics_interval)
    : out_(out), clock_(clock), metrics_interval_(metrics_interval) {}

void SipDesk::attach(EventLoop& loop, Dialer& dialer) {
  dialer_ = &dialer;
  auto log = storage::CallerSessionLog::open(dialer.store().db(), clock_);
  if (log.isOk()) sessions_ = std::move(*log);
  else spdlog::error("console: caller sessions are not recorded: {}", log.status().toString());
  loop_.store(&loop);
  metrics_timer_ = loop.addTimer(metrics_interval_, [this] { publishMetrics(); });
}

void SipDesk::detach() {
  if (sessions_) {
    Status st = sessions_->closeAll(clock_.now(), "daemon_stopped");
    if (!st.isOk()) spdlog::error("console: closing caller sessions: {}", st.toString());
    sessions_.reset();
  }
  EventLoop* loop = loop_.exchange(nullptr);
  if (loop && metrics_timer_) loop->cancelTimer(metrics_timer_);
  metrics_timer_ = 0;
  dialer_ = nullptr;
}

Result<Json> SipDesk::onLoop(std::function<Result<Json>()> fn) {
  EventLoop* loop = loop_.load();
  if (!loop) return Status::unavailable("the SIP dialer is not running (starting or stopping)");
  auto promise = std::make_shared<std::promise<Result<Json>>>();
  auto fut = promise->get_future();
  loop->post([this, promise, fn = std::move(fn)] {
    if (!dialer_) {
      promise->set_value(Status::unavailable("the SIP dialer is not running (starting or stopping)"));
      return;
    }
    promise->set_value(fn());
  });
  if (fut.wait_for(std::chrono::seconds(2)) != std::future_status::ready)
    return Status::unavailable("the signalling loop did not answer in time");
  return fut.get();
}

void SipDesk::emit(std::string type, const std::string& campaign, const std::string& ref, Json data, TimePoint at) {
  core::DomainEvent ev;
  ev.type = std::move(type);
  ev.campaign_id = campaign;
  ev.caller_ref = ref;
  ev.data = std::move(data);
  ev.at = at;
  out_.publish(ev);
}

Json SipDesk::callerJson(const std::string& ref, CampaignId campaign, const core::CallerSnapshot* k) const {
  auto it = consoles_.find(ref);
  const Console* c = it == consoles_.end() ? nullptr : &it->second;
  std::string state = k ? consoleState(k->state) : "logged_out";
  std::string reason = k ? k->pause_reason : "";
  if (c && c->connecting && (!k || k->state == core::CallerState::kLoggedOut)) {
    state = "connecting";
    reason = "Clearline is calling your phone: answer it to start taking calls";
  }
  // Pressed Call and the callee is not on the line yet: ringing, no pop yet.
  if (c && c->placing && k && k->state == core::CallerState::kReserved) state = "dialing";
  std::string site = c ? c->site_id : "";
  if (site.empty() && dialer_) {
    if (auto d = dialer_->lastLoginDecision(ref)) site = d->site_id;
  }
  Json call = nullptr;
  if (c && !c->pop.is_null() && (state == "on_call" || state == "wrap_up")) {
    call = c->pop;
    if (state == "wrap_up") call["ended"] = true;  // the customer is gone; the disposition is still due
  }
  Json j{{"caller_ref", ref},
         {"state", state},
         {"campaign_id", campaign.valid() ? Json(campaign.value) : Json(nullptr)},
         {"reason", reason},
         {"since", formatIsoUtc(k ? k->since : clock_.now())},
         {"site_id", site},
         {"call", call},
         {"manual_dialing", true}};
  const core::Campaign* camp = dialer_ && campaign.valid() ? dialer_->campaign(campaign) : nullptr;
  j["dial_mode"] = camp ? Json(std::string(core::toString(camp->dial_mode))) : Json(nullptr);
  // Recording: the campaign's mode (on_demand shows the console's Record button)
  // and whether the call on screen is being recorded.
  j["recording_mode"] = camp ? Json(std::string(core::toString(camp->recording))) : Json(nullptr);
  j["recording"] = dialer_ && k && k->call.valid() && state == "on_call" && dialer_->callRecording(k->call);
  if (state == "dialing" && c && !c->pop.is_null()) {
    const Json& ct = c->pop.value("contact", Json::object());
    std::string first = ct.value("first_name", ""), last = ct.value("last_name", "");
    j["dialing"] = Json{{"call_id", c->pop.value("call_id", int64_t{0})},
                        {"number", c->pop.value("called_number", "")},
                        {"name", first.empty() || last.empty() ? first + last : first + " " + last},
                        {"dial_mode", c->pop.value("dial_mode", "")}};
  }
  if ((state == "ready" || state == "paused") && c && !c->last_dial.is_null()) j["last_dial"] = c->last_dial;
  return j;
}

Json SipDesk::callerJson(const std::string& ref) const {
  if (!dialer_) return callerJson(ref, CampaignId(), nullptr);
  auto v = dialer_->caller(ref);
  if (!v) return callerJson(ref, CampaignId(), nullptr);
  return callerJson(ref, v->campaign, &v->snap);
}

Result<Json> SipDesk::buildPop(const core::DomainEvent& ev) {
  storage::SqliteDb& db = dialer_->store().db();
  int64_t id = 0;
  auto [end, ec] = std::from_chars(ev.campaign_id.data(), ev.campaign_id.data() + ev.campaign_id.size(), id);
  if (ec != std::errc() || end != ev.campaign_id.data() + ev.campaign_id.size())
    return Status::invalidArgument("screen pop without a campaign id", "campaign_id");
  CampaignId campaign(id);
  const core::Campaign* camp = dialer_->campaign(campaign);
  if (!camp) return Status::notFound("campaign " + ev.campaign_id + " is not running");
  int64_t contact_id = ev.data.value("contact_id", int64_t{0});
  ASSIGN_OR_RETURN(core::Contact contact, api::getContact(db, ContactId(contact_id)));
  ASSIGN_OR_RETURN(auto dispositions, api::dispositionsFor(db, campaign));
  Json disp = Json::array();
  for (auto& d : dispositions) disp.push_back(Json{{"code", d.code}, {"label", d.label}});
  Json camp_json = core::toJson(*camp);
  std::string site = consoles_.count(ev.caller_ref) ? consoles_[ev.caller_ref].site_id : "";
  return Json{{"call_id", ev.data.value("call_id", int64_t{0})},
              {"campaign_id", campaign.value},
              {"campaign_name", camp->name},
              {"dial_mode", core::toString(camp->dial_mode)},
              {"called_number", ev.data.value("number", "")},
              {"contact", core::toJson(contact)},
              {"script", camp_json.value("script", Json::object())},
              {"disclaimer", camp->disclaimer},
              {"dispositions", disp},
              {"site_id", site},
              {"simulated", false}};
}

// The outcome of a placed call that did not connect, from its calls row.
Json SipDesk::dialOutcome(int64_t call_id) const {
  Json out{{"call_id", call_id}, {"disposition", ""}, {"hangup_cause", ""}, {"number", ""}};
  storage::SqliteDb& db = dialer_->store().db();
  auto q = db.prepare(
      "SELECT COALESCE(disposition,''), COALESCE(hangup_cause,''), called_number, contact_id FROM calls WHERE id=?1");
  if (!q.isOk()) return out;
  q->bind(1, call_id);
  auto row = q->step();
  if (!row.isOk() || !*row) return out;
  out["disposition"] = q->text(0);
  out["hangup_cause"] = q->text(1);
  out["number"] = q->text(2);
  out["contact_id"] = q->int64(3);
  return out;
}

void SipDesk::publish(const core::DomainEvent& ev) {
  if (!dialer_) {
    out_.publish(ev);
    return;
  }
  if (ev.type == "screen_pop") {
    Console& c = consoles_[ev.caller_ref];
    auto pop = buildPop(ev);
    if (!pop.isOk()) {
      // The call still goes through; the console shows what the runtime knows.
      spdlog::warn("console: screen pop for call {}: {}", ev.data.value("call_id", int64_t{0}), pop.status().toString());
      pop = Json{{"call_id", ev.data.value("call_id", int64_t{0})}, {"called_number", ev.data.value("number", "")},
                 {"contact", Json::object()}, {"dispositions", Json::array()}, {"error", pop.status().message()}};
    }
    c.pop = *pop;
    // A caller-placed call carries the mode it was authorized in.
    if (ev.data.contains("dial_mode")) c.pop["dial_mode"] = ev.data["dial_mode"];
    c.pop["placed_by_caller"] = c.placing;
    c.call_id = c.pop.value("call_id", int64_t{0});
    c.pending_wrap.reset();
    // Pressed Call: the pop waits for the answer (the caller.state on_call below).
    if (c.placing) {
      c.pop_sent = false;
      return;
    }
    emit("screen_pop", ev.campaign_id, ev.caller_ref, c.pop, ev.at);
    return;
  }
  if (ev.type == "caller.state") {
    auto v = dialer_->caller(ev.caller_ref);
    Console& c = consoles_[ev.caller_ref];
    std::string state = ev.data.value("state", "");
    if (state != "logged_out") c.connecting = false;
    if (c.placing && state == "on_call" && !c.pop_sent && !c.pop.is_null()) {
      // The callee answered and is bridged to the caller who pressed Call: the pop.
      c.pop_sent = true;
      emit("screen_pop", ev.campaign_id, ev.caller_ref, c.pop, ev.at);
    }
    if (c.placing && (state == "ready" || state == "paused" || state == "logged_out")) {
      // Back from a placed call: if it never connected, say how it ended.
      if (!c.pop_sent && c.call_id > 0) c.last_dial = dialOutcome(c.call_id);
      c.placing = false;
      c.pop_sent = false;
    }
    if (state == "ready" || state == "paused" || state == "logged_out") {
      c.pop = nullptr;
      c.call_id = 0;
      c.pending_wrap.reset();
    }
    if (state == "logged_out") c.connecting = false;
    if (sessions_) {
      // Logged-in time and pauses (storage/sqlite/caller_sessions.h), with their audit events.
      Status st = recordCallerState(*sessions_, *dialer_, ev, c.site_id);
      if (!st.isOk()) spdlog::error("console: caller session of {}: {}", ev.caller_ref, st.toString());
    }
    Json data = v ? callerJson(ev.caller_ref, v->campaign, &v->snap) : callerJson(ev.caller_ref);
    emit("caller.state", ev.campaign_id, ev.caller_ref, std::move(data), ev.at);
    // A disposition saved while the customer was still on: the call has now
    // ended, so the wrap-up it asked for completes (posted: we are inside the runtime).
    if (state == "wrap_up" && c.pending_wrap) {
      core::WrapUp w = *c.pending_wrap;
      c.pending_wrap.reset();
      std::string ref = ev.caller_ref;
      if (EventLoop* loop = loop_.load()) {
        loop->post([this, ref, w] {
          if (!dialer_) return;
          Status st = dialer_->consoleWrapUp(ref, w);
          if (!st.isOk()) spdlog::warn("console: wrap-up of {}: {}", ref, st.toString());
        });
      }
    }
    return;
  }
  if (ev.type == "campaign.metrics") return;  // the desk publishes the dashboard's figures itself
  if (ev.type == "gate.refused" && !ev.data.contains("site_id")) {
    core::DomainEvent e = ev;
    if (auto d = dialer_->lastLoginDecision(ev.caller_ref)) e.data["site_id"] = d->site_id;
    out_.publish(e);
    return;
  }
  out_.publish(ev);
}

Result<Json> SipDesk::join(const Principal& who, CampaignId campaign) {
  return onLoop([this, who, campaign]() -> Result<Json> {
    const std::string ref = who.callerRef();
    Status st = dialer_->consoleLogin(ref, campaign);
    core::GateDecisionPtr d = dialer_->lastLoginDecision(ref);
    Json gates = Json::array();
    if (d) {
      for (auto& g : d->gates) gates.push_back(Json{{"gate", g.gate}, {"passed", g.passed}, {"detail", g.detail}});
    }
    std::string site = d && !d->site_id.empty() ? d->site_id : who.entity_id;
    if (st.code() == StatusCode::kPermissionDenied) {
      // The runtime already published gate.refused for the dashboard.
      return Json{{"allowed", false}, {"reason", st.message()}, {"gates", gates}, {"site_id", site}};
    }
    bool already = st.code() == StatusCode::kFailedPrecondition && st.message().find("already logged in") != std::string::npos;
    if (!st.isOk() && !already) return st;
    Console& c = consoles_[ref];
    c.site_id = site;
    if (!already) {
      c.connecting = true;
      c.pop = nullptr;
      c.call_id = 0;
    }
    Json console = callerJson(ref);
    if (!console["campaign_id"].is_number()) console["campaign_id"] = campaign.value;
    emit("caller.state", campaign.str(), ref, console, clock_.now());
    return Json{{"allowed", true}, {"reason", d ? d->reason : ""}, {"gates", gates}, {"console", console}};
  });
}

Result<Json> SipDesk::setState(const Principal& who, const std::string& state, const std::string& reason) {
  return onLoop([this, who, state, reason]() -> Result<Json> {
    const std::string ref = who.callerRef();
    auto v = dialer_->caller(ref);
    Console& c = consoles_[ref];
    if (state == "logged_out") {
      RETURN_IF_ERROR(dialer_->consoleLogout(ref));
      c.connecting = false;
      return callerJson(ref);
    }
    if (!v || (v->snap.state == core::CallerState::kLoggedOut && !c.connecting))
      return Status::failedPrecondition("join a campaign first", "state");
    if (c.connecting && v->snap.state == core::CallerState::kLoggedOut)
      return Status::failedPrecondition("answer the call Clearline is making to your phone first", "state");
    if (v->snap.state == core::CallerState::kOnCall || v->snap.state == core::CallerState::kReserved)
      return Status::failedPrecondition("finish the call (record a disposition) first", "state");
    if (state == "paused") {
      if (reason.empty()) return Status::invalidArgument("say why you pause", "reason");
      RETURN_IF_ERROR(dialer_->consolePause(ref, reason));
      return callerJson(ref);
    }
    if (state == "ready") {
      if (v->snap.state == core::CallerState::kWrapUp)
        return Status::failedPrecondition("record a disposition for the call first", "state");
      RETURN_IF_ERROR(dialer_->consoleReady(ref));
      return callerJson(ref);
    }
    return Status::invalidArgument("state must be ready, paused or logged_out", "state");
  });
}

Result<Json> SipDesk::record(const Principal& who) {
  return onLoop([this, who]() -> Result<Json> {
    const std::string ref = who.callerRef();
    ASSIGN_OR_RETURN(Json out, dialer_->consoleRecord(ref, core::Actor{"user:" + who.name}));
    auto v = dialer_->caller(ref);
    // No caller.state push: it would redraw the form the caller is filling in.
    out["console"] = v ? callerJson(ref, v->campaign, &v->snap) : callerJson(ref);
    return out;
  });
}

Result<Json> SipDesk::snapshot(const Principal& who) {
  return onLoop([this, who]() -> Result<Json> {
    Json j = callerJson(who.callerRef());
    if (j["site_id"].get<std::string>().empty()) j["site_id"] = who.entity_id;
    return j;
  });
}

namespace {

// "denied by R10,R3: reason (…)" → ["R10","R3"] (the runtime's wording, campaign_runtime.cc).
Json rulesNamed(const std::string& msg, const std::string& prefix) {
  Json rules = Json::array();
  if (msg.rfind(prefix, 0) != 0) return rules;
  size_t end = msg.find_first_of(": (", prefix.size());
  std::string list = msg.substr(prefix.size(), end == std::string::npos ? std::string::npos : end - prefix.size());
  size_t start = 0;
  while (start < list.size()) {
    size_t comma = list.find(',', start);
    std::string r = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!r.empty() && r != "the") rules.push_back(r);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return rules;
}

}  // namespace

Result<Json> SipDesk::nextLead(const Principal& who) {
  return onLoop([this, who]() -> Result<Json> {
    const std::string ref = who.callerRef();
    auto v = dialer_->caller(ref);
    if (!v || v->snap.state == core::CallerState::kLoggedOut) return Status::failedPrecondition("join a campaign first");
    const core::Campaign* camp = dialer_->campaign(v->campaign);
    ASSIGN_OR_RETURN(Json lead, dialer_->nextManualLead(ref));
    if (!lead.is_null()) {
      // The record, as the screen pop shows it (name, address, custom fields).
      auto contact = api::getContact(dialer_->store().db(), ContactId(lead.value("contact_id", int64_t{0})));
      lead["contact"] = contact.isOk() ? core::toJson(*contact) : Json::object();
      lead["skippable"] = lead.value("mode", "") == "preview";
    }
    return Json{{"campaign_id", v->campaign.value},
                {"dial_mode", camp ? Json(std::string(core::toString(camp->dial_mode))) : Json(nullptr)},
                {"lead", lead}};
  });
}

Result<Json> SipDesk::dial(const Principal& who, ContactId contact) {
  return onLoop([this, who, contact]() -> Result<Json> {
    const std::string ref = who.callerRef();
    auto v = dialer_->caller(ref);
    if (!v || v->snap.state == core::CallerState::kLoggedOut) return Status::failedPrecondition("join a campaign first");
    Console& c = consoles_[ref];
    // Set before the dial: the runtime reserves the caller and pops (held) synchronously.
    c.placing = true;
    c.pop_sent = false;
    c.last_dial = nullptr;
    auto id = dialer_->dialForCaller(ref, contact);
    if (id.isOk()) {
      Json out{{"placed", true}, {"call_id", id->value}, {"contact_id", contact.value}};
      out["console"] = callerJson(ref);
      return out;
    }
    c.placing = false;
    const Status& st = id.status();
    const std::string& msg = st.message();
    std::string verdict;
    Json rules = Json::array();
    if (st.code() == StatusCode::kPermissionDenied && msg.rfind("denied by ", 0) == 0) {
      verdict = "deny";
      rules = rulesNamed(msg, "denied by ");
    } else if (st.code() == StatusCode::kUnavailable && msg.rfind("deferred by ", 0) == 0) {
      verdict = "defer";
      rules = rulesNamed(msg, "deferred by ");
    } else if (st.code() == StatusCode::kPermissionDenied && msg.rfind("gate: ", 0) == 0) {
      verdict = "gate";
    } else {
      return st;  // not logged in, not offered, number busy in another attempt, trunk down …
    }
    Json out{{"placed", false}, {"verdict", verdict}, {"rules", rules}, {"reason", msg}, {"contact_id", contact.value}};
    out["console"] = callerJson(ref);
    return out;
  });
}

Result<Json> SipDesk::skipLead(const Principal& who) {
  return onLoop([this, who]() -> Result<Json> {
    const std::string ref = who.callerRef();
    auto v = dialer_->caller(ref);
    if (!v || v->snap.state == core::CallerState::kLoggedOut) return Status::failedPrecondition("join a campaign first");
    RETURN_IF_ERROR(dialer_->skipManualLead(ref));
    return Json{{"skipped", true}};
  });
}

Status SipDesk::dispositioned(const std::string& ref, CallId call,
                              std::optional<TimePoint> callback_due) {
  auto r = onLoop([this, ref, call, callback_due]() -> Result<Json> {
    auto it = consoles_.find(ref);
    if (it == consoles_.end() || it->second.call_id != call.value) return Json(nullptr);
    Console& c = it->second;
    auto v = dialer_->caller(ref);
    if (!v) return Json(nullptr);
    // The stored disposition (the API wrote it a moment ago) decides the lead.
    core::WrapUp w;
    storage::SqliteDb& db = dialer_->store().db();
    ASSIGN_OR_RETURN(auto q, db.prepare("SELECT COALESCE(disposition,'') FROM calls WHERE id=?1"));
    q.bind(1, call.value);
    ASSIGN_OR_RETURN(bool row, q.step());
    w.disposition = row ? q.text(0) : "contacted";
    ASSIGN_OR_RETURN(auto dispositions, api::dispositionsFor(db, v->campaign));
    for (auto& d : dispositions) {
      if (d.code == w.disposition) w.final = d.final;
    }
    // The caller's callback time wins over the recycle delay (not over a final disposition).
    w.callback_due = callback_due;
    if (v->snap.state == core::CallerState::kWrapUp) {
      RETURN_IF_ERROR(dialer_->consoleWrapUp(ref, w));
      return Json(nullptr);
    }
    if (v->snap.state == core::CallerState::kOnCall || v->snap.state == core::CallerState::kReserved) {
      // "Save and end call": the customer leg ends; wrap-up completes when it has.
      c.pending_wrap = w;
      if (v->snap.state == core::CallerState::kOnCall) RETURN_IF_ERROR(dialer_->consoleHangup(ref));
    }
    return Json(nullptr);
  });
  return r.status();
}

Json SipDesk::dashboardFigures(CampaignId campaign) const {
  Json by_state{{"ready", 0}, {"paused", 0}, {"on_call", 0}, {"wrap_up", 0}};
  for (const core::CallerSnapshot& k : dialer_->campaignCallers(campaign)) {
    if (k.state == core::CallerState::kLoggedOut) continue;
    std::string s = consoleState(k.state);
    by_state[s] = by_state.value(s, 0) + 1;
  }
  Json fig = dialer_->campaignFigures(campaign).value_or(Json::object());
  int64_t in_flight = fig.value("dials_in_flight", int64_t{0});
  int64_t available = by_state["ready"].get<int64_t>() + by_state["on_call"].get<int64_t>() + by_state["wrap_up"].get<int64_t>();
  core::AbandonmentBudget b = dialer_->ledgerBudget(campaign);
  Json ledger{{"answered_24h", b.answered_24h}, {"abandoned_24h", b.abandoned_24h},
              {"answered_30d", b.answered_30d}, {"abandoned_30d", b.abandoned_30d},
              {"remaining_abandons", b.remaining_abandons}};
  int64_t dials = fig.value("dials", int64_t{0}), live = fig.value("live", int64_t{0});
  return Json{
      {"callers", by_state},
      {"calls", Json{{"ringing", in_flight},
                     {"connected", by_state["on_call"]},
                     {"wrap_up", by_state["wrap_up"]},
                     {"waiting", fig.value("answered_waiting", int64_t{0})}}},
      {"dial_level",
       available > 0 ? static_cast<double>(in_flight) / static_cast<double>(available) : 0.0},
      {"answer_rate", dials > 0 ? static_cast<double>(live) / static_cast<double>(dials) : 0.0},
      {"dials", dials},
      {"leads_queued", fig.value("leads_queued", int64_t{0})},
      // Leads the policy will not let this campaign autodial (R11: a
      // wireless or unknown line without recorded consent) but allows
      // a caller to dial from the console.
      {"routed_waiting", fig.value("routed_waiting", int64_t{0})},
      {"pacer", fig.value("pacer", "")},
      // The ring timeout the dials get now, the campaign's, and how many rang
      // shorter (our pacer's ring cut, docs/pacing.md).
      {"ring", Json{{"campaign_s", fig.value("ring_timeout_s", 0.0)},
                    {"now_s", fig.value("ring_timeout_now_s", 0.0)},
                    {"short_dials", fig.value("short_ring_dials", int64_t{0})}}},
      {"trunk_up", dialer_->trunkUp()},
      {"ledger", ledger}};
}

void SipDesk::publishMetrics() {
  metrics_timer_ = 0;
  if (!dialer_) return;
  TimePoint now = clock_.now();
  for (CampaignId id : dialer_->campaignsRunning())
    emit("campaign.metrics", id.str(), "", dashboardFigures(id), now);
  if (EventLoop* loop = loop_.load()) metrics_timer_ = loop->addTimer(metrics_interval_, [this] { publishMetrics(); });
}

Result<Json> SipDesk::live(CampaignId campaign) {
  return onLoop([this, campaign]() -> Result<Json> {
    Json callers = Json::array();
    for (const core::CallerSnapshot& k : dialer_->campaignCallers(campaign)) {
      if (k.state == core::CallerState::kLoggedOut) continue;
      callers.push_back(callerJson(k.caller_ref, campaign, &k));
    }
    Json f = dialer_->campaign(campaign) ? dashboardFigures(campaign) : Json::object();
    return Json{
        {"campaign_id", campaign.value},
        {"callers_by_state",
         f.value("callers", Json{{"ready", 0}, {"paused", 0}, {"on_call", 0}, {"wrap_up", 0}})},
        {"callers", callers},
        {"calls", f.value("calls", Json{{"ringing", 0}, {"connected", 0}, {"wrap_up", 0}})},
        {"dial_level", f.value("dial_level", 0.0)},
        {"ledger", f.value("ledger", Json::object())},
        {"ring", f.value("ring", Json::object())},
        {"dialing",
         [&] {
           for (CampaignId id : dialer_->campaignsRunning())
             if (id == campaign) return true;
           return false;
         }()},
        {"trunk_up", dialer_->trunkUp()},
        {"simulated", false}};
  });
}

}  // namespace clearline::daemon
