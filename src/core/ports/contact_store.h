// Store port for contact lists, contacts and list imports (owner: import).
//
// Implemented by src/storage/sqlite/sqlite_contact_store.h (PostgreSQL next).
// An import is resumable with visible state (docs/import.md): the importer
// works in batches; each batch's contacts, the import's counters and its
// resume point commit together in one transaction with an `import.progress`
// audit event, so the stored state always says exactly which rows are in.
// Thread-safety: an instance is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/status.h"
#include "core/audit/audit_chain.h"
#include "core/contact/contact.h"

namespace clearline::core {

enum class DedupeScope { kList, kCampaign, kOrganisation };
std::string_view toString(DedupeScope s);
Result<DedupeScope> parseDedupeScope(std::string_view s);

// running → committed | failed | cancelled; failed/cancelled → running (resume).
enum class ImportState { kRunning, kCommitted, kFailed, kCancelled };
std::string_view toString(ImportState s);
Result<ImportState> parseImportState(std::string_view s);

struct ImportCounts {
  int64_t read = 0;        // records read (blank lines are not records)
  int64_t imported = 0;    // contacts created
  int64_t duplicates = 0;  // records whose every valid phone was already in scope
  int64_t rejected = 0;    // records refused, each with a line in the rejects file
  int64_t phones_imported = 0;
  int64_t phones_invalid = 0;    // extra numbers dropped from imported rows (kept as custom fields)
  int64_t phones_duplicate = 0;  // numbers already in scope, not stored twice
  Json toJson() const;
};

struct ImportRecord {
  ImportId id;
  CampaignId campaign_id;
  ListId list_id;
  OrgId org_id;
  std::string list_name;
  std::string file;
  std::string file_sha256;
  int64_t file_size = 0;
  Json options = Json::object();  // mapping, region, dedupe, delimiter …
  ImportState state = ImportState::kRunning;
  ImportCounts counts;
  int64_t resume_offset = 0;   // byte offset of the first record not yet committed
  int64_t resume_line = 0;     // its physical line
  int64_t rejects_offset = 0;  // bytes of the rejects file that belong to committed batches
  std::string rejects_file;
  std::string error;
  TimePoint started_at;
  std::optional<TimePoint> finished_at;
  Json toJson() const;
};

class ContactStore {
 public:
  virtual ~ContactStore() = default;

  // Creates the contact list (named list_name) and the import row (state
  // running) with an `import.start` audit event. Fills id, list_id, org_id.
  virtual Result<ImportRecord> startImport(ImportRecord r, const Actor& actor) = 0;
  virtual Result<ImportRecord> getImport(ImportId id) = 0;
  virtual Result<std::vector<ImportRecord>> listImports(CampaignId campaign /* 0 = all */) = 0;
  // failed/cancelled/running → running, with an `import.resume` audit event.
  virtual Result<ImportRecord> resumeImport(ImportId id, const Actor& actor) = 0;

