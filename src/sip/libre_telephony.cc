#include "sip/libre_telephony.h"

#include <re.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "sip/hangup_causes.h"
#include "sip/media.h"
#include "sip/prompt_cache.h"
#include "sip/stack.h"
#undef OS
#undef ARCH
#undef VERSION

namespace clearline::sip {

using core::HangupCause;
using core::TelephonyEvent;
using Kind = core::TelephonyEvent::Kind;

RecordingMode recordingModeFromString(const std::string& s) {
  if (s == "all") return RecordingMode::kAll;
  if (s == "on_demand" || s == "on-demand" || s == "ondemand") return RecordingMode::kOnDemand;
  return RecordingMode::kNever;
}

namespace {

enum class CustState { kDialing, kRinging, kAnswered, kBridged, kPrompt, kEnded };

struct CallerLeg;

struct CustLeg {
  LibreTelephony::Impl* impl = nullptr;
  CallId id;
  CampaignId campaign;
  struct sipsess* sess = nullptr;
  std::unique_ptr<MediaLeg> media;
  CustState state = CustState::kDialing;
  bool got_1xx = false;
  uint64_t ring_timer = 0, deadline_timer = 0;  // deadline_timer: the safety net, due at net_at
  TimePoint net_at{};
  std::string caller_ref;
  const std::vector<int16_t>* prompt = nullptr;
  size_t prompt_pos = 0;
  bool prompt_auto = false;
  bool recording = false;
  // The recording plan (LibreTelephonyConfig::recording_plan): record_all =
  // the campaign records every call and this one may be recorded; announce =
  // the recorded conversation starts with the announcement (recording then
  // starts at the bridge, with it); may_record = false: never recorded.
  bool record_all = false, announce = false, may_record = true;
  bool announcing = false, announced = false;
  const std::vector<int16_t>* ann = nullptr;
  size_t ann_pos = 0;
  bool was_answered = false;
  int64_t bridged_ms = 0;  // steadyMillis() at the bridge (media timeout reference)
  // The detector on the answered customer's audio, fed until its verdict.
  // screen (detect_machine): its verdict is AMD's (kMachine, or kHuman after
  // kGreetingEnded). Otherwise it only listens for the end of a short
  // greeting (kGreetingEnded alone, R2's reference point; session 15).
  std::unique_ptr<AmdDetector> amd;
  bool screen = false;
  uint64_t amd_timer = 0;  // screen: the verdict's wall-clock deadline after answer
  std::vector<int16_t> rec_customer, rec_caller;
  std::string rec_path;
};

struct CallerLeg {
  LibreTelephony::Impl* impl = nullptr;
  std::string ref;
  struct sipsess* sess = nullptr;
  std::unique_ptr<MediaLeg> media;
  bool up = false;
  int64_t up_ms = 0;  // steadyMillis() when the leg came up (media timeout reference)
  CallId bridged;
  // The "customer gone" tone being played to this phone (nullptr = none).
  const std::vector<int16_t>* tone = nullptr;
  size_t tone_pos = 0;
};

struct Registration {
  std::string contact;
  int64_t expires_at = 0;  // steady ms
};

std::string plStr(const struct pl& p) { return p.p ? std::string(p.p, p.l) : std::string(); }

// The next 20 ms frame (160 samples at 8 kHz) of `audio` from `pos`, zero-padded
// past its end; advances `pos`.
void nextFrame(const std::vector<int16_t>& audio, size_t& pos, int16_t (&frame)[160]) {
  const size_t n = std::min<size_t>(160, audio.size() - pos);
  std::fill(std::copy_n(audio.begin() + static_cast<std::ptrdiff_t>(pos), n, frame), frame + 160,
            0);
  pos += n;
}

void appendPcm(std::vector<int16_t>& dst, const RtpPacket& p, Codec c) {
  if (dst.size() > 8000u * 3600u) return;  // one hour cap per side
  for (size_t i = 0; i < p.len; i++) dst.push_back(decodeSample(c, p.payload[i]));
}

}  // namespace

struct LibreTelephony::Impl {
  LibreLoop& loop;
  const Clock& clock;
  LibreTelephonyConfig cfg;
  core::TelephonyListener* listener;
  std::unique_ptr<SipStack> stack;
  std::unique_ptr<DigestServer> digest;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  std::unordered_map<int64_t, std::unique_ptr<CustLeg>> calls;
  std::unordered_map<std::string, std::unique_ptr<CallerLeg>> callers;
  std::unordered_map<std::string, Registration> regs;
  std::unordered_map<int64_t, std::string> campaign_prompt;
  std::unordered_map<int64_t, RecordingMode> campaign_rec;
  std::unordered_map<int64_t, std::string> campaign_ann;  // campaign -> its announcement WAV
  std::vector<int16_t> notice_tone;
  std::vector<int16_t> gone_tone;  // "customer gone": three 150 ms beeps of 1200 Hz, 100 ms apart
  PromptCache prompts;  // path -> audio, re-read when the file is replaced
  std::vector<int16_t> fallback_prompt;
  std::function<void(const std::string&, char)> digit_fn;
  TelephonyStats st;

  // trunk health
  bool trunk_up = true;
  int options_failures = 0;
  struct sip_request* options_req = nullptr;
  uint64_t options_timer = 0, options_timeout_timer = 0;
  std::string trunk_uri_base;
  struct uri trunk_route;
  std::string trunk_route_str;

  int64_t next_tick = 0;
  uint64_t media_timer = 0;
  bool shutting_down = false;

  Impl(LibreLoop& l, const Clock& c, LibreTelephonyConfig config, core::TelephonyListener* lis)
      : loop(l), clock(c), cfg(std::move(config)), listener(lis) {}

