#!/usr/bin/env python3
"""Throughput of the Python module against the command on the same documents, in one run.

    python3 python/bench.py [--copies N] [--runs R] [--bin target/release/parasift] [--no-ray]

Builds benches/make_corpus.py's text corpus (plain-text JSONL records), splits it into four
shards and times, R times each (medians):
  cli:    parasift classify --output clean --threads 2 SHARDS  (first pass + classification)
  python: the shards' lines read as bytes and given to Model.classify_lines(..., "jsonl",
          "clean", threads=2): counted as one corpus, classified, rendered
  python_str: the same, the lines read as text (str) first
  ray:    ray.init(num_cpus=2); parasift.ray.classify(read_text(SHARDS), output="clean") with
          the index counted by Ray, every output line pulled back to the driver
  ray_noop: what Ray itself costs on this machine: read_text(SHARDS), a map_batches that
          returns its batch, every line pulled back to the driver
and checks that cli, python, python_str and ray give the same lines. The Ray job is also
compared with the sum cli + ray_noop (the command's work plus Ray's own reading and moving of
the rows), the bound a Ray job on this node can come near.
"""
import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "parasift"))
    ap.add_argument("--no-ray", action="store_true")
    a = ap.parse_args()
    import parasift

    work = pathlib.Path(tempfile.mkdtemp(prefix="parasift-bench-"))
    subprocess.run([sys.executable, str(ROOT / "benches" / "make_corpus.py"), str(work),
                    "--copies", str(a.copies)], check=True, stdout=subprocess.DEVNULL)
    lines = (work / "text.jsonl").read_text(encoding="utf-8").splitlines()
    shards = []
    for s in range(4):
        p = work / f"part-{s}.jsonl"
        p.write_text("\n".join(lines[s::4]) + "\n", encoding="utf-8")
        shards.append(p)
    mb = sum(p.stat().st_size for p in shards) / 1e6
    print(f"corpus: {len(lines)} records, {mb:.1f} MB in 4 shards")

    def cli():
        out = subprocess.run([a.bin, "classify", "--output", "clean", "--threads", "2", "--quiet",
                              *map(str, shards)], capture_output=True, check=True)
        return out.stdout.decode("utf-8").splitlines()

    model = parasift.Model()

    def python():
        ls = [l for p in shards for l in p.read_bytes().splitlines()]
        got, _ = model.classify_lines(ls, "jsonl", "clean", threads=2)
        return [b.decode("utf-8") for b in got if b is not None]

    def python_str():
        ls = [l for p in shards for l in p.read_text(encoding="utf-8").splitlines()]
        got, _ = model.classify_lines(ls, "jsonl", "clean", threads=2)
        return [b.decode("utf-8") for b in got if b is not None]

    def ray_job():
        import parasift.ray as pr
        import ray

        ds = ray.data.read_text([str(p) for p in shards])
        out = []
        for b in pr.classify(ds, output="clean").iter_batches(batch_format="pyarrow"):
            out.extend(b.column("text").to_pylist())
        return out

    def ray_noop():
        import ray

        ds = ray.data.read_text([str(p) for p in shards]).map_batches(
            lambda b: b, batch_format="pyarrow")
        out = []
        for b in ds.iter_batches(batch_format="pyarrow"):
            out.extend(b.column("text").to_pylist())
        return out

    jobs = [("cli", cli), ("python", python), ("python_str", python_str)]
    if not a.no_ray:
        import ray

        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.execution_options.preserve_order = True
        jobs += [("ray", ray_job), ("ray_noop", ray_noop)]
        ray_noop()  # the workers started
    times = {name: [] for name, _ in jobs}
    outputs = {}
    for _ in range(a.runs):
        for name, f in jobs:
            t = time.perf_counter()
            outputs[name] = f()
            times[name].append(time.perf_counter() - t)
    cli_s = statistics.median(times["cli"])
    for name, _ in jobs:
        s = statistics.median(times[name])
        same = "-" if name == "ray_noop" else outputs[name] == outputs["cli"]
        print(f"{name:10s} median {s:6.2f} s  {mb / s:6.2f} MB/s  {cli_s / s:5.2f}x cli  "
              f"same lines as cli: {same}  (runs: {', '.join(f'{x:.2f}' for x in times[name])})")
    if "ray" in times:
        bound = cli_s + statistics.median(times["ray_noop"])
        print(f"ray against cli + ray_noop ({bound:.2f} s): "
              f"{bound / statistics.median(times['ray']):.2f}x")
    print(f"cpus: {os.cpu_count()}, load average before: {os.getloadavg()}")


if __name__ == "__main__":
    main()
