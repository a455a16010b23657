#include "sip/stack.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>
#include <unordered_map>

#include <re.h>
#undef OS
#undef ARCH
#undef VERSION

namespace clearline::sip {

bool MediaLeg::loopback_only = true;

int64_t steadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

namespace {
std::string plStr(const struct pl& p) { return p.p ? std::string(p.p, p.l) : std::string(); }
uint64_t nowSamples() { return static_cast<uint64_t>(steadyMillis()) * 8; }

std::unordered_map<std::string, int64_t>& limiter() {
  static std::unordered_map<std::string, int64_t> m;
  return m;
}
uint64_t g_suppressed = 0;

bool isLoopback(const struct sa* sa) {
  return sa_af(sa) == AF_INET && (ntohl(sa->u.in.sin_addr.s_addr) >> 24) == 127;
}

std::string randomHex(size_t bytes) {
  static std::mt19937_64 rng{std::random_device{}()};
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < bytes; i++) {
    auto b = static_cast<uint8_t>(rng());
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 15]);
  }
  return s;
}
}  // namespace

void logLimited(const std::string& key, const std::string& msg) {
  int64_t now = steadyMillis();
  auto& m = limiter();
  auto it = m.find(key);
  if (it != m.end() && now - it->second < 10000) {
    ++g_suppressed;
    return;
  }
  if (m.size() > 4096) m.clear();
  m[key] = now;
  spdlog::warn("sip: {}", msg);
}
uint64_t logLimitedSuppressed() { return g_suppressed; }

std::string headerValue(const struct sip_msg* msg, const char* name) {
  const struct sip_hdr* h = sip_msg_xhdr(msg, name);
  return h ? plStr(h->val) : std::string();
}
std::string methodOf(const struct sip_msg* msg) { return plStr(msg->met); }
std::string toUser(const struct sip_msg* msg) { return plStr(msg->to.uri.user); }
std::string fromUser(const struct sip_msg* msg) { return plStr(msg->from.uri.user); }

// ---------------------------------------------------------------- SipStack

namespace {
void onSessConn(const struct sip_msg* msg, void* arg) {
  auto* s = static_cast<SipStack*>(arg);
  if (s->on_invite) {
    s->on_invite(msg);
  } else {
    s->reply(msg, 603, "Decline");
  }
}
void onTrace(bool tx, enum sip_transp, const struct sa* src, const struct sa* dst, const uint8_t* pkt,
             size_t len, void*) {
  re_fprintf(stderr, "%s %J -> %J\n%b\n", tx ? "TX" : "RX", src, dst, pkt, len);
}
bool onRequest(const struct sip_msg* msg, void* arg) {
  auto* s = static_cast<SipStack*>(arg);
  return s->on_request ? s->on_request(msg) : false;
}
}  // namespace

Result<std::unique_ptr<SipStack>> SipStack::create(const std::string& ip, uint16_t port,
                                                   const std::string& user_agent,
                                                   InviteFn on_invite, RequestFn on_request) {
  std::unique_ptr<SipStack> s(new SipStack());
  s->on_invite = std::move(on_invite);
  s->on_request = std::move(on_request);
  s->ip_ = ip;
  int err = sip_alloc(&s->sip_, nullptr, 1024, 1024, 1024, user_agent.c_str(), nullptr, nullptr);
  if (err) return Status::internal("sip_alloc failed");
  struct sa la;
  if (sa_set_str(&la, ip.c_str(), port)) return Status::invalidArgument("bad SIP listen address " + ip);
  // UDP and TCP listen on one port number. With port 0 the kernel picks a
  // free UDP port, and that number may be taken for TCP (any process's
  // outgoing connection holds an ephemeral TCP port): then try another pick
  // (a caller bot in a CI run failed so, "cannot bind SIP TCP …: Address
  // already in use"). A port given explicitly is not changed.
  for (int attempt = 1;; ++attempt) {
    sa_set_port(&la, port);
    err = sip_transp_add(s->sip_, SIP_TRANSP_UDP, &la);
    if (err) {
      return Status::unavailable("cannot bind SIP UDP " + ip + ":" + std::to_string(port) + ": " +
                                 std::strerror(err));
    }
    struct sa bound;
    sa_init(&bound, AF_INET);
    if (sip_transp_laddr(s->sip_, &bound, SIP_TRANSP_UDP, nullptr) == 0) s->port_ = sa_port(&bound);
    sa_set_port(&la, s->port_);
    err = sip_transp_add(s->sip_, SIP_TRANSP_TCP, &la);
    if (!err) break;
    if (port != 0 || err != EADDRINUSE || attempt >= 32) {
      return Status::unavailable("cannot bind SIP TCP " + ip + ":" + std::to_string(s->port_) + ": " +
                                 std::strerror(err));
    }
    sip_transp_flush(s->sip_);  // drop the UDP transport and pick again
  }
  err = sipsess_listen(&s->sock_, s->sip_, 1024, &onSessConn, s.get());
  if (err) return Status::internal("sipsess_listen failed");
  err = sip_listen(&s->lsnr_, s->sip_, true, &onRequest, s.get());
  if (err) return Status::internal("sip_listen failed");
  if (std::getenv("CLEARLINE_SIP_TRACE")) sip_set_trace_handler(s->sip_, &onTrace);
  return s;
}

