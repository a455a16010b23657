#include "daemon/sip_demo.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <vector>

#include "core/audit/audit_chain.h"
#include "daemon/daemon.h"
#include "daemon/dialer.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::daemon {
namespace {

// Whether a loopback socket of this type can bind the port now (with
// SO_REUSEADDR, as the SIP stack binds).
bool bindable(uint16_t port, int type) {
  int s = ::socket(AF_INET, type, 0);
  if (s < 0) return false;
  int one = 1;
  ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(s);
  return ok;
}

// A loopback port that UDP and TCP can both bind, for the SIP stack and the
// carrier (each listens on both). Drawn below the kernel's ephemeral range
// (32768–60999 by default), so that no outgoing connection of another process
// takes it between this check and the listener's bind: a port the kernel
// handed out for UDP was once taken for TCP meanwhile (a CI run's demo failed
// with "cannot bind SIP TCP …: Address already in use").
uint16_t freePort() {
  std::random_device rd;
  std::mt19937 gen(rd());
  std::uniform_int_distribution<int> pick(20000, 32000);
  for (int i = 0; i < 500; ++i) {
    const auto p = static_cast<uint16_t>(pick(gen));
    if (bindable(p, SOCK_DGRAM) && bindable(p, SOCK_STREAM)) return p;
  }
  // (Every draw taken: let the kernel pick one, as before.)
  int s = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

std::string findTool(const std::string& dir, const std::string& name) {
  namespace fs = std::filesystem;
  std::vector<fs::path> cands;
  if (!dir.empty()) cands.push_back(fs::path(dir) / name);
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    cands.push_back(self.parent_path() / name);
    cands.push_back(self.parent_path().parent_path() / "sip" / name);  // build tree: src/cli → src/sip
  }
  for (auto& c : cands) {
    if (fs::exists(c, ec)) return c.string();
  }
  return name;  // PATH
}

pid_t spawn(const std::vector<std::string>& argv, const std::string& log) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    std::vector<char*> a;
    for (auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    ::execvp(a[0], a.data());
    ::_exit(127);
  }
  return pid;
}

void stopChild(pid_t pid) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  for (int i = 0; i < 50; i++) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}


}  // namespace

