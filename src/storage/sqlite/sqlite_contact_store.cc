#include "storage/sqlite/sqlite_contact_store.h"

#include <algorithm>

#include "common/json_string_map.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::storage {

using core::Contact;
using core::ImportRecord;
using core::ImportState;

namespace {
constexpr const char* kSelectImport =
    "SELECT i.id, i.campaign_id, i.list_id, c.org_id, l.name, i.file, i.file_sha256, i.file_size, i.options,"
    " i.state, i.rows_read, i.rows_imported, i.rows_duplicate, i.rows_rejected, i.phones_imported,"
    " i.phones_invalid, i.phones_duplicate, i.resume_offset, i.resume_line, i.rejects_offset,"
    " i.rejects_file, i.error, i.started_at, i.finished_at"
    " FROM imports i JOIN campaigns c ON c.id = i.campaign_id JOIN contact_lists l ON l.id = i.list_id";

Json progressJson(const ImportRecord& r) {
  Json j = r.counts.toJson();
  j["resume_line"] = r.resume_line;
  j["resume_offset"] = r.resume_offset;
  return j;
}
}  // namespace

Result<ImportRecord> SqliteContactStore::readImport(Stmt& s) {
  ImportRecord r;
  r.id = ImportId(s.int64(0));
  r.campaign_id = CampaignId(s.int64(1));
  r.list_id = ListId(s.int64(2));
  r.org_id = OrgId(s.int64(3));
  r.list_name = s.text(4);
  r.file = s.text(5);
  r.file_sha256 = s.text(6);
  r.file_size = s.int64(7);
  r.options = Json::parse(s.text(8), nullptr, false);
  if (r.options.is_discarded()) return Status::dataLoss("import " + r.id.str() + ": options corrupt");
  ASSIGN_OR_RETURN(r.state, core::parseImportState(s.text(9)));
  r.counts.read = s.int64(10);
  r.counts.imported = s.int64(11);
  r.counts.duplicates = s.int64(12);
  r.counts.rejected = s.int64(13);
  r.counts.phones_imported = s.int64(14);
  r.counts.phones_invalid = s.int64(15);
  r.counts.phones_duplicate = s.int64(16);
  r.resume_offset = s.int64(17);
  r.resume_line = s.int64(18);
  r.rejects_offset = s.int64(19);
  r.rejects_file = s.text(20);
  r.error = s.text(21);
  r.started_at = fromEpochMillis(s.int64(22));
  if (!s.isNull(23)) r.finished_at = fromEpochMillis(s.int64(23));
  return r;
}

namespace {
// An import's working set is the phones index it probes and extends for every
// row: 32 MiB of page cache (bounded, so peak RSS stays flat in the file size)
// keeps most of it in memory where SQLite's 2 MiB default re-reads it.
constexpr const char* kImportCacheSize = "PRAGMA cache_size=-32768";
// Each batch re-dirties pages all over the phones index, so with SQLite's
// default (a checkpoint once the WAL passes 1000 pages, i.e. after every
// batch) the same pages were copied back into the database file and fsynced
// batch after batch. Checkpointing every 16384 pages (64 MiB of WAL) copies a
// page once for several batches. Durability is the same: every commit still
// fsyncs the WAL (synchronous=FULL). docs/bench/import.md, session 10.
constexpr const char* kImportCheckpoint = "PRAGMA wal_autocheckpoint=16384";

Status importPragmas(SqliteDb& db) {
  RETURN_IF_ERROR(db.exec(kImportCacheSize));
  return db.exec(kImportCheckpoint);
}
}  // namespace

