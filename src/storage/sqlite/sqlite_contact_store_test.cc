// SqliteContactStore's bulk writes: addContacts / addContactsInOrder (multi-row
// INSERTs with ids handed out by the batch) store exactly what addContact, one
// row at a time, stores.
#include "storage/sqlite/sqlite_contact_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/time_util.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::storage {
namespace {

struct Fixture {
  ManualClock clock{*parseIso("2026-11-30T15:00:00Z")};
  core::Actor actor{"test"};
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<SqliteContactStore> contacts;
  core::ImportRecord import;

  Fixture() {
    store = std::move(SqliteStore::open(":memory:", clock).value());
    contacts = std::make_unique<SqliteContactStore>(store->db(), clock);
    auto org = store->campaigns().createOrganisation("org", actor);
    EXPECT_TRUE(org.isOk()) << org.status().toString();
    auto camp = core::newCampaign("c", core::PurposeClass::kPolitical);
    camp.org_id = org->id;
    auto c = store->campaigns().createCampaign(camp, actor);
    EXPECT_TRUE(c.isOk()) << c.status().toString();
    core::ImportRecord r;
    r.campaign_id = c->id;
    r.list_name = "l";
    r.file = "/tmp/l.csv";
    r.file_sha256 = std::string(64, '0');
    r.rejects_file = "/tmp/r.csv";
    auto started = contacts->startImport(r, actor);
    EXPECT_TRUE(started.isOk()) << started.status().toString();
    import = *started;
  }

