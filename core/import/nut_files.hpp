// NUT's configuration files as lines of words, each with the line number it starts on, read with
// the NUT tokenizer core/common already has (common::LineTokenizer), so quoting, escapes, '#'
// comments and "key=value" splitting are exactly NUT's.
#pragma once

#include <string>
#include <vector>

namespace nutpp::import {

struct NutLine {
    int line = 0;                   // 1-based physical line the directive starts on
    std::vector<std::string> words; // never empty
};

struct NutFile {
    std::string path;   // as opened
    std::string name;   // file name for messages ("ups.conf")
    bool present = false;
    std::vector<NutLine> lines;
    std::vector<std::pair<int, std::string>> errors; // parse errors: line, why
};

// Reads `dir`/`name`. A missing file gives present = false; an unreadable one throws
// std::runtime_error ("cannot read DIR/NAME: reason").
NutFile read_nut_file(const std::string &dir, const std::string &name);

// "[name]" as the only word of a line (ups.conf and upsd.users sections).
bool section_header(const NutLine &l, std::string &name);

// "key = value ...", "key value ..." and a bare "key": the key and its values (the '=' dropped).
struct KeyValues {
    std::string key;
    std::vector<std::string> values;
    bool had_equals = false;
};
KeyValues key_values(const NutLine &l);

} // namespace nutpp::import
