// Unit tests of the vendor registry, gates, routing cache and access boundaries
// on the worked example data/examples/2019-case.json.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/time_util.h"
#include "core/vendor/access.h"
#include "core/vendor/gates.h"
#include "core/vendor/import_doc.h"
#include "core/vendor/vendor_gate.h"

namespace clearline::core::vendor {
namespace {

std::string exampleText() {
  auto p = std::filesystem::path(CLEARLINE_SOURCE_DIR) / "data/examples/2019-case.json";
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TimePoint at(const char* iso) { return *parseIso(iso); }

std::shared_ptr<Registry> build(const ImportDoc& doc) {
  auto reg = std::make_shared<Registry>();
  for (auto& r : doc.records) {
    RecordVersion v;
    v.kind = r.kind;
    v.id = r.id;
    v.version = 1;
    v.valid_from = r.valid_from.value_or(TimePoint{});
    v.data = r.data;
    v.record_hash = computeRecordHash(v);
    EXPECT_TRUE(reg->add(v).isOk()) << v.label();
  }
  return reg;
}

std::shared_ptr<Registry> example() {
  auto doc = decodeImportDocument(exampleText());
  EXPECT_TRUE(doc.isOk()) << doc.status().toString();
  return build(*doc);
}

const GateResult& gate(const GateDecision& d, const char* id) {
  for (auto& g : d.gates)
    if (g.gate == id) return g;
  static GateResult none;
  return none;
}

// Adds a new version of a record to a copy of the registry.
std::shared_ptr<Registry> withVersion(const Registry& base, RecordKind kind, const std::string& id, Json data,
                                      TimePoint from) {
  auto reg = std::make_shared<Registry>(base);
  RecordVersion v;
  v.kind = kind;
  v.id = id;
  auto* l = base.latest(kind, id);
  v.version = l ? l->version + 1 : 1;
  v.valid_from = from;
  v.data = std::move(data);
  v.record_hash = computeRecordHash(v);
  auto st = reg->add(v);
  EXPECT_TRUE(st.isOk()) << st.toString();
  return reg;
}

const TimePoint kDec10 = at("2019-12-10T14:00:00-06:00");

TEST(VendorRegistry, ExampleIsStructurallyValid) {
  auto reg = example();
  EXPECT_TRUE(reg->validateStructure().isOk()) << reg->validateStructure().toString();
  EXPECT_EQ(reg->ids(RecordKind::kCaller).size(), 4u);
}

TEST(VendorGates, PrimeVendorCallerIsAllowedWithProvenance) {
  auto reg = example();
  auto ev = evaluateGates(*reg, CampaignId(1), "caller-dc-01", kDec10);
  EXPECT_TRUE(ev.decision.allowed) << ev.decision.reason;
  EXPECT_EQ(ev.decision.engagement_path, std::vector<std::string>{"eng-prime"});
  EXPECT_EQ(ev.decision.site_id, "site-prime-dc");
  EXPECT_EQ(ev.decision.worker_category, "employee");
  EXPECT_EQ(ev.decision.vetting_snapshot_hash.size(), 64u);
  EXPECT_FALSE(ev.decision.record_versions.empty());
  // The window ends no later than the sanctions screening goes stale (2019-11-20 + 30 days).
  EXPECT_LE(ev.window.until, at("2019-12-20T00:00:00Z"));
}

TEST(VendorGates, The2019PrisonCallerIsRefused) {
  auto reg = example();
  auto d = evaluateGates(*reg, CampaignId(1), "caller-ew-01", kDec10).decision;
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(gate(d, "G1").passed);
  EXPECT_FALSE(gate(d, "G2").passed);  // no campaign consent to the subcontract
  EXPECT_NE(gate(d, "G2").detail.find("no written campaign consent"), std::string::npos);
  EXPECT_FALSE(gate(d, "G4").passed);  // correctional facility
  EXPECT_FALSE(gate(d, "G5").passed);  // wage paid to the DOC
  EXPECT_NE(gate(d, "G5").detail.find("Oklahoma Department of Corrections"), std::string::npos);
  EXPECT_FALSE(gate(d, "G7").passed);  // no independent verification
  EXPECT_EQ(d.tier, 2);
  EXPECT_NE(d.reason.find("refused by G2"), std::string::npos);
}

TEST(VendorGates, ConsentAloneDoesNotLetPrisonCallersThrough) {
  auto reg = example();
  Json eng = reg->latest(RecordKind::kEngagement, "eng-procom")->data;
  eng["campaign_consent"] = {{"consented_by", "C. Manager"}, {"date", "2019-12-01"},
                             {"doc_sha256", std::string(64, 'a')}};
  auto reg2 = withVersion(*reg, RecordKind::kEngagement, "eng-procom", eng, at("2019-12-01T00:00:00Z"));
  auto d = evaluateGates(*reg2, CampaignId(1), "caller-ew-01", kDec10).decision;
  EXPECT_TRUE(gate(d, "G2").passed) << gate(d, "G2").detail;
  EXPECT_FALSE(d.allowed);
  EXPECT_FALSE(gate(d, "G4").passed);
  EXPECT_FALSE(gate(d, "G5").passed);
  // The Vineland (non-prison) caller is now allowed.
  EXPECT_TRUE(evaluateGates(*reg2, CampaignId(1), "caller-nj-01", kDec10).decision.allowed);

  // An override alone does not help while the wage goes to the DOC.
  Json ovr = {{"id", "ovr-ew"}, {"campaign_id", 1}, {"gate", "G4"}, {"site_id", "site-eddie-warrior"},
              {"decision", {{"decided_by", "C. Manager"}, {"reason", "test"}, {"decided_at", "2019-12-02"}}},
              {"conditions", "FAR 52.222-3 conditions"}};
  auto reg3 = withVersion(*reg2, RecordKind::kOverride, "ovr-ew", ovr, at("2019-12-02T00:00:00Z"));
  d = evaluateGates(*reg3, CampaignId(1), "caller-ew-01", kDec10).decision;
  EXPECT_FALSE(d.allowed);
  EXPECT_FALSE(gate(d, "G4").passed);
  EXPECT_NE(gate(d, "G4").detail.find("does not apply"), std::string::npos);

  // Worker-received wage at the floor + independent audit + override: allowed, and says so.
  Json vet = reg3->latest(RecordKind::kVetting, "vet-eddie-warrior")->data;
  vet["wage_paid_to"] = "worker";
  vet.erase("wage_paid_to_name");
  vet.erase("wage_received_by_worker_hourly");
  vet["verification_methods"] = {"third_party_audit"};
  auto reg4 = withVersion(*reg3, RecordKind::kVetting, "vet-eddie-warrior", vet, at("2019-12-03T00:00:00Z"));
  d = evaluateGates(*reg4, CampaignId(1), "caller-ew-01", kDec10).decision;
  EXPECT_TRUE(d.allowed) << d.reason;
  EXPECT_NE(gate(d, "G4").detail.find("OVERRIDDEN"), std::string::npos);
}

TEST(VendorGates, UnknownCallerAndWrongCampaignFailClosed) {
  auto reg = example();
  auto d = evaluateGates(*reg, CampaignId(1), "nobody", kDec10).decision;
  EXPECT_FALSE(d.allowed);
  EXPECT_FALSE(gate(d, "G1").passed);
  d = evaluateGates(*reg, CampaignId(2), "caller-dc-01", kDec10).decision;
  EXPECT_FALSE(d.allowed);
  EXPECT_FALSE(gate(d, "G1").passed);
  // Before the engagement's versions exist: nothing is valid.
  d = evaluateGates(*reg, CampaignId(1), "caller-dc-01", at("2019-10-01T00:00:00Z")).decision;
  EXPECT_FALSE(d.allowed);
}

TEST(VendorGates, SessionAddressOutsideSiteNetworkFailsG8) {
  auto reg = example();
  GateContext ctx;
  ctx.session_ip = "203.0.113.5";
  auto d = evaluateGates(*reg, CampaignId(1), "caller-dc-01", kDec10, ctx).decision;
  EXPECT_FALSE(gate(d, "G8").passed);
  ctx.session_ip = "198.51.100.10";
  EXPECT_TRUE(evaluateGates(*reg, CampaignId(1), "caller-dc-01", kDec10, ctx).decision.allowed);
  EXPECT_TRUE(ipInCidr("10.1.2.3", "10.0.0.0/8"));
  EXPECT_FALSE(ipInCidr("11.1.2.3", "10.0.0.0/8"));
  EXPECT_FALSE(ipInCidr("garbage", "10.0.0.0/8"));
}

TEST(VendorCallerGate, CachesAndInvalidatesOnChangeAndOnExpiry) {
  auto reg = example();
  VendorCallerGate g(reg);
  GateDecisionPtr first = g.checkRouting(CampaignId(1), "caller-dc-01", kDec10);
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->allowed);
  GateDecisionPtr again = g.checkRouting(CampaignId(1), "caller-dc-01", kDec10 + Millis(1000));
  EXPECT_TRUE(again->allowed);
  EXPECT_EQ(again, first);  // a hit shares the cached decision, no copy
  EXPECT_EQ(g.stats().hits, 1u);
  EXPECT_EQ(g.stats().misses, 1u);
  // Sanctions screening goes stale on 2019-12-20: the cached decision must not outlive it.
  GateDecisionPtr stale = g.checkRouting(CampaignId(1), "caller-dc-01", at("2019-12-21T00:00:00Z"));
  EXPECT_FALSE(stale->allowed);
  // A decision handed out earlier is immutable: the refresh did not change it.
  EXPECT_TRUE(first->allowed);
  EXPECT_NE(stale, first);
  // A change in the chain (the site deactivated) takes effect at the next routing.
  Json site = reg->latest(RecordKind::kSite, "site-prime-dc")->data;
  site["active"] = false;
  g.setRegistry(withVersion(*reg, RecordKind::kSite, "site-prime-dc", site, at("2019-12-09T00:00:00Z")));
  auto d = g.checkRouting(CampaignId(1), "caller-dc-01", kDec10);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->allowed);
  EXPECT_FALSE(gate(*d, "G1").passed);
  EXPECT_TRUE(first->allowed);
}

TEST(CallerGatePort, AllowAllSharesOneStaticDecision) {
  AllowAllCallerGate g;
  GateDecisionPtr a = g.checkRouting(CampaignId(1), "anyone", kDec10);
  GateDecisionPtr b = g.checkLogin(CampaignId(2), "someone-else", kDec10);
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->allowed);
  EXPECT_EQ(a->reason, "no vendor chain configured");
  EXPECT_TRUE(a->gates.empty());
  EXPECT_EQ(a, b);
}

