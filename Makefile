# The front door. `make run` and `make test` are the whole set-up on a fresh Debian 12.
PRESET ?= release
BUILD   := build/$(PRESET)
RIIK    := $(BUILD)/riik
JOBS    ?= $(shell nproc)
DIR     ?= riik-data
PORT_BASE ?= 7000

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

clean:
	rm -rf build

format:
	find src tests bench fuzz -name '*.h' -o -name '*.cc' | xargs clang-format -i
