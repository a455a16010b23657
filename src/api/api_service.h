// The REST API: route table, authentication (session cookie + CSRF token, or
// an API token), authorization (authz.h, once per route and again per record),
// limits (body size, per-address rate, login rate), strict JSON decoding,
// idempotency keys on creates, and the handlers. Also serves the built web
// assets. Framework-neutral (http.h): server.cc feeds it requests.
//
// Thread-safety: one ApiService per store thread; handle() and
// authenticate() run there only (they use that thread's SQLite connection).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/accounts.h"
#include "api/alerts.h"
#include "api/authz.h"
#include "api/console_port.h"
#include "api/http.h"
#include "api/imports.h"
#include "api/metrics.h"
#include "api/prompts.h"
#include "common/clock.h"
#include "common/config.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::api {

struct ApiOptions {
  Argon2Params argon2;
  LockoutPolicy lockout;
  Millis session_ttl{12 * 3600 * 1000};
  bool cookie_secure = false;       // add "Secure" (behind TLS)
  size_t max_body_bytes = 10 << 20;
  double rate_per_second = 50;      // per remote address; 0 = no limit
  double rate_burst = 200;
  int login_per_minute = 20;        // per remote address
  std::string web_root;             // folder with index.html; "" = no web assets
  std::string data_dir;             // the vendor store's evidence folder lives here; uploads/, rejects/
  int busy_timeout_ms = 5000;       // [store] busy_timeout_ms, for the import thread's connection
  // [import] defaults for list uploads (POST /api/v1/campaigns/{id}/imports).
  std::string import_dedupe = "campaign";
  std::string import_region = "US";
  int64_t import_batch_rows = 5000;
  std::string import_extra_area_codes;
  AlertOptions alerts;              // [server] alert_abandon_pct, alert_min_answered

  // Reads the [server] section of the configuration.
  static ApiOptions fromConfig(const Config& config);
};

struct RequestCtx;
class ApiService;
using Handler = HttpResponse (ApiService::*)(RequestCtx&);

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/campaigns/{id}"
  Action action;
  std::string summary;
  Handler handler;
  bool websocket = false;
};

struct RequestCtx {
  const HttpRequest& req;
  std::map<std::string, std::string> params;
  const Route* route = nullptr;
  std::optional<Principal> who;
  const Principal* principal() const { return who ? &*who : nullptr; }
};

class ApiService {
 public:
  ApiService(ApiOptions options, storage::SqliteStore& store, const Clock& clock, Metrics& metrics,
             const EntityScope& scope, ConsolePort* console);

  // Everything: API routes, health, metrics, static assets.
  HttpResponse handle(const HttpRequest& req);
  // For a WebSocket upgrade on /api/v1/events: the principal (cookie or token,
  // with an Origin check for cookies), or the error to answer with.
  Result<Principal> authenticateWebSocket(const HttpRequest& req);

  // Every route the daemon serves (the OpenAPI check and the authz matrix use it).
  static const std::vector<Route>& routes();
  // Finds the route for method + path; fills params. Null if none.
  static const Route* match(const std::string& method, const std::string& path,
                            std::map<std::string, std::string>& params);

  void setReady(bool ready) { ready_ = ready; }
  const ApiOptions& options() const { return opt_; }
  // Where `import.progress` events go (the server passes its WebSocket hub).
  void setEventSink(core::EventSink* sink) { imports_->setSink(sink); }

 private:
  friend struct RouteTable;
  Result<Principal> authenticate(const HttpRequest& req, bool* via_cookie, std::string* csrf);
  bool rateLimited(const std::string& key, double per_second, double burst);
  HttpResponse serveStatic(const HttpRequest& req);
  HttpResponse idempotent(RequestCtx& c, const std::function<HttpResponse()>& fn);
  Status allow(RequestCtx& c, const Target& t);
  core::Actor actorOf(const RequestCtx& c) const;

