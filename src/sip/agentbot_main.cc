// clearline-agentbot: simulated callers' SIP phones. Registers N accounts to
// Clearline's registrar (digest auth), answers Clearline's login call on each
// (the caller's open leg), and whenever a customer is connected (relayed audio
// starts: a marker bit or a gap) "talks" by playing audio for a drawn time,
// then keys '#' (hang up the customer) and a disposition digit ('1'). When
// the customer hangs up first (audio stops), it keys the digit only; idle for
// 4 s, it keys the digit again (a customer gone before any audio). Between
// customers it sends silent frames (the leg is never mute, like a real phone).
// Clearline's "customer gone" tone (1200 Hz beeps, [sip] customer_gone_tone)
// is recognised as such (the 1200 Hz share of each 20 ms frame's energy), like
// a person would: it ends the customer at once and is never taken for a new one.
//
//   clearline-agentbot --registrar 127.0.0.1:5060 --count 10 --prefix caller
//     --password secret [--talk-mean-ms 8000] [--wrap-ms 500] [--wav F] [--seed 1]
//     [--stats FILE]   (JSON written at exit: per-bot calls and RTP counts)
//     [--no-keys]      (the phone of a caller who uses the web console: it talks
//                       until the customer is gone and never keys '#' or a
//                       disposition digit; the console's disposition ends the call)
//     [--dispo-key C]  (the key it presses after a customer instead of '1',
//                       e.g. '*': a caller who never gives a disposition and,
//                       paused for it ([sip] wrap_up_max_s), resumes with '*')
//     [--pause-after N --pause-ms M]  (a break: after its N-th customer it
//                       keys '0' before the disposition, so that it is paused
//                       at the disposition, and '0' again M ms later)
//     [--pause-in-call N]  (the same break keyed while talking with its N-th
//                       customer: '0' as the customer is heard, '0' again
//                       --pause-ms after that call's disposition)
//     [--cancel-in-call N]  (a break asked for and taken back while talking
//                       with its N-th customer: '0' and '0' again 300 ms later)
//     [--break-at-ms X --break-ms Y]  (a break while idle: '0' X ms after the
//                       login call is answered, '0' again Y ms later)
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <csignal>
#include <fstream>
#include <iostream>
#include <random>
#include <unordered_map>

#include "common/json.h"
#include "sip/libre_loop.h"
#include "sip/media.h"
#include "sip/stack.h"
#include "sip/tool_args.h"

// libre's header last: it defines OS, ARCH and VERSION.
// clang-format off
#include <re.h>
// clang-format on
#undef OS
#undef ARCH
#undef VERSION

namespace clearline::sip {
namespace {

volatile std::sig_atomic_t g_stop = 0;

constexpr int64_t kRekeyMs = 4000;  // an idle phone keys its disposition again after this

struct Bot {
  std::string user, password;
  struct sipreg* reg = nullptr;
  struct sipsess* sess = nullptr;
  std::unique_ptr<MediaLeg> media;
  bool answered = false, talking = false, in_customer = false;
  int64_t last_rx = 0, talk_until = 0, last_key = 0;
  uint64_t customers = 0, hangups_sent = 0, dispositions_sent = 0, rekeys = 0, legs = 0, leg_drops = 0;
  uint64_t rx_total = 0, tx_total = 0;
  uint64_t tones_heard = 0;      // "customer gone" tones (beeps under 500 ms apart count once)
  uint64_t pause_keys = 0;       // every '0' keyed (the break options)
  int64_t last_tone = -1000000;  // steady ms of the last tone frame
  size_t audio_pos = 0;
  std::vector<uint64_t> timers;
};

class Bots {
 public:
  Bots(LibreLoop& loop, const ToolArgs& a) : loop_(loop), a_(a), rng_(static_cast<uint64_t>(a.num("seed", 1))) {}

