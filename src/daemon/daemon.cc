#include "daemon/daemon.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <future>
#include <filesystem>
#include <thread>

#include "api/api_service.h"
#include "api/metrics.h"
#include "api/server.h"
#include "api/ws_hub.h"
#include "common/event_loop.h"
#include "common/log.h"
#include "core/ports/caller_gate.h"
#include "daemon/chain_gate.h"
#include "daemon/desk.h"
#include "daemon/sip_desk.h"
#include "sip/libre_loop.h"
#include "storage/sqlite/vendor_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::daemon {

namespace {

// Fans events out to the WebSocket hub and the metrics gauges.
class FanoutSink final : public core::EventSink {
 public:
  FanoutSink(api::WsHub& hub, api::Metrics& metrics) : hub_(hub), metrics_(metrics) {}
  void publish(const core::DomainEvent& ev) override {
    metrics_.observe(ev);
    hub_.publish(ev);
  }

 private:
  api::WsHub& hub_;
  api::Metrics& metrics_;
};

}  // namespace

std::string findWebRoot(const std::string& configured) {
  namespace fs = std::filesystem;
  if (!configured.empty()) return configured;
  std::error_code ec;
  std::vector<fs::path> starts;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) starts.push_back(exe.parent_path());
  starts.push_back(fs::current_path(ec));
  for (auto start : starts) {
    for (fs::path p = start; !p.empty(); p = p.parent_path()) {
      if (fs::is_regular_file(p / "web" / "dist" / "index.html", ec)) return (p / "web" / "dist").string();
      if (p == p.parent_path()) break;
    }
  }
  return "";
}

