"""CPU time a PostgreSQL backend spends between two of its progress lines.

bench/linkpred runs psql through this script:

    python3 bench/linkpred_cpu.py LOG -- psql ARGS... <script.sql

The script must first print the backend's pid to stderr as "BENCH_PID <pid>"
(SELECT pg_backend_pid() AS pid \\gset, then \\warn BENCH_PID :pid).  psql's
stderr is read line by line as the server sends its NOTICEs; when a progress
line of link_predict says the inputs are read ("read N associations") the
backend's CPU clock is sampled, and again when it says the model is scored
("... model scored"): the difference is the CPU time of the model alone,
without reading the inputs or returning the rows.  The clock is the
process's CPU clock (clock_getcpuclockid), exact to the nanosecond; a
sample is taken a fraction of a millisecond after the line was sent.

Prints one line per call: "model_cpu_seconds model_wall_seconds", the wall
time from the two lines' own stamps (seconds since the statement began;
nan for a precmed whose lines carry no stamp).  Every other stderr line, and
the progress lines, go to LOG; the exit status is psql's.
"""
import re
import subprocess
import sys
import time

START = re.compile(r"NOTICE:\s+(?:([0-9.]+) s: )?read \d+ associations")
END = re.compile(r"NOTICE:\s+(?:([0-9.]+) s: )?\w+ model scored")
PID = re.compile(r"^BENCH_PID (\d+)")


def cpu_clock(pid):
    """The CPU clock of process pid (Linux: MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED))."""
    return ((~pid) << 3) | 2


def main():
    log_path = sys.argv[1]
    assert sys.argv[2] == "--"
    cmd = sys.argv[3:]
    clock = None
    start = None
    out = []
    with open(log_path, "a") as log:
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, bufsize=1)
        for line in proc.stderr:
            m = START.search(line)
            if m and clock is not None:
                start = (time.clock_gettime(clock), float(m.group(1) or "nan"))
                log.write(line)
                continue
            m = END.search(line)
            if m and clock is not None and start is not None:
                cpu = time.clock_gettime(clock) - start[0]
                out.append(f"{cpu:.4f} {float(m.group(1) or 'nan') - start[1]:.3f}")
                start = None
                log.write(line)
                continue
            m = PID.search(line)
            if m:
                clock = cpu_clock(int(m.group(1)))
                continue
            log.write(line)
        rc = proc.wait()
    print("\n".join(out))
    sys.exit(rc)


if __name__ == "__main__":
    main()
