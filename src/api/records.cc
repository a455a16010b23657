#include "api/records.h"

#include "common/time_util.h"
#include "core/campaign/campaign.h"
#include "core/runtime/campaign_runtime.h"
#include "import/location.h"
#include "storage/sqlite/policy_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::api {

using storage::SqliteDb;
using storage::Stmt;

namespace {

Json pageOf(Json items, int limit, int64_t last_id) {
  Json out{{"items", std::move(items)}};
  out["next_after"] = static_cast<int>(out["items"].size()) == limit ? Json(last_id) : Json(nullptr);
  return out;
}

Json optMillis(const Stmt& s, int col) {
  return s.isNull(col) ? Json(nullptr) : Json(formatIsoUtc(fromEpochMillis(s.int64(col))));
}

constexpr const char* kContactCols =
    "SELECT id, list_id, campaign_id, COALESCE(external_id,''), COALESCE(first_name,''),"
    " COALESCE(last_name,''), COALESCE(address,''), COALESCE(city,''), COALESCE(state,''),"
    " COALESCE(zip,''), COALESCE(timezone,''), COALESCE(custom,'{}'), COALESCE(source_line,0),"
    " status, attempts, COALESCE(last_disposition,'') FROM contacts ";

// A cached statement: a contacts page reads the phones of 50 contacts, and
// compiling the statement for each cost more than running it. It is stepped
// to its end every time, so it holds no read snapshot afterwards.
Status readPhones(SqliteDb& db, core::Contact& c) {
  ASSIGN_OR_RETURN(Stmt* ps, db.cached(
      "SELECT id, e164, raw, label, line_type, consent, priority FROM phones WHERE contact_id=? ORDER BY priority, id"));
  Stmt& p = *ps;
  p.bind(1, c.id.value);
  while (true) {
    ASSIGN_OR_RETURN(bool row, p.step());
    if (!row) break;
    core::Phone ph;
    ph.id = PhoneId(p.int64(0));
    ph.e164 = p.text(1);
    ph.raw = p.text(2);
    ph.label = p.text(3);
    if (auto lt = core::parseLineType(p.text(4)); lt.isOk()) ph.line_type = *lt;
    if (auto ct = core::parseConsentType(p.text(5)); ct.isOk()) ph.consent = *ct;
    ph.priority = static_cast<int>(p.int64(6));
    c.phones.push_back(std::move(ph));
  }
  return Status::ok();
}

core::Contact readContactRow(const Stmt& s) {
  core::Contact c;
  c.id = ContactId(s.int64(0));
  c.list_id = ListId(s.int64(1));
  c.campaign_id = CampaignId(s.int64(2));
  c.external_id = s.text(3);
  c.first_name = s.text(4);
  c.last_name = s.text(5);
  c.address = s.text(6);
  c.city = s.text(7);
  c.state = s.text(8);
  c.zip = s.text(9);
  c.timezone = s.text(10);
  Json custom = Json::parse(s.text(11), nullptr, false);
  if (custom.is_object())
    for (auto& [k, v] : custom.items()) c.custom[k] = v.is_string() ? v.get<std::string>() : v.dump();
  c.source_line = s.int64(12);
  return c;
}

}  // namespace

Result<Json> listContacts(SqliteDb& db, CampaignId campaign, const Page& page) {
  ASSIGN_OR_RETURN(Stmt s, db.prepare(std::string(kContactCols) +
                                      "WHERE campaign_id=? AND id>? ORDER BY id LIMIT ?"));
  s.bind(1, campaign.value).bind(2, page.after).bind(3, page.limit);
  Json items = Json::array();
  int64_t last = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    core::Contact c = readContactRow(s);
    RETURN_IF_ERROR(readPhones(db, c));
    Json j = core::toJson(c);
    j["status"] = s.text(13);
    j["attempts"] = s.int64(14);
    j["last_disposition"] = s.text(15);
    last = c.id.value;
    items.push_back(std::move(j));
  }
  return pageOf(std::move(items), page.limit, last);
}