TEST(VendorCallerGate, HandlesSurviveRegistryChanges) {
  auto reg = example();
  VendorCallerGate g(reg);
  auto* h = g.handle(CampaignId(1), "caller-dc-01");
  EXPECT_TRUE(g.routingDecision(h, kDec10).allowed);
  EXPECT_TRUE(g.routingDecision(h, kDec10 + Millis(5)).allowed);
  EXPECT_EQ(g.stats().hits, 1u);
  Json site = reg->latest(RecordKind::kSite, "site-prime-dc")->data;
  site["site_type"] = "correctional_facility";
  g.setRegistry(withVersion(*reg, RecordKind::kSite, "site-prime-dc", site, at("2019-12-09T00:00:00Z")));
  const GateDecision& d = g.routingDecision(h, kDec10);
  EXPECT_FALSE(d.allowed);
  EXPECT_FALSE(gate(d, "G4").passed);
  EXPECT_EQ(g.handle(CampaignId(1), "caller-dc-01"), h);
}

TEST(VendorStructure, RejectsCyclesAndDatesOutsideParent) {
  auto reg = example();
  // Dates outside the parent's.
  Json eng = reg->latest(RecordKind::kEngagement, "eng-procom")->data;
  eng["effective_to"] = "2021-01-01";
  auto r2 = withVersion(*reg, RecordKind::kEngagement, "eng-procom", eng, at("2019-12-01T00:00:00Z"));
  auto st = r2->validateStructure();
  EXPECT_FALSE(st.isOk());
  EXPECT_NE(st.message().find("engagement eng-procom: effective_to"), std::string::npos) << st.message();
  // A cycle: eng-prime's parent becomes eng-procom.
  Json a = {{"id", "eng-x"}, {"parent_engagement_id", "eng-y"}, {"principal_entity_id", "procom"},
            {"agent_entity_id", "prime-vendor"}, {"contract_ref", "x"}, {"contract_doc_sha256", std::string(64, 'b')},
            {"effective_from", "2019-11-20"}, {"effective_to", "2020-01-01"}, {"subcontracting_allowed", true}};
  Json b = {{"id", "eng-y"}, {"parent_engagement_id", "eng-x"}, {"principal_entity_id", "prime-vendor"},
            {"agent_entity_id", "procom"}, {"contract_ref", "y"}, {"contract_doc_sha256", std::string(64, 'c')},
            {"effective_from", "2019-11-20"}, {"effective_to", "2020-01-01"}, {"subcontracting_allowed", true}};
  auto r3 = withVersion(*reg, RecordKind::kEngagement, "eng-x", a, at("2019-12-01T00:00:00Z"));
  r3 = withVersion(*r3, RecordKind::kEngagement, "eng-y", b, at("2019-12-01T00:00:00Z"));
  st = r3->validateStructure();
  EXPECT_FALSE(st.isOk());
  EXPECT_NE(st.message().find("cycle"), std::string::npos) << st.message();
}

