// The APC engine's shutdown paths (NUT apcsmart's sdtype / advorder / awd / cshdelay and the
// shutdown.return arguments) over a scripted link: every byte the engine sends is recorded and the
// script answers like a unit that accepts or refuses each method.
#include "apc_engine.hpp"

#include <nutpp/driver.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <thread>

using namespace nutpp::serial;
using namespace nutpp::serial::apc;
using namespace std::chrono_literals;

namespace {

class ScriptLink final : public Link {
public:
    std::function<std::string(const std::string &)> answer; // bytes sent -> bytes the UPS returns
    std::vector<std::string> sent;
    std::vector<std::chrono::milliseconds> pauses;

    void send(std::string_view bytes) override {
        sent.emplace_back(bytes);
        pending_ += answer(std::string(bytes));
    }
    Reply read_until(std::string_view terminator, std::chrono::milliseconds, size_t) override {
        const size_t at = pending_.find(terminator);
        Reply r;
        if (at == std::string::npos) {
            r.status = ReadStatus::Timeout;
            r.text = std::exchange(pending_, {});
            return r;
        }
        r.status = ReadStatus::Ok;
        r.text = pending_.substr(0, at);
        pending_.erase(0, at + terminator.size());
        return r;
    }
    Reply read_byte(std::chrono::milliseconds) override {
        Reply r;
        if (pending_.empty()) return r;
        r.status = ReadStatus::Ok;
        r.text = pending_.substr(0, 1);
        pending_.erase(0, 1);
        return r;
    }
    std::string drain() override { return std::exchange(pending_, {}); }
    void pause(std::chrono::milliseconds d) override { pauses.push_back(d); }

private:
    std::string pending_;
};

class NullSink final : public Sink {
public:
    std::vector<std::string> logs;
    void set(const std::string &, const std::string &) override {}
    void remove(const std::string &) override {}
    void status(const std::vector<std::string> &, const std::string &) override {}
    void command(const std::string &) override {}
    void writable(const std::string &, const std::vector<std::string> &, unsigned) override {}
    void log_info(const std::string &m) override { logs.push_back(m); }
    void log_debug(const std::string &) override {}
};

// A unit on `status` that answers "OK" to what `accepts` lists and "NO" to other commands. '@' comes
// alone and then digit by digit; a unit that wants 3 digits stays silent after 2.
std::function<std::string(const std::string &)> unit(std::string status, std::vector<std::string> accepts) {
    auto hibernate = std::make_shared<std::string>(); // '@' and the digits so far
    return [status, accepts, hibernate](const std::string &sent) -> std::string {
        if (!hibernate->empty()) {
            if (sent.size() == 1 && sent[0] >= '0' && sent[0] <= '9') {
                *hibernate += sent;
                const bool accepted = std::find(accepts.begin(), accepts.end(), *hibernate) != accepts.end();
                if (!accepted && hibernate->size() < 4) return ""; // waiting for more digits
                hibernate->clear();
                return accepted ? "OK\r\n" : "NO\r\n";
            }
            hibernate->clear(); // anything else breaks the sequence off
        }
        if (sent == "@") {
            *hibernate = "@";
            return "";
        }
        if (sent == "Q") return status.empty() ? "" : status + "\r\n";
        if (sent == "Y") return "SM\r\n";
        if (sent == "U") return "!";
        for (const auto &a : accepts)
            if (sent == a) return "OK\r\n";
        return "NO\r\n";
    };
}

Options quick() {
    Options o;
    o.reply_timeout = 10ms;
    o.repeat_pause = 20ms;
    o.confirm_min = o.confirm_max = 0ms; // these tests are about the methods, not the confirmation rule
    return o;
}

} // namespace

