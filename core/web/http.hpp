// The HTTP side of upsweb (cpp-httplib): /metrics, the JSON API under /api/v1 with the event
// stream, and the status page. One server per `web.http.listen` address, each on its own thread.
//
// Actions (POST .../commands/<cmd>, PUT .../variables/<var>) take HTTP Basic credentials and pass
// them to upsd (USERNAME/PASSWORD, then INSTCMD/SET VAR): upsd's own `users` rules decide, so the
// rights are exactly upsd's, for our upsd and NUT's alike, and upsweb holds no password of its own.
#pragma once

#include "config/config.hpp"
#include "web/sse.hpp"
#include "web/store.hpp"

#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace nutpp::web {

class HttpFrontend {
public:
    HttpFrontend(const config::WebConfig &cfg, Store &store, EventHub &hub);
    ~HttpFrontend();
    // Binds every listener (throws std::runtime_error naming the address that failed), then serves
    // each on a thread of its own.
    void start();
    void stop();
    // The port actually bound (listen port 0 picks a free one; tests use that).
    std::vector<int> ports() const { return ports_; }

private:
    void routes(httplib::Server &svr);

    config::WebConfig cfg_;
    Store &store_;
    EventHub &hub_;
    std::vector<std::unique_ptr<httplib::Server>> servers_;
    std::vector<std::thread> threads_;
    std::vector<int> ports_;
};

// "Basic <base64(user:password)>" -> user, password; false when absent or malformed.
bool parse_basic_auth(const std::string &header, std::string &user, std::string &password);

} // namespace nutpp::web
