# A thin wrapper over meson.  The two commands a newcomer needs:
#   make bench   install what is missing, build, run bench/default.yaml
#   make test    install what is missing, build, run every test
# and `make charts [RUN=results/DIR]` redraws the charts and report.html
# of a run (default: the latest) from its files.
BUILD ?= build

.PHONY: all deps build bench quick charts test clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Charts also after a failed case (exit 1): the other cases are measured.
bench: build
	@rc=0; $(BUILD)/ipcbench run bench/default.yaml || rc=$$?; \
	if [ $$rc -le 1 ]; then scripts/charts || exit $$?; fi; exit $$rc

quick: build
	$(BUILD)/ipcbench run bench/quick.yaml

charts:
	scripts/charts $(RUN)

test: build
	@rc=0; meson test -C $(BUILD) --print-errorlogs || rc=$$?; \
	scripts/test-summary $(BUILD); exit $$rc

clean:
	rm -rf $(BUILD)
