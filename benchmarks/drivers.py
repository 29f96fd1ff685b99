"""Print the storage-driver cost table for every workload, and how long computing it takes.

    python benchmarks/drivers.py

Big files are SyntheticContent: only sizes are used, so the table (8 drivers x 4
workloads) takes milliseconds. Nothing is written to disk.
"""

from __future__ import annotations

import time

from layerlab.drivers import WORKLOADS, compare_costs

MiB = 1 << 20


def main() -> None:
    start = time.perf_counter()
    for name, workload in WORKLOADS.items():
        print(f"\n{name}: {workload.description}")
        print(f"{'driver':16}{'image MiB':>12}{'containers MiB':>16}{'total MiB':>12}{'copied MiB':>12}")
        for row in compare_costs(workload):
            if row.error:
                print(f"{row.driver:16}  {row.error}")
                continue
            print(
                f"{row.driver:16}{row.image_disk / MiB:12.1f}{row.containers_disk / MiB:16.3f}"
                f"{row.total_disk / MiB:12.1f}{row.copied / MiB:12.1f}"
            )
    print(f"\ncomputed in {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