Result<Json> runLiveSipDemo(const LiveDemoOptions& opt) {
  namespace fs = std::filesystem;
  fs::path logs = fs::path(opt.data_dir) / "demo-logs";
  std::error_code ec;
  fs::create_directories(logs, ec);
  const uint16_t sip_port = opt.sip_port ? opt.sip_port : freePort();
  uint16_t trunk_port = freePort();
  while (trunk_port == sip_port) trunk_port = freePort();
  std::string carrier = findTool(opt.tools_dir, "clearline-carrier");
  std::string bot = findTool(opt.tools_dir, "clearline-agentbot");
  std::string scale = std::to_string(opt.time_scale);
  std::vector<pid_t> children;
  children.push_back(spawn({carrier, "--listen", "127.0.0.1:" + std::to_string(trunk_port), "--truth",
                            (logs / "carrier-truth.jsonl").string(), "--seed", std::to_string(opt.seed),
                            "--time-scale", scale},
                           (logs / "carrier.log").string()));
  children.push_back(spawn({bot, "--registrar", "127.0.0.1:" + std::to_string(sip_port), "--count",
                            std::to_string(opt.callers), "--prefix", "demo-caller", "--password", "demo-secret",
                            "--talk-mean-ms", "4000", "--wrap-ms", "800", "--stats",
                            (logs / "bots.json").string()},
                           (logs / "agentbot.log").string()));

  Json summary = Json::object();
  {
    DialerOptions d;
    d.config = opt.config;
    d.data_dir = opt.data_dir;
    d.db_path = opt.db_path;
    d.sip.listen_port = sip_port;
    d.sip.trunk_port = trunk_port;
    d.sip.recordings_dir = (fs::path(opt.data_dir) / "recordings").string();
    d.pacer = opt.pacer.empty() ? opt.config.getString("pacing.pacer") : opt.pacer;
    d.pacer_knob = opt.pacer_knob;
    for (int i = 1; i <= opt.callers; i++) {
      std::string ref = "demo-caller" + std::to_string(i);
      d.caller_passwords[ref] = "demo-secret";
      d.auto_login.push_back(ref);
    }
    for (auto& [ref, password] : opt.people) d.caller_passwords[ref] = password;
    OffsetClock clock(opt.clock_offset);
    DaemonOptions o;
    o.data_dir = opt.data_dir;
    o.config = opt.config;
    o.listen = opt.listen;
    o.web_root = opt.web_root;
    o.dialer = d;
    o.clock = &clock;
    o.run_for = Millis(static_cast<int64_t>(opt.minutes * 60000));
    std::string sip_addr = "127.0.0.1:" + std::to_string(sip_port);
    o.on_listening = [&](const std::string& url) {
      if (opt.on_running) opt.on_running(url, sip_addr);
    };
    o.on_stopped = [&](const Json& s) {
      if (s.is_object()) summary = s;
    };
    Status st = runDaemon(o);
    if (!st.isOk()) {
      for (pid_t p : children) stopChild(p);
      return st;
    }
  }
  for (pid_t p : children) stopChild(p);

  // Figures from the store (what an auditor would see) and the audit chain.
  SystemClock clock;
  ASSIGN_OR_RETURN(auto store, storage::SqliteStore::open(opt.db_path, clock));
  core::AuditVerifier v;
  Status audit = store->auditLog().scan(1, [&](const core::AuditEvent& e) { return v.next(e); });
  ASSIGN_OR_RETURN(auto q, store->db().prepare(
      "SELECT COUNT(*), COALESCE(SUM(abandoned),0), COALESCE(SUM(safe_harbor_played),0),"
      " COALESCE(SUM(bridged_at IS NOT NULL),0) FROM calls"));
  ASSIGN_OR_RETURN(bool row, q.step());
  // Calls bridged to a caller at a correctional, detention or work-release site (must be 0).
  ASSIGN_OR_RETURN(auto cq, store->db().prepare(
      "SELECT COUNT(*) FROM calls c WHERE c.site_id <> '' AND c.site_id IN (SELECT id FROM vendor_records"
      " WHERE kind='site' AND json_extract(data,'$.site_type') IN"
      " ('correctional_facility','detention_center','work_release_center'))"));
  ASSIGN_OR_RETURN(bool crow, cq.step());
  int64_t restricted = crow ? cq.int64(0) : 0;
  Json out{{"calls_placed", summary.value("calls_placed", 0)},
           {"calls_bridged", row ? q.int64(3) : 0},
           {"abandoned", row ? q.int64(1) : 0},
           {"safe_harbor_played", row ? q.int64(2) : 0},
           {"callers_refused", summary.value("callers_refused", 0)},
           {"routing_refusals", summary.value("routing_refusals", 0)},
           {"calls_at_restricted_sites", restricted},
           {"policy_allowed", summary.value("policy_allowed", 0)},
           {"policy_denied", summary.value("policy_denied", 0)},
           {"policy_deferred", summary.value("policy_deferred", 0)},
           {"leads_routed", summary.value("leads_routed", 0)},
           {"audit_ok", audit.isOk()},
           {"audit_events", v.checked()},
           {"calls_answered", summary.value("calls_answered", 0)},
           {"dispositions", summary.value("dispositions", 0)},
           {"recordings_written", summary.value("recordings_written", 0)},
           {"minutes", opt.minutes},
           {"pacer", opt.pacer.empty() ? opt.config.getString("pacing.pacer") : opt.pacer},
           {"callers", opt.callers},
           {"sip", "127.0.0.1:" + std::to_string(sip_port)},
           {"trunk", "127.0.0.1:" + std::to_string(trunk_port)},
           {"logs", logs.string()}};
  return out;
}

}  // namespace clearline::daemon
