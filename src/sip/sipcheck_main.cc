// clearline-sipcheck: drives LibreTelephony directly, without the campaign
// runtime, for the SIP integration tests and the benchmark. It registers the
// given callers (bots register to it), opens their legs, places N calls at a
// rate, bridges answered calls to a free caller (safe harbor otherwise),
// hangs up bridged calls after --talk-ms (or when the caller keys '#'), then
// prints a JSON summary (per-call outcomes in --out as JSON lines).
//
//   clearline-sipcheck --trunk 127.0.0.1:5070 [--transport tcp] --calls 50 --cps 20
//     [--listen-port 5060] [--callers caller1:pw1,caller2:pw2 --wait-callers-ms 5000]
//     [--talk-ms 2000] [--record all|never] [--record-dir D] [--prompt F.wav] [--out F]
//     [--ring-ms 15000] (each dial's ring timeout; the edge never rings less than 15 s)
#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "common/json.h"
#include "sip/libre_loop.h"
#include "sip/libre_telephony.h"
#include "sip/stack.h"
#include "sip/tool_args.h"

namespace clearline::sip {
namespace {

using core::HangupCause;
using Kind = core::TelephonyEvent::Kind;

struct CallRec {
  bool ringing = false, answered = false, bridged = false, safe_harbor = false, ended = false;
  std::string caller, cause, recording;
  int status = 0;
  int64_t placed_ms = 0, answered_ms = -1;  // steady clock, for the setup-time figures
  int64_t ended_ms = -1;
};

// CPU time this process has used, in milliseconds (user, system).
std::pair<int64_t, int64_t> cpuMillis() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto ms = [](const timeval& t) { return static_cast<int64_t>(t.tv_sec) * 1000 + t.tv_usec / 1000; };
  return {ms(ru.ru_utime), ms(ru.ru_stime)};
}

// The q-quantile (0..1) of xs, nearest rank; -1 when empty.
int64_t quantile(std::vector<int64_t> xs, double q) {
  if (xs.empty()) return -1;
  std::sort(xs.begin(), xs.end());
  auto i = static_cast<size_t>(q * static_cast<double>(xs.size() - 1) + 0.5);
  return xs[std::min(i, xs.size() - 1)];
}

class Driver : public core::TelephonyListener {
 public:
  Driver(LibreLoop& loop, const ToolArgs& a) : loop_(loop), a_(a) {}

