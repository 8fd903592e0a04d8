# kmm — thin wrapper over CMake.  `make` builds everything into build/,
# `make run` boots the built-in default machine, `make test` runs every test.
BUILD   ?= build
CMAKE   ?= cmake
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
CC      ?= cc
TYPE    ?= RelWithDebInfo

.PHONY: all run test bench clean deps asan tsan clang

all: $(BUILD)/Makefile
	@$(CMAKE) --build $(BUILD) -j$(JOBS)

$(BUILD)/Makefile: CMakeLists.txt | deps
	@$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(TYPE) -DCMAKE_C_COMPILER=$(CC) >/dev/null

# Install the tools a fresh Debian machine of this kind may lack.
deps:
	@command -v $(CMAKE) >/dev/null 2>&1 && command -v $(CC) >/dev/null 2>&1 || \
		(apt-get update -qq && apt-get install -y -qq cmake gcc make >/dev/null)

run: all
	@$(BUILD)/kmm boot --workload --report zoneinfo,pagetypeinfo,meminfo,slabinfo,vmallocinfo

test: all
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

bench: all
	@$(BUILD)/kmm-bench-boot
	@$(BUILD)/kmm-bench-page-alloc
	@$(BUILD)/kmm-bench-vmalloc
	@bash bench/callgrind.sh $(BUILD)/kmm-bench-page-alloc
	@$(BUILD)/kmm-bench-slab
	@bash bench/callgrind_slab.sh $(BUILD)/kmm-bench-slab

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan TYPE=Asan test

tsan:
	@$(MAKE) --no-print-directory BUILD=build-tsan TYPE=Tsan test

clang:
	@$(MAKE) --no-print-directory BUILD=build-clang CC=clang test

clean:
	rm -rf build build-asan build-tsan build-clang
