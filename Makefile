# precmed: PGXS build.  Every C file under src/<module>/ is compiled into one
# shared library; the install script is assembled from sql/install/*.sql in
# name order, so a new module only adds files.
#
# Releases: sql/release/<version>/ holds the install pieces of an earlier
# release exactly as released, and sql/upgrade/<from>--<to>/ the pieces of
# the upgrade script between two versions; each is assembled the same way.
# One shared library serves every version's SQL: a C symbol an earlier
# release's script names is never removed.

EXTENSION   = precmed
EXTVERSION  = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big  = precmed
OBJS        = $(patsubst %.c,%.o,$(sort $(wildcard src/*/*.c)))
PM_HEADERS = $(wildcard src/*/*.h)

INSTALL_PIECES = $(sort $(wildcard sql/install/*.sql))
RELEASES    = $(notdir $(wildcard sql/release/*))
UPGRADES    = $(notdir $(wildcard sql/upgrade/*))
DATA_built  = sql/$(EXTENSION)--$(EXTVERSION).sql \
              $(foreach r,$(RELEASES),sql/$(EXTENSION)--$(r).sql) \
              $(foreach u,$(UPGRADES),sql/$(EXTENSION)--$(u).sql)

# pg_regress scripts: sql/<name>.sql with expected/<name>.out; `make
# installcheck` (against a server where precmed is installed) creates the
# extension in the test database as scripts/run.sh does
REGRESS     = $(sort $(filter-out $(EXTENSION)--%,$(basename $(notdir $(wildcard sql/*.sql)))))
REGRESS_OPTS = --load-extension=$(EXTENSION)

PG_CPPFLAGS = -Isrc -DPRECMED_VERSION='"$(EXTVERSION)"' \
              $(shell pkg-config --cflags openblas libxml-2.0)
SHLIB_LINK  = $(shell pkg-config --libs openblas libxml-2.0) -lxgboost -lm

# scripts/run.sh builds with WERROR=1 so a new warning fails the tests.
ifdef WERROR
PG_CFLAGS  += -Werror
endif

EXTRA_CLEAN = results regression.diffs regression.out

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(OBJS): $(PM_HEADERS)
# the library reports the version the control file names
src/common/init.o: $(EXTENSION).control

sql/$(EXTENSION)--$(EXTVERSION).sql: $(INSTALL_PIECES) $(EXTENSION).control
	cat $(INSTALL_PIECES) > $@

# an earlier release's install script from its pieces
.SECONDEXPANSION:
$(foreach r,$(RELEASES),sql/$(EXTENSION)--$(r).sql): sql/$(EXTENSION)--%.sql: \
		$$(sort $$(wildcard sql/release/$$*/*.sql))
	cat $^ > $@

# an upgrade script <from>--<to> from its pieces, in name order; a module new
# since <from> (an install piece with no piece of that name in
# sql/release/<from>/) joins whole from sql/install/, so it is written once
new_pieces = $(filter-out $(addprefix sql/install/,$(notdir $(wildcard sql/release/$(1)/*.sql))),$(INSTALL_PIECES))
$(foreach u,$(UPGRADES),sql/$(EXTENSION)--$(u).sql): sql/$(EXTENSION)--%.sql: \
		$$(wildcard sql/upgrade/$$*/*.sql) $$(call new_pieces,$$(firstword $$(subst --, ,$$*)))
	for f in $(sort $(notdir $^)); do \
		if [ -f sql/upgrade/$*/$$f ]; then cat sql/upgrade/$*/$$f; else cat sql/install/$$f; fi; \
	done > $@

.PHONY: print-regress
print-regress:
	@echo $(REGRESS)

# A release tarball of the committed tree (git archive of HEAD): the install,
# release and upgrade pieces are in it, so it builds with `make` alone.
# META.json (PGXN) must name the control file's version.
DISTNAME = $(EXTENSION)-$(EXTVERSION)
.PHONY: dist
dist:
	@grep -q '"version": "$(EXTVERSION)"' META.json || \
		{ echo "META.json does not name version $(EXTVERSION) (precmed.control)" >&2; exit 1; }
	git archive --format=tar.gz --prefix=$(DISTNAME)/ -o $(DISTNAME).tar.gz HEAD
	@echo "$(DISTNAME).tar.gz"
