#include "compare.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

namespace nutpp::testing {

namespace {

const char *kNutBin = "/usr/bin/";
const char *kSetsid = "/usr/bin/setsid";

std::string strip_path(std::string text, const std::string &path, const std::string &prog) {
    for (size_t pos = 0; (pos = text.find(path, pos)) != std::string::npos; pos += prog.size())
        text.replace(pos, path.size(), prog);
    return text;
}

std::string describe(const std::string &prog, const std::vector<std::string> &args) {
    std::string s = prog;
    for (const auto &a : args) s += " " + a;
    return s;
}

} // namespace

bool nut_clients_available() {
    for (const char *p : {"upsc", "upscmd", "upsrw"})
        if (::access((std::string(kNutBin) + p).c_str(), X_OK) != 0) return false;
    return NutSandbox::available();
}

std::string clients_skip_reason() {
    if (!NutSandbox::available()) return NutSandbox::skip_reason();
    return "NUT 2.8.0 clients not installed (need /usr/bin/upsc, upscmd, upsrw; apt-get install nut-client)";
}

std::string our_client(const std::string &prog) {
    if (prog == "upsc") return NUTPP_UPSC;
    if (prog == "upscmd") return NUTPP_UPSCMD;
    return NUTPP_UPSRW;
}

namespace {

SideBySide run_both(const NutSandbox &nut, const std::string &prog, const std::vector<std::string> &args) {
    const std::string nut_path = kNutBin + prog, our_path = our_client(prog);
    // Without a controlling terminal (setsid), a password prompt cannot read from the terminal of
    // whoever runs the tests: both clients then fall back to stderr/stdin(/dev/null) identically.
    std::vector<std::string> argv;
    if (::access(kSetsid, X_OK) == 0) argv = {kSetsid, "--wait"};
    const size_t prog_at = argv.size();
    argv.push_back(nut_path);
    argv.insert(argv.end(), args.begin(), args.end());
    SideBySide r;
    r.nut = nut.run(argv);
    argv[prog_at] = our_path;
    r.ours = nut.run(argv);
    r.nut.err = strip_path(r.nut.err, nut_path, prog);
    r.ours.err = strip_path(r.ours.err, our_path, prog);
    return r;
}

} // namespace

SideBySide compare_clients(const NutSandbox &nut, const std::string &prog, const std::vector<std::string> &args) {
    SideBySide r = run_both(nut, prog, args);

    const std::string what = describe(prog, args);
    EXPECT_EQ(r.nut.out, r.ours.out) << "stdout differs: " << what;
    EXPECT_EQ(r.nut.err, r.ours.err) << "stderr differs: " << what;
    EXPECT_EQ(r.nut.exit_code, r.ours.exit_code) << "exit code differs: " << what;
    return r;
}

SideBySide compare_usage(const NutSandbox &nut, const std::string &prog, const std::vector<std::string> &args) {
    SideBySide r = run_both(nut, prog, args);
    const std::string what = describe(prog, args);
    EXPECT_EQ(r.nut.err, r.ours.err) << "stderr differs: " << what;
    EXPECT_EQ(r.nut.exit_code, r.ours.exit_code) << "exit code differs: " << what;
    EXPECT_NE(r.nut.out.find("usage: " + prog), std::string::npos) << "NUT printed no usage: " << what;
    EXPECT_NE(r.ours.out.find("usage: " + prog), std::string::npos) << "we printed no usage: " << what;
    return r;
}

} // namespace nutpp::testing
