#include "credentials.hpp"

#include "cli_common.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace nutpp::clients {

std::string default_username() {
    const passwd *pw = ::getpwuid(::getuid());
    return pw && pw->pw_name ? std::string(pw->pw_name) : std::string();
}

std::optional<std::string> prompt_username() {
    const std::string def = default_username();
    std::string answer;
    if (!read_line_from_stdin("Username (" + def + "): ", answer)) return std::nullopt;
    return answer.empty() ? def : answer;
}

std::string prompt_password() {
    static constexpr char kPrompt[] = "Password: ";
    std::fflush(stdout);
    // Prefer the terminal so a password never comes from (or echoes into) redirected streams.
    const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (tty < 0) {
        // No terminal: prompt on stderr, read the next line of stdin through the same buffer the
        // username prompt used (piped answers are consumed in order, as with getpass(3)).
        std::fputs(kPrompt, stderr);
        std::string pass;
        if (!std::getline(std::cin, pass)) return {};
        if (!pass.empty() && pass.back() == '\r') pass.pop_back();
        return pass;
    }

    termios saved{};
    const bool echo_off = ::tcgetattr(tty, &saved) == 0;
    if (echo_off) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(tty, TCSAFLUSH, &quiet);
    }
    [[maybe_unused]] auto w = ::write(tty, kPrompt, sizeof kPrompt - 1);
    std::string pass;
    char c = 0;
    while (::read(tty, &c, 1) == 1 && c != '\n') pass += c;
    if (echo_off) {
        ::tcsetattr(tty, TCSAFLUSH, &saved);
        w = ::write(tty, "\n", 1); // the user's Enter was not echoed
    }
    ::close(tty);
    if (!pass.empty() && pass.back() == '\r') pass.pop_back();
    return pass;
}

} // namespace nutpp::clients