  // ------------------------------------------------------------ events
  void emit(TelephonyEvent ev, std::optional<TimePoint> at = std::nullopt) {
    ev.at = at ? *at : clock.now();
    auto a = alive;
    loop.post([this, a, ev] {
      if (*a && listener) listener->onTelephonyEvent(ev);
    });
  }
  void emitCall(Kind k, CallId id, HangupCause cause = HangupCause::kNormal, int status = 0,
                const std::string& caller = "") {
    TelephonyEvent ev;
    ev.kind = k;
    ev.call_id = id;
    ev.cause = cause;
    ev.sip_status = status;
    ev.caller_ref = caller;
    emit(ev);
  }
  void emitCaller(Kind k, const std::string& ref, HangupCause cause = HangupCause::kNormal) {
    TelephonyEvent ev;
    ev.kind = k;
    ev.caller_ref = ref;
    ev.cause = cause;
    emit(ev);
  }

  std::string contactUri() const {
    return "sip:clearline@" + cfg.listen_ip + ":" + std::to_string(stack->port());
  }

  // ------------------------------------------------------------ prompts
  const std::vector<int16_t>* promptFor(CampaignId c) {
    std::string path = cfg.safe_harbor_wav;
    auto it = campaign_prompt.find(c.value);
    if (it != campaign_prompt.end()) path = it->second;
    if (!path.empty()) {
      auto r = prompts.get(path);
      if (r.isOk()) return *r;
      logLimited("prompt:" + path, "safe-harbor prompt unreadable (" + r.status().message() + "): using the built-in tone");
    }
    if (fallback_prompt.empty()) {
      fallback_prompt.resize(8000 * 3 / 2);
      for (size_t i = 0; i < fallback_prompt.size(); i++) {
        fallback_prompt[i] = static_cast<int16_t>(5000 * std::sin(2 * M_PI * 480 * static_cast<double>(i) / 8000.0));
      }
    }
    return &fallback_prompt;
  }

  // ------------------------------------------------------------ recording announcement
  // The campaign's announcement, else the configured default, else a notice
  // tone (two 1400 Hz beeps of 400 ms).
  const std::vector<int16_t>* announcementFor(CampaignId c) {
    std::string path = cfg.recording_announcement_wav;
    auto it = campaign_ann.find(c.value);
    if (it != campaign_ann.end() && !it->second.empty()) path = it->second;
    if (!path.empty()) {
      auto r = prompts.get(path);
      if (r.isOk()) return *r;
      logLimited("announcement:" + path,
                 "recording announcement unreadable (" + r.status().message() + "): using the notice tone");
    }
    if (notice_tone.empty()) {
      for (int beep = 0; beep < 2; beep++) {
        for (int i = 0; i < 8000 * 2 / 5; i++) {
          notice_tone.push_back(
              static_cast<int16_t>(6000 * std::sin(2 * M_PI * 1400 * static_cast<double>(i) / 8000.0)));
        }
        notice_tone.insert(notice_tone.end(), 8000 / 5, 0);
      }
    }
    return &notice_tone;
  }

  // ------------------------------------------------------------ customer gone
  // The caller's phone hears that its customer hung up: on a SIP phone
  // without the console nothing else would tell the caller (the leg stays up
  // between customers, so the line just goes quiet).
  void startGoneTone(const std::string& ref) {
    auto it = callers.find(ref);
    if (it == callers.end() || !it->second->up || it->second->bridged.valid()) return;
    if (gone_tone.empty()) {
      for (int beep = 0; beep < 3; beep++) {
        for (int i = 0; i < 8000 * 3 / 20; i++)
          gone_tone.push_back(static_cast<int16_t>(
              6000 * std::sin(2 * M_PI * 1200 * static_cast<double>(i) / 8000.0)));
        if (beep < 2) gone_tone.insert(gone_tone.end(), 8000 / 10, 0);
      }
    }
    it->second->tone = &gone_tone;
    it->second->tone_pos = 0;
    st.customer_gone_tones++;
  }

  void toneFrame(CallerLeg& k) {
    int16_t frame[160];
    nextFrame(*k.tone, k.tone_pos, frame);
    k.media->sendPcm(frame, 160);
    if (k.tone_pos >= k.tone->size()) k.tone = nullptr;
  }

  // The recorded conversation starts here, with the announcement.
  void startAnnouncement(CustLeg& c) {
    c.recording = true;
    c.rec_customer.clear();
    c.rec_caller.clear();
    c.ann = announcementFor(c.campaign);
    c.ann_pos = 0;
    c.announcing = true;
  }

  // One 20 ms announcement frame to the customer and to the caller, recorded
  // on the right channel (what the customer hears from our side).
  void announcementFrame(CustLeg& c) {
    int16_t frame[160];
    nextFrame(*c.ann, c.ann_pos, frame);
    c.media->sendPcm(frame, 160);
    auto k = callers.find(c.caller_ref);
    if (k != callers.end() && k->second->up) k->second->media->sendPcm(frame, 160);
    c.rec_caller.insert(c.rec_caller.end(), frame, frame + 160);
    if (c.ann_pos >= c.ann->size()) {
      c.announcing = false;
      c.announced = true;
      st.announcements_played++;
    }
  }

  void tick() {
    int64_t now = steadyMillis();
    if (next_tick == 0 || now - next_tick > 200) next_tick = now;
    next_tick += 20;
    loop.addTimer(Millis(std::max<int64_t>(0, next_tick - now)), [this] { tick(); });
    std::vector<CustLeg*> done;
    for (auto& [id, c] : calls) {
      if (c->state == CustState::kBridged && c->announcing && c->ann) {
        announcementFrame(*c);
        continue;
      }
      if (c->state != CustState::kPrompt || !c->prompt) continue;
      int16_t frame[160];
      nextFrame(*c->prompt, c->prompt_pos, frame);
      c->media->sendPcm(frame, 160);
      if (c->recording) c->rec_customer.insert(c->rec_customer.end(), frame, frame + 160);
      if (c->prompt_pos >= c->prompt->size()) done.push_back(c.get());
    }
    for (auto& [ref, k] : callers) {
      if (k->tone && k->up && !k->bridged.valid()) toneFrame(*k);
    }
    for (CustLeg* c : done) {
      st.safe_harbor_played++;
      emitCall(Kind::kSafeHarborPlayed, c->id);
      endCall(*c, HangupCause::kSafeHarborDone, 0, true);
    }
  }

