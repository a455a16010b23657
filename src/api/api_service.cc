#include "api/api_service.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "api/decode.h"
#include "api/explain.h"
#include "api/exports.h"
#include "api/pacing.h"
#include "api/prompts.h"
#include "api/records.h"
#include "common/log.h"
#include "common/sha256.h"
#include "common/time_util.h"
#include "core/campaign/campaign.h"
#include "core/vendor/access.h"
#include "core/vendor/disclosure.h"
#include "storage/sqlite/sqlite_contact_store.h"
#include "storage/sqlite/vendor_store.h"

namespace clearline::api {

namespace {

constexpr const char* kSessionCookie = "clearline_session";

bool unsafeMethod(const std::string& m) { return m != "GET" && m != "HEAD" && m != "OPTIONS"; }

std::vector<std::string> splitPath(const std::string& p) {
  std::vector<std::string> out;
  size_t pos = 1;
  while (pos <= p.size()) {
    size_t end = p.find('/', pos);
    if (end == std::string::npos) end = p.size();
    out.push_back(p.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

Result<int64_t> positiveId(const std::string& s, const std::string& field) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
    return Status::invalidArgument(field + " must be a positive integer", field);
  int64_t v = std::stoll(s);
  if (v <= 0) return Status::invalidArgument(field + " must be a positive integer", field);
  return v;
}

// `order`/`before` only where the list offers newest first (with_order).
Result<Page> pageFrom(const HttpRequest& req, bool with_order = false) {
  Page p;
  if (auto it = req.query.find("order"); it != req.query.end()) {
    if (!with_order) return Status::invalidArgument("this list is oldest first only", "order");
    if (it->second != "asc" && it->second != "desc")
      return Status::invalidArgument("order is asc (oldest first) or desc (newest first)", "order");
    p.newest_first = it->second == "desc";
  }
  if (auto it = req.query.find("before"); it != req.query.end() && !it->second.empty()) {
    if (!p.newest_first)
      return Status::invalidArgument("before goes with order=desc (after with asc)", "before");
    ASSIGN_OR_RETURN(p.before, positiveId(it->second, "before"));
  }
  if (auto it = req.query.find("limit"); it != req.query.end()) {
    ASSIGN_OR_RETURN(int64_t l, positiveId(it->second, "limit"));
    if (l > 500) return Status::invalidArgument("limit must be at most 500", "limit");
    p.limit = static_cast<int>(l);
  }
  if (auto it = req.query.find("after"); it != req.query.end() && !it->second.empty()) {
    if (it->second != "0") {
      ASSIGN_OR_RETURN(p.after, positiveId(it->second, "after"));
    }
  }
  return p;
}

Json principalJson(const Principal& p) {
  return Json{{"id", p.user_id.value}, {"name", p.name}, {"role", toString(p.role)},
              {"entity_id", p.entity_id}};
}

std::string contentTypeFor(const std::string& path) {
  auto ends = [&](const char* s) {
    std::string e(s);
    return path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".json")) return "application/json";
  if (ends(".ico")) return "image/x-icon";
  return "application/octet-stream";
}

#define TRY_RESPONSE(expr)                                  \
  do {                                                      \
    Status cl_st_ = (expr);                                 \
    if (!cl_st_.isOk()) return HttpResponse::error(cl_st_); \
  } while (0)

#define ASSIGN_OR_RESPOND(lhs, expr) ASSIGN_OR_RESPOND_IMPL(CL_CONCAT(cl_r_, __LINE__), lhs, expr)
#define ASSIGN_OR_RESPOND_IMPL(tmp, lhs, expr)            \
  auto tmp = (expr);                                      \
  if (!tmp.isOk()) return HttpResponse::error(tmp.status()); \
  lhs = std::move(tmp).value()

}  // namespace

ApiOptions ApiOptions::fromConfig(const Config& config) {
  ApiOptions o;
  o.argon2.t_cost = static_cast<uint32_t>(config.getInt("server.argon2_t_cost"));
  o.argon2.m_cost_kib = static_cast<uint32_t>(config.getInt("server.argon2_m_kib"));
  o.lockout.max_failures = static_cast<int>(config.getInt("server.login_max_failures"));
  o.lockout.lockout_ms = config.getInt("server.lockout_minutes") * 60000;
  o.session_ttl = Millis(config.getInt("server.session_ttl_minutes") * 60000);
  o.cookie_secure = config.getBool("server.cookie_secure");
  o.max_body_bytes = static_cast<size_t>(config.getInt("server.max_body_bytes"));
  o.rate_per_second = config.getDouble("server.rate_limit_per_second");
  o.rate_burst = config.getDouble("server.rate_limit_burst");
  o.login_per_minute = static_cast<int>(config.getInt("server.login_per_minute"));
  o.web_root = config.getString("server.web_root");
  o.busy_timeout_ms = static_cast<int>(config.getInt("store.busy_timeout_ms"));
  o.import_dedupe = config.getString("import.dedupe_scope");
  o.import_region = config.getString("import.default_region");
  o.import_batch_rows = config.getInt("import.batch_rows");
  o.import_extra_area_codes = config.getString("import.extra_area_codes");
  o.alerts.abandon_pct = config.getDouble("server.alert_abandon_pct");
  o.alerts.min_answered = config.getInt("server.alert_min_answered");
  return o;
}

const std::vector<Route>& ApiService::routes() {
  using S = ApiService;
  static const std::vector<Route> r = {
      {"GET", "/healthz", Action::kPublic, "Liveness: the process answers", &S::healthz},
      {"GET", "/readyz", Action::kPublic, "Readiness: the store is open and the loop runs", &S::readyz},
      {"GET", "/metrics", Action::kPublic, "Prometheus metrics (clearline_*)", &S::metrics},
      {"POST", "/api/v1/login", Action::kPublic, "Log in with name and password; sets the session cookie", &S::login},
      {"POST", "/api/v1/logout", Action::kSelf, "End the session", &S::logout},
      {"GET", "/api/v1/me", Action::kSelf, "Who am I, and the CSRF token for this session", &S::me},
      {"POST", "/api/v1/tokens", Action::kSelf, "Create an API token for yourself (shown once)", &S::createToken},
      {"GET", "/api/v1/events", Action::kSelf, "WebSocket: pushed DomainEvents; ?since=SEQ&epoch=E resumes", &S::events, true},
      {"GET", "/api/v1/users", Action::kUserAdmin, "List users", &S::listUsers},
      {"POST", "/api/v1/users", Action::kUserAdmin, "Create a user", &S::createUser},
      {"GET", "/api/v1/campaigns", Action::kCampaignRead, "List campaigns (paginated)", &S::listCampaigns},
      {"POST", "/api/v1/campaigns", Action::kCampaignWrite, "Create a campaign (Idempotency-Key honoured)", &S::createCampaign},
      {"GET", "/api/v1/campaigns/{id}", Action::kCampaignRead, "One campaign", &S::getCampaign},
      {"PATCH", "/api/v1/campaigns/{id}", Action::kCampaignWrite, "Change campaign fields", &S::updateCampaign},
      {"GET", "/api/v1/campaigns/{id}/safe-harbor-prompt", Action::kCampaignRead, "The campaign's safe-harbor prompt: its text and the uploaded WAV (SHA-256, size, duration) or null", &S::getSafeHarborPrompt},
      {"GET", "/api/v1/campaigns/{id}/safe-harbor-prompt.wav", Action::kCampaignRead, "The uploaded safe-harbor WAV itself (audio/wav; 404 without one)", &S::safeHarborPromptWav},
      {"POST", "/api/v1/campaigns/{id}/safe-harbor-prompt", Action::kCampaignWrite, "Upload the safe-harbor WAV (the body: RIFF/WAVE, 8000 Hz mono, 16-bit PCM or G.711, 0.5-60 s, at most 2 MiB; audited); played when no caller is free", &S::uploadSafeHarborPrompt},
      {"DELETE", "/api/v1/campaigns/{id}/safe-harbor-prompt", Action::kCampaignWrite, "Remove the uploaded safe-harbor WAV (audited): the telephony's default prompt plays again", &S::deleteSafeHarborPrompt},
      {"GET", "/api/v1/campaigns/{id}/recording-announcement", Action::kCampaignRead, "The campaign's recording announcement: its recording settings and the uploaded WAV (SHA-256, size, duration) or null", &S::getRecordingAnnouncement},
      {"GET", "/api/v1/campaigns/{id}/recording-announcement.wav", Action::kCampaignRead, "The uploaded recording-announcement WAV itself (audio/wav; 404 without one)", &S::recordingAnnouncementWav},
      {"POST", "/api/v1/campaigns/{id}/recording-announcement", Action::kCampaignWrite, "Upload the recording-announcement WAV (the body: RIFF/WAVE, 8000 Hz mono, 16-bit PCM or G.711, 0.5-60 s, at most 2 MiB; audited); played to both parties before a recorded conversation where all-party consent is required", &S::uploadRecordingAnnouncement},
      {"DELETE", "/api/v1/campaigns/{id}/recording-announcement", Action::kCampaignWrite, "Remove the uploaded recording-announcement WAV (audited): the configured or shipped announcement plays again", &S::deleteRecordingAnnouncement},
      {"POST", "/api/v1/campaigns/{id}/state", Action::kCampaignWrite, "Lifecycle: activate, pause, resume, finish", &S::changeCampaignState},
      {"GET", "/api/v1/campaigns/{id}/dispositions", Action::kCampaignRead, "The campaign's dispositions", &S::campaignDispositions},
      {"GET", "/api/v1/campaigns/{id}/contacts", Action::kContactRead, "Contacts (paginated)", &S::listContacts},
      {"POST", "/api/v1/campaigns/{id}/contacts", Action::kContactWrite, "Add one contact (Idempotency-Key honoured)", &S::createContact},
      {"GET", "/api/v1/contacts/{id}", Action::kContactRead, "One contact with its phones", &S::getContact},
      {"GET", "/api/v1/campaigns/{id}/calls", Action::kReportRead, "Call records (paginated)", &S::listCalls},
      {"GET", "/api/v1/calls/{id}", Action::kCallRead, "One call record with its survey answers", &S::getCall},
      {"GET", "/api/v1/calls/{id}/explain", Action::kReportRead, "Why was this call allowed? The authorization record (rules, versions, verdict), the vendor chain path, site, worker category and vetting snapshot", &S::callExplain},
      {"POST", "/api/v1/calls/{id}/disposition", Action::kDisposition, "Disposition, survey answers and callback for a call", &S::dispositionCall},
      {"GET", "/api/v1/campaigns/{id}/exports/calls.csv", Action::kReportRead, "Call records with survey answers as CSV (?from=&to=)", &S::exportCalls},
      {"GET", "/api/v1/campaigns/{id}/exports/productivity.csv", Action::kReportRead, "Productivity per caller, site or vendor as CSV (?by=caller|site|vendor&from=&to=)", &S::exportProductivity},
      {"GET", "/api/v1/campaigns/{id}/reports/pacing", Action::kReportRead, "Pacing over the day: per time bucket calls placed, answered, bridged, abandoned, machine, the ledger's abandonment rate, lines in progress, callers and lines per caller (?bucket=15m&from=&to=)", &S::campaignPacing},
      {"GET", "/api/v1/campaigns/{id}/reports/pacing.csv", Action::kReportRead, "The pacing report as CSV, one row per bucket (?bucket=15m&from=&to=)", &S::campaignPacingCsv},
      {"GET", "/api/v1/campaigns/{id}/survey-responses", Action::kReportRead, "Survey answers (paginated)", &S::listSurveyResponses},
      {"GET", "/api/v1/campaigns/{id}/callbacks", Action::kReportRead, "Scheduled callbacks (paginated)", &S::listCallbacks},
      {"GET", "/api/v1/campaigns/{id}/summary", Action::kReportRead, "Counts of contacts, dispositions and answers", &S::campaignSummary},
      {"GET", "/api/v1/campaigns/{id}/live", Action::kReportRead, "Dashboard snapshot: callers, calls, ledger", &S::campaignLive},
      {"GET", "/api/v1/audit/verify", Action::kAuditRead, "Verify the audit chain", &S::auditVerify},
      {"GET", "/api/v1/audit/export", Action::kAuditRead, "The audit chain as JSON lines", &S::auditExport},
      {"GET", "/api/v1/console", Action::kConsole, "The caller's console state", &S::consoleGet},
      {"POST", "/api/v1/console/join", Action::kConsole, "Join a campaign at your site (gates decide)", &S::consoleJoin},
      {"POST", "/api/v1/console/state", Action::kConsole, "Ready, paused (with reason) or logged out", &S::consoleState},
      {"GET", "/api/v1/console/next-lead", Action::kConsole, "Human-initiated / preview: the next contact to press Call for (held for you)", &S::consoleNextLead},
      {"POST", "/api/v1/console/dial", Action::kConsole, "Human-initiated dial of the shown contact", &S::consoleDial},
      {"POST", "/api/v1/console/skip", Action::kConsole, "Preview: skip the shown contact (offered again later)", &S::consoleSkip},
      {"POST", "/api/v1/console/record", Action::kConsole, "On-demand recording: record the call bridged to you now (campaigns with recording on_demand; audited)", &S::consoleRecord},
      {"GET", "/api/v1/vendor/records", Action::kVendorRead, "Vendor-chain records you may see (?kind=site …)", &S::vendorRecords},
      {"GET", "/api/v1/vendor/records/{kind}/{rid}", Action::kVendorRead, "One vendor-chain record with its versions", &S::vendorRecord},
      {"POST", "/api/v1/vendor/records", Action::kVendorWrite, "Write a new version of one registry record ({kind, data, valid_from?}; audited; vendor supervisors only inside their subtree)", &S::vendorWrite},
      {"POST", "/api/v1/vendor/evidence", Action::kVendorWrite, "Upload an evidence file (the body; ?name=); answers its SHA-256 for a vetting record's evidence_docs", &S::vendorEvidence},
      {"GET", "/api/v1/campaigns/{id}/disclosure", Action::kReportRead, "Vendor-chain disclosure report (?from=YYYY-MM-DD&to=YYYY-MM-DD)", &S::campaignDisclosure},
      {"POST", "/api/v1/campaigns/{id}/imports", Action::kListWrite, "Upload a CSV list (the body) and import it in the background (Idempotency-Key honoured)", &S::createImport},
      {"GET", "/api/v1/campaigns/{id}/imports", Action::kListRead, "The campaign's list imports (paginated)", &S::listImports},
      {"GET", "/api/v1/imports/{id}", Action::kListRead, "One import: state, progress and counts", &S::getImport},
      {"GET", "/api/v1/imports/{id}/rejects.csv", Action::kListRead, "The import's rejected rows (line, column, reason, raw) as CSV", &S::importRejects},
  };
  return r;
}

const Route* ApiService::match(const std::string& method, const std::string& path,
                               std::map<std::string, std::string>& params) {
  auto segs = splitPath(path);
  for (const Route& r : routes()) {
    if (r.method != method) continue;
    auto pat = splitPath(r.pattern);
    if (pat.size() != segs.size()) continue;
    std::map<std::string, std::string> p;
    bool ok = true;
    for (size_t i = 0; i < pat.size() && ok; ++i) {
      if (pat[i].size() > 2 && pat[i].front() == '{' && pat[i].back() == '}') {
        if (segs[i].empty()) ok = false;
        else p[pat[i].substr(1, pat[i].size() - 2)] = segs[i];
      } else if (pat[i] != segs[i]) {
        ok = false;
      }
    }
    if (ok) {
      params = std::move(p);
      return &r;
    }
  }
  return nullptr;
}

ApiService::ApiService(ApiOptions options, storage::SqliteStore& store, const Clock& clock,
                       Metrics& metrics, const EntityScope& scope, ConsolePort* console)
    : opt_(std::move(options)), store_(store), clock_(clock), metrics_(metrics), scope_(scope),
      console_(console), accounts_(store.db(), clock),
      imports_(std::make_unique<ImportRunner>(clock, opt_.busy_timeout_ms)) {}

bool ApiService::rateLimited(const std::string& key, double per_second, double burst) {
  if (per_second <= 0) return false;
  auto now = std::chrono::steady_clock::now();
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst, now});
  Bucket& b = it->second;
  if (!fresh) {
    double dt = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst, b.tokens + dt * per_second);
    b.last = now;
  }
  if (buckets_.size() > 100000) buckets_.clear();  // bounded memory under address floods
  if (b.tokens < 1) return true;
  b.tokens -= 1;
  return false;
}

