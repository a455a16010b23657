// Building blocks shared by LibreTelephony, clearline-carrier and
// clearline-agentbot (internal to src/sip; libre types are only
// forward-declared here, <re.h> stays in the .cc files):
//  - SipStack: a libre SIP stack on one IP (UDP + TCP on the same port), a
//    session socket for INVITEs and a listener for other requests.
//  - MediaLeg: one RTP endpoint with SDP offer/answer (PCMU, PCMA, RFC 4733
//    telephone-event), source-address checking, relay with RTP rewriting,
//    G.711 transcoding, prompt playback frames, DTMF send/receive, counters.
//  - DigestServer: RFC 2617 digest challenges and verification (registrar,
//    carrier trunk auth).
//  - logLimited: a log line at most once per key per interval.
// All of it runs on the LibreLoop thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "sip/media.h"

struct sip;
struct sipsess_sock;
struct sip_msg;
struct rtp_sock;
struct sdp_session;
struct sdp_media;
struct mbuf;
struct sip_lsnr;

namespace clearline::sip {

// Logs `msg` (warn) at most once per `key` every 10 s; counts the rest.
void logLimited(const std::string& key, const std::string& msg);
uint64_t logLimitedSuppressed();

class SipStack {
 public:
  using InviteFn = std::function<void(const struct sip_msg*)>;
  // Return true when the request was handled (a reply was sent).
  using RequestFn = std::function<bool(const struct sip_msg*)>;
  static Result<std::unique_ptr<SipStack>> create(const std::string& ip, uint16_t port,
                                                  const std::string& user_agent, InviteFn on_invite,
                                                  RequestFn on_request);
  ~SipStack();
  struct sip* sip() const { return sip_; }
  struct sipsess_sock* sock() const { return sock_; }
  uint16_t port() const { return port_; }
  const std::string& ip() const { return ip_; }
  // Sends a final response to a request outside any dialog.
  void reply(const struct sip_msg* msg, int code, const char* reason, const std::string& extra_hdrs = "");

  InviteFn on_invite;
  RequestFn on_request;

 private:
  SipStack() = default;
  struct sip* sip_ = nullptr;
  struct sipsess_sock* sock_ = nullptr;
  struct sip_lsnr* lsnr_ = nullptr;
  uint16_t port_ = 0;
  std::string ip_;
};

struct RtpPacket {
  uint32_t ssrc = 0;
  uint16_t seq = 0;
  uint32_t ts = 0;
  uint8_t pt = 0;
  bool marker = false;
  uint8_t* payload = nullptr;
  size_t len = 0;
};

class MediaLeg {
 public:
  static Result<std::unique_ptr<MediaLeg>> create(const std::string& ip, uint16_t port_min,
                                                  uint16_t port_max);
  ~MediaLeg();
  MediaLeg(const MediaLeg&) = delete;
  MediaLeg& operator=(const MediaLeg&) = delete;

  // Offer (UAC) or answer (UAS). The caller owns the returned mbuf (mem_deref).
  struct mbuf* encodeSdp(bool offer);
  // Decodes the far end's SDP (offer or answer). Fails when there is no common
  // codec or the address is not acceptable (loopback-only mode).
  Status decodeSdp(struct mbuf* mb, bool is_offer);
  bool hasRemote() const { return have_remote_; }
  Codec codec() const { return codec_; }
  uint16_t localPort() const;

  // Audio of `samples` 16-bit samples on our own timeline (prompts, bots).
  void sendPcm(const int16_t* pcm, size_t samples);
  // Relays a packet received on another leg (rewriting SSRC/seq/ts, transcoding).
  void relay(const RtpPacket& in, Codec in_codec);
  // RFC 4733 digit (0-9, *, #), three end packets.
  void sendDtmf(char digit);

  std::function<void(const RtpPacket&)> on_audio;  // PCMU/PCMA packets from the far end
  std::function<void(char)> on_dtmf;               // one call per digit (end of event)
  static bool loopback_only;                       // refuse non-127/8 media (tests, demo)

  uint64_t rx_packets = 0, tx_packets = 0, rx_bad_source = 0, rx_voiced = 0;
  // steadyMillis() of the last RTP packet from the negotiated source (any
  // payload type: audio, DTMF, comfort noise); 0 = none yet. Media timeouts.
  int64_t last_rx_ms = 0;

  // libre callback glue (public for the C trampolines in stack.cc).
  void onRtp(const void* src, const void* hdr, struct mbuf* mb);

 private:
  MediaLeg() = default;
  void sendPayload(uint8_t pt, const uint8_t* data, size_t n, uint32_t ts, bool marker);
  struct rtp_sock* rtp_ = nullptr;
  struct sdp_session* sdp_ = nullptr;
  struct sdp_media* sdpm_ = nullptr;
  std::vector<uint8_t> remote_;  // struct sa, opaque here
  bool have_remote_ = false;
  Codec codec_ = Codec::kPcmu;
  int dtmf_pt_ = 101;
  RtpRewriter rewriter_;
  uint32_t last_dtmf_ts_ = 0;
  bool have_dtmf_ts_ = false;
  uint32_t dtmf_ts_ = 0;
};

// Digest authentication, server side (MD5, qop=auth or none).
class DigestServer {
 public:
  explicit DigestServer(std::string realm);
  // The header value for WWW-Authenticate / Proxy-Authenticate.
  std::string challenge();
  // Checks an Authorization header value for `method` against `password`;
  // `username` receives the claimed user name (even when the check fails).
  bool verify(const std::string& auth_header, const std::string& method,
              const std::function<std::optional<std::string>(const std::string&)>& password_for,
              std::string* username);
  const std::string& realm() const { return realm_; }

 private:
  std::string realm_;
  std::map<std::string, int64_t> nonces_;  // nonce -> issued (steady ms)
};

// Header helpers over a sip_msg.
std::string headerValue(const struct sip_msg* msg, const char* name);
std::string methodOf(const struct sip_msg* msg);
std::string toUser(const struct sip_msg* msg);
std::string fromUser(const struct sip_msg* msg);
int64_t steadyMillis();

}  // namespace clearline::sip
