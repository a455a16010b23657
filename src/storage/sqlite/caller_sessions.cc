#include "storage/sqlite/caller_sessions.h"

#include "storage/sqlite/sqlite_store.h"

namespace clearline::storage {

namespace {
const core::Actor kActor{"system:console"};
}

Result<std::unique_ptr<CallerSessionLog>> CallerSessionLog::open(SqliteDb& db, const Clock& clock) {
  std::unique_ptr<CallerSessionLog> log(new CallerSessionLog(db, clock));
  // Sessions a previous process left open end at their last recorded change.
  ASSIGN_OR_RETURN(Stmt q, db.prepare(
      "SELECT id, caller_ref, campaign_id, started_at, last_seen_at FROM caller_sessions WHERE ended_at IS NULL"));
  struct Stale {
    int64_t id;
    std::string ref;
    int64_t campaign, started, last;
  };
  std::vector<Stale> stale;
  while (true) {
    ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    stale.push_back({q.int64(0), q.text(1), q.int64(2), q.int64(3), q.int64(4)});
  }
  if (!stale.empty()) {
    RETURN_IF_ERROR(db.transaction([&]() -> Status {
      for (const Stale& s : stale) {
        ASSIGN_OR_RETURN(Stmt p, db.prepare(
            "UPDATE caller_pauses SET ended_at = MAX(started_at, ?2) WHERE session_id = ?1 AND ended_at IS NULL"));
        p.bind(1, s.id).bind(2, s.last);
        RETURN_IF_ERROR(p.run());
        ASSIGN_OR_RETURN(Stmt u, db.prepare(
            "UPDATE caller_sessions SET ended_at = ?2, end_reason = 'daemon_restart' WHERE id = ?1"));
        u.bind(1, s.id).bind(2, s.last);
        RETURN_IF_ERROR(u.run());
        RETURN_IF_ERROR(audit(db, clock, kActor, "caller.logout", "caller", s.ref,
                              Json{{"session_id", s.id}, {"campaign_id", s.campaign},
                                   {"seconds", static_cast<double>(s.last - s.started) / 1000.0},
                                   {"reason", "daemon_restart"}}));
      }
      return Status::ok();
    }));
  }
  return log;
}

Status CallerSessionLog::endPause(const std::string& ref, Open& o, int64_t at) {
  if (o.pause_id == 0) return Status::ok();
  ASSIGN_OR_RETURN(Stmt* p, db_.cached("UPDATE caller_pauses SET ended_at = ?2 WHERE id = ?1"));
  p->bind(1, o.pause_id).bind(2, at);
  RETURN_IF_ERROR(p->run());
  RETURN_IF_ERROR(audit(db_, clock_, kActor, "caller.pause_end", "caller", ref,
                        Json{{"session_id", o.session_id},
                             {"seconds", static_cast<double>(at - o.pause_started_at) / 1000.0}}));
  o.pause_id = 0;
  return Status::ok();
}

Status CallerSessionLog::close(const std::string& ref, Open& o, int64_t at, const std::string& reason) {
  RETURN_IF_ERROR(endPause(ref, o, at));
  ASSIGN_OR_RETURN(Stmt* u, db_.cached(
      "UPDATE caller_sessions SET ended_at = ?2, last_seen_at = ?2, end_reason = ?3 WHERE id = ?1"));
  u->bind(1, o.session_id).bind(2, at).bind(3, reason);
  RETURN_IF_ERROR(u->run());
  return audit(db_, clock_, kActor, "caller.logout", "caller", ref,
               Json{{"session_id", o.session_id}, {"campaign_id", o.campaign_id},
                    {"seconds", static_cast<double>(at - o.started_at) / 1000.0}, {"reason", reason}});
}

Status CallerSessionLog::onState(const std::string& ref, CampaignId campaign, const std::string& site_id,
                                 const std::string& state, const std::string& reason, TimePoint at_tp) {
  const int64_t at = toEpochMillis(at_tp);
  auto it = open_.find(ref);
  const bool logged_out = state == "logged_out";
  const bool paused = state == "paused";
  if (logged_out && it == open_.end()) return Status::ok();
  if (!logged_out && it != open_.end() && it->second.campaign_id == campaign.value &&
      paused == (it->second.pause_id != 0))
    return Status::ok();  // ready ↔ on_call ↔ wrap_up: nothing to record
  if (!logged_out && !campaign.valid()) return Status::ok();
  Open next;
  bool erase = false, insert = false;
  Status st = db_.transaction([&]() -> Status {
    if (it != open_.end()) {
      next = it->second;
      if (logged_out) {
        erase = true;
        return close(ref, next, at, reason.empty() ? "logout" : reason);
      }
      if (next.campaign_id != campaign.value) {
        RETURN_IF_ERROR(close(ref, next, at, "campaign_change"));
        erase = true;
      }
    }
    if (erase || it == open_.end()) {
      ASSIGN_OR_RETURN(Stmt* ins, db_.cached(
          "INSERT INTO caller_sessions(caller_ref, campaign_id, site_id, started_at, last_seen_at) VALUES (?1,?2,?3,?4,?4)"));
      ins->bind(1, ref).bind(2, campaign.value).bind(3, site_id).bind(4, at);
      RETURN_IF_ERROR(ins->run());
      next = Open{db_.lastInsertId(), campaign.value, at, 0, 0};
      insert = true;
      RETURN_IF_ERROR(audit(db_, clock_, kActor, "caller.login", "caller", ref,
                            Json{{"session_id", next.session_id}, {"campaign_id", campaign.value}, {"site_id", site_id}}));
    }
    if (paused && next.pause_id == 0) {
      ASSIGN_OR_RETURN(Stmt* p, db_.cached(
          "INSERT INTO caller_pauses(session_id, started_at, reason) VALUES (?1, ?2, ?3)"));
      p->bind(1, next.session_id).bind(2, at).bind(3, reason);
      RETURN_IF_ERROR(p->run());
      next.pause_id = db_.lastInsertId();
      next.pause_started_at = at;
      RETURN_IF_ERROR(audit(db_, clock_, kActor, "caller.pause", "caller", ref,
                            Json{{"session_id", next.session_id}, {"reason", reason}}));
    } else if (!paused) {
      RETURN_IF_ERROR(endPause(ref, next, at));
    }
    ASSIGN_OR_RETURN(Stmt* u, db_.cached("UPDATE caller_sessions SET last_seen_at = ?2 WHERE id = ?1"));
    u->bind(1, next.session_id).bind(2, at);
    return u->run();
  });
  if (!st.isOk()) return st;
  if (logged_out) {
    open_.erase(ref);
  } else {
    (void)insert;
    open_[ref] = next;
  }
  return Status::ok();
}

Status CallerSessionLog::closeAll(TimePoint at_tp, const std::string& reason) {
  const int64_t at = toEpochMillis(at_tp);
  RETURN_IF_ERROR(db_.transaction([&]() -> Status {
    for (auto& [ref, o] : open_) {
      Open copy = o;
      RETURN_IF_ERROR(close(ref, copy, at, reason));
    }
    return Status::ok();
  }));
  open_.clear();
  return Status::ok();
}

}  // namespace clearline::storage
