#include "import/nut_files.hpp"

#include "common/parseconf.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace nutpp::import {

NutFile read_nut_file(const std::string &dir, const std::string &name) {
    NutFile f;
    f.name = name;
    f.path = dir + "/" + name;
    std::ifstream in(f.path);
    if (!in) {
        if (errno == ENOENT) return f;
        throw std::runtime_error("cannot read " + f.path + ": " + std::strerror(errno));
    }
    f.present = true;
    // NUT's limits are per word and per line; config values may be UTF-8 (descriptions), so keep
    // bytes >= 0x80 as the drop-in reader does (printable_only = false).
    common::LineTokenizer tok(64, 1024, false);
    std::string physical;
    int lineno = 0, start = 1;
    const auto take = [&](std::vector<common::LineTokenizer::Line> &out) {
        for (auto &l : out) {
            if (l.error) f.errors.emplace_back(start, l.error_text);
            else if (!l.words.empty()) f.lines.push_back(NutLine{start, std::move(l.words)});
        }
    };
    // One physical line at a time, so each directive gets the line it starts on; a quoted value
    // or a backslash-newline continues onto the next physical line, and keeps its first line.
    while (std::getline(in, physical)) {
        ++lineno;
        std::vector<common::LineTokenizer::Line> out;
        if (!in.eof()) physical.push_back('\n');
        tok.feed(physical, out);
        take(out);
        if (!out.empty()) start = lineno + 1;
    }
    if (in.bad()) throw std::runtime_error("cannot read " + f.path + ": " + std::strerror(errno));
    std::vector<common::LineTokenizer::Line> out;
    tok.finish(out); // a last line without '\n', or an unterminated quote
    take(out);
    return f;
}

bool section_header(const NutLine &l, std::string &name) {
    const auto &w = l.words;
    if (w.size() != 1 || w[0].size() < 3 || w[0].front() != '[' || w[0].back() != ']') return false;
    name = w[0].substr(1, w[0].size() - 2);
    return true;
}

KeyValues key_values(const NutLine &l) {
    KeyValues kv;
    kv.key = l.words[0];
    kv.values.assign(l.words.begin() + 1, l.words.end());
    if (!kv.values.empty() && kv.values[0] == "=") {
        kv.values.erase(kv.values.begin());
        kv.had_equals = true;
    }
    return kv;
}

} // namespace nutpp::import
