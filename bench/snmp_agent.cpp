// snmp_agent: a small SNMP v1/v2c agent for the SNMP scale benchmark (bench/snmp_scale.sh), so
// that 1,000 simulated UPSes cost the benchmark almost nothing (snmpsimd, in Python, would be the
// bottleneck). One UDP port, one thread; every community "dev<i>" (i < --devices) is one UPS
// serving the same .snmprec table. GET and GETNEXT; SET is answered as accepted.
//
//   snmp_agent --port 16100 --devices 1000 --data file.snmprec --stats stats.txt
//
// Once a second it writes to --stats: "<seen> <first_all_ms> <age_p50_ms> <age_p99_ms> <age_max_ms>
// <requests>": how many devices were polled at least once, when the last of them was first polled
// (ms after the agent started), and the age of each device's data = time since its last answered
// GET (what upsdrvd holds is exactly that old).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

using Oid = std::vector<uint32_t>;
using Clock = std::chrono::steady_clock;

struct Value {
    uint8_t tag;
    std::string bytes; // encoded content
};

// ---- BER encoding -------------------------------------------------------------------------------
std::string len_bytes(size_t n) {
    if (n < 128) return std::string(1, char(n));
    std::string b;
    while (n) {
        b.insert(b.begin(), char(n & 0xff));
        n >>= 8;
    }
    return std::string(1, char(0x80 | b.size())) + b;
}
std::string tlv(uint8_t tag, const std::string &content) { return std::string(1, char(tag)) + len_bytes(content.size()) + content; }
std::string int_content(int64_t v) {
    std::string b;
    for (int i = 0; i < 8; ++i) b.insert(b.begin(), char((v >> (8 * i)) & 0xff));
    while (b.size() > 1 && ((b[0] == 0 && !(b[1] & 0x80)) || (b[0] == char(0xff) && (b[1] & 0x80)))) b.erase(b.begin());
    return b;
}
std::string uint_content(uint64_t v) {
    std::string b;
    do {
        b.insert(b.begin(), char(v & 0xff));
        v >>= 8;
    } while (v);
    if (b[0] & 0x80) b.insert(b.begin(), '\0');
    return b;
}
std::string oid_content(const Oid &o) {
    std::string b;
    if (o.size() < 2) return b;
    auto arc = [&](uint32_t v) {
        std::string t(1, char(v & 0x7f));
        while (v >>= 7) t.insert(t.begin(), char(0x80 | (v & 0x7f)));
        b += t;
    };
    arc(o[0] * 40 + o[1]);
    for (size_t i = 2; i < o.size(); ++i) arc(o[i]);
    return b;
}

std::optional<Oid> parse_dotted(const std::string &s) {
    Oid o;
    const char *p = s.c_str();
    if (*p == '.') ++p;
    while (*p) {
        char *end;
        o.push_back(uint32_t(strtoul(p, &end, 10)));
        if (end == p) return std::nullopt;
        p = *end == '.' ? end + 1 : end;
    }
    return o;
}

// ---- BER decoding -------------------------------------------------------------------------------
struct Reader {
    const uint8_t *p, *end;
    bool ok = true;
    // Reads one TLV header; returns the content span.
    bool next(uint8_t &tag, const uint8_t *&content, size_t &len) {
        if (p + 2 > end) return ok = false;
        tag = *p++;
        size_t n = *p++;
        if (n & 0x80) {
            int k = n & 0x7f;
            if (k > 4 || p + k > end) return ok = false;
            n = 0;
            while (k--) n = (n << 8) | *p++;
        }
        if (size_t(end - p) < n) return ok = false;
        content = p;
        len = n;
        p += n;
        return true;
    }
};
int64_t read_int(const uint8_t *c, size_t n) {
    int64_t v = (n && (c[0] & 0x80)) ? -1 : 0;
    for (size_t i = 0; i < n && i < 8; ++i) v = (v << 8) | c[i];
    return v;
}
Oid read_oid(const uint8_t *c, size_t n) {
    Oid o;
    uint32_t v = 0;
    for (size_t i = 0; i < n; ++i) {
        v = (v << 7) | (c[i] & 0x7f);
        if (!(c[i] & 0x80)) {
            if (o.empty()) {
                o.push_back(v < 80 ? v / 40 : 2);
                o.push_back(v < 80 ? v % 40 : v - 80);
            } else {
                o.push_back(v);
            }
            v = 0;
        }
    }
    return o;
}

std::map<Oid, Value> load(const std::string &file) {
    std::map<Oid, Value> t;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        auto a = line.find('|'), b = line.find('|', a + 1);
        if (a == std::string::npos || b == std::string::npos) continue;
        auto oid = parse_dotted(line.substr(0, a));
        std::string type = line.substr(a + 1, b - a - 1), v = line.substr(b + 1);
        if (!oid) continue;
        if (auto colon = type.find(':'); colon != std::string::npos) type.resize(colon);
        const bool hex = !type.empty() && type.back() == 'x';
        if (hex) {
            type.pop_back();
            std::string raw;
            for (size_t i = 0; i + 1 < v.size(); i += 2) raw.push_back(char(std::stoi(v.substr(i, 2), nullptr, 16)));
            v = raw;
        }
        const int tag = std::atoi(type.c_str());
        Value val{uint8_t(tag), ""};
        switch (tag) {
        case 2: val.bytes = int_content(std::atoll(v.c_str())); break;
        case 4: val.bytes = v; break;
        case 6: val.bytes = oid_content(parse_dotted(v).value_or(Oid{})); break;
        case 64: {
            in_addr a4{};
            inet_pton(AF_INET, v.c_str(), &a4);
            val.bytes.assign(reinterpret_cast<const char *>(&a4), 4);
            break;
        }
        case 65: case 66: case 67: case 70: val.bytes = uint_content(std::strtoull(v.c_str(), nullptr, 10)); break;
        default: continue;
        }
        t[*oid] = val;
    }
    return t;
}

} // namespace

