#include "ups_model.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <string_view>

#include <nutpp/support/enum_text.hpp>
#include <nutpp/support/numbers.hpp>
#include <nutpp/support/status_bits.hpp>

#include "hid_report.hpp"
#include "hid_usage_names.hpp"

namespace nutpp::usbhid {

UpsModel::UpsModel(HidDescriptor descriptor, const VendorQuirks *quirks, uint16_t product_id, std::string usb_product)
    : desc_(std::move(descriptor)), quirks_(quirks), product_id_(product_id), usb_product_(std::move(usb_product)) {
    const std::vector<UsageName> names =
        quirks_ ? std::vector<UsageName>(quirks_->usage_names.begin(), quirks_->usage_names.end())
                : std::vector<UsageName>{};
    for (auto &f : desc_.fields) {
        const std::string p = path_string(f.path, names);
        if (quirks_)
            for (const auto &fix : quirks_->limit_fixes)
                if (p == fix.hid_path) f.logical_min = fix.logical_min, f.logical_max = fix.logical_max;
        paths_[&f] = p;
        by_path_.emplace(p, &f);
    }
    if (quirks_) bind(quirks_->rows, false);
    bind(generic_mapping(), true);
}

const HidField *UpsModel::field_for(const std::string &path) const {
    const HidField *any = nullptr;
    for (auto [it, end] = by_path_.equal_range(path); it != end; ++it) {
        if (it->second->type == ReportType::Feature) return it->second;
        if (!any) any = it->second;
    }
    return any;
}

// Vendor rows come first, so a variable a vendor row already bound keeps the vendor's path.
void UpsModel::bind(std::span<const MappingRow> rows, bool generic) {
    for (const auto &row : rows) {
        if (generic && quirks_ &&
            std::any_of(quirks_->generic_paths_skipped.begin(), quirks_->generic_paths_skipped.end(),
                        [&](const char *p) { return std::string_view(p) == row.hid_path; }))
            continue;
        const HidField *f = field_for(row.hid_path);
        if (!f) continue;
        switch (row.kind) {
        case RowKind::Variable:
            if (!variable(row.nut_name)) variables_.push_back({&row, f});
            break;
        case RowKind::Status: statuses_.push_back({&row, f}); break;
        case RowKind::Command:
            if (f->type == ReportType::Feature) command_rows_.push_back({&row, f});
            break;
        }
    }
}

const Binding *UpsModel::variable(const std::string &nut_name) const {
    for (const auto &b : variables_)
        if (nut_name == b.row->nut_name) return &b;
    return nullptr;
}

std::vector<std::string> UpsModel::commands() const {
    std::set<std::string> names;
    for (const auto &b : command_rows_) names.insert(b.row->nut_name);
    return {names.begin(), names.end()};
}

std::vector<Binding> UpsModel::command_steps(const std::string &name) const {
    std::map<int, Binding> steps; // first row per step wins
    for (const auto &b : command_rows_)
        if (name == b.row->nut_name) steps.emplace(b.row->step, b);
    std::vector<Binding> out;
    for (const auto &[step, b] : steps) out.push_back(b);
    return out;
}

bool UpsModel::uses_delay(CommandValue which) const {
    return std::any_of(command_rows_.begin(), command_rows_.end(),
                       [&](const Binding &b) { return b.row->command_value == which; });
}

std::vector<uint8_t> UpsModel::feature_reports() const {
    std::set<uint8_t> ids;
    auto add = [&](const std::vector<Binding> &v) {
        for (const auto &b : v)
            for (auto [it, end] = by_path_.equal_range(b.row->hid_path); it != end; ++it)
                if (it->second->type == ReportType::Feature) ids.insert(it->second->report_id);
    };
    add(variables_);
    add(statuses_);
    if (quirks_ && quirks_->model_name)
        for (const char *path : {quirks_->model_name->model_string_path, quirks_->model_name->model_number_path})
            for (auto [it, end] = by_path_.equal_range(path); it != end; ++it)
                if (it->second->type == ReportType::Feature) ids.insert(it->second->report_id);
    return {ids.begin(), ids.end()};
}

bool UpsModel::apply(ReportType type, std::span<const uint8_t> report) {
    const uint8_t id = desc_.uses_report_ids ? (report.empty() ? 0 : report[0]) : 0;
    if (!desc_.report(type, id)) return false;
    raw_[{uint8_t(type), id}] = std::vector<uint8_t>(report.begin(), report.end());
    std::set<std::string_view> seen; // a usage repeated in one report (APCSensitivity x23): the first counts, as in NUT
    for (const auto &f : desc_.fields) {
        if (f.type != type || f.report_id != id) continue;
        const std::string &path = paths_.at(&f);
        if (!seen.insert(path).second) continue;
        // A short report (APC BK650M2) leaves the fields it lacks at their previous value.
        if (auto v = read_logical(f, report, desc_.uses_report_ids)) values_[path] = field_value(f, *v);
    }
    return true;
}

std::optional<double> UpsModel::value(const std::string &path) const {
    auto it = values_.find(path);
    return it == values_.end() ? std::nullopt : std::optional<double>(it->second);
}

std::vector<NutValue> UpsModel::nut_values(const StringLookup &strings) const {
    std::vector<NutValue> out;
    for (const auto &b : variables_) {
        if (b.row->conversion == Conversion::Fixed) {
            out.push_back({b.row->nut_name, std::string(b.row->fixed_text), 0, 0});
            continue;
        }
        const auto v = value(b.row->hid_path);
        if (!v) continue;
        NutValue nv{b.row->nut_name, std::nullopt, *v, b.row->decimals};
        switch (b.row->conversion) {
        case Conversion::Number: break;
        case Conversion::StringIndex:
        case Conversion::ProductModelPart:
        case Conversion::ProductFirmwarePart:
        case Conversion::ProductFirmwareAuxPart: {
            if (*v <= 0 || !strings) continue;
            std::string s = strings(int(std::lround(*v)));
            if (b.row->conversion != Conversion::StringIndex) s = apc_product_part(s, b.row->conversion);
            if (s.empty()) continue;
            nv.text = s;
            break;
        }
        case Conversion::Date: {
            std::string s = hid_date_text(*v);
            if (s.empty()) continue;
            nv.text = s;
            break;
        }
        case Conversion::Enum: {
            const char *text = support::text_for(b.row->texts, std::lround(*v));
            if (!text) continue;
            nv.text = text;
            break;
        }
        case Conversion::Fixed: break; // published above, before the value check
        }
        out.push_back(std::move(nv));
    }
    apply_scale_quirks(out);
    apply_derived_quirks(out, strings);
    if (quirks_ && quirks_->battery_voltage_scale_fix) {
        auto find = [&](const char *n) {
            return std::find_if(out.begin(), out.end(), [&](const NutValue &x) { return x.name == n; });
        };
        auto volt = find("battery.voltage");
        auto nominal = find("battery.voltage.nominal");
        if (volt != out.end() && nominal != out.end() && nominal->number > 0 &&
            volt->number > 1.4 * nominal->number)
            volt->number *= 2.0 / 3.0;
    }
    return out;
}

// The vendor's per-product multipliers first, then the windows of implausible readings.
void UpsModel::apply_scale_quirks(std::vector<NutValue> &values) const {
    if (!quirks_) return;
    for (auto &v : values) {
        if (v.text) continue;
        for (const auto &p : quirks_->product_scales)
            if (p.product_id == product_id_ && v.name == p.nut_name) v.number *= p.factor;
        for (const auto &fix : quirks_->scale_fixes)
            if (v.name == fix.nut_name && v.number >= fix.low && v.number < fix.high) {
                v.number *= fix.factor;
                break;
            }
    }
}

// Variables a vendor's subdriver builds from several readings (model name, estimated realpower).
void UpsModel::apply_derived_quirks(std::vector<NutValue> &values, const StringLookup &strings) const {
    if (!quirks_) return;
    auto find = [&](const char *n) {
        return std::find_if(values.begin(), values.end(), [&](const NutValue &x) { return x.name == n; });
    };
    if (const ModelNameRule *rule = quirks_->model_name) {
        std::string part;
        if (const auto index = value(rule->model_string_path); index && *index > 0 && strings)
            part = strings(int(std::lround(*index)));
        if (const auto number = value(rule->model_number_path); part.empty() && number)
            part = std::to_string(long(*number)); // NUT: (int)value, no rounding
        if (!part.empty()) {
            const std::string product = usb_product_.empty() ? "unknown" : usb_product_;
            std::string name = product + " " + part;
            for (const auto &r : rule->renames)
                if (product == r.product && part == r.model) name = r.name;
            if (auto it = find("ups.model"); it != values.end()) values.erase(it);
            values.push_back({"ups.model", name, 0, 0});
        }
    }
    if (const RealpowerEstimate *est = quirks_->realpower_estimate; est && find("ups.realpower") == values.end()) {
        const auto load = find("ups.load");
        const auto nominal = find("ups.power.nominal");
        if (load != values.end() && nominal != values.end() && !load->text && !nominal->text) {
            // NUT reads both back as integers (atoi of the published texts) before multiplying.
            const double watts = std::round(double(std::lround(load->number)) * 0.01 *
                                            double(std::lround(nominal->number)) * est->power_factor);
            values.push_back({"ups.realpower", std::nullopt, watts, 0});
        }
    }
}

std::vector<std::string> UpsModel::status_tokens() const {
    support::StatusSet set;
    for (const auto &b : statuses_) {
        const auto v = value(b.row->hid_path);
        if (v && std::lround(*v) == b.row->status_when) set.add_token(b.row->nut_name);
    }
    if (quirks_ && quirks_->ignore_discharging_on_line && set.has("OL")) set.remove_token("DISCHRG");
    return set.tokens();
}

std::optional<double> UpsModel::parse_setting(const Binding &b, const std::string &text) const {
    if (b.row->conversion == Conversion::Enum) {
        const auto v = support::value_for(b.row->texts, text);
        return v ? std::optional<double>(double(*v)) : std::nullopt;
    }
    return support::to_number(text);
}

std::optional<std::vector<uint8_t>> UpsModel::set_report_buffer(const HidField &field, double value) const {
    const ReportLayout *layout = desc_.report(field.type, field.report_id);
    if (!layout) return std::nullopt;
    std::vector<uint8_t> buf(layout->wire_bytes(desc_.uses_report_ids), 0);
    auto it = raw_.find({uint8_t(field.type), field.report_id});
    if (it != raw_.end()) std::copy_n(it->second.begin(), std::min(buf.size(), it->second.size()), buf.begin());
    if (!write_logical(field, buf, desc_.uses_report_ids, field_logical(field, value))) return std::nullopt;
    return buf;
}

} // namespace nutpp::usbhid
