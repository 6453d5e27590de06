# A thin wrapper over meson.  The two commands a newcomer needs:
#   make bench   install what is missing, build, run bench/default.yaml
#   make test    install what is missing, build, run every test
BUILD ?= build

.PHONY: all deps build bench quick test clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

bench: build
	$(BUILD)/ipcbench run bench/default.yaml

quick: build
	$(BUILD)/ipcbench run bench/quick.yaml

test: build
	@rc=0; meson test -C $(BUILD) --print-errorlogs || rc=$$?; \
	scripts/test-summary $(BUILD); exit $$rc

clean:
	rm -rf $(BUILD)
