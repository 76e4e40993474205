# The front door. `make run` and `make test` are the whole set-up on a fresh Debian 12.
PRESET ?= release
BUILD   := build/$(PRESET)
RIIK    := $(BUILD)/riik
JOBS    ?= $(shell nproc)
DIR     ?= riik-data
PORT_BASE ?= 7000

# Unity build (CMakeLists.txt): less compile time for a clean build; UNITY=OFF for
# quicker rebuilds of one changed file while developing.
UNITY ?= ON

FUZZ_SECONDS ?= 60
# How long each fuzzer runs inside `make test` (the release preset only; 0: not there).
TEST_FUZZ_SECONDS ?= 10
# More of ctest's arguments for `make test`, e.g. CTEST_ARGS="-LE fuzz" (all but the
# fuzzers, which the asan tree holds too).
CTEST_ARGS ?=

.PHONY: all deps build run test test-asan bench fuzz fuzz-build fuzz-asan clean format

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja: CMakeLists.txt CMakePresets.json
	cmake --preset $(PRESET) -DRIIK_UNITY_BUILD=$(UNITY) $(if $(CI),-DRIIK_WERROR=ON -DRIIK_LINE_TABLES=ON)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(RIIK) up --dir $(DIR) --port-base $(PORT_BASE)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600 $(CTEST_ARGS)
ifeq ($(PRESET),release)
ifneq ($(TEST_FUZZ_SECONDS),0)
	$(MAKE) fuzz FUZZ_SECONDS=$(TEST_FUZZ_SECONDS)
endif
endif

# The suite under ASan + UBSan, and the fuzzers, which the asan tree builds too (each
# for a fixed number of inputs: fuzz/CMakeLists.txt).
test-asan:
	$(MAKE) test PRESET=asan

# The asan tree's fuzzers alone, once `make build PRESET=asan` has built them.
fuzz-asan:
	cd build/asan/fuzz && ctest --output-on-failure --no-tests=error -j $(JOBS)

bench: build
	bench/run-all $(BUILD)

# Every fuzzer under libFuzzer (clang, ASan+UBSan) for FUZZ_SECONDS each, as ctest tests
# of the fuzz build, each from a copy of its seed corpus; crashes land in
# build/fuzz/fuzz/ctest/<name>/artifacts/; the seeds named valid_* must be accepted first.
fuzz: fuzz-build
	cd build/fuzz && ctest --output-on-failure -j $(JOBS) --timeout $$(( $(FUZZ_SECONDS) + 300 ))

fuzz-build: deps
	cmake --preset fuzz -DRIIK_FUZZ_SECONDS=$(FUZZ_SECONDS) -DRIIK_UNITY_BUILD=$(UNITY) $(if $(CI),-DRIIK_LINE_TABLES=ON)
	cmake --build build/fuzz -j $(JOBS) --target fuzzers

clean:
	rm -rf build

format:
	find src tests bench fuzz -name '*.h' -o -name '*.cc' | xargs clang-format -i