  // ------------------------------------------------------------ media timeouts
  // Every quarter of the timeout (at least 200 ms): a bridged customer leg or
  // an open caller leg whose last RTP packet (or, if none, its bridge / leg-up
  // instant) is older than cfg.media_timeout is ended with kMediaTimeout.
  void scheduleMediaCheck() {
    if (cfg.media_timeout.count() <= 0) return;
    Millis every(std::max<int64_t>(200, cfg.media_timeout.count() / 4));
    media_timer = loop.addTimer(every, [this] {
      media_timer = 0;
      if (shutting_down) return;
      mediaCheck(steadyMillis());
      scheduleMediaCheck();
    });
  }

  void mediaCheck(int64_t now) {
    const int64_t limit = cfg.media_timeout.count();
    std::vector<CustLeg*> customers;
    for (auto& [id, c] : calls) {
      if (c->state != CustState::kBridged) continue;
      if (now - std::max(c->media->last_rx_ms, c->bridged_ms) > limit) customers.push_back(c.get());
    }
    for (CustLeg* c : customers) {
      st.media_timeouts_customer++;
      logLimited("media-timeout-customer", "call " + c->id.str() + ": no RTP from the customer for " +
                                               std::to_string(limit / 1000) + " s: ended (media_timeout)");
      endCall(*c, HangupCause::kMediaTimeout, 0, true);
    }
    std::vector<std::string> refs;
    for (auto& [ref, k] : callers) {
      if (!k->up) continue;
      if (now - std::max(k->media->last_rx_ms, k->up_ms) > limit) refs.push_back(ref);
    }
    for (const std::string& ref : refs) {
      auto it = callers.find(ref);
      if (it == callers.end()) continue;
      st.media_timeouts_caller++;
      spdlog::warn("sip: caller '{}': no RTP from the phone for {} ms: leg ended (media_timeout), registration dropped",
                   ref, limit);
      // The phone vanished without a BYE: its registration is stale too, so
      // nobody calls it again until it registers again.
      regs.erase(ref);
      if (cfg.on_registration) cfg.on_registration(ref, "", 0);
      dropCaller(*it->second, HangupCause::kMediaTimeout);
    }
  }

  // ------------------------------------------------------------ customer legs
  CustLeg* find(CallId id) {
    auto it = calls.find(id.value);
    return it == calls.end() ? nullptr : it->second.get();
  }

  void originate(const core::OriginateRequest& req) {
    if (shutting_down) return;
    if (calls.count(req.call_id.value)) {
      logLimited("dup-originate", "originate for a call id already in flight: ignored");
      return;
    }
    if (!trunk_up) {
      st.trunk_refused++;
      emitCall(Kind::kEnded, req.call_id, HangupCause::kTrunkDown, 0);
      return;
    }
    auto leg = std::make_unique<CustLeg>();
    leg->impl = this;
    leg->id = req.call_id;
    leg->campaign = req.campaign_id;
    auto rm = campaign_rec.find(req.campaign_id.value);
    RecordingMode mode = rm == campaign_rec.end() ? RecordingMode::kNever : rm->second;
    if (!cfg.recordings_dir.empty() && mode != RecordingMode::kNever && cfg.recording_plan) {
      RecordingPlan plan = cfg.recording_plan(req);
      leg->announce = plan.record && plan.announce;
      leg->may_record = plan.record;
      if (!plan.record) st.recordings_refused++;
    }
    leg->record_all = !cfg.recordings_dir.empty() && mode == RecordingMode::kAll && leg->may_record;
    // A call to be announced is recorded from its bridge, announcement first.
    leg->recording = leg->record_all && !leg->announce;
    leg->amd = std::make_unique<AmdDetector>(cfg.amd);
    leg->screen = req.detect_machine;
    auto media = MediaLeg::create(cfg.listen_ip, cfg.rtp_port_min, cfg.rtp_port_max);
    if (!media.isOk()) {
      logLimited("rtp-exhausted", media.status().message());
      emitCall(Kind::kEnded, req.call_id, HangupCause::kError, 0);
      return;
    }
    leg->media = std::move(*media);
    CustLeg* c = leg.get();
    c->media->on_audio = [this, c](const RtpPacket& p) { onCustomerAudio(*c, p); };
    struct mbuf* offer = c->media->encodeSdp(true);
    std::string to = "sip:" + req.to_e164 + "@" + cfg.trunk_host + ":" + std::to_string(cfg.trunk_port) +
                     (cfg.trunk_transport == "tcp" ? ";transport=tcp" : "");
    std::string cid = req.caller_id.empty() ? "anonymous" : req.caller_id;
    std::string from = "sip:" + cid + "@" + cfg.listen_ip + ":" + std::to_string(stack->port());
    std::string name = req.caller_id_name.empty() ? cid : req.caller_id_name;
    int err = sipsess_connect(&c->sess, stack->sock(), to.c_str(), name.c_str(), from.c_str(), "clearline",
                              nullptr, 0, "application/sdp", offer, &Impl::onTrunkAuth, this, false,
                              nullptr, &Impl::onCustAnswer, &Impl::onCustProgress, &Impl::onCustEstab,
                              nullptr, nullptr, &Impl::onCustClose, c,
                              "P-Asserted-Identity: \"%s\" <sip:%s@%s>\r\nX-Clearline-Call: %lld\r\n",
                              name.c_str(), cid.c_str(), cfg.listen_ip.c_str(),
                              static_cast<long long>(req.call_id.value));
    mem_deref(offer);
    if (err) {
      logLimited("invite-fail", std::string("INVITE could not be sent: ") + std::strerror(err));
      emitCall(Kind::kEnded, req.call_id, HangupCause::kError, 0);
      return;
    }
    st.calls_placed++;
    int64_t ring = std::max<int64_t>(15000, req.ring_timeout.count());  // R5: never below 15 s
    c->ring_timer = loop.addTimer(Millis(ring), [this, c] {
      c->ring_timer = 0;
      if (c->state == CustState::kDialing || c->state == CustState::kRinging) {
        // No 1xx at all within the ring time: the trunk is not answering us.
        HangupCause cause = c->got_1xx ? HangupCause::kNoAnswer : HangupCause::kTrunkDown;
        if (!c->got_1xx) probeTrunkNow();
        endCall(*c, cause, 0, true);
      }
    });
    calls.emplace(req.call_id.value, std::move(leg));
  }

