# A thin wrapper over meson.  The two commands a newcomer needs:
#   make bench   install what is missing, build, run bench/default.yaml
#   make test    install what is missing, build, run every test
# and `make charts [RUN=results/DIR]` redraws the charts and report.html
# of a run (default: the latest) from its files, read through ipcbench.  CI also runs
# `make sanitize` (every test under ASan+UBSan); `make fuzz` runs the
# libFuzzer targets for FUZZ_TIME seconds each.
BUILD ?= build
SAN_BUILD ?= build-san
FUZZ_BUILD ?= build-fuzz
FUZZ_TIME ?= 30
SAN_ENV = ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

.PHONY: all deps build bench quick charts test sanitize fuzz clean

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

# The charts read a run through `ipcbench show`: build it first.
charts: build
	scripts/charts $(RUN)

test: build
	@rc=0; meson test -C $(BUILD) --print-errorlogs || rc=$$?; \
	scripts/test-summary $(BUILD); exit $$rc

# Every test again with AddressSanitizer (leaks too) and UBSan, which stops
# at its first finding.  No ThreadSanitizer: ipcbench starts no threads
# (client and server are processes), so TSan would have nothing to check.
$(SAN_BUILD)/build.ninja:
	meson setup $(SAN_BUILD) -Db_sanitize=address,undefined -Dbuildtype=debug

sanitize: deps $(SAN_BUILD)/build.ninja
	ninja -C $(SAN_BUILD)
	@rc=0; $(SAN_ENV) meson test -C $(SAN_BUILD) --print-errorlogs || rc=$$?; \
	scripts/test-summary $(SAN_BUILD); exit $$rc

# libFuzzer (clang): the suite loader and the size parser, FUZZ_TIME
# seconds each, from the seeds in tests/fuzz/corpus (new inputs go to
# $(FUZZ_BUILD)/corpus, findings to $(FUZZ_BUILD)/crash-*).
fuzz:
	@scripts/install-deps fuzz
	@test -f $(FUZZ_BUILD)/build.ninja || \
	CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true -Dbuildtype=debug \
		-Db_sanitize=address,undefined -Db_lundef=false
	ninja -C $(FUZZ_BUILD) tests/fuzz/fuzz_suite tests/fuzz/fuzz_size
	@for t in suite size; do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
		echo "fuzz: $$t for $(FUZZ_TIME) s"; \
		$(SAN_ENV) $(FUZZ_BUILD)/tests/fuzz/fuzz_$$t \
			-max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_BUILD)/ \
			$(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t \
			2>$(FUZZ_BUILD)/fuzz-$$t.log || \
			{ tail -40 $(FUZZ_BUILD)/fuzz-$$t.log; exit 1; }; \
		grep -E 'number_of_executed_units|new_units_added' \
			$(FUZZ_BUILD)/fuzz-$$t.log; \
	done

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(FUZZ_BUILD)