  // Runs fn in one transaction (a batch); rolls back if fn fails.
  virtual Status batch(const std::function<Status()>& fn) = 0;
  // Inside a batch: whether e164 is already held by a contact in the scope of `r`.
  virtual Result<bool> phoneInScope(const ImportRecord& r, DedupeScope scope, std::string_view e164) = 0;
  // Inside a batch: stores the contact and its phones (ids filled in).
  virtual Status addContact(const ImportRecord& r, Contact& c) = 0;
  // Inside a batch, the bulk form of phoneInScope (what the importer uses):
  // found[i] (resized to e164s.size()) says whether e164s[i] is already held
  // by a contact in the scope of r. The importer passes one batch's distinct
  // numbers sorted, so an adapter can walk its index in order.
  virtual Status phonesInScope(const ImportRecord& r, DedupeScope scope, const std::vector<std::string_view>& e164s,
                               std::vector<char>& found) {
    found.assign(e164s.size(), 0);
    for (size_t i = 0; i < e164s.size(); ++i) {
      ASSIGN_OR_RETURN(bool in_scope, phoneInScope(r, scope, e164s[i]));
      found[i] = in_scope ? 1 : 0;
    }
    return Status::ok();
  }
  // Inside a batch, the bulk form of addContact: stores the contacts in the
  // given order (contact ids ascending in that order) and their phones, and
  // fills in every id. In which order phone rows are written (and so phone ids
  // handed out) is the adapter's choice; a contact's phones are ordered by
  // priority, never by id.
  virtual Status addContacts(const ImportRecord& r, const std::vector<Contact*>& contacts) {
    for (Contact* c : contacts) RETURN_IF_ERROR(addContact(r, *c));
    return Status::ok();
  }
  // The same, with the caller's choice of phone order: `order` names every
  // phone of `contacts` exactly once, as (index into contacts, index into its
  // phones), in the order to write them (the importer passes them sorted by
  // number, an order it has already computed for the dedupe probe). An adapter
  // may ignore it; the stored result is the same either way.
  struct PhoneSlot {
    uint32_t contact = 0, phone = 0;
  };
  virtual Status addContactsInOrder(const ImportRecord& r, const std::vector<Contact*>& contacts,
                                    const std::vector<PhoneSlot>& order) {
    (void)order;
    return addContacts(r, contacts);
  }
  // Inside a batch: stores r's counters and resume point, appends `import.progress`.
  virtual Status saveProgress(const ImportRecord& r, const Actor& actor) = 0;
  // Sets r.state (and error, finished_at) with `import.finish` (committed) or
  // `import.fail` / `import.cancel`; inside a batch or in its own transaction.
  virtual Status finishImport(ImportRecord& r, ImportState state, const std::string& error,
                              const Actor& actor) = 0;

  virtual Result<std::vector<Contact>> listContacts(CampaignId campaign /* 0 = all */, int64_t after_id,
                                                    int limit) = 0;
  virtual Result<Contact> getContact(ContactId id) = 0;
  virtual Result<int64_t> countContacts(CampaignId campaign /* 0 = all */) = 0;
};

// A ContactStore that forwards every call to another one: the base of
// decorators that change one or two calls (the API's list uploads announce
// the import row; tests inject failures).
class ForwardingContactStore : public ContactStore {
 public:
  explicit ForwardingContactStore(ContactStore& inner) : inner_(inner) {}

  Result<ImportRecord> startImport(ImportRecord r, const Actor& a) override {
    return inner_.startImport(std::move(r), a);
  }
  Result<ImportRecord> getImport(ImportId id) override { return inner_.getImport(id); }
  Result<std::vector<ImportRecord>> listImports(CampaignId c) override { return inner_.listImports(c); }
  Result<ImportRecord> resumeImport(ImportId id, const Actor& a) override { return inner_.resumeImport(id, a); }
  Status batch(const std::function<Status()>& fn) override { return inner_.batch(fn); }
  Result<bool> phoneInScope(const ImportRecord& r, DedupeScope s, std::string_view e164) override {
    return inner_.phoneInScope(r, s, e164);
  }
  Status addContact(const ImportRecord& r, Contact& c) override { return inner_.addContact(r, c); }
  Status phonesInScope(const ImportRecord& r, DedupeScope s, const std::vector<std::string_view>& e164s,
                       std::vector<char>& found) override {
    return inner_.phonesInScope(r, s, e164s, found);
  }
  Status addContacts(const ImportRecord& r, const std::vector<Contact*>& cs) override {
    return inner_.addContacts(r, cs);
  }
  Status addContactsInOrder(const ImportRecord& r, const std::vector<Contact*>& cs,
                            const std::vector<PhoneSlot>& order) override {
    return inner_.addContactsInOrder(r, cs, order);
  }
  Status saveProgress(const ImportRecord& r, const Actor& a) override { return inner_.saveProgress(r, a); }
  Status finishImport(ImportRecord& r, ImportState s, const std::string& e, const Actor& a) override {
    return inner_.finishImport(r, s, e, a);
  }
  Result<std::vector<Contact>> listContacts(CampaignId c, int64_t after, int limit) override {
    return inner_.listContacts(c, after, limit);
  }
  Result<Contact> getContact(ContactId id) override { return inner_.getContact(id); }
  Result<int64_t> countContacts(CampaignId c) override { return inner_.countContacts(c); }

 protected:
  ContactStore& inner_;
};

}  // namespace clearline::core
