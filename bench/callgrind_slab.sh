#!/usr/bin/env bash
# Instructions per slab alloc+free pair, by difference of two callgrind
# runs of the same binary (boot and setup cancel out).
#
#   bench/callgrind_slab.sh [BIN] [--slub | --slab | --all]
#
# --slub or --slab: that kmm backend only (also KMM_SLAB=slub|slab);
# default --all: SLUB, SLAB, the floor, glibc and mimalloc (if installed).
set -eu
bin=build/kmm-bench-slab
who=${KMM_SLAB:-all}
for a in "$@"; do
	case $a in
	--slub) who=slub ;;
	--slab) who=slab ;;
	--all) who=all ;;
	-*) echo "usage: $0 [BIN] [--slub|--slab|--all]" >&2; exit 2 ;;
	*) bin=$a ;;
	esac
done
command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 0; }
case $who in
slub | slab) allocs=$who ;;
all) allocs="slub slab floor glibc mimalloc" ;;
*) echo "KMM_SLAB is slub, slab or all" >&2; exit 2 ;;
esac

run() {	# run N OP ALLOC: instructions, or nothing if it could not run
	local out
	out=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		"$bin" --callgrind "$1" "$2" "$3" 2>&1) || return 0
	echo "$out" | awk '/Collected/ { print $4 }' | tr -d ,
}
per() {	# per OP ALLOC N1 N2 [UNITS]: instructions per pair, or "-"
	a=$(run "$3" "$1" "$2")
	b=$(run "$4" "$1" "$2")
	if [ -n "$a" ] && [ -n "$b" ]; then
		echo $(( (b - a) / (($4 - $3) * ${5:-1}) ))
	else
		echo -
	fi
}

# Leave out what cannot run here (SLAB not built, mimalloc not installed).
avail=
for al in $allocs; do
	[ -n "$(run 1 cachepair256 "$al")" ] && avail="$avail $al"
done

echo "callgrind, instructions per alloc+free pair, by difference of two runs"
echo "(kmm: init_on_alloc=0; cachepair256 is kmem_cache_alloc+free for kmm, malloc(256)+free for the others):"
printf "  %-14s" op
for al in $allocs; do printf " %9s" "$al"; done
echo
for op in cachepair256 kmalloc8 kmalloc64 kmalloc256 kmalloc1024 kmalloc4096 kmalloc8192 kmalloc16384; do
	printf "  %-14s" "$op"
	for al in $allocs; do
		case " $avail " in
		*" $al "*) printf " %9s" "$(per "$op" "$al" 20000 60000)" ;;
		*) printf " %9s" - ;;
		esac
	done
	echo
done
echo "per object, N objects of 256 bytes allocated then freed (kmem_cache_alloc_bulk +"
echo "kmem_cache_free_bulk for kmm, loops of single calls for the others):"
for n in 1 16 128; do
	printf "  %-14s" "bulk$n"
	for al in $allocs; do
		case " $avail " in
		*" $al "*) printf " %9s" "$(per "bulk$n" "$al" $((40000 / n)) $((120000 / n)) "$n")" ;;
		*) printf " %9s" - ;;
		esac
	done
	echo
done
echo "  (-: not available, e.g. kmm's slab not built or the peer not installed)"
