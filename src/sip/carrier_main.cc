// clearline-carrier: a simulated SIP trunk on loopback for tests, the demo and
// benchmarks. Each INVITE gets an outcome drawn from a seeded scenario (the
// pacing simulator's names: p_human, p_machine, p_no_answer, p_busy,
// p_invalid, p_congestion; ring and talk times in ms), plays human or
// answering-machine audio, hangs up after a talk-time draw, and appends the
// ground truth of every call to a JSON-lines file.
//
//   clearline-carrier --listen 127.0.0.1:5070 --truth truth.jsonl --seed 7
//     [--human-wav F --machine-wav F] [--auth user:pass] [--time-scale 0.1] ...
// Without WAVs: a person is a 440 Hz tone 1 s on, 1 s off (a short "Hello?",
// then a pause); a machine is a 3.5 s continuous voice-like greeting, a 1 kHz
// beep, then silence (what sip/amd.h tells apart). Tests pass espeak-ng WAVs.
// SIGUSR1 toggles "dead trunk" (every request is ignored); SIGTERM/SIGINT stop.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <unordered_map>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "common/json.h"
#include "sip/libre_loop.h"
#include "sip/stack.h"
#include "sip/tool_args.h"

#include <re.h>
#undef OS
#undef ARCH
#undef VERSION

namespace clearline::sip {
namespace {

volatile std::sig_atomic_t g_stop = 0;
volatile std::sig_atomic_t g_toggle_dead = 0;

struct Scenario {
  double p_human = 0.35, p_machine = 0.2, p_no_answer = 0.15, p_busy = 0.1, p_invalid = 0.1,
         p_congestion = 0.1;
  double ring_min_ms = 1000, ring_max_ms = 6000;  // before answer / busy
  double no_answer_ms = 20000;                    // ring before 480 (unless cancelled first)
  double talk_mean_ms = 20000, talk_min_ms = 2000;
  double machine_ms = 8000;                       // greeting + beep, then hang up
  double p_early_media = 0.3;
  double time_scale = 1.0;
};

struct Call {
  int64_t serial = 0;
  std::string call_ref, to, outcome;
  struct sipsess* sess = nullptr;
  std::unique_ptr<MediaLeg> media;
  bool answered = false, early = false, finished = false, established = false;
  int final_status = 0;
  int64_t t_invite = 0, t_answer = 0;
  double ring_ms = 0, talk_ms = 0;
  const std::vector<int16_t>* audio = nullptr;
  size_t audio_pos = 0;
  std::vector<uint64_t> timers;
  std::string ended_by;
};

class Carrier {
 public:
  Carrier(LibreLoop& loop, const ToolArgs& a) : loop_(loop), args_(a) {
    s_.p_human = a.num("p_human", s_.p_human);
    s_.p_machine = a.num("p_machine", s_.p_machine);
    s_.p_no_answer = a.num("p_no_answer", s_.p_no_answer);
    s_.p_busy = a.num("p_busy", s_.p_busy);
    s_.p_invalid = a.num("p_invalid", s_.p_invalid);
    s_.p_congestion = a.num("p_congestion", s_.p_congestion);
    s_.ring_min_ms = a.num("ring_min_ms", s_.ring_min_ms);
    s_.ring_max_ms = a.num("ring_max_ms", s_.ring_max_ms);
    s_.no_answer_ms = a.num("no_answer_ms", s_.no_answer_ms);
    s_.talk_mean_ms = a.num("talk_mean_ms", s_.talk_mean_ms);
    s_.talk_min_ms = a.num("talk_min_ms", s_.talk_min_ms);
    s_.machine_ms = a.num("machine_ms", s_.machine_ms);
    s_.p_early_media = a.num("p_early_media", s_.p_early_media);
    s_.time_scale = a.num("time_scale", 1.0);
    seed_ = static_cast<uint64_t>(a.num("seed", 1));
    auth_ = a.str("auth");
    prefer_pcma_ = a.has("pcma");
  }

