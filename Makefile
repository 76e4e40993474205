# The front door. `make run` and `make test` are the whole set-up on a fresh Debian 12.
PRESET ?= release
BUILD   := build/$(PRESET)
RIIK    := $(BUILD)/riik
JOBS    ?= $(shell nproc)
DIR     ?= riik-data
PORT_BASE ?= 7000

FUZZ_SECONDS ?= 60

.PHONY: all deps build run test test-asan bench fuzz clean format

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja: CMakeLists.txt CMakePresets.json
	cmake --preset $(PRESET) $(if $(CI),-DRIIK_WERROR=ON)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(RIIK) up --dir $(DIR) --port-base $(PORT_BASE)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

test-asan:
	$(MAKE) test PRESET=asan

bench: build
	bench/run-all $(BUILD)

# Every fuzzer under libFuzzer (clang) for FUZZ_SECONDS each, starting from a copy of
# its seed corpus; crashes land in build/fuzz/artifacts/. make test replays the corpora.
fuzz: deps
	cmake --preset fuzz
	cmake --build build/fuzz -j $(JOBS)
	@mkdir -p build/fuzz/artifacts
	@for f in fuzz/*_fuzz.cc; do n=$$(basename $$f .cc); c=build/fuzz/corpus/$${n%_fuzz}; \
	  mkdir -p $$c && cp fuzz/$${n%_fuzz}_corpus/* $$c/ && \
	  echo "== $$n ($(FUZZ_SECONDS) s)" && \
	  build/fuzz/fuzz/$$n $$c -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	    -artifact_prefix=build/fuzz/artifacts/$$n- >build/fuzz/$$n.log 2>&1; rc=$$?; \
	  tail -1 build/fuzz/$$n.log; [ $$rc = 0 ] || { echo "$$n failed: see build/fuzz/$$n.log"; exit $$rc; }; done

clean:
	rm -rf build

format:
	find src tests bench fuzz -name '*.h' -o -name '*.cc' | xargs clang-format -i
