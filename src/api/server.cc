// Beast/Asio live here only (dependencies.md §5: <utility> first).
#include <utility>

#include "api/server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>
#include <optional>
#include <set>
#include <thread>

#include "common/log.h"

namespace clearline::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;

Result<std::pair<std::string, uint16_t>> parseListen(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return Status::invalidArgument("listen address must be HOST:PORT, e.g. 127.0.0.1:8080", "listen");
  std::string host = s.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string port = s.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535)
    return Status::invalidArgument("port must be 0 to 65535", "listen");
  return std::make_pair(host, static_cast<uint16_t>(std::stoi(port)));
}

namespace {

// Runs fn on the store thread and resumes the coroutine on its own executor.
template <typename T, typename F>
awaitable<T> onStore(asio::thread_pool& pool, F fn) {
  auto io = co_await asio::this_coro::executor;
  std::optional<T> out;
  co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(
      [&pool, &out, &fn, io](auto handler) mutable {
        asio::post(pool, [&out, &fn, io, handler = std::move(handler)]() mutable {
          out.emplace(fn());
          asio::post(io, std::move(handler));
        });
      },
      use_awaitable);
  co_return std::move(*out);
}

HttpRequest toRequest(const http::request<http::string_body>& req, const std::string& remote) {
  HttpRequest r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  auto q = r.target.find('?');
  r.path = percentDecode(q == std::string::npos ? r.target : r.target.substr(0, q), false);
  if (q != std::string::npos) r.query = parseQuery(r.target.substr(q + 1));
  for (auto& f : req) {
    std::string name(f.name_string());
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    r.headers[name] = std::string(f.value());
  }
  r.body = req.body();
  r.remote = remote;
  return r;
}

http::response<http::string_body> toBeast(const HttpResponse& resp, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(resp.status), version};
  res.set(http::field::server, "clearline");
  res.set(http::field::content_type, resp.content_type);
  for (auto& [k, v] : resp.headers) res.insert(k, v);
  res.keep_alive(keep_alive);
  res.body() = resp.body;
  res.prepare_payload();
  return res;
}

// One WebSocket client: frames from the hub are queued on the network thread
// and written one at a time.
class WsConn final : public WsSubscriber, public std::enable_shared_from_this<WsConn> {
 public:
  WsConn(tcp::socket sock, WsHub& hub, size_t max_queue)
      : ws_(std::move(sock)), hub_(hub), max_queue_(max_queue) {}

  websocket::stream<beast::tcp_stream>& ws() { return ws_; }

  void deliver(std::shared_ptr<const std::string> frame) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), frame = std::move(frame)]() mutable {
      if (self->closed_) return;
      if (self->queue_.size() >= self->max_queue_) {
        // Too far behind: drop the client; it resumes from its last seq.
        self->close();
        return;
      }
      self->queue_.push_back(std::move(frame));
      if (!self->writing_) self->writeNext();
    });
  }

  void start(const Principal& who, int64_t since, const std::string& epoch) {
    sub_id_ = hub_.subscribe(shared_from_this(), who, since, epoch);
    read();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    hub_.unsubscribe(sub_id_);
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

 private:
  void writeNext() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(*queue_.front()), [self = shared_from_this()](beast::error_code ec, size_t) {
      self->queue_.pop_front();
      self->writing_ = false;
      if (ec) return self->close();
      if (!self->queue_.empty() && !self->closed_) self->writeNext();
    });
  }
  void read() {
    ws_.async_read(buf_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->close();
      self->buf_.consume(self->buf_.size());  // clients send nothing we need; ignore
      self->read();
    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  WsHub& hub_;
  size_t max_queue_;
  beast::flat_buffer buf_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool writing_ = false;
  bool closed_ = false;
  uint64_t sub_id_ = 0;
};

}  // namespace

struct ApiServer::Impl {
  ServerOptions opt;
  ApiService& service;
  WsHub& hub;
  asio::io_context ioc{1};
  asio::thread_pool store{1};
  std::optional<tcp::acceptor> acceptor;
  std::thread net_thread;
  bool running = false;

  Impl(ServerOptions o, ApiService& s, WsHub& h) : opt(std::move(o)), service(s), hub(h) {}

  awaitable<void> acceptLoop() {
    for (;;) {
      beast::error_code ec;
      tcp::socket sock = co_await acceptor->async_accept(asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
        continue;
      }
      asio::co_spawn(ioc, session(std::move(sock)), asio::detached);
    }
  }

