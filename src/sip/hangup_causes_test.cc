#include "sip/hangup_causes.h"

#include <gtest/gtest.h>

namespace clearline::sip {
namespace {

using core::HangupCause;

struct Row {
  int status;
  HangupCause cause;
};

TEST(HangupCauses, EveryFinalResponseWeKnow) {
  const Row rows[] = {
      {486, HangupCause::kBusy},          {600, HangupCause::kBusy},
      {603, HangupCause::kRejected},      {403, HangupCause::kRejected},
      {607, HangupCause::kRejected},      {608, HangupCause::kRejected},
      {404, HangupCause::kInvalidNumber}, {484, HangupCause::kInvalidNumber},
      {604, HangupCause::kInvalidNumber}, {410, HangupCause::kInvalidNumber},
      {416, HangupCause::kInvalidNumber}, {485, HangupCause::kInvalidNumber},
      {480, HangupCause::kNoAnswer},      {408, HangupCause::kNoAnswer},
      {487, HangupCause::kCancelled},     {503, HangupCause::kCongestion},
      {502, HangupCause::kCongestion},    {504, HangupCause::kCongestion},
      {500, HangupCause::kCongestion},    {513, HangupCause::kCongestion},
      {580, HangupCause::kCongestion},    {401, HangupCause::kError},
      {407, HangupCause::kError},         {488, HangupCause::kError},
      {606, HangupCause::kError},         {415, HangupCause::kError},
      {420, HangupCause::kError},         {481, HangupCause::kError},
      {482, HangupCause::kError},         {483, HangupCause::kError},
      // Unknown codes map by class.
      {302, HangupCause::kError},         {499, HangupCause::kError},
      {599, HangupCause::kCongestion},    {699, HangupCause::kRejected},
      {0, HangupCause::kError},           {99999, HangupCause::kError},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(causeForFinalResponse(r.status), r.cause) << r.status;
  }
}

TEST(HangupCauses, ByeReasons) {
  EXPECT_EQ(causeForRemoteBye(""), HangupCause::kNormal);
  EXPECT_EQ(causeForRemoteBye("Q.850;cause=16;text=\"Normal\""), HangupCause::kNormal);
  EXPECT_EQ(causeForRemoteBye("Q.850;cause=17"), HangupCause::kBusy);
  EXPECT_EQ(causeForRemoteBye("Q.850;cause=19"), HangupCause::kNoAnswer);
  EXPECT_EQ(causeForRemoteBye("Q.850;cause=21"), HangupCause::kRejected);
  EXPECT_EQ(causeForRemoteBye("Q.850;cause=1"), HangupCause::kInvalidNumber);
  EXPECT_EQ(causeForRemoteBye("Q.850;cause=34"), HangupCause::kCongestion);
  EXPECT_EQ(causeForRemoteBye("Q.850;cause=42"), HangupCause::kCongestion);
  EXPECT_EQ(causeForRemoteBye("Q.850;cause=102"), HangupCause::kMediaTimeout);
  EXPECT_EQ(causeForRemoteBye("SIP;cause=486"), HangupCause::kBusy);
  EXPECT_EQ(causeForRemoteBye("SIP;cause=200;text=\"Call completed elsewhere\""),
            HangupCause::kNormal);
  EXPECT_EQ(causeForRemoteBye("Q.850;cause=abc"), HangupCause::kNormal);
  EXPECT_EQ(causeForRemoteBye("garbage"), HangupCause::kNormal);
  EXPECT_EQ(causeForRemoteBye("cause="), HangupCause::kNormal);
}

TEST(HangupCauses, Q850RoundTripForCausesThatHaveOne) {
  for (HangupCause c : {HangupCause::kNormal, HangupCause::kBusy, HangupCause::kNoAnswer,
                        HangupCause::kRejected, HangupCause::kInvalidNumber,
                        HangupCause::kCongestion, HangupCause::kMediaTimeout}) {
    EXPECT_EQ(causeForQ850(q850ForCause(c)), c) << toString(c);
  }
  EXPECT_EQ(q850ForCause(HangupCause::kTrunkDown), 38);
}

// A leg that sent no RTP for [sip] media_timeout_s is ended with its own cause,
// distinct from a hang-up, a caller who left, or an error, in both directions.
TEST(HangupCauses, MediaTimeoutIsDistinct) {
  EXPECT_EQ(q850ForCause(HangupCause::kMediaTimeout), 102);
  EXPECT_EQ(causeForQ850(102), HangupCause::kMediaTimeout);
  EXPECT_EQ(core::toString(HangupCause::kMediaTimeout), "media_timeout");
  for (HangupCause other : {HangupCause::kNormal, HangupCause::kCallerGone, HangupCause::kError,
                            HangupCause::kSystemRestart, HangupCause::kCongestion}) {
    EXPECT_NE(q850ForCause(other), q850ForCause(HangupCause::kMediaTimeout)) << core::toString(other);
  }
}

}  // namespace
}  // namespace clearline::sip