SipStack::~SipStack() {
  lsnr_ = static_cast<struct sip_lsnr*>(mem_deref(lsnr_));
  sock_ = static_cast<struct sipsess_sock*>(mem_deref(sock_));
  if (sip_) sip_close(sip_, true);
  sip_ = static_cast<struct sip*>(mem_deref(sip_));
}

void SipStack::reply(const struct sip_msg* msg, int code, const char* reason,
                     const std::string& extra_hdrs) {
  (void)sip_replyf(sip_, msg, static_cast<uint16_t>(code), reason, "%sContent-Length: 0\r\n\r\n",
                   extra_hdrs.c_str());
}

// ---------------------------------------------------------------- MediaLeg

namespace {
void onRtpTrampoline(const struct sa* src, const struct rtp_header* hdr, struct mbuf* mb, void* arg) {
  static_cast<MediaLeg*>(arg)->onRtp(src, hdr, mb);
}
int dtmfCode(char d) {
  if (d >= '0' && d <= '9') return d - '0';
  if (d == '*') return 10;
  if (d == '#') return 11;
  return -1;
}
char dtmfChar(int e) {
  if (e >= 0 && e <= 9) return static_cast<char>('0' + e);
  if (e == 10) return '*';
  if (e == 11) return '#';
  return 0;
}
}  // namespace

Result<std::unique_ptr<MediaLeg>> MediaLeg::create(const std::string& ip, uint16_t port_min,
                                                   uint16_t port_max) {
  std::unique_ptr<MediaLeg> m(new MediaLeg());
  struct sa la;
  if (sa_set_str(&la, ip.c_str(), 0)) return Status::invalidArgument("bad RTP address " + ip);
  int err = rtp_listen(&m->rtp_, IPPROTO_UDP, &la, port_min, port_max, false, &onRtpTrampoline,
                       nullptr, m.get());
  if (err) return Status::resourceExhausted(std::string("no RTP port: ") + std::strerror(err));
  err = sdp_session_alloc(&m->sdp_, &la);
  err |= sdp_media_add(&m->sdpm_, m->sdp_, "audio", sa_port(rtp_local(m->rtp_)), "RTP/AVP");
  err |= sdp_format_add(nullptr, m->sdpm_, false, "0", "PCMU", 8000, 1, nullptr, nullptr, nullptr,
                        false, nullptr);
  err |= sdp_format_add(nullptr, m->sdpm_, false, "8", "PCMA", 8000, 1, nullptr, nullptr, nullptr,
                        false, nullptr);
  err |= sdp_format_add(nullptr, m->sdpm_, false, "101", "telephone-event", 8000, 1, nullptr,
                        nullptr, nullptr, false, "0-15");
  if (err) return Status::internal("SDP setup failed");
  m->remote_.resize(sizeof(struct sa));
  return m;
}