Result<core::Contact> getContact(SqliteDb& db, ContactId id) {
  ASSIGN_OR_RETURN(Stmt s, db.prepare(std::string(kContactCols) + "WHERE id=?"));
  s.bind(1, id.value);
  ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return Status::notFound("no contact " + id.str(), "id");
  core::Contact c = readContactRow(s);
  RETURN_IF_ERROR(readPhones(db, c));
  return c;
}

Result<core::Contact> createContact(SqliteDb& db, const Clock& clock, CampaignId campaign,
                                    const Json& body, const core::Actor& actor) {
  core::Contact c;
  c.campaign_id = campaign;
  auto str = [&](const char* k) { return body.contains(k) ? body[k].get<std::string>() : std::string(); };
  c.external_id = str("external_id");
  c.first_name = str("first_name");
  c.last_name = str("last_name");
  c.city = str("city");
  c.state = str("state");
  c.zip = str("zip");
  c.timezone = str("timezone");
  std::string phone = str("phone");
  if (phone.empty() || phone[0] != '+' || phone.size() < 8 || phone.size() > 16 ||
      phone.find_first_not_of("0123456789", 1) != std::string::npos)
    return Status::invalidArgument("phone must be in E.164 form, e.g. +12025550123", "phone");
  {
    // A location the policy cannot read would make every call to it fail closed.
    core::Phone probe;
    probe.e164 = phone;
    c.phones.push_back(probe);
    auto bad = import::checkLocation(c);
    c.phones.clear();
    if (bad) {
      const char* field = bad->field == import::LocationField::kState ? "state"
                          : bad->field == import::LocationField::kZip ? "zip"
                                                                      : "timezone";
      return Status::invalidArgument(bad->why, field);
    }
  }
  RETURN_IF_ERROR(db.transaction([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt camp, db.prepare("SELECT org_id FROM campaigns WHERE id=?"));
    camp.bind(1, campaign.value);
    ASSIGN_OR_RETURN(bool found, camp.step());
    if (!found) return Status::notFound("no campaign " + campaign.str(), "campaign_id");
    int64_t org = camp.int64(0);
    int64_t now = toEpochMillis(clock.now());
    ASSIGN_OR_RETURN(Stmt fl, db.prepare("SELECT id FROM contact_lists WHERE campaign_id=? AND name='API'"));
    fl.bind(1, campaign.value);
    ASSIGN_OR_RETURN(bool has_list, fl.step());
    int64_t list_id = 0;
    if (has_list) {
      list_id = fl.int64(0);
    } else {
      ASSIGN_OR_RETURN(Stmt il, db.prepare("INSERT INTO contact_lists(campaign_id, name, created_at) VALUES (?, 'API', ?)"));
      il.bind(1, campaign.value).bind(2, now);
      RETURN_IF_ERROR(il.run());
      list_id = db.lastInsertId();
    }
    c.list_id = ListId(list_id);
    ASSIGN_OR_RETURN(Stmt ic, db.prepare(
        "INSERT INTO contacts(campaign_id, list_id, external_id, first_name, last_name, city, state, zip, timezone, custom)"
        " VALUES (?,?,?,?,?,?,?,?,?,'{}')"));
    ic.bind(1, campaign.value).bind(2, list_id).bind(3, c.external_id).bind(4, c.first_name)
        .bind(5, c.last_name).bind(6, c.city).bind(7, c.state).bind(8, c.zip).bind(9, c.timezone);
    RETURN_IF_ERROR(ic.run());
    c.id = ContactId(db.lastInsertId());
    ASSIGN_OR_RETURN(Stmt ip, db.prepare(
        "INSERT INTO phones(contact_id, campaign_id, org_id, e164, raw, label) VALUES (?,?,?,?,?,'phone')"));
    ip.bind(1, c.id.value).bind(2, campaign.value).bind(3, org).bind(4, phone).bind(5, phone);
    RETURN_IF_ERROR(ip.run());
    core::Phone ph;
    ph.id = PhoneId(db.lastInsertId());
    ph.e164 = ph.raw = phone;
    ph.label = "phone";
    c.phones.push_back(ph);
    // Audit without the personal data itself: ids only.
    return storage::audit(db, clock, actor, "contact.create", "contact", c.id.str(),
                          Json{{"campaign_id", campaign.value}, {"list_id", list_id}});
  }));
  return c;
}