  static int onTrunkAuth(char** user, char** pass, const char*, void* arg) {
    auto* self = static_cast<Impl*>(arg);
    if (self->cfg.trunk_username.empty()) return EAUTH;
    int err = str_dup(user, self->cfg.trunk_username.c_str());
    err |= str_dup(pass, self->cfg.trunk_password.c_str());
    return err;
  }

  static void onCustProgress(const struct sip_msg* msg, void* arg) {
    auto* c = static_cast<CustLeg*>(arg);
    if (msg->scode > 100 && !c->got_1xx && msg->mb && mbuf_get_left(msg->mb) > 0 &&
        msg_ctype_cmp(&msg->ctyp, "application", "sdp") && !c->media->hasRemote()) {
      Status s = c->media->decodeSdp(msg->mb, false);  // early media (183 + SDP)
      if (!s.isOk()) logLimited("trunk-early-sdp", "early-media SDP ignored: " + s.message());
    }
    if (msg->scode > 100 && !c->got_1xx) {
      c->got_1xx = true;
      if (c->state == CustState::kDialing) c->state = CustState::kRinging;
      c->impl->emitCall(Kind::kRinging, c->id, HangupCause::kNormal, msg->scode);
    }
  }

  static int onCustAnswer(const struct sip_msg* msg, void* arg) {
    auto* c = static_cast<CustLeg*>(arg);
    Status s = c->media->decodeSdp(msg->mb, false);
    if (!s.isOk()) {
      logLimited("trunk-sdp", "trunk SDP refused: " + s.message());
      return EPROTO;
    }
    return 0;
  }

  static void onCustEstab(const struct sip_msg* msg, void* arg) {
    auto* c = static_cast<CustLeg*>(arg);
    Impl* self = c->impl;
    if (c->ring_timer) self->loop.cancelTimer(c->ring_timer);
    c->ring_timer = 0;
    if (c->state == CustState::kEnded) return;
    if (!c->media->hasRemote()) {  // 200 without usable SDP
      self->endCall(*c, HangupCause::kError, msg->scode, true);
      return;
    }
    c->state = CustState::kAnswered;
    c->was_answered = true;
    self->st.calls_answered++;
    self->emitCall(Kind::kAnswered, c->id, HangupCause::kNormal, msg->scode);
    if (c->screen) {
      // The verdict is due within the budget even if no audio decides it.
      c->amd_timer = self->loop.addTimer(Millis(self->cfg.amd.total_analysis_ms), [self, c] {
        c->amd_timer = 0;
        if (c->state == CustState::kAnswered && c->amd && c->amd->verdict() == AmdVerdict::kUndecided) {
          self->st.amd_undecided++;
          self->amdVerdict(*c, AmdVerdict::kHuman);
        }
      });
    }
    self->armSafetyNet(*c, self->clock.now() + self->cfg.safe_harbor_deadline);
  }

  static void onCustClose(int err, const struct sip_msg* msg, void* arg) {
    auto* c = static_cast<CustLeg*>(arg);
    Impl* self = c->impl;
    HangupCause cause = HangupCause::kNormal;
    int status = 0;
    if (msg && !msg->req) {
      status = msg->scode;
      cause = causeForFinalResponse(msg->scode);
      if (c->state == CustState::kAnswered || c->state == CustState::kBridged || c->state == CustState::kPrompt) {
        cause = HangupCause::kError;  // e.g. our ACK/SDP was refused after 200
      }
    } else if (msg && msg->req) {
      cause = causeForRemoteBye(self->headerOf(msg, SIP_HDR_REASON));
    } else if (err == ECONNRESET) {
      cause = HangupCause::kNormal;  // remote BYE
    } else if (err == ETIMEDOUT) {
      cause = c->got_1xx ? HangupCause::kNoAnswer : HangupCause::kTrunkDown;
      if (!c->got_1xx) self->probeTrunkNow();
    } else {
      cause = HangupCause::kError;
    }
    c->sess = static_cast<struct sipsess*>(mem_deref(c->sess));  // already terminated: no BYE
    self->endCall(*c, cause, status, false);
  }

  std::string headerOf(const struct sip_msg* msg, enum sip_hdrid id) {
    const struct sip_hdr* h = sip_msg_hdr(msg, id);
    return h ? plStr(h->val) : std::string();
  }

  // The detector's verdict. A screened call (AMD): kMachine (the runtime hangs
  // up, disposition machine), or the greeting's end (R2's reference point, at
  // its real instant) + kHuman. A call placed without AMD: only the end of a
  // greeting the detector took for a person's (a machine's long greeting has no
  // end heard in time, and the runtime keeps counting from the answer).
  void amdVerdict(CustLeg& c, AmdVerdict v) {
    if (c.amd_timer) loop.cancelTimer(c.amd_timer);
    c.amd_timer = 0;
    if (v == AmdVerdict::kMachine) {
      if (!c.screen) return;
      st.amd_machine++;
      emitCall(Kind::kMachine, c.id);
      return;
    }
    if (c.screen) st.amd_human++;
    if (c.amd && c.amd->greetingEndMs() >= 0 && c.amd->decidedAtMs() >= c.amd->greetingEndMs()) {
      TelephonyEvent ev;
      ev.kind = Kind::kGreetingEnded;
      ev.call_id = c.id;
      const TimePoint ended = clock.now() - Millis(c.amd->decidedAtMs() - c.amd->greetingEndMs());
      emit(ev, ended);
      if (!c.screen) st.greetings_heard++;
      extendSafetyNet(c, ended);
    }
    if (c.screen) emitCall(Kind::kHuman, c.id);
  }

  // The safety net counts from the greeting's end once it is heard, as the
  // runtime's grace does (R2): never earlier than it was set at the answer.
  void extendSafetyNet(CustLeg& c, TimePoint greeting_end) {
    if (c.state != CustState::kAnswered || !c.deadline_timer) return;
    if (greeting_end + cfg.safe_harbor_deadline > c.net_at)
      armSafetyNet(c, greeting_end + cfg.safe_harbor_deadline);
  }