// NUT apcsmart's rule for the load-cutting commands: a request acts only when another came
// confirm_min..confirm_max before it; each request restarts the window; other commands never wait.
TEST(ApcShutdown, LoadCuttingCommandsNeedASecondRequestInTheWindow) {
    ScriptLink link;
    NullSink sink;
    link.answer = unit("08", {"Z", "K", "W"});
    Options o = quick();
    o.confirm_min = 1000ms; // wide margins: a loaded CI machine may stall a few hundred ms
    o.confirm_max = 10000ms;
    Engine e(link, sink, o);
    e.instcmd("load.off", nullptr); // first: nothing happens
    EXPECT_TRUE(link.sent.empty());
    ASSERT_EQ(sink.logs.size(), 1u);
    EXPECT_NE(sink.logs[0].find("load.off cuts the load: send it again"), std::string::npos) << sink.logs[0];
    e.instcmd("load.off", nullptr); // too soon: still nothing, and the window starts again
    EXPECT_TRUE(link.sent.empty());
    std::this_thread::sleep_for(1300ms);
    e.instcmd("load.off", nullptr); // inside the window: Z, pause, Z
    EXPECT_EQ(link.sent, (std::vector<std::string>{"Z", "Z"}));
    e.instcmd("test.battery.start", nullptr); // not load-cutting: at once
    EXPECT_EQ(link.sent.back(), "W");
    EXPECT_EQ(parse_confirm_window("3-15"), (std::pair<unsigned, unsigned>{3, 15}));
    EXPECT_EQ(parse_confirm_window("off"), (std::pair<unsigned, unsigned>{0, 0}));
    for (const char *bad : {"", "3", "15-3", "0-5", "a-b", "3-99999"}) EXPECT_FALSE(parse_confirm_window(bad)) << bad;
}

TEST(ApcShutdown, AdvorderTriesEachMethodUntilOneIsAccepted) {
    ScriptLink link;
    NullSink sink;
    link.answer = unit("08", {"S"}); // refuses '@', accepts 'S'
    Options o = quick();
    o.advorder = *parse_advorder("102"); // @, then S, then K
    o.awd = "003";
    Engine e(link, sink, o);
    e.instcmd("shutdown.default", nullptr);
    EXPECT_EQ(link.sent, (std::vector<std::string>{"Q", "@", "0", "0", "3", "S"})); // K never needed
    ASSERT_FALSE(sink.logs.empty());
    EXPECT_NE(sink.logs.back().find("trying the next in advorder"), std::string::npos);

    ScriptLink none;
    none.answer = unit("08", {});
    Engine refused(none, sink, o);
    EXPECT_THROW(refused.instcmd("shutdown.default", nullptr), nutpp::Error); // all three refused
    EXPECT_EQ(none.sent, (std::vector<std::string>{"Q", "@", "0", "0", "3", "S", "K", "K"}));
}

TEST(ApcShutdown, SdtypeZeroPicksByStatusAndAnUnreadableStatusMeansOnBattery) {
    Options o = quick();
    NullSink sink;
    ScriptLink online;
    online.answer = unit("08", {"@000", "S"});
    Engine(online, sink, o).instcmd("shutdown.default", nullptr);
    EXPECT_EQ(online.sent, (std::vector<std::string>{"Q", "@", "0", "0", "0"}));
    EXPECT_EQ(online.pauses, (std::vector<std::chrono::milliseconds>{50ms, 50ms, 50ms})); // NUT's pacing

    ScriptLink battery;
    battery.answer = unit("10", {"@000", "S"});
    Engine(battery, sink, o).instcmd("shutdown.default", nullptr);
    EXPECT_EQ(battery.sent, (std::vector<std::string>{"Q", "S"}));

    ScriptLink mute; // no status: NUT assumes OB + LB, so 'S'
    mute.answer = unit("", {"S"});
    Engine(mute, sink, o).instcmd("shutdown.default", nullptr);
    EXPECT_EQ(mute.sent, (std::vector<std::string>{"Q", "S"}));
}

TEST(ApcShutdown, TwoDigitHardHibernateRefusedIsAbortedWithY) {
    ScriptLink link;
    NullSink sink;
    link.answer = unit("08", {"@012"}); // wants 3 digits
    Options o = quick();
    o.awd = *hard_hibernate_digits("12");
    Engine e(link, sink, o);
    try {
        e.instcmd("shutdown.return.grace", nullptr);
        FAIL() << "a refused '@12' must fail";
    } catch (const nutpp::Error &err) {
        EXPECT_NE(std::string(err.what()).find("try 3"), std::string::npos) << err.what();
    }
    EXPECT_EQ(link.sent, (std::vector<std::string>{"@", "1", "2", "Y"}));
    link.sent.clear();
    e.instcmd("shutdown.return", "at:012"); // the 3-digit form the unit takes ("at:12" would send 2)
    EXPECT_EQ(link.sent, (std::vector<std::string>{"@", "0", "1", "2"}));
}