  awaitable<void> session(tcp::socket sock) {
    beast::error_code rec;
    auto ep = sock.remote_endpoint(rec);
    std::string remote = rec ? "?" : ep.address().to_string();
    beast::tcp_stream stream(std::move(sock));
    beast::flat_buffer buf;
    beast::error_code wec;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(opt.max_body_bytes);
      parser.header_limit(16 * 1024);
      stream.expires_after(std::chrono::seconds(60));
      beast::error_code ec;
      co_await http::async_read(stream, buf, parser, asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (ec == http::error::body_limit) {
          auto res = toBeast(HttpResponse::error(413, "resource_exhausted", "the request body is too large"), 11, false);
          co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, wec));
        } else if (ec == http::error::header_limit || ec == http::error::bad_target ||
                   ec == http::error::bad_method || ec == http::error::bad_version) {
          auto res = toBeast(HttpResponse::error(400, "invalid_argument", "malformed HTTP request"), 11, false);
          co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, wec));
        }
        break;
      }
      auto& breq = parser.get();
      HttpRequest req = toRequest(breq, remote);
      if (websocket::is_upgrade(breq) && req.path == "/api/v1/events") {
        auto who = co_await onStore<Result<Principal>>(store, [&] { return service.authenticateWebSocket(req); });
        if (!who.isOk()) {
          auto res = toBeast(HttpResponse::error(who.status()), breq.version(), false);
          co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, wec));
          break;
        }
        int64_t since = 0;
        if (auto it = req.query.find("since"); it != req.query.end()) {
          try { since = std::stoll(it->second); } catch (...) { since = 0; }
        }
        std::string epoch = req.query.count("epoch") ? req.query["epoch"] : "";
        stream.expires_never();
        auto conn = std::make_shared<WsConn>(stream.release_socket(), hub, opt.ws_max_queue);
        websocket::stream_base::timeout t{};
        t.handshake_timeout = std::chrono::seconds(30);
        t.idle_timeout = std::chrono::seconds(opt.ws_idle_timeout_s);
        t.keep_alive_pings = true;
        conn->ws().set_option(t);
        conn->ws().set_option(websocket::stream_base::decorator(
            [](websocket::response_type& res) { res.set(http::field::server, "clearline"); }));
        conn->ws().read_message_max(64 * 1024);
        co_await conn->ws().async_accept(breq, asio::redirect_error(use_awaitable, wec));
        if (wec) co_return;
        conn->start(*who, since, epoch);
        co_return;
      }
      bool keep = breq.keep_alive();
      unsigned version = breq.version();
      HttpResponse resp = co_await onStore<HttpResponse>(store, [&] { return service.handle(req); });
      auto res = toBeast(resp, version, keep);
      if (req.method == "HEAD") res.body().clear();
      co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, wec));
      if (wec || !keep) break;
    }
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  }
};

ApiServer::ApiServer(ServerOptions opt, ApiService& service, WsHub& hub)
    : impl_(std::make_unique<Impl>(std::move(opt), service, hub)) {
  // Background work the service starts (list imports) pushes its progress here.
  service.setEventSink(&hub);
  // Dashboard alerts are derived in the hub (api/alerts.h) with the configured thresholds.
  hub.setAlertOptions(service.options().alerts);
}

ApiServer::~ApiServer() { stop(); }

Result<uint16_t> ApiServer::start() {
  auto& im = *impl_;
  beast::error_code ec;
  auto addr = asio::ip::make_address(im.opt.host, ec);
  if (ec) return Status::invalidArgument("cannot use listen address '" + im.opt.host + "': " + ec.message(), "listen");
  tcp::endpoint ep{addr, im.opt.port};
  im.acceptor.emplace(im.ioc);
  im.acceptor->open(ep.protocol(), ec);
  if (!ec) im.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) im.acceptor->bind(ep, ec);
  if (!ec) im.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::unavailable("cannot listen on " + im.opt.host + ":" + std::to_string(im.opt.port) + ": " + ec.message());
  uint16_t port = im.acceptor->local_endpoint().port();
  asio::co_spawn(im.ioc, im.acceptLoop(), asio::detached);
  im.running = true;
  im.net_thread = std::thread([&im] { im.ioc.run(); });
  return port;
}

void ApiServer::stop() {
  auto& im = *impl_;
  if (!im.running) return;
  im.running = false;
  asio::post(im.ioc, [&im] {
    beast::error_code ec;
    if (im.acceptor) im.acceptor->close(ec);
  });
  // Give in-flight responses a moment, then stop the loop (open sockets close with it).
  im.ioc.stop();
  if (im.net_thread.joinable()) im.net_thread.join();
  im.store.join();
}

}  // namespace clearline::api