Result<Principal> ApiService::authenticate(const HttpRequest& req, bool* via_cookie, std::string* csrf) {
  *via_cookie = false;
  std::string auth = req.header("authorization");
  if (auth.rfind("Bearer ", 0) == 0) return accounts_.lookupApiToken(auth.substr(7));
  std::string cookie = req.cookie(kSessionCookie);
  if (cookie.empty()) return Status::unauthenticated("log in first");
  ASSIGN_OR_RETURN(auto pc, accounts_.lookupSession(cookie));
  *via_cookie = true;
  *csrf = pc.second;
  return pc.first;
}

Result<Principal> ApiService::authenticateWebSocket(const HttpRequest& req) {
  bool via_cookie = false;
  std::string csrf;
  ASSIGN_OR_RETURN(Principal p, authenticate(req, &via_cookie, &csrf));
  if (via_cookie) {
    // Cross-site WebSocket hijacking: a cookie-authenticated socket must come
    // from a page of this origin.
    std::string origin = req.header("origin");
    std::string host = req.header("host");
    if (!origin.empty()) {
      auto pos = origin.find("://");
      std::string oh = pos == std::string::npos ? origin : origin.substr(pos + 3);
      if (oh != host) return Status::permissionDenied("WebSocket from another origin");
    }
  }
  return p;
}

