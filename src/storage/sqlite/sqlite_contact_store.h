// The SQLite adapter of core::ContactStore (owner: import): contact lists,
// contacts, phones and import runs, on the core tables plus the `import`
// migration module (schema_import.cc).
//
// Built on a SqliteDb the caller owns (usually SqliteStore::db()), so an
// import batch and its audit events share one connection and one transaction.
// Hot statements are cached on the connection.
// Thread-safety: one thread at a time, like the SqliteDb it uses.
#pragma once

#include "common/clock.h"
#include "core/ports/contact_store.h"
#include "storage/sqlite/sqlite_db.h"

namespace clearline::storage {

class SqliteContactStore final : public core::ContactStore {
 public:
  SqliteContactStore(SqliteDb& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<core::ImportRecord> startImport(core::ImportRecord r, const core::Actor& actor) override;
  Result<core::ImportRecord> getImport(ImportId id) override;
  Result<std::vector<core::ImportRecord>> listImports(CampaignId campaign) override;
  Result<core::ImportRecord> resumeImport(ImportId id, const core::Actor& actor) override;

  Status batch(const std::function<Status()>& fn) override;
  Result<bool> phoneInScope(const core::ImportRecord& r, core::DedupeScope scope,
                            std::string_view e164) override;
  Status addContact(const core::ImportRecord& r, core::Contact& c) override;
  Status phonesInScope(const core::ImportRecord& r, core::DedupeScope scope,
                       const std::vector<std::string_view>& e164s, std::vector<char>& found) override;
  // Contacts in order, then all their phones in number order: the phones
  // index (e164, org_id, campaign_id) is then extended left to right. Rows
  // go 64 to a multi-row INSERT, with ids max(id) + 1, … assigned here (the
  // ids SQLite itself would pick), the remainder one by one.
  Status addContacts(const core::ImportRecord& r, const std::vector<core::Contact*>& contacts) override;
  // The same, phones in the caller's order (the importer's: by number).
  Status addContactsInOrder(const core::ImportRecord& r, const std::vector<core::Contact*>& contacts,
                            const std::vector<PhoneSlot>& order) override;
  Status saveProgress(const core::ImportRecord& r, const core::Actor& actor) override;
  Status finishImport(core::ImportRecord& r, core::ImportState state, const std::string& error,
                      const core::Actor& actor) override;

  Result<std::vector<core::Contact>> listContacts(CampaignId campaign, int64_t after_id, int limit) override;
  Result<core::Contact> getContact(ContactId id) override;
  Result<int64_t> countContacts(CampaignId campaign) override;

 private:
  Result<core::ImportRecord> readImport(Stmt& s);
  Status loadPhones(core::Contact& c);
  Result<Stmt*> scopeProbe(const core::ImportRecord& r, core::DedupeScope scope);
  // addContacts' halves: the contacts in order (ids filled in), then the
  // phones of phone_order_ in that order.
  Status insertContactRows(const core::ImportRecord& r, const std::vector<core::Contact*>& contacts);
  Status insertPhoneRows(const core::ImportRecord& r);
  SqliteDb& db_;
  const Clock& clock_;
  // addContacts' scratch, reused from batch to batch (bounded by a batch).
  std::string custom_json_;
  std::vector<std::string> custom_json_rows_;                  // one a row of a multi-row insert
  std::vector<std::pair<core::Phone*, int64_t>> phone_order_;  // phone, its contact's id
};

}  // namespace clearline::storage