  Status start() {
    ASSIGN_OR_RETURN(stack_, SipStack::create("127.0.0.1", static_cast<uint16_t>(a_.num("listen_port", 0)),
                                              "clearline-agentbot", [this](const struct sip_msg* m) { onInvite(m); },
                                              [this](const struct sip_msg* m) { return onRequest(m); }));
    if (a_.has("wav")) {
      auto r = readWav8k(a_.str("wav"));
      if (!r.isOk()) return r.status();
      audio_ = *r;
    }
    if (audio_.empty()) {
      audio_.resize(16000);
      for (size_t i = 0; i < audio_.size(); i++)
        audio_[i] = static_cast<int16_t>(4000 * std::sin(2 * M_PI * 300 * static_cast<double>(i) / 8000.0));
    }
    int n = static_cast<int>(a_.num("count", 1));
    std::string prefix = a_.str("prefix", "caller");
    std::string reg = a_.str("registrar", "127.0.0.1:5060");
    registrar_uri_ = "sip:" + reg;
    int first = static_cast<int>(a_.num("start", 1));
    for (int i = first; i < first + n; i++) {
      auto b = std::make_unique<Bot>();
      b->user = prefix + std::to_string(i);
      b->password = a_.str("password", "secret");
      if (a_.has("bad_password_for") && a_.str("bad_password_for") == b->user) b->password = "wrong";
      std::string aor = "sip:" + b->user + "@" + reg;
      int err = sipreg_register(&b->reg, stack_->sip(), registrar_uri_.c_str(), aor.c_str(), nullptr, aor.c_str(),
                                3600, b->user.c_str(), nullptr, 0, 0, &Bots::onAuth, b.get(), false,
                                &Bots::onRegResp, b.get(), nullptr, nullptr);
      if (err) return Status::internal("sipreg_register failed");
      bots_[b->user] = std::move(b);
    }
    tick();
    poll();
    return Status::ok();
  }

  void shutdown() {
    Json out = Json::array();
    for (auto& [u, b] : bots_) {
      for (auto t : b->timers) loop_.cancelTimer(t);
      if (b->media) {
        b->rx_total += b->media->rx_packets;
        b->tx_total += b->media->tx_packets;
      }
      out.push_back(Json{{"user", u},
                         {"registered", b->reg && sipreg_registered(b->reg)},
                         {"legs", b->legs},
                         {"leg_drops", b->leg_drops},
                         {"customers", b->customers},
                         {"hangups_sent", b->hangups_sent},
                         {"dispositions_sent", b->dispositions_sent},
                         {"rekeys", b->rekeys},
                         {"tones_heard", b->tones_heard},
                         {"pause_keys", b->pause_keys},
                         {"rtp_rx", b->rx_total},
                         {"rtp_tx", b->tx_total}});
      b->sess = static_cast<struct sipsess*>(mem_deref(b->sess));
      b->reg = static_cast<struct sipreg*>(mem_deref(b->reg));  // un-REGISTER
      b->media.reset();
    }
    if (a_.has("stats")) std::ofstream(a_.str("stats")) << Json{{"bots", out}}.dump() << "\n";
  }

 private:
  static int onAuth(char** user, char** pass, const char*, void* arg) {
    auto* b = static_cast<Bot*>(arg);
    int err = str_dup(user, b->user.c_str());
    err |= str_dup(pass, b->password.c_str());
    return err;
  }
  static void onRegResp(int err, const struct sip_msg* msg, void* arg) {
    auto* b = static_cast<Bot*>(arg);
    if (err || (msg && msg->scode >= 300)) {
      spdlog::warn("agentbot {}: REGISTER failed ({})", b->user, msg ? msg->scode : err);
    }
  }

  void poll() {
    loop_.addTimer(Millis(100), [this] {
      if (g_stop) {
        loop_.stop();
        return;
      }
      poll();
    });
  }

  bool onRequest(const struct sip_msg* m) {
    std::string met = methodOf(m);
    if (met == "OPTIONS") {
      stack_->reply(m, 200, "OK");
      return true;
    }
    return false;
  }

  void onInvite(const struct sip_msg* m) {
    std::string user = toUser(m);
    auto it = bots_.find(user);
    if (it == bots_.end()) {
      stack_->reply(m, 404, "Not Found");
      return;
    }
    Bot& b = *it->second;
    if (b.sess) {
      // A new login call while the old leg is still up: Clearline restarted
      // (or lost the leg). The old dialog is dead; take the new one.
      b.sess = static_cast<struct sipsess*>(mem_deref(b.sess));
      if (b.media) {
        b.rx_total += b.media->rx_packets;
        b.tx_total += b.media->tx_packets;
      }
      b.media.reset();
      b.answered = b.talking = b.in_customer = false;
      b.leg_drops++;
    }
    auto media = MediaLeg::create("127.0.0.1", 40000, 49999);
    if (!media.isOk()) {
      stack_->reply(m, 503, "Service Unavailable");
      return;
    }
    b.media = std::move(*media);
    if (!b.media->decodeSdp(m->mb, true).isOk()) {
      stack_->reply(m, 488, "Not Acceptable Here");
      b.media.reset();
      return;
    }
    Bot* bp = &b;
    b.media->on_audio = [this, bp](const RtpPacket& p) { onAudio(*bp, p); };
    struct mbuf* sdp = b.media->encodeSdp(false);
    int err = sipsess_accept(&b.sess, stack_->sock(), m, 200, "OK", b.user.c_str(), "application/sdp", sdp,
                             nullptr, nullptr, false, nullptr, nullptr, &Bots::onEstab, nullptr, nullptr,
                             &Bots::onClose, bp, "");
    mem_deref(sdp);
    if (err) {
      b.media.reset();
      return;
    }
    b.legs++;
    b.answered = true;
    if (a_.has("break_at_ms")) {
      // A break while idle: '0' X ms after the leg is up (paused when ready),
      // '0' again --break-ms later (ready).
      const auto at = static_cast<int64_t>(a_.num("break_at_ms", 0));
      for (int64_t t : {at, at + static_cast<int64_t>(a_.num("break_ms", 3000))}) {
        b.timers.push_back(loop_.addTimer(Millis(t), [bp] { keyZero(bp); }));
      }
    }
  }