MediaLeg::~MediaLeg() {
  rtp_ = static_cast<struct rtp_sock*>(mem_deref(rtp_));
  sdp_ = static_cast<struct sdp_session*>(mem_deref(sdp_));
}

uint16_t MediaLeg::localPort() const { return sa_port(rtp_local(rtp_)); }

struct mbuf* MediaLeg::encodeSdp(bool offer) {
  struct mbuf* mb = nullptr;
  if (sdp_encode(&mb, sdp_, offer)) return nullptr;
  return mb;
}

Status MediaLeg::decodeSdp(struct mbuf* mb, bool is_offer) {
  if (!mb) return Status::invalidArgument("no SDP");
  size_t pos = mb->pos;
  int err = sdp_decode(sdp_, mb, is_offer);
  mb->pos = pos;
  if (err) return Status::invalidArgument("malformed SDP");
  const struct list* rl = sdp_media_format_lst(sdpm_, false);
  bool found = false;
  for (struct le* le = rl ? rl->head : nullptr; le; le = le->next) {
    auto* f = static_cast<const struct sdp_format*>(le->data);
    if (!f->name) continue;
    if (!found && f->srate == 8000 && (str_casecmp(f->name, "PCMU") == 0 || str_casecmp(f->name, "PCMA") == 0)) {
      codec_ = str_casecmp(f->name, "PCMU") == 0 ? Codec::kPcmu : Codec::kPcma;
      found = true;
    } else if (str_casecmp(f->name, "telephone-event") == 0) {
      dtmf_pt_ = f->pt;
    }
  }
  if (!found) return Status::invalidArgument("no common codec (PCMU/PCMA)");
  const struct sa* raddr = sdp_media_raddr(sdpm_);
  if (!sa_isset(raddr, SA_ALL)) return Status::invalidArgument("SDP without media address/port");
  if (loopback_only && !isLoopback(raddr)) {
    return Status::permissionDenied("SDP media address is not loopback");
  }
  std::memcpy(remote_.data(), raddr, sizeof(struct sa));
  have_remote_ = true;
  return Status::ok();
}

void MediaLeg::sendPayload(uint8_t pt, const uint8_t* data, size_t n, uint32_t ts, bool marker) {
  if (!have_remote_) return;
  struct mbuf* mb = mbuf_alloc(RTP_HEADER_SIZE + n);
  if (!mb) return;
  mb->pos = mb->end = RTP_HEADER_SIZE;
  (void)mbuf_write_mem(mb, data, n);
  mb->pos = RTP_HEADER_SIZE;
  if (rtp_send(rtp_, reinterpret_cast<const struct sa*>(remote_.data()), false, marker, pt, ts, mb) == 0) {
    ++tx_packets;
  }
  mem_deref(mb);
}

void MediaLeg::sendPcm(const int16_t* pcm, size_t samples) {
  if (!have_remote_ || samples == 0 || samples > 960) return;
  uint8_t buf[960];
  for (size_t i = 0; i < samples; i++) buf[i] = encodeSample(codec_, pcm[i]);
  auto out = rewriter_.next(static_cast<uint32_t>(samples), nowSamples());
  sendPayload(static_cast<uint8_t>(codec_), buf, samples, out.ts, out.marker);
}

void MediaLeg::relay(const RtpPacket& in, Codec in_codec) {
  if (!have_remote_ || in.len == 0 || in.len > 1500) return;
  uint8_t buf[1500];
  std::memcpy(buf, in.payload, in.len);
  transcode(in_codec, codec_, buf, in.len);
  auto out = rewriter_.map(in.ssrc, in.ts, nowSamples());
  sendPayload(static_cast<uint8_t>(codec_), buf, in.len, out.ts, out.marker || in.marker);
}

void MediaLeg::sendDtmf(char digit) {
  int e = dtmfCode(digit);
  if (e < 0 || !have_remote_) return;
  auto out = rewriter_.next(160, nowSamples());
  for (int i = 0; i < 3; i++) {
    uint8_t p[4] = {static_cast<uint8_t>(e), static_cast<uint8_t>(0x80 | 10), 0x03, 0x20};  // end, 800 samples
    sendPayload(static_cast<uint8_t>(dtmf_pt_), p, 4, out.ts, i == 0);
  }
}

