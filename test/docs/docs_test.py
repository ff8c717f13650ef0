#!/usr/bin/env python3
"""Run every ```sql block of the docs and compare the results they print.

For each page (README.md, docs/*.md, or the pages named on the command line)
a fresh database is created with precmed; the page's ```sql blocks run in
order in ONE psql session (psql -X -q), from the repository root, so that
\\copy ... FROM 'test/data/...' works. Conventions (docs/contributing.md,
"Examples in the docs"):

  * a block starting with the line "-- expect error: SQLSTATE" must raise
    that SQLSTATE; any other block must raise nothing;
  * a block starting with "-- not run by the docs test: REASON" is skipped;
  * a fenced block with the info string "output" right after a ```sql block
    (only blank lines between) holds exactly what psql -q prints for it
    (trailing blanks of lines and blank lines around ignored); for a block
    that raises on purpose the error is printed as "ERROR:  message";
  * a result that depends on the XGBoost version (the trees differ between
    1.7 and 3.0) has one output block per version, one after the other, with
    the info string "output xgboost-MAJOR"; the one for the server's XGBoost
    (precmed.build_info()) is compared, and a missing one is a failure.

Prints TAP: one test per ```sql block, with the page, the block number, its
first lines and the error or the diff when it fails.  With --print first, it
also prints what psql printed for every block; with --fill-empty, it writes
what psql printed into every EMPTY output block of the pages (check the
result before committing it: the test cannot know what is right).

    python3 test/docs/docs_test.py [--print | --fill-empty] [PAGE.md ...]
"""
import difflib
import os
import re
import subprocess
import sys

EXPECT_RE = re.compile(r'^--\s*expect error:\s*([0-9A-Z]{5})\s*$')
XGBOOST_TAG = None  # set in main()
SKIP_RE = re.compile(r'^--\s*not run by the docs test:\s*\S')
FENCE_RE = re.compile(r'^(\s{0,3})(```+|~~~+)\s*(.*)$')
MARK = '@@precmed-docs-test@@'


def parse_blocks(path):
    """The page's fenced blocks as (info, first line number, lines)."""
    blocks = []
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    i = 0
    while i < len(lines):
        m = FENCE_RE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info, start = len(m.group(1)), m.group(2), m.group(3).strip(), i + 1
        body = []
        i += 1
        while i < len(lines) and not (lines[i].strip().startswith(fence)
                                      and lines[i].strip().strip(fence[0]) == ''):
            # a fence indented in a list item: its lines lose up to that indentation
            line = lines[i]
            cut = len(line) - len(line.lstrip(' '))
            body.append(line[min(cut, indent):])
            i += 1
        blocks.append({'info': info, 'line': start, 'body': body, 'end': i + 1,
                       'indent': indent})
        i += 1
    return blocks, lines


def sql_blocks(path):
    """The ```sql blocks of a page, each with its output block if any."""
    blocks, lines = parse_blocks(path)
    result = []
    for k, b in enumerate(blocks):
        lang = b['info'].split()[0].lower() if b['info'] else ''
        if lang != 'sql':
            continue
        out = out_line = None
        variants = {}  # version tag (None: every version) -> (body, line)
        j, end = k + 1, b['end']
        while j < len(blocks) and blocks[j]['info'].split()[:1] == ['output'] \
                and all(not x.strip() for x in lines[end:blocks[j]['line'] - 1]):
            tag = (blocks[j]['info'].split()[1:] or [None])[0]
            variants[tag] = (blocks[j]['body'], (blocks[j]['line'], blocks[j]['indent']))
            end, j = blocks[j]['end'], j + 1
        if variants:
            want = variants.get(None) or variants.get(XGBOOST_TAG)
            if want is None:
                out, out_line = ['(no output block for %s: only %s)' % (
                    XGBOOST_TAG, ', '.join(sorted(variants)))], None
            else:
                out, out_line = want
        first = next((x for x in b['body'] if x.strip()), '')
        m = EXPECT_RE.match(first.strip())
        result.append({'line': b['line'], 'body': b['body'], 'output': out, 'output_line': out_line,
                       'expect': m.group(1) if m else None,
                       'skip': bool(SKIP_RE.match(first.strip()))})
    return result