  // Nothing may leave an answered customer in silence: at `at`, a customer
  // still neither bridged nor prompted nor hung up gets the prompt.
  void armSafetyNet(CustLeg& c, TimePoint at) {
    if (c.deadline_timer) loop.cancelTimer(c.deadline_timer);
    c.net_at = at;
    const Millis delay = std::max(Millis(0), std::chrono::duration_cast<Millis>(at - clock.now()));
    c.deadline_timer = loop.addTimer(delay, [this, cp = &c] {
      cp->deadline_timer = 0;
      if (cp->state == CustState::kAnswered) {
        st.safe_harbor_auto++;
        cp->prompt_auto = true;
        startPrompt(*cp);
      }
    });
  }

  void onCustomerAudio(CustLeg& c, const RtpPacket& p) {
    Codec codec = p.pt == 8 ? Codec::kPcma : Codec::kPcmu;
    // A screened call is analysed until routed; a call without AMD also while
    // bridged (its greeting's end goes on the call record).
    const bool listening =
        c.state == CustState::kAnswered || (!c.screen && c.state == CustState::kBridged);
    if (c.amd && listening && c.amd->verdict() == AmdVerdict::kUndecided && p.len <= 960) {
      int16_t pcm[960];
      for (size_t i = 0; i < p.len; ++i) pcm[i] = decodeSample(codec, p.payload[i]);
      c.amd->feed(pcm, p.len);
      if (c.amd->verdict() != AmdVerdict::kUndecided) amdVerdict(c, c.amd->verdict());
    }
    if (c.recording && (c.state == CustState::kBridged || c.state == CustState::kAnswered || c.state == CustState::kPrompt)) {
      appendPcm(c.rec_customer, p, codec);
    }
    if (c.state != CustState::kBridged || c.announcing) return;
    auto it = callers.find(c.caller_ref);
    if (it == callers.end() || !it->second->up) return;
    it->second->media->relay(p, codec);
    st.rtp_relayed_to_caller++;
  }

  void onCallerAudio(CallerLeg& k, const RtpPacket& p) {
    if (!k.bridged.valid()) return;
    CustLeg* c = find(k.bridged);
    if (!c || c->state != CustState::kBridged || c->announcing) return;
    Codec codec = p.pt == 8 ? Codec::kPcma : Codec::kPcmu;
    if (c->recording) appendPcm(c->rec_caller, p, codec);
    c->media->relay(p, codec);
    st.rtp_relayed_to_customer++;
  }

  void startPrompt(CustLeg& c) {
    c.state = CustState::kPrompt;
    c.prompt = promptFor(c.campaign);
    c.prompt_pos = 0;
  }

  void endCall(CustLeg& c, HangupCause cause, int status, bool we_hang_up) {
    if (c.state == CustState::kEnded) return;
    c.state = CustState::kEnded;
    if (c.ring_timer) loop.cancelTimer(c.ring_timer);
    if (c.deadline_timer) loop.cancelTimer(c.deadline_timer);
    if (c.amd_timer) loop.cancelTimer(c.amd_timer);
    c.ring_timer = c.deadline_timer = c.amd_timer = 0;
    if (!c.caller_ref.empty()) {
      auto it = callers.find(c.caller_ref);
      if (it != callers.end() && it->second->bridged == c.id) {
        it->second->bridged = CallId();
        // The customer's side ended a conversation (a BYE, a failure, or its
        // silence): tell the caller. Hang-ups we were asked for (the caller's
        // '#', the console, the caller's own leg going) need no tone.
        if (cfg.customer_gone_tone && (!we_hang_up || cause == HangupCause::kMediaTimeout))
          startGoneTone(c.caller_ref);
      }
    }
    if (we_hang_up && c.sess) {
      (void)sipsess_set_close_headers(c.sess, "Reason: Q.850;cause=%d\r\n", q850ForCause(cause));
    }
    c.sess = static_cast<struct sipsess*>(mem_deref(c.sess));  // BYE or CANCEL when still up
    // A call to be announced keeps a recording only if the announcement was
    // played in full (the customer hung up during it: nothing is kept).
    if (c.announce && !c.announced) c.recording = false;
    if (c.recording && c.was_answered) writeRecording(c);
    emitCall(Kind::kEnded, c.id, cause, status, c.caller_ref);
    int64_t key = c.id.value;
    auto a = alive;
    loop.post([this, a, key] {
      if (*a) calls.erase(key);
    });
  }

  void writeRecording(CustLeg& c) {
    size_t n = std::max(c.rec_customer.size(), c.rec_caller.size());
    std::vector<int16_t> stereo(n * 2, 0);
    for (size_t i = 0; i < c.rec_customer.size(); i++) stereo[2 * i] = c.rec_customer[i];
    for (size_t i = 0; i < c.rec_caller.size(); i++) stereo[2 * i + 1] = c.rec_caller[i];
    Status s = writeWav8k(c.rec_path.empty() ? pathFor(c.id) : c.rec_path, stereo, 2);
    if (s.isOk()) {
      st.recordings_written++;
    } else {
      st.recording_failures++;
      logLimited("recording", "recording not written: " + s.message());
    }
    c.rec_customer.clear();
    c.rec_caller.clear();
  }

  std::string pathFor(CallId id) const {
    return cfg.recordings_dir + "/call-" + std::to_string(id.value) + ".wav";
  }

  // ------------------------------------------------------------ registrar + caller legs
  std::optional<std::string> password(const std::string& user) {
    if (!cfg.caller_password) return std::nullopt;
    return cfg.caller_password(user);
  }

