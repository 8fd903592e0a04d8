#!/usr/bin/env bash
# Bad input to `kmm boot`: each case must fail with exit status 1 or 2,
# print a message naming the problem, and boot nothing.
set -u
kmm=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

expect() {	# expect STATUS "message part" -- args...
	local want=$1 msg=$2
	shift 3
	local out rc
	out=$("$kmm" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = "$want" ] && grep -qF -- "$msg" <<<"$out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: kmm $* -> status $rc, stderr: $out (wanted $want, '$msg')"
	fi
}

printf 'BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\nthis is not a map line\n' >"$tmp/garbage.txt"
printf 'BIOS-e820: [mem 0x0000000000100000-0x00000000000fffff] usable\n' >"$tmp/reversed.txt"
printf 'BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] reserved\n' >"$tmp/noram.txt"
printf '# nothing\n\n' >"$tmp/empty.txt"
printf 'BIOS-e820: [mem 0x0000000000000000-0x0020000000000000] usable\n' >"$tmp/huge.txt"
printf 'BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] bogus\n' >"$tmp/type.txt"
printf 'hello\n' >"$tmp/nolines.txt"

expect 1 "garbage.txt:2" -- boot --e820 "$tmp/garbage.txt"
expect 1 "reversed.txt:1" -- boot --e820 "$tmp/reversed.txt"
expect 1 "no usable RAM" -- boot --e820 "$tmp/noram.txt"
expect 1 "empty.txt" -- boot --e820 "$tmp/empty.txt"
expect 1 "huge.txt:1" -- boot --e820 "$tmp/huge.txt"
expect 1 "type.txt:1" -- boot --e820 "$tmp/type.txt"
expect 1 "no BIOS-e820 lines" -- boot --dmesg "$tmp/nolines.txt"
expect 1 "No such file" -- boot --dmesg "$tmp/missing.txt"
expect 1 "not a size" -- boot --mem 8Q
expect 1 "--nodes" -- boot --mem 8G --nodes 0
expect 1 "node" -- boot --mem 256M --nodes 16
expect 1 "CPU" -- boot --cpus 100000
expect 1 "--linux" -- boot --linux 2.4
expect 1 "--distance" -- boot --nodes 2 --distance "10,20;20"
expect 1 "node 0 to node 1 is 5" -- boot --nodes 2 --distance "10,5;5,10"
expect 1 "--llc 'big': expected a cache size" -- boot --llc big
expect 1 "the sharing CPU count must be 1 to" -- boot --llc 32M/0
expect 2 "unknown option" -- boot --frobnicate
expect 2 "needs a value" -- boot --mem
expect 2 "choose one" -- boot --e820 a --dmesg b
expect 2 "unknown command" -- reboot
expect 2 "unknown report" -- boot --quiet --report nosuch
# A machine that panics during boot: status 1, the panic named.
expect 1 "Cannot allocate" -- boot --mem 4G --initrd none --cmdline mem=4K
expect 1 "Cannot find place for new RAMDISK of size 8519680" -- boot --mem 4G --cmdline mem=4K
# The initrd: bad sizes, addresses and placements.
expect 1 "--initrd 'big': expected SIZE[@ADDR]" -- boot --initrd big
expect 1 "--initrd '8M@': the address after '@'" -- boot --initrd 8M@
expect 1 "initrd start 0x20000800 is not page aligned" -- boot --initrd 8M@0x20000800
expect 1 "overlaps the kernel image [mem 0x01000000-0x03bfffff]" -- boot --initrd 8M@0x2000000
expect 1 "no room for a 65536 KiB initrd in RAM between 1 MiB and 4 GiB" -- boot --mem 64M --initrd 64M
expect 1 "reaches beyond the 52-bit physical space" -- boot --initrd 8M@0xffffffffff000000

# A malformed early parameter is noted, as Linux does, and boot goes on.
out=$("$kmm" boot --mem 1G --cmdline "kernelcore= movablecore=1G splash foo=bar vt.handoff=7" 2>&1)
if grep -qF "Malformed early option 'kernelcore'" <<<"$out" &&
   grep -qF 'Unknown kernel command line parameters "splash foo=bar", will be passed to user space.' <<<"$out"; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
	echo "FAIL: early-option notes missing"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
