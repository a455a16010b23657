#include "storage/sqlite/vendor_store.h"

#include <filesystem>
#include <map>

#include "common/sha256.h"
#include "common/time_util.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::storage {

namespace fs = std::filesystem;
using core::vendor::RecordKind;
using core::vendor::RecordVersion;
using core::vendor::Registry;

Result<uint64_t> SqliteVendorStore::generation() {
  ASSIGN_OR_RETURN(Stmt * s, db_.cached("SELECT gen FROM vendor_generation WHERE id = 1"));
  ASSIGN_OR_RETURN(bool row, s->step());
  uint64_t g = row ? static_cast<uint64_t>(s->int64(0)) : 0;
  s->reset();
  return g;
}

Result<std::shared_ptr<Registry>> SqliteVendorStore::loadRegistry() {
  auto reg = std::make_shared<Registry>();
  ASSIGN_OR_RETURN(uint64_t gen, generation());
  reg->setGeneration(gen);
  ASSIGN_OR_RETURN(Stmt s, db_.prepare("SELECT kind, id, version, valid_from, data, record_hash, recorded_at,"
                                       " recorded_by FROM vendor_records ORDER BY kind, id, version"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    RecordVersion v;
    ASSIGN_OR_RETURN(v.kind, core::vendor::parseRecordKind(s.text(0)));
    v.id = s.text(1);
    v.version = static_cast<int>(s.int64(2));
    v.valid_from = fromEpochMillis(s.int64(3));
    v.data = Json::parse(s.text(4), nullptr, false);
    if (v.data.is_discarded()) return Status::dataLoss("vendor record " + v.label() + " is not valid JSON");
    v.record_hash = s.text(5);
    v.recorded_at = fromEpochMillis(s.int64(6));
    v.recorded_by = s.text(7);
    if (core::vendor::computeRecordHash(v) != v.record_hash)
      return Status::dataLoss("vendor record " + v.label() + " does not match its record_hash (altered)");
    Status st = reg->add(std::move(v));
    if (!st.isOk()) return Status::dataLoss("stored vendor record no longer validates: " + st.message());
  }
  return reg;
}

Status SqliteVendorStore::resolveEvidence(Json& doc, const std::string& base_dir, std::vector<std::string>& new_files,
                                          std::vector<std::pair<std::string, std::string>>& attach) {
  auto it = doc.find("evidence_docs");
  if (it == doc.end() || !it->is_array()) return Status::ok();
  std::string rec = "vetting " + doc.value("id", std::string("?"));
  for (size_t i = 0; i < it->size(); ++i) {
    Json& e = (*it)[i];
    if (!e.is_object() || !e.contains("file") || !e["file"].is_string()) continue;
    std::string file = e["file"].get<std::string>();
    std::string want = e.value("sha256", std::string());
    std::string field = "evidence_docs[" + std::to_string(i) + "].sha256";
    fs::path p = file;
    if (file.rfind("evidence/", 0) == 0 && fs::exists(fs::path(data_dir_) / file)) p = fs::path(data_dir_) / file;
    else if (p.is_relative()) p = fs::path(base_dir) / p;
    auto got = sha256FileHex(p.string());
    if (!got.isOk())
      return Status::invalidArgument(rec + ": evidence_docs[" + std::to_string(i) + "].file: cannot read " +
                                         p.string() + ": " + got.status().message(),
                                     "evidence_docs[" + std::to_string(i) + "].file");
    if (*got != want)
      return Status::invalidArgument(rec + ": " + field + ": the file " + file + " hashes to " + *got +
                                         ", not the recorded " + want,
                                     field);
    fs::path dest = fs::path(data_dir_) / "evidence" / *got;
    std::error_code ec;
    fs::create_directories(dest.parent_path(), ec);
    if (!fs::exists(dest)) {
      fs::copy_file(p, dest, ec);
      if (ec) return Status::unavailable("cannot store evidence " + dest.string() + ": " + ec.message());
      new_files.push_back(dest.string());
    }
    attach.push_back({*got, p.filename().string()});
    e["file"] = "evidence/" + *got;
  }
  return Status::ok();
}

Result<std::vector<VendorWriteResult>> SqliteVendorStore::write(const std::vector<VendorWrite>& writes,
                                                                const core::Actor& actor,
                                                                const core::vendor::Principal* who,
                                                                const std::string& base_dir) {
  std::vector<VendorWriteResult> out;
  std::vector<std::string> new_files;
  Status st = db_.transaction([&]() -> Status {
    ASSIGN_OR_RETURN(auto current, loadRegistry());
    Registry next = *current;
    const TimePoint now = clock_.now();
    std::vector<std::pair<std::string, std::string>> attach;
    for (const auto& w : writes) {
      Json data = w.data;
      RETURN_IF_ERROR(core::vendor::validateDocument(w.kind, data));
      if (w.kind == RecordKind::kVetting) RETURN_IF_ERROR(resolveEvidence(data, base_dir, new_files, attach));
      ASSIGN_OR_RETURN(std::string id, core::vendor::documentId(w.kind, data));
      if (who) RETURN_IF_ERROR(core::vendor::canWriteDocument(*current, *who, w.kind, data));
      const RecordVersion* prev = next.latest(w.kind, id);
      VendorWriteResult r;
      if (prev && canonicalJson(prev->data) == canonicalJson(data)) {
        r.version = *prev;
        out.push_back(r);
        continue;
      }
      RecordVersion v;
      v.kind = w.kind;
      v.id = id;
      v.version = prev ? prev->version + 1 : 1;
      v.valid_from = w.valid_from.value_or(now);
      if (prev && v.valid_from <= prev->valid_from)
        return Status::invalidArgument(std::string(core::vendor::toString(w.kind)) + " " + id +
                                           ": valid_from: a new version must start after version " +
                                           std::to_string(prev->version) + " (" + formatIsoUtc(prev->valid_from) + ")",
                                       "valid_from");
      v.data = data;
      v.recorded_at = now;
      v.recorded_by = actor.id;
      v.record_hash = core::vendor::computeRecordHash(v);
      RETURN_IF_ERROR(next.add(v));
      r.version = v;
      r.changed = true;
      r.created = prev == nullptr;
      out.push_back(r);
    }
    RETURN_IF_ERROR(next.validateStructure());
    for (auto& [sha, name] : attach) {
      ASSIGN_OR_RETURN(Stmt ins, db_.prepare("INSERT OR IGNORE INTO vendor_evidence(sha256, size, original_name,"
                                             " stored_path, attached_at, attached_by) VALUES (?,?,?,?,?,?)"));
      std::error_code ec;
      auto size = fs::file_size(fs::path(data_dir_) / "evidence" / sha, ec);
      ins.bind(1, sha).bind(2, static_cast<int64_t>(ec ? 0 : size)).bind(3, name).bind(4, "evidence/" + sha)
          .bind(5, toEpochMillis(now)).bind(6, actor.id);
      RETURN_IF_ERROR(ins.run());
      if (db_.changes() > 0)
        RETURN_IF_ERROR(audit(db_, clock_, actor, "vendor.evidence.attach", "vendor.evidence", sha,
                              Json{{"sha256", sha}, {"original_name", name}, {"size", ec ? 0 : size}}));
    }
    for (auto& r : out) {
      if (!r.changed) continue;
      const RecordVersion& v = r.version;
      std::string kind(core::vendor::toString(v.kind));
      core::AuditEvent e;
      e.at = now;
      e.actor = actor.id;
      e.action = "vendor." + kind + (r.created ? ".create" : ".version");
      e.object_type = "vendor." + kind;
      e.object_id = v.id;
      e.payload = Json{{"version", v.version}, {"valid_from", formatIsoUtc(v.valid_from)},
                       {"record_hash", v.record_hash}, {"data", v.data}};
      ASSIGN_OR_RETURN(auto sealed, appendAudit(db_, std::move(e)));
      if (v.version > 1) {
        ASSIGN_OR_RETURN(Stmt up, db_.prepare("UPDATE vendor_records SET valid_to=? WHERE kind=? AND id=? AND version=?"));
        up.bind(1, toEpochMillis(v.valid_from)).bind(2, kind).bind(3, v.id).bind(4, v.version - 1);
        RETURN_IF_ERROR(up.run());
      }
      ASSIGN_OR_RETURN(Stmt ins, db_.prepare(
          "INSERT INTO vendor_records(kind, id, version, valid_from, valid_to, data, record_hash, recorded_at,"
          " recorded_by, audit_seq) VALUES (?,?,?,?,NULL,?,?,?,?,?)"));
      ins.bind(1, kind).bind(2, v.id).bind(3, v.version).bind(4, toEpochMillis(v.valid_from))
          .bind(5, canonicalJson(v.data)).bind(6, v.record_hash).bind(7, toEpochMillis(v.recorded_at))
          .bind(8, v.recorded_by).bind(9, sealed.seq);
      RETURN_IF_ERROR(ins.run());
    }
    return Status::ok();
  });
  if (!st.isOk()) {
    std::error_code ec;
    for (auto& f : new_files) fs::remove(f, ec);
    return st;
  }
  return out;
}

Result<Json> SqliteVendorStore::importChain(const core::vendor::ImportDoc& doc, const std::string& base_dir,
                                            const core::Actor& actor) {
  std::vector<VendorWrite> writes;
  for (auto& r : doc.records) writes.push_back(VendorWrite{r.kind, r.data, r.valid_from});
  // The campaign must exist.
  {
    ASSIGN_OR_RETURN(Stmt s, db_.prepare("SELECT 1 FROM campaigns WHERE id=?"));
    s.bind(1, doc.campaign_id);
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) return Status::notFound("campaign_id: no campaign with id " + std::to_string(doc.campaign_id), "campaign_id");
  }
  ASSIGN_OR_RETURN(auto results, write(writes, actor, nullptr, base_dir));
  Json counts = Json::object();
  int64_t written = 0;
  for (auto& r : results) {
    std::string k(core::vendor::toString(r.version.kind));
    if (!counts.contains(k)) counts[k] = Json{{"created", 0}, {"versioned", 0}, {"unchanged", 0}};
    const char* what = !r.changed ? "unchanged" : r.created ? "created" : "versioned";
    counts[k][what] = counts[k][what].get<int64_t>() + 1;
    if (r.changed) ++written;
  }
  ASSIGN_OR_RETURN(uint64_t gen, generation());
  ASSIGN_OR_RETURN(Stmt h, db_.prepare("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"));
  ASSIGN_OR_RETURN(bool has, h.step());
  return Json{{"ok", true},
              {"campaign_id", doc.campaign_id},
              {"records", counts},
              {"versions_written", written},
              {"generation", gen},
              {"audit_head", has ? Json{{"seq", h.int64(0)}, {"hash", h.text(1)}} : Json(nullptr)}};
}