int main(int argc, char **argv) {
    int port = 16100;
    size_t devices = 1000;
    std::string data, stats;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i];
        if (k == "--port") port = std::atoi(argv[i + 1]);
        else if (k == "--devices") devices = std::strtoul(argv[i + 1], nullptr, 10);
        else if (k == "--data") data = argv[i + 1];
        else if (k == "--stats") stats = argv[i + 1];
    }
    const auto table = load(data);
    if (table.empty()) {
        std::fprintf(stderr, "snmp_agent: no records in %s\n", data.c_str());
        return 1;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int buf = 8 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
        std::perror("snmp_agent: bind");
        return 1;
    }
    const auto t0 = Clock::now();
    std::vector<Clock::time_point> last(devices, Clock::time_point{});
    size_t seen = 0;
    double first_all_ms = -1;
    uint64_t requests = 0;
    auto next_stats = Clock::now();
    uint8_t in[65536];
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        poll(&p, 1, 200);
        const auto now = Clock::now();
        if (now >= next_stats && !stats.empty()) {
            next_stats = now + std::chrono::seconds(1);
            std::vector<double> ages;
            for (auto &t : last)
                if (t != Clock::time_point{}) ages.push_back(std::chrono::duration<double, std::milli>(now - t).count());
            std::sort(ages.begin(), ages.end());
            auto pct = [&](double q) { return ages.empty() ? -1.0 : ages[std::min(ages.size() - 1, size_t(q * ages.size()))]; };
            std::ofstream(stats + ".tmp") << seen << " " << first_all_ms << " " << pct(0.5) << " " << pct(0.99) << " "
                                          << (ages.empty() ? -1 : ages.back()) << " " << requests << "\n";
            std::rename((stats + ".tmp").c_str(), stats.c_str());
        }
        if (!(p.revents & POLLIN)) continue;
        for (int burst = 0; burst < 256; ++burst) {
            sockaddr_in from{};
            socklen_t fl = sizeof from;
            ssize_t n = recvfrom(fd, in, sizeof in, MSG_DONTWAIT, reinterpret_cast<sockaddr *>(&from), &fl);
            if (n <= 0) break;
            Reader r{in, in + n};
            uint8_t tag;
            const uint8_t *c;
            size_t len;
            if (!r.next(tag, c, len) || tag != 0x30) continue;
            Reader msg{c, c + len};
            const uint8_t *vc, *cc, *pc;
            size_t vl, cl, pl;
            uint8_t vt, ct, pt;
            if (!msg.next(vt, vc, vl) || !msg.next(ct, cc, cl) || !msg.next(pt, pc, pl)) continue;
            const int64_t version = read_int(vc, vl);
            const std::string community(reinterpret_cast<const char *>(cc), cl);
            if (community.rfind("dev", 0) != 0) continue;
            const size_t dev = std::strtoul(community.c_str() + 3, nullptr, 10);
            if (dev >= devices) continue; // unknown community: silence, like a real agent
            Reader pdu{pc, pc + pl};
            const uint8_t *ic, *ec, *xc, *lc;
            size_t il, el, xl, ll;
            uint8_t it, et, xt, lt;
            if (!pdu.next(it, ic, il) || !pdu.next(et, ec, el) || !pdu.next(xt, xc, xl) || !pdu.next(lt, lc, ll)) continue;
            Reader vbs{lc, lc + ll};
            std::string out_vbs;
            int err = 0, err_index = 0, index = 0;
            while (vbs.p < vbs.end) {
                const uint8_t *vbc;
                size_t vbl;
                uint8_t vbt;
                if (!vbs.next(vbt, vbc, vbl)) break;
                ++index;
                Reader vb{vbc, vbc + vbl};
                const uint8_t *oc, *nc;
                size_t ol, nl;
                uint8_t ot, nt;
                if (!vb.next(ot, oc, ol)) break;
                vb.next(nt, nc, nl);
                Oid oid = read_oid(oc, ol);
                auto found = table.end();
                if (pt == 0xA1) { // GETNEXT
                    found = table.upper_bound(oid);
                    if (found != table.end()) oid = found->first;
                } else {
                    found = table.find(oid);
                }
                std::string value;
                if (found != table.end()) value = tlv(found->second.tag, found->second.bytes);
                else if (version == 0) {
                    if (!err) err = 2, err_index = index; // v1 noSuchName
                    value = tlv(0x05, "");
                } else value = tlv(pt == 0xA1 ? 0x82 : 0x80, ""); // endOfMibView / noSuchObject
                out_vbs += tlv(0x30, tlv(0x06, oid_content(oid)) + value);
            }
            ++requests;
            if (pt != 0xA3) last[dev] = now;
            // First poll of a device: counts once.
            static std::vector<bool> first(devices, false);
            if (!first[dev]) {
                first[dev] = true;
                if (++seen == devices) first_all_ms = std::chrono::duration<double, std::milli>(now - t0).count();
            }
            std::string resp_pdu = tlv(0x02, std::string(ic, ic + il)) + tlv(0x02, int_content(err)) +
                                   tlv(0x02, int_content(err_index)) + tlv(0x30, out_vbs);
            std::string resp = tlv(0x30, tlv(0x02, int_content(version)) + tlv(0x04, community) + tlv(0xA2, resp_pdu));
            sendto(fd, resp.data(), resp.size(), 0, reinterpret_cast<sockaddr *>(&from), fl);
        }
    }
}