namespace {
constexpr const char* kCallCols =
    "SELECT id, campaign_id, contact_id, called_number, state, dial_mode, COALESCE(caller_ref,''),"
    " COALESCE(site_id,''), COALESCE(disposition,''), queued_at, dialed_at, answered_at, bridged_at,"
    " ended_at, abandoned, COALESCE(engagement_path,''), COALESCE(authorization_id,''),"
    " COALESCE(vetting_snapshot_hash,''), COALESCE(worker_category,''), COALESCE(hangup_cause,'')"
    " FROM calls ";
Json readCall(const Stmt& s) {
  Json path = Json::parse(s.text(15), nullptr, false);
  return Json{{"id", s.int64(0)},           {"campaign_id", s.int64(1)},
              {"contact_id", s.isNull(2) ? Json(nullptr) : Json(s.int64(2))},
              {"called_number", s.text(3)}, {"state", s.text(4)},
              {"dial_mode", s.text(5)},     {"caller_ref", s.text(6)},
              {"site_id", s.text(7)},       {"disposition", s.text(8)},
              {"queued_at", optMillis(s, 9)}, {"dialed_at", optMillis(s, 10)},
              {"answered_at", optMillis(s, 11)}, {"bridged_at", optMillis(s, 12)},
              {"ended_at", optMillis(s, 13)}, {"abandoned", s.int64(14) != 0},
              {"engagement_path", path.is_discarded() ? Json::array() : path},
              {"authorization_id", s.text(16)}, {"vetting_snapshot_hash", s.text(17)},
              {"worker_category", s.text(18)}, {"hangup_cause", s.text(19)}};
}
}  // namespace

Result<Json> listCalls(SqliteDb& db, CampaignId campaign, const Page& page) {
  ASSIGN_OR_RETURN(
      Stmt s, db.prepare(std::string(kCallCols) +
                         (page.newest_first
                              ? "WHERE campaign_id=? AND (?2 = 0 OR id<?2) ORDER BY id DESC LIMIT ?"
                              : "WHERE campaign_id=? AND id>? ORDER BY id LIMIT ?")));
  s.bind(1, campaign.value)
      .bind(2, page.newest_first ? page.before : page.after)
      .bind(3, page.limit);
  Json items = Json::array();
  int64_t last = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    last = s.int64(0);
    items.push_back(readCall(s));
  }
  if (page.newest_first) {
    Json out{{"items", std::move(items)}};
    out["next_before"] =
        static_cast<int>(out["items"].size()) == page.limit ? Json(last) : Json(nullptr);
    return out;
  }
  return pageOf(std::move(items), page.limit, last);
}

Result<Json> getCall(SqliteDb& db, CallId id) {
  ASSIGN_OR_RETURN(Stmt s, db.prepare(std::string(kCallCols) + "WHERE id=?"));
  s.bind(1, id.value);
  ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return Status::notFound("no call " + id.str(), "id");
  Json call = readCall(s);
  ASSIGN_OR_RETURN(Stmt r, db.prepare("SELECT question_key, answer FROM survey_responses WHERE call_id=? ORDER BY id"));
  r.bind(1, id.value);
  Json survey = Json::object();
  while (true) {
    ASSIGN_OR_RETURN(bool rrow, r.step());
    if (!rrow) break;
    survey[r.text(0)] = r.text(1);
  }
  call["survey"] = survey;
  return call;
}

