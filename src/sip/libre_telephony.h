// LibreTelephony: core::Telephony over real SIP/RTP (libre).
//
// Owns, on the LibreLoop thread:
//  - the trunk leg: INVITE to the configured trunk (UDP or TCP, digest auth,
//    caller ID in From and P-Asserted-Identity, PCMU/PCMA + RFC 4733 offer),
//    ring timeout never below 15 s then CANCEL, early media, every outcome
//    mapped through hangup_causes.h; trunk health by OPTIONS (a trunk marked
//    down makes originate() end at once with kTrunkDown);
//  - the registrar for callers' phones (digest auth, credentials from
//    Config::caller_password) and the callers' open legs (one INVITE at login,
//    kept up between customers);
//  - the bridge: RTP relayed between a customer leg and a caller leg inside
//    this process (own SSRC/seq/ts per leg, µ-law <-> A-law transcoding);
//  - answering-machine detection (sip/amd.h) on calls originated with
//    detect_machine: kMachine, or kGreetingEnded + kHuman, within the budget;
//    on every other answered call the same detector listens only for the end
//    of a short greeting: kGreetingEnded alone (R2's reference point; a long
//    greeting or silence reports nothing, and the runtime counts the grace
//    from the answer);
//  - the safe-harbor prompt (and a safety net: an answered customer that is
//    neither bridged nor prompted nor hung up 3 s after answer, or after the
//    greeting's end once it is heard, gets the prompt);
//  - recordings (both parties, stereo WAV: left customer, right caller);
//  - the recording announcement (all-party consent, core/policy/recording_consent.h):
//    a recorded call whose plan says so starts recording at the bridge with
//    the announcement, played to the customer and the caller on the 20 ms
//    clock (recorded on the right channel), no relay either way until it
//    ends; a call whose plan forbids recording is never recorded;
//  - media timeouts: a bridged customer leg or an open caller leg with no RTP
//    for cfg.media_timeout is ended with kMediaTimeout (a caller's phone that
//    vanished without BYE also loses its registration: it must REGISTER again).
// Events go to the TelephonyListener, always posted on the loop (never
// re-entrantly from a command). Every method: loop thread only.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "core/ports/telephony.h"
#include "sip/amd.h"
#include "sip/libre_loop.h"

