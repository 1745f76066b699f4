#include "web/http.hpp"

#include "client/connection.hpp"
#include "web/api.hpp"
#include "web/metrics.hpp"
#include "web/static_files.hpp"

#include <httplib.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

namespace nutpp::web {

using nlohmann::json;

namespace {

constexpr std::chrono::seconds kKeepAliveEvery{15}; // SSE comment line: proxies and clients see a live stream
constexpr std::chrono::milliseconds kUpsdTimeout{5000};
// NUT's UPS, variable and command alphabet: anything else is not a name upsd could know.
const std::string kName = "([A-Za-z0-9_.-]{1,64})";

void send_json(httplib::Response &res, int status, const json &j) {
    res.status = status;
    res.set_content(j.dump(), "application/json");
}

void send_error(httplib::Response &res, std::string_view name, std::string_view message, int status = 0) {
    send_json(res, status ? status : http_status_for(name), error_json(name, message));
}

// A client::Error from upsd, as the API reports it.
void send_upsd_error(httplib::Response &res, const client::Error &e) {
    if (e.from_server()) send_error(res, e.code, e.what());
    else send_error(res, "UNREACHABLE", std::string("upsd: ") + e.what());
}

} // namespace

bool parse_basic_auth(const std::string &header, std::string &user, std::string &password) {
    static const std::string prefix = "Basic ";
    if (header.size() <= prefix.size() || header.compare(0, prefix.size(), prefix) != 0) return false;
    const std::string b64 = header.substr(prefix.size());
    if (b64.size() % 4 != 0 || b64.size() > 1024) return false;
    std::string out(b64.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char *>(out.data()),
                                  reinterpret_cast<const unsigned char *>(b64.data()), int(b64.size()));
    if (n < 0) return false;
    // EVP_DecodeBlock counts the padding as zero bytes: drop them.
    size_t len = size_t(n);
    for (size_t i = b64.size(); i > 0 && b64[i - 1] == '=' && len > 0; --i) --len;
    out.resize(len);
    const size_t colon = out.find(':');
    if (colon == std::string::npos || colon == 0) return false;
    user = out.substr(0, colon);
    password = out.substr(colon + 1);
    for (const char c : out)
        if (static_cast<unsigned char>(c) < 0x20) return false; // would end the protocol line
    return true;
}

HttpFrontend::HttpFrontend(const config::WebConfig &cfg, Store &store, EventHub &hub)
    : cfg_(cfg), store_(store), hub_(hub) {}

HttpFrontend::~HttpFrontend() { stop(); }

void HttpFrontend::routes(httplib::Server &svr) {
    const auto &h = cfg_.http;
    if (h.metrics) {
        const auto metrics = [this](const httplib::Request &req, httplib::Response &res) {
            MetricsOptions opt{cfg_.variables, req.get_param_value("ups"), cfg_.http.api ? long(hub_.clients()) : -1};
            res.set_content(render_metrics(store_.snapshot(), store_.scrape_errors(), opt),
                            "text/plain; version=0.0.4; charset=utf-8");
        };
        svr.Get("/metrics", metrics);
        svr.Get("/ups_metrics", metrics); // nut_exporter's path
    }
    if (h.api) {
        svr.Get("/api/v1/ups", [this](const httplib::Request &, httplib::Response &res) {
            json a = json::array();
            for (const auto &u : store_.snapshot()) a.push_back(ups_summary_json(u));
            send_json(res, 200, a);
        });
        svr.Get("/api/v1/ups/" + kName, [this](const httplib::Request &req, httplib::Response &res) {
            const auto u = store_.get(req.matches[1]);
            if (!u) return send_error(res, "UNKNOWN-UPS", "no UPS named '" + std::string(req.matches[1]) + "'");
            send_json(res, 200, ups_json(*u));
        });
        svr.Get("/api/v1/ups/" + kName + "/variables/" + kName, [this](const httplib::Request &req, httplib::Response &res) {
            const auto u = store_.get(req.matches[1]);
            if (!u) return send_error(res, "UNKNOWN-UPS", "no UPS named '" + std::string(req.matches[1]) + "'");
            const auto *v = u->find(std::string(req.matches[2]));
            if (!v) return send_error(res, "VAR-NOT-SUPPORTED", "the UPS has no variable '" + std::string(req.matches[2]) + "'");
            send_json(res, 200, json{{"name", req.matches[2]}, {"value", *v}});
        });
        svr.Get("/api/v1/ups/" + kName + "/history", [this](const httplib::Request &req, httplib::Response &res) {
            if (!store_.get(req.matches[1]))
                return send_error(res, "UNKNOWN-UPS", "no UPS named '" + std::string(req.matches[1]) + "'");
            send_json(res, 200, history_json(store_.history(req.matches[1])));
        });
        // Commands and writable variables with their types come from upsd at request time: they
        // change rarely and are asked for rarely, so they are not polled.
        svr.Get("/api/v1/ups/" + kName + "/commands", [this](const httplib::Request &req, httplib::Response &res) {
            const std::string ups = req.matches[1];
            try {
                auto c = client::Connection::tcp(cfg_.upsd_host, cfg_.upsd_port, kUpsdTimeout);
                json a = json::array();
                for (const auto &cmd : c.list_cmd(ups)) a.push_back({{"name", cmd}, {"description", c.get_cmddesc(ups, cmd)}});
                send_json(res, 200, a);
            } catch (const client::Error &e) {
                send_upsd_error(res, e);
            }
        });
        svr.Get("/api/v1/ups/" + kName + "/writable", [this](const httplib::Request &req, httplib::Response &res) {
            const std::string ups = req.matches[1];
            try {
                auto c = client::Connection::tcp(cfg_.upsd_host, cfg_.upsd_port, kUpsdTimeout);
                json a = json::array();
                for (const auto &[name, value] : c.list_rw(ups)) {
                    json v{{"name", name}, {"value", value}};
                    const auto type = c.get_type(ups, name); // e.g. {"RW", "STRING:32"}, {"RW", "ENUM"}
                    std::string kind = "STRING";
                    for (const auto &w : type) {
                        if (w == "RW") continue;
                        const auto colon = w.find(':');
                        if (colon != std::string::npos) {
                            kind = w.substr(0, colon);
                            v["max_length"] = std::stoi(w.substr(colon + 1));
                        } else {
                            kind = w;
                        }
                        if (w == "ENUM" || w == "RANGE" || w == "NUMBER") break;
                    }
                    v["type"] = kind;
                    if (kind == "ENUM") v["enum"] = c.list_enum(ups, name);
                    if (kind == "RANGE") {
                        json r = json::array();
                        for (const auto &[lo, hi] : c.list_range(ups, name)) r.push_back({{"min", lo}, {"max", hi}});
                        v["ranges"] = r;
                    }
                    a.push_back(std::move(v));
                }
                send_json(res, 200, a);
            } catch (const client::Error &e) {
                send_upsd_error(res, e);
            } catch (const std::exception &e) {
                send_error(res, "UNREACHABLE", std::string("upsd reply: ") + e.what());
            }
        });
        // Actions: the caller's credentials go to upsd, which applies its users' rights.
        const auto action = [this](const httplib::Request &req, httplib::Response &res, bool is_set) {
            std::string user, pass;
            if (!req.has_header("Authorization")) {
                res.set_header("WWW-Authenticate", "Basic realm=\"nutpp upsweb\"");
                return send_error(res, "USERNAME-REQUIRED", "HTTP Basic credentials of a upsd user are required");
            }
            if (!parse_basic_auth(req.get_header_value("Authorization"), user, pass))
                return send_error(res, "INVALID-ARGUMENT", "malformed Authorization header", 400);
            std::optional<std::string> value;
            if (!req.body.empty()) {
                const json body = json::parse(req.body, nullptr, false);
                if (body.is_discarded() || !body.is_object())
                    return send_error(res, "INVALID-ARGUMENT", "the body is not a JSON object");
                if (body.contains("value")) {
                    if (!body["value"].is_string() && !body["value"].is_number())
                        return send_error(res, "INVALID-ARGUMENT", "'value' must be a string or a number");
                    value = body["value"].is_string() ? body["value"].get<std::string>() : body["value"].dump();
                }
            }
            if (is_set && !value) return send_error(res, "INVALID-ARGUMENT", "the body must be {\"value\": ...}");
            if (value && value->find_first_of("\r\n") != std::string::npos)
                return send_error(res, "INVALID-VALUE", "the value holds a line break");
            const std::string ups = req.matches[1], name = req.matches[2];
            try {
                auto c = client::Connection::tcp(cfg_.upsd_host, cfg_.upsd_port, kUpsdTimeout);
                c.try_starttls(); // the password is about to cross: encrypt when upsd offers it
                c.username(user);
                c.password(pass);
                const std::string reply = is_set ? c.set_var(ups, name, *value) : c.instcmd(ups, name, value);
                json j{{"result", "OK"}};
                if (const auto id = client::Connection::tracking_id(reply)) j["tracking"] = *id;
                try {
                    c.logout();
                } catch (const std::exception &) {
                    // the action is done; a failed goodbye does not undo it
                }
                send_json(res, 200, j);
            } catch (const client::Error &e) {
                send_upsd_error(res, e);
            }
        };
        svr.Post("/api/v1/ups/" + kName + "/commands/" + kName,
                 [action](const httplib::Request &req, httplib::Response &res) { action(req, res, false); });
        svr.Put("/api/v1/ups/" + kName + "/variables/" + kName,
                [action](const httplib::Request &req, httplib::Response &res) { action(req, res, true); });
        svr.Get("/api/v1/events", [this](const httplib::Request &req, httplib::Response &res) {
            auto client = hub_.join(req.get_param_value("ups"));
            if (!client) return send_error(res, "TOO-MANY-CLIENTS", "too many event streams open; try again later");
            res.set_header("Cache-Control", "no-cache");
            res.set_header("X-Accel-Buffering", "no");
            res.set_chunked_content_provider(
                "text/event-stream",
                [this, client](size_t, httplib::DataSink &sink) {
                    auto text = hub_.next(*client, kKeepAliveEvery);
                    if (!text) {
                        sink.done();
                        return false;
                    }
                    if (text->empty()) *text = ": keep-alive\n\n";
                    return sink.write(text->data(), text->size());
                },
                [this, client](bool) { hub_.leave(client); });
        });
    }
    if (h.page) {
        for (const auto &f : static_files()) {
            svr.Get(std::string(f.path), [&f](const httplib::Request &, httplib::Response &res) {
                res.set_header("Cache-Control", "no-cache");
                res.set_content(f.body.data(), f.body.size(), std::string(f.content_type).c_str());
            });
        }
    }
    // Every error is JSON with a NUT-style name, whoever produced it (router, body limit, handler).
    svr.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request &, httplib::Response &res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        switch (res.status) {
        case 404: send_error(res, "NOT-FOUND", "no such resource", 404); break;
        case 413: send_error(res, "REQUEST-TOO-LARGE", "the request body is too large", 413); break;
        case 405: send_error(res, "METHOD-NOT-ALLOWED", "method not allowed here", 405); break;
        default: send_error(res, "INVALID-ARGUMENT", "bad request", res.status); break;
        }
        return httplib::Server::HandlerResponse::Handled;
    }));
    svr.set_exception_handler([](const httplib::Request &, httplib::Response &res, std::exception_ptr ep) {
        std::string what = "internal error";
        try {
            if (ep) std::rethrow_exception(ep);
        } catch (const std::exception &e) {
            what = e.what();
        } catch (...) {
        }
        spdlog::error("HTTP handler failed: {}", what);
        send_error(res, "INTERNAL", what, 500);
    });
}

