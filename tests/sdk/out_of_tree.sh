#!/usr/bin/env bash
# The SDK as a third party sees it: install this build into a temp prefix, then build the example
# plugins OUT OF TREE against that prefix, with CMake (find_package(nutpp-sdk)) and with pkg-config
# (the example's Makefile); check that each plugin exports exactly one symbol, nutpp_driver_v1; and,
# when an upsdrvd binary is given, run the minimal plugin in it and talk to its driver socket.
#
# usage: out_of_tree.sh --source <repo> --build <build dir> [--cmake <cmake>] [--upsdrvd <path|"">]
# Set KEEP_TMP=1 to keep the temp dir for inspection.
set -euo pipefail

SOURCE= BUILD= CMAKE=cmake UPSDRVD=
while [ $# -gt 0 ]; do
    case "$1" in
    --source) SOURCE=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --cmake) CMAKE=$2; shift 2 ;;
    --upsdrvd) UPSDRVD=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
[ -n "$SOURCE" ] && [ -n "$BUILD" ] || { echo "usage: $0 --source DIR --build DIR [--cmake CMAKE] [--upsdrvd PATH]" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/nutpp-sdk-oot.XXXXXX")
DAEMON_PID=
cleanup() {
    # Stop only the upsdrvd this script started.
    if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
        kill "$DAEMON_PID" 2>/dev/null || true
        wait "$DAEMON_PID" 2>/dev/null || true
    fi
    if [ "${KEEP_TMP:-0}" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

step() { echo "=== $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

GEN=()
command -v ninja >/dev/null 2>&1 && GEN=(-G Ninja)
PREFIX=$TMP/prefix

step "install the build into $PREFIX"
"$CMAKE" --install "$BUILD" --prefix "$PREFIX" >"$TMP/install.log" 2>&1 || { cat "$TMP/install.log"; fail "cmake --install"; }
for f in include/nutpp/driver.h include/nutpp/driver.hpp include/nutpp/testhost.h; do
    [ -f "$PREFIX/$f" ] || fail "$f not installed"
done
CONFIG=$(find "$PREFIX" -path '*/cmake/nutpp-sdk/nutpp-sdk-config.cmake' | head -n1)
PC=$(find "$PREFIX" -name nutpp-sdk.pc | head -n1)
[ -n "$CONFIG" ] || fail "nutpp-sdk-config.cmake not installed"
[ -n "$PC" ] || fail "nutpp-sdk.pc not installed"
for f in nutpp-sdk-config-version.cmake nutpp-sdk-targets.cmake nutpp-driver.cmake nutpp-driver.map; do
    [ -f "$(dirname "$CONFIG")/$f" ] || fail "$f not installed next to nutpp-sdk-config.cmake"
done
# The author's guide and the examples are installed with the headers; the builds below use those copies.
DOCDIR=$(find "$PREFIX" -path '*/doc/nutpp-sdk' -type d | head -n1)
[ -n "$DOCDIR" ] && [ -f "$DOCDIR/README.md" ] || fail "the SDK guide (share/doc/nutpp-sdk/README.md) is not installed"
for f in examples/minimal/minimal.c examples/minimal/CMakeLists.txt examples/minimal/Makefile examples/cpp/cpp_example.cpp \
         examples/netups/netups.c examples/netups/test_netups.c examples/netups/netups_sim.c; do
    [ -f "$DOCDIR/$f" ] || fail "$f not installed under $DOCDIR"
done
# Nothing of the build tree may leak into the installed package.
if grep -rl -- "$SOURCE" "$(dirname "$CONFIG")" "$PC"; then fail "installed package files mention the source tree"; fi

step "pkg-config metadata"
export PKG_CONFIG_PATH=$(dirname "$PC")
LIBDIR=$(pkg-config --variable=libdir nutpp-sdk)
DRIVERDIR=$(pkg-config --variable=driverdir nutpp-sdk)
CFLAGS_PC=$(pkg-config --cflags nutpp-sdk); CFLAGS_PC=${CFLAGS_PC%"${CFLAGS_PC##*[! ]}"} # pkgconf appends a space
[ "$CFLAGS_PC" = "-I$PREFIX/include" ] || fail "Cflags: [$CFLAGS_PC]"
[ "$DRIVERDIR" = "$LIBDIR/nutpp/drivers" ] || fail "driverdir $DRIVERDIR is not \$libdir/nutpp/drivers"
[ "$(dirname "$PC")" = "$LIBDIR/pkgconfig" ] || fail "libdir $LIBDIR does not hold the .pc file"
[ -f "$(pkg-config --variable=exportmap nutpp-sdk)" ] || fail "exportmap variable does not name a file"
pkg-config --atleast-version=1.0 nutpp-sdk || fail "version $(pkg-config --modversion nutpp-sdk) < 1.0"

# exactly one exported defined symbol: nutpp_driver_v1
check_exports() {
    local so=$1 syms
    [ -f "$so" ] || fail "$so was not built"
    syms=$(nm -D --defined-only "$so" | awk '{print $NF}' | sort -u | tr '\n' ' ')
    [ "$syms" = "nutpp_driver_v1 " ] || fail "$so exports [$syms], expected only nutpp_driver_v1"
    echo "ok: $so exports only nutpp_driver_v1"
}

build_with_cmake() { # <example dir name> <plugin file>
    local name=$1 so=$2
    step "CMake build of sdk/examples/$name out of tree"
    cp -r "$DOCDIR/examples/$name" "$TMP/src-$name"
    "$CMAKE" -S "$TMP/src-$name" -B "$TMP/build-$name" "${GEN[@]}" -DCMAKE_PREFIX_PATH="$PREFIX" \
        -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_BUILD_TYPE=Release >"$TMP/$name.log" 2>&1 ||
        { cat "$TMP/$name.log"; fail "configure $name"; }
    # find_package must have found the temp install, not some other nutpp on the machine.
    grep -q "^nutpp-sdk_DIR:PATH=$(dirname "$CONFIG")\$" "$TMP/build-$name/CMakeCache.txt" ||
        fail "$name: nutpp-sdk found at $(grep '^nutpp-sdk_DIR' "$TMP/build-$name/CMakeCache.txt")"
    "$CMAKE" --build "$TMP/build-$name" >>"$TMP/$name.log" 2>&1 || { cat "$TMP/$name.log"; fail "build $name"; }
    check_exports "$TMP/build-$name/$so"
    # The example's own unit test, on the INSTALLED test host (nutpp::testhost).
    (cd "$TMP/build-$name" && "$(dirname "$CMAKE")/ctest" --output-on-failure) >>"$TMP/$name.log" 2>&1 ||
        { cat "$TMP/$name.log"; fail "$name: its test-host test failed"; }
    echo "ok: $name's test-host test passed against the installed libnutpp-testhost"
    "$CMAKE" --install "$TMP/build-$name" >>"$TMP/$name.log" 2>&1 || { cat "$TMP/$name.log"; fail "install $name"; }
    [ -f "$DRIVERDIR/$so" ] || fail "$so not installed into the driver dir $DRIVERDIR"
}

build_with_cmake minimal nutpp-minimal.so
build_with_cmake cpp nutpp-cpp_example.so
build_with_cmake netups nutpp-netups.so

step "pkg-config/Makefile build of sdk/examples/minimal out of tree"
cp -r "$DOCDIR/examples/minimal" "$TMP/make-minimal"
make -C "$TMP/make-minimal" >"$TMP/make.log" 2>&1 || { cat "$TMP/make.log"; fail "make"; }
check_exports "$TMP/make-minimal/nutpp-minimal.so"
make -C "$TMP/make-minimal" install DESTDIR="$TMP/destdir" >>"$TMP/make.log" 2>&1 || { cat "$TMP/make.log"; fail "make install"; }
[ -f "$TMP/destdir$DRIVERDIR/nutpp-minimal.so" ] || fail "make install did not use driverdir"

if [ -z "$UPSDRVD" ]; then
    echo "no upsdrvd given: skipping the run of the plugin"
    exit 0
fi

step "upsdrvd --describe on the out-of-tree plugins"
"$UPSDRVD" --plugin-dir "$DRIVERDIR" --describe minimal >"$TMP/describe.txt" 2>&1 || { cat "$TMP/describe.txt"; fail "describe minimal"; }
grep -q '^plugin: *minimal$' "$TMP/describe.txt" || { cat "$TMP/describe.txt"; fail "describe: plugin name"; }
grep -q '^  voltage (number, default 230)$' "$TMP/describe.txt" || { cat "$TMP/describe.txt"; fail "describe: voltage key"; }
"$UPSDRVD" --describe "$TMP/make-minimal/nutpp-minimal.so" >/dev/null 2>&1 || fail "describe the Makefile-built plugin"
"$UPSDRVD" --plugin-dir "$DRIVERDIR" --describe cpp_example >"$TMP/describe-cpp.txt" 2>&1 || { cat "$TMP/describe-cpp.txt"; fail "describe cpp_example"; }

step "run the minimal plugin in upsdrvd"
mkdir -p "$TMP/run"
cat >"$TMP/nutpp.yaml" <<EOF
state_dir: $TMP/run
devices:
  mini:
    driver: minimal
    port: none
    voltage: 120
    pollinterval: 1
EOF
"$UPSDRVD" -F -f "$TMP/nutpp.yaml" --plugin-dir "$DRIVERDIR" >"$TMP/upsdrvd.log" 2>&1 &
DAEMON_PID=$!
SOCK=$TMP/run/minimal-mini
for _ in $(seq 100); do
    [ -S "$SOCK" ] && "$UPSDRVD" -f "$TMP/nutpp.yaml" --dump mini >"$TMP/dump.txt" 2>/dev/null &&
        grep -q '^ups.status: OL$' "$TMP/dump.txt" && break
    kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$TMP/upsdrvd.log"; fail "upsdrvd exited"; }
    sleep 0.1
done
expect_var() { grep -Fqx "$1: $2" "$TMP/dump.txt" || { cat "$TMP/dump.txt" "$TMP/upsdrvd.log"; fail "expected '$1: $2'"; }; }
expect_var ups.status OL
expect_var input.voltage 120.0
expect_var input.voltage.nominal 120
expect_var battery.charge 100
expect_var ups.delay.shutdown 20
expect_var driver.name minimal
expect_var driver.parameter.voltage 120

# SET / INSTCMD over the driver socket (NUT's driver protocol), checking TRACKING results.
command -v python3 >/dev/null 2>&1 || { echo "no python3: skipping SET/INSTCMD checks"; exit 0; }
tracking() { # <request line> <id> -> prints the result code
    python3 - "$SOCK" "$1" "$2" <<'PY'
import socket, sys, time
path, line, tid = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(path)
s.sendall((line + "\n").encode())
buf, deadline = b"", time.time() + 5
while time.time() < deadline:
    chunk = s.recv(4096)
    if not chunk:
        break
    buf += chunk
    for l in buf.decode(errors="replace").splitlines():
        parts = l.split()
        if len(parts) == 3 and parts[0] == "TRACKING" and parts[1] == tid:
            print(parts[2])
            sys.exit(0)
print("none")
PY
}
[ "$(tracking 'SET ups.delay.shutdown "60" TRACKING t1' t1)" = 0 ] || fail "SET ups.delay.shutdown 60 not accepted"
[ "$(tracking 'SET ups.delay.shutdown "9999" TRACKING t2' t2)" != 0 ] || fail "out-of-range SET was accepted"
[ "$(tracking 'INSTCMD test.battery.start.quick TRACKING t3' t3)" = 0 ] || fail "INSTCMD not accepted"
[ "$(tracking 'INSTCMD load.off TRACKING t4' t4)" != 0 ] || fail "undeclared INSTCMD was accepted"
"$UPSDRVD" -f "$TMP/nutpp.yaml" --dump mini >"$TMP/dump.txt"
expect_var ups.delay.shutdown 60
expect_var ups.test.result "Done and passed"

kill "$DAEMON_PID"
wait "$DAEMON_PID" || fail "upsdrvd did not exit cleanly on SIGTERM"
DAEMON_PID=
echo "PASS"
