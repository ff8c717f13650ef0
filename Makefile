# precmed: PGXS build.  Every C file under src/<module>/ is compiled into one
# shared library; the install script is assembled from sql/install/*.sql in
# name order, so a new module only adds files.

EXTENSION   = precmed
EXTVERSION  = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big  = precmed
OBJS        = $(patsubst %.c,%.o,$(sort $(wildcard src/*/*.c)))
PM_HEADERS = $(wildcard src/*/*.h)

INSTALL_PIECES = $(sort $(wildcard sql/install/*.sql))
DATA_built  = sql/$(EXTENSION)--$(EXTVERSION).sql
DATA        = $(filter-out $(DATA_built),$(wildcard sql/$(EXTENSION)--*--*.sql))

# pg_regress scripts: sql/<name>.sql with expected/<name>.out
REGRESS     = $(sort $(filter-out $(EXTENSION)--%,$(basename $(notdir $(wildcard sql/*.sql)))))

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

sql/$(EXTENSION)--$(EXTVERSION).sql: $(INSTALL_PIECES) $(EXTENSION).control
	cat $(INSTALL_PIECES) > $@

.PHONY: print-regress
print-regress:
	@echo $(REGRESS)