TEST(ApcShutdown, AnAnswerToTheBareAtSignMeansRefused) {
    ScriptLink link;
    NullSink sink;
    link.answer = [](const std::string &sent) { return sent == "@" ? std::string("NA\r\n") : std::string(); };
    Engine e(link, sink, quick());
    EXPECT_THROW(e.instcmd("shutdown.return.grace", nullptr), nutpp::Error);
    EXPECT_EQ(link.sent, (std::vector<std::string>{"@"})); // no digits after a refusal
}

TEST(ApcShutdown, CsHackSimulatesAPowerFailureOnLineFirst) {
    ScriptLink link;
    NullSink sink;
    link.answer = unit("08", {"S"});
    Options o = quick();
    o.sdtype = ShutdownMethod::CsHack;
    o.cshdelay = 1500ms;
    Engine e(link, sink, o);
    e.instcmd("shutdown.default", nullptr);
    EXPECT_EQ(link.sent, (std::vector<std::string>{"Q", "U", "S"}));
    EXPECT_EQ(link.pauses, (std::vector<std::chrono::milliseconds>{1500ms}));
    link.sent.clear();
    link.answer = unit("10", {"S"}); // already on battery: straight to 'S'
    e.instcmd("shutdown.default", nullptr);
    EXPECT_EQ(link.sent, (std::vector<std::string>{"Q", "S"}));
    link.sent.clear();
    e.instcmd("shutdown.return", "cs"); // same hack by argument; the last status said on battery
    EXPECT_EQ(link.sent, (std::vector<std::string>{"S"}));
    EXPECT_THROW(e.instcmd("shutdown.return", "later"), nutpp::Error);
    EXPECT_THROW(e.instcmd("load.off", "1"), nutpp::Error);
}

TEST(ApcShutdown, AdvorderParsesAsNutAccepts) {
    EXPECT_EQ(parse_advorder("no"), std::vector<AdvMethod>{});
    EXPECT_EQ(parse_advorder("NO"), std::vector<AdvMethod>{});
    EXPECT_EQ(parse_advorder("104"),
              (std::vector<AdvMethod>{AdvMethod::Hard, AdvMethod::Soft, AdvMethod::CsHack}));
    EXPECT_EQ(parse_advorder("5"), std::nullopt);
    EXPECT_EQ(parse_advorder("012340"), std::nullopt); // at most 5
    EXPECT_EQ(parse_advorder(""), std::nullopt);
}

// NUT apcsmart (2.6.5+): ups.firmware is 'b' when it reads "SKU.revision.country", else 'V'; there is
// no ups.firmware.old. (Lives here for the scripted link.)
TEST(ApcOpen, OldFirmwareQueryOnlyAnswersWhenTheNewOneHasNoVersion) {
    class Vars final : public Sink {
    public:
        std::map<std::string, std::string> vars;
        void set(const std::string &n, const std::string &v) override { vars[n] = v; }
        void remove(const std::string &n) override { vars.erase(n); }
        void status(const std::vector<std::string> &, const std::string &) override {}
        void command(const std::string &) override {}
        void writable(const std::string &, const std::vector<std::string> &, unsigned) override {}
        void log_info(const std::string &) override {}
        void log_debug(const std::string &) override {}
    };
    auto run = [](std::string b_reply, std::vector<std::string> &sent) {
        ScriptLink link;
        link.answer = [b_reply](const std::string &s) -> std::string {
            if (s == "Y") return "SM\r\n";
            if (s == "b") return b_reply + "\r\n";
            if (s == "V") return "DWI\r\n";
            if (s == "Q") return "08\r\n";
            return "NA\r\n";
        };
        Vars sink;
        Engine e(link, sink, quick());
        e.open();
        sent = link.sent;
        return sink.vars;
    };
    std::vector<std::string> sent;
    auto v = run("736.1.I", sent);
    EXPECT_EQ(v["ups.firmware"], "736.1.I");
    EXPECT_EQ(std::count(sent.begin(), sent.end(), "V"), 0); // not even asked
    EXPECT_EQ(v.count("ups.firmware.old"), 0u);
    for (const char *no_version : {"NA", "DWI2", "7.1"}) {
        v = run(no_version, sent);
        EXPECT_EQ(v["ups.firmware"], "DWI") << no_version;
        EXPECT_EQ(v.count("ups.firmware.old"), 0u);
    }
}