TEST(VendorModel, BadInputNamesRecordAndField) {
  auto doc = decodeImportDocument(exampleText());
  ASSERT_TRUE(doc.isOk());
  Json site = {{"id", "s9"}, {"name", "x"}, {"operator_entity_id", "procom"}, {"site_type", "prison"},
               {"address", {{"city", "Taft"}, {"state", "OK"}, {"country", "US"}}}, {"timezone", "America/Chicago"}};
  auto st = validateDocument(RecordKind::kSite, site);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("site s9: site_type: unknown value 'prison'"), std::string::npos) << st.message();
  Json vet;
  for (auto& r : doc->records)
    if (r.id == "vet-eddie-warrior") vet = r.data;
  vet.erase("incarcerated_workers_present");
  st = validateDocument(RecordKind::kVetting, vet);
  EXPECT_NE(st.message().find("vetting vet-eddie-warrior: incarcerated_workers_present: is required"),
            std::string::npos)
      << st.message();
  // A policy loosening a default without an attributed decision is rejected.
  Json pol = {{"campaign_id", 1}, {"max_subcontract_depth", 3}};
  st = validateDocument(RecordKind::kPolicy, pol);
  EXPECT_NE(st.message().find("max_subcontract_depth"), std::string::npos) << st.message();
  pol["decisions"] = {{{"field", "max_subcontract_depth"}, {"decided_by", "C. Manager"}, {"reason", "r"},
                       {"decided_at", "2019-11-01"}}};
  EXPECT_TRUE(validateDocument(RecordKind::kPolicy, pol).isOk());
  EXPECT_FALSE(decodeImportDocument("{").isOk());
  EXPECT_FALSE(decodeImportDocument("[]").isOk());
  EXPECT_FALSE(decodeImportDocument(R"({"campaign_id": 1, "sites": [{}]})").isOk());
}

