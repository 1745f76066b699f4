#include "monitor/status.hpp"

#include "common/strings.hpp"

namespace nutpp::monitor {

const std::vector<StatusWord> &status_words() {
    static const std::vector<StatusWord> words = {
        {"OL", &StatusFlags::ol},         {"OB", &StatusFlags::ob},       {"LB", &StatusFlags::lb},
        {"RB", &StatusFlags::rb},         {"FSD", &StatusFlags::fsd},     {"CAL", &StatusFlags::cal},
        {"OFF", &StatusFlags::off},       {"BYPASS", &StatusFlags::bypass}, {"ECO", &StatusFlags::eco},
        {"ALARM", &StatusFlags::alarm},   {"OVER", &StatusFlags::over},   {"TRIM", &StatusFlags::trim},
        {"BOOST", &StatusFlags::boost},   {"HB", nullptr},                {"CHRG", nullptr},
        {"DISCHRG", nullptr},
    };
    return words;
}

StatusFlags parse_status(std::string_view status) {
    StatusFlags f;
    for (const auto &w : common::split_ws(status)) {
        bool known = false;
        for (const auto &sw : status_words()) {
            if (!common::iequals(w, sw.word)) continue;
            if (sw.flag) f.*sw.flag = true;
            known = true;
            break;
        }
        if (!known) f.other.push_back(w);
    }
    return f;
}

bool is_wait_placeholder(std::string_view status) {
    const auto words = common::split_ws(status);
    return words.size() == 1 && common::iequals(words[0], "WAIT");
}

const std::vector<FlagEvent> &flag_events() {
    // LB and FSD have no "cleared" event in NUT: the shutdown decision is what matters.
    static const std::vector<FlagEvent> events = {
        {&StatusFlags::ol, "ONLINE", nullptr, false},    {&StatusFlags::ob, "ONBATT", nullptr, true},
        {&StatusFlags::lb, "LOWBATT", nullptr, true},    {&StatusFlags::fsd, "FSD", nullptr, true},
        {&StatusFlags::cal, "CAL", "NOTCAL", true},      {&StatusFlags::off, "OFF", "NOTOFF", true},
        {&StatusFlags::bypass, "BYPASS", "NOTBYPASS", true}, {&StatusFlags::eco, "ECO", "NOTECO", true},
        {&StatusFlags::alarm, "ALARM", "NOTALARM", true}, {&StatusFlags::over, "OVER", "NOTOVER", true},
        {&StatusFlags::trim, "TRIM", "NOTTRIM", true},   {&StatusFlags::boost, "BOOST", "NOTBOOST", true},
    };
    return events;
}

std::vector<Event> status_events(const StatusFlags &prev, const StatusFlags &cur, bool first) {
    std::vector<Event> out;
    for (const auto &fe : flag_events()) {
        const bool was = first ? false : prev.*fe.flag;
        const bool is = cur.*fe.flag;
        if (is && !was && (!first || fe.on_at_first_poll)) out.push_back({fe.on, ""});
        if (!is && was && fe.off) out.push_back({fe.off, ""});
    }
    const bool had_other = !first && !prev.other.empty();
    if (!cur.other.empty() && (had_other ? cur.other != prev.other : true))
        out.push_back({"OTHER", common::join(cur.other, " ")});
    if (cur.other.empty() && had_other) out.push_back({"NOTOTHER", ""});
    return out;
}

} // namespace nutpp::monitor