def strip_comment(line):
    """The line without a trailing -- comment (quotes respected)."""
    quote = None
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
        elif c in '\'"':
            quote = c
        elif line.startswith('--', i):
            return line[:i]
    return line


def ends_statement(body):
    """True when the block's last statement is complete (';' or a backslash command)."""
    code = [strip_comment(x).strip() for x in body]
    code = [x for x in code if x]
    if not code:
        return True
    last = code[-1]
    return last.endswith(';') or last.startswith('\\') or re.search(r'\\g\w*(\s.*)?$', last) is not None


def psql(db, *args, **kw):
    cmd = ['psql', '-X', '-q', '-P', 'pager=off', '-d', db] + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def run_page(page, blocks, db):
    """Run the blocks in one session; per block its stdout and SQLSTATE."""
    script = ['\\set ON_ERROR_STOP 0']
    for n, b in enumerate(blocks):
        if b['skip']:
            continue
        script.append('\\set LAST_ERROR_SQLSTATE 00000')
        script.append('\\set LAST_ERROR_MESSAGE \'\'')
        script.append('\\echo %s begin %d' % (MARK, n))
        script.extend(b['body'])
        script.append('\\echo %s end %d :LAST_ERROR_SQLSTATE' % (MARK, n))
        script.append('\\echo :LAST_ERROR_MESSAGE')
    script.append('\\echo %s done' % MARK)
    p = psql(db, '-f', '-', input='\n'.join(script) + '\n')
    per = {}
    cur, buf, state = None, [], None
    for line in p.stdout.split('\n'):
        if line.startswith(MARK):
            words = line.split()
            if words[1] == 'begin':
                cur, buf = int(words[2]), []
            elif words[1] == 'end':
                state = words[3] if len(words) > 3 else '00000'
                per[cur] = {'out': buf, 'sqlstate': state, 'message': None}
            continue
        if cur is None:
            continue
        if cur in per and per[cur]['message'] is None:
            per[cur]['message'] = line
            cur = None
            continue
        buf.append(line)
    return per, p


def fill_empty(page, blocks, per):
    """Write what psql printed into the page's empty output blocks."""
    with open(page, encoding='utf-8') as f:
        lines = f.read().split('\n')
    for k in sorted(range(len(blocks)), key=lambda k: -blocks[k]['line']):
        b, r = blocks[k], per.get(k)
        if b['output'] is None or normalize(b['output']) or r is None:
            continue
        got = normalize(r['out'] + (['ERROR:  ' + r['message']] if r['sqlstate'] != '00000' else []))
        at, indent = b['output_line']  # the line after the output block's opening fence
        lines[at:at] = [' ' * indent + x if x else x for x in got]
    with open(page, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines))


def functions_without_example():
    """Functions of schema precmed that no ```sql block of README.md or docs/ calls."""
    db = 'precmed_docs_catalog'
    psql('postgres', '-c', 'DROP DATABASE IF EXISTS %s' % db, '-c', 'CREATE DATABASE %s' % db)
    psql(db, '-c', 'CREATE EXTENSION precmed')
    r = psql(db, '-At', '-c', "SELECT DISTINCT proname FROM pg_proc "
             "WHERE pronamespace = 'precmed'::regnamespace ORDER BY 1")
    psql('postgres', '-c', 'DROP DATABASE IF EXISTS %s' % db)
    code = ''
    for page in ['README.md'] + sorted(os.path.join('docs', f) for f in os.listdir('docs')
                                       if f.endswith('.md')):
        code += '\n'.join('\n'.join(b['body']) for b in sql_blocks(page) if not b['skip'])
    names = [x for x in r.stdout.split('\n') if x]
    if r.returncode != 0 or not names:
        return ['(the function list could not be read: %s)' % r.stderr.strip()]
    return [f for f in names if not re.search(r'precmed\.%s\s*\(' % re.escape(f), code)]


