// Framework-neutral HTTP request/response values. Only server.cc knows Beast;
// everything else in src/api (routing, auth, handlers) works on these, so that
// handlers compile fast and unit tests need no sockets.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace clearline::api {

struct HttpRequest {
  std::string method;                         // "GET", "POST" …
  std::string target;                         // raw target, with query
  std::string path;                           // decoded path, no query
  std::map<std::string, std::string> query;   // decoded query parameters
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;
  std::string remote;                         // peer address (rate limits)

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
  std::string cookie(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  static HttpResponse json(int status, const Json& j);
  // {"error":{"code","message","field"}} with the HTTP status for the Status code.
  static HttpResponse error(const Status& s);
  static HttpResponse error(int http_status, const std::string& code, const std::string& message,
                            const std::string& field = {});
};

// HTTP status for a Status code (400, 401, 403, 404, 409, 412, 429, 503, 500).
int httpStatusFor(StatusCode code);

// Splits "a=1&b=x%20y" into a map (percent- and plus-decoding).
std::map<std::string, std::string> parseQuery(const std::string& q);
std::string percentDecode(const std::string& s, bool plus_is_space);

}  // namespace clearline::api