Result<std::pair<std::string, CampaignId>> callOwner(SqliteDb& db, CallId id) {
  ASSIGN_OR_RETURN(Stmt* s, db.cached("SELECT COALESCE(caller_ref,''), campaign_id FROM calls WHERE id=?"));
  s->bind(1, id.value);
  ASSIGN_OR_RETURN(bool row, s->step());
  if (!row) {
    s->reset();
    return Status::notFound("no call " + id.str(), "id");
  }
  auto out = std::make_pair(s->text(0), CampaignId(s->int64(1)));
  s->reset();
  return out;
}

Result<std::vector<core::Disposition>> dispositionsFor(SqliteDb& db, CampaignId campaign) {
  std::vector<core::Disposition> out = core::defaultDispositions();
  ASSIGN_OR_RETURN(Stmt s, db.prepare(
      "SELECT code, label, final, do_not_call FROM campaign_dispositions WHERE campaign_id=? ORDER BY code"));
  s.bind(1, campaign.value);
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    core::Disposition d{s.text(0), s.text(1), s.int64(2) != 0, s.int64(3) != 0};
    bool replaced = false;
    for (auto& e : out)
      if (e.code == d.code) { e = d; replaced = true; }
    if (!replaced) out.push_back(d);
  }
  return out;
}

Status recordDisposition(SqliteDb& db, const Clock& clock, CallId call, const DispositionInput& in,
                         const core::Actor& actor) {
  return db.transaction([&]() -> Status {
    ASSIGN_OR_RETURN(
        Stmt s,
        db.prepare("SELECT campaign_id, contact_id, COALESCE(disposition,''), called_number,"
                   " COALESCE(caller_ref,'') FROM calls WHERE id=?"));
    s.bind(1, call.value);
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) return Status::notFound("no call " + call.str(), "id");
    CampaignId campaign(s.int64(0));
    int64_t contact = s.isNull(1) ? 0 : s.int64(1);
    const std::string called_number = s.text(3), caller_ref = s.text(4);
    // One disposition a call; but the one the dialer gave for want of the
    // caller's — a wrap-up that ran past [sip] wrap_up_max_s
    // (core::kWrapUpTimeout), a caller whose phone's leg went
    // (core::kNoDisposition) — gives way to the caller's own, which arrived
    // late (its survey answers are kept).
    if (!s.text(2).empty() && s.text(2) != core::kWrapUpTimeout &&
        s.text(2) != core::kNoDisposition)
      return Status::failedPrecondition("this call already has a disposition", "code");
    ASSIGN_OR_RETURN(auto dispositions, dispositionsFor(db, campaign));
    const core::Disposition* d = nullptr;
    for (auto& x : dispositions)
      if (x.code == in.code) d = &x;
    if (!d)
      return Status::invalidArgument("unknown disposition '" + in.code + "' for this campaign",
                                     "code");
    ASSIGN_OR_RETURN(auto camp_row,
                     db.prepare("SELECT settings, org_id FROM campaigns WHERE id=?"));
    camp_row.bind(1, campaign.value);
    ASSIGN_OR_RETURN(bool has_camp, camp_row.step());
    Json questions = Json::array();
    core::Campaign camp;  // its recycle rules decide when the contact comes back
    if (has_camp) {
      Json settings = Json::parse(camp_row.text(0), nullptr, false);
      if (settings.is_object() && settings.contains("script") && settings["script"].contains("questions"))
        questions = settings["script"]["questions"];
      if (settings.is_object()) (void)core::applyJson(settings, camp);
      camp.org_id = OrgId(camp_row.int64(1));
    }
    for (auto& [key, answer] : in.survey) {
      const Json* q = nullptr;
      for (auto& x : questions)
        if (x.value("key", "") == key) q = &x;
      if (!q)
        return Status::invalidArgument("no survey question '" + key + "' in this campaign",
                                       "survey." + key);
      auto choices = q->value("choices", Json::array());
      if (!choices.empty()) {
        bool ok = false;
        for (auto& c : choices) ok = ok || (c.is_string() && c.get<std::string>() == answer);
        if (!ok)
          return Status::invalidArgument("'" + answer + "' is not a choice of '" + key + "'",
                                         "survey." + key);
      }
    }
    int64_t now = toEpochMillis(clock.now());
    ASSIGN_OR_RETURN(Stmt u,
                     db.prepare("UPDATE calls SET disposition=?1, ended_at=COALESCE(ended_at, ?2), "
                                "wrapped_at=COALESCE(wrapped_at, ?2),"
                                " state=CASE WHEN state IN ('ended','failed') THEN state ELSE "
                                "'ended' END WHERE id=?3"));
    u.bind(1, in.code).bind(2, now).bind(3, call.value);
    RETURN_IF_ERROR(u.run());
    if (contact) {
      // When the contact comes back: never after a final disposition; at the
      // caller's callback time; else by the campaign's recycle rules and
      // attempt limits, as the runtime decides for the dialer's own calls
      // (which then writes the same; this is what a desk without telephony
      // relies on).
      ASSIGN_OR_RETURN(Stmt ca, db.prepare("SELECT attempts FROM contacts WHERE id=?"));
      ca.bind(1, contact);
      ASSIGN_OR_RETURN(bool crow, ca.step());
      const int attempts = (crow ? static_cast<int>(ca.int64(0)) : 0) + 1;
      std::optional<TimePoint> next;
      if (!d->final) {
        next = in.callback_due
                   ? in.callback_due
                   : core::RecyclePolicy(camp.recycle_rules, camp.max_attempts_per_contact)
                         .nextAttemptAt(in.code, attempts, clock.now());
      }
      ASSIGN_OR_RETURN(
          Stmt uc,
          db.prepare("UPDATE contacts SET last_disposition=?, attempts=?, next_attempt_at=?,"
                     " status=CASE WHEN status='dnc' OR ? THEN 'dnc' WHEN ? THEN 'done' ELSE 'new' "
                     "END WHERE id=?"));
      uc.bind(1, in.code).bind(2, attempts);
      if (next)
        uc.bind(3, toEpochMillis(*next));
      else
        uc.bindNull(3);
      uc.bind(4, d->do_not_call ? 1 : 0).bind(5, next ? 0 : 1).bind(6, contact);
      RETURN_IF_ERROR(uc.run());
      if (d->do_not_call && !called_number.empty() && camp.org_id.valid()) {
        // The callee asked not to be called: the organisation's own list, for every campaign of it.
        storage::SqlitePolicyStore policy(db, clock);
        ASSIGN_OR_RETURN(bool added,
                         policy.addCalleeDncRequest(camp.org_id, called_number, call, actor));
        (void)added;
      }
      for (auto& [key, answer] : in.survey) {
        ASSIGN_OR_RETURN(Stmt ir, db.prepare(
            "INSERT INTO survey_responses(call_id, contact_id, question_key, answer, at) VALUES (?,?,?,?,?)"));
        ir.bind(1, call.value).bind(2, contact).bind(3, key).bind(4, answer).bind(5, now);
        RETURN_IF_ERROR(ir.run());
      }
      if (in.callback_due) {
        ASSIGN_OR_RETURN(Stmt ib, db.prepare(
            "INSERT INTO callbacks(campaign_id, contact_id, due_at, note, caller_ref, created_at) VALUES (?,?,?,?,?,?)"));
        ib.bind(1, campaign.value)
            .bind(2, contact)
            .bind(3, toEpochMillis(*in.callback_due))
            .bind(4, in.callback_note)
            .bind(5, caller_ref.empty() ? actor.id : caller_ref)
            .bind(6, now);
        RETURN_IF_ERROR(ib.run());
      }
    }
    Json payload{{"code", in.code}, {"survey_answers", in.survey.size()},
                 {"callback", in.callback_due ? Json(formatIsoUtc(*in.callback_due)) : Json(nullptr)}};
    return storage::audit(db, clock, actor, "call.disposition", "call", call.str(), payload);
  });
}

