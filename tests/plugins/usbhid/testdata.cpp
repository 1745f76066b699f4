#include "testdata.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace usbhid_test {

std::string hid_dir() { return std::string(NUTPP_TESTDATA_DIR) + "/hid"; }

std::vector<uint8_t> parse_hex(const std::string &text) {
    std::istringstream in(text);
    std::vector<uint8_t> out;
    std::string tok;
    while (in >> tok) out.push_back(uint8_t(std::stoul(tok, nullptr, 16)));
    return out;
}

std::vector<uint8_t> load_descriptor(const std::string &name) {
    std::ifstream f(hid_dir() + "/" + name + ".hex");
    if (!f) throw std::runtime_error("missing descriptor " + name);
    std::vector<uint8_t> out;
    std::string line;
    while (std::getline(f, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto b = parse_hex(line);
        out.insert(out.end(), b.begin(), b.end());
    }
    return out;
}

std::vector<std::string> descriptor_names() {
    std::vector<std::string> names;
    for (const auto &e : std::filesystem::directory_iterator(hid_dir()))
        if (e.path().extension() == ".hex") names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

namespace {

// Splits one CSV line; fields may be double-quoted (the note column).
std::vector<std::string> split_csv(const std::string &line) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (char c : line) {
        if (c == '"') quoted = !quoted;
        else if (c == ',' && !quoted) out.emplace_back();
        else out.back() += c;
    }
    return out;
}

} // namespace

std::vector<ReportRow> load_reports(const std::string &name) {
    std::ifstream f(hid_dir() + "/reports/" + name + "_reports.csv");
    if (!f) throw std::runtime_error("missing reports for " + name);
    std::vector<ReportRow> rows;
    std::string line;
    std::getline(f, line); // header
    while (std::getline(f, line)) {
        if (line.empty()) continue;
        const auto c = split_csv(line);
        if (c.size() < 7) throw std::runtime_error("bad row: " + line);
        using nutpp::usbhid::ReportType;
        const ReportType t = c[1] == "Input" ? ReportType::Input
                             : c[1] == "Output" ? ReportType::Output
                                                : ReportType::Feature;
        rows.push_back({c[0], t, uint8_t(std::stoul(c[2], nullptr, 16)), uint32_t(std::stoul(c[3])),
                        uint32_t(std::stoul(c[4])), std::stod(c[5]), parse_hex(c[6]),
                        c.size() > 7 ? c[7] : ""});
    }
    return rows;
}

} // namespace usbhid_test
