# hvbundle: one kernel, compiled per hypervisor, bundled into one image.
# `make help` lists the targets.  All output goes under $(O) (build/).

O ?= build
override O := $(patsubst %/,%,$(O))
SRC := $(CURDIR)
KCONFIG_CONFIG := $(O)/.config
AUTOCONF := $(O)/include/config/auto.conf
AUTOHEADER := $(O)/include/generated/autoconf.h
VARIANTS := $(patsubst configs/%_defconfig,%,$(wildcard configs/*_defconfig))
# The variants the bundle carries, linked with one shared layout: every
# direct-strategy defconfig (one backend each; tools/variants).
SHARED_VARIANTS := $(shell tools/variants)

CC := gcc
LD := ld
GCCINC := $(shell $(CC) -print-file-name=include)

KCFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone \
	-mgeneral-regs-only -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-jump-tables -ffunction-sections -fdata-sections -fno-common -fno-merge-constants \
	-nostdinc -isystem $(GCCINC) -Isrc/include/libc -Isrc/include -iquote src/hv \
	-idirafter /usr/include -D__XEN_INTERFACE_VERSION__=0x00040e00 \
	-include $(AUTOHEADER) -MMD -MP
KASFLAGS := -D__ASSEMBLER__ -nostdinc -Isrc/include -iquote src/hv -idirafter /usr/include -include $(AUTOHEADER) -MMD -MP
KLDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack --gc-sections \
	--no-warn-rwx-segments

.DEFAULT_GOAL := all
.PHONY: all kernel layout-link allvariants bundle check test demo report clean help menuconfig \
	olddefconfig savedefconfig syncconfig hostbench hostbench-build linux linux-bundle linux-growth \
	linux-scale linux-scale-debian check-linux fuzz FORCE

# Configuration (kconfig-frontends) --------------------------------------
KCONF_ENV := srctree=$(SRC) KCONFIG_CONFIG=.config

# INLINE=all|hot|none adds configs/inline/<policy>.config to the defconfig
# (the direct variants' inlining policy; pvops has none).
INLINE_FRAGMENT := $(if $(INLINE),configs/inline/$(INLINE).config)
ifneq ($(INLINE),)
ifeq ($(wildcard $(INLINE_FRAGMENT)),)
$(error INLINE=$(INLINE): no $(INLINE_FRAGMENT) (policies: $(notdir $(basename $(wildcard configs/inline/*.config)))))
endif
endif

%_defconfig: configs/%_defconfig $(INLINE_FRAGMENT)
	@mkdir -p $(O)
	@cat $^ > $(O)/defconfig.in
	@cd $(O) && $(KCONF_ENV) kconfig-conf -s --defconfig=defconfig.in $(SRC)/Kconfig
	@echo "  CONFIG  $(O)/.config from $^"

menuconfig: | $(O)
	cd $(O) && $(KCONF_ENV) kconfig-mconf $(SRC)/Kconfig

olddefconfig: | $(O)
	cd $(O) && $(KCONF_ENV) kconfig-conf -s --olddefconfig $(SRC)/Kconfig

savedefconfig: $(KCONFIG_CONFIG)
	cd $(O) && $(KCONF_ENV) kconfig-conf -s --savedefconfig=defconfig $(SRC)/Kconfig
	@echo "  SAVE    $(O)/defconfig (copy it to configs/<name>_defconfig)"

$(O):
	@mkdir -p $@

$(KCONFIG_CONFIG):
	@echo "hvbundle: no configuration in $(O); run e.g. 'make native_defconfig' first" >&2
	@exit 1

$(AUTOCONF) $(AUTOHEADER): $(KCONFIG_CONFIG) Kconfig
	@mkdir -p $(O)/include/config $(O)/include/generated
	@cd $(O) && $(KCONF_ENV) kconfig-conf -s --silentoldconfig $(SRC)/Kconfig
	@touch $(AUTOCONF) $(AUTOHEADER)

ifneq ($(filter %config clean help check test demo report allvariants bundle hostbench% fuzz linux%,$(MAKECMDGOALS)),)
else
-include $(AUTOCONF)
endif

# The kernel --------------------------------------------------------------
# The configured backend as a bare word: hv.h makes from it the backend's
# header and op prefix (the one place a backend is chosen).
HV_BACKEND := $(patsubst "%",%,$(CONFIG_HV_NAME))
KCFLAGS += -DHV_BACKEND=$(HV_BACKEND)
KASFLAGS += -DHV_BACKEND=$(HV_BACKEND)
include src/sources.mk
OBJS := $(patsubst %,$(O)/obj/%.o,$(src-y))

# cold-y (sources.mk): code that runs once, built with HV_CALLER_COLD (hv.h).
$(O)/obj/%.c.o: %.c $(AUTOHEADER)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KCFLAGS) $(if $(filter $<,$(cold-y)),-DHV_CALLER_COLD) -c $< -o $@

$(O)/obj/%.S.o: %.S $(AUTOHEADER)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(KASFLAGS) -c $< -o $@

$(O)/kernel.elf: $(OBJS) src/kernel.ld
	@echo "  LD      $@"
	@$(LD) $(KLDFLAGS) -T src/kernel.ld -Map $(O)/kernel.map -o $@ $(OBJS)

all kernel: $(O)/kernel.elf

# The second link of a variant, with the shared layout's script.
$(O)/layout.elf: $(OBJS) $(LAYOUT_LD)
	@echo "  LD      $@ (shared layout)"
	@$(LD) $(KLDFLAGS) -T $(LAYOUT_LD) -Map $(O)/layout.map -o $@ $(OBJS)

layout-link: $(O)/layout.elf

-include $(OBJS:.o=.d)

# Every variant, each from its defconfig into $(O)/images/<name>.elf.  The
# bundled ones are linked twice: once alone, to learn every section's size,
# then with one layout for all (tools/layout), so that equal code is equal
# bytes at equal addresses.  Everything goes under $(O): variants/<name>,
# layout/, images/, host/ (the bundler), stub/.
IMAGES := $(O)/images
LAYOUT_ARGS = $(foreach v,$(SHARED_VARIANTS),$(v)=$(O)/variants/$(v))
allvariants:
	@mkdir -p $(IMAGES)
	@set -e; for v in $(VARIANTS); do \
		echo "hvbundle: building variant $$v"; \
		$(MAKE) --no-print-directory O=$(O)/variants/$$v $${v}_defconfig; \
		$(MAKE) --no-print-directory O=$(O)/variants/$$v all; \
	done
	@tools/layout plan --out $(O)/layout $(LAYOUT_ARGS)
	@set -e; for v in $(VARIANTS); do \
		if echo " $(SHARED_VARIANTS) " | grep -q " $$v "; then \
			$(MAKE) --no-print-directory O=$(O)/variants/$$v \
				LAYOUT_LD=$(O)/layout/$$v.ld layout-link; \
			cp $(O)/variants/$$v/layout.elf $(IMAGES)/$$v.elf; \
		else \
			cp $(O)/variants/$$v/kernel.elf $(IMAGES)/$$v.elf; \
		fi; \
	done
	@tools/layout check --out $(O)/layout $(LAYOUT_ARGS)
	@$(MAKE) --no-print-directory O=$(O) bundle
	@ls -l $(IMAGES)

# The bundle: the host bundler, the boot stub, then one image carrying the
# native variant whole and only what differs for the others.  pack rebuilds
# every input from its output before it keeps it; verify checks again.
BUNDLE_BASE := native
BUNDLE_VARIANTS := $(filter-out $(BUNDLE_BASE),$(SHARED_VARIANTS))
HOST_O = $(abspath $(O))/host
bundle:
	@$(MAKE) --no-print-directory -s -C bundler O=$(HOST_O)
	@$(MAKE) --no-print-directory -s -C stub O=$(abspath $(O))/stub
	@t0=$$(date +%s%N); \
	$(HOST_O)/bundler pack -o $(IMAGES)/bundle.elf \
		--base $(BUNDLE_BASE)=$(IMAGES)/$(BUNDLE_BASE).elf \
		$(foreach v,$(BUNDLE_VARIANTS),--variant $(v)=$(IMAGES)/$(v).elf) \
		--stub $(O)/stub/stub.elf --stub-zstd $(O)/stub/stub-zstd.elf \
		--stub-norefs $(O)/stub/stub-norefs.elf \
		2> $(HOST_O)/bundle.log \
		|| { cat $(HOST_O)/bundle.log >&2; exit 1; }; \
	ms=$$(( ($$(date +%s%N) - t0) / 1000000 )); \
	tail -n 1 $(HOST_O)/bundle.log; \
	echo "hvbundle: bundling took $$ms ms (limit 5000)"; \
	if [ $$ms -ge 5000 ]; then echo "hvbundle: WARNING: bundling took 5 s or more" >&2; fi
	@$(HOST_O)/bundler verify $(IMAGES)/bundle.elf 2>&1 | tail -n 1
	@mkdir -p $(O)/report && $(HOST_O)/bundler list --json $(IMAGES)/bundle.elf \
		> $(O)/report/bundle-classes.json

# The host benchmark (docs/DESIGN.md, principle 7): the ring-3-legal op bodies and
# every dispatch mechanism, from the kernel's own sources, in real TSC ticks
# of the host CPU.  HOSTBENCH_ARGS are passed on (e.g. --json, --reps 21).
HOSTBENCH_O ?= $(CURDIR)/build/host
hostbench-build:
	@$(MAKE) --no-print-directory -s -C hostbench O=$(abspath $(HOSTBENCH_O))

hostbench: hostbench-build
	@$(abspath $(HOSTBENCH_O))/hostbench $(HOSTBENCH_ARGS)

# Real Linux 6.1, once per hypervisor (configs/linux/): build/linux/<v>/vmlinux,
# then the Linux bundle: native whole, kvm and xen as deltas, our stubs
# (native as the base: the smallest bundle of the three bases, README).
# tools/linux-build always writes build/linux (not $(O)).
LINUX_B := build/linux
LINUX_BASE := native
LINUX_BUNDLED := kvm xen
LINUX_INPUTS := $(foreach v,$(LINUX_BASE) $(LINUX_BUNDLED),$(LINUX_B)/$(v)/vmlinux)
linux:
	@tools/linux-build
	@$(MAKE) --no-print-directory linux-bundle

# Packed again only when a vmlinux, the bundler or the stub is newer.
linux-bundle:
	@for f in $(LINUX_INPUTS); do [ -f $$f ] || { \
		echo "hvbundle: $$f is missing: run 'make linux' first" >&2; exit 1; }; done
	@$(MAKE) --no-print-directory -s -C bundler O=$(HOST_O)
	@$(MAKE) --no-print-directory -s -C stub O=$(abspath $(O))/stub
	@out=$(LINUX_B)/bundle.elf; \
	if [ -z "$$(find $(LINUX_INPUTS) $(HOST_O)/bundler $(O)/stub/stub.elf $(O)/stub/stub-zstd.elf \
			-newer $$out 2>/dev/null)" ] && [ -f $$out ]; then exit 0; fi; \
	echo "hvbundle: packing $$out ($(LINUX_BASE) base; $(LINUX_BUNDLED) as deltas)"; \
	t0=$$(date +%s%N); \
	$(HOST_O)/bundler pack -o $$out.tmp \
		--base $(LINUX_BASE)=$(LINUX_B)/$(LINUX_BASE)/vmlinux \
		$(foreach v,$(LINUX_BUNDLED),--variant $(v)=$(LINUX_B)/$(v)/vmlinux) \
		--stub $(O)/stub/stub.elf --stub-zstd $(O)/stub/stub-zstd.elf \
		2> $(HOST_O)/linux-bundle.log \
		|| { cat $(HOST_O)/linux-bundle.log >&2; rm -f $$out.tmp; exit 1; }; \
	mv $$out.tmp $$out; \
	tail -n 1 $(HOST_O)/linux-bundle.log; \
	echo "hvbundle: $$out packed in $$(( ($$(date +%s%N) - t0) / 1000000 )) ms"

# The libFuzzer targets (fuzz/): FUZZ_SECONDS each (default 60), from the
# seed corpus the build makes and what earlier runs kept in $(O)/fuzz;
# each says its executions per second.  Needs the build (make allvariants).
FUZZ_SECONDS ?= 60
fuzz:
	@$(MAKE) --no-print-directory -s -C fuzz O=$(abspath $(O))/fuzz BUILD=$(abspath $(O)) \
		run FUZZ_SECONDS=$(FUZZ_SECONDS)

# The growth curve's Linux guests, built only for it (no platform here):
# build/linux/{hyperv,vmware,acrn,jailhouse}/vmlinux.  make report uses them.
linux-growth:
	@tools/linux-build hyperv vmware acrn jailhouse

# The bundler at distribution scale (issue 9), not part of make check (a
# clean build of the two takes hours on 2 shared cores): Linux 6.1 from
# x86_64_defconfig, native and xen (configs/linux/scale/), built at nice 19
# into build/linux-scale/<v>/vmlinux; then pack, list, verify and extract
# them, timed: build/report/scale.json (tools/linux-scale-measure).
linux-scale:
	@NICE=19 tools/linux-build --set scale
	@$(MAKE) --no-print-directory -s -C bundler O=$(HOST_O)
	@$(MAKE) --no-print-directory -s -C stub O=$(abspath $(O))/stub
	@tools/install-deps time zstd
	@tools/linux-scale-measure --bundler $(HOST_O)/bundler --stub $(O)/stub/stub.elf

# The same measurement on Debian's 6.1 amd64 and cloud-amd64 vmlinux with
# symbols (the -dbg packages, 1.1 GB fetched): build/report/scale-debian.json.
linux-scale-debian:
	@$(MAKE) --no-print-directory -s -C bundler O=$(HOST_O)
	@$(MAKE) --no-print-directory -s -C stub O=$(abspath $(O))/stub
	@tools/linux-scale-debian --bundler $(HOST_O)/bundler --stub $(O)/stub/stub.elf

# Tests, demo, report ------------------------------------------------------
check test:
	@tools/check

demo:
	@tools/demo

# The report: real Linux's tables (when `make linux` has built), the growth
# curve (our kernel's six variants; Linux's that are built), the encoder
# against issue 9's (tools/delta-baseline), the inlining policies' frontier
# (tools/frontier, about 3 minutes), then
# tools/report: findings, figures, tables -> build/report/report.md, index.html.
report:
	@if [ -f build/linux/native/vmlinux ]; then tools/report-linux >/dev/null; fi
	@tools/growth
	@tools/delta-baseline -q >/dev/null
	@tools/frontier run >/dev/null
	@tools/report
	@echo "hvbundle: the report is build/report/report.md; the page: $(CURDIR)/build/report/index.html"

clean:
	rm -rf build

help:
	@echo "hvbundle make targets:"
	@echo "  <name>_defconfig  configure from configs/<name>_defconfig ($(VARIANTS))"
	@echo "  menuconfig        edit the configuration in $(O)/.config"
	@echo "  olddefconfig      update $(O)/.config, new options at their defaults"
	@echo "  savedefconfig     write the minimal $(O)/defconfig"
	@echo "  all (default)     build $(O)/kernel.elf from $(O)/.config"
	@echo "  allvariants       build every defconfig into $(O)/images/<name>.elf, then bundle"
	@echo "  bundle            $(O)/images/bundle.elf from $(SHARED_VARIANTS) (bundler + stub)"
	@echo "  check             install what is missing, build, run every test"
	@echo "  demo              install, build, boot on each platform, print the table"
	@echo "  report            build/report/report.md and index.html: findings, figures, tables"
	@echo "  linux             build real Linux 6.1 per hypervisor: build/linux/<variant>/vmlinux,"
	@echo "                    then linux-bundle"
	@echo "  linux-bundle      build/linux/bundle.elf: native whole, kvm and xen as deltas"
	@echo "  linux-growth      also the build-only Hyper-V, VMware, ACRN, Jailhouse guests (growth curve)"
	@echo "  linux-scale       Linux from x86_64_defconfig, native and xen (build/linux-scale/), packed,"
	@echo "                    timed: build/report/scale.json; long (hours here), not in make check"
	@echo "  linux-scale-debian the same on Debian's 6.1 amd64/cloud-amd64 kernels (1.1 GB download)"
	@echo "  hostbench         build build/host/hostbench and run it: host CPU cycles per op and dispatch"
	@echo "  fuzz              run each libFuzzer target FUZZ_SECONDS (default 60); executions per second"
	@echo "  clean             remove build/"
	@echo "Variables: O=<dir> (default build); INLINE=all|hot|none, the direct variants'"
	@echo "           inlining policy (configs/inline/; default all)"