  bool onRequest(const struct sip_msg* msg) {
    std::string met = methodOf(msg);
    if (met == "REGISTER") {
      onRegister(msg);
      return true;
    }
    if (met == "OPTIONS") {
      stack->reply(msg, 200, "OK", "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER, INFO\r\n");
      return true;
    }
    if (met == "ACK") return true;
    if (met == "BYE" || met == "CANCEL" || met == "INFO" || met == "UPDATE" || met == "PRACK" ||
        met == "NOTIFY" || met == "REFER") {
      logLimited("481-" + met, met + " for an unknown dialog: 481");
      stack->reply(msg, 481, "Call/Transaction Does Not Exist");
      return true;
    }
    logLimited("405-" + met.substr(0, 32), "unsupported method " + met.substr(0, 32) + ": 405");
    stack->reply(msg, 405, "Method Not Allowed", "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER, INFO\r\n");
    return true;
  }

  void onRegister(const struct sip_msg* msg) {
    std::string user;
    std::string auth = headerOf(msg, SIP_HDR_AUTHORIZATION);
    bool ok = digest->verify(auth, "REGISTER", [this](const std::string& u) { return password(u); }, &user);
    if (!ok) {
      if (!auth.empty()) {
        st.bad_registrations++;
        logLimited("reg-bad:" + user.substr(0, 64), "REGISTER with bad credentials for '" + user.substr(0, 64) + "'");
      }
      stack->reply(msg, 401, "Unauthorized", "WWW-Authenticate: " + digest->challenge() + "\r\n");
      return;
    }
    if (user != plStr(msg->to.uri.user)) {
      stack->reply(msg, 403, "Forbidden");
      return;
    }
    std::string contact = headerOf(msg, SIP_HDR_CONTACT);
    int64_t expires = 3600;
    if (msg->expires.p) expires = static_cast<int64_t>(pl_u32(&msg->expires));
    auto pe = contact.find("expires=");
    if (pe != std::string::npos) expires = std::atoll(contact.c_str() + pe + 8);
    auto lt = contact.find('<');
    auto gt = contact.find('>');
    std::string uri = (lt != std::string::npos && gt != std::string::npos && gt > lt)
                          ? contact.substr(lt + 1, gt - lt - 1)
                          : contact.substr(0, contact.find(';'));
    if (uri.empty() || contact == "*" || expires <= 0) {
      regs.erase(user);
      if (cfg.on_registration) cfg.on_registration(user, "", 0);
      stack->reply(msg, 200, "OK");
      return;
    }
    expires = std::min<int64_t>(expires, 3600);
    regs[user] = Registration{uri, steadyMillis() + expires * 1000};
    st.registrations++;
    if (cfg.on_registration) cfg.on_registration(user, uri, toEpochMillis(clock.now()) + expires * 1000);
    stack->reply(msg, 200, "OK", "Contact: <" + uri + ">;expires=" + std::to_string(expires) + "\r\n");
  }

  void onInvite(const struct sip_msg* msg) {
    // Nobody calls into Clearline: callers are called by us at login.
    std::string user = toUser(msg);
    st.inbound_refused++;
    if (password(user)) {
      logLimited("inbound-caller", "INVITE to caller '" + user.substr(0, 64) + "' refused: 480");
      stack->reply(msg, 480, "Temporarily Unavailable");
    } else {
      logLimited("inbound-unknown", "INVITE to unknown user '" + user.substr(0, 64) + "': 404");
      stack->reply(msg, 404, "Not Found");
    }
  }

  void openCallerLeg(const std::string& ref) {
    if (shutting_down) return;
    if (callers.count(ref)) return;  // already open or opening
    auto r = regs.find(ref);
    if (r == regs.end() || r->second.expires_at < steadyMillis()) {
      logLimited("caller-unreg:" + ref, "caller '" + ref + "' has no registered phone");
      emitCaller(Kind::kCallerLegDown, ref, HangupCause::kCallerGone);
      return;
    }
    auto leg = std::make_unique<CallerLeg>();
    leg->impl = this;
    leg->ref = ref;
    auto media = MediaLeg::create(cfg.listen_ip, cfg.rtp_port_min, cfg.rtp_port_max);
    if (!media.isOk()) {
      emitCaller(Kind::kCallerLegDown, ref, HangupCause::kError);
      return;
    }
    leg->media = std::move(*media);
    CallerLeg* k = leg.get();
    k->media->on_audio = [this, k](const RtpPacket& p) { onCallerAudio(*k, p); };
    k->media->on_dtmf = [this, k](char d) {
      if (digit_fn) digit_fn(k->ref, d);
    };
    struct mbuf* offer = k->media->encodeSdp(true);
    std::string from = contactUri();
    int err = sipsess_connect(&k->sess, stack->sock(), r->second.contact.c_str(), "Clearline", from.c_str(),
                              "clearline", nullptr, 0, "application/sdp", offer, nullptr, nullptr, false,
                              nullptr, &Impl::onCallerAnswer, nullptr, &Impl::onCallerEstab, nullptr,
                              nullptr, &Impl::onCallerClose, k, "X-Clearline-Caller-Leg: %s\r\n",
                              ref.c_str());
    mem_deref(offer);
    if (err) {
      emitCaller(Kind::kCallerLegDown, ref, HangupCause::kError);
      return;
    }
    callers.emplace(ref, std::move(leg));
  }

  static int onCallerAnswer(const struct sip_msg* msg, void* arg) {
    auto* k = static_cast<CallerLeg*>(arg);
    Status s = k->media->decodeSdp(msg->mb, false);
    if (!s.isOk()) {
      logLimited("caller-sdp", "caller phone SDP refused: " + s.message());
      return EPROTO;
    }
    return 0;
  }

  static void onCallerEstab(const struct sip_msg*, void* arg) {
    auto* k = static_cast<CallerLeg*>(arg);
    if (!k->media->hasRemote()) return;
    k->up = true;
    k->up_ms = steadyMillis();
    k->impl->emitCaller(Kind::kCallerLegUp, k->ref);
  }

  static void onCallerClose(int, const struct sip_msg*, void* arg) {
    auto* k = static_cast<CallerLeg*>(arg);
    k->sess = static_cast<struct sipsess*>(mem_deref(k->sess));
    k->impl->dropCaller(*k, HangupCause::kCallerGone);
  }