Result<Json> listSurveyResponses(SqliteDb& db, CampaignId campaign, const Page& page) {
  ASSIGN_OR_RETURN(Stmt s, db.prepare(
      "SELECT r.id, r.call_id, r.contact_id, r.question_key, r.answer, r.at FROM survey_responses r"
      " JOIN contacts c ON c.id = r.contact_id WHERE c.campaign_id=? AND r.id>? ORDER BY r.id LIMIT ?"));
  s.bind(1, campaign.value).bind(2, page.after).bind(3, page.limit);
  Json items = Json::array();
  int64_t last = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    last = s.int64(0);
    items.push_back(Json{{"id", last}, {"call_id", s.isNull(1) ? Json(nullptr) : Json(s.int64(1))},
                         {"contact_id", s.int64(2)}, {"question_key", s.text(3)},
                         {"answer", s.text(4)}, {"at", formatIsoUtc(fromEpochMillis(s.int64(5)))}});
  }
  return pageOf(std::move(items), page.limit, last);
}

Result<Json> listCallbacks(SqliteDb& db, CampaignId campaign, const Page& page) {
  ASSIGN_OR_RETURN(Stmt s, db.prepare(
      "SELECT id, contact_id, due_at, COALESCE(note,''), COALESCE(caller_ref,''), done_at FROM callbacks"
      " WHERE campaign_id=? AND id>? ORDER BY id LIMIT ?"));
  s.bind(1, campaign.value).bind(2, page.after).bind(3, page.limit);
  Json items = Json::array();
  int64_t last = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    last = s.int64(0);
    items.push_back(Json{{"id", last}, {"contact_id", s.int64(1)},
                         {"due_at", formatIsoUtc(fromEpochMillis(s.int64(2)))}, {"note", s.text(3)},
                         {"caller_ref", s.text(4)}, {"done_at", optMillis(s, 5)}});
  }
  return pageOf(std::move(items), page.limit, last);
}