void MediaLeg::onRtp(const void* src_v, const void* hdr_v, struct mbuf* mb) {
  auto* src = static_cast<const struct sa*>(src_v);
  auto* hdr = static_cast<const struct rtp_header*>(hdr_v);
  if (!have_remote_ || !sa_cmp(src, reinterpret_cast<const struct sa*>(remote_.data()), SA_ALL)) {
    ++rx_bad_source;
    char b[64];
    re_snprintf(b, sizeof b, "%J", src);
    logLimited("rtp-src", std::string("RTP from unexpected source ") + b + " dropped");
    return;
  }
  last_rx_ms = steadyMillis();
  size_t n = mbuf_get_left(mb);
  uint8_t* p = mbuf_buf(mb);
  if (hdr->pt == dtmf_pt_) {
    if (n >= 4 && (p[1] & 0x80)) {
      if (!have_dtmf_ts_ || hdr->ts != last_dtmf_ts_) {
        have_dtmf_ts_ = true;
        last_dtmf_ts_ = hdr->ts;
        char c = dtmfChar(p[0]);
        if (c && on_dtmf) on_dtmf(c);
      }
    }
    return;
  }
  if (hdr->pt != 0 && hdr->pt != 8) return;
  ++rx_packets;
  Codec c = hdr->pt == 0 ? Codec::kPcmu : Codec::kPcma;
  if (n > 0 && n <= 960) {
    double e = 0;
    for (size_t i = 0; i < n; i++) {
      double v = decodeSample(c, p[i]);
      e += v * v;
    }
    if (e / static_cast<double>(n) > 250.0 * 250.0) ++rx_voiced;  // louder than -42 dBFS
  }
  if (on_audio) {
    RtpPacket pk;
    pk.ssrc = hdr->ssrc;
    pk.seq = hdr->seq;
    pk.ts = hdr->ts;
    pk.pt = hdr->pt;
    pk.marker = hdr->m;
    pk.payload = p;
    pk.len = n;
    on_audio(pk);
  }
}

// ---------------------------------------------------------------- DigestServer

DigestServer::DigestServer(std::string realm) : realm_(std::move(realm)) {}

std::string DigestServer::challenge() {
  int64_t now = steadyMillis();
  if (nonces_.size() > 10000) {
    for (auto it = nonces_.begin(); it != nonces_.end();) {
      it = now - it->second > 300000 ? nonces_.erase(it) : std::next(it);
    }
    if (nonces_.size() > 10000) nonces_.clear();
  }
  std::string nonce = randomHex(16);
  nonces_[nonce] = now;
  return "Digest realm=\"" + realm_ + "\", nonce=\"" + nonce + "\", qop=\"auth\", algorithm=MD5";
}

bool DigestServer::verify(const std::string& auth_header, const std::string& method,
                          const std::function<std::optional<std::string>(const std::string&)>& password_for,
                          std::string* username) {
  if (auth_header.empty()) return false;
  struct pl hv;
  pl_set_str(&hv, auth_header.c_str());
  struct httpauth_digest_resp resp;
  std::memset(&resp, 0, sizeof resp);
  if (httpauth_digest_response_decode(&resp, &hv)) return false;
  std::string user = plStr(resp.username);
  if (username) *username = user;
  if (plStr(resp.realm) != realm_) return false;
  auto it = nonces_.find(plStr(resp.nonce));
  if (it == nonces_.end() || steadyMillis() - it->second > 300000) return false;
  auto pass = password_for(user);
  if (!pass) return false;
  uint8_t ha1[MD5_SIZE];
  if (md5_printf(ha1, "%s:%s:%s", user.c_str(), realm_.c_str(), pass->c_str())) return false;
  struct pl met;
  pl_set_str(&met, method.c_str());
  return httpauth_digest_response_auth(&resp, &met, ha1) == 0;
}

}  // namespace clearline::sip
