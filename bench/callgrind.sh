#!/usr/bin/env bash
# Instructions per order-0 alloc+free pair, by difference of two callgrind
# runs of the same binary (boot cost cancels out).
set -eu
bin=${1:-build/kmm-bench-page-alloc}
command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 0; }
run() {	# run N OP
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" --callgrind "$1" "$2" 2>&1 |
		awk '/Collected/ { print $4 }' | tr -d ,
}
per() {	# per OP N1 N2 UNITS-PER-OP LABEL
	a=$(run "$2" "$1")
	b=$(run "$3" "$1")
	echo "$5: $(( (b - a) / (($3 - $2) * $4) )) instructions"
}
echo "callgrind, init_on_alloc=0, by difference of two runs:"
per pair0 100000 300000 1 "  order-0 alloc+free pair"
per pair3 50000 150000 1 "  order-3 alloc+free pair"
per pair9 5000 15000 1 "  order-9 alloc+free pair"
per pair10 2000 6000 1 "  order-10 alloc+free pair"
per bulk64 2000 6000 64 "  alloc_pages_bulk(64) + frees, per page"
