#include "core/audit/audit_chain.h"

#include <gtest/gtest.h>

#include <vector>

namespace clearline::core {
namespace {

std::vector<AuditEvent> chain(int n) {
  std::vector<AuditEvent> v;
  for (int i = 0; i < n; ++i) {
    AuditEvent e;
    e.at = fromEpochMillis(1'700'000'000'000 + i);
    e.actor = "test";
    e.action = "campaign.update";
    e.object_type = "campaign";
    e.object_id = std::to_string(i);
    e.payload = Json{{"i", i}, {"name", "Zoë"}};
    sealEvent(v.empty() ? nullptr : &v.back(), e);
    v.push_back(e);
  }
  return v;
}

Status verifyAll(const std::vector<AuditEvent>& v) {
  AuditVerifier ver;
  for (auto& e : v) RETURN_IF_ERROR(ver.next(e));
  return Status::ok();
}

TEST(AuditChain, IntactChainVerifies) {
  auto v = chain(5);
  EXPECT_TRUE(verifyAll(v).isOk());
  EXPECT_EQ(v[0].prev_hash, kGenesisHash);
  EXPECT_EQ(v[4].seq, 5);
}

TEST(AuditChain, AlteredPayloadIsNamedByItsSeq) {
  auto v = chain(5);
  v[2].payload["i"] = 99;
  Status st = verifyAll(v);
  ASSERT_FALSE(st.isOk());
  EXPECT_EQ(st.code(), StatusCode::kDataLoss);
  EXPECT_NE(st.message().find("seq 3"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("altered"), std::string::npos);
}

TEST(AuditChain, DroppedOrReorderedEventIsDetected) {
  auto v = chain(5);
  auto dropped = v;
  dropped.erase(dropped.begin() + 1);
  EXPECT_NE(verifyAll(dropped).message().find("expected seq 2"), std::string::npos);
  auto swapped = v;
  std::swap(swapped[1], swapped[2]);
  EXPECT_FALSE(verifyAll(swapped).isOk());
}

TEST(AuditChain, RehashedForgeryBreaksTheNextLink) {
  auto v = chain(4);
  v[1].actor = "mallory";
  v[1].hash = computeEventHash(v[1].prev_hash, v[1]);  // forger recomputes this link only
  Status st = verifyAll(v);
  ASSERT_FALSE(st.isOk());
  EXPECT_NE(st.message().find("seq 3"), std::string::npos) << st.message();
}

TEST(AuditChain, ExportLineCarriesTheExactHashedText) {
  auto v = chain(2);
  Json line = exportLine(v[1]);
  EXPECT_EQ(line["event_text"].get<std::string>(), canonicalEventText(v[1]));
  EXPECT_EQ(line["prev_hash"], v[0].hash);
}

}  // namespace
}  // namespace clearline::core
