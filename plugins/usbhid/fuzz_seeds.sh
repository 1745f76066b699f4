#!/bin/sh
# fuzz_seeds.sh OUTDIR FILE.hex... -- turns the test data's report descriptor dumps (hex bytes,
# '#' comment lines) into seeds for usbhid_descriptor_fuzzer: a first byte of 0xff makes the whole
# rest the descriptor (see fuzz_descriptor.cpp).
set -e
out=$1
shift
mkdir -p "$out"
for f in "$@"; do
    perl -ne 'next if /^\s*#/; $h .= join "", /([0-9a-fA-F]{2})/g; END { print "\xff", pack("H*", $h) }' \
        "$f" >"$out/$(basename "$f" .hex)"
done