Result<std::string> SqliteVendorStore::storeEvidenceFile(const std::string& path, const core::Actor& actor) {
  ASSIGN_OR_RETURN(std::string sha, sha256FileHex(path));
  fs::path dest = fs::path(data_dir_) / "evidence" / sha;
  std::error_code ec;
  fs::create_directories(dest.parent_path(), ec);
  bool fresh = !fs::exists(dest);
  if (fresh) {
    fs::copy_file(path, dest, ec);
    if (ec) return Status::unavailable("cannot store evidence " + dest.string() + ": " + ec.message());
  }
  Status st = db_.transaction([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt ins, db_.prepare("INSERT OR IGNORE INTO vendor_evidence(sha256, size, original_name,"
                                           " stored_path, attached_at, attached_by) VALUES (?,?,?,?,?,?)"));
    ins.bind(1, sha).bind(2, static_cast<int64_t>(fs::file_size(dest, ec))).bind(3, fs::path(path).filename().string())
        .bind(4, "evidence/" + sha).bind(5, toEpochMillis(clock_.now())).bind(6, actor.id);
    RETURN_IF_ERROR(ins.run());
    if (db_.changes() == 0) return Status::ok();
    return audit(db_, clock_, actor, "vendor.evidence.attach", "vendor.evidence", sha,
                 Json{{"sha256", sha}, {"original_name", fs::path(path).filename().string()}});
  });
  if (!st.isOk()) {
    if (fresh) fs::remove(dest, ec);
    return st;
  }
  return sha;
}