def xgboost_tag():
    """'xgboost-MAJOR' of the server's XGBoost, as output blocks are tagged."""
    db = 'precmed_docs_version'
    psql('postgres', '-c', 'DROP DATABASE IF EXISTS %s' % db, '-c', 'CREATE DATABASE %s' % db)
    psql(db, '-c', 'CREATE EXTENSION precmed')
    r = psql(db, '-At', '-c', "SELECT split_part(precmed.build_info() ->> 'xgboost', '.', 1)")
    psql('postgres', '-c', 'DROP DATABASE IF EXISTS %s' % db)
    return 'xgboost-' + (r.stdout.strip() if r.returncode == 0 and r.stdout.strip() else 'unknown')


def normalize(lines):
    lines = [x.rstrip() for x in lines]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def main():
    top = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
    os.chdir(top)
    args = sys.argv[1:]
    show = bool(args) and args[0] == '--print'
    fill = bool(args) and args[0] == '--fill-empty'
    if show or fill:
        args = args[1:]
    pages = args or (['README.md'] + sorted(
        os.path.join('docs', f) for f in os.listdir('docs') if f.endswith('.md')))
    global XGBOOST_TAG
    XGBOOST_TAG = xgboost_tag()
    n = failed = 0

    def ok(good, desc, diag=()):
        nonlocal n, failed
        n += 1
        print('%s %d - %s' % ('ok' if good else 'not ok', n, desc))
        if not good:
            failed += 1
            for d in diag:
                print('# ' + d)

    for page in pages:
        blocks = sql_blocks(page)
        if not blocks:
            continue
        db = 'precmed_docs_' + re.sub(r'[^a-z0-9]', '_', os.path.basename(page)[:-3].lower())
        setup = psql('postgres', '-v', 'ON_ERROR_STOP=1',
                     '-c', 'DROP DATABASE IF EXISTS %s' % db, '-c', 'CREATE DATABASE %s' % db)
        if setup.returncode == 0:
            setup = psql(db, '-v', 'ON_ERROR_STOP=1', '-c', 'CREATE EXTENSION precmed')
        if setup.returncode != 0:
            ok(False, '%s: fresh database with precmed' % page, setup.stderr.splitlines())
            continue
        per, proc = run_page(page, blocks, db)
        for k, b in enumerate(blocks):
            head = [x for x in b['body'] if x.strip()][:3]
            where = '%s block %d (line %d)' % (page, k + 1, b['line'])
            diag = ['  | ' + x for x in head]
            if b['skip']:
                print('ok %d - %s # SKIP %s' % (n + 1, where, head[0].split(':', 1)[1].strip()))
                n += 1
                continue
            if not ends_statement(b['body']):
                ok(False, where, diag + ['the block\'s last statement has no ";"'])
                continue
            r = per.get(k)
            if r is None:
                ok(False, where, diag + ['psql stopped before this block'] +
                   proc.stderr.splitlines()[-5:])
                continue
            got_err = r['sqlstate'] != '00000'
            if show:
                print('# --- %s: what psql printed' % where)
                for x in r['out'] + (['ERROR:  ' + r['message']] if got_err else []):
                    print('# ' + x)
            if b['expect']:
                if r['sqlstate'] != b['expect']:
                    ok(False, where, diag + ['expected error %s, got %s %s' % (
                        b['expect'], r['sqlstate'] if got_err else 'no error', r['message'] or '')])
                    continue
            elif got_err:
                ok(False, where, diag + ['ERROR %s: %s' % (r['sqlstate'], r['message'])])
                continue
            if b['output'] is not None:
                got = r['out'] + (['ERROR:  ' + r['message']] if got_err else [])
                want, got = normalize(b['output']), normalize(got)
                if want != got:
                    d = list(difflib.unified_diff(want, got, 'docs', 'psql', lineterm=''))
                    ok(False, where + ': printed result', diag + d[:40])
                    continue
            ok(True, where + (' (printed result matches)' if b['output'] is not None else ''))
        if fill:
            fill_empty(page, blocks, per)
        psql('postgres', '-c', 'DROP DATABASE IF EXISTS %s' % db)
    if not args:
        missing = functions_without_example()
        ok(not missing, 'every function of schema precmed is called in a ```sql block of the docs',
           ['no example calls precmed.%s(...)' % f for f in missing])
    print('1..%d' % n)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