Result<DialerOptions> serveDialerOptions(const Config& cfg, const std::string& data_dir) {
  namespace fs = std::filesystem;
  DialerOptions d = dialerOptionsFromConfig(cfg, data_dir);
  std::string file = cfg.getString("sip.callers_file");
  std::error_code ec;
  if (file.empty() && fs::exists(fs::path(data_dir) / "sip-callers.txt", ec))
    file = (fs::path(data_dir) / "sip-callers.txt").string();
  if (!file.empty()) {
    auto creds = readCallerCredentials(file);
    if (!creds.isOk()) return creds.status().withContext("sip.callers_file");
    d.caller_passwords = std::move(*creds);
  }
  std::string auto_login = cfg.getString("sip.auto_login");
  size_t start = 0;
  while (start <= auto_login.size()) {
    size_t comma = auto_login.find(',', start);
    std::string ref = auto_login.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (!ref.empty() && ref.front() == ' ') ref.erase(ref.begin());
    while (!ref.empty() && ref.back() == ' ') ref.pop_back();
    if (!ref.empty()) d.auto_login.push_back(ref);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return d;
}

Status runDaemon(const DaemonOptions& opt) {
  // Signals are taken by sigwait() below; block them before any thread starts.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  const Config& cfg = opt.config;
  SystemClock system_clock;
  const Clock& clock = opt.clock ? *opt.clock : system_clock;
  std::filesystem::path db_path = std::filesystem::path(opt.data_dir) / cfg.getString("store.sqlite_file");
  int busy = static_cast<int>(cfg.getInt("store.busy_timeout_ms"));
  // One connection per thread that uses the store.
  ASSIGN_OR_RETURN(auto api_store, storage::SqliteStore::open(db_path.string(), clock, busy));
  ASSIGN_OR_RETURN(auto scope_store, storage::SqliteStore::open(db_path.string(), clock, busy));

  api::Metrics metrics;
  // Vendor supervisors' subtrees, for the WebSocket (and authz's scoped lists):
  // the vendor registry, reloaded by `scope_refresh` below when it changes.
  api::RegistryEntityScope scope;
  uint64_t scope_generation =
      0;  // of the registry loaded (read before it: a change meanwhile reloads)
  {
    storage::SqliteVendorStore vs(api_store->db(), clock, opt.data_dir);
    ASSIGN_OR_RETURN(scope_generation, vs.generation());
    ASSIGN_OR_RETURN(auto reg, vs.loadRegistry());
    scope.set(std::move(reg));
  }
  api::WsHub hub(scope, &metrics);
  FanoutSink sink(hub, metrics);

  const bool sip_on = opt.dialer.has_value() || cfg.getBool("sip.enabled");
  api::ConsolePort* console = nullptr;
  EventLoop* loop = nullptr;  // the signalling loop (posting only, from other threads)
  std::thread loop_thread;

  // Without SIP: the simulated desk on a StdEventLoop, with its own store worker.
  std::unique_ptr<storage::SqliteStore> worker_store;
  std::unique_ptr<storage::SqliteVendorStore> worker_vendor;
  std::unique_ptr<ChainGate> gate;
  std::unique_ptr<StdEventLoop> std_loop, worker;
  std::unique_ptr<Desk> desk;
  std::thread worker_thread;
  std::function<void()> refresh;
  // With SIP: the Dialer on a LibreLoop, the SipDesk onto it.
  std::unique_ptr<SipDesk> sip_desk;
  std::atomic<sip::LibreLoop*> libre{nullptr};
  std::atomic<Dialer*> dialer{nullptr};
  Json dialer_summary = nullptr;
  DeskOptions dopt;

  if (sip_on) {
    DialerOptions dialer_opt;
    if (opt.dialer) {
      dialer_opt = *opt.dialer;
    } else {
      ASSIGN_OR_RETURN(dialer_opt, serveDialerOptions(cfg, opt.data_dir));
    }
    sip_desk = std::make_unique<SipDesk>(sink, clock);
    dialer_opt.events = sip_desk.get();
    std::promise<Status> started;
    // libre wants its loop created, run and destroyed on one thread: this one.
    loop_thread = std::thread([&, dialer_opt]() mutable {
      auto L = sip::LibreLoop::create();
      if (!L.isOk()) {
        started.set_value(L.status());
        return;
      }
      auto d = Dialer::create(**L, clock, dialer_opt);
      Status st = d.isOk() ? (*d)->start() : d.status();
      if (!st.isOk()) {
        started.set_value(st);
        return;
      }
      sip_desk->attach(**L, **d);
      libre = L->get();
      dialer = d->get();
      started.set_value(Status::ok());
      (*L)->run();
      dialer_summary = (*d)->summary();
      d->reset();
    });
    Status st = started.get_future().get();
    if (!st.isOk()) {
      loop_thread.join();
      return st.withContext("the SIP dialer did not start");
    }
    loop = libre.load();
    console = sip_desk.get();
  } else {
    ASSIGN_OR_RETURN(worker_store, storage::SqliteStore::open(db_path.string(), clock, busy));
    // The vendor chain's gates over the registry; refreshed when the store's generation moves.
    worker_vendor = std::make_unique<storage::SqliteVendorStore>(worker_store->db(), clock, opt.data_dir);
    ASSIGN_OR_RETURN(auto registry, worker_vendor->loadRegistry());
    gate = std::make_unique<ChainGate>(registry);
    std_loop = std::make_unique<StdEventLoop>();
    worker = std::make_unique<StdEventLoop>();
    dopt.simulate_calls = cfg.getBool("server.simulate_calls");
    dopt.simulate_connect = Millis(cfg.getInt("server.simulate_connect_ms"));
    dopt.wrap_up = Millis(cfg.getInt("server.wrap_up_seconds") * 1000);
    dopt.data_dir = opt.data_dir;
    desk = std::make_unique<Desk>(dopt, *std_loop, *worker, *worker_store, *gate, sink, clock);
    loop = std_loop.get();
    console = desk.get();
    loop_thread = std::thread([&] { std_loop->run(); });
    worker_thread = std::thread([&] { worker->run(); });
    loop->post([&] { desk->start(); });
    // Registry refresh: every 2 s the worker compares the store's generation with
    // the gate's and, when it moved, loads a new snapshot for the loop.
    refresh = [&] {
      uint64_t have = gate->generation();
      worker->post([&, have] {
        auto g = worker_vendor->generation();
        if (!g.isOk() || *g == have) return;
        auto reg = worker_vendor->loadRegistry();
        if (!reg.isOk()) return;
        std::shared_ptr<const core::vendor::Registry> snapshot = *reg;
        std_loop->post([&, snapshot] { gate->setRegistry(snapshot); });
      });
      std_loop->addTimer(Millis(2000), refresh);
    };
    loop->post([&] { std_loop->addTimer(Millis(2000), refresh); });
  }

  api::ApiOptions aopt = api::ApiOptions::fromConfig(cfg);
  aopt.web_root = findWebRoot(opt.web_root.empty() ? aopt.web_root : opt.web_root);
  aopt.data_dir = opt.data_dir;
  api::ApiService service(aopt, *api_store, clock, metrics, scope, console);

  std::string listen = opt.listen.empty() ? cfg.getString("server.listen") : opt.listen;
  auto hp = api::parseListen(listen);
  api::ServerOptions sopt;
  std::unique_ptr<api::ApiServer> server;
  if (hp.isOk()) {
    sopt.host = hp->first;
    sopt.port = hp->second;
    sopt.max_body_bytes = aopt.max_body_bytes;
    sopt.ws_idle_timeout_s = static_cast<int>(cfg.getInt("server.ws_idle_timeout_s"));
    server = std::make_unique<api::ApiServer>(sopt, service, hub);
  }

  // The subtree scope follows the registry: checked every second on a
  // connection of its own, reloaded when its generation moved.
  std::atomic<bool> scoping{true};
  std::thread scope_refresh([&] {
    storage::SqliteVendorStore vs(scope_store->db(), clock, opt.data_dir);
    uint64_t have = scope_generation;
    for (int ticks = 1; scoping.load(); ++ticks) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // (a prompt stop)
      if (ticks % 5 != 0) continue;
      auto g = vs.generation();
      if (!g.isOk() || *g == have) continue;
      auto reg = vs.loadRegistry();
      if (!reg.isOk()) {
        spdlog::error("vendor subtrees: registry reload failed: {}", reg.status().toString());
        continue;
      }
      scope.set(std::move(*reg));
      have = *g;
    }
  });

  // Loop latency probe: post a stamp every 100 ms, measure how late it runs.
  std::atomic<bool> probing{true};
  std::thread probe([&] {
    while (probing.load()) {
      auto posted = std::chrono::steady_clock::now();
      loop->post([&metrics, posted] {
        metrics.observeLoopLatency(std::chrono::duration<double>(std::chrono::steady_clock::now() - posted).count());
      });
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });

  Status result = Status::ok();
  auto port = server ? server->start() : Result<uint16_t>(hp.status());
  if (!port.isOk()) {
    result = port.status();
  } else {
    std::string addr = "http://" + hp->first + ":" + std::to_string(*port) + "/";
    spdlog::info("clearline serving {} (web assets: {}; telephony: {})", addr,
                 aopt.web_root.empty() ? "none" : aopt.web_root,
                 sip_on ? "SIP" : dopt.simulate_calls ? "simulated" : "none");
    if (opt.on_listening) opt.on_listening(addr);
    int sig = 0;
    if (opt.run_for.count() > 0) {
      timespec ts{static_cast<time_t>(opt.run_for.count() / 1000), static_cast<long>(opt.run_for.count() % 1000) * 1000000L};
      sig = sigtimedwait(&sigs, nullptr, &ts);
      while (sig < 0 && errno == EINTR) sig = sigtimedwait(&sigs, nullptr, &ts);
    } else {
      sigwait(&sigs, &sig);
    }
    if (sig > 0) spdlog::info("clearline: signal {} received, shutting down", sig);
    else spdlog::info("clearline: ran for {} s, shutting down", opt.run_for.count() / 1000);
  }

  // Shutdown order: no new requests, then no more loop work, then the store.
  if (server) server->stop();
  probing = false;
  probe.join();
  scoping = false;
  scope_refresh.join();
  if (sip_on) {
    // Calls in progress end (BYE/CANCEL) and caller legs close; the loop runs
    // a second more for those messages, then stops (the thread ends with it).
    loop->post([&] {
      sip_desk->detach();
      dialer.load()->stop();
      sip::LibreLoop* L = libre.load();
      L->addTimer(Millis(1000), [L] { L->stop(); });
    });
  } else {
    loop->stop();
  }
  loop_thread.join();
  if (desk) desk->closeSessions();
  if (worker) {
    worker->stop();
    worker_thread.join();
  }
  if (opt.on_stopped) opt.on_stopped(dialer_summary);
  return result;
}

}  // namespace clearline::daemon
