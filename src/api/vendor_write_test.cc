// Vendor registry writes through the real ApiService (issue 8 §2): POST
// /api/v1/vendor/records and POST /api/v1/vendor/evidence on the 2019 chain —
// field-level errors {code, message, field} for bad input, a vendor supervisor
// refused on another vendor's records by id (and nothing written), versions
// and audit events for accepted writes, evidence stored by SHA-256.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/api_service.h"
#include "common/sha256.h"
#include "core/vendor/import_doc.h"
#include "storage/sqlite/vendor_store.h"

namespace clearline::api {
namespace {

namespace fs = std::filesystem;

class VendorWriteApi : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("clearline-vendor-write-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = std::move(storage::SqliteStore::open(":memory:", clock_).value());
    ApiOptions o;
    o.argon2 = Argon2Params{1, 1024, 1};
    o.rate_per_second = 0;
    o.login_per_minute = 1000;
    o.data_dir = dir_.string();
    service_ = std::make_unique<ApiService>(o, *store_, clock_, metrics_, scope_, nullptr);
    core::Actor actor{"test"};
    auto org = store_->campaigns().createOrganisation("Org", actor);
    core::Campaign c0 = core::newCampaign("C", core::PurposeClass::kPolitical);
    c0.org_id = org->id;
    ASSERT_TRUE(store_->campaigns().createCampaign(c0, actor).isOk());
    std::ifstream in(std::string(CLEARLINE_SOURCE_DIR) + "/data/examples/2019-case.json");
    std::stringstream ss;
    ss << in.rdbuf();
    auto doc = core::vendor::decodeImportDocument(ss.str(), 1);
    ASSERT_TRUE(doc.isOk()) << doc.status().toString();
    storage::SqliteVendorStore vs(store_->db(), clock_, dir_.string());
    auto imported = vs.importChain(*doc, std::string(CLEARLINE_SOURCE_DIR) + "/data/examples", actor);
    ASSERT_TRUE(imported.isOk()) << imported.status().toString();
    AccountStore acc(store_->db(), clock_);
    auto token = [&](const std::string& name, Role role, const std::string& entity) {
      auto p = acc.createUser(name, role, entity, "password123", o.argon2, actor);
      EXPECT_TRUE(p.isOk()) << p.status().toString();
      return *acc.createApiToken(p->user_id, "t", actor);
    };
    manager_ = token("manager1", Role::kCampaignManager, "");
    procom_ = token("procom-sup", Role::kVendorSupervisor, "procom");
    prime_ = token("prime-sup", Role::kVendorSupervisor, "prime-vendor");
    auditor_ = token("auditor1", Role::kAuditor, "");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  HttpResponse send(const std::string& method, const std::string& path, const std::string& token,
                    const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.target = path;
    r.path = path.substr(0, path.find('?'));
    if (path.find('?') != std::string::npos) r.query = parseQuery(path.substr(path.find('?') + 1));
    r.body = body;
    r.remote = "127.0.0.1";
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    return service_->handle(r);
  }
  Json record(const std::string& kind, const std::string& id) {
    HttpResponse r = send("GET", "/api/v1/vendor/records/" + kind + "/" + id, manager_);
    EXPECT_EQ(r.status, 200) << r.body;
    return Json::parse(r.body);
  }
  HttpResponse write(const std::string& token, const Json& body) {
    return send("POST", "/api/v1/vendor/records", token, body.dump());
  }
  // Asserts a 400 with {code, message, field == field}.
  void expectFieldError(const HttpResponse& r, const std::string& field) {
    EXPECT_EQ(r.status, 400) << r.body;
    Json j = Json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object() && j.contains("error")) << r.body;
    EXPECT_EQ(j["error"]["code"], "invalid_argument") << r.body;
    EXPECT_TRUE(j["error"]["message"].is_string() && !j["error"]["message"].get<std::string>().empty()) << r.body;
    if (field.empty()) EXPECT_TRUE(j["error"]["field"].is_null()) << r.body;
    else EXPECT_EQ(j["error"]["field"], field) << r.body;
  }
  // Audit events of this action written through the API (the import's are by "test").
  int64_t auditCount(const std::string& action) {
    auto s = store_->db().prepare("SELECT count(*) FROM audit_events WHERE action=? AND actor<>'test'");
    EXPECT_TRUE(s.isOk());
    s->bind(1, action);
    auto row = s->step();
    EXPECT_TRUE(row.isOk() && *row);
    return s->int64(0);
  }