Result<ImportRecord> SqliteContactStore::startImport(ImportRecord r, const core::Actor& actor) {
  RETURN_IF_ERROR(importPragmas(db_));
  r.state = ImportState::kRunning;
  r.started_at = clock_.now();
  RETURN_IF_ERROR(db_.transaction([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt c, db_.prepare("SELECT org_id, state FROM campaigns WHERE id=?"));
    c.bind(1, r.campaign_id.value);
    ASSIGN_OR_RETURN(bool found, c.step());
    if (!found) return Status::notFound("no campaign with id " + r.campaign_id.str(), "campaign");
    r.org_id = OrgId(c.int64(0));
    if (c.text(1) == "finished") {
      return Status::failedPrecondition("campaign " + r.campaign_id.str() + " is finished: it takes no new lists",
                                        "campaign");
    }
    ASSIGN_OR_RETURN(Stmt l, db_.prepare("INSERT INTO contact_lists(campaign_id, name, created_at) VALUES (?,?,?)"));
    l.bind(1, r.campaign_id.value).bind(2, r.list_name).bind(3, toEpochMillis(r.started_at));
    RETURN_IF_ERROR(l.run());
    r.list_id = ListId(db_.lastInsertId());
    ASSIGN_OR_RETURN(Stmt i, db_.prepare(
        "INSERT INTO imports(campaign_id, list_id, file, file_sha256, file_size, options, state,"
        " resume_offset, resume_line, rejects_file, started_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)"));
    i.bind(1, r.campaign_id.value).bind(2, r.list_id.value).bind(3, r.file).bind(4, r.file_sha256)
        .bind(5, r.file_size).bind(6, canonicalJson(r.options)).bind(7, core::toString(r.state))
        .bind(8, r.resume_offset).bind(9, r.resume_line).bind(10, r.rejects_file)
        .bind(11, toEpochMillis(r.started_at));
    RETURN_IF_ERROR(i.run());
    r.id = ImportId(db_.lastInsertId());
    return audit(db_, clock_, actor, "import.start", "import", r.id.str(),
                 Json{{"campaign_id", r.campaign_id.value},
                      {"list_id", r.list_id.value},
                      {"list_name", r.list_name},
                      {"file", r.file},
                      {"file_sha256", r.file_sha256},
                      {"file_size", r.file_size},
                      {"options", r.options}});
  }));
  return r;
}

Result<ImportRecord> SqliteContactStore::getImport(ImportId id) {
  ASSIGN_OR_RETURN(Stmt s, db_.prepare(std::string(kSelectImport) + " WHERE i.id=?"));
  s.bind(1, id.value);
  ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return Status::notFound("no import with id " + id.str(), "import");
  return readImport(s);
}

Result<std::vector<ImportRecord>> SqliteContactStore::listImports(CampaignId campaign) {
  ASSIGN_OR_RETURN(Stmt s, db_.prepare(std::string(kSelectImport) +
                                       " WHERE (?1 = 0 OR i.campaign_id = ?1) ORDER BY i.id"));
  s.bind(1, campaign.value);
  std::vector<ImportRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    ASSIGN_OR_RETURN(auto r, readImport(s));
    out.push_back(std::move(r));
  }
  return out;
}

Result<ImportRecord> SqliteContactStore::resumeImport(ImportId id, const core::Actor& actor) {
  RETURN_IF_ERROR(importPragmas(db_));
  ImportRecord r;
  RETURN_IF_ERROR(db_.transaction([&]() -> Status {
    ASSIGN_OR_RETURN(r, getImport(id));
    if (r.state == ImportState::kCommitted) {
      return Status::failedPrecondition("import " + id.str() + " is already committed: nothing to resume",
                                        "resume");
    }
    auto from = r.state;
    r.state = ImportState::kRunning;
    r.error.clear();
    ASSIGN_OR_RETURN(Stmt u, db_.prepare("UPDATE imports SET state='running', error=NULL, finished_at=NULL WHERE id=?"));
    u.bind(1, id.value);
    RETURN_IF_ERROR(u.run());
    Json p = progressJson(r);
    p["from"] = core::toString(from);
    return audit(db_, clock_, actor, "import.resume", "import", id.str(), p);
  }));
  return r;
}

Status SqliteContactStore::batch(const std::function<Status()>& fn) { return db_.transaction(fn); }

