#!/usr/bin/env bash
# `kmm boot` end to end: the default machine (what `make run` shows), the
# host's own firmware map, a captured log, and the output options.
set -u
kmm=$1
src=$2
pass=0
fail=0
check() {	# check "what" command...  (command's status 0 = pass)
	local what=$1
	shift
	if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what"; fi
}

out=$("$kmm" boot --report zoneinfo)
check "default machine boots with 2 nodes" grep -q "^Built 2 zonelists, mobility grouping on." <<<"$out"
check "default machine prints zoneinfo" grep -q "^Node 1, zone   Normal$" <<<"$out"
check "zoneinfo has a node per SRAT node" test "$(grep -c '^Node 0, zone' <<<"$out")" = 5

w=$("$kmm" boot --quiet --workload)
check "--workload prints buddyinfo before and after" test "$(grep -c '^Node 1, zone   Normal ' <<<"$w")" = 2
r=$("$kmm" boot --quiet --report buddyinfo,pagetypeinfo,meminfo,vmstat)
check "every report prints" grep -q "^MemTotal: " <<<"$r"
check "pagetypeinfo header" grep -q "^Page block order: 9$" <<<"$r"
check "vmstat lines" grep -q "^pgfree [0-9]" <<<"$r"

z1=$("$kmm" boot --quiet --report zoneinfo | awk '/zone   Normal/ {f=1} f && / min / {print $2; exit}')
z2=$("$kmm" boot --quiet --sysctl vm.min_free_kbytes=131072 --report zoneinfo | awk '/zone   Normal/ {f=1} f && / min / {print $2; exit}')
check "--sysctl vm.min_free_kbytes raises the min watermark" test "$z2" -gt "$z1"
"$kmm" boot --quiet --sysctl vm.nosuch=1 2>/dev/null
check "--sysctl with an unknown name fails" test $? = 1

# The initrd: reserved at boot (the Memory: line), freed at rootfs_initcall.
i0=$("$kmm" boot --initrd none --report meminfo)
i1=$("$kmm" boot --initrd 16M@0x20000000 --report meminfo)
i2=$("$kmm" boot --initrd 16M@0x20000000 --cmdline retain_initrd --report meminfo)
check "--initrd places the RAMDISK" grep -qx "RAMDISK: \[mem 0x20000000-0x20ffffff\]" <<<"$i1"
check "the initrd is freed" grep -qx "Freeing initrd memory: 16384K" <<<"$i1"
check "--initrd none: no RAMDISK line" test -z "$(grep RAMDISK <<<"$i0")"
r0=$(sed -n 's/.* \([0-9]*\)K reserved.*/\1/p' <<<"$i0")
r1=$(sed -n 's/.* \([0-9]*\)K reserved.*/\1/p' <<<"$i1")
check "the Memory: line counts the initrd as reserved" test "$((r1 - r0))" = 16384
t0=$(awk '/^MemTotal:/ {print $2}' <<<"$i0")
t1=$(awk '/^MemTotal:/ {print $2}' <<<"$i1")
t2=$(awk '/^MemTotal:/ {print $2}' <<<"$i2")
check "MemTotal gets the freed initrd back" test "$t1" = "$t0"
check "retain_initrd keeps it out of MemTotal" test "$((t1 - t2))" = 16384
check "retain_initrd: nothing freed" test -z "$(grep 'Freeing initrd' <<<"$i2")"

q=$("$kmm" boot --quiet --report zoneinfo)
check "--quiet prints only the report" test "$(head -1 <<<"$q")" = "Node 0, zone      DMA"

c=$("$kmm" boot --console --cmdline quiet)
check "--console with quiet hides info lines" test -z "$(grep 'Zone ranges' <<<"$c")"
c=$("$kmm" boot --console)
check "--console without quiet shows them" grep -q "Zone ranges" <<<"$c"

l=$("$kmm" boot --levels)
check "--levels prefixes records" grep -q "^<7>e820: update \[mem 0x00000000-0x00000fff\] usable ==> reserved" <<<"$l"

d=$("$kmm" boot --cmdline memblock=debug)
check "memblock=debug dumps memblock" grep -q "^MEMBLOCK configuration:" <<<"$d"

v=$("$kmm" boot --dmesg "$src/fixtures/dmesg/sunfire-x4600m2-5.11-8node-128g.txt")
check "a 5.11 log boots with its version's formats" grep -q "^Zeroed struct page in unavailable ranges: 200 pages" <<<"$v"
v=$("$kmm" boot --dmesg "$src/fixtures/dmesg/sunfire-x4600m2-5.11-8node-128g.txt" --linux 6.12)
check "--linux overrides the log's version" grep -q "^Fallback order for Node 7:" <<<"$v"

s=$("$kmm" boot --quiet --report slabinfo)
check "--report slabinfo prints version 2.1" test "$(head -1 <<<"$s")" = "slabinfo - version: 2.1"
check "slabinfo lists the kmalloc caches" grep -q "^kmalloc-96  *[0-9]* *[0-9]*     96   42    1 : tunables    0    0    0 : slabdata" <<<"$s"
v=$("$kmm" boot --quiet --report vmallocinfo,meminfo)
check "--report vmallocinfo is known (no areas right after boot)" test "$?" = 0
check "meminfo has VmallocTotal of 4-level paging" grep -q "^VmallocTotal:   34359738367 kB$" <<<"$v"
w=$("$kmm" boot --quiet --workload)
check "--workload shows the busiest slab caches" grep -q "^== busiest slab caches (slabtop) ==" <<<"$w"
b=$("$kmm" boot --cmdline "slub_debug=FZPU slub_max_order=1")
check "slub_ parameters reach the SLUB line" grep -q "^SLUB: HWalign=64, Order=0-1, MinObjects=0," <<<"$b"

if [ -r /sys/firmware/memmap/0/start ]; then
	h=$("$kmm" boot --host)
	want=$(for dd in $(ls /sys/firmware/memmap | sort -n); do
		printf 'BIOS-e820: [mem 0x%016x-0x%016x]\n' "$(cat /sys/firmware/memmap/$dd/start)" "$(cat /sys/firmware/memmap/$dd/end)"
	done | sort)
	got=$(grep '^BIOS-e820' <<<"$h" | sed 's/\] .*/]/' | sort)
	check "--host boots this host's firmware map" test "$want" = "$got"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