  // Every stored row as text, contacts by id, phones by (contact, priority),
  // phone ids left out (their order is the adapter's choice).
  std::string dump() {
    std::string out;
    const std::pair<const char*, int> queries[] = {
        {"SELECT id, campaign_id, list_id, import_id, quote(external_id), quote(first_name), "
         "quote(last_name),"
         " quote(address), quote(city), quote(state), quote(zip), quote(timezone), quote(custom), "
         "source_line,"
         " priority, status, attempts, quote(next_attempt_at) FROM contacts ORDER BY id",
         18},
        {"SELECT contact_id, campaign_id, org_id, e164, raw, label, line_type, quote(number_type), "
         "consent,"
         " quote(consent_at), quote(consent_source), quote(consent_revoked_at), priority FROM "
         "phones"
         " ORDER BY contact_id, priority",
         13}};
    for (auto [sql, columns] : queries) {
      auto s = store->db().prepare(sql);
      EXPECT_TRUE(s.isOk()) << s.status().toString();
      while (*s->step()) {
        for (int i = 0; i < columns; ++i) out += s->text(i) + "|";
        out += "\n";
      }
    }
    return out;
  }
};

// n contacts with 0–3 phones, every optional field both set and empty.
std::vector<core::Contact> sampleContacts(size_t n) {
  std::vector<core::Contact> cs(n);
  for (size_t i = 0; i < n; ++i) {
    core::Contact& c = cs[i];
    c.external_id = "X" + std::to_string(i);
    c.first_name = i % 5 ? "Ann" : "";
    c.last_name = "Lee-" + std::to_string(i * 7);
    c.address = i % 3 ? "1 Main St, Apt \"" + std::to_string(i) + "\"" : "";
    c.city = "Miami";
    c.state = i % 2 ? "FL" : "";
    c.zip = "33101";
    c.timezone = i % 4 ? "" : "America/New_York";
    if (i % 3 == 0) c.custom["PARTY"] = "DEM";
    if (i % 7 == 0)
      c.custom["note"] =
          "a long custom value that does not fit in a short string " + std::to_string(i);
    c.source_line = static_cast<int64_t>(2 + i * 2);
    for (size_t k = 0; k < i % 4; ++k) {
      core::Phone p;
      // Numbers out of order across contacts, so the order the phones are
      // written in differs from the contacts' order.
      p.e164 = "+1305" + std::to_string(2000000 + (i * 7919 + k * 104729) % 8000000);
      p.raw = "(305) " + p.e164.substr(5);
      p.label = k ? "cell_phone" : "phone";
      p.line_type = k ? core::LineType::kWireless : core::LineType::kUnknown;
      p.number_type = "FIXED_LINE_OR_MOBILE";
      p.consent = i % 2 ? core::ConsentType::kExpress : core::ConsentType::kNone;
      if (i % 6 == 1) p.consent_at = fromEpochMillis(1'700'000'000'000 + static_cast<int64_t>(i));
      if (i % 5 == 2) p.consent_source = "web form";
      p.priority = static_cast<int>(k);
      c.phones.push_back(p);
    }
  }
  return cs;
}

// Each phone's id was filled in with the id of its own row.
void expectPhoneIdsMatchRows(Fixture& f, const std::vector<core::Contact>& cs) {
  auto s = f.store->db().prepare("SELECT contact_id, priority FROM phones WHERE id=?");
  ASSERT_TRUE(s.isOk());
  size_t phones = 0;
  for (const auto& c : cs) {
    for (const auto& p : c.phones) {
      ++phones;
      s->reset();
      s->bind(1, p.id.value);
      ASSERT_TRUE(*s->step()) << "phone id " << p.id.value << " not stored";
      EXPECT_EQ(s->int64(0), c.id.value);
      EXPECT_EQ(s->int64(1), p.priority);
    }
  }
  auto n = f.store->db().prepare("SELECT count(*) FROM phones");
  ASSERT_TRUE(*n->step());
  EXPECT_EQ(n->int64(0), static_cast<int64_t>(phones));
}

// Batch sizes around the multi-row statement's group size (64 rows): fewer,
// exactly one group, groups and a remainder; and a second batch on top of the
// first, so ids continue from the rows already there.
TEST(SqliteContactStoreBulk, MultiRowInsertsStoreWhatOneRowInsertsStore) {
  for (size_t n : {1u, 63u, 64u, 65u, 200u}) {
    Fixture one, bulk, ordered;
    auto a = sampleContacts(n), b = sampleContacts(n), c = sampleContacts(n);
    ASSERT_TRUE(one.contacts
                    ->batch([&]() -> Status {
                      for (int round = 0; round < 2; ++round) {
                        for (auto& k : a) RETURN_IF_ERROR(one.contacts->addContact(one.import, k));
                        if (round == 0) expectPhoneIdsMatchRows(one, a);
                      }
                      return Status::ok();
                    })
                    .isOk());
    ASSERT_TRUE(bulk.contacts
                    ->batch([&]() -> Status {
                      for (int round = 0; round < 2; ++round) {
                        std::vector<core::Contact*> ptrs;
                        for (auto& k : b) ptrs.push_back(&k);
                        RETURN_IF_ERROR(bulk.contacts->addContacts(bulk.import, ptrs));
                        if (round == 0) expectPhoneIdsMatchRows(bulk, b);
                      }
                      return Status::ok();
                    })
                    .isOk());
    ASSERT_TRUE(ordered.contacts
                    ->batch([&]() -> Status {
                      for (int round = 0; round < 2; ++round) {
                        std::vector<core::Contact*> ptrs;
                        std::vector<core::ContactStore::PhoneSlot> order;
                        for (auto& k : c) ptrs.push_back(&k);
                        for (uint32_t i = 0; i < ptrs.size(); ++i) {
                          for (uint32_t j = 0; j < ptrs[i]->phones.size(); ++j)
                            order.push_back({i, j});
                        }
                        std::reverse(order.begin(), order.end());  // any order the caller likes
                        RETURN_IF_ERROR(
                            ordered.contacts->addContactsInOrder(ordered.import, ptrs, order));
                        if (round == 0) expectPhoneIdsMatchRows(ordered, c);
                      }
                      return Status::ok();
                    })
                    .isOk());
    std::string want = one.dump();
    EXPECT_EQ(std::count(want.begin(), want.end(), '\n'),
              static_cast<long>(2 * n + 2 * (n / 4 * 6 + (n % 4) * (n % 4 - 1) / 2)))
        << "n=" << n;
    EXPECT_EQ(bulk.dump(), want) << "n=" << n;
    EXPECT_EQ(ordered.dump(), want) << "n=" << n;
    for (size_t i = 0; i < n; ++i) {
      EXPECT_EQ(b[i].id, a[i].id);
      EXPECT_EQ(c[i].id, a[i].id);
    }
  }
}

}  // namespace
}  // namespace clearline::storage
