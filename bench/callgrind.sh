#!/usr/bin/env bash
# Instructions per order-0 alloc+free pair, by difference of two callgrind
# runs of the same binary (boot cost cancels out).
set -eu
bin=${1:-build/kmm-bench-page-alloc}
command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 0; }
run() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" --callgrind "$1" 2>&1 |
		awk '/Collected/ { print $4 }' | tr -d ,
}
a=$(run 100000)
b=$(run 300000)
echo "order-0 alloc+free pair: $(( (b - a) / 200000 )) instructions (callgrind, init_on_alloc=0)"
