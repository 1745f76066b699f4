// libFuzzer target for the NUT tokenizer behind every protocol line and config file:
//  * split_plain (upsd's fast path) must give exactly the words feed() gives whenever it accepts
//    a line, and must decline while a line is half fed;
//  * feeding the bytes whole or in any chunking gives the same lines.
// Any difference aborts: that would be a request upsd reads differently from NUT's rules.
#include "common/parseconf.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using nutpp::common::LineTokenizer;

namespace {

bool same(const std::vector<LineTokenizer::Line> &a, const std::vector<LineTokenizer::Line> &b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].error != b[i].error || a[i].words != b[i].words) return false;
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    const size_t chunk = 1 + data[0] % 7; // the first byte picks a chunk size for the second pass
    const std::string_view bytes(reinterpret_cast<const char *>(data) + 1, size - 1);

    // Fast path against the full rules, line by line, from a fresh tokenizer.
    size_t pos = 0;
    while (pos < bytes.size()) {
        const size_t nl = bytes.find('\n', pos);
        if (nl == std::string_view::npos) break;
        const std::string_view line = bytes.substr(pos, nl - pos);
        pos = nl + 1;
        LineTokenizer t;
        std::vector<std::string_view> views;
        if (!t.split_plain(line, views)) continue;
        std::vector<LineTokenizer::Line> full;
        t.feed(std::string(line) + "\n", full);
        if (full.size() != 1 || full[0].error) std::abort();
        if (std::vector<std::string>(views.begin(), views.end()) != full[0].words) std::abort();
    }

    // Whole versus chunked, and split_plain refusing a half-fed line.
    LineTokenizer whole, pieces;
    std::vector<LineTokenizer::Line> a, b;
    whole.feed(bytes, a);
    for (size_t i = 0; i < bytes.size(); i += chunk) {
        pieces.feed(bytes.substr(i, chunk), b);
        std::vector<std::string_view> views;
        if (pieces.pending() > 0 && pieces.split_plain("VER", views)) std::abort();
    }
    if (!same(a, b)) std::abort();
    return 0;
}