  void dropCaller(CallerLeg& k, HangupCause cause) {
    std::string ref = k.ref;
    if (k.bridged.valid()) {
      // The customer's call ends because its caller's leg did: a media timeout
      // keeps its own cause on the call, anything else is "caller gone".
      HangupCause cc = cause == HangupCause::kMediaTimeout ? cause : HangupCause::kCallerGone;
      if (CustLeg* c = find(k.bridged)) endCall(*c, cc, 0, true);
    }
    if (k.sess && cause == HangupCause::kMediaTimeout) {
      (void)sipsess_set_close_headers(k.sess, "Reason: Q.850;cause=%d\r\n", q850ForCause(cause));
    }
    k.sess = static_cast<struct sipsess*>(mem_deref(k.sess));
    emitCaller(Kind::kCallerLegDown, ref, cause);
    auto a = alive;
    auto node = callers.extract(ref);
    if (!node.empty()) {
      // Free after the current libre callback returns.
      auto holder = std::make_shared<std::unique_ptr<CallerLeg>>(std::move(node.mapped()));
      loop.post([holder] {});
    }
  }

  void closeCallerLeg(const std::string& ref) {
    auto it = callers.find(ref);
    if (it == callers.end()) return;
    dropCaller(*it->second, HangupCause::kNormal);
  }

  void bridge(CallId id, const std::string& ref) {
    CustLeg* c = find(id);
    if (!c || c->state == CustState::kEnded) {
      logLimited("bridge-nocall", "bridge for a call that is not live: ignored");
      return;
    }
    auto it = callers.find(ref);
    bool ok = c->state == CustState::kAnswered && it != callers.end() && it->second->up &&
              !it->second->bridged.valid();
    if (!ok) {
      logLimited("bridge-fail", "bridge refused (call state or caller '" + ref + "' not free): safe harbor");
      if (c->state == CustState::kAnswered) startPrompt(*c);
      return;
    }
    if (c->deadline_timer) loop.cancelTimer(c->deadline_timer);
    c->deadline_timer = 0;
    c->state = CustState::kBridged;
    c->bridged_ms = steadyMillis();
    c->caller_ref = ref;
    it->second->bridged = id;
    it->second->tone = nullptr;  // a new customer: no tone over them
    // A recorded call where all-party consent requires it: the announcement first.
    if (c->record_all && c->announce) startAnnouncement(*c);
    st.calls_bridged++;
    emitCall(Kind::kBridged, id, HangupCause::kNormal, 0, ref);
  }

  void playSafeHarbor(CallId id) {
    CustLeg* c = find(id);
    if (!c || c->state != CustState::kAnswered) {
      logLimited("sh-state", "safe harbor asked for a call that is not answered and idle: ignored");
      return;
    }
    if (c->deadline_timer) loop.cancelTimer(c->deadline_timer);
    c->deadline_timer = 0;
    startPrompt(*c);
  }

  void hangup(CallId id, HangupCause cause) {
    CustLeg* c = find(id);
    if (!c) return;
    endCall(*c, cause, 0, true);
  }

  // ------------------------------------------------------------ trunk health
  void scheduleOptions(Millis delay) {
    if (options_timer) loop.cancelTimer(options_timer);
    options_timer = loop.addTimer(delay, [this] {
      options_timer = 0;
      sendOptions();
    });
  }

  void probeTrunkNow() {
    if (!options_req) scheduleOptions(Millis(0));
  }

  void sendOptions() {
    if (options_req || shutting_down) return;
    std::string uri = trunk_uri_base;
    int err = sip_requestf(&options_req, stack->sip(), true, "OPTIONS", uri.c_str(), &trunk_route, nullptr,
                           nullptr, &Impl::onOptionsResp, this,
                           "To: <%s>\r\nFrom: <%s>;tag=%016llx\r\n"
                           "Call-ID: %016llx\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
                           uri.c_str(), contactUri().c_str(), static_cast<unsigned long long>(rand_u64()),
                           static_cast<unsigned long long>(rand_u64()));
    if (err) {
      options_req = nullptr;
      optionsResult(false);
      return;
    }
    options_timeout_timer = loop.addTimer(cfg.options_timeout, [this] {
      options_timeout_timer = 0;
      options_req = static_cast<struct sip_request*>(mem_deref(options_req));
      optionsResult(false);
    });
  }

  static void onOptionsResp(int err, const struct sip_msg* msg, void* arg) {
    auto* self = static_cast<Impl*>(arg);
    if (self->options_timeout_timer) self->loop.cancelTimer(self->options_timeout_timer);
    self->options_timeout_timer = 0;
    self->options_req = nullptr;  // the request is done; libre frees it
    self->optionsResult(!err && msg && msg->scode < 500 && msg->scode != 408);
  }

  void optionsResult(bool ok) {
    if (ok) {
      options_failures = 0;
      if (!trunk_up) {
        trunk_up = true;
        spdlog::info("sip: trunk is up");
        TelephonyEvent ev;
        ev.kind = Kind::kTrunkUp;
        emit(ev);
      }
    } else if (++options_failures >= 2 && trunk_up) {
      trunk_up = false;
      spdlog::warn("sip: trunk is down (no OPTIONS answer)");
      TelephonyEvent ev;
      ev.kind = Kind::kTrunkDown;
      emit(ev);
    }
    // Probe faster while something is wrong.
    scheduleOptions(ok ? cfg.options_interval : std::min(cfg.options_interval, Millis(1000)));
  }