Status ApiService::allow(RequestCtx& c, const Target& t) {
  return check(c.principal(), c.route->action, t, scope_);
}

core::Actor ApiService::actorOf(const RequestCtx& c) const {
  if (!c.who) return core::Actor{"anonymous"};
  return core::Actor{(c.who->via_token ? "api:token:" : "user:") + c.who->name};
}

HttpResponse ApiService::handle(const HttpRequest& req) {
  auto started = std::chrono::steady_clock::now();
  std::map<std::string, std::string> params;
  const Route* route = match(req.method, req.path, params);
  HttpResponse resp;
  std::string route_name = route ? route->pattern : (req.path.rfind("/api/", 0) == 0 ? "unmatched" : "static");
  if (rateLimited("req:" + req.remote, opt_.rate_per_second, opt_.rate_burst)) {
    resp = HttpResponse::error(429, "resource_exhausted", "too many requests: slow down");
    resp.headers.emplace_back("Retry-After", "1");
  } else if (!route) {
    if (req.path.rfind("/api/", 0) == 0) {
      // Unknown API paths say 401 to strangers (nothing to probe), 404 to users.
      bool via_cookie;
      std::string csrf;
      if (!authenticate(req, &via_cookie, &csrf).isOk()) resp = HttpResponse::error(Status::unauthenticated("log in first"));
      else resp = HttpResponse::error(404, "not_found", "no such route: " + req.method + " " + req.path);
    } else if (req.method == "GET" || req.method == "HEAD") {
      resp = serveStatic(req);
    } else {
      resp = HttpResponse::error(405, "method_not_allowed", "method not allowed");
    }
  } else {
    RequestCtx c{req, std::move(params), route, std::nullopt};
    bool via_cookie = false;
    std::string csrf;
    auto who = authenticate(req, &via_cookie, &csrf);
    if (who.isOk()) c.who = *who;
    Status st = allow(c, Target{});
    if (st.isOk() && via_cookie && unsafeMethod(req.method) && route->action != Action::kPublic) {
      std::string sent = req.header("x-csrf-token");
      if (sent.empty() || sent != csrf)
        st = Status::permissionDenied("missing or wrong X-CSRF-Token header (reload the page)");
    }
    if (!st.isOk()) {
      resp = HttpResponse::error(st);
    } else if (route->websocket) {
      resp = HttpResponse::error(426, "upgrade_required", "this route is a WebSocket");
    } else {
      try {
        resp = (this->*(route->handler))(c);
      } catch (const std::exception& e) {
        // A bug, not the client's fault: answer 500 without details, keep serving.
        spdlog::error("handler {} {} threw: {}", route->method, route->pattern, e.what());
        resp = HttpResponse::error(Status::internal("internal error"));
      }
    }
  }
  resp.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (route) resp.headers.emplace_back("Cache-Control", "no-store");
  metrics_.countRequest(route_name, resp.status);
  if (route && route->action != Action::kPublic) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics_.observeStoreLatency(route->method + " " + route->pattern, secs);
  }
  return resp;
}

HttpResponse ApiService::serveStatic(const HttpRequest& req) {
  if (opt_.web_root.empty()) return HttpResponse::error(404, "not_found", "no web assets configured");
  std::string rel = req.path == "/" ? "index.html" : req.path.substr(1);
  if (rel.find("..") != std::string::npos || rel.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/") != std::string::npos)
    return HttpResponse::error(404, "not_found", "no such file");
  std::filesystem::path p = std::filesystem::path(opt_.web_root) / rel;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec)) return HttpResponse::error(404, "not_found", "no such file");
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  HttpResponse r;
  r.content_type = contentTypeFor(rel);
  r.body = ss.str();
  if (r.content_type.rfind("text/html", 0) == 0) {
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                           "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    r.headers.emplace_back("Cache-Control", "no-cache");
  } else {
    r.headers.emplace_back("Cache-Control", rel.rfind("assets/", 0) == 0 ? "max-age=31536000, immutable" : "no-cache");
  }
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  return r;
}

HttpResponse ApiService::idempotent(RequestCtx& c, const std::function<HttpResponse()>& fn) {
  std::string key = c.req.header("idempotency-key");
  if (key.empty() || !c.who) return fn();
  if (key.size() > 200) return HttpResponse::error(Status::invalidArgument("Idempotency-Key is longer than 200 bytes", "Idempotency-Key"));
  // The route and a hash of the body: the same key with another body is a
  // mistake to report, not a replay of the first answer.
  const std::string route = c.req.method + " " + c.req.path;
  const std::string route_key = route + " #" + sha256Hex(c.req.body);
  auto& db = store_.db();
  {
    auto q = db.prepare("SELECT route, status, body FROM idempotency_keys WHERE user_id=? AND key=?");
    if (!q.isOk()) return HttpResponse::error(q.status());
    q->bind(1, c.who->user_id.value).bind(2, key);
    auto row = q->step();
    if (!row.isOk()) return HttpResponse::error(row.status());
    if (*row) {
      const std::string stored = q->text(0);
      if (stored != route_key &&
          stored != route) {  // (rows stored before the hash hold the route alone)
        const bool same_route = stored.rfind(route + " #", 0) == 0;
        return HttpResponse::error(Status::failedPrecondition(
            same_route ? "this Idempotency-Key was used with another body"
                       : "this Idempotency-Key was used for another request",
            "Idempotency-Key"));
      }
      HttpResponse r;
      r.status = static_cast<int>(q->int64(1));
      r.body = q->text(2);
      r.headers.emplace_back("Idempotent-Replayed", "true");
      return r;
    }
  }
  HttpResponse r = fn();
  // Only what was done is remembered: a refused request (4xx) may be corrected
  // and sent again under the same key.
  if (r.status >= 200 && r.status < 300) {
    auto ins = db.prepare("INSERT OR IGNORE INTO idempotency_keys(user_id, key, route, status, body, created_at) VALUES (?,?,?,?,?,?)");
    if (ins.isOk()) {
      ins->bind(1, c.who->user_id.value).bind(2, key).bind(3, route_key).bind(4, r.status).bind(5, r.body)
          .bind(6, toEpochMillis(clock_.now()));
      (void)ins->run();
    }
  }
  return r;
}

// ---- health, metrics, session ------------------------------------------------

HttpResponse ApiService::healthz(RequestCtx&) { return HttpResponse::json(200, Json{{"status", "ok"}}); }

HttpResponse ApiService::readyz(RequestCtx&) {
  auto s = store_.db().prepare("SELECT 1");
  bool db_ok = s.isOk() && s->step().isOk();
  bool ok = db_ok && ready_;
  return HttpResponse::json(ok ? 200 : 503, Json{{"status", ok ? "ready" : "not ready"},
                                                 {"store", db_ok}, {"loop", ready_}});
}

HttpResponse ApiService::metrics(RequestCtx&) {
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics_.render();
  return r;
}

HttpResponse ApiService::login(RequestCtx& c) {
  if (rateLimited("login:" + c.req.remote, opt_.login_per_minute / 60.0, opt_.login_per_minute))
    return HttpResponse::error(429, "resource_exhausted", "too many login attempts from this address: wait a minute");
  ASSIGN_OR_RESPOND(Json body, decodeObject(c.req.body, {{"name", FieldType::kString, true, 64},
                                                         {"password", FieldType::kString, true, 1024}}));
  auto p = accounts_.login(body["name"], body["password"], opt_.lockout);
  if (!p.isOk()) {
    // Log the name and address, never the password.
    spdlog::info("login failed for '{}' from {}", body["name"].get<std::string>(), c.req.remote);
    return HttpResponse::error(p.status());
  }
  ASSIGN_OR_RESPOND(Session s, accounts_.createSession(p->user_id, opt_.session_ttl));
  HttpResponse r = HttpResponse::json(200, Json{{"user", principalJson(*p)}, {"csrf_token", s.csrf}});
  std::string cookie = std::string(kSessionCookie) + "=" + s.token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                       std::to_string(opt_.session_ttl.count() / 1000);
  if (opt_.cookie_secure) cookie += "; Secure";
  r.headers.emplace_back("Set-Cookie", cookie);
  return r;
}

HttpResponse ApiService::logout(RequestCtx& c) {
  std::string cookie = c.req.cookie(kSessionCookie);
  if (!cookie.empty()) TRY_RESPONSE(accounts_.deleteSession(cookie));
  if (console_ && c.who && c.who->role == Role::kCaller) (void)console_->setState(*c.who, "logged_out", "logout");
  HttpResponse r = HttpResponse::json(200, Json{{"ok", true}});
  r.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  return r;
}

HttpResponse ApiService::me(RequestCtx& c) {
  Json j{{"user", principalJson(*c.who)}};
  std::string cookie = c.req.cookie(kSessionCookie);
  if (!cookie.empty()) {
    auto s = accounts_.lookupSession(cookie);
    if (s.isOk()) j["csrf_token"] = s->second;
  }
  return HttpResponse::json(200, j);
}

