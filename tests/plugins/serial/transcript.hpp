// Reads the "<< " reply lines of a serial transcript in tests/testdata/serial (trailing notes after
// two spaces and "##" stripped, "<cr>"/"<crlf>" markers removed).
#pragma once

#include <fstream>
#include <string>
#include <vector>

namespace nutpp::serial::testing {

inline std::vector<std::string> transcript_replies(const std::string &file) {
    std::ifstream in(std::string(NUTPP_TESTDATA_DIR) + "/serial/" + file);
    std::vector<std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("<< ", 0) != 0) continue;
        std::string r = line.substr(3);
        if (const auto note = r.find("  ##"); note != std::string::npos) r.erase(note);
        for (const char *marker : {"<crlf>", "<cr>"})
            if (const auto m = r.find(marker); m != std::string::npos) r.erase(m);
        out.push_back(r);
    }
    return out;
}

} // namespace nutpp::serial::testing