  Status start() {
    std::string listen = args_.str("listen", "127.0.0.1:5070");
    auto colon = listen.rfind(':');
    std::string ip = listen.substr(0, colon);
    auto port = static_cast<uint16_t>(std::atoi(listen.substr(colon + 1).c_str()));
    ASSIGN_OR_RETURN(
        stack_, SipStack::create(ip, port, "clearline-carrier", [this](const struct sip_msg* m) { onInvite(m); },
                                 [this](const struct sip_msg* m) { return onRequest(m); }));
    if (args_.has("human_wav")) {
      auto r = readWav8k(args_.str("human_wav"));
      if (!r.isOk()) return r.status();
      human_ = *r;
    }
    if (args_.has("machine_wav")) {
      auto r = readWav8k(args_.str("machine_wav"));
      if (!r.isOk()) return r.status();
      machine_ = *r;
    }
    if (human_.empty()) human_ = tone(440, 2000);
    if (machine_.empty()) machine_ = machineGreeting();
    ringback_ = tone(425, 1000);
    std::string truth = args_.str("truth", "carrier-truth.jsonl");
    truth_.open(truth, std::ios::app);
    if (!truth_) return Status::unavailable("cannot write " + truth);
    if (!auth_.empty()) digest_ = std::make_unique<DigestServer>("carrier");
    tick();
    poll();
    std::cerr << "clearline-carrier listening on " << ip << ":" << stack_->port() << " (udp+tcp)\n";
    return Status::ok();
  }

  void shutdown() {
    for (auto& [sess, c] : calls_) finish(*c, "shutdown", false);
    calls_.clear();
    stack_.reset();
  }

 private:
  // 3.5 s of a voice-like two-tone (syllable-rate loudness changes, never
  // silent), 0.4 s silence, a 0.5 s 1 kHz beep, 2 s silence.
  static std::vector<int16_t> machineGreeting() {
    std::vector<int16_t> v;
    for (size_t i = 0; i < 3500u * 8; i++) {
      double t = static_cast<double>(i) / 8000.0;
      double env = 0.75 + 0.25 * std::sin(2 * M_PI * 4 * t);
      v.push_back(static_cast<int16_t>(5000 * env * (0.7 * std::sin(2 * M_PI * 220 * t) + 0.3 * std::sin(2 * M_PI * 660 * t))));
    }
    v.insert(v.end(), 400u * 8, 0);
    for (size_t i = 0; i < 500u * 8; i++)
      v.push_back(static_cast<int16_t>(6000 * std::sin(2 * M_PI * 1000 * static_cast<double>(i) / 8000.0)));
    v.insert(v.end(), 2000u * 8, 0);
    return v;
  }

  static std::vector<int16_t> tone(double hz, int ms) {
    std::vector<int16_t> v(static_cast<size_t>(ms) * 8);
    for (size_t i = 0; i < v.size(); i++) {
      bool on = (i / 8000) % 2 == 0;  // 1 s on, 1 s off
      v[i] = on ? static_cast<int16_t>(6000 * std::sin(2 * M_PI * hz * static_cast<double>(i) / 8000.0)) : 0;
    }
    return v;
  }

  double scaled(double ms) const { return ms * s_.time_scale; }

  void poll() {
    loop_.addTimer(Millis(100), [this] {
      if (g_toggle_dead) {
        g_toggle_dead = 0;
        dead_ = !dead_;
        std::cerr << "clearline-carrier: trunk " << (dead_ ? "dead" : "alive") << "\n";
      }
      if (g_stop) {
        loop_.stop();
        return;
      }
      poll();
    });
  }

  // One 20 ms media clock for every call that plays audio.
  void tick() {
    int64_t now = steadyMillis();
    if (next_tick_ == 0) next_tick_ = now;
    next_tick_ += 20;
    loop_.addTimer(Millis(std::max<int64_t>(0, next_tick_ - now)), [this] { tick(); });
    for (auto& [k, c] : calls_) {
      if (!c->media || !c->audio || c->audio->empty() || c->finished) continue;
      int16_t frame[160];
      for (int i = 0; i < 160; i++) {
        frame[i] = (*c->audio)[c->audio_pos];
        c->audio_pos = (c->audio_pos + 1) % c->audio->size();
      }
      c->media->sendPcm(frame, 160);
    }
  }

  bool onRequest(const struct sip_msg* m) {
    if (dead_) return true;  // swallow: the trunk does not answer at all
    std::string met = methodOf(m);
    if (met == "OPTIONS") {
      stack_->reply(m, 200, "OK", "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\n");
      return true;
    }
    if (met == "ACK") return true;
    if (met == "BYE" || met == "CANCEL" || met == "INFO" || met == "UPDATE" || met == "PRACK") {
      logLimited("carrier-481-" + met, met + " for an unknown dialog: 481");
      stack_->reply(m, 481, "Call/Transaction Does Not Exist");
      return true;
    }
    logLimited("carrier-405-" + met, "method " + met + " not allowed: 405");
    stack_->reply(m, 405, "Method Not Allowed", "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\n");
    return true;
  }