void HttpFrontend::start() {
    const auto &h = cfg_.http;
    // Each event stream holds a worker for its lifetime: room for all of them plus ordinary requests.
    const size_t workers = size_t(h.max_event_clients) + 8;
    for (const auto &l : h.listen) {
        std::unique_ptr<httplib::Server> svr;
        if (!h.certfile.empty()) {
            // The PEM holds certificate and key, like server.certfile.
            auto ssl = std::make_unique<httplib::SSLServer>(h.certfile.c_str(), h.certfile.c_str());
            if (!ssl->is_valid()) throw std::runtime_error("web.http.certfile " + h.certfile + ": cannot load certificate and key");
            svr = std::move(ssl);
        } else {
            svr = std::make_unique<httplib::Server>();
        }
        svr->new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
        svr->set_payload_max_length(h.max_body);
        svr->set_read_timeout(5, 0);
        svr->set_write_timeout(5, 0); // a stalled reader is dropped, never waited for
        svr->set_keep_alive_max_count(100);
        routes(*svr);
        const std::string host = l.host == "*" ? "0.0.0.0" : l.host;
        int port = l.port;
        if (port == 0) port = svr->bind_to_any_port(host);
        else if (!svr->bind_to_port(host, port)) port = -1;
        if (port <= 0)
            throw std::runtime_error("cannot listen on " + l.host + ":" + std::to_string(l.port) + " (web.http.listen, " +
                                     l.where.str() + ")");
        spdlog::info("HTTP listening on {}:{}{}", l.host, port, h.certfile.empty() ? "" : " (TLS)");
        ports_.push_back(port);
        servers_.push_back(std::move(svr));
    }
    for (auto &s : servers_) threads_.emplace_back([srv = s.get()] { srv->listen_after_bind(); });
}

void HttpFrontend::stop() {
    hub_.close(); // ends every event stream, which would otherwise hold its worker
    for (auto &s : servers_) s->stop();
    for (auto &t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
    servers_.clear();
}

} // namespace nutpp::web