HttpResponse ApiService::createToken(RequestCtx& c) {
  ASSIGN_OR_RESPOND(Json body, decodeObject(c.req.body, {{"name", FieldType::kString, true, 100}}));
  ASSIGN_OR_RESPOND(std::string token, accounts_.createApiToken(c.who->user_id, body["name"], actorOf(c)));
  return HttpResponse::json(201, Json{{"token", token}, {"name", body["name"]}});
}

HttpResponse ApiService::events(RequestCtx&) {
  return HttpResponse::error(426, "upgrade_required", "connect with a WebSocket");
}

HttpResponse ApiService::listUsers(RequestCtx&) {
  ASSIGN_OR_RESPOND(auto users, accounts_.listUsers());
  Json items = Json::array();
  for (auto& u : users) items.push_back(principalJson(u));
  return HttpResponse::json(200, Json{{"items", items}, {"next_after", nullptr}});
}

HttpResponse ApiService::createUser(RequestCtx& c) {
  ASSIGN_OR_RESPOND(Json body, decodeObject(c.req.body, {{"name", FieldType::kString, true, 64},
                                                         {"role", FieldType::kString, true, 40},
                                                         {"entity_id", FieldType::kString, false, 100},
                                                         {"password", FieldType::kString, true, 1024}}));
  return idempotent(c, [&] {
    auto role = parseRole(body["role"].get<std::string>());
    if (!role.isOk()) return HttpResponse::error(role.status());
    auto p = accounts_.createUser(body["name"], *role, body.value("entity_id", ""), body["password"],
                                  opt_.argon2, actorOf(c));
    if (!p.isOk()) return HttpResponse::error(p.status());
    return HttpResponse::json(201, principalJson(*p));
  });
}

// ---- campaigns ----------------------------------------------------------------

HttpResponse ApiService::listCampaigns(RequestCtx& c) {
  ASSIGN_OR_RESPOND(Page page, pageFrom(c.req));
  ASSIGN_OR_RESPOND(auto all, store_.campaigns().listCampaigns(OrgId()));
  Json items = Json::array();
  int64_t last = 0;
  for (auto& camp : all) {
    if (camp.id.value <= page.after) continue;
    if (static_cast<int>(items.size()) >= page.limit) break;
    items.push_back(core::toJson(camp));
    last = camp.id.value;
  }
  Json out{{"items", items}};
  out["next_after"] = static_cast<int>(items.size()) == page.limit ? Json(last) : Json(nullptr);
  return HttpResponse::json(200, out);
}

HttpResponse ApiService::createCampaign(RequestCtx& c) {
  // The campaign's own fields are checked by core::applyJson (unknown keys name themselves).
  if (nestedTooDeep(c.req.body, 32)) return HttpResponse::error(Status::invalidArgument("the JSON body is nested too deeply"));
  ASSIGN_OR_RESPOND(Json body, decodeObject(c.req.body, {{"name", FieldType::kString, true, 200},
                                                         {"purpose", FieldType::kString, true, 40},
                                                         {"org_id", FieldType::kInt, false}},
                                            /*allow_unknown=*/true));
  return idempotent(c, [&]() -> HttpResponse {
    auto purpose = core::parsePurposeClass(body["purpose"].get<std::string>());
    if (!purpose.isOk()) return HttpResponse::error(Status::invalidArgument(purpose.status().message(), "purpose"));
    core::Campaign camp = core::newCampaign(body["name"], *purpose);
    Json rest = body;
    rest.erase("name");
    rest.erase("purpose");
    int64_t org = body.value("org_id", int64_t{0});
    rest.erase("org_id");
    if (org == 0) {
      auto orgs = store_.campaigns().listOrganisations();
      if (!orgs.isOk()) return HttpResponse::error(orgs.status());
      if (orgs->empty()) {
        auto o = store_.campaigns().createOrganisation("Default organisation", actorOf(c));
        if (!o.isOk()) return HttpResponse::error(o.status());
        org = o->id.value;
      } else {
        org = orgs->front().id.value;
      }
    }
    camp.org_id = OrgId(org);
    if (Status st = core::applyJson(rest, camp); !st.isOk()) return HttpResponse::error(st);
    auto created = store_.campaigns().createCampaign(camp, actorOf(c));
    if (!created.isOk()) return HttpResponse::error(created.status());
    return HttpResponse::json(201, core::toJson(*created));
  });
}

HttpResponse ApiService::getCampaign(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  ASSIGN_OR_RESPOND(auto camp, store_.campaigns().getCampaign(CampaignId(id)));
  return HttpResponse::json(200, core::toJson(camp));
}

HttpResponse ApiService::updateCampaign(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  if (nestedTooDeep(c.req.body, 32)) return HttpResponse::error(Status::invalidArgument("the JSON body is nested too deeply"));
  ASSIGN_OR_RESPOND(Json body, decodeObject(c.req.body, {}, /*allow_unknown=*/true));
  ASSIGN_OR_RESPOND(auto camp, store_.campaigns().getCampaign(CampaignId(id)));
  TRY_RESPONSE(core::applyJson(body, camp));
  ASSIGN_OR_RESPOND(auto updated, store_.campaigns().updateCampaign(camp, actorOf(c)));
  return HttpResponse::json(200, core::toJson(updated));
}

HttpResponse ApiService::changeCampaignState(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  ASSIGN_OR_RESPOND(Json body, decodeObject(c.req.body, {{"event", FieldType::kString, true, 20}}));
  std::string ev = body["event"];
  core::CampaignEvent e;
  if (ev == "activate") e = core::CampaignEvent::kActivate;
  else if (ev == "pause") e = core::CampaignEvent::kPause;
  else if (ev == "resume") e = core::CampaignEvent::kResume;
  else if (ev == "finish") e = core::CampaignEvent::kFinish;
  else return HttpResponse::error(Status::invalidArgument("event must be activate, pause, resume or finish", "event"));
  ASSIGN_OR_RESPOND(auto camp, store_.campaigns().changeCampaignState(CampaignId(id), e, actorOf(c)));
  return HttpResponse::json(200, core::toJson(camp));
}

// ---- safe-harbor prompt and recording announcement (api/prompts.h) ----------------

namespace {
std::string promptUrl(int64_t id, PromptKind kind) {
  return "/api/v1/campaigns/" + std::to_string(id) +
         (kind == PromptKind::kSafeHarbor ? "/safe-harbor-prompt" : "/recording-announcement");
}
}  // namespace

HttpResponse ApiService::getPrompt(RequestCtx& c, PromptKind kind) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  ASSIGN_OR_RESPOND(auto camp, store_.campaigns().getCampaign(CampaignId(id)));
  ASSIGN_OR_RESPOND(auto wav, storedPrompt(dataDir(), camp.id, kind));
  Json out{{"campaign_id", id}};
  if (kind == PromptKind::kSafeHarbor) {
    out["text"] = camp.safe_harbor_message;
  } else {
    out["recording"] = core::toString(camp.recording);
    out["recording_announcement"] = core::toString(camp.recording_announcement);
  }
  if (wav) {
    (*wav)["url"] = promptUrl(id, kind) + ".wav";
    out["wav"] = *wav;
    out["played"] = "uploaded_wav";
  } else {
    out["wav"] = nullptr;
    out["played"] = "default";
  }
  return HttpResponse::json(200, out);
}

HttpResponse ApiService::promptWav(RequestCtx& c, PromptKind kind) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  ASSIGN_OR_RESPOND(auto camp, store_.campaigns().getCampaign(CampaignId(id)));
  std::ifstream in(promptPath(dataDir(), camp.id, kind), std::ios::binary);
  if (!in) return HttpResponse::error(Status::notFound("campaign " + std::to_string(id) + " has no uploaded " + promptNoun(kind)));
  std::stringstream ss;
  ss << in.rdbuf();
  HttpResponse r;
  r.content_type = "audio/wav";
  r.headers.emplace_back("Content-Disposition", "inline; filename=\"campaign-" + std::to_string(id) +
                                                    (kind == PromptKind::kSafeHarbor ? "-safe-harbor" : "-recording-announcement") +
                                                    ".wav\"");
  r.body = ss.str();
  return r;
}

HttpResponse ApiService::uploadPrompt(RequestCtx& c, PromptKind kind) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  ASSIGN_OR_RESPOND(auto camp, store_.campaigns().getCampaign(CampaignId(id)));
  auto info = storePrompt(store_.db(), clock_, dataDir(), camp.id, c.req.body, actorOf(c), kind);
  if (!info.isOk()) {
    const Status& st = info.status();
    if (st.code() == StatusCode::kResourceExhausted && st.field() == "body")
      return HttpResponse::error(413, "resource_exhausted", st.message(), "body");
    return HttpResponse::error(st);
  }
  return getPrompt(c, kind);
}

HttpResponse ApiService::deletePromptOf(RequestCtx& c, PromptKind kind) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  ASSIGN_OR_RESPOND(auto camp, store_.campaigns().getCampaign(CampaignId(id)));
  TRY_RESPONSE(deletePrompt(store_.db(), clock_, dataDir(), camp.id, actorOf(c), kind));
  return getPrompt(c, kind);
}