  std::string drawOutcome(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> u(0, 1);
    double x = u(rng);
    const std::pair<const char*, double> table[] = {
        {"human", s_.p_human},     {"machine", s_.p_machine}, {"no_answer", s_.p_no_answer},
        {"busy", s_.p_busy},       {"invalid", s_.p_invalid}, {"congestion", s_.p_congestion}};
    for (auto& [name, p] : table) {
      if (x < p) return name;
      x -= p;
    }
    return "congestion";
  }

  void onInvite(const struct sip_msg* m) {
    if (dead_) return;
    if (digest_) {
      std::string user;
      auto pw = [this](const std::string& u) -> std::optional<std::string> {
        auto c = auth_.find(':');
        if (auth_.substr(0, c) == u) return auth_.substr(c + 1);
        return std::nullopt;
      };
      if (!digest_->verify(headerValue(m, "Proxy-Authorization"), "INVITE", pw, &user)) {
        stack_->reply(m, 407, "Proxy Authentication Required",
                      "Proxy-Authenticate: " + digest_->challenge() + "\r\n");
        return;
      }
    }
    auto c = std::make_unique<Call>();
    c->serial = ++serial_;
    c->call_ref = headerValue(m, "X-Clearline-Call");
    c->to = toUser(m);
    c->t_invite = steadyMillis();
    uint64_t h = std::hash<std::string>{}(c->to) ^ (seed_ * 0x9E3779B97F4A7C15ull) ^ (++attempts_[c->to] * 7919);
    std::mt19937_64 rng(h);
    c->outcome = drawOutcome(rng);
    std::uniform_real_distribution<double> ring(s_.ring_min_ms, s_.ring_max_ms);
    c->ring_ms = scaled(ring(rng));
    std::exponential_distribution<double> talk(1.0 / std::max(1.0, s_.talk_mean_ms));
    c->talk_ms = scaled(std::max(s_.talk_min_ms, talk(rng)));
    if (c->outcome == "machine") c->talk_ms = scaled(s_.machine_ms);
    bool early = std::uniform_real_distribution<double>(0, 1)(rng) < s_.p_early_media;

    auto media = MediaLeg::create(stack_->ip(), 30000, 39999);
    if (!media.isOk()) {
      stack_->reply(m, 503, "Service Unavailable");
      return;
    }
    c->media = std::move(*media);
    Status sd = c->media->decodeSdp(m->mb, true);
    if (!sd.isOk()) {
      logLimited("carrier-sdp", "INVITE refused: " + sd.message());
      stack_->reply(m, 488, "Not Acceptable Here");
      c->final_status = 488;
      c->outcome = "bad_sdp";
      writeTruth(*c);
      return;
    }
    struct mbuf* early_sdp = early ? c->media->encodeSdp(false) : nullptr;
    int err = sipsess_accept(&c->sess, stack_->sock(), m, early ? 183 : 180,
                             early ? "Session Progress" : "Ringing", "carrier", "application/sdp",
                             early_sdp, nullptr, nullptr, false, nullptr, nullptr, &onEstab, nullptr,
                             nullptr, &onClose, c.get(), "");
    mem_deref(early_sdp);
    if (err) {
      stack_->reply(m, 500, "Server Internal Error");
      return;
    }
    if (early) {
      c->early = true;
      c->audio = &ringback_;
    }
    Call* cp = c.get();
    calls_[cp] = std::move(c);
    const std::string& o = cp->outcome;
    if (o == "human" || o == "machine") {
      cp->timers.push_back(loop_.addTimer(Millis(static_cast<int64_t>(cp->ring_ms)), [this, cp] { answer(*cp); }));
    } else if (o == "no_answer") {
      cp->timers.push_back(loop_.addTimer(Millis(static_cast<int64_t>(scaled(s_.no_answer_ms))),
                                          [this, cp] { reject(*cp, 480, "Temporarily Unavailable"); }));
    } else {
      int code = o == "busy" ? 486 : o == "invalid" ? 404 : 503;
      const char* reason = o == "busy" ? "Busy Here" : o == "invalid" ? "Not Found" : "Service Unavailable";
      double delay = o == "busy" ? cp->ring_ms / 2 : scaled(300);
      cp->timers.push_back(loop_.addTimer(Millis(static_cast<int64_t>(delay)),
                                          [this, cp, code, reason] { reject(*cp, code, reason); }));
    }
  }