  fs::path dir_;
  SystemClock clock_;
  Metrics metrics_;
  FlatEntityScope scope_;
  std::unique_ptr<storage::SqliteStore> store_;
  std::unique_ptr<ApiService> service_;
  std::string manager_, procom_, prime_, auditor_;
};

TEST_F(VendorWriteApi, BadInputIsRefusedNamingTheField) {
  Json site = record("site", "site-prime-dc")["data"];
  expectFieldError(send("POST", "/api/v1/vendor/records", manager_, "{not json"), "");
  expectFieldError(write(manager_, Json{{"data", site}}), "kind");
  expectFieldError(write(manager_, Json{{"kind", "planet"}, {"data", site}}), "kind");
  expectFieldError(write(manager_, Json{{"kind", "site"}}), "data");
  expectFieldError(write(manager_, Json{{"kind", "site"}, {"data", "site-prime-dc"}}), "data");
  expectFieldError(write(manager_, Json{{"kind", "site"}, {"data", site}, {"colour", "red"}}), "colour");
  expectFieldError(write(manager_, Json{{"kind", "site"}, {"data", site}, {"valid_from", "yesterday"}}), "valid_from");
  Json bad = site;
  bad["site_type"] = "moon_base";
  expectFieldError(write(manager_, Json{{"kind", "site"}, {"data", bad}}), "data.site_type");
  // A new version must start after the current one.
  Json seats = site;
  seats["max_seats"] = 41;
  expectFieldError(write(manager_, Json{{"kind", "site"}, {"data", seats}, {"valid_from", "2019-01-01T00:00:00Z"}}),
                   "valid_from");
  // Evidence over the API is an uploaded file, never a server path.
  Json vet = record("vetting", "vet-prime-dc")["data"];
  vet["evidence_docs"].push_back(Json{{"doc_type", "site_visit"}, {"issuer", "x"}, {"file", "/etc/passwd"}});
  expectFieldError(write(manager_, Json{{"kind", "vetting"}, {"data", vet}}),
                   "data.evidence_docs[" + std::to_string(vet["evidence_docs"].size() - 1) + "].file");
  // Nothing of it was written.
  EXPECT_EQ(record("site", "site-prime-dc")["version"], 1);
  EXPECT_EQ(record("vetting", "vet-prime-dc")["version"], 1);
  EXPECT_EQ(auditCount("vendor.site.version"), 0);
  // Evidence uploads: an empty body, a name that is not a file name.
  expectFieldError(send("POST", "/api/v1/vendor/evidence?name=a.txt", manager_, ""), "body");
  expectFieldError(send("POST", "/api/v1/vendor/evidence?name=.hidden", manager_, "x"), "name");
  expectFieldError(send("POST", "/api/v1/vendor/evidence?name=" + std::string(121, 'a'), manager_, "x"), "name");
}

TEST_F(VendorWriteApi, ManagerWritesNextVersionAuditedAndIdenticalWritesNothing) {
  Json site = record("site", "site-prime-dc")["data"];
  site["max_seats"] = 48;
  HttpResponse r = write(manager_, Json{{"kind", "site"}, {"data", site}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json j = Json::parse(r.body);
  EXPECT_EQ(j["version"], 2);
  EXPECT_EQ(j["changed"], true);
  EXPECT_EQ(j["created"], false);
  EXPECT_EQ(j["record_hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(record("site", "site-prime-dc")["data"]["max_seats"], 48);
  EXPECT_EQ(auditCount("vendor.site.version"), 1);
  HttpResponse again = write(manager_, Json{{"kind", "site"}, {"data", site}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Json::parse(again.body)["changed"], false);
  EXPECT_EQ(Json::parse(again.body)["version"], 2);
  EXPECT_EQ(auditCount("vendor.site.version"), 1);
  // A new record is version 1, audited as a create.
  Json caller{{"ref", "caller-dc-02"}, {"site_id", "site-prime-dc"}, {"engagement_id", "eng-prime"},
              {"worker_category", "employee"}};
  HttpResponse created = write(manager_, Json{{"kind", "caller"}, {"data", caller}});
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(Json::parse(created.body)["created"], true);
  EXPECT_EQ(auditCount("vendor.caller.create"), 1);
  // The auditor reads, never writes.
  EXPECT_EQ(write(auditor_, Json{{"kind", "site"}, {"data", site}}).status, 403);
}

// The 2019 chain: ProCom (the subcontractor) writes its own records; by id it
// cannot write the prime vendor's site, vetting or callers, nor put a caller
// of its own at the prime's site. Nothing refused leaves a version behind.
TEST_F(VendorWriteApi, VendorSupervisorCannotWriteAnotherVendorsRecordsById) {
  Json prime_site = record("site", "site-prime-dc")["data"];
  Json hijack = prime_site;
  hijack["name"] = "hijacked";
  HttpResponse r = write(procom_, Json{{"kind", "site"}, {"data", hijack}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Json::parse(r.body)["error"]["code"], "permission_denied");
  // Taking the site over by naming itself the operator is refused too.
  hijack["operator_entity_id"] = "procom";
  EXPECT_EQ(write(procom_, Json{{"kind", "site"}, {"data", hijack}}).status, 403);
  Json vet = record("vetting", "vet-prime-dc")["data"];
  vet["wage_floor_hourly_gross"] = 7.25;
  EXPECT_EQ(write(procom_, Json{{"kind", "vetting"}, {"data", vet}}).status, 403);
  Json prime_caller = record("caller", "caller-dc-01")["data"];
  prime_caller["worker_category"] = "incarcerated";
  EXPECT_EQ(write(procom_, Json{{"kind", "caller"}, {"data", prime_caller}}).status, 403);
  Json planted{{"ref", "caller-planted"}, {"site_id", "site-prime-dc"}, {"engagement_id", "eng-procom"},
               {"worker_category", "employee"}};
  EXPECT_EQ(write(procom_, Json{{"kind", "caller"}, {"data", planted}}).status, 403);
  Json prime_entity = record("entity", "prime-vendor")["data"];
  prime_entity["legal_name"] = "ProCom holdings";
  EXPECT_EQ(write(procom_, Json{{"kind", "entity"}, {"data", prime_entity}}).status, 403);
  EXPECT_EQ(record("site", "site-prime-dc")["version"], 1);
  EXPECT_EQ(record("site", "site-prime-dc")["data"]["name"], prime_site["name"]);
  EXPECT_EQ(record("vetting", "vet-prime-dc")["version"], 1);
  EXPECT_EQ(record("caller", "caller-dc-01")["version"], 1);
  EXPECT_EQ(record("entity", "prime-vendor")["version"], 1);
  EXPECT_EQ(send("GET", "/api/v1/vendor/records/caller/caller-planted", manager_).status, 404);
  // Its own site: allowed, a new version.
  Json own = record("site", "site-procom-vineland")["data"];
  own["max_seats"] = 25;
  HttpResponse ok = write(procom_, Json{{"kind", "site"}, {"data", own}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Json::parse(ok.body)["version"], 2);
  EXPECT_EQ(auditCount("vendor.site.version"), 1);
}

TEST_F(VendorWriteApi, EvidenceIsStoredBySha256AndAttachedToAVettingRecord) {
  const std::string report = "Announced site visit: 40 seats, badge access, payroll on site.\n";
  const std::string sha = sha256Hex(report);
  HttpResponse up = send("POST", "/api/v1/vendor/evidence?name=site-visit.txt", manager_, report);
  ASSERT_EQ(up.status, 200) << up.body;
  Json u = Json::parse(up.body);
  EXPECT_EQ(u["sha256"], sha);
  EXPECT_EQ(u["file"], "evidence/" + sha);
  EXPECT_EQ(u["size"], report.size());
  std::ifstream stored(dir_ / "evidence" / sha, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(stored)), {});
  EXPECT_EQ(content, report);
  EXPECT_FALSE(fs::exists(dir_ / "uploads") && !fs::is_empty(dir_ / "uploads")) << "the upload's scratch copy is removed";
  Json vet = record("vetting", "vet-prime-dc")["data"];
  vet["evidence_docs"].push_back(Json{{"doc_type", "site_visit"}, {"issuer", "Campaign operations"},
                                      {"file", "evidence/" + sha}, {"sha256", sha}});
  HttpResponse w = write(manager_, Json{{"kind", "vetting"}, {"data", vet}});
  ASSERT_EQ(w.status, 200) << w.body;
  Json saved = record("vetting", "vet-prime-dc");
  EXPECT_EQ(saved["version"], 2);
  bool found = false;
  for (auto& e : saved["data"]["evidence_docs"]) found |= e.value("sha256", "") == sha;
  EXPECT_TRUE(found) << saved.dump();
  // A recorded hash that does not match the file is refused.
  Json wrong = saved["data"];
  wrong["evidence_docs"].push_back(Json{{"doc_type", "payroll"}, {"issuer", "x"}, {"file", "evidence/" + sha},
                                        {"sha256", std::string(64, '0')}});
  HttpResponse mismatch = write(manager_, Json{{"kind", "vetting"}, {"data", wrong}});
  EXPECT_EQ(mismatch.status, 400) << mismatch.body;
  EXPECT_EQ(record("vetting", "vet-prime-dc")["version"], 2);
  // Callers and auditors may not upload.
  EXPECT_EQ(send("POST", "/api/v1/vendor/evidence?name=x.txt", auditor_, report).status, 403);
}

}  // namespace
}  // namespace clearline::api