TEST(VendorAccess, VendorSeesOnlyItsSubtree) {
  auto reg = example();
  auto camp = Principal::campaign(1);
  auto prime = Principal::vendor("prime-vendor");
  auto procom = Principal::vendor("procom");
  auto caller = Principal::caller("caller-ew-01");
  // The campaign sees the whole chain.
  EXPECT_TRUE(canAccess(*reg, camp, {RecordKind::kSite, "site-eddie-warrior"}, AccessMode::kRead));
  EXPECT_TRUE(canAccess(*reg, camp, {RecordKind::kPolicy, "1"}, AccessMode::kWrite));
  // The prime vendor sees its subcontractor's subtree (it is the principal).
  EXPECT_TRUE(canAccess(*reg, prime, {RecordKind::kSite, "site-eddie-warrior"}, AccessMode::kRead));
  EXPECT_TRUE(canAccess(*reg, prime, {RecordKind::kEngagement, "eng-procom"}, AccessMode::kWrite));
  EXPECT_FALSE(canAccess(*reg, prime, {RecordKind::kPolicy, "1"}, AccessMode::kRead));
  // The subcontractor sees its own sites and callers, reads (not writes) its own engagement …
  EXPECT_TRUE(canAccess(*reg, procom, {RecordKind::kCaller, "caller-ew-01"}, AccessMode::kWrite));
  EXPECT_TRUE(canAccess(*reg, procom, {RecordKind::kEngagement, "eng-procom"}, AccessMode::kRead));
  EXPECT_FALSE(canAccess(*reg, procom, {RecordKind::kEngagement, "eng-procom"}, AccessMode::kWrite));
  // … and nothing of the prime vendor's: another vendor's record by id.
  EXPECT_FALSE(canAccess(*reg, procom, {RecordKind::kSite, "site-prime-dc"}, AccessMode::kRead));
  EXPECT_FALSE(canAccess(*reg, procom, {RecordKind::kVetting, "vet-prime"}, AccessMode::kRead));
  EXPECT_FALSE(canAccess(*reg, procom, {RecordKind::kCaller, "caller-dc-01"}, AccessMode::kRead));
  EXPECT_FALSE(canAccess(*reg, procom, {RecordKind::kEngagement, "eng-prime"}, AccessMode::kRead));
  // Writes through references are checked too.
  Json sneaky = reg->latest(RecordKind::kCaller, "caller-dc-01")->data;
  sneaky["ref"] = "caller-new";
  EXPECT_EQ(canWriteDocument(*reg, procom, RecordKind::kCaller, sneaky).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(canWriteDocument(*reg, procom, RecordKind::kCaller, reg->latest(RecordKind::kCaller, "caller-dc-01")->data)
                .code(),
            StatusCode::kPermissionDenied);
  Json own = reg->latest(RecordKind::kCaller, "caller-ew-01")->data;
  own["ref"] = "caller-ew-03";
  EXPECT_TRUE(canWriteDocument(*reg, procom, RecordKind::kCaller, own).isOk());
  // A caller sees nothing.
  EXPECT_FALSE(canAccess(*reg, caller, {RecordKind::kCaller, "caller-ew-01"}, AccessMode::kRead));
  EXPECT_TRUE(visibleRecords(*reg, caller).empty());
  // Unknown ids are invisible, never an error that leaks existence.
  EXPECT_FALSE(canAccess(*reg, camp, {RecordKind::kSite, "nope"}, AccessMode::kRead));
  size_t procom_visible = visibleRecords(*reg, procom).size();
  EXPECT_LT(procom_visible, visibleRecords(*reg, camp).size());
}

}  // namespace
}  // namespace clearline::core::vendor