  // Handlers (one per route; see routes()).
  HttpResponse healthz(RequestCtx&);
  HttpResponse readyz(RequestCtx&);
  HttpResponse metrics(RequestCtx&);
  HttpResponse login(RequestCtx&);
  HttpResponse logout(RequestCtx&);
  HttpResponse me(RequestCtx&);
  HttpResponse createToken(RequestCtx&);
  HttpResponse events(RequestCtx&);
  HttpResponse listUsers(RequestCtx&);
  HttpResponse createUser(RequestCtx&);
  HttpResponse listCampaigns(RequestCtx&);
  HttpResponse createCampaign(RequestCtx&);
  HttpResponse getCampaign(RequestCtx&);
  HttpResponse updateCampaign(RequestCtx&);
  HttpResponse changeCampaignState(RequestCtx&);
  HttpResponse campaignDispositions(RequestCtx&);
  HttpResponse getSafeHarborPrompt(RequestCtx&);
  HttpResponse safeHarborPromptWav(RequestCtx&);
  HttpResponse uploadSafeHarborPrompt(RequestCtx&);
  HttpResponse deleteSafeHarborPrompt(RequestCtx&);
  HttpResponse getRecordingAnnouncement(RequestCtx&);
  HttpResponse recordingAnnouncementWav(RequestCtx&);
  HttpResponse uploadRecordingAnnouncement(RequestCtx&);
  HttpResponse deleteRecordingAnnouncement(RequestCtx&);
  // The four above, for either kind of prompt (api/prompts.h).
  HttpResponse getPrompt(RequestCtx&, PromptKind);
  HttpResponse promptWav(RequestCtx&, PromptKind);
  HttpResponse uploadPrompt(RequestCtx&, PromptKind);
  HttpResponse deletePromptOf(RequestCtx&, PromptKind);
  Status campaignExists(CampaignId id);
  HttpResponse listContacts(RequestCtx&);
  HttpResponse createContact(RequestCtx&);
  HttpResponse getContact(RequestCtx&);
  HttpResponse listCalls(RequestCtx&);
  HttpResponse exportCalls(RequestCtx&);
  HttpResponse exportProductivity(RequestCtx&);
  HttpResponse campaignPacing(RequestCtx&);
  HttpResponse campaignPacingCsv(RequestCtx&);
  Result<Json> pacing(RequestCtx&, std::string* bucket_name);
  HttpResponse getCall(RequestCtx&);
  HttpResponse callExplain(RequestCtx&);
  HttpResponse dispositionCall(RequestCtx&);
  HttpResponse listSurveyResponses(RequestCtx&);
  HttpResponse listCallbacks(RequestCtx&);
  HttpResponse campaignSummary(RequestCtx&);
  HttpResponse campaignLive(RequestCtx&);
  HttpResponse auditVerify(RequestCtx&);
  HttpResponse auditExport(RequestCtx&);
  HttpResponse consoleGet(RequestCtx&);
  HttpResponse consoleJoin(RequestCtx&);
  HttpResponse consoleState(RequestCtx&);
  HttpResponse consoleNextLead(RequestCtx&);
  HttpResponse consoleDial(RequestCtx&);
  HttpResponse consoleSkip(RequestCtx&);
  HttpResponse consoleRecord(RequestCtx&);
  HttpResponse vendorRecords(RequestCtx&);
  HttpResponse vendorRecord(RequestCtx&);
  HttpResponse vendorWrite(RequestCtx&);     // registry edits (defined with their routes)
  HttpResponse vendorEvidence(RequestCtx&);
  HttpResponse campaignDisclosure(RequestCtx&);
  HttpResponse createImport(RequestCtx&);
  HttpResponse listImports(RequestCtx&);
  HttpResponse getImport(RequestCtx&);
  HttpResponse importRejects(RequestCtx&);
  std::string dataDir() const;

  ApiOptions opt_;
  storage::SqliteStore& store_;
  const Clock& clock_;
  Metrics& metrics_;
  const EntityScope& scope_;
  ConsolePort* console_;
  AccountStore accounts_;
  std::unique_ptr<ImportRunner> imports_;
  bool ready_ = true;
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };
  std::map<std::string, Bucket> buckets_;
};

}  // namespace clearline::api
