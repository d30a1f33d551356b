"""Results ingest against raw boto3 (issue 3): the upload handler's whole work on an N-row results
file, against `Table.batch_writer()` putting the same items into the same (in-process) moto.

For N in 10,000 and 100,000, in one run:
- seed N entries with raw boto3 `batch_writer` (not timed);
- put an N-row results CSV (every column of API.md: the result columns, five `component:<Name>`
  columns, `photo_key`, `release_at`; all rows valid) in the batch bucket;
- ours: `batches.process_object(bucket, key, etag, size)`: claim, stream, validate, BatchGets,
  batch writes, progress updates, fan-out messages;
- baseline: raw boto3 `Table.batch_writer()` writing the same 2N items (each Result item and its
  reference-number claim, exactly as our ingest wrote them: a sample is compared item for item
  with the table) into a fresh table of the same spec in the same moto.

Times are CPU seconds of this process: moto runs in it, so they hold the work of both sides and
not what else the machine runs meanwhile (wall-clock ratios are printed too).

Memory: the peak (tracemalloc) of a second ingest of an N-row file for other candidates, in a
child process whose AWS is this process's moto served over HTTP (in-process, moto's own store,
growing with every item written, would be counted; and tracemalloc's cost stays out of the
timed runs).

    ingest_ratio_10k, ingest_ratio_100k   ours / baseline (budget <= 1.5)
    ingest_growth                         ours at 100k / ours at 10k (budget <= 11)
    ingest_peak_mb_10k, ingest_peak_mb    peak Python memory during the ingest (flat as N grows)
    ingest_rows_per_s_100k                rows per second of our ingest at 100k
    ddb_requests_per_1k_rows              DynamoDB requests of our ingest per 1,000 rows (at the
                                          smallest N; `_baseline` beside it: raw batch_writer's)
    write_units_per_row                   write units per row, estimated from each written item's
                                          size as DynamoDB bills them (1 per KB or part, twice in a
                                          transaction; an UpdateItem/DeleteItem counts 1; GSI
                                          copies not included), `_baseline` beside it

Requests and write units are counted with botocore `before-parameter-build` hooks on every DynamoDB
client the ingest uses (ours, PynamoDB's for the batch record); both sides bear the hooks' cost.

`python -m bench.ingest [N ...]` runs other sizes (for development; the figures keep their names):
`python -m bench.ingest 10000` gives every figure at 10k alone in about a third of the time.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import logging
import os
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal
from typing import Any

from bench import use_moto_env

use_moto_env()
os.environ["STAGE"] = "test"
if "BENCH_INGEST_ENDPOINT" in os.environ:  # the memory run's child: AWS is the parent's moto server
    os.environ["AWS_ENDPOINT_URL"] = os.environ["BENCH_INGEST_ENDPOINT"]

SIZES = (10_000, 100_000)
EXAM_CODE, EXAM_DATE = "B2FIRST", "2026-06-14"
SCORES = {"Reading": 175, "Use of English": 170, "Writing": 168, "Listening": 181, "Speaking": 177}
HEADER = ["id_number", "exam_code", "exam_date", "reference_number", "overall_score", "grade", "cefr_level",
          *(f"component:{name}" for name in SCORES), "photo_key", "release_at"]
FIRST = ["Zoë", "John", "Ελένη", "Дмитрий", "María José", "Søren", "Oluwaseun", "Priya"]
FAMILY = ["Łukasiewicz-Nguyễn", "Smith", "Παπαδοπούλου", "Иванов", "García Pérez", "Müller", "Al-Rashid"]
SAMPLE = 50  # items compared between the table and the baseline's items


def _raw_client() -> Any:
    """The low-level DynamoDB client the results importer writes with (db/table.py)."""
    from chalicelib.db.table import table

    return table().raw_client()  # type: ignore[attr-defined]


def id_number(tag: str, i: int) -> str:
    return f"{tag}{i:06d}"


def reference(tag: str, i: int) -> str:
    return f"SOR-2026-{tag}-{i:06d}"


def entry_item(tag: str, i: int) -> dict[str, Any]:
    idn = id_number(tag, i)
    return {
        "pk": f"CAND#{idn}", "sk": f"ENTRY#{EXAM_DATE}#{EXAM_CODE}", "id_number": idn,
        "first_name": FIRST[i % len(FIRST)], "family_name": FAMILY[i % len(FAMILY)],
        "date_of_birth": f"{1990 + i % 20}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "centre_number": f"GB{100 + i % 400}", "exam_code": EXAM_CODE, "exam_date": EXAM_DATE,
        "exam_format": "paper" if i % 3 else "computer", "secret_hash": f"{i:064x}",
        "batch_id": "bench-entries", "created_at": "2026-06-01T09:00:00Z",
    }


def result_row(tag: str, i: int) -> list[str]:
    return [id_number(tag, i), EXAM_CODE, EXAM_DATE, reference(tag, i), "174", "B", "B2",
            *(str(v) for v in SCORES.values()), "", ""]


def csv_file(tag: str, n: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for i in range(n):
        writer.writerow(result_row(tag, i))
    return out.getvalue().encode()


def written_items(tag: str, i: int, batch: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The Result item and the RefClaim item our ingest writes for row i (boto3 resource types).
    `batch` holds what is the same for every row of one batch (batch id, times, content hash)."""
    e = entry_item(tag, i)
    ref = reference(tag, i)
    result = {
        "pk": e["pk"], "sk": f"RESULT#{EXAM_DATE}#{EXAM_CODE}", "id_number": e["id_number"],
        "first_name": e["first_name"], "family_name": e["family_name"], "date_of_birth": e["date_of_birth"],
        "centre_number": e["centre_number"], "exam_code": EXAM_CODE, "exam_date": EXAM_DATE,
        "exam_format": e["exam_format"], "reference_number": ref, "overall_score": Decimal(174),
        "grade": "B", "cefr_level": "B2",
        "components": [{"name": name, "score": Decimal(v)} for name, v in SCORES.items()],
        "status": "released", "released_at": batch["released_at"], "version": Decimal(1),
        "content_hash": batch["content_hash"], "batch_id": batch["batch_id"],
        "updated_at": batch["updated_at"],
        "gsi1pk": f"REF#{ref}", "gsi1sk": "RESULT", "notice": "released",
    }
    claim = {"pk": f"REF#{ref}", "sk": "REF", "owner": f"{result['pk']}|{result['sk']}"}
    return result, claim


