// The status page in a real headless browser (Debian chromium), driven through the DevTools
// protocol over --remote-debugging-pipe (NUL-separated JSON on fds 3 and 4, no WebSocket needed):
// the page shows the UPS from the API, and changes live, through the event stream, when the
// simulated UPS goes on battery. Waits are polled in loops with generous bounds (the machine may be
// loaded); nothing is timed.
#include "web_fixture.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

using namespace std::chrono_literals;
using namespace nutpp::testing;
using nlohmann::json;

namespace {

class Chromium {
public:
    Chromium(const std::string &url, const std::string &dir) : log_(dir + "/chromium.log") {
        int to[2], from[2];
        if (::pipe(to) != 0 || ::pipe(from) != 0) throw std::runtime_error("pipe");
        pid_ = ::fork();
        if (pid_ == 0) {
            // DevTools reads commands on fd 3 and writes replies on fd 4 (moved out of the way
            // first: the pipe ends may themselves be 3 or 4).
            const int in = ::fcntl(to[0], F_DUPFD, 100), out = ::fcntl(from[1], F_DUPFD, 100);
            ::dup2(in, 3);
            ::dup2(out, 4);
            const int logfd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(logfd, 1);
            ::dup2(logfd, 2);
            for (int fd = 5; fd < 1024; ++fd) ::close(fd);
            const std::string profile = "--user-data-dir=" + dir + "/chromium-profile";
            execlp("chromium", "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-extensions", "--remote-debugging-pipe", profile.c_str(), url.c_str(), (char *)nullptr);
            _exit(127);
        }
        ::close(to[0]);
        ::close(from[1]);
        to_ = to[1];
        from_ = from[0];
    }
    ~Chromium() {
        ::close(to_);
        ::close(from_);
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        for (int i = 0; i < 100; ++i) {
            if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
            std::this_thread::sleep_for(50ms);
        }
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    std::string log() const { return read_file(log_); }

    // One DevTools command; the reply's "result" (throws on an error reply or after `timeout`).
    json call(const std::string &method, const json &params = json::object(), const std::string &session = {},
              std::chrono::milliseconds timeout = 20s) {
        json msg{{"id", ++id_}, {"method", method}, {"params", params}};
        if (!session.empty()) msg["sessionId"] = session;
        const std::string text = msg.dump() + '\0';
        if (::write(to_, text.data(), text.size()) != ssize_t(text.size())) throw std::runtime_error("DevTools pipe closed");
        const auto end = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            for (size_t nul; (nul = buf_.find('\0')) != std::string::npos;) {
                const json reply = json::parse(buf_.substr(0, nul), nullptr, false);
                buf_.erase(0, nul + 1);
                if (reply.is_discarded() || !reply.contains("id") || reply["id"] != id_) continue; // events
                if (reply.contains("error")) throw std::runtime_error(method + ": " + reply["error"].dump());
                return reply["result"];
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
            pollfd p{from_, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, int(left.count())) <= 0) throw std::runtime_error(method + ": no reply");
            char chunk[65536];
            const ssize_t n = ::read(from_, chunk, sizeof chunk);
            if (n <= 0) throw std::runtime_error("chromium closed the DevTools pipe");
            buf_.append(chunk, size_t(n));
        }
    }

private:
    std::string log_;
    pid_t pid_ = -1;
    int to_ = -1, from_ = -1;
    int id_ = 0;
    std::string buf_;
};

// What the page shows for UPS "demo", read in the page.
const char *kProbe = R"JS(JSON.stringify((() => {
  const c = document.getElementById("ups-demo");
  if (!c) return { card: false, live: document.getElementById("live").dataset.state };
  const v = (k) => c.querySelector(`dd[data-var="${k}"]`).textContent;
  return {
    card: true,
    live: document.getElementById("live").dataset.state,
    raw: c.querySelector('dd[data-var="ups.status"]').dataset.raw,
    status: v("ups.status"), charge: v("battery.charge"), load: v("ups.load"),
    runtime: v("battery.runtime"), input: v("input.voltage"),
    state: c.dataset.state, initial: c.dataset.initialStatus || "",
    events: Number(document.getElementById("upses").dataset.events),
    chart: !!c.querySelector("svg.chart polyline"),
    foreign: performance.getEntriesByType("resource").filter((r) => !r.name.startsWith(location.origin)).length,
  };
})()))JS";

} // namespace

TEST(WebBrowser, PageShowsUpsAndFollowsGoingOnBattery) {
    if (!have_program("chromium")) GTEST_SKIP() << "chromium not installed (Debian package chromium): page not tested in a browser";
    WebStack s;
    Chromium browser(s.base_url() + "/", s.dir());
    std::string session;
    json targets;
    try {
        // The page target appears once chromium has started; chromium may be slow under load.
        ASSERT_TRUE(wait_until(
            [&] {
                targets = browser.call("Target.getTargets")["targetInfos"];
                for (const auto &t : targets)
                    if (t["type"] == "page" && t["url"].get<std::string>().rfind(s.base_url(), 0) == 0) {
                        session = browser.call("Target.attachToTarget", {{"targetId", t["targetId"]}, {"flatten", true}})
                                      ["sessionId"];
                        return true;
                    }
                return false;
            },
            60s))
            << targets.dump() << browser.log();
    } catch (const std::exception &e) {
        GTEST_SKIP() << "chromium cannot run here (" << e.what() << "); the page is not tested in a browser. Log:\n"
                     << browser.log();
    }
    json page;
    const auto probe = [&] {
        auto r = browser.call("Runtime.evaluate", {{"expression", kProbe}, {"returnByValue", true}}, session);
        // Before the document exists the expression throws: report that and poll again.
        const json v = r["result"]["value"]; // non-const r: a missing key reads as null
        page = v.is_string() ? json::parse(v.get<std::string>()) : json{{"card", false}, {"eval", r}};
        return page;
    };
    ASSERT_TRUE(wait_until([&] { return probe()["card"] == true && page["live"] == "live" && page["raw"] == "OL"; }, 60s))
        << page.dump() << browser.log();
    EXPECT_EQ(page["status"], "on line");
    EXPECT_EQ(page["charge"], "100 %");
    EXPECT_EQ(page["load"], "7 %");
    EXPECT_EQ(page["input"], "122.0 V");
    EXPECT_EQ(page["runtime"], "1 h 32 min");
    EXPECT_EQ(page["state"], "ok");
    EXPECT_TRUE(page["chart"]);
    EXPECT_EQ(page["foreign"], 0) << "no CDN, no external file";

    s.set_dev("OB DISCHRG", 80);
    ASSERT_TRUE(wait_until([&] { return probe()["raw"] == "OB DISCHRG"; }, 60s)) << page.dump() << s.log();
    EXPECT_EQ(page["status"], "on battery, discharging");
    EXPECT_EQ(page["charge"], "80 %");
    EXPECT_EQ(page["state"], "battery");
    EXPECT_EQ(page["initial"], "OL") << "loaded on line, changed live";
    EXPECT_GT(page["events"].get<int>(), 0) << "the change came through the event stream";
}
