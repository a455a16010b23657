#include "import/importer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "storage/sqlite/sqlite_contact_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::import {
namespace {

namespace fs = std::filesystem;

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("clearline_importer_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto s = storage::SqliteStore::open(":memory:", clock_);
    ASSERT_TRUE(s.isOk()) << s.status().toString();
    store_ = std::move(s).value();
    contacts_ = std::make_unique<storage::SqliteContactStore>(store_->db(), clock_);
    auto org = store_->campaigns().createOrganisation("Org", actor_);
    ASSERT_TRUE(org.isOk());
    org_ = org->id;
    campaign_ = newCampaign("C1");
  }
  void TearDown() override { fs::remove_all(dir_); }

  CampaignId newCampaign(const std::string& name) {
    auto c = core::newCampaign(name, core::PurposeClass::kPolitical);
    c.org_id = org_;
    auto created = store_->campaigns().createCampaign(c, actor_);
    EXPECT_TRUE(created.isOk()) << created.status().toString();
    return created->id;
  }

  std::string write(const std::string& name, const std::string& text) {
    auto p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  ImportOptions opts(const std::string& file, CampaignId c = {}) {
    ImportOptions o;
    o.file = file;
    o.campaign = c.valid() ? c : campaign_;
    o.rejects_dir = (dir_ / "rejects").string();
    o.batch_rows = 3;
    return o;
  }

  int64_t count(const std::string& sql) {
    auto s = store_->db().prepare(sql);
    EXPECT_TRUE(s.isOk());
    EXPECT_TRUE(*s->step());
    return s->int64(0);
  }

  std::string slurp(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  void expectAuditIntact() {
    core::AuditVerifier v;
    Status st = store_->auditLog().scan(1, [&](const core::AuditEvent& e) { return v.next(e); });
    EXPECT_TRUE(st.isOk()) << st.toString();
  }

  fs::path dir_;
  ManualClock clock_{fromEpochMillis(1'700'000'000'000)};
  core::Actor actor_{"test"};
  std::unique_ptr<storage::SqliteStore> store_;
  std::unique_ptr<storage::SqliteContactStore> contacts_;
  OrgId org_;
  CampaignId campaign_;
};

const char* kList =
    "voter_id,first_name,last_name,phone,cell_phone\n"
    "1,Ann,Lee,(305) 234-5678,\n"
    "2,Bob,Ray,813-555-CALL,(813) 234-9999\n"
    "3,Cy,Do,555-1234,\n"
    "4,Di,Ng,305.234.5678,\n"
    "5,Ed,Mo,,\n"
    "6,Fa,Re,\"(212) 234-1111\",+1 212 234 2222\n"
    "7,Ga,Ti,212 234 3333\n";

TEST_F(ImporterTest, CountsAddUpAndEveryRejectIsExplained) {
  auto out = runImport(*contacts_, actor_, opts(write("l.csv", kList)), {});
  ASSERT_TRUE(out.isOk()) << out.status().toString();
  ASSERT_TRUE(out->status.isOk()) << out->status.toString();
  const auto& c = out->record.counts;
  EXPECT_EQ(c.read, 7);
  EXPECT_EQ(c.imported, 3);    // 1, 2 (cell only), 6
  EXPECT_EQ(c.duplicates, 1);  // 4 = 1
  EXPECT_EQ(c.rejected, 3);    // 3 too short, 5 no phone, 7 ragged
  EXPECT_EQ(c.read, c.imported + c.duplicates + c.rejected);
  EXPECT_EQ(out->record.state, core::ImportState::kCommitted);
  EXPECT_EQ(count("SELECT count(*) FROM contacts"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM phones"), 4);
  std::string rejects = slurp(out->record.rejects_file);
  EXPECT_NE(rejects.find("line,column,reason,raw\n"), std::string::npos);
  EXPECT_NE(rejects.find("4,phone,too short"), std::string::npos) << rejects;
  EXPECT_NE(rejects.find("6,phone,no phone number"), std::string::npos) << rejects;
  EXPECT_NE(rejects.find("8,cell_phone,\"ragged row"), std::string::npos) << rejects;
  // Contact 2 keeps its bad home number as a custom field.
  auto bob = contacts_->getContact(ContactId(2));
  ASSERT_TRUE(bob.isOk());
  ASSERT_EQ(bob->phones.size(), 1u);
  EXPECT_EQ(bob->phones[0].line_type, core::LineType::kWireless);
  EXPECT_NE(bob->custom["phone"].find("contains letters"), std::string::npos);
  expectAuditIntact();
}

// Numbers are deduplicated a batch at a time (one sorted probe of the store
// for the batch's distinct numbers); the outcome must be the one of deciding
// row by row: whatever the batch size, the same rows imported with the same
// numbers, and the same counts — including a number repeated within a row,
// a row with one old and one new number, a number repeated in the same batch
// and across batches, and an earlier list's numbers.
TEST_F(ImporterTest, BatchDedupeDecidesAsRowByRow) {
  const char* earlier =
      "voter_id,first_name,last_name,phone,cell_phone\n"
      "e1,Old,One,(305) 234-0001,\n";
  auto first = runImport(*contacts_, actor_, opts(write("earlier.csv", earlier)), {});
  ASSERT_TRUE(first.isOk() && first->status.isOk());
  const char* list =
      "voter_id,first_name,last_name,phone,cell_phone\n"
      "1,A,A,(305) 234-0002,305-234-0002\n"        // repeated in the row: one number
      "2,B,B,(305) 234-0001,(305) 234-0003\n"      // old number + new one: imported with 0003 only
      "3,C,C,305.234.0001,305 234 0001\n"          // old number twice: a duplicate, 2 duplicate numbers
      "4,D,D,(305) 234-0003,(305) 234-0004\n"      // 0003 taken by row 2: imported with 0004
      "5,E,E,3052340004,\n"                        // duplicate of row 4's number
      "6,F,F,(305) 234-0005,bad\n"                 // imported, one invalid number
      "7,G,G,(305) 234-0006,(305) 234-0005\n"      // imported with 0006 only
      "8,H,H,(305) 234-0006,(305) 234-0006\n";     // duplicate: 2 duplicate numbers
  std::vector<std::string> results;
  for (int64_t batch : {1, 2, 3, 1000}) {
    auto c = newCampaign("batch " + std::to_string(batch));
    auto e = runImport(*contacts_, actor_, opts(write("e.csv", earlier), c), {});
    ASSERT_TRUE(e.isOk() && e->status.isOk());
    ImportOptions o = opts(write("l.csv", list), c);
    o.batch_rows = batch;
    auto out = runImport(*contacts_, actor_, o, {});
    ASSERT_TRUE(out.isOk()) << out.status().toString();
    ASSERT_TRUE(out->status.isOk()) << out->status.toString();
    const auto& n = out->record.counts;
    EXPECT_EQ(n.read, 8) << "batch " << batch;
    EXPECT_EQ(n.imported, 5) << "batch " << batch;  // 1, 2, 4, 6, 7
    EXPECT_EQ(n.duplicates, 3) << "batch " << batch;  // 3, 5, 8
    EXPECT_EQ(n.rejected, 0) << "batch " << batch;
    EXPECT_EQ(n.phones_imported, 5) << "batch " << batch;
    EXPECT_EQ(n.phones_invalid, 1) << "batch " << batch;
    EXPECT_EQ(n.phones_duplicate, 1 + 2 + 1 + 1 + 1 + 2) << "batch " << batch;
    // Which row kept which number, in priority order.
    std::string got;
    auto cs = contacts_->listContacts(c, 0, 100);
    ASSERT_TRUE(cs.isOk());
    for (auto& k : *cs) {
      got += k.external_id + ":";
      for (auto& p : k.phones) got += p.e164.substr(8) + "/" + p.label + "/" + std::to_string(p.priority) + " ";
      got += "\n";
    }
    results.push_back(got);
  }
  EXPECT_EQ(results[0],
            "e1:0001/phone/0 \n"
            "1:0002/phone/0 \n"
            "2:0003/cell_phone/0 \n"
            "4:0004/cell_phone/0 \n"
            "6:0005/phone/0 \n"
            "7:0006/phone/0 \n");
  for (auto& r : results) EXPECT_EQ(r, results[0]);
  expectAuditIntact();
}

TEST_F(ImporterTest, DedupeScopes) {
  const char* list = "phone\n(305) 234-5678\n";
  ASSERT_TRUE(runImport(*contacts_, actor_, opts(write("a.csv", list)), {}).isOk());
  // Same campaign, campaign scope: duplicate.
  auto again = runImport(*contacts_, actor_, opts(write("b.csv", list)), {});
  EXPECT_EQ(again->record.counts.duplicates, 1);
  // List scope: a new list, so it is imported.
  auto o = opts(write("c.csv", list));
  o.dedupe = core::DedupeScope::kList;
  auto by_list = runImport(*contacts_, actor_, o, {});
  EXPECT_EQ(by_list->record.counts.imported, 1);
  // Another campaign of the same organisation: organisation scope finds it.
  CampaignId c2 = newCampaign("C2");
  auto o2 = opts(write("d.csv", list), c2);
  o2.dedupe = core::DedupeScope::kOrganisation;
  EXPECT_EQ(runImport(*contacts_, actor_, o2, {})->record.counts.duplicates, 1);
  auto o3 = opts(write("e.csv", list), c2);
  o3.dedupe = core::DedupeScope::kCampaign;
  EXPECT_EQ(runImport(*contacts_, actor_, o3, {})->record.counts.imported, 1);
}

TEST_F(ImporterTest, BadFilesStoreNothing) {
  for (auto [name, text, needle] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"empty.csv", "", ":1: the file is empty"},
           {"header.csv", "phone,name\n", ":1: header only"},
           {"nophone.csv", "name\nAnn\n", "missing required column"},
           {"semi.csv", "name;phone;city\nA;3052345678;X\n", "wrong delimiter"},
           {"ambig.csv", "phone,zip,postal_code\n1,2,3\n", "ambiguous"}}) {
    auto out = runImport(*contacts_, actor_, opts(write(name, text)), {});
    ASSERT_FALSE(out.isOk()) << name;
    EXPECT_NE(out.status().message().find(needle), std::string::npos) << out.status().message();
    EXPECT_NE(out.status().message().find(name + ":1"), std::string::npos) << out.status().message();
  }
  EXPECT_EQ(count("SELECT count(*) FROM imports"), 0);
  auto wrong_map = opts(write("m.csv", "phone\n3052345678\n"));
  wrong_map.map_overrides = {"cell=phone"};
  EXPECT_FALSE(runImport(*contacts_, actor_, wrong_map, {}).isOk());
  auto auto_delim = opts(write("semi2.csv", "name;phone\nA;3052345678\n"));
  auto_delim.delimiter = "auto";
  auto ok = runImport(*contacts_, actor_, auto_delim, {});
  ASSERT_TRUE(ok.isOk()) << ok.status().toString();
  EXPECT_EQ(ok->record.counts.imported, 1);
}

TEST_F(ImporterTest, CancelRollsBackTheOpenBatchAndResumeFinishes) {
  std::string text = "phone,first_name\n";
  for (int i = 0; i < 20; ++i) text += "(305) 234-" + std::to_string(1000 + i) + ",N" + std::to_string(i) + "\n";
  text += "bad,row\n";
  std::string file = write("big.csv", text);
  int polls = 0;
  ImportHooks hooks;
  hooks.cancelled = [&] { return ++polls > 8; };  // stops inside the third batch
  auto first = runImport(*contacts_, actor_, opts(file), hooks);
  ASSERT_TRUE(first.isOk());
  EXPECT_EQ(first->status.code(), StatusCode::kCancelled);
  EXPECT_EQ(first->record.state, core::ImportState::kCancelled);
  EXPECT_EQ(first->record.counts.read, 6);  // two committed batches of 3
  EXPECT_EQ(first->record.resume_line, 8);
  EXPECT_EQ(count("SELECT count(*) FROM contacts"), 6);
  EXPECT_EQ(count("SELECT count(*) FROM dialable_contacts"), 0);  // not committed: not dialled
  auto stored = contacts_->getImport(first->record.id);
  EXPECT_EQ(stored->state, core::ImportState::kCancelled);
  EXPECT_EQ(stored->counts.read, 6);
  expectAuditIntact();

  auto o = opts(file);
  o.resume = first->record.id;
  auto second = runImport(*contacts_, actor_, o, {});
  ASSERT_TRUE(second.isOk()) << second.status().toString();
  ASSERT_TRUE(second->status.isOk()) << second->status.toString();
  const auto& c = second->record.counts;
  EXPECT_EQ(c.read, 21);
  EXPECT_EQ(c.imported, 20);
  EXPECT_EQ(c.rejected, 1);
  EXPECT_EQ(count("SELECT count(*) FROM contacts"), 20);
  EXPECT_EQ(count("SELECT count(*) FROM dialable_contacts"), 20);
  std::string rejects = slurp(second->record.rejects_file);
  EXPECT_EQ(std::count(rejects.begin(), rejects.end(), '\n'), 2) << rejects;  // header + 1
  EXPECT_NE(rejects.find("22,phone,"), std::string::npos) << rejects;
  expectAuditIntact();
  // A committed import cannot be resumed; a different file cannot resume it either.
  EXPECT_FALSE(runImport(*contacts_, actor_, o, {}).isOk());
}

TEST_F(ImporterTest, ReadErrorStopsWithVisibleStateAndResumes) {
  std::string text = "phone\n";
  for (int i = 0; i < 30; ++i) text += "(212) 234-" + std::to_string(1000 + i) + "\n";
  std::string file = write("r.csv", text);
  auto o = opts(file);
  o.fault_spec = "read_error_at=200";
  auto first = runImport(*contacts_, actor_, o, {});
  ASSERT_TRUE(first.isOk());
  EXPECT_EQ(first->status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(first->record.state, core::ImportState::kFailed);
  EXPECT_NE(first->status.message().find("resume with"), std::string::npos);
  const auto& c = first->record.counts;
  EXPECT_EQ(c.read, c.imported + c.duplicates + c.rejected);
  EXPECT_EQ(count("SELECT count(*) FROM contacts"), c.imported);
  auto r = opts(file);
  r.resume = first->record.id;
  auto second = runImport(*contacts_, actor_, r, {});
  ASSERT_TRUE(second.isOk());
  EXPECT_TRUE(second->status.isOk()) << second->status.toString();
  EXPECT_EQ(second->record.counts.imported, 30);
  EXPECT_EQ(count("SELECT count(*) FROM contacts"), 30);
  expectAuditIntact();
}

TEST_F(ImporterTest, LineTypeConsentAndCountryCodeColumns) {
  auto out = runImport(*contacts_, actor_,
                       opts(write("c.csv",
                                  "phone_code,phone_number,line_type,consent,consent_date,consent_source\n"
                                  "1,3052345678,landline,yes,2024-05-01,web form\n"
                                  "44,20 7946 0000,,,,\n"
                                  "1,2122345678,fax,,,\n")),
                       {});
  ASSERT_TRUE(out.isOk());
  EXPECT_EQ(out->record.counts.imported, 1);
  EXPECT_EQ(out->record.counts.rejected, 2);  // +44 not allowed; "fax" is no line type
  auto c = contacts_->getContact(ContactId(1));
  ASSERT_TRUE(c.isOk());
  EXPECT_EQ(c->phones[0].line_type, core::LineType::kLandline);
  EXPECT_EQ(c->phones[0].consent, core::ConsentType::kExpress);
  EXPECT_TRUE(c->phones[0].consent_at.has_value());
  EXPECT_EQ(c->phones[0].consent_source, "web form");
}

// A US location the compliance policy could never read (every call would fail
// closed on P0) is reported with its column, as a bad line type is; a state
// written out or in lower case is stored as its code (session 21: rows with
// state "XX" or ZIP "abcde" were stored undialable without a word).
TEST_F(ImporterTest, UsStatesAndZipsThePolicyCannotReadAreReported) {
  auto out = runImport(*contacts_, actor_,
                       opts(write("s.csv",
                                  "phone,state,zip\n"
                                  "3052345671,FL,33101\n"
                                  "3052345672,XX,33101\n"
                                  "3052345673,Florida,33101-1234\n"
                                  "3052345674,fl,abcde\n"
                                  "3052345675,FL,34300\n"
                                  "3052345676,,\n"
                                  "3052345677,NEW YORK,\n")),
                       {});
  ASSERT_TRUE(out.isOk()) << out.status().toString();
  EXPECT_EQ(out->record.counts.imported, 4);  // lines 2, 4, 7, 8
  EXPECT_EQ(out->record.counts.rejected, 3);
  std::string rejects = slurp(out->record.rejects_file);
  EXPECT_NE(rejects.find("3,state,\"state 'XX' is not a US state or territory"), std::string::npos)
      << rejects;
  EXPECT_NE(rejects.find("5,zip,ZIP 'abcde' is malformed"), std::string::npos) << rejects;
  EXPECT_NE(rejects.find("6,zip,ZIP '34300' has a 3-digit prefix no state uses"), std::string::npos)
      << rejects;
  auto florida = contacts_->getContact(ContactId(2));
  ASSERT_TRUE(florida.isOk());
  EXPECT_EQ(florida->state, "FL");
  EXPECT_EQ(florida->zip, "33101-1234");
  auto york = contacts_->getContact(ContactId(4));
  ASSERT_TRUE(york.isOk());
  EXPECT_EQ(york->state, "NY");
}

// A time zone the policy cannot read (P0) is reported under the list's own
// column name, for any country; a real one is stored as given.
TEST_F(ImporterTest, TimeZonesThePolicyCannotReadAreReported) {
  ImportOptions o = opts(write("tz.csv",
                               "phone,state,tz\n"
                               "3052345671,FL,America/New_York\n"
                               "3052345672,FL,Eastern\n"
                               "+442079460000,,Europe/Londn\n"
                               "+442079460001,,Europe/London\n"
                               "3052345673,FL,\n"));
  o.allow_international = true;
  auto out = runImport(*contacts_, actor_, o, {});
  ASSERT_TRUE(out.isOk()) << out.status().toString();
  EXPECT_EQ(out->record.counts.imported, 3);  // lines 2, 5, 6
  EXPECT_EQ(out->record.counts.rejected, 2);
  std::string rejects = slurp(out->record.rejects_file);
  EXPECT_NE(rejects.find("3,tz,time zone 'Eastern' is not an IANA zone name"), std::string::npos)
      << rejects;
  EXPECT_NE(rejects.find("4,tz,time zone 'Europe/Londn' is not an IANA zone name"),
            std::string::npos)
      << rejects;
  auto first = contacts_->getContact(ContactId(1));
  ASSERT_TRUE(first.isOk());
  EXPECT_EQ(first->timezone, "America/New_York");
}

// The reader thread runs ahead of the writer by up to two batches: every
// record must still reach the store exactly once, in file order, with its own
// physical line — whatever the batch size, with multi-line quoted fields
// (record index ≠ line) and rejects in between.
TEST_F(ImporterTest, PipelineHandsEveryRecordThroughOnceInFileOrder) {
  std::string text = "voter_id,first_name,address,phone\n";
  std::vector<int64_t> want_lines;  // the imported records' first lines
  std::string want_rejects;         // the rejected records' lines
  int64_t line = 2;
  for (int i = 0; i < 1000; ++i) {
    const int64_t at = line;
    std::string phone = "(305) 234-" + std::to_string(1000 + i);
    if (i % 97 == 5) {
      text += std::to_string(i) + ",R,x,555-12\n";  // too short: rejected
      want_rejects += std::to_string(at) + ",";
      line += 1;
      continue;
    }
    if (i % 10 == 3) {
      text +=
          std::to_string(i) + ",Q,\"12 Main St\nApt " + std::to_string(i) + "\"," + phone + "\n";
      line += 2;
    } else {
      text += std::to_string(i) + ",N," + std::to_string(i) + " Elm St," + phone + "\n";
      line += 1;
    }
    want_lines.push_back(at);
  }
  std::string file = write("p.csv", text);
  for (int64_t batch : {1, 7, 100, 5000}) {
    auto c = newCampaign("pipe " + std::to_string(batch));
    ImportOptions o = opts(file, c);
    o.batch_rows = batch;
    auto out = runImport(*contacts_, actor_, o, {});
    ASSERT_TRUE(out.isOk()) << out.status().toString();
    ASSERT_TRUE(out->status.isOk()) << out->status.toString();
    const auto& n = out->record.counts;
    EXPECT_EQ(n.read, 1000) << "batch " << batch;
    EXPECT_EQ(n.imported, static_cast<int64_t>(want_lines.size())) << "batch " << batch;
    EXPECT_EQ(n.rejected, 1000 - static_cast<int64_t>(want_lines.size())) << "batch " << batch;
    EXPECT_EQ(out->record.resume_line, line) << "batch " << batch;
    // Contacts in id order are the records in file order, each once, at its line.
    std::vector<int64_t> got_lines;
    auto cs = contacts_->listContacts(c, 0, 100000);
    ASSERT_TRUE(cs.isOk());
    for (auto& k : *cs) {
      got_lines.push_back(k.source_line);
      ASSERT_EQ(k.phones.size(), 1u) << k.external_id;
    }
    EXPECT_EQ(got_lines, want_lines) << "batch " << batch;
    std::string got_rejects;
    std::istringstream rej(slurp(out->record.rejects_file));
    std::string row;
    std::getline(rej, row);  // header
    while (std::getline(rej, row)) got_rejects += row.substr(0, row.find(',')) + ",";
    EXPECT_EQ(got_rejects, want_rejects) << "batch " << batch;
    // One import.progress a committed batch (the last one's with import.finish):
    // none lost, none twice.
    int64_t batches = (1000 + batch - 1) / batch;
    if (1000 % batch == 0)
      ++batches;  // the end of the file is found at the start of an empty batch
    EXPECT_EQ(
        count("SELECT count(*) FROM audit_events WHERE action='import.progress' AND object_id='" +
              out->record.id.str() + "'"),
        batches)
        << "batch " << batch;
  }
  expectAuditIntact();
}

// A store that fails the Nth batch's writes, as a full disk would.
class FailingStore final : public core::ForwardingContactStore {
 public:
  FailingStore(core::ContactStore& inner, int fail_at) : ForwardingContactStore(inner), fail_at_(fail_at) {}
  Status addContactsInOrder(const core::ImportRecord& r, const std::vector<core::Contact*>& cs,
                            const std::vector<PhoneSlot>& order) override {
    if (++batches_ == fail_at_) return Status::resourceExhausted("disk full: injected");
    return inner_.addContactsInOrder(r, cs, order);
  }

 private:
  int fail_at_;
  int batches_ = 0;
};

// When the writer fails, the batches before are committed, the import is
// failed with the right resume point, and the reader thread stops soon after
// (it does not read the rest of the file) instead of blocking the import. The
// rejects it noted past the last commit are not reported.
TEST_F(ImporterTest, WriterFailureStopsTheReader) {
  std::string text = "phone\n";
  for (int i = 0; i < 5000; ++i) {
    if (i % 7 == 3) {
      text += "555-12\n";  // too short: rejected
    } else {
      text +=
          "(212) 23" + std::to_string(4 + i / 1000) + "-" + std::to_string(1000 + i % 1000) + "\n";
    }
  }
  std::string file = write("w.csv", text);
  FailingStore failing(*contacts_, 3);
  auto o = opts(file);
  o.batch_rows = 10;
  std::atomic<int> polls{0};
  ImportHooks hooks;
  hooks.cancelled = [&] {
    ++polls;
    return false;
  };
  auto out = runImport(failing, actor_, o, hooks);
  ASSERT_TRUE(out.isOk()) << out.status().toString();
  EXPECT_EQ(out->status.code(), StatusCode::kResourceExhausted) << out->status.toString();
  EXPECT_EQ(out->record.state, core::ImportState::kFailed);
  EXPECT_EQ(out->record.counts.read, 20);     // two batches committed: records 0–19
  EXPECT_EQ(out->record.counts.rejected, 3);  // records 3, 10, 17
  EXPECT_EQ(out->record.resume_line, 22);
  EXPECT_EQ(count("SELECT count(*) FROM contacts"), 17);
  std::vector<int64_t> noted;
  for (auto& n : out->first_rejects) noted.push_back(n.line);
  EXPECT_EQ(noted, (std::vector<int64_t>{5, 12, 19}));
  // The reader may have filled the batches in flight, not the file's 5000 records.
  EXPECT_LT(polls.load(), 200);
  expectAuditIntact();
}

}  // namespace
}  // namespace clearline::import