HttpResponse ApiService::getSafeHarborPrompt(RequestCtx& c) { return getPrompt(c, PromptKind::kSafeHarbor); }
HttpResponse ApiService::safeHarborPromptWav(RequestCtx& c) { return promptWav(c, PromptKind::kSafeHarbor); }
HttpResponse ApiService::uploadSafeHarborPrompt(RequestCtx& c) { return uploadPrompt(c, PromptKind::kSafeHarbor); }
HttpResponse ApiService::deleteSafeHarborPrompt(RequestCtx& c) { return deletePromptOf(c, PromptKind::kSafeHarbor); }
HttpResponse ApiService::getRecordingAnnouncement(RequestCtx& c) {
  return getPrompt(c, PromptKind::kRecordingAnnouncement);
}
HttpResponse ApiService::recordingAnnouncementWav(RequestCtx& c) {
  return promptWav(c, PromptKind::kRecordingAnnouncement);
}
HttpResponse ApiService::uploadRecordingAnnouncement(RequestCtx& c) {
  return uploadPrompt(c, PromptKind::kRecordingAnnouncement);
}
HttpResponse ApiService::deleteRecordingAnnouncement(RequestCtx& c) {
  return deletePromptOf(c, PromptKind::kRecordingAnnouncement);
}

HttpResponse ApiService::campaignDispositions(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  ASSIGN_OR_RESPOND(auto camp, store_.campaigns().getCampaign(CampaignId(id)));
  ASSIGN_OR_RESPOND(auto ds, dispositionsFor(store_.db(), camp.id));
  Json items = Json::array();
  for (auto& d : ds)
    items.push_back(Json{{"code", d.code}, {"label", d.label}, {"final", d.final}, {"do_not_call", d.do_not_call}});
  return HttpResponse::json(200, Json{{"items", items}, {"next_after", nullptr}});
}

// ---- contacts, calls, results -----------------------------------------------------

// 404 for a campaign that does not exist (its lists would otherwise answer an empty 200).
Status ApiService::campaignExists(CampaignId id) {
  auto q = store_.db().prepare("SELECT 1 FROM campaigns WHERE id=?");
  if (!q.isOk()) return q.status();
  q->bind(1, id.value);
  ASSIGN_OR_RETURN(bool row, q->step());
  return row ? Status::ok() : Status::notFound("no campaign " + id.str(), "id");
}

HttpResponse ApiService::listContacts(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  TRY_RESPONSE(campaignExists(CampaignId(id)));
  ASSIGN_OR_RESPOND(Page page, pageFrom(c.req));
  ASSIGN_OR_RESPOND(Json out, api::listContacts(store_.db(), CampaignId(id), page));
  return HttpResponse::json(200, out);
}

HttpResponse ApiService::createContact(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  ASSIGN_OR_RESPOND(Json body, decodeObject(c.req.body, {{"first_name", FieldType::kString, false, 200},
                                                         {"last_name", FieldType::kString, false, 200},
                                                         {"external_id", FieldType::kString, false, 100},
                                                         {"city", FieldType::kString, false, 200},
                                                         {"state", FieldType::kString, false, 20},
                                                         {"zip", FieldType::kString, false, 20},
                                                         {"timezone", FieldType::kString, false, 64},
                                                         {"phone", FieldType::kString, true, 32}}));
  return idempotent(c, [&] {
    auto contact = api::createContact(store_.db(), clock_, CampaignId(id), body, actorOf(c));
    if (!contact.isOk()) return HttpResponse::error(contact.status());
    return HttpResponse::json(201, core::toJson(*contact));
  });
}

HttpResponse ApiService::getContact(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  ASSIGN_OR_RESPOND(auto contact, api::getContact(store_.db(), ContactId(id)));
  return HttpResponse::json(200, core::toJson(contact));
}

HttpResponse ApiService::listCalls(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  TRY_RESPONSE(campaignExists(CampaignId(id)));
  ASSIGN_OR_RESPOND(Page page, pageFrom(c.req, true));
  ASSIGN_OR_RESPOND(Json out, api::listCalls(store_.db(), CampaignId(id), page));
  return HttpResponse::json(200, out);
}

namespace {
// A CSV download: text/csv with a file name the browser saves it under. The
// body is built in memory (the export streams; the HTTP layer sends one body).
HttpResponse csvDownload(const std::string& filename, std::string body) {
  HttpResponse r;
  r.content_type = "text/csv; charset=utf-8";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  r.body = std::move(body);
  return r;
}

std::string queryOr(const HttpRequest& req, const char* key, const char* dflt = "") {
  auto it = req.query.find(key);
  return it == req.query.end() ? dflt : it->second;
}
}  // namespace

HttpResponse ApiService::exportCalls(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  ASSIGN_OR_RESPOND(auto camp, store_.campaigns().getCampaign(CampaignId(id)));
  (void)camp;
  ASSIGN_OR_RESPOND(ExportRange range, parseExportRange(queryOr(c.req, "from"), queryOr(c.req, "to")));
  std::string body;
  TRY_RESPONSE(writeCallsCsv(store_.db(), CampaignId(id), range, [&](std::string_view piece) {
    body.append(piece);
    return Status::ok();
  }));
  return csvDownload("campaign-" + std::to_string(id) + "-calls.csv", std::move(body));
}

HttpResponse ApiService::exportProductivity(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  ASSIGN_OR_RESPOND(auto camp, store_.campaigns().getCampaign(CampaignId(id)));
  (void)camp;
  ASSIGN_OR_RESPOND(ProductivityBy by, parseProductivityBy(queryOr(c.req, "by", "caller")));
  ASSIGN_OR_RESPOND(ExportRange range, parseExportRange(queryOr(c.req, "from"), queryOr(c.req, "to")));
  std::string body;
  TRY_RESPONSE(writeProductivityCsv(
      store_.db(), CampaignId(id), range, by,
      [&](std::string_view piece) {
        body.append(piece);
        return Status::ok();
      },
      clock_.now()));
  return csvDownload("campaign-" + std::to_string(id) + "-productivity-by-" +
                         (by == ProductivityBy::kSite     ? "site"
                          : by == ProductivityBy::kVendor ? "vendor"
                                                          : "caller") +
                         ".csv",
                     std::move(body));
}

// Pacing over the day (issue 8 §3, api/pacing.h): JSON for the report page's
// charts, and the same report as CSV.
Result<Json> ApiService::pacing(RequestCtx& c, std::string* bucket_name) {
  ASSIGN_OR_RETURN(int64_t id, positiveId(c.params["id"], "id"));
  ASSIGN_OR_RETURN(auto camp, store_.campaigns().getCampaign(CampaignId(id)));
  (void)camp;
  std::string name = queryOr(c.req, "bucket", "15m");
  ASSIGN_OR_RETURN(Millis bucket, parsePacingBucket(name));
  ASSIGN_OR_RETURN(ExportRange range, parseExportRange(queryOr(c.req, "from"), queryOr(c.req, "to")));
  if (bucket_name) *bucket_name = name;
  return pacingReport(store_.db(), CampaignId(id), range, bucket, clock_.now());
}

HttpResponse ApiService::campaignPacing(RequestCtx& c) {
  ASSIGN_OR_RESPOND(Json report, pacing(c, nullptr));
  return HttpResponse::json(200, report);
}

HttpResponse ApiService::campaignPacingCsv(RequestCtx& c) {
  std::string bucket;
  ASSIGN_OR_RESPOND(Json report, pacing(c, &bucket));
  return csvDownload("campaign-" + std::to_string(report["campaign_id"].get<int64_t>()) + "-pacing-" + bucket + ".csv",
                     pacingCsv(report));
}

HttpResponse ApiService::getCall(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  ASSIGN_OR_RESPOND(auto owner, callOwner(store_.db(), CallId(id)));
  TRY_RESPONSE(allow(c, Target{std::nullopt, owner.first}));
  ASSIGN_OR_RESPOND(Json call, api::getCall(store_.db(), CallId(id)));
  return HttpResponse::json(200, call);
}

HttpResponse ApiService::callExplain(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  auto out = api::explainCall(store_.db(), clock_, opt_.data_dir, CallId(id));
  if (!out.isOk()) {
    const Status& st = out.status();
    return HttpResponse::error(Status(st.code(), st.message(), st.field() == "call_id" ? "id" : st.field()));
  }
  return HttpResponse::json(200, *out);
}

