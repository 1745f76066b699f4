#include "config/error.hpp"

#include "common/strings.hpp"

#include <algorithm>
#include <numeric>

namespace nutpp::config {

std::string Location::str() const {
    if (line <= 0) return file;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

namespace {
std::string compose(const Location &where, const std::string &key, const std::string &problem,
                    const std::string &expected, const std::string &suggestion) {
    std::string s = where.str() + ": ";
    if (!key.empty()) s += key + ": ";
    s += problem;
    if (!expected.empty()) s += "; expected " + expected;
    if (!suggestion.empty()) s += " (did you mean '" + suggestion + "'?)";
    return s;
}
} // namespace

ConfigError::ConfigError(Location where_, std::string key_, std::string problem_, std::string expected_,
                         std::string suggestion_)
    : std::runtime_error(compose(where_, key_, problem_, expected_, suggestion_)), where(std::move(where_)),
      key(std::move(key_)), problem(std::move(problem_)), expected(std::move(expected_)),
      suggestion(std::move(suggestion_)) {}

size_t edit_distance(std::string_view a_in, std::string_view b_in) {
    const std::string a = common::to_lower(a_in), b = common::to_lower(b_in);
    // Three rolling rows are enough for the transposition rule (it looks two rows back).
    std::vector<size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
    std::iota(prev.begin(), prev.end(), size_t{0});
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                cur[j] = std::min(cur[j], prev2[j - 2] + 1);
        }
        std::swap(prev2, prev);
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string suggest(std::string_view word, const std::vector<std::string> &candidates) {
    // Long words tolerate more typos; a 2-letter word "matching" anything at distance 2 is noise.
    const size_t limit = word.size() <= 3 ? 1 : word.size() <= 6 ? 2 : 3;
    if (word.size() > 256) return {}; // not a typo of any key; also bounds the work
    const std::string *best = nullptr;
    size_t best_d = limit + 1;
    for (const auto &c : candidates) {
        const size_t d = edit_distance(word, c);
        if (d < best_d && d < word.size() && d < c.size()) {
            best = &c;
            best_d = d;
        }
    }
    return best ? *best : std::string{};
}

} // namespace nutpp::config
