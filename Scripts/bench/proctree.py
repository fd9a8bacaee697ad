"""Wall time, CPU time and peak memory of a command and every process under it, for the
benchmarks that compare Winnow with multi-process peers (pack.py, dedup.py).

getrusage's children totals miss workers that are not waited for by our child (datatrove's
forkserver pool), so the process tree is sampled from /proc every 0.1 s, keeping each
process's last CPU time; peak memory is the largest sum of the tree's resident sets seen at
one sample (processes alive at the same time add up, as they do on the machine).
"""
import os
import resource
import subprocess
import sys
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def process_table():
    """{pid: (parent pid, user+sys CPU seconds, resident bytes)} of every process, from /proc."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # stat field 24 (rss, in pages) is index 21 after the command name.
        table[int(name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS, int(fields[21]) * PAGE)
    return table


def measure(cmd, cwd=None, name="bench"):
    """(wall seconds, CPU seconds, peak resident bytes) of `cmd` and its process tree; exits
    naming `name` if the command fails. CPU is the larger of the sampled tree's and
    getrusage's children total: sampling misses processes that live less than a sample apart
    (Winnow's short tasks), getrusage misses those nobody waits for (datatrove's pool)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL)
    seen = {}
    peak = 0
    while child.poll() is None:
        table = process_table()
        tree = {child.pid}
        changed = True
        while changed:
            changed = False
            for pid, (parent, _, _) in table.items():
                if parent in tree and pid not in tree:
                    tree.add(pid)
                    changed = True
        resident = 0
        for pid in tree:
            if pid in table:
                seen[pid] = max(seen.get(pid, 0), table[pid][1])
                resident += table[pid][2]
        peak = max(peak, resident)
        time.sleep(0.1)
    wall = time.perf_counter() - start
    if child.returncode != 0:
        sys.exit(f"{name}: {cmd[0]} failed with exit code {child.returncode}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    waited = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    return wall, max(sum(seen.values()), waited), peak
