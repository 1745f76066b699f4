// The status page's files (core/web/static), compiled in so upsweb needs no data directory.
#pragma once

#include <string_view>
#include <vector>

namespace nutpp::web {

struct StaticFile {
    std::string_view path;         // URL path, e.g. "/app.js" ("/" is index.html)
    std::string_view content_type;
    std::string_view body;
};

const std::vector<StaticFile> &static_files();

} // namespace nutpp::web
