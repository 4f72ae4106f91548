# SPDX-License-Identifier: GPL-2.0
# xvs build. `make` builds everything into build/; see README.md.
#
#   bpf/*.bpf.c            -> build/<name>.bpf.o and build/<name>.skel.h (bpftool)
#   src/common/*.c         -> build/libxvscommon.a
#   src/xvsd/**.c          -> build/xvsd      (main.c) + build/libxvsd.a (the rest)
#   src/xvsadm/*.c         -> build/xvsadm    (main.c) + build/libxvsadm.a (the rest)
#   tests/unit/test_*.c    -> build/tests/unit/test_*  (cmocka, linked with the libs)
#   tests/bpf/test_*.c     -> build/tests/bpf/test_*   (BPF_PROG_TEST_RUN on build/*.bpf.o)
# New files are picked up by the wildcards: no Makefile edit needed.

PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= /etc/systemd/system

BUILD := build
CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
TRIPLET := $(shell $(CC) -dumpmachine)

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -MMD -MP
CPPFLAGS += -Iinclude -Isrc/common -Isrc -Ibpf -I$(BUILD)
LDLIBS := -lbpf -lelf -lz -lm -lssl -lcrypto
BPF_CFLAGS := -O2 -g -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) \
	-I/usr/include/$(TRIPLET) -Iinclude -Ibpf -Wall -Werror -MMD -MP

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))

objs = $(patsubst %.c,$(BUILD)/%.o,$(1))
COMMON_OBJS := $(call objs,$(wildcard src/common/*.c))
XVSD_SRCS := $(wildcard src/xvsd/*.c src/xvsd/*/*.c)
XVSD_LIB_OBJS := $(call objs,$(filter-out src/xvsd/main.c,$(XVSD_SRCS)))
XVSADM_SRCS := $(wildcard src/xvsadm/*.c)
XVSADM_LIB_OBJS := $(call objs,$(filter-out src/xvsadm/main.c,$(XVSADM_SRCS)))

LIBS := $(BUILD)/libxvsd.a $(BUILD)/libxvsadm.a $(BUILD)/libxvscommon.a
UNIT_TESTS := $(patsubst %.c,$(BUILD)/%,$(wildcard tests/unit/test_*.c))
BPF_TESTS := $(patsubst %.c,$(BUILD)/%,$(wildcard tests/bpf/test_*.c))
TOOLS := $(patsubst %.c,$(BUILD)/%,$(wildcard tests/tools/*.c))

ALIASES := ipvsadm ipvsadm-save ipvsadm-restore

.PHONY: all deps test demo ha-demo bench install uninstall clean check-deps
# Keep intermediate objects (test and tool .o files) so a rebuild is incremental.
.SECONDARY:
all: $(BPF_OBJS) $(SKELS) $(BUILD)/xvsd $(BUILD)/xvsadm $(UNIT_TESTS) $(BPF_TESTS) $(TOOLS)

$(BUILD)/%.bpf.o: bpf/%.bpf.c
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@.tmp && mv $@.tmp $@

# Host objects may include skeletons: build those first.
$(BUILD)/%.o: %.c | $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libxvscommon.a: $(COMMON_OBJS)
	$(AR) rcs $@ $^
$(BUILD)/libxvsd.a: $(XVSD_LIB_OBJS)
	$(AR) rcs $@ $^
$(BUILD)/libxvsadm.a: $(XVSADM_LIB_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/xvsd: $(BUILD)/src/xvsd/main.o $(BUILD)/libxvsd.a $(BUILD)/libxvscommon.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/xvsadm: $(BUILD)/src/xvsadm/main.o $(BUILD)/libxvsadm.a $(BUILD)/libxvscommon.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIBS)
	$(CC) $(CFLAGS) -o $@ $< $(LIBS) $(LDLIBS) -lcmocka

deps:
	scripts/deps.sh install

check-deps:
	@scripts/deps.sh check || scripts/deps.sh install

test: check-deps
	$(MAKE) all
	tests/run.sh

demo: check-deps
	$(MAKE) all
	demo/lvs-nat-demo.sh

ha-demo: check-deps
	$(MAKE) all
	demo/ha-demo.sh

bench: check-deps
	$(MAKE) all
	bench/run.sh

install: all
	install -D -m 0755 $(BUILD)/xvsd $(DESTDIR)$(SBINDIR)/xvsd
	install -D -m 0755 $(BUILD)/xvsadm $(DESTDIR)$(SBINDIR)/xvsadm
	for a in $(ALIASES); do ln -sf xvsadm $(DESTDIR)$(SBINDIR)/$$a; done
	for m in $(wildcard man/*.8); do install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/man8/$$(basename $$m); done
	for m in $(wildcard man/*.5); do install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/man5/$$(basename $$m); done
	for u in $(wildcard systemd/*.service); do install -D -m 0644 $$u $(DESTDIR)$(UNITDIR)/$$(basename $$u); done
	for d in $(wildcard systemd/*.service.d/*.conf); do install -D -m 0644 $$d $(DESTDIR)$(UNITDIR)/$${d#systemd/}; done

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/xvsd $(DESTDIR)$(SBINDIR)/xvsadm
	for a in $(ALIASES); do rm -f $(DESTDIR)$(SBINDIR)/$$a; done
	for m in $(notdir $(wildcard man/*.8)); do rm -f $(DESTDIR)$(MANDIR)/man8/$$m; done
	for m in $(notdir $(wildcard man/*.5)); do rm -f $(DESTDIR)$(MANDIR)/man5/$$m; done
	for u in $(notdir $(wildcard systemd/*.service)); do rm -f $(DESTDIR)$(UNITDIR)/$$u; done
	for d in $(patsubst systemd/%,%,$(wildcard systemd/*.service.d/*.conf)); do rm -f $(DESTDIR)$(UNITDIR)/$$d; done

# A Debian package of what `install` installs (packaging/mkdeb.sh, docs/ops.md).
.PHONY: deb
deb: all
	packaging/mkdeb.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' -type f 2>/dev/null)
