// Simulated Modbus UPSes for bench/modbus_poll.sh: N slaves (each its own pty, or its own TCP port
// on loopback) serving one built-in map's register image (the test images of
// tests/plugins/modbus), timing every request from the slave's side. After --seconds it prints, per
// device, the polls it saw (bursts of requests separated by more than 200 ms of silence; the first
// and last, maybe cut, are dropped), requests per poll and the time from a poll's first request to
// its last answer: the same yardstick for NUT's driver and ours.
//   modbus_sim --map socomec_jbus|phoenixcontact_quint|huawei_ups2000|generic --transport pty|tcp
//              --devices N --seconds S
// prints "DEV <i> <port> <slaveid>" lines and "READY" first, then "STATS <i> <polls> <req/poll> <ms/poll>".
#include "device_images.hpp"
#include "modbus_slave.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

using namespace nutpp::modbus::testing;
using Clock = std::chrono::steady_clock;

namespace {

struct MapImage {
    int slave;
    Image image;
    std::string ident;
};

MapImage image_of(const std::string &map) {
    if (map == "socomec_jbus") return {1, socomec_image(), ""};
    if (map == "phoenixcontact_quint") return {kQuintSlave, quint_image(), ""};
    if (map == "huawei_ups2000") {
        Image img = ups2000_image();
        img.push_back({11044, {1, 0, 0}});
        return {1, img, "1=UPS2000A;2=V2R1C1SPC40;3=P1.0-D1.0;4=2102310001ABC;5=1;6=0"};
    }
    if (map == "generic") return {5, {{0, std::vector<uint16_t>(30, 0)}, {10, {1, 0, 0, 0}}}, ""};
    std::fprintf(stderr, "modbus_sim: unknown map %s\n", map.c_str());
    std::exit(2);
}

bool g_trace = false; // --trace 1: every exchange (ms since the previous one, ms to answer)

void print_stats(size_t index, std::vector<Exchange> log) {
    std::sort(log.begin(), log.end(), [](const Exchange &a, const Exchange &b) { return a.request < b.request; });
    for (size_t i = 0; g_trace && i < log.size(); ++i)
        std::printf("TRACE %zu +%.3f ms, answered in %.3f ms\n", index,
                    i ? std::chrono::duration<double, std::milli>(log[i].request - log[i - 1].answer).count() : 0.0,
                    std::chrono::duration<double, std::milli>(log[i].answer - log[i].request).count());
    struct Burst {
        Clock::time_point first, last;
        int requests = 0;
    };
    std::vector<Burst> bursts;
    for (const auto &e : log) {
        if (bursts.empty() || e.request - bursts.back().last > std::chrono::milliseconds(200))
            bursts.push_back({e.request, e.answer, 0});
        bursts.back().last = std::max(bursts.back().last, e.answer);
        ++bursts.back().requests;
    }
    if (bursts.size() > 2) bursts = {bursts.begin() + 1, bursts.end() - 1};
    else bursts.clear();
    double req = 0, ms = 0;
    std::vector<double> each;
    for (const auto &b : bursts) {
        req += b.requests;
        each.push_back(std::chrono::duration<double, std::milli>(b.last - b.first).count());
        ms += each.back();
    }
    std::sort(each.begin(), each.end());
    const double n = bursts.empty() ? 1 : double(bursts.size());
    std::printf("STATS %zu %zu %.2f %.3f median %.3f\n", index, bursts.size(), req / n, ms / n,
                each.empty() ? 0.0 : each[each.size() / 2]);
}

} // namespace

int main(int argc, char **argv) {
    std::string map = "socomec_jbus", transport = "pty";
    int devices = 1, seconds = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--map") map = v;
        else if (k == "--transport") transport = v;
        else if (k == "--devices") devices = std::atoi(v.c_str());
        else if (k == "--seconds") seconds = std::atoi(v.c_str());
        else if (k == "--trace") g_trace = v == "1";
        else {
            std::fprintf(stderr, "modbus_sim: unknown option %s\n", k.c_str());
            return 2;
        }
    }
    if (devices < 1 || devices > 200 || seconds < 1 || seconds > 600 || (transport != "pty" && transport != "tcp")) {
        std::fprintf(stderr, "modbus_sim: --devices 1..200, --seconds 1..600, --transport pty|tcp\n");
        return 2;
    }
    const MapImage mi = image_of(map);
    std::vector<std::unique_ptr<ModbusRtuSlave>> rtu;
    std::vector<std::unique_ptr<ModbusTcpSlave>> tcp;
    for (int i = 0; i < devices; ++i) {
        if (transport == "pty") {
            auto s = std::make_unique<ModbusRtuSlave>();
            for (const auto &[a, w] : mi.image) s->set(mi.slave, a, w);
            if (!mi.ident.empty()) s->set_identification(mi.slave, mi.ident);
            std::printf("DEV %d %s %d\n", i, s->slave_path().c_str(), mi.slave);
            rtu.push_back(std::move(s));
        } else {
            auto s = std::make_unique<ModbusTcpSlave>();
            for (const auto &[a, w] : mi.image) s->set(mi.slave, a, w);
            std::printf("DEV %d 127.0.0.1:%u %d\n", i, s->port(), mi.slave);
            tcp.push_back(std::move(s));
        }
    }
    for (auto &s : rtu) s->record(true);
    for (auto &s : tcp) s->record(true);
    std::printf("READY\n");
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    for (size_t i = 0; i < rtu.size(); ++i) print_stats(i, rtu[i]->take_log());
    for (size_t i = 0; i < tcp.size(); ++i) print_stats(i, tcp[i]->take_log());
    std::fflush(stdout);
    return 0;
}