  Status start() {
    LibreTelephonyConfig cfg;
    std::string trunk = a_.str("trunk", "127.0.0.1:5070");
    cfg.trunk_host = trunk.substr(0, trunk.rfind(':'));
    cfg.trunk_port = static_cast<uint16_t>(std::atoi(trunk.substr(trunk.rfind(':') + 1).c_str()));
    cfg.trunk_transport = a_.str("transport", "udp");
    cfg.trunk_username = a_.str("trunk_user");
    cfg.trunk_password = a_.str("trunk_password");
    cfg.listen_port = static_cast<uint16_t>(a_.num("listen_port", 0));
    cfg.options_interval = Millis(static_cast<int64_t>(a_.num("options_interval_ms", 1000)));
    cfg.options_timeout = Millis(static_cast<int64_t>(a_.num("options_timeout_ms", 500)));
    cfg.safe_harbor_wav = a_.str("prompt");
    cfg.recordings_dir = a_.str("record_dir");
    std::string callers = a_.str("callers");
    for (size_t pos = 0; pos < callers.size();) {
      size_t comma = callers.find(',', pos);
      std::string item = callers.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      auto colon = item.find(':');
      if (colon != std::string::npos) creds_[item.substr(0, colon)] = item.substr(colon + 1);
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    cfg.caller_password = [this](const std::string& u) -> std::optional<std::string> {
      auto it = creds_.find(u);
      if (it == creds_.end()) return std::nullopt;
      return it->second;
    };
    ASSIGN_OR_RETURN(tel_, LibreTelephony::create(loop_, clock_, cfg, this));
    tel_->setCampaignRecording(CampaignId(1), recordingModeFromString(a_.str("record", "never")));
    tel_->setCallerDigitHandler([this](const std::string& ref, char d) {
      digits_++;
      auto it = caller_call_.find(ref);
      if (d == '#' && it != caller_call_.end()) tel_->hangup(it->second, HangupCause::kNormal);
    });
    std::cerr << "clearline-sipcheck: SIP on 127.0.0.1:" << tel_->sipPort() << "\n";
    if (a_.has("port_file")) std::ofstream(a_.str("port_file")) << tel_->sipPort() << "\n";
    total_ = static_cast<int>(a_.num("calls", 10));
    talk_ms_ = static_cast<int64_t>(a_.num("talk_ms", 2000));
    waitCallers(steadyMillis() + static_cast<int64_t>(a_.num("wait_callers_ms", 0)));
    return Status::ok();
  }

  void waitCallers(int64_t until) {
    size_t registered = 0;
    for (auto& [u, p] : creds_) registered += tel_->callerRegistered(u) ? 1 : 0;
    if (registered < creds_.size() && steadyMillis() < until) {
      loop_.addTimer(Millis(50), [this, until] { waitCallers(until); });
      return;
    }
    for (auto& [u, p] : creds_) tel_->openCallerLeg(u);
    // Give the legs a moment to come up, then dial.
    loop_.addTimer(Millis(creds_.empty() ? 0 : 300), [this] {
      t0_ = steadyMillis();
      pace();
    });
  }

  void pace() {
    double cps = a_.num("cps", 20);
    int64_t due = static_cast<int64_t>(static_cast<double>(placed_) * 1000.0 / cps);
    while (placed_ < total_ && steadyMillis() - t0_ >= due) {
      core::OriginateRequest r;
      r.call_id = CallId(++placed_);
      r.campaign_id = CampaignId(1);
      r.to_e164 = a_.has("to") ? a_.str("to") : "+1555" + std::to_string(1000000 + placed_);
      r.caller_id = "+15550000001";
      r.caller_id_name = "Clearline Test";
      r.ring_timeout = Millis(static_cast<int64_t>(a_.num("ring_ms", 15000)));
      calls_[r.call_id.value].placed_ms = steadyMillis();
      tel_->originate(r);
      due = static_cast<int64_t>(static_cast<double>(placed_) * 1000.0 / cps);
    }
    if (placed_ < total_) loop_.addTimer(Millis(5), [this] { pace(); });
  }

  void onTelephonyEvent(const core::TelephonyEvent& ev) override {
    switch (ev.kind) {
      case Kind::kCallerLegUp:
        free_.insert(ev.caller_ref);
        legs_up_++;
        return;
      case Kind::kCallerLegDown:
        free_.erase(ev.caller_ref);
        legs_down_++;
        return;
      case Kind::kTrunkUp:
      case Kind::kTrunkDown:
        trunk_events_.push_back(ev.kind == Kind::kTrunkUp ? "up" : "down");
        return;
      default:
        break;
    }
    CallRec& c = calls_[ev.call_id.value];
    switch (ev.kind) {
      case Kind::kRinging: c.ringing = true; break;
      case Kind::kAnswered: {
        c.answered = true;
        c.answered_ms = steadyMillis();
        last_answer_ms_ = c.answered_ms;
        if (!free_.empty() && !a_.has("never_bridge")) {
          std::string ref = *free_.begin();
          free_.erase(free_.begin());
          c.caller = ref;
          caller_call_[ref] = ev.call_id;
          tel_->bridge(ev.call_id, ref);
        } else if (!a_.has("no_safe_harbor_command")) {
          tel_->playSafeHarbor(ev.call_id);
        }
        break;
      }
      case Kind::kBridged: {
        c.bridged = true;
        bridged_now_++;
        peak_bridged_ = std::max(peak_bridged_, bridged_now_);
        c.recording = tel_->recordingPath(ev.call_id);
        CallId id = ev.call_id;
        loop_.addTimer(Millis(talk_ms_), [this, id] { tel_->hangup(id, HangupCause::kNormal); });
        break;
      }
      case Kind::kSafeHarborPlayed: c.safe_harbor = true; break;
      case Kind::kEnded: {
        if (c.ended) {
          duplicate_ends_++;
          break;
        }
        c.ended = true;
        c.ended_ms = steadyMillis();
        if (c.bridged) bridged_now_--;
        c.cause = std::string(core::toString(ev.cause));
        c.status = ev.sip_status;
        if (!c.caller.empty()) {
          caller_call_.erase(c.caller);
          free_.insert(c.caller);
        }
        ++ended_;
        if (ended_ == total_) finish();
        break;
      }
      default: break;
    }
  }

  void finish() {
    auto st = tel_->stats();
    Json causes = Json::object();
    std::ofstream out;
    if (a_.has("out")) out.open(a_.str("out"));
    int answered = 0, bridged = 0, sh = 0;
    std::vector<int64_t> setup_ms;
    for (auto& [id, c] : calls_) {
      if (c.answered_ms >= 0) setup_ms.push_back(c.answered_ms - c.placed_ms);
      causes[c.cause] = causes.value(c.cause, 0) + 1;
      answered += c.answered;
      bridged += c.bridged;
      sh += c.safe_harbor;
      if (out) {
        out << Json{{"call", std::to_string(id)},
                    {"cause", c.cause},
                    {"sip_status", c.status},
                    {"answered", c.answered},
                    {"bridged", c.bridged},
                    {"safe_harbor", c.safe_harbor},
                    {"caller", c.caller},
                    {"recording", c.recording},
                    {"duration_ms", c.ended_ms >= 0 ? c.ended_ms - c.placed_ms : -1}}
                   .dump()
            << "\n";
      }
    }
    const auto& h = loop_.latencyHistogram();
    summary_ = Json{{"placed", placed_},
                    {"ended", ended_},
                    {"answered", answered},
                    {"bridged", bridged},
                    {"safe_harbor", sh},
                    {"safe_harbor_auto", st.safe_harbor_auto},
                    {"duplicate_ends", duplicate_ends_},
                    {"causes", causes},
                    {"caller_legs_up", legs_up_},
                    {"caller_legs_down", legs_down_},
                    {"digits", digits_},
                    {"trunk_events", trunk_events_},
                    {"trunk_refused", st.trunk_refused},
                    {"rtp_relayed_to_caller", st.rtp_relayed_to_caller},
                    {"rtp_relayed_to_customer", st.rtp_relayed_to_customer},
                    {"recordings_written", st.recordings_written},
                    {"registrations", st.registrations},
                    {"bad_registrations", st.bad_registrations},
                    {"wall_ms", steadyMillis() - t0_},
                    // first INVITE to last 200 OK: the achieved call-setup rate is answered / this
                    {"answer_span_ms", last_answer_ms_ > 0 ? last_answer_ms_ - t0_ : -1},
                    {"setup_ms_p50", quantile(setup_ms, 0.50)},
                    {"setup_ms_p99", quantile(setup_ms, 0.99)},
                    {"setup_ms_max", quantile(setup_ms, 1.0)},
                    {"peak_bridged", peak_bridged_},
                    {"cpu_user_ms", cpuMillis().first},
                    {"cpu_sys_ms", cpuMillis().second},
                    {"loop_latency_hist_log2ms", std::vector<uint64_t>(h.begin(), h.end())}};
    tel_->shutdown();
    loop_.addTimer(Millis(600), [this] {
      summary_["active_calls_after"] = tel_->stats().active_calls;
      summary_["caller_legs_after"] = tel_->stats().caller_legs;
      loop_.stop();
    });
  }

  Json summary_;
  std::unique_ptr<LibreTelephony> tel_;

 private:
  LibreLoop& loop_;
  const ToolArgs& a_;
  SystemClock clock_;
  std::map<std::string, std::string> creds_;
  std::set<std::string> free_;
  std::map<std::string, CallId> caller_call_;
  std::map<int64_t, CallRec> calls_;
  std::vector<std::string> trunk_events_;
  int total_ = 0, placed_ = 0, ended_ = 0, duplicate_ends_ = 0, legs_up_ = 0, legs_down_ = 0, digits_ = 0;
  int64_t talk_ms_ = 2000, t0_ = 0, last_answer_ms_ = 0;
  int bridged_now_ = 0, peak_bridged_ = 0;
};

}  // namespace
}  // namespace clearline::sip

int main(int argc, char** argv) {
  using namespace clearline::sip;
  ToolArgs args(argc, argv);
  spdlog::set_default_logger(spdlog::stderr_color_mt("sip"));
  std::signal(SIGPIPE, SIG_IGN);
  auto loop = LibreLoop::create();
  if (!loop.isOk()) return 1;
  int rc = 0;
  {
    Driver d(**loop, args);
    auto st = d.start();
    if (!st.isOk()) {
      std::cerr << "clearline-sipcheck: " << st.toString() << "\n";
      return 1;
    }
    if (args.has("deadline_ms")) {
      (*loop)->addTimer(clearline::Millis(static_cast<int64_t>(args.num("deadline_ms", 60000))), [&] {
        std::cerr << "clearline-sipcheck: deadline reached\n";
        rc = 3;
        d.finish();
      });
    }
    (*loop)->run();
    std::cout << d.summary_.dump() << std::endl;
    d.tel_.reset();
  }
  return rc;
}
