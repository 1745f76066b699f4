#!/bin/sh
# packaging_deb: builds the Debian packages (nutpp, nutpp-dev) with cpack in a build directory of its
# own (so it never races the main build's links), lints them, then - in a throwaway root (an overlay
# of / in a private mount and network namespace, so this machine is left as it was) - installs them
# with dpkg -i, checks the service account and the conffile, runs the installed demo configuration,
# builds the SDK example out of tree against nutpp-dev, purges both and checks nothing is left.
#   deb_test.sh SOURCE_DIR MAIN_BUILD_DIR
set -eu
SRC=$1
MAIN_BUILD=$2
skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || skip "packaging_deb needs root (dpkg -i into a throwaway overlay root)"
for tool in cpack dpkg-deb dpkg-shlibdeps lintian unshare chroot flock ip; do
    command -v "$tool" >/dev/null || skip "$tool is not installed"
done

# Next to the main build, at the same depth, so ccache (base_dir) finds the main build's objects.
PKG="${MAIN_BUILD%/}-deb"
mkdir -p "$PKG"
# One packaging build at a time (two ctest runs sharing a build tree).
exec 9>"$PKG/lock"
flock 9

# --- Build and package (ccache as the main build uses it, when present) ---
launcher=""
command -v ccache >/dev/null && launcher="-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache"
# shellcheck disable=SC2086
cmake -S "$SRC" -B "$PKG" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
    -DNUTPP_DEB_PACKAGE=ON -DBUILD_TESTING=OFF $launcher >"$PKG/configure.log" 2>&1 \
    || { tail -30 "$PKG/configure.log"; fail "configure"; }
