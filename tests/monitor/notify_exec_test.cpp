// NOTIFYCMD delivery: what the command receives (the message as its one argument, NOTIFYTYPE and
// UPSNAME in its environment), whether upsmon runs it directly (a plain path) or through the shell
// (anything with arguments or shell syntax), and that a message is never parsed as shell text.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "monitor/notify.hpp"

using namespace nutpp::monitor;

namespace {
class NotifyExec : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/nutpp-notify.XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        // Records its arguments, its environment and whether a shell (`sh -c`) is its parent.
        write_script(dir_ + "/record.sh",
                     "#!/bin/sh\n"
                     "parent=$(tr '\\0' ' ' < /proc/$PPID/cmdline)\n"
                     "printf 'argc=%s\\n1=%s\\n2=%s\\ntype=%s\\nups=%s\\nparent=%s\\n' \"$#\" \"$1\" \"$2\" "
                     "\"$NOTIFYTYPE\" \"$UPSNAME\" \"$parent\" > " + dir_ + "/out.tmp\n"
                     "mv " + dir_ + "/out.tmp " + dir_ + "/out\n");
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    static void write_script(const std::string &path, const std::string &text) {
        std::ofstream(path) << text;
        ::chmod(path.c_str(), 0755);
    }
    // The recorder's output, waiting (bounded) for the child; "" when it never ran.
    std::string output() {
        for (int i = 0; i < 500 && !std::filesystem::exists(dir_ + "/out"); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        Notifier::reap_children();
        std::ifstream in(dir_ + "/out");
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    void notify_with(const std::string &notifycmd, const std::string &type, const std::string &ups,
                     const std::string &extra = "") {
        cfg_.notifycmd = notifycmd;
        cfg_.notifyflag[type] = {false, false, true, false}; // EXEC only: no syslog, no wall in tests
        Notifier n(cfg_);
        n.notify(type, ups, extra);
    }

    std::string dir_;
    nutpp::config::MonitorConfig cfg_;
};
} // namespace

TEST_F(NotifyExec, PlainPathRunsWithoutAShell) {
    notify_with(dir_ + "/record.sh", "ONBATT", "ups@host");
    const std::string out = output();
    EXPECT_NE(out.find("argc=1\n1=UPS ups@host on battery\n2=\n"), std::string::npos) << out;
    EXPECT_NE(out.find("type=ONBATT\nups=ups@host\n"), std::string::npos) << out;
    // Run directly, its parent is upsmon (this test), not a `sh -c` wrapper.
    EXPECT_EQ(out.find(" -c " + dir_), std::string::npos) << out;
}

TEST_F(NotifyExec, CommandWithArgumentsGoesThroughTheShell) {
    notify_with(dir_ + "/record.sh extra-word", "ONLINE", "ups@host");
    const std::string out = output();
    EXPECT_NE(out.find("argc=2\n1=extra-word\n2=UPS ups@host on line power\n"), std::string::npos) << out;
    EXPECT_NE(out.find(" -c " + dir_), std::string::npos) << out;
}

TEST_F(NotifyExec, MessageIsNeverShellText) {
    // An ALARM text comes from the UPS: `$(...)` in it must arrive verbatim on both paths.
    for (const std::string &cmd : {dir_ + "/record.sh", dir_ + "/record.sh x"}) {
        std::filesystem::remove(dir_ + "/out");
        notify_with(cmd, "ALARM", "u@h", "$(touch " + dir_ + "/pwned) `id`");
        const std::string out = output();
        EXPECT_NE(out.find("[$(touch " + dir_ + "/pwned) `id`]"), std::string::npos) << cmd << "\n" << out;
        EXPECT_FALSE(std::filesystem::exists(dir_ + "/pwned")) << cmd;
    }
}

TEST_F(NotifyExec, ScriptWithoutInterpreterLineStillRuns) {
    // No #! line: the shell runs such a file, and so does the direct path (execvp's fallback).
    std::ifstream in(dir_ + "/record.sh");
    std::string body((std::istreambuf_iterator<char>(in)), {});
    write_script(dir_ + "/bare", body.substr(body.find('\n') + 1));
    notify_with(dir_ + "/bare", "LOWBATT", "u@h");
    EXPECT_NE(output().find("1=UPS u@h battery is low\n"), std::string::npos);
}