// The dedupe probe of a scope, with everything but the number (parameter 2) bound.
Result<Stmt*> SqliteContactStore::scopeProbe(const ImportRecord& r, core::DedupeScope scope) {
  Stmt* s = nullptr;
  switch (scope) {
    case core::DedupeScope::kOrganisation: {
      static const std::string kSql = "SELECT 1 FROM phones WHERE org_id=?1 AND e164=?2 LIMIT 1";
      ASSIGN_OR_RETURN(s, db_.cached(kSql));
      s->bind(1, r.org_id.value);
      break;
    }
    case core::DedupeScope::kCampaign: {
      static const std::string kSql = "SELECT 1 FROM phones WHERE campaign_id=?1 AND e164=?2 LIMIT 1";
      ASSIGN_OR_RETURN(s, db_.cached(kSql));
      s->bind(1, r.campaign_id.value);
      break;
    }
    case core::DedupeScope::kList: {
      static const std::string kSql =
          "SELECT 1 FROM phones p JOIN contacts c ON c.id = p.contact_id"
          " WHERE p.campaign_id=?1 AND p.e164=?2 AND c.list_id=?3 LIMIT 1";
      ASSIGN_OR_RETURN(s, db_.cached(kSql));
      s->bind(1, r.campaign_id.value).bind(3, r.list_id.value);
      break;
    }
  }
  return s;
}

Result<bool> SqliteContactStore::phoneInScope(const ImportRecord& r, core::DedupeScope scope,
                                              std::string_view e164) {
  ASSIGN_OR_RETURN(Stmt* s, scopeProbe(r, scope));
  s->bind(2, e164);
  ASSIGN_OR_RETURN(bool found, s->step());
  s->reset();
  return found;
}

Status SqliteContactStore::phonesInScope(const ImportRecord& r, core::DedupeScope scope,
                                         const std::vector<std::string_view>& e164s, std::vector<char>& found) {
  found.assign(e164s.size(), 0);
  ASSIGN_OR_RETURN(Stmt* s, scopeProbe(r, scope));
  for (size_t i = 0; i < e164s.size(); ++i) {
    s->bindStatic(2, e164s[i]);
    auto row = s->step();
    s->rewind();
    if (!row.isOk()) return row.status();
    found[i] = *row ? 1 : 0;
  }
  s->reset();
  return Status::ok();
}

namespace {
constexpr const char* kInsertContact =
    "INSERT INTO contacts(campaign_id, list_id, import_id, external_id, first_name, last_name, address,"
    " city, state, zip, timezone, custom, source_line) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";
constexpr const char* kInsertPhone =
    "INSERT INTO phones(contact_id, campaign_id, org_id, e164, raw, label, line_type, number_type, consent,"
    " consent_at, consent_source, priority) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";

// Binds one phone's own columns of kInsertPhone (parameters 1 and 4–12; the
// caller binds campaign and organisation). Strings are bound without a copy:
// `p` must stay unchanged until the statement has run.
void bindPhone(Stmt& ph, int64_t contact_id, const core::Phone& p) {
  ph.bind(1, contact_id).bindStatic(4, p.e164).bindStatic(5, p.raw).bindStatic(6, p.label)
      .bindStatic(7, core::toString(p.line_type)).bindStatic(8, p.number_type)
      .bindStatic(9, core::toString(p.consent));
  if (p.consent_at) {
    ph.bind(10, toEpochMillis(*p.consent_at));
  } else {
    ph.bindNull(10);
  }
  if (p.consent_source.empty()) {
    ph.bindNull(11);
  } else {
    ph.bindStatic(11, p.consent_source);
  }
  ph.bind(12, p.priority);
}
}  // namespace