  static void onEstab(const struct sip_msg*, void*) {}
  static void onClose(int, const struct sip_msg*, void* arg) {
    auto* b = static_cast<Bot*>(arg);
    b->sess = static_cast<struct sipsess*>(mem_deref(b->sess));
    b->leg_drops++;
    b->answered = b->talking = b->in_customer = false;
    if (b->media) {
      b->rx_total += b->media->rx_packets;
      b->tx_total += b->media->tx_packets;
    }
    auto* self = g_self;
    Bot* bp = b;
    self->loop_.post([bp] { bp->media.reset(); });
  }

  // Whether a frame is Clearline's "customer gone" tone: most of its energy
  // at 1200 Hz (Goertzel), and loud enough not to be line noise.
  static bool isGoneTone(const RtpPacket& p) {
    if (p.len < 80) return false;
    const Codec codec = p.pt == 8 ? Codec::kPcma : Codec::kPcmu;
    const double w = 2 * M_PI * 1200.0 / 8000.0, coeff = 2 * std::cos(w);
    double s1 = 0, s2 = 0, energy = 0;
    for (size_t i = 0; i < p.len; i++) {
      const double x = decodeSample(codec, p.payload[i]);
      energy += x * x;
      const double s0 = x + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;  // |X(1200 Hz)|²
    const double n = static_cast<double>(p.len);
    return energy > n * 1000.0 * 1000.0 && 2 * power / (n * energy) > 0.6;
  }

  // Whether the break option `opt` (--pause-after N, --pause-in-call N,
  // --cancel-in-call N) names the bot's current customer, the N-th (and the bot keys at all).
  bool nthCustomer(const Bot& b, const char* opt) const {
    return a_.has(opt) && !a_.has("no_keys") &&
           b.customers == static_cast<uint64_t>(a_.num(opt, 0));
  }

  // '0' on the phone (a break, or its end: --pause-after, --break-at-ms).
  static void keyZero(Bot* b) {
    if (!b->media) return;
    b->media->sendDtmf('0');
    b->pause_keys++;
  }

  void onAudio(Bot& b, const RtpPacket& p) {
    int64_t now = steadyMillis();
    if (isGoneTone(p)) {
      if (now - b.last_tone > 500) b.tones_heard++;
      b.last_tone = now;
      if (b.talking)
        endCustomer(b, false);  // the customer is gone: stop talking, key the disposition
      return;
    }
    if (now - b.last_tone < 300) return;  // the silence between the tone's beeps
    bool new_customer = !b.in_customer && (p.marker || now - b.last_rx > 300);
    b.last_rx = now;
    if (new_customer) {
      b.in_customer = true;
      b.talking = true;
      b.customers++;
      if (nthCustomer(b, "pause_in_call"))
        keyZero(&b);  // a break after this call, asked for during it
      if (nthCustomer(b, "cancel_in_call")) {
        // A break asked for and taken back during the call: '0', '0' 300 ms later.
        Bot* bp = &b;
        keyZero(bp);
        b.timers.push_back(loop_.addTimer(Millis(300), [bp] { keyZero(bp); }));
      }
      std::exponential_distribution<double> talk(1.0 / std::max(1.0, a_.num("talk_mean_ms", 8000)));
      b.talk_until = now + static_cast<int64_t>(std::max(a_.num("talk_min_ms", 500), talk(rng_)));
    }
  }

  void endCustomer(Bot& b, bool we_hang_up) {
    b.talking = false;
    b.in_customer = false;
    if (!b.media) return;
    if (a_.has("no_keys")) return;  // a console drives this caller: no '#', no disposition digit
    if (we_hang_up) {
      b.media->sendDtmf('#');
      b.hangups_sent++;
    }
    Bot* bp = &b;
    const auto wrap_ms = static_cast<int64_t>(a_.num("wrap_ms", 500));
    const bool pause_now = nthCustomer(b, "pause_after");
    const bool paused_in_call = nthCustomer(b, "pause_in_call");
    if (pause_now || paused_in_call) {
      // A break after this customer: '0' now (during wrap-up: paused at the
      // disposition) unless it was keyed during the call, '0' again after
      // --pause-ms (ready).
      if (pause_now) keyZero(bp);
      b.timers.push_back(loop_.addTimer(
          Millis(wrap_ms + static_cast<int64_t>(a_.num("pause_ms", 5000))), [bp] { keyZero(bp); }));
    }
    b.timers.push_back(loop_.addTimer(Millis(wrap_ms), [bp, key = dispoKey()] {
      if (bp->media) {
        bp->media->sendDtmf(key);
        bp->dispositions_sent++;
        bp->last_key = steadyMillis();
      }
    }));
  }

  void tick() {
    int64_t now = steadyMillis();
    if (next_tick_ == 0 || now - next_tick_ > 200) next_tick_ = now;
    next_tick_ += 20;
    loop_.addTimer(Millis(std::max<int64_t>(0, next_tick_ - now)), [this] { tick(); });
    for (auto& [u, b] : bots_) {
      if (!b->media || !b->answered) continue;
      if (!b->talking) {
        // Between customers a phone still sends (silent) audio, as real
        // phones do: Clearline ends an open leg that stays mute for
        // [sip] media_timeout_s (a phone that vanished without a BYE).
        static const int16_t kSilence[160] = {};
        b->media->sendPcm(kSilence, 160);
        // A customer who hangs up within milliseconds of the bridge relays no
        // audio, so this phone never hears them while Clearline holds its
        // caller in wrap-up. Like a caller who notices the wrap-up screen, an
        // idle phone keys its disposition again every few seconds (Clearline
        // ignores the digit while the caller is ready).
        if (!a_.has("no_keys") && now - std::max(b->last_key, b->last_rx) > kRekeyMs) {
          b->media->sendDtmf(dispoKey());
          b->last_key = now;
          b->rekeys++;
        }
        continue;
      }
      if (b->talking) {
        if (now >= b->talk_until && !a_.has("no_keys")) {
          endCustomer(*b, true);
          continue;
        }
        int16_t frame[160];
        for (int i = 0; i < 160; i++) {
          frame[i] = audio_[b->audio_pos];
          b->audio_pos = (b->audio_pos + 1) % audio_.size();
        }
        b->media->sendPcm(frame, 160);
      }
      // The customer hung up (relayed audio stopped) while we were talking.
      if (b->talking && now - b->last_rx > 600) endCustomer(*b, false);
    }
  }

 public:
  static Bots* g_self;
  char dispoKey() const {
    const std::string k = a_.str("dispo_key", "1");
    return k.empty() ? '1' : k[0];
  }

 private:
  LibreLoop& loop_;
  const ToolArgs& a_;
  std::mt19937_64 rng_;
  std::unique_ptr<SipStack> stack_;
  std::string registrar_uri_;
  std::vector<int16_t> audio_;
  std::unordered_map<std::string, std::unique_ptr<Bot>> bots_;
  int64_t next_tick_ = 0;
};
Bots* Bots::g_self = nullptr;

}  // namespace
}  // namespace clearline::sip

int main(int argc, char** argv) {
  using namespace clearline::sip;
  ToolArgs args(argc, argv);
  spdlog::set_default_logger(spdlog::stderr_color_mt("sip"));
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGPIPE, SIG_IGN);
  auto loop = LibreLoop::create();
  if (!loop.isOk()) return 1;
  {
    Bots bots(**loop, args);
    Bots::g_self = &bots;
    auto st = bots.start();
    if (!st.isOk()) {
      std::cerr << "clearline-agentbot: " << st.toString() << "\n";
      return 1;
    }
    (*loop)->run();
    bots.shutdown();
    // Let the un-REGISTERs and BYEs go out.
    (*loop)->addTimer(clearline::Millis(300), [&] { (*loop)->stop(); });
    (*loop)->run();
  }
  return 0;
}