cmake --build "$PKG" -j2 >"$PKG/build.log" 2>&1 || { tail -40 "$PKG/build.log"; fail "build"; }
rm -f "$PKG"/*.deb
(cd "$PKG" && cpack -G DEB) >"$PKG/cpack.log" 2>&1 || { tail -40 "$PKG/cpack.log"; fail "cpack"; }
MAIN_DEB=$(ls "$PKG"/nutpp_*.deb)
DEV_DEB=$(ls "$PKG"/nutpp-dev_*.deb)
echo "built: $(basename "$MAIN_DEB") $(basename "$DEV_DEB")"

# --- Contents ---
dpkg-deb -c "$MAIN_DEB" | awk '{print $1, $2, $6}' >"$PKG/nutpp.contents"
dpkg-deb -c "$DEV_DEB" | awk '{print $1, $2, $6}' >"$PKG/nutpp-dev.contents"
need() { grep -q " $2\$" "$PKG/$1.contents" || fail "$1 lacks $2"; }
for f in usr/sbin/upsdrvd usr/sbin/upsd usr/sbin/upsmon usr/sbin/nutpp usr/bin/upsc usr/bin/upscmd usr/bin/upsrw \
         lib/systemd/system/nutpp-upsdrvd.service lib/systemd/system/nutpp-upsd.service \
         lib/systemd/system/nutpp-upsmon.service lib/udev/rules.d/62-nutpp-usbhid.rules \
         etc/nutpp/nutpp.yaml usr/share/nutpp/demo/demo.yaml usr/share/doc/nutpp/copyright \
         usr/share/man/man8/nutpp.8.gz usr/share/man/man5/nutpp.yaml.5.gz usr/share/man/man1/upsc.1.gz; do
    need nutpp "./$f"
done
for p in usbhid serial snmp modbus sim; do
    grep -q "/nutpp/drivers/nutpp-$p.so\$" "$PKG/nutpp.contents" || fail "nutpp lacks the $p plugin"
done
for f in usr/include/nutpp/driver.h usr/share/pkgconfig/nutpp-sdk.pc usr/share/doc/nutpp-dev/copyright; do
    case $f in usr/share/pkgconfig/*) grep -q "pkgconfig/nutpp-sdk.pc\$" "$PKG/nutpp-dev.contents" || fail "nutpp-dev lacks nutpp-sdk.pc" ;;
    *) need nutpp-dev "./$f" ;; esac
done
grep -q "nutpp-sdk-config.cmake\$" "$PKG/nutpp-dev.contents" || fail "nutpp-dev lacks the CMake package"
if grep -q "/usr/include/\|nutpp-sdk-config" "$PKG/nutpp.contents"; then fail "SDK files in nutpp"; fi
dpkg-deb -f "$MAIN_DEB" Conflicts | grep -q nut-server || fail "nutpp does not declare its conflict with nut-server"
dpkg-deb -I "$MAIN_DEB" conffiles | grep -qx /etc/nutpp/nutpp.yaml || fail "/etc/nutpp/nutpp.yaml is not a conffile"

# --- Lintian: no errors ---
lintian --fail-on error --no-tag-display-limit "$MAIN_DEB" "$DEV_DEB" >"$PKG/lintian.log" 2>&1 \
    || { cat "$PKG/lintian.log"; fail "lintian reports errors"; }
echo "lintian: $(grep -c '^E:' "$PKG/lintian.log" || true) errors, $(grep -c '^W:' "$PKG/lintian.log" || true) warnings"

# --- Install, use, purge: in a throwaway root ---
ROOT=$(mktemp -d /tmp/nutpp-deb-root.XXXXXX)
cp "$MAIN_DEB" "$DEV_DEB" "$ROOT/"
cat >"$ROOT/inside.sh" <<'INSIDE'
set -eu
fail() { echo "FAIL (in the package root): $*"; exit 1; }
cd /pkgs
ip link set lo up
# NUT ships the same program names; the package conflicts with it. Remove it here (this root is
# thrown away), and its account too, so the package's own account handling is what we test.
dpkg --remove --force-depends nut-snmp nut-modbus nut-server nut-client >/dev/null 2>&1 || true
if getent passwd nut >/dev/null; then userdel nut; fi
if getent group nut >/dev/null; then groupdel nut; fi

dpkg -i nutpp_*.deb nutpp-dev_*.deb || fail "dpkg -i"
getent passwd nut >/dev/null || fail "no service account nut after install"
[ "$(stat -c '%U:%G %a' /etc/nutpp/nutpp.yaml)" = "root:nut 640" ] \
    || fail "/etc/nutpp/nutpp.yaml is $(stat -c '%U:%G %a' /etc/nutpp/nutpp.yaml), not root:nut 640"
if ls /etc/systemd/system/*.wants/nutpp-* >/dev/null 2>&1; then fail "a nutpp unit was enabled on install"; fi
man -w nutpp >/dev/null 2>&1 || [ -f /usr/share/man/man8/nutpp.8.gz ] || fail "no nutpp man page"

# The demo, exactly as installed (its port 3493 is this namespace's own).
/usr/sbin/nutpp run -f /usr/share/nutpp/demo/demo.yaml >/tmp/demo.log 2>&1 &
demo=$!
ok=""
for i in $(seq 1 100); do
    if [ "$(/usr/bin/upsc demo@127.0.0.1 ups.status 2>/dev/null)" = "OL" ]; then ok=1; break; fi
    sleep 0.2
done
[ -n "$ok" ] || { cat /tmp/demo.log; kill "$demo"; fail "the installed demo does not serve demo@127.0.0.1"; }
/usr/bin/upsc -l 127.0.0.1 | grep -qx powerfail || { kill "$demo"; fail "upsc -l does not list powerfail"; }
kill "$demo"
wait "$demo" || true
echo "demo: upsc demo@127.0.0.1 ups.status = OL"

# The SDK example, out of tree, against the installed nutpp-dev: CMake and pkg-config.
cp -r /usr/share/doc/nutpp-sdk/examples/minimal /tmp/minimal
cmake -S /tmp/minimal -B /tmp/minimal/build >/tmp/sdk.log 2>&1 && cmake --build /tmp/minimal/build >>/tmp/sdk.log 2>&1 \
    || { cat /tmp/sdk.log; fail "the SDK example does not build with CMake"; }
so=$(find /tmp/minimal/build -name 'nutpp-minimal.so' | head -1)
[ -n "$so" ] || fail "no nutpp-minimal.so"
/usr/sbin/upsdrvd --describe "$so" >/tmp/describe.log 2>&1 || { cat /tmp/describe.log; fail "upsdrvd --describe the SDK example"; }
pkg-config --cflags nutpp-sdk >/dev/null || fail "pkg-config nutpp-sdk"
echo "sdk: $(basename "$so") built out of tree and loaded by the installed upsdrvd"

dpkg --purge nutpp-dev nutpp >/dev/null || fail "dpkg --purge"
for p in /etc/nutpp /var/lib/nutpp /usr/sbin/upsdrvd /usr/lib/x86_64-linux-gnu/nutpp /lib/systemd/system/nutpp-upsd.service; do
    [ ! -e "$p" ] || fail "$p is left after purge"
done
if getent passwd nut >/dev/null; then fail "the account nut (made by the package) is left after purge"; fi
if dpkg-statoverride --list /etc/nutpp/nutpp.yaml >/dev/null 2>&1; then fail "statoverride left after purge"; fi
echo "purge: nothing left"
INSIDE
status=0
unshare -m -n --propagation private sh -c '
    set -e
    R=$1
    mkdir -p "$R/t" && mount -t tmpfs none "$R/t"
    mkdir -p "$R/t/upper" "$R/t/work" "$R/t/root"
    mount -t overlay overlay -o "lowerdir=/,upperdir=$R/t/upper,workdir=$R/t/work" "$R/t/root"
    for d in proc dev sys; do mount --rbind "/$d" "$R/t/root/$d"; done
    mount -t tmpfs none "$R/t/root/run"
    mkdir -p "$R/t/root/pkgs"
    mount --bind "$R" "$R/t/root/pkgs"
    exec chroot "$R/t/root" sh /pkgs/inside.sh
' sh "$ROOT" || status=$?
rm -rf "$ROOT"
[ "$status" = 0 ] || fail "install/use/purge (status $status)"
echo "PASS: packaging_deb"