  void answer(Call& c) {
    c.timers.clear();
    struct mbuf* sdp = c.media->encodeSdp(false);
    int err = sipsess_answer(c.sess, 200, "OK", sdp, "");
    mem_deref(sdp);
    if (err) {
      finish(c, "error", true);
      return;
    }
    c.answered = true;
    c.final_status = 200;
    c.t_answer = steadyMillis();
    c.audio = c.outcome == "human" ? &human_ : &machine_;
    c.audio_pos = 0;
    // The talk time starts when our 200 is ACKed (onEstab), not when it is sent:
    // a callee who hung up before the ACK arrived would leave a call the dialer
    // saw answered (it got the 200) but the ground truth calls not established,
    // which is what a loaded machine did to sip_e2e_campaign (CI run 19). A 200
    // never ACKed ends by libre's timeout (onClose).
  }

  void startTalk(Call& c) {
    if (c.finished || !c.answered) return;
    Call* cp = &c;
    c.timers.push_back(loop_.addTimer(Millis(static_cast<int64_t>(c.talk_ms)), [this, cp] {
      finish(*cp, "callee", true);  // callee hangs up: BYE
    }));
  }

  void reject(Call& c, int code, const char* reason) {
    c.timers.clear();
    c.final_status = code;
    (void)sipsess_reject(c.sess, static_cast<uint16_t>(code), reason, nullptr);
    finish(c, "callee", true);
  }

  static void onEstab(const struct sip_msg*, void* arg) {
    auto* c = static_cast<Call*>(arg);
    c->established = true;
    g_self->startTalk(*c);
  }

  static void onClose(int, const struct sip_msg*, void* arg) {
    auto* c = static_cast<Call*>(arg);
    if (!c->answered && c->final_status == 0) c->final_status = 487;
    g_self->finish(*c, c->answered ? "caller" : "cancel", true);
  }

  void finish(Call& c, const std::string& by, bool erase) {
    if (c.finished) return;
    c.finished = true;
    for (uint64_t t : c.timers) loop_.cancelTimer(t);
    c.timers.clear();
    c.ended_by = by;
    c.sess = static_cast<struct sipsess*>(mem_deref(c.sess));  // BYE if we hang up after answer
    writeTruth(c);
    if (erase) {
      Call* key = &c;
      loop_.post([this, key] { calls_.erase(key); });
    }
  }

  void writeTruth(const Call& c) {
    Json j{{"call", c.call_ref},
           {"to", c.to},
           {"outcome", c.outcome},
           {"answered", c.answered},
           {"established", c.established},  // our 200 was ACKed
           {"sip_status", c.final_status},
           {"ring_ms", c.answered ? c.t_answer - c.t_invite : steadyMillis() - c.t_invite},
           {"talk_ms", c.answered ? steadyMillis() - c.t_answer : 0},
           {"ended_by", c.ended_by},
           {"early_media", c.early},
           {"codec", c.media && c.media->codec() == Codec::kPcma ? "PCMA" : "PCMU"},
           {"rtp_rx", c.media ? c.media->rx_packets : 0},
           {"rtp_rx_voiced", c.media ? c.media->rx_voiced : 0},
           {"rtp_tx", c.media ? c.media->tx_packets : 0},
           {"rtp_bad_source", c.media ? c.media->rx_bad_source : 0}};
    truth_ << j.dump() << "\n";
    truth_.flush();
  }

 public:
  static Carrier* g_self;

 private:
  LibreLoop& loop_;
  const ToolArgs& args_;
  Scenario s_;
  uint64_t seed_ = 1;
  std::string auth_;
  bool prefer_pcma_ = false;
  bool dead_ = false;
  std::unique_ptr<SipStack> stack_;
  std::unique_ptr<DigestServer> digest_;
  std::vector<int16_t> human_, machine_, ringback_;
  std::ofstream truth_;
  std::unordered_map<Call*, std::unique_ptr<Call>> calls_;
  std::unordered_map<std::string, uint64_t> attempts_;
  int64_t serial_ = 0;
  int64_t next_tick_ = 0;
};
Carrier* Carrier::g_self = nullptr;

}  // namespace
}  // namespace clearline::sip

int main(int argc, char** argv) {
  using namespace clearline::sip;
  ToolArgs args(argc, argv);
  spdlog::set_default_logger(spdlog::stderr_color_mt("sip"));
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGUSR1, [](int) { g_toggle_dead = 1; });
  std::signal(SIGPIPE, SIG_IGN);
  MediaLeg::loopback_only = true;
  auto loop = LibreLoop::create();
  if (!loop.isOk()) {
    std::cerr << loop.status().toString() << "\n";
    return 1;
  }
  {
    Carrier carrier(**loop, args);
    Carrier::g_self = &carrier;
    auto st = carrier.start();
    if (!st.isOk()) {
      std::cerr << "clearline-carrier: " << st.toString() << "\n";
      return 1;
    }
    (*loop)->run();
    carrier.shutdown();
  }
  return 0;
}