Status SqliteContactStore::addContact(const ImportRecord& r, Contact& c) {
  ASSIGN_OR_RETURN(Stmt* ins, db_.cached(
      "INSERT INTO contacts(campaign_id, list_id, import_id, external_id, first_name, last_name, address,"
      " city, state, zip, timezone, custom, source_line) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  c.campaign_id = r.campaign_id;
  c.list_id = r.list_id;
  ins->bind(1, r.campaign_id.value).bind(2, r.list_id.value).bind(3, r.id.value).bind(4, c.external_id)
      .bind(5, c.first_name).bind(6, c.last_name).bind(7, c.address).bind(8, c.city).bind(9, c.state)
      .bind(10, c.zip).bind(11, c.timezone);
  if (c.custom.empty()) {
    ins->bindNull(12);
  } else {
    ins->bind(12, canonicalJson(Json(c.custom)));
  }
  ins->bind(13, c.source_line);
  RETURN_IF_ERROR(ins->run());
  c.id = ContactId(db_.lastInsertId());
  static const std::string kPhoneSql = kInsertPhone;
  ASSIGN_OR_RETURN(Stmt* ph, db_.cached(kPhoneSql));
  for (auto& p : c.phones) {
    ph->reset();
    ph->bind(2, r.campaign_id.value).bind(3, r.org_id.value);
    bindPhone(*ph, c.id.value, p);
    RETURN_IF_ERROR(ph->run());
    p.id = PhoneId(db_.lastInsertId());
  }
  return Status::ok();
}

namespace {
// Rows a multi-row INSERT writes at once: one statement step, one VDBE
// program start and one reset per kRowsPerInsert rows instead of per row.
// (A batch's remainder goes through the one-row statements.)
constexpr size_t kRowsPerInsert = 64;

// "INSERT INTO t(cols) VALUES (…),(…)…" for n rows of `row_items`: an item
// "?" becomes the next numbered parameter (from shared + 1 on), any other item
// ("?1" … "?shared": a value every row shares) is written as it is.
std::string multiRowInsert(const char* head, const std::vector<std::string>& row_items, int shared,
                           size_t n) {
  std::string sql = head;
  int next = shared + 1;
  for (size_t i = 0; i < n; ++i) {
    sql += i ? ",(" : " VALUES (";
    for (size_t k = 0; k < row_items.size(); ++k) {
      if (k) sql += ',';
      if (row_items[k] == "?") {
        sql += "?" + std::to_string(next++);
      } else {
        sql += row_items[k];
      }
    }
    sql += ')';
  }
  return sql;
}

const std::string& contactsInsertSql() {
  static const std::string sql = multiRowInsert(
      "INSERT INTO contacts(id, campaign_id, list_id, import_id, external_id, first_name,"
      " last_name, address, city, state, zip, timezone, custom, source_line)",
      {"?", "?1", "?2", "?3", "?", "?", "?", "?", "?", "?", "?", "?", "?", "?"}, 3, kRowsPerInsert);
  return sql;
}
constexpr int kContactParams = 11;  // per row: id, external_id … timezone, custom, source_line

const std::string& phonesInsertSql() {
  static const std::string sql = multiRowInsert(
      "INSERT INTO phones(id, contact_id, campaign_id, org_id, e164, raw, label, line_type,"
      " number_type, consent, consent_at, consent_source, priority)",
      {"?", "?", "?1", "?2", "?", "?", "?", "?", "?", "?", "?", "?", "?"}, 2, kRowsPerInsert);
  return sql;
}
constexpr int kPhoneParams = 11;  // per row: id, contact_id, e164 … priority

// The largest id in `table` (0 when empty): the rows a batch adds get the next
// ones, so the batch knows them without asking after every row.
Result<int64_t> maxId(SqliteDb& db, const std::string& sql) {
  ASSIGN_OR_RETURN(Stmt * s, db.cached(sql));
  ASSIGN_OR_RETURN(bool row, s->step());
  int64_t v = row ? s->int64(0) : 0;
  s->reset();
  return v;
}
}  // namespace

// Contacts in the given order, ids ascending: kRowsPerInsert at a time with
// explicit ids (max(id) + 1 …, what SQLite would pick), the rest one by one.
Status SqliteContactStore::insertContactRows(const ImportRecord& r, const std::vector<Contact*>& contacts) {
  static const std::string kMaxSql = "SELECT coalesce(max(id), 0) FROM contacts";
  ASSIGN_OR_RETURN(int64_t next_id, maxId(db_, kMaxSql));
  ++next_id;
  for (Contact* c : contacts) {
    c->campaign_id = r.campaign_id;
    c->list_id = r.list_id;
  }
  // The custom-field JSON of a group of rows, one string each (their views are
  // bound without a copy, so the strings must not move until the step: the
  // vector is sized once, never while a group is bound).
  if (custom_json_rows_.size() < kRowsPerInsert) custom_json_rows_.resize(kRowsPerInsert);
  auto customJson = [&](size_t i) {
    std::string& js = custom_json_rows_[i];
    js.clear();
    return &js;
  };
  size_t done = 0;
  const size_t n = contacts.size();
  if (n >= kRowsPerInsert) {
    ASSIGN_OR_RETURN(Stmt * ins, db_.cached(contactsInsertSql()));
    ins->bind(1, r.campaign_id.value).bind(2, r.list_id.value).bind(3, r.id.value);
    for (; n - done >= kRowsPerInsert; done += kRowsPerInsert) {
      for (size_t j = 0; j < kRowsPerInsert; ++j) {
        Contact* c = contacts[done + j];
        const int p = 4 + static_cast<int>(j) * kContactParams;
        c->id = ContactId(next_id++);
        ins->bind(p, c->id.value)
            .bindStatic(p + 1, c->external_id)
            .bindStatic(p + 2, c->first_name)
            .bindStatic(p + 3, c->last_name)
            .bindStatic(p + 4, c->address)
            .bindStatic(p + 5, c->city)
            .bindStatic(p + 6, c->state)
            .bindStatic(p + 7, c->zip)
            .bindStatic(p + 8, c->timezone);
        if (c->custom.empty()) {
          ins->bindNull(p + 9);
        } else {
          std::string* js = customJson(j);
          appendCanonicalJson(c->custom, *js);
          ins->bindStatic(p + 9, *js);
        }
        ins->bind(p + 10, c->source_line);
      }
      RETURN_IF_ERROR(ins->run());
    }
    ins->reset();
  }
  if (done == n) return Status::ok();
  static const std::string kContactSql = kInsertContact;
  ASSIGN_OR_RETURN(Stmt * one, db_.cached(kContactSql));
  one->bind(1, r.campaign_id.value).bind(2, r.list_id.value).bind(3, r.id.value);
  for (; done < n; ++done) {
    Contact* c = contacts[done];
    one->bindStatic(4, c->external_id)
        .bindStatic(5, c->first_name)
        .bindStatic(6, c->last_name)
        .bindStatic(7, c->address)
        .bindStatic(8, c->city)
        .bindStatic(9, c->state)
        .bindStatic(10, c->zip)
        .bindStatic(11, c->timezone);
    if (c->custom.empty()) {
      one->bindNull(12);
    } else {
      custom_json_.clear();
      appendCanonicalJson(c->custom, custom_json_);
      one->bindStatic(12, custom_json_);
    }
    one->bind(13, c->source_line);
    RETURN_IF_ERROR(one->run());
    c->id = ContactId(db_.lastInsertId());
  }
  one->reset();
  return Status::ok();
}

// The phones of phone_order_ in that order, kRowsPerInsert at a time with
// explicit ids, the rest one by one.
Status SqliteContactStore::insertPhoneRows(const ImportRecord& r) {
  static const std::string kMaxSql = "SELECT coalesce(max(id), 0) FROM phones";
  ASSIGN_OR_RETURN(int64_t next_id, maxId(db_, kMaxSql));
  ++next_id;
  size_t done = 0;
  const size_t n = phone_order_.size();
  if (n >= kRowsPerInsert) {
    ASSIGN_OR_RETURN(Stmt * ins, db_.cached(phonesInsertSql()));
    ins->bind(1, r.campaign_id.value).bind(2, r.org_id.value);
    for (; n - done >= kRowsPerInsert; done += kRowsPerInsert) {
      for (size_t j = 0; j < kRowsPerInsert; ++j) {
        auto& [pp, contact_id] = phone_order_[done + j];
        core::Phone& p = *pp;
        const int q = 3 + static_cast<int>(j) * kPhoneParams;
        p.id = PhoneId(next_id++);
        ins->bind(q, p.id.value)
            .bind(q + 1, contact_id)
            .bindStatic(q + 2, p.e164)
            .bindStatic(q + 3, p.raw)
            .bindStatic(q + 4, p.label)
            .bindStatic(q + 5, core::toString(p.line_type))
            .bindStatic(q + 6, p.number_type)
            .bindStatic(q + 7, core::toString(p.consent));
        if (p.consent_at) {
          ins->bind(q + 8, toEpochMillis(*p.consent_at));
        } else {
          ins->bindNull(q + 8);
        }
        if (p.consent_source.empty()) {
          ins->bindNull(q + 9);
        } else {
          ins->bindStatic(q + 9, p.consent_source);
        }
        ins->bind(q + 10, p.priority);
      }
      RETURN_IF_ERROR(ins->run());
    }
    ins->reset();
  }
  if (done == n) return Status::ok();
  static const std::string kPhoneSql = kInsertPhone;
  ASSIGN_OR_RETURN(Stmt* ph, db_.cached(kPhoneSql));
  ph->bind(2, r.campaign_id.value).bind(3, r.org_id.value);
  for (; done < n; ++done) {
    auto& [pp, contact_id] = phone_order_[done];
    core::Phone& p = *pp;
    bindPhone(*ph, contact_id, p);
    RETURN_IF_ERROR(ph->run());
    p.id = PhoneId(db_.lastInsertId());
  }
  ph->reset();
  return Status::ok();
}

Status SqliteContactStore::addContacts(const ImportRecord& r, const std::vector<Contact*>& contacts) {
  RETURN_IF_ERROR(insertContactRows(r, contacts));
  // Phones in number order: each insert into the e164 index lands next to the
  // previous one (pages already in cache) instead of anywhere in it.
  size_t n_phones = 0;
  for (Contact* c : contacts) n_phones += c->phones.size();
  phone_order_.clear();
  phone_order_.reserve(n_phones);
  for (Contact* c : contacts) {
    for (auto& p : c->phones) phone_order_.emplace_back(&p, c->id.value);
  }
  std::sort(phone_order_.begin(), phone_order_.end(),
            [](const auto& a, const auto& b) { return a.first->e164 < b.first->e164; });
  return insertPhoneRows(r);
}

Status SqliteContactStore::addContactsInOrder(const ImportRecord& r, const std::vector<Contact*>& contacts,
                                              const std::vector<PhoneSlot>& order) {
  RETURN_IF_ERROR(insertContactRows(r, contacts));
  phone_order_.clear();
  phone_order_.reserve(order.size());
  for (const PhoneSlot& s : order) {
    Contact* c = contacts[s.contact];
    phone_order_.emplace_back(&c->phones[s.phone], c->id.value);
  }
  return insertPhoneRows(r);
}

Status SqliteContactStore::saveProgress(const ImportRecord& r, const core::Actor& actor) {
  ASSIGN_OR_RETURN(Stmt* u, db_.cached(
      "UPDATE imports SET rows_read=?, rows_imported=?, rows_duplicate=?, rows_rejected=?, phones_imported=?,"
      " phones_invalid=?, phones_duplicate=?, resume_offset=?, resume_line=?, rejects_offset=?, rejects_file=?"
      " WHERE id=?"));
  u->bind(1, r.counts.read).bind(2, r.counts.imported).bind(3, r.counts.duplicates).bind(4, r.counts.rejected)
      .bind(5, r.counts.phones_imported).bind(6, r.counts.phones_invalid).bind(7, r.counts.phones_duplicate)
      .bind(8, r.resume_offset).bind(9, r.resume_line).bind(10, r.rejects_offset).bind(11, r.rejects_file)
      .bind(12, r.id.value);
  RETURN_IF_ERROR(u->run());
  return audit(db_, clock_, actor, "import.progress", "import", r.id.str(), progressJson(r));
}

Status SqliteContactStore::finishImport(ImportRecord& r, ImportState state, const std::string& error,
                                        const core::Actor& actor) {
  return db_.transaction([&]() -> Status {
    RETURN_IF_ERROR(saveProgress(r, actor));
    auto at = clock_.now();
    ASSIGN_OR_RETURN(Stmt u, db_.prepare("UPDATE imports SET state=?, error=?, finished_at=? WHERE id=?"));
    u.bind(1, core::toString(state));
    if (error.empty()) {
      u.bindNull(2);
    } else {
      u.bind(2, error);
    }
    u.bind(3, toEpochMillis(at)).bind(4, r.id.value);
    RETURN_IF_ERROR(u.run());
    Json p = progressJson(r);
    p["file_sha256"] = r.file_sha256;
    p["state"] = core::toString(state);
    p["list_id"] = r.list_id.value;
    if (!error.empty()) p["error"] = error;
    const char* action = state == ImportState::kCommitted   ? "import.finish"
                         : state == ImportState::kCancelled ? "import.cancel"
                                                            : "import.fail";
    RETURN_IF_ERROR(audit(db_, clock_, actor, action, "import", r.id.str(), p));
    r.state = state;
    r.error = error;
    r.finished_at = at;
    return Status::ok();
  });
}

Status SqliteContactStore::loadPhones(Contact& c) {
  ASSIGN_OR_RETURN(Stmt* s, db_.cached(
      "SELECT id, e164, raw, label, line_type, number_type, consent, consent_at, consent_source,"
      " consent_revoked_at, priority FROM phones WHERE contact_id=? ORDER BY priority, id"));
  s->bind(1, c.id.value);
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->step());
    if (!row) break;
    core::Phone p;
    p.id = PhoneId(s->int64(0));
    p.e164 = s->text(1);
    p.raw = s->text(2);
    p.label = s->text(3);
    ASSIGN_OR_RETURN(p.line_type, core::parseLineType(s->text(4)));
    p.number_type = s->text(5);
    ASSIGN_OR_RETURN(p.consent, core::parseConsentType(s->text(6)));
    if (!s->isNull(7)) p.consent_at = fromEpochMillis(s->int64(7));
    p.consent_source = s->text(8);
    if (!s->isNull(9)) p.consent_revoked_at = fromEpochMillis(s->int64(9));
    p.priority = static_cast<int>(s->int64(10));
    c.phones.push_back(std::move(p));
  }
  s->reset();
  return Status::ok();
}