HttpResponse ApiService::dispositionCall(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  ASSIGN_OR_RESPOND(Json body, decodeObject(c.req.body, {{"code", FieldType::kString, true, 64},
                                                         {"survey", FieldType::kObject, false, 100},
                                                         {"callback_at", FieldType::kString, false, 40},
                                                         {"callback_note", FieldType::kString, false, 1000},
                                                         {"note", FieldType::kString, false, 2000}}));
  ASSIGN_OR_RESPOND(auto owner, callOwner(store_.db(), CallId(id)));
  TRY_RESPONSE(allow(c, Target{std::nullopt, owner.first}));
  DispositionInput in;
  in.code = body["code"];
  if (body.contains("survey")) {
    for (auto& [k, v] : body["survey"].items()) {
      if (!v.is_string() || v.get_ref<const std::string&>().size() > 1000)
        return HttpResponse::error(Status::invalidArgument("answers must be strings of at most 1000 bytes", "survey." + k));
      in.survey.emplace_back(k, v.get<std::string>());
    }
  }
  if (body.contains("callback_at")) {
    auto t = parseIso(body["callback_at"].get<std::string>());
    if (!t.isOk()) return HttpResponse::error(Status::invalidArgument(t.status().message(), "callback_at"));
    // A minute's grace for the caller's clock; a callback in the past would be dialed at once.
    if (*t < clock_.now() - std::chrono::minutes(1))
      return HttpResponse::error(Status::invalidArgument(
          "callback_at " + formatIsoUtc(*t) + " is in the past", "callback_at"));
    in.callback_due = *t;
    in.callback_note = body.value("callback_note", "");
  } else if (body.contains("callback_note")) {
    return HttpResponse::error(Status::invalidArgument(
        "a callback note needs callback_at (when to call back)", "callback_note"));
  }
  in.note = body.value("note", "");
  TRY_RESPONSE(recordDisposition(store_.db(), clock_, CallId(id), in, actorOf(c)));
  if (console_ && !owner.first.empty())
    (void)console_->dispositioned(owner.first, CallId(id), in.callback_due);
  ASSIGN_OR_RESPOND(Json call, api::getCall(store_.db(), CallId(id)));
  return HttpResponse::json(200, call);
}

HttpResponse ApiService::listSurveyResponses(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  TRY_RESPONSE(campaignExists(CampaignId(id)));
  ASSIGN_OR_RESPOND(Page page, pageFrom(c.req));
  ASSIGN_OR_RESPOND(Json out, api::listSurveyResponses(store_.db(), CampaignId(id), page));
  return HttpResponse::json(200, out);
}

HttpResponse ApiService::listCallbacks(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  TRY_RESPONSE(campaignExists(CampaignId(id)));
  ASSIGN_OR_RESPOND(Page page, pageFrom(c.req));
  ASSIGN_OR_RESPOND(Json out, api::listCallbacks(store_.db(), CampaignId(id), page));
  return HttpResponse::json(200, out);
}

HttpResponse ApiService::campaignSummary(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  ASSIGN_OR_RESPOND(auto camp, store_.campaigns().getCampaign(CampaignId(id)));
  ASSIGN_OR_RESPOND(Json out, api::campaignSummary(store_.db(), camp.id));
  return HttpResponse::json(200, out);
}

HttpResponse ApiService::campaignLive(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  TRY_RESPONSE(campaignExists(CampaignId(id)));
  if (!console_) return HttpResponse::error(Status::unavailable("no live runtime in this process"));
  ASSIGN_OR_RESPOND(Json out, console_->live(CampaignId(id)));
  return HttpResponse::json(200, out);
}

// ---- audit --------------------------------------------------------------------------

HttpResponse ApiService::auditVerify(RequestCtx&) {
  core::AuditVerifier v;
  Status st = store_.auditLog().scan(1, [&](const core::AuditEvent& e) { return v.next(e); });
  Json j{{"ok", st.isOk()}, {"events", v.checked()}, {"head_hash", v.headHash()}};
  if (!st.isOk()) j["error"] = st.message();
  return HttpResponse::json(200, j);
}

HttpResponse ApiService::auditExport(RequestCtx&) {
  HttpResponse r;
  r.content_type = "application/x-ndjson";
  Status st = store_.auditLog().scan(1, [&](const core::AuditEvent& e) {
    r.body += canonicalJson(core::exportLine(e));
    r.body += "\n";
    return Status::ok();
  });
  if (!st.isOk()) return HttpResponse::error(st);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"audit.jsonl\"");
  return r;
}

// ---- console ------------------------------------------------------------------------

HttpResponse ApiService::consoleGet(RequestCtx& c) {
  if (!console_) return HttpResponse::error(Status::unavailable("no live runtime in this process"));
  ASSIGN_OR_RESPOND(Json out, console_->snapshot(*c.who));
  return HttpResponse::json(200, out);
}

HttpResponse ApiService::consoleJoin(RequestCtx& c) {
  if (!console_) return HttpResponse::error(Status::unavailable("no live runtime in this process"));
  ASSIGN_OR_RESPOND(Json body, decodeObject(c.req.body, {{"campaign_id", FieldType::kInt, true}}));
  int64_t id = body["campaign_id"];
  if (id <= 0) return HttpResponse::error(Status::invalidArgument("campaign_id must be positive", "campaign_id"));
  ASSIGN_OR_RESPOND(auto camp, store_.campaigns().getCampaign(CampaignId(id)));
  ASSIGN_OR_RESPOND(Json out, console_->join(*c.who, camp.id));
  return HttpResponse::json(200, out);
}

HttpResponse ApiService::consoleState(RequestCtx& c) {
  if (!console_) return HttpResponse::error(Status::unavailable("no live runtime in this process"));
  ASSIGN_OR_RESPOND(Json body, decodeObject(c.req.body, {{"state", FieldType::kString, true, 20},
                                                         {"reason", FieldType::kString, false, 200}}));
  std::string st = body["state"];
  if (st != "ready" && st != "paused" && st != "logged_out")
    return HttpResponse::error(Status::invalidArgument("state must be ready, paused or logged_out", "state"));
  ASSIGN_OR_RESPOND(Json out, console_->setState(*c.who, st, body.value("reason", "")));
  return HttpResponse::json(200, out);
}

HttpResponse ApiService::consoleNextLead(RequestCtx& c) {
  if (!console_) return HttpResponse::error(Status::unavailable("no live runtime in this process"));
  ASSIGN_OR_RESPOND(Json out, console_->nextLead(*c.who));
  return HttpResponse::json(200, out);
}

HttpResponse ApiService::consoleSkip(RequestCtx& c) {
  if (!console_) return HttpResponse::error(Status::unavailable("no live runtime in this process"));
  ASSIGN_OR_RESPOND(Json body, decodeObject(c.req.body, {}));
  (void)body;
  ASSIGN_OR_RESPOND(Json out, console_->skipLead(*c.who));
  return HttpResponse::json(200, out);
}

HttpResponse ApiService::consoleRecord(RequestCtx& c) {
  if (!console_) return HttpResponse::error(Status::unavailable("no live runtime in this process"));
  ASSIGN_OR_RESPOND(Json body, decodeObject(c.req.body, {}));
  (void)body;
  ASSIGN_OR_RESPOND(Json out, console_->record(*c.who));
  return HttpResponse::json(200, out);
}

HttpResponse ApiService::consoleDial(RequestCtx& c) {
  if (!console_) return HttpResponse::error(Status::unavailable("no live runtime in this process"));
  ASSIGN_OR_RESPOND(Json body, decodeObject(c.req.body, {{"contact_id", FieldType::kInt, true}}));
  int64_t id = body["contact_id"];
  if (id <= 0) return HttpResponse::error(Status::invalidArgument("contact_id must be positive", "contact_id"));
  ASSIGN_OR_RESPOND(Json out, console_->dial(*c.who, ContactId(id)));
  return HttpResponse::json(200, out);
}

}  // namespace clearline::api