Result<Json> SqliteVendorStore::verifyEvidence() {
  Json out = Json::array();
  ASSIGN_OR_RETURN(Stmt s, db_.prepare("SELECT sha256, stored_path, original_name FROM vendor_evidence ORDER BY sha256"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    std::string sha = s.text(0);
    auto got = sha256FileHex((fs::path(data_dir_) / s.text(1)).string());
    bool ok = got.isOk() && *got == sha;
    out.push_back({{"sha256", sha}, {"original_name", s.text(2)}, {"ok", ok},
                   {"detail", !got.isOk() ? got.status().message() : ok ? "matches" : "file hashes to " + *got}});
  }
  return out;
}

Status SqliteVendorStore::saveSnapshot(const core::GateDecision& d) {
  if (d.vetting_snapshot_hash.empty()) return Status::ok();
  ASSIGN_OR_RETURN(Stmt s, db_.prepare(
      "INSERT OR IGNORE INTO vendor_snapshots(hash, record_versions, first_seen) VALUES (?,?,?)"));
  s.bind(1, d.vetting_snapshot_hash).bind(2, canonicalJson(Json(d.record_versions))).bind(3, toEpochMillis(clock_.now()));
  return s.run();
}

Result<std::optional<Json>> SqliteVendorStore::snapshot(const std::string& hash) {
  ASSIGN_OR_RETURN(Stmt s, db_.prepare("SELECT record_versions FROM vendor_snapshots WHERE hash=?"));
  s.bind(1, hash);
  ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return std::optional<Json>();
  return std::optional<Json>(Json::parse(s.text(0), nullptr, false));
}

namespace {
Json decisionJson(const core::GateDecision& d) {
  Json gates = Json::array();
  for (auto& g : d.gates) gates.push_back({{"id", g.gate}, {"passed", g.passed}, {"detail", g.detail}});
  return Json{{"allowed", d.allowed},          {"gates", gates},
              {"reason", d.reason},            {"caller_ref", d.caller_ref},
              {"engagement_path", d.engagement_path}, {"site_id", d.site_id},
              {"tier", d.tier},                {"worker_category", d.worker_category},
              {"vetting_snapshot_hash", d.vetting_snapshot_hash}, {"record_versions", d.record_versions}};
}
}  // namespace

Status SqliteVendorStore::recordGateDecision(CampaignId campaign, const std::string& caller_ref, TimePoint at,
                                             const std::string& kind, const core::GateDecision& d,
                                             const core::Actor& actor) {
  return db_.transaction([&]() -> Status {
    Json failed = Json::array();
    for (auto& g : d.gates)
      if (!g.passed) failed.push_back(g.gate);
    ASSIGN_OR_RETURN(Stmt s, db_.prepare(
        "INSERT INTO vendor_gate_log(campaign_id, caller_ref, at, kind, allowed, site_id, engagement_path, tier,"
        " failed_gates, reason, decision, snapshot_hash, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    s.bind(1, campaign.value).bind(2, caller_ref).bind(3, toEpochMillis(at)).bind(4, kind)
        .bind(5, d.allowed ? 1 : 0).bind(6, d.site_id).bind(7, canonicalJson(Json(d.engagement_path)))
        .bind(8, d.tier).bind(9, canonicalJson(failed)).bind(10, d.reason).bind(11, canonicalJson(decisionJson(d)))
        .bind(12, d.vetting_snapshot_hash).bind(13, toEpochMillis(clock_.now()));
    RETURN_IF_ERROR(s.run());
    int64_t id = db_.lastInsertId();
    RETURN_IF_ERROR(saveSnapshot(d));
    return audit(db_, clock_, actor, std::string("vendor.gate.") + kind + (d.allowed ? ".allowed" : ".refused"),
                 "vendor.gate", std::to_string(id),
                 Json{{"campaign_id", campaign.value}, {"caller_ref", caller_ref}, {"at", formatIsoUtc(at)},
                      {"allowed", d.allowed}, {"failed_gates", failed}, {"reason", d.reason},
                      {"vetting_snapshot_hash", d.vetting_snapshot_hash}});
  });
}

Result<std::vector<GateLogRow>> SqliteVendorStore::gateLog(CampaignId campaign, TimePoint from, TimePoint to) {
  std::vector<GateLogRow> out;
  ASSIGN_OR_RETURN(Stmt s, db_.prepare(
      "SELECT id, campaign_id, caller_ref, kind, site_id, reason, snapshot_hash, at, allowed, tier, engagement_path,"
      " failed_gates, decision FROM vendor_gate_log WHERE campaign_id=? AND at>=? AND at<? ORDER BY at, id"));
  s.bind(1, campaign.value).bind(2, toEpochMillis(from)).bind(3, toEpochMillis(to));
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    GateLogRow r;
    r.id = s.int64(0);
    r.campaign_id = s.int64(1);
    r.caller_ref = s.text(2);
    r.kind = s.text(3);
    r.site_id = s.text(4);
    r.reason = s.text(5);
    r.snapshot_hash = s.text(6);
    r.at = fromEpochMillis(s.int64(7));
    r.allowed = s.int64(8) != 0;
    r.tier = static_cast<int>(s.int64(9));
    r.engagement_path = Json::parse(s.text(10), nullptr, false);
    r.failed_gates = Json::parse(s.text(11), nullptr, false);
    r.decision = Json::parse(s.text(12), nullptr, false);
    out.push_back(std::move(r));
  }
  return out;
}

Result<CallId> SqliteVendorStore::recordCall(CampaignId campaign, const std::string& called_number, TimePoint dialed_at,
                                             int duration_s, const std::string& authorization_id,
                                             const core::GateDecision& d, const core::Actor& actor) {
  CallId id;
  RETURN_IF_ERROR(db_.transaction([&]() -> Status {
    ASSIGN_OR_RETURN(Stmt c, db_.prepare("SELECT purpose, dial_mode FROM campaigns WHERE id=?"));
    c.bind(1, campaign.value);
    ASSIGN_OR_RETURN(bool row, c.step());
    if (!row) return Status::notFound("no campaign with id " + campaign.str(), "campaign");
    std::string purpose = c.text(0), mode = c.text(1);
    ASSIGN_OR_RETURN(Stmt s, db_.prepare(
        "INSERT INTO calls(campaign_id, called_number, purpose_class, dial_mode, state, authorization_id,"
        " engagement_path, vetting_snapshot_hash, site_id, caller_ref, worker_category, queued_at, dialed_at,"
        " answered_at, bridged_at, ended_at, answered_by, disposition, retention_until)"
        " VALUES (?,?,?,?,'ended',?,?,?,?,?,?,?,?,?,?,?,'human','manual',?)"));
    int64_t t0 = toEpochMillis(dialed_at);
    int64_t t1 = t0 + int64_t(duration_s) * 1000;
    s.bind(1, campaign.value).bind(2, called_number).bind(3, purpose).bind(4, mode).bind(5, authorization_id)
        .bind(6, canonicalJson(Json(d.engagement_path))).bind(7, d.vetting_snapshot_hash).bind(8, d.site_id)
        .bind(9, d.caller_ref).bind(10, d.worker_category).bind(11, t0).bind(12, t0).bind(13, t0).bind(14, t0)
        .bind(15, t1).bind(16, t0 + int64_t(5) * 365 * 24 * 3600 * 1000);
    RETURN_IF_ERROR(s.run());
    id = CallId(db_.lastInsertId());
    RETURN_IF_ERROR(saveSnapshot(d));
    return audit(db_, clock_, actor, "call.record", "call", id.str(),
                 Json{{"campaign_id", campaign.value}, {"caller_ref", d.caller_ref}, {"site_id", d.site_id},
                      {"engagement_path", d.engagement_path}, {"vetting_snapshot_hash", d.vetting_snapshot_hash},
                      {"authorization_id", authorization_id}, {"dialed_at", formatIsoUtc(dialed_at)},
                      {"duration_s", duration_s}});
  }));
  return id;
}

Result<std::vector<CallStat>> SqliteVendorStore::callStats(CampaignId campaign, TimePoint from, TimePoint to) {
  std::vector<CallStat> out;
  ASSIGN_OR_RETURN(Stmt s, db_.prepare(
      "SELECT coalesce(site_id,''), coalesce(caller_ref,''), count(*),"
      " sum(CASE WHEN ended_at IS NOT NULL AND coalesce(bridged_at, answered_at) IS NOT NULL"
      "          THEN ended_at - coalesce(bridged_at, answered_at) ELSE 0 END)"
      " FROM calls WHERE campaign_id=? AND coalesce(dialed_at, queued_at) >= ? AND coalesce(dialed_at, queued_at) < ?"
      " GROUP BY 1, 2 ORDER BY 1, 2"));
  s.bind(1, campaign.value).bind(2, toEpochMillis(from)).bind(3, toEpochMillis(to));
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    out.push_back(CallStat{s.text(0), s.text(1), s.int64(2), static_cast<double>(s.int64(3)) / 1000.0});
  }
  return out;
}

Result<bool> refreshGate(SqliteVendorStore& store, core::vendor::VendorCallerGate& gate) {
  ASSIGN_OR_RETURN(uint64_t gen, store.generation());
  if (gen == gate.registry().generation()) return false;
  ASSIGN_OR_RETURN(auto reg, store.loadRegistry());
  gate.setRegistry(std::move(reg));
  return true;
}

}  // namespace clearline::storage