namespace {
constexpr const char* kSelectContact =
    "SELECT id, campaign_id, list_id, external_id, first_name, last_name, address, city, state, zip,"
    " timezone, custom, source_line FROM contacts";

Result<Contact> readContact(Stmt& s) {
  Contact c;
  c.id = ContactId(s.int64(0));
  c.campaign_id = CampaignId(s.int64(1));
  c.list_id = ListId(s.int64(2));
  c.external_id = s.text(3);
  c.first_name = s.text(4);
  c.last_name = s.text(5);
  c.address = s.text(6);
  c.city = s.text(7);
  c.state = s.text(8);
  c.zip = s.text(9);
  c.timezone = s.text(10);
  if (!s.isNull(11)) {
    Json j = Json::parse(s.text(11), nullptr, false);
    if (!j.is_object()) return Status::dataLoss("contact " + c.id.str() + ": custom fields corrupt");
    for (auto& [k, v] : j.items()) c.custom[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  c.source_line = s.int64(12);
  return c;
}
}  // namespace

Result<std::vector<Contact>> SqliteContactStore::listContacts(CampaignId campaign, int64_t after_id, int limit) {
  ASSIGN_OR_RETURN(Stmt s, db_.prepare(std::string(kSelectContact) +
                                       " WHERE (?1 = 0 OR campaign_id = ?1) AND id > ?2 ORDER BY id LIMIT ?3"));
  s.bind(1, campaign.value).bind(2, after_id).bind(3, limit);
  std::vector<Contact> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    ASSIGN_OR_RETURN(Contact c, readContact(s));
    out.push_back(std::move(c));
  }
  for (auto& c : out) RETURN_IF_ERROR(loadPhones(c));
  return out;
}

Result<Contact> SqliteContactStore::getContact(ContactId id) {
  ASSIGN_OR_RETURN(Stmt s, db_.prepare(std::string(kSelectContact) + " WHERE id=?"));
  s.bind(1, id.value);
  ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return Status::notFound("no contact with id " + id.str(), "contact");
  ASSIGN_OR_RETURN(Contact c, readContact(s));
  RETURN_IF_ERROR(loadPhones(c));
  return c;
}

Result<int64_t> SqliteContactStore::countContacts(CampaignId campaign) {
  ASSIGN_OR_RETURN(Stmt s, db_.prepare("SELECT count(*) FROM contacts WHERE (?1 = 0 OR campaign_id = ?1)"));
  s.bind(1, campaign.value);
  ASSIGN_OR_RETURN(bool row, s.step());
  (void)row;
  return s.int64(0);
}

}  // namespace clearline::storage