Result<Json> campaignSummary(SqliteDb& db, CampaignId campaign) {
  Json out{{"campaign_id", campaign.value}};
  ASSIGN_OR_RETURN(Stmt c, db.prepare("SELECT COUNT(*), SUM(status='new'), SUM(status='done'), SUM(status='dnc') FROM contacts WHERE campaign_id=?"));
  c.bind(1, campaign.value);
  ASSIGN_OR_RETURN(bool crow, c.step());
  if (crow) out["contacts"] = Json{{"total", c.int64(0)}, {"new", c.optInt64(1).value_or(0)},
                                   {"done", c.optInt64(2).value_or(0)}, {"dnc", c.optInt64(3).value_or(0)}};
  ASSIGN_OR_RETURN(Stmt d, db.prepare("SELECT COALESCE(disposition,'(none)'), COUNT(*) FROM calls WHERE campaign_id=? GROUP BY 1 ORDER BY 1"));
  d.bind(1, campaign.value);
  Json disp = Json::object();
  int64_t calls = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool row, d.step());
    if (!row) break;
    disp[d.text(0)] = d.int64(1);
    calls += d.int64(1);
  }
  out["calls"] = calls;
  out["dispositions"] = disp;
  ASSIGN_OR_RETURN(Stmt r, db.prepare(
      "SELECT r.question_key, r.answer, COUNT(*) FROM survey_responses r JOIN contacts c ON c.id=r.contact_id"
      " WHERE c.campaign_id=? GROUP BY 1,2 ORDER BY 1,2"));
  r.bind(1, campaign.value);
  Json survey = Json::object();
  while (true) {
    ASSIGN_OR_RETURN(bool row, r.step());
    if (!row) break;
    survey[r.text(0)][r.text(1)] = r.int64(2);
  }
  out["survey"] = survey;
  return out;
}

}  // namespace clearline::api
