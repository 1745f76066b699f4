#include "monitor/notify.hpp"

#include <spdlog/spdlog.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace nutpp::monitor {

const std::vector<NotifyType> &notify_table() {
    static const std::vector<NotifyType> t = {
        {"ONLINE", "UPS %s on line power"},
        {"ONBATT", "UPS %s on battery"},
        {"LOWBATT", "UPS %s battery is low"},
        {"FSD", "UPS %s: forced shutdown in progress"},
        {"COMMOK", "Communications with UPS %s established"},
        {"COMMBAD", "Communications with UPS %s lost"},
        {"SHUTDOWN", "Auto logout and shutdown proceeding"},
        {"REPLBATT", "UPS %s battery needs to be replaced"},
        {"NOCOMM", "UPS %s is unavailable"},
        {"NOPARENT", "upsmon parent process died - shutdown impossible"},
        {"CAL", "UPS %s: calibration in progress", true},
        {"NOTCAL", "UPS %s: calibration finished"},
        {"OFF", "UPS %s: administratively OFF or asleep"},
        {"NOTOFF", "UPS %s: no longer administratively OFF or asleep"},
        {"BYPASS", "UPS %s: on bypass (powered, not protecting)"},
        {"NOTBYPASS", "UPS %s: no longer on bypass"},
        {"ECO", "UPS %s: in ECO mode (as defined by vendor)"},
        {"NOTECO", "UPS %s: no longer in ECO mode"},
        {"ALARM", "UPS %s: one or more active alarms: [%s]"},
        {"NOTALARM", "UPS %s is no longer in an alarm state (no active alarms)"},
        {"OVER", "UPS %s: overloaded"},
        {"NOTOVER", "UPS %s: no longer overloaded"},
        {"TRIM", "UPS %s: trimming incoming voltage"},
        {"NOTTRIM", "UPS %s: no longer trimming incoming voltage"},
        {"BOOST", "UPS %s: boosting incoming voltage"},
        {"NOTBOOST", "UPS %s: no longer boosting incoming voltage"},
        {"OTHER", "UPS %s: has at least one unclassified status token: [%s]"},
        {"NOTOTHER", "UPS %s has no unclassified status tokens anymore"},
        {"SHUTDOWN_HOSTSYNC",
         "Shutdown initiated; primary system is waiting for secondaries to log out or time out"},
    };
    return t;
}

namespace {
const NotifyType *find_type(std::string_view type) {
    for (const auto &t : notify_table())
        if (type == t.type) return &t;
    return nullptr;
}

using Env = std::vector<std::pair<std::string, std::string>>;

// Starts a child running argv[0] (found on PATH) with extra env; does not wait (reap_children
// collects it). execvp runs a script without a #! line with /bin/sh, as the shell would.
void spawn(const std::vector<std::string> &args, const Env &env) {
    const pid_t pid = fork();
    if (pid < 0) {
        spdlog::error("fork failed: {}", strerror(errno));
        return;
    }
    if (pid > 0) return;
    for (const auto &[k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<const char *> argv;
    for (const auto &a : args) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    execvp(argv[0], const_cast<char *const *>(argv.data()));
    _exit(127);
}

// Runs `sh -c script` with the given positional args ($1 ...).
void spawn_shell(const std::string &script, const std::vector<std::string> &args, const Env &env) {
    std::vector<std::string> argv = {"/bin/sh", "-c", script, "upsmon"};
    argv.insert(argv.end(), args.begin(), args.end());
    spawn(argv, env);
}

// A NOTIFYCMD the shell would only split into itself: one word of characters no shell treats
// specially. Such a command is executed directly, which saves starting a shell (several ms of
// the power-event-to-script latency) and behaves the same, the message being its one argument.
bool is_plain_command(std::string_view cmd) {
    if (cmd.empty()) return false;
    for (const char c : cmd) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                           c == '/' || c == '.' || c == '_' || c == '-' || c == '+' || c == ',' || c == '@' ||
                           c == '%' || c == ':';
        if (!plain) return false;
    }
    return true;
}
} // namespace

std::string format_message(std::string_view fmt, std::string_view ups, std::string_view extra) {
    std::string out;
    int used = 0;
    for (size_t i = 0; i < fmt.size(); ++i) {
        if (fmt[i] == '%' && i + 1 < fmt.size() && fmt[i + 1] == 's') {
            out += used == 0 ? ups : used == 1 ? extra : std::string_view{};
            ++used;
            ++i;
        } else if (fmt[i] == '%' && i + 1 < fmt.size() && fmt[i + 1] == '%') {
            out += '%';
            ++i;
        } else {
            out += fmt[i];
        }
    }
    return out;
}

std::string Notifier::message_for(const std::string &type, const std::string &ups, const std::string &extra) const {
    const auto it = cfg_->notifymsg.find(type);
    const NotifyType *t = find_type(type);
    const std::string fmt = it != cfg_->notifymsg.end() ? it->second : t ? t->message : type + " %s";
    return format_message(fmt, ups, extra);
}

config::NotifyFlags Notifier::flags_for(const std::string &type) const {
    if (cfg_->notifyflag.count(type)) return cfg_->flags_for(type);
    const NotifyType *t = find_type(type);
    config::NotifyFlags f;
    if (t && t->syslog_only) f.wall = false;
    return f;
}

void Notifier::notify(const std::string &type, const std::string &ups, const std::string &extra) {
    const config::NotifyFlags f = flags_for(type);
    const std::string msg = message_for(type, ups, extra);
    if (f.ignore) {
        spdlog::debug("event {} ignored: {}", type, msg);
        return;
    }
    if (f.syslog) spdlog::warn("{}", msg);
    else spdlog::debug("event {}: {}", type, msg);
    if (f.wall) spawn_shell("printf '%s\\n' \"$1\" | wall", {msg}, {});
    if (f.exec && !cfg_->notifycmd.empty()) {
        // NUT runs `NOTIFYCMD "message"` through the shell; the message goes in as $1 here, so a
        // message is never parsed as shell text.
        const Env env = {{"NOTIFYTYPE", type}, {"UPSNAME", ups}};
        if (is_plain_command(cfg_->notifycmd)) spawn({cfg_->notifycmd, msg}, env);
        else spawn_shell(cfg_->notifycmd + " \"$1\"", {msg}, env);
    }
}

void Notifier::reap_children() {
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
}

int run_shell_wait(const std::string &cmd) {
    const pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char *>(nullptr));
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

} // namespace nutpp::monitor