def _value_size(v: dict[str, Any]) -> int:
    """Bytes of one attribute value as DynamoDB sizes it (close enough for billing units)."""
    (kind, x), = v.items()
    if kind == "S":
        return len(x.encode())
    if kind == "N":
        return (len(x.lstrip("-").replace(".", "")) + 1) // 2 + 1
    if kind == "B":
        return len(x)
    if kind == "L":
        return 3 + sum(1 + _value_size(e) for e in x)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + _value_size(e) for k, e in x.items())
    if kind in ("SS", "NS", "BS"):
        return sum(_value_size({kind[0]: e}) for e in x)
    return 1


def item_units(item: dict[str, Any]) -> int:
    size = sum(len(k.encode()) + _value_size(v) for k, v in item.items())
    return -(-size // 1024)


class Counter:
    """DynamoDB requests (API calls) and estimated write units, by botocore hooks."""

    def __init__(self) -> None:
        import threading

        self.requests = 0
        self.units = 0
        self.lock = threading.Lock()

    def hook(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        op = model.name
        units = 0
        if op == "PutItem":
            units = item_units(params["Item"])
        elif op == "BatchWriteItem":
            for writes in params["RequestItems"].values():
                units += sum(item_units(w["PutRequest"]["Item"]) if "PutRequest" in w else 1 for w in writes)
        elif op in ("UpdateItem", "DeleteItem"):
            units = 1
        elif op == "TransactWriteItems":
            units = 2 * sum(item_units(a["Put"]["Item"]) if "Put" in a else 1
                            for a in params["TransactItems"])
        with self.lock:
            self.requests += 1
            self.units += units

    def attach(self, *clients: Any) -> None:
        for c in clients:
            c.meta.events.register("before-parameter-build.dynamodb", self.hook, unique_id="bench-count")

    @staticmethod
    def detach(*clients: Any) -> None:
        for c in clients:
            c.meta.events.unregister("before-parameter-build.dynamodb", unique_id="bench-count")


class Timer:
    """CPU time of this process (moto runs in it, so this is the work of both sides, whatever
    else the machine runs meanwhile) and wall time."""

    def __enter__(self) -> Timer:
        self.cpu, self.wall = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cpu, self.wall = time.process_time() - self.cpu, time.perf_counter() - self.wall


class Bench:
    def __init__(self) -> None:
        import boto3

        from chalicelib import config, resources

        self.config, self.resources = config, resources
        self.ddb = boto3.resource("dynamodb", region_name="eu-west-1")
        self.s3 = boto3.client("s3", region_name="eu-west-1")
        self.table = self.ddb.Table(config.MAIN_TABLE)

    def seed(self, tag: str, n: int) -> tuple[str, str, int]:
        """N entries (raw batch_writer) and the results file in the batch bucket: (key, etag, size)."""
        with self.table.batch_writer() as writer:
            for i in range(n):
                writer.put_item(Item=entry_item(tag, i))
        data = csv_file(tag, n)
        key = f"incoming/results/bench-{tag}-{n}.csv"
        etag = self.s3.put_object(Bucket=self.config.BATCH_BUCKET, Key=key, Body=data)["ETag"].strip('"')
        return key, etag, len(data)

    def ours(self, key: str, etag: str, size: int) -> str:
        from chalicelib.services import batches

        batch_id = batches.process_object(self.config.BATCH_BUCKET, key, etag, size)
        assert batch_id is not None
        return batch_id

    def check(self, tag: str, n: int, batch_id: str) -> dict[str, Any]:
        """The batch completed with every row stored; returns the per-batch fields of the items."""
        batch = self.table.get_item(Key={"pk": f"BATCH#{batch_id}", "sk": "BATCH"})["Item"]
        assert batch["status"] == "completed", batch
        assert int(batch["rows_ok"]) == n and int(batch["jobs_total"]) == n, batch
        first = self.table.get_item(Key={"pk": f"CAND#{id_number(tag, 0)}",
                                         "sk": f"RESULT#{EXAM_DATE}#{EXAM_CODE}"})["Item"]
        return {k: first[k] for k in ("batch_id", "released_at", "updated_at", "content_hash")}

    def baseline(self, tag: str, n: int, same: dict[str, Any], counter: Counter | None = None) -> Timer:
        """Raw boto3 batch_writer of the same 2N items into a fresh table of the same spec."""
        spec = dict(self.resources.MAIN_TABLE_SPEC, TableName=f"{self.config.MAIN_TABLE}-baseline-{tag}")
        client = self.ddb.meta.client
        client.create_table(**spec)
        fresh = self.ddb.Table(spec["TableName"])
        # The items are exactly what our ingest stored (a sample, compared with the table).
        step = max(1, n // SAMPLE)
        for i in range(0, n, step):
            result, claim = written_items(tag, i, same)
            got = self.table.get_item(Key={"pk": result["pk"], "sk": result["sk"]})["Item"]
            assert got == result, (got, result)
            assert self.table.get_item(Key={"pk": claim["pk"], "sk": "REF"})["Item"] == claim
        items: list[dict[str, Any]] = []
        for i in range(n):
            items.extend(written_items(tag, i, same))
        gc.collect()
        if counter is not None:
            counter.attach(client)
        with Timer() as took:
            with fresh.batch_writer() as writer:
                for item in items:
                    writer.put_item(Item=item)
        if counter is not None:
            Counter.detach(client)
        client.delete_table(TableName=spec["TableName"])
        return took


def run(sizes: tuple[int, ...] = SIZES) -> dict[str, float]:
    from moto import mock_aws

    out: dict[str, float] = {}
    with mock_aws():
        from chalicelib.adapters import aws as aws_adapter
        from chalicelib.adapters import queue
        from devstack.bootstrap import bootstrap

        aws_adapter.reset_clients()
        queue.queue_url.cache_clear()
        bootstrap()
        bench = Bench()
        times: dict[int, float] = {}
        from chalicelib.db import models as m

        for n, tag in zip(sizes, ("BKA", "BKB", "BKC", "BKD")):
            key, etag, size = bench.seed(tag, n)
            counted = n == min(sizes)
            ours_count, base_count = Counter(), Counter()
            clients = [_raw_client(), aws_adapter.client("dynamodb"),
                       m.Batch._get_connection().connection.client]
            if counted:
                ours_count.attach(*clients)
            gc.collect()
            with Timer() as took:
                batch_id = bench.ours(key, etag, size)
            Counter.detach(*clients)
            times[n] = took.cpu
            same = bench.check(tag, n, batch_id)
            base = bench.baseline(tag, n, same, base_count if counted else None)
            if counted:
                out["ddb_requests_per_1k_rows"] = ours_count.requests * 1000 / n
                out["ddb_requests_per_1k_rows_baseline"] = base_count.requests * 1000 / n
                out["write_units_per_row"] = ours_count.units / n
                out["write_units_per_row_baseline"] = base_count.units / n
            label = f"{n // 1000}k"
            out[f"ingest_ratio_{label}"] = took.cpu / base.cpu
            out[f"ingest_rows_per_s_{label}"] = n / took.cpu
            out[f"ingest_ours_cpu_s_{label}"] = took.cpu
            out[f"ingest_baseline_cpu_s_{label}"] = base.cpu
            out[f"ingest_ratio_wall_{label}"] = took.wall / base.wall
            print(f"# {n} rows: ours {took.cpu:.1f} s CPU ({took.wall:.1f} s wall), "
                  f"baseline {base.cpu:.1f} s CPU ({base.wall:.1f} s wall)", file=sys.stderr, flush=True)
        small, large = min(sizes), max(sizes)
        if small != large:
            out["ingest_growth"] = times[large] / times[small]
        # Memory, in separate ingests of N rows for other candidates: a child process under
        # tracemalloc runs the ingest against this process's moto, served over HTTP, so that
        # moto's own store (which grows with every item written) is not counted as ours.
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            for n, tag in zip(sizes, ("BMA", "BMB", "BMC", "BMD")):
                key, etag, size = bench.seed(tag, n)
                env = dict(os.environ, BENCH_INGEST_ENDPOINT=f"http://{host}:{port}")
                argv = [sys.executable, "-m", "bench.ingest", "--memory", key, etag, str(size)]
                child = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
                if child.returncode != 0:
                    raise RuntimeError(f"memory run failed: {child.stderr[-2000:]}")
                got = json.loads(child.stdout.strip().splitlines()[-1])
                bench.check(tag, n, got["batch_id"])
                name = "ingest_peak_mb" if n == large else f"ingest_peak_mb_{n // 1000}k"
                out[name] = got["peak"] / 1e6
                print(f"# {n} rows: peak {got['peak'] / 1e6:.1f} MB", file=sys.stderr, flush=True)
        finally:
            server.stop()
        aws_adapter.reset_clients()
        queue.queue_url.cache_clear()
    return out


def memory_child(key: str, etag: str, size: int) -> dict[str, Any]:
    """In the child: the ingest under tracemalloc, clients made beforehand (a warm Lambda)."""
    from chalicelib import config
    from chalicelib.adapters import aws as aws_adapter
    from chalicelib.db import models as m
    from chalicelib.services import batches

    for service in ("dynamodb", "s3", "sqs"):
        aws_adapter.client(service)
    _raw_client()
    m.Batch._get_connection().connection.client  # noqa: B018 - PynamoDB's client, made now
    gc.collect()
    tracemalloc.start()
    batch_id = batches.process_object(config.BATCH_BUCKET, key, etag, size)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"batch_id": batch_id, "peak": peak}


if __name__ == "__main__":
    if sys.argv[1:2] == ["--memory"]:
        print(json.dumps(memory_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
        raise SystemExit(0)
    args = tuple(int(a) for a in sys.argv[1:]) or SIZES
    for name, value in run(args).items():
        print(f"{name}: {value:.3f}")