namespace clearline::sip {

enum class RecordingMode { kNever, kAll, kOnDemand };
RecordingMode recordingModeFromString(const std::string& s);

// Asked at originate() for every call of a campaign that records: must its
// recorded conversation start with the recording announcement, and may it be
// recorded at all (the Dialer decides from the consent table).
struct RecordingPlan {
  bool announce = false;
  bool record = true;
};

struct LibreTelephonyConfig {
  std::string listen_ip = "127.0.0.1";
  uint16_t listen_port = 5060;  // 0 = ephemeral (tests)
  std::string trunk_host = "127.0.0.1";
  uint16_t trunk_port = 5070;
  std::string trunk_transport = "udp";  // udp | tcp
  std::string trunk_username, trunk_password;
  uint16_t rtp_port_min = 20000, rtp_port_max = 29999;
  Millis options_interval{10000};
  Millis options_timeout{2000};
  std::string safe_harbor_wav;          // default prompt (campaigns may override)
  Millis safe_harbor_deadline{3000};    // safety net after answer (the runtime's grace is 2 s)
  std::string recordings_dir;           // "" = recordings off
  bool loopback_only = true;            // refuse SDP media outside 127/8
  // A bridged customer leg or an open caller leg that receives no RTP for this
  // long is ended with HangupCause::kMediaTimeout ([sip] media_timeout_s; 0 = off).
  Millis media_timeout{10000};
  // Answering-machine detection for calls originated with detect_machine
  // (sip/amd.h) on the answered customer's inbound audio. The verdict is due
  // within amd.total_analysis_ms of answer, also on the wall clock (no audio:
  // "human"); the Dialer sets it to the grace minus 300 ms.
  AmdConfig amd = amdConfigForBudget(1700);
  // The recording plan of a call of a recording campaign; unset = record, no announcement.
  std::function<RecordingPlan(const core::OriginateRequest&)> recording_plan;
  // The default recording announcement (8 kHz mono WAV; campaigns may
  // override); "" or unreadable = a notice tone (two 1400 Hz beeps).
  std::string recording_announcement_wav;
  // When a bridged customer hangs up (or their leg fails), the caller's phone
  // hears the "customer gone" tone: three 150 ms beeps of 1200 Hz, 100 ms
  // apart ([sip] customer_gone_tone). Not when the caller ended the call.
  bool customer_gone_tone = true;
  // Password of a caller's SIP account (user name == caller_ref); nullopt = unknown.
  std::function<std::optional<std::string>(const std::string&)> caller_password;
  // Told about every accepted REGISTER (expires_at: epoch ms; 0 = removed), so
  // the owner can persist registrations across restarts.
  std::function<void(const std::string& user, const std::string& contact, int64_t expires_at)> on_registration;
};

struct TelephonyStats {
  uint64_t calls_placed = 0, calls_answered = 0, calls_bridged = 0, safe_harbor_played = 0,
           safe_harbor_auto = 0, trunk_refused = 0, registrations = 0, bad_registrations = 0,
           inbound_refused = 0, recordings_written = 0, recording_failures = 0;
  uint64_t media_timeouts_caller = 0, media_timeouts_customer = 0;
  uint64_t amd_human = 0, amd_machine = 0, amd_undecided = 0;  // undecided: treated as human
  uint64_t greetings_heard = 0;  // calls placed without AMD whose greeting's end was heard
  uint64_t announcements_played = 0, recordings_refused = 0;
  uint64_t customer_gone_tones = 0;  // "customer gone" tones started on a caller's phone
  uint64_t rtp_relayed_to_caller = 0, rtp_relayed_to_customer = 0;
  size_t active_calls = 0, caller_legs = 0;
};

class LibreTelephony final : public core::Telephony {
 public:
  static Result<std::unique_ptr<LibreTelephony>> create(LibreLoop& loop, const Clock& clock,
                                                        LibreTelephonyConfig cfg,
                                                        core::TelephonyListener* listener);
  ~LibreTelephony() override;

  void originate(const core::OriginateRequest& req) override;
  void hangup(CallId call, core::HangupCause cause) override;
  void bridge(CallId call, const std::string& caller_ref) override;
  void playSafeHarbor(CallId call) override;
  void openCallerLeg(const std::string& caller_ref) override;
  void closeCallerLeg(const std::string& caller_ref) override;
  bool trunkUp() const override;

  // Not in the port (the dialer wires them):
  void setCampaignPrompt(CampaignId campaign, const std::string& wav_path);
  void setCampaignRecording(CampaignId campaign, RecordingMode mode);
  // On-demand mode: records from now (the announcement first when the call's
  // plan says so). False if the call may not be recorded (its plan forbids
  // it, no recordings folder, not live).
  bool startRecording(CallId call);
  // The campaign's own recording announcement (WAV); "" = the default.
  void setCampaignAnnouncement(CampaignId campaign, const std::string& wav_path);
  // True once the recording announcement was played in full on `call`.
  bool announcementPlayed(CallId call) const;
  // Where the recording of `call` is (or will be) written; "" if none.
  std::string recordingPath(CallId call) const;
  // DTMF digits a caller keys on their open leg (e.g. '#' = end the call).
  void setCallerDigitHandler(std::function<void(const std::string& caller_ref, char digit)> fn);
  bool callerRegistered(const std::string& caller_ref) const;
  // Restores a stored registration (after a restart); expires_at: epoch ms.
  void restoreRegistration(const std::string& caller_ref, const std::string& contact, int64_t expires_at);
  // Ends every call and caller leg (BYE/CANCEL); keep the loop running ~0.5 s after.
  void shutdown();
  uint16_t sipPort() const;
  TelephonyStats stats() const;

  struct Impl;

 private:
  explicit LibreTelephony(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace clearline::sip
