// libFuzzer target over everything in src/sip that parses network-derived
// input: SIP messages (libre's decoder, then our header/user/method helpers
// and the Reason → HangupCause mapping), digest Authorization headers
// (DigestServer::verify), SDP offers/answers (MediaLeg::decodeSdp: codec
// choice, telephone-event, loopback check), RTP payloads (G.711 decode,
// transcoding, the RTP rewriter) and WAV prompts (parseWav8k).
// The first byte picks the parser; the rest is the input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sip/hangup_causes.h"
#include "sip/media.h"
#include "sip/stack.h"

#include <re.h>
#undef OS
#undef ARCH
#undef VERSION

using namespace clearline::sip;

namespace {
struct Env {
  std::unique_ptr<MediaLeg> leg;
  DigestServer digest{"clearline"};
  Env() {
    libre_init();
    auto m = MediaLeg::create("127.0.0.1", 61000, 61999);
    if (m.isOk()) leg = std::move(*m);
    (void)digest.challenge();
  }
};
Env& env() {
  static Env e;
  return e;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  Env& e = env();
  uint8_t which = data[0] % 5;
  const uint8_t* p = data + 1;
  size_t n = size - 1;
  std::string s(reinterpret_cast<const char*>(p), n);
  switch (which) {
    case 0: {  // a SIP message off the wire
      struct mbuf* mb = mbuf_alloc(n + 1);
      if (!mb) return 0;
      (void)mbuf_write_mem(mb, p, n);
      mb->pos = 0;
      struct sip_msg* msg = nullptr;
      if (sip_msg_decode(&msg, mb) == 0 && msg) {
        (void)methodOf(msg);
        (void)toUser(msg);
        (void)fromUser(msg);
        std::string reason = headerValue(msg, "Reason");
        (void)causeForRemoteBye(reason);
        (void)causeForFinalResponse(msg->scode);
        std::string user;
        (void)e.digest.verify(headerValue(msg, "Authorization"), "REGISTER",
                              [](const std::string&) -> std::optional<std::string> { return std::string("pw"); },
                              &user);
        if (e.leg && msg->mb) (void)e.leg->decodeSdp(msg->mb, !msg->req);
        mem_deref(msg);
      }
      mem_deref(mb);
      break;
    }
    case 1: {  // an SDP body
      if (!e.leg) return 0;
      struct mbuf* mb = mbuf_alloc(n + 1);
      if (!mb) return 0;
      (void)mbuf_write_mem(mb, p, n);
      mb->pos = 0;
      (void)e.leg->decodeSdp(mb, (n & 1) != 0);
      mem_deref(mb);
      break;
    }
    case 2: {  // an Authorization header value
      std::string user;
      (void)e.digest.verify(s, "INVITE",
                            [](const std::string& u) -> std::optional<std::string> {
                              if (u.empty()) return std::nullopt;
                              return u;
                            },
                            &user);
      (void)causeForRemoteBye(s);
      break;
    }
    case 3: {  // an RTP packet
      struct mbuf* mb = mbuf_alloc(n + 1);
      if (!mb) return 0;
      (void)mbuf_write_mem(mb, p, n);
      mb->pos = 0;
      struct rtp_header hdr;
      if (rtp_hdr_decode(&hdr, mb) == 0) {
        size_t left = mbuf_get_left(mb);
        std::string payload(reinterpret_cast<const char*>(mbuf_buf(mb)), left);
        Codec c = hdr.pt == 8 ? Codec::kPcma : Codec::kPcmu;
        for (unsigned char b : payload) (void)decodeSample(c, b);
        transcode(c, c == Codec::kPcmu ? Codec::kPcma : Codec::kPcmu,
                  reinterpret_cast<uint8_t*>(payload.data()), payload.size());
        RtpRewriter rw;
        (void)rw.map(hdr.ssrc, hdr.ts, hdr.seq);
        (void)rw.map(hdr.ssrc ^ 1u, hdr.ts * 3u, hdr.seq + 160u);
      }
      mem_deref(mb);
      break;
    }
    case 4: {  // a WAV prompt
      (void)parseWav8k(p, n);
      break;
    }
  }
  return 0;
}