namespace clearline::api {

namespace {
namespace v = core::vendor;

// The vendor chain's principal for an API user: vendor supervisors are scoped
// to their entity; managers, administrators and auditors see the whole registry.
std::optional<v::Principal> vendorPrincipal(const Principal& p) {
  if (p.role == Role::kVendorSupervisor) return v::Principal::vendor(p.entity_id);
  return std::nullopt;
}

Json versionJson(const v::RecordVersion& r) {
  return Json{{"kind", v::toString(r.kind)}, {"id", r.id}, {"version", r.version},
              {"valid_from", formatIsoUtc(r.valid_from)},
              {"valid_to", r.valid_to ? Json(formatIsoUtc(*r.valid_to)) : Json(nullptr)},
              {"record_hash", r.record_hash}, {"data", r.data}};
}
}  // namespace

HttpResponse ApiService::vendorRecords(RequestCtx& c) {
  storage::SqliteVendorStore vs(store_.db(), clock_, opt_.data_dir);
  ASSIGN_OR_RESPOND(auto reg, vs.loadRegistry());
  std::optional<v::RecordKind> only;
  if (auto it = c.req.query.find("kind"); it != c.req.query.end()) {
    auto k = v::parseRecordKind(it->second);
    if (!k.isOk()) return HttpResponse::error(Status::invalidArgument(k.status().message(), "kind"));
    only = *k;
  }
  Json items = Json::array();
  auto vp = vendorPrincipal(*c.who);
  auto add = [&](v::RecordKind kind, const std::string& id) {
    if (only && *only != kind) return;
    if (const auto* latest = reg->latest(kind, id)) items.push_back(versionJson(*latest));
  };
  if (vp) {
    for (auto& ref : v::visibleRecords(*reg, *vp)) add(ref.kind, ref.id);
  } else {
    for (auto kind : v::kAllKinds)
      for (auto& id : reg->ids(kind)) add(kind, id);
  }
  return HttpResponse::json(200, Json{{"items", items}, {"next_after", nullptr}, {"generation", reg->generation()}});
}

HttpResponse ApiService::vendorRecord(RequestCtx& c) {
  auto kind = v::parseRecordKind(c.params["kind"]);
  if (!kind.isOk()) return HttpResponse::error(Status::invalidArgument(kind.status().message(), "kind"));
  storage::SqliteVendorStore vs(store_.db(), clock_, opt_.data_dir);
  ASSIGN_OR_RESPOND(auto reg, vs.loadRegistry());
  const std::string& id = c.params["rid"];
  // Record-level boundary: the vendor chain's access function. Another
  // vendor's record answers exactly like a record that does not exist.
  auto vp = vendorPrincipal(*c.who);
  auto versions = reg->versions(*kind, id);
  if (versions.empty() || (vp && !v::canAccess(*reg, *vp, v::RecordRef{*kind, id}, v::AccessMode::kRead)))
    return HttpResponse::error(Status::notFound("no " + std::string(v::toString(*kind)) + " '" + id + "' that you may see", "id"));
  Json all = Json::array();
  for (auto* ver : versions) all.push_back(versionJson(*ver));
  Json out = versionJson(*versions.back());
  out["versions"] = all;
  return HttpResponse::json(200, out);
}

// Registry edits (issue 8 §2): one new version of one record, validated and
// access-checked by the vendor store (a vendor supervisor writes only inside
// its subtree), audited in the same transaction. Evidence files are uploaded
// first (vendorEvidence) and referenced as {"file":"evidence/<sha256>","sha256"}.
HttpResponse ApiService::vendorWrite(RequestCtx& c) {
  if (nestedTooDeep(c.req.body, 32)) return HttpResponse::error(Status::invalidArgument("the JSON body is nested too deeply"));
  ASSIGN_OR_RESPOND(Json body, decodeObject(c.req.body, {{"kind", FieldType::kString, true, 40},
                                                         {"data", FieldType::kObject, true, 200},
                                                         {"valid_from", FieldType::kString, false, 40}}));
  auto kind = v::parseRecordKind(body["kind"].get<std::string>());
  if (!kind.isOk()) return HttpResponse::error(Status::invalidArgument(kind.status().message(), "kind"));
  storage::VendorWrite w{*kind, body["data"], std::nullopt};
  if (body.contains("valid_from")) {
    auto t = parseIso(body["valid_from"].get<std::string>());
    if (!t.isOk()) return HttpResponse::error(Status::invalidArgument(t.status().message(), "valid_from"));
    w.valid_from = *t;
  }
  // Evidence over the API is only what was uploaded: never a server path.
  if (auto ev = w.data.find("evidence_docs"); ev != w.data.end() && ev->is_array()) {
    static const std::regex kStored("^evidence/[0-9a-f]{64}$");
    for (size_t i = 0; i < ev->size(); ++i) {
      const Json& e = (*ev)[i];
      if (e.is_object() && e.contains("file") &&
          (!e["file"].is_string() || !std::regex_match(e["file"].get<std::string>(), kStored)))
        return HttpResponse::error(Status::invalidArgument(
            "evidence files are uploaded first (POST /api/v1/vendor/evidence) and named evidence/<sha256>",
            "data.evidence_docs[" + std::to_string(i) + "].file"));
    }
  }
  storage::SqliteVendorStore vs(store_.db(), clock_, dataDir());
  auto vp = vendorPrincipal(*c.who);
  auto out = vs.write({w}, actorOf(c), vp ? &*vp : nullptr, dataDir());
  if (!out.isOk()) {
    const Status& st = out.status();
    if (st.code() == StatusCode::kPermissionDenied) return HttpResponse::error(st);  // outside its subtree
    // valid_from is a field of the request; every other field is one of the document's.
    std::string field = st.field().empty() ? "data" : st.field() == "valid_from" ? "valid_from" : "data." + st.field();
    return HttpResponse::error(Status(st.code(), st.message(), field));
  }
  const auto& r = out->front();
  Json j = versionJson(r.version);
  j["created"] = r.created;
  j["changed"] = r.changed;
  return HttpResponse::json(200, j);
}

HttpResponse ApiService::vendorEvidence(RequestCtx& c) {
  if (c.req.body.empty())
    return HttpResponse::error(Status::invalidArgument("the request body is the evidence file, and it is empty", "body"));
  std::string name = queryOr(c.req, "name", "evidence");
  for (auto& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != '_') ch = '_';
  if (name.empty() || name.size() > 120 || name.front() == '.')
    return HttpResponse::error(Status::invalidArgument("name must be a file name of at most 120 characters", "name"));
  namespace fs = std::filesystem;
  fs::path dir = fs::path(dataDir()) / "uploads" / ("evidence-" + randomToken().substr(0, 12));
  std::error_code ec;
  fs::create_directories(dir, ec);
  fs::path file = dir / name;
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(c.req.body.data(), static_cast<std::streamsize>(c.req.body.size()));
    out.flush();
    if (!out) return HttpResponse::error(Status::unavailable("cannot store the upload under " + dir.string()));
  }
  storage::SqliteVendorStore vs(store_.db(), clock_, dataDir());
  auto sha = vs.storeEvidenceFile(file.string(), actorOf(c));
  fs::remove_all(dir, ec);
  if (!sha.isOk()) return HttpResponse::error(sha.status());
  return HttpResponse::json(200, Json{{"sha256", *sha}, {"file", "evidence/" + *sha}, {"size", c.req.body.size()},
                                      {"original_name", name}});
}

HttpResponse ApiService::campaignDisclosure(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  ASSIGN_OR_RESPOND(auto camp, store_.campaigns().getCampaign(CampaignId(id)));
  TimePoint now = clock_.now();
  TimePoint from = now - std::chrono::hours(24 * 365 * 10), to = now + std::chrono::hours(24);
  if (auto it = c.req.query.find("from"); it != c.req.query.end()) {
    auto t = parseDateUtc(it->second);
    if (!t.isOk()) return HttpResponse::error(Status::invalidArgument(t.status().message(), "from"));
    from = *t;
  }
  if (auto it = c.req.query.find("to"); it != c.req.query.end()) {
    auto t = parseDateUtc(it->second);
    if (!t.isOk()) return HttpResponse::error(Status::invalidArgument(t.status().message(), "to"));
    to = *t + std::chrono::hours(24);
  }
  if (to <= from)
    return HttpResponse::error(Status::invalidArgument("to must be on or after from", "to"));
  storage::SqliteVendorStore vs(store_.db(), clock_, opt_.data_dir);
  ASSIGN_OR_RESPOND(auto reg, vs.loadRegistry());
  v::DisclosureInputs in;
  in.campaign_id = id;
  in.campaign_name = camp.name;
  in.from = from;
  in.to = to;
  in.generated_at = now;
  ASSIGN_OR_RESPOND(auto log, vs.gateLog(CampaignId(id), from, to));
  for (auto& r : log) {
    if (r.allowed) {
      if (r.kind == "login") in.allowed_logins.push_back({r.site_id, r.caller_ref});
      continue;
    }
    v::DisclosureInputs::Refusal x;
    x.at = r.at;
    x.caller_ref = r.caller_ref;
    x.site_id = r.site_id;
    x.kind = r.kind;
    x.reason = r.reason;
    x.tier = r.tier;
    if (r.failed_gates.is_array())
      for (auto& f : r.failed_gates)
        if (f.is_string()) x.failed_gates.push_back(f.get<std::string>());
    in.refusals.push_back(x);
  }
  ASSIGN_OR_RESPOND(auto stats, vs.callStats(CampaignId(id), from, to));
  for (auto& s : stats) in.calls.push_back({s.site_id, s.caller_ref, s.calls, s.seconds});
  core::AuditVerifier verifier;
  TRY_RESPONSE(store_.auditLog().scan(1, [&](const core::AuditEvent& e) { return verifier.next(e); }));
  in.audit_head_seq = verifier.checked();
  in.audit_head_hash = verifier.headHash();
  return HttpResponse::json(200, v::buildDisclosure(*reg, in));
}

}  // namespace clearline::api

// ---- list imports ---------------------------------------------------------------------

namespace clearline::api {

namespace {

std::set<int> parseAreaCodes(const std::string& s) {
  std::set<int> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty() || item.size() > 3 || item.find_first_not_of("0123456789") != std::string::npos) continue;
    int v = std::stoi(item);
    if (v >= 200 && v <= 999) out.insert(v);
  }
  return out;
}

// The importer's messages name the file it read; over the API that is the
// server's copy of the upload, so it is called by the list's name instead.
std::string withoutServerPath(std::string msg, const std::string& path, const std::string& name) {
  if (path.empty()) return msg;
  for (size_t p; (p = msg.find(path)) != std::string::npos;) msg.replace(p, path.size(), name);
  return msg;
}