  void shutdown() {
    shutting_down = true;
    std::vector<int64_t> ids;
    for (auto& [id, c] : calls) ids.push_back(id);
    for (int64_t id : ids) {
      if (CustLeg* c = find(CallId(id))) endCall(*c, HangupCause::kSystemRestart, 0, true);
    }
    std::vector<std::string> refs;
    for (auto& [ref, k] : callers) refs.push_back(ref);
    for (auto& ref : refs) closeCallerLeg(ref);
    if (options_timer) loop.cancelTimer(options_timer);
    if (options_timeout_timer) loop.cancelTimer(options_timeout_timer);
    if (media_timer) loop.cancelTimer(media_timer);
    options_timer = options_timeout_timer = media_timer = 0;
    options_req = static_cast<struct sip_request*>(mem_deref(options_req));
  }
};

// ------------------------------------------------------------ public face

LibreTelephony::LibreTelephony(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LibreTelephony::~LibreTelephony() {
  *impl_->alive = false;
  impl_->shutting_down = true;
  for (auto& [id, c] : impl_->calls) {
    if (c->ring_timer) impl_->loop.cancelTimer(c->ring_timer);
    if (c->deadline_timer) impl_->loop.cancelTimer(c->deadline_timer);
    if (c->amd_timer) impl_->loop.cancelTimer(c->amd_timer);
    c->sess = static_cast<struct sipsess*>(mem_deref(c->sess));
  }
  impl_->calls.clear();
  for (auto& [ref, k] : impl_->callers) k->sess = static_cast<struct sipsess*>(mem_deref(k->sess));
  impl_->callers.clear();
  if (impl_->options_timer) impl_->loop.cancelTimer(impl_->options_timer);
  if (impl_->options_timeout_timer) impl_->loop.cancelTimer(impl_->options_timeout_timer);
  if (impl_->media_timer) impl_->loop.cancelTimer(impl_->media_timer);
  impl_->options_req = static_cast<struct sip_request*>(mem_deref(impl_->options_req));
  impl_->stack.reset();
}

Result<std::unique_ptr<LibreTelephony>> LibreTelephony::create(LibreLoop& loop, const Clock& clock,
                                                               LibreTelephonyConfig cfg,
                                                               core::TelephonyListener* listener) {
  auto impl = std::make_unique<Impl>(loop, clock, std::move(cfg), listener);
  Impl* p = impl.get();
  MediaLeg::loopback_only = p->cfg.loopback_only;
  ASSIGN_OR_RETURN(p->stack, SipStack::create(p->cfg.listen_ip, p->cfg.listen_port, "Clearline",
                                              [p](const struct sip_msg* m) { p->onInvite(m); },
                                              [p](const struct sip_msg* m) { return p->onRequest(m); }));
  p->digest = std::make_unique<DigestServer>("clearline");
  p->trunk_uri_base = "sip:" + p->cfg.trunk_host + ":" + std::to_string(p->cfg.trunk_port) +
                      (p->cfg.trunk_transport == "tcp" ? ";transport=tcp" : "");
  p->trunk_route_str = p->trunk_uri_base;
  struct pl pl;
  pl_set_str(&pl, p->trunk_route_str.c_str());
  if (uri_decode(&p->trunk_route, &pl)) return Status::invalidArgument("bad trunk address");
  if (!p->cfg.recordings_dir.empty()) {
    std::string cmd = p->cfg.recordings_dir;
    (void)::mkdir(cmd.c_str(), 0755);
  }
  std::unique_ptr<LibreTelephony> t(new LibreTelephony(std::move(impl)));
  p->tick();
  p->scheduleOptions(Millis(0));
  p->scheduleMediaCheck();
  return t;
}

void LibreTelephony::originate(const core::OriginateRequest& req) { impl_->originate(req); }
void LibreTelephony::hangup(CallId call, HangupCause cause) { impl_->hangup(call, cause); }
void LibreTelephony::bridge(CallId call, const std::string& ref) { impl_->bridge(call, ref); }
void LibreTelephony::playSafeHarbor(CallId call) { impl_->playSafeHarbor(call); }
void LibreTelephony::openCallerLeg(const std::string& ref) { impl_->openCallerLeg(ref); }
void LibreTelephony::closeCallerLeg(const std::string& ref) { impl_->closeCallerLeg(ref); }
bool LibreTelephony::trunkUp() const { return impl_->trunk_up; }
void LibreTelephony::setCampaignPrompt(CampaignId c, const std::string& wav) { impl_->campaign_prompt[c.value] = wav; }
void LibreTelephony::setCampaignRecording(CampaignId c, RecordingMode m) { impl_->campaign_rec[c.value] = m; }
bool LibreTelephony::startRecording(CallId call) {
  CustLeg* c = impl_->find(call);
  if (!c || impl_->cfg.recordings_dir.empty() || c->state == CustState::kEnded) return false;
  if (!c->may_record) {
    impl_->st.recordings_refused++;
    return false;
  }
  if (c->recording) return true;
  if (c->announce && !c->announced) {
    // The announcement is due: only on a bridged call, where it can be played first.
    if (c->state != CustState::kBridged) return false;
    impl_->startAnnouncement(*c);
    return true;
  }
  c->recording = true;
  return true;
}
void LibreTelephony::setCampaignAnnouncement(CampaignId c, const std::string& wav) { impl_->campaign_ann[c.value] = wav; }
bool LibreTelephony::announcementPlayed(CallId call) const {
  const CustLeg* c = impl_->find(call);
  return c && c->announced;
}
std::string LibreTelephony::recordingPath(CallId call) const {
  const CustLeg* c = impl_->find(call);
  if (!c || !c->recording || !c->was_answered) return "";
  return impl_->pathFor(call);
}
void LibreTelephony::setCallerDigitHandler(std::function<void(const std::string&, char)> fn) {
  impl_->digit_fn = std::move(fn);
}
bool LibreTelephony::callerRegistered(const std::string& ref) const {
  auto it = impl_->regs.find(ref);
  return it != impl_->regs.end() && it->second.expires_at >= steadyMillis();
}
void LibreTelephony::restoreRegistration(const std::string& ref, const std::string& contact, int64_t expires_at) {
  int64_t left = expires_at - toEpochMillis(impl_->clock.now());
  if (left <= 0 || contact.empty()) return;
  impl_->regs[ref] = Registration{contact, steadyMillis() + left};
}
void LibreTelephony::shutdown() { impl_->shutdown(); }
uint16_t LibreTelephony::sipPort() const { return impl_->stack->port(); }
TelephonyStats LibreTelephony::stats() const {
  TelephonyStats s = impl_->st;
  s.active_calls = impl_->calls.size();
  s.caller_legs = impl_->callers.size();
  return s;
}

}  // namespace clearline::sip
