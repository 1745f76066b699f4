// test_cpp_example.cpp: unit test of the C++ example plugin with the SDK's test host, from C++
// without a test framework (any framework works the same way: the test host is plain C).
// usage: test_cpp_example <path to nutpp-cpp_example.so>
#include <nutpp/testhost.h>

#include <cstdio>
#include <memory>
#include <string>

namespace {
int failures = 0;
void check(bool ok, const char *what, int line) {
    if (!ok) {
        std::fprintf(stderr, "test_cpp_example.cpp:%d: CHECK failed: %s\n", line, what);
        ++failures;
    }
}
#define CHECK(cond) check((cond), #cond, __LINE__)
std::string str(const char *s) { return s ? s : "<unset>"; }
} // namespace

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    std::unique_ptr<nutpp_th, decltype(&nutpp_th_free)> owner(nutpp_th_load(argv[1], "cpp"), nutpp_th_free);
    nutpp_th *th = owner.get();
    nutpp_th_config(th, "drain", "40");
    CHECK(nutpp_th_create(th) == NUTPP_OK);
    CHECK(nutpp_th_open(th) == NUTPP_OK);
    CHECK(nutpp_th_poll(th, NUTPP_WAKE_FIRST) == NUTPP_OK);
    CHECK(str(nutpp_th_status(th)) == "OL");

    // The battery test drains 40 % per poll: OB DISCHRG, then LB once under battery.charge.low.
    CHECK(nutpp_th_instcmd(th, "test.battery.start", nullptr) == NUTPP_OK);
    CHECK(nutpp_th_poll(th, NUTPP_WAKE_TIMER) == NUTPP_OK);
    CHECK(nutpp_th_has_status(th, "OB") && nutpp_th_has_status(th, "DISCHRG"));
    for (int i = 0; i < 5 && !nutpp_th_has_status(th, "LB"); ++i) nutpp_th_poll(th, NUTPP_WAKE_TIMER);
    CHECK(nutpp_th_has_status(th, "LB"));
    CHECK(nutpp_th_instcmd(th, "no.such.command", nullptr) == NUTPP_E_UNSUPPORTED);
    nutpp_th_destroy(th);
    for (size_t i = 0; i < nutpp_th_breach_count(th); ++i) std::fprintf(stderr, "breach: %s\n", nutpp_th_breach(th, i));
    CHECK(nutpp_th_breach_count(th) == 0);
    if (failures) std::fprintf(stderr, "%s", nutpp_th_dump(th));
    std::puts(failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