// The API's view of an import: the stored row, with this process's live
// progress while it runs. Server paths (the uploaded file, the rejects file)
// are not shown; the rejects are at rejects_url.
Json importJson(const core::ImportRecord& r, const std::optional<ImportProgress>& live) {
  ImportProgress p;
  if (live && r.state == core::ImportState::kRunning) {
    p = *live;
  } else {
    p.id = r.id;
    p.campaign = r.campaign_id;
    p.state = std::string(core::toString(r.state));
    p.counts = r.counts;
    p.bytes_total = r.file_size;
    p.bytes_done = r.state == core::ImportState::kCommitted ? r.file_size : r.resume_offset;
    p.done = r.state != core::ImportState::kRunning;
    p.error = r.error;
    if (live) p.first_rejects = live->first_rejects;
  }
  p.error = withoutServerPath(p.error, r.file, r.list_name);
  Json j = progressJson(p);
  j["id"] = r.id.value;
  j["list_id"] = r.list_id.value;
  j["list_name"] = r.list_name;
  j["file_sha256"] = r.file_sha256;
  j["file_size"] = r.file_size;
  j["phones_imported"] = p.counts.phones_imported;
  j["phones_invalid"] = p.counts.phones_invalid;
  j["phones_duplicate"] = p.counts.phones_duplicate;
  j["started_at"] = formatIsoUtc(r.started_at);
  j["finished_at"] = r.finished_at ? Json(formatIsoUtc(*r.finished_at)) : Json(nullptr);
  j["first_rejects"] = p.first_rejects;
  j["rejects_url"] = "/api/v1/imports/" + r.id.str() + "/rejects.csv";
  return j;
}

}  // namespace

std::string ApiService::dataDir() const {
  std::error_code ec;
  std::filesystem::path base = opt_.data_dir.empty() ? std::filesystem::temp_directory_path(ec) / "clearline-api"
                                                     : std::filesystem::path(opt_.data_dir);
  auto abs = std::filesystem::absolute(base, ec);
  return (ec ? base : abs).lexically_normal().string();
}

HttpResponse ApiService::createImport(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  ASSIGN_OR_RESPOND(auto camp, store_.campaigns().getCampaign(CampaignId(id)));
  static const std::set<std::string> kKnown = {"list_name", "dedupe", "region", "map", "delimiter", "batch_rows",
                                               "allow_international"};
  for (auto& [k, v] : c.req.query)
    if (!kKnown.count(k)) return HttpResponse::error(Status::invalidArgument("unknown parameter '" + k + "'", k));
  import::ImportOptions o;
  o.campaign = camp.id;
  o.list_name = queryOr(c.req, "list_name");
  if (o.list_name.size() > 200) return HttpResponse::error(Status::invalidArgument("list_name is longer than 200 bytes", "list_name"));
  auto dedupe = core::parseDedupeScope(queryOr(c.req, "dedupe", opt_.import_dedupe.c_str()));
  if (!dedupe.isOk()) return HttpResponse::error(Status::invalidArgument(dedupe.status().message(), "dedupe"));
  o.dedupe = *dedupe;
  o.region = queryOr(c.req, "region", opt_.import_region.c_str());
  if (o.region.size() != 2 || !std::isupper(static_cast<unsigned char>(o.region[0])) ||
      !std::isupper(static_cast<unsigned char>(o.region[1])))
    return HttpResponse::error(Status::invalidArgument("region must be an ISO 3166 alpha-2 code such as US", "region"));
  std::string maps = queryOr(c.req, "map");
  if (maps.size() > 4000) return HttpResponse::error(Status::invalidArgument("map is longer than 4000 bytes", "map"));
  {
    std::stringstream ss(maps);
    std::string item;
    while (std::getline(ss, item, ',')) {
      if (item.empty()) continue;
      if (item.find('=') == std::string::npos || item.front() == '=')
        return HttpResponse::error(Status::invalidArgument("map entries are COLUMN=FIELD, separated by commas", "map"));
      o.map_overrides.push_back(item);
    }
  }
  o.delimiter = queryOr(c.req, "delimiter", ",");
  if (o.delimiter != "," && o.delimiter != ";" && o.delimiter != "|" && o.delimiter != "tab" && o.delimiter != "auto")
    return HttpResponse::error(Status::invalidArgument("delimiter must be , ; | tab or auto", "delimiter"));
  o.batch_rows = opt_.import_batch_rows > 0 ? opt_.import_batch_rows : 5000;
  if (auto it = c.req.query.find("batch_rows"); it != c.req.query.end()) {
    ASSIGN_OR_RESPOND(int64_t b, positiveId(it->second, "batch_rows"));
    if (b > 100000) return HttpResponse::error(Status::invalidArgument("batch_rows must be at most 100000", "batch_rows"));
    o.batch_rows = b;
  }
  std::string intl = queryOr(c.req, "allow_international", "false");
  if (intl != "true" && intl != "false")
    return HttpResponse::error(Status::invalidArgument("allow_international must be true or false", "allow_international"));
  o.allow_international = intl == "true";
  o.extra_area_codes = parseAreaCodes(opt_.import_extra_area_codes);
  if (c.req.body.empty())
    return HttpResponse::error(Status::invalidArgument("the request body is the CSV file, and it is empty", "body"));
  // Checked before the idempotency record: "busy" is not an answer to keep.
  if (imports_->busy())
    return HttpResponse::error(Status::failedPrecondition("another list import is running: wait until it is done", "file"));
  return idempotent(c, [&]() -> HttpResponse {
    namespace fs = std::filesystem;
    fs::path dir = fs::path(dataDir()) / "uploads";
    std::error_code ec;
    fs::create_directories(dir, ec);
    fs::path file = dir / ("campaign-" + camp.id.str() + "-" + std::to_string(toEpochMillis(clock_.now())) + "-" +
                           randomToken().substr(0, 8) + ".csv");
    {
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      out.write(c.req.body.data(), static_cast<std::streamsize>(c.req.body.size()));
      out.flush();
      if (!out) return HttpResponse::error(Status::unavailable("cannot store the upload under " + dir.string()));
    }
    o.file = file.string();
    if (o.list_name.empty()) o.list_name = "upload " + formatIsoUtc(clock_.now());
    o.rejects_dir = (fs::path(dataDir()) / "rejects").string();
    auto started = imports_->start(store_.db(), o, actorOf(c));
    if (!started.isOk()) {
      fs::remove(file, ec);
      const Status& st = started.status();
      return HttpResponse::error(Status(st.code(), withoutServerPath(st.message(), o.file, o.list_name), st.field()));
    }
    HttpResponse r = HttpResponse::json(201, importJson(*started, imports_->progress(started->id)));
    r.headers.emplace_back("Location", "/api/v1/imports/" + started->id.str());
    return r;
  });
}

HttpResponse ApiService::listImports(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  ASSIGN_OR_RESPOND(Page page, pageFrom(c.req));
  ASSIGN_OR_RESPOND(auto camp, store_.campaigns().getCampaign(CampaignId(id)));
  storage::SqliteContactStore contacts(store_.db(), clock_);
  ASSIGN_OR_RESPOND(auto all, contacts.listImports(camp.id));
  std::sort(all.begin(), all.end(), [](auto& a, auto& b) { return a.id.value < b.id.value; });
  Json items = Json::array();
  int64_t last = 0;
  for (auto& r : all) {
    if (r.id.value <= page.after) continue;
    if (static_cast<int>(items.size()) >= page.limit) break;
    items.push_back(importJson(r, imports_->progress(r.id)));
    last = r.id.value;
  }
  Json out{{"items", items}};
  out["next_after"] = static_cast<int>(items.size()) == page.limit ? Json(last) : Json(nullptr);
  return HttpResponse::json(200, out);
}

HttpResponse ApiService::getImport(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  storage::SqliteContactStore contacts(store_.db(), clock_);
  ASSIGN_OR_RESPOND(auto r, contacts.getImport(ImportId(id)));
  return HttpResponse::json(200, importJson(r, imports_->progress(r.id)));
}

HttpResponse ApiService::importRejects(RequestCtx& c) {
  ASSIGN_OR_RESPOND(int64_t id, positiveId(c.params["id"], "id"));
  storage::SqliteContactStore contacts(store_.db(), clock_);
  ASSIGN_OR_RESPOND(auto r, contacts.getImport(ImportId(id)));
  std::ifstream in(r.rejects_file, std::ios::binary);
  if (!in) return HttpResponse::error(Status::notFound("import " + r.id.str() + " has no rejects file", "id"));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string body = ss.str();
  // While it runs, only the part that belongs to committed batches.
  if (r.state == core::ImportState::kRunning && r.rejects_offset >= 0 &&
      static_cast<size_t>(r.rejects_offset) < body.size())
    body.resize(static_cast<size_t>(r.rejects_offset));
  return csvDownload("import-" + r.id.str() + "-rejects.csv", std::move(body));
}

}  // namespace clearline::api
