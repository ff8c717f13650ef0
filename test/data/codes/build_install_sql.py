#!/usr/bin/env python3
"""Write sql/install/25_codes.sql: the ICD code-map functions and their data.

Maintainer tool, run once when the CMS files change:
    python3 test/data/codes/build_install_sql.py ICD10CM_ORDER_TXT I9GEM_TXT I10GEM_TXT > sql/install/25_codes.sql
(icd10cm_order_2019.txt from the CMS 2019 ICD-10-CM zip; 2018_I9gem.txt and
2018_I10gem.txt from the CMS 2018 diagnosis GEMs zip; see PROVENANCE.md).

The titles are stored compactly: a code whose title is its parent's title
followed by one of the recurring endings (", initial encounter", ...) is
written as "=<parent length>:<ending number>", and the install script
rebuilds the full title.  Everything else is copied as CMS wrote it.
"""
import sys

order_path, i9_path, i10_path = sys.argv[1:4]
head_path = __file__.rsplit('/', 1)[0] + '/25_codes_head.sql'


def lit(s):
    return "'" + s.replace("'", "''") + "'"


def insert(out, table, rows, chunk=5000):
    """Multi-row INSERTs (an extension script cannot COPY FROM stdin)."""
    for i in range(0, len(rows), chunk):
        out.write('INSERT INTO %s VALUES\n' % table)
        out.write(',\n'.join('(' + ','.join(r) + ')' for r in rows[i:i + chunk]))
        out.write(';\n')


rows = []
with open(order_path, encoding='ascii') as f:
    for line in f:
        line = line.rstrip('\r\n')
        if not line.strip():
            continue
        code, flag, title = line[6:13].strip(), line[14], line[77:].strip()
        assert flag in '01' and code and title and not title.startswith('='), line
        rows.append((code, flag == '1', title))
titles = {c: t for c, _, t in rows}

endings, ending_no, encoded = [], {}, []
for code, billable, title in rows:
    parent = code[:-1]
    while len(parent) >= 3 and parent not in titles:
        parent = parent[:-1]
    if len(parent) >= 3 and title.startswith(titles[parent]):
        rest = title[len(titles[parent]):]
        if rest not in ending_no:
            ending_no[rest] = len(endings) + 1
            endings.append(rest)
        encoded.append((code, billable, '=%d:%d' % (len(parent), ending_no[rest])))
    else:
        encoded.append((code, billable, title))

out = sys.stdout
out.write(open(head_path).read())
out.write('\n-- Data: CMS FY2019 ICD-10-CM order file (public domain), compacted as described in\n'
          '-- test/data/codes/build_install_sql.py; rebuilt into full titles below.\n')
insert(out, 'precmed.icd10cm_title_ending (ending_no, ending)',
       [(str(i), lit(e)) for i, e in enumerate(endings, 1)])
insert(out, 'precmed.icd10cm (code, billable, description)',
       [(lit(c), 'true' if b else 'false', lit(t)) for c, b, t in encoded])
for name, path in (('precmed.gem_icd9_to_icd10 (icd9, icd10, flags)', i9_path),
                   ('precmed.gem_icd10_to_icd9 (icd10, icd9, flags)', i10_path)):
    out.write('-- Data: CMS FY2018 diagnosis GEM %s (public domain).\n' % path.rsplit('/', 1)[-1])
    gem = []
    with open(path, encoding='ascii') as f:
        for line in f:
            p = line.split()
            if not p:
                continue
            src, tgt, flags = p
            assert len(flags) == 5 and flags.isdigit(), line
            gem.append((lit(src), lit(tgt), lit(flags)))
    insert(out, name, gem)
out.write(open(head_path.replace('_head', '_tail')).read())
