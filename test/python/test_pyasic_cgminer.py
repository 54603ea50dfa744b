"""pyasic (pyasic==0.79.0 from PyPI) as a second CGMiner-API client beside the proxy.

The CGMiner fleet simulator (backend-proxy/dist, the built one, started as its cli.js starts it)
serves every firmware family on TCP 4028, one miner per loopback address, because pyasic's
MinerFactory only ever dials port 4028 (pyasic/miners/factory.py:976 `_socket_ping`) and the
RPC classes default to it. pyasic identifies each miner its own way (`version` and `devdetails`,
factory.py:951; "BTMINER"/"BITMICRO", "BOSER", "ANTMINER", "AVALON" in the reply,
factory.py:1067-1097), picks its model class, and reads hashrate, hashboards, fans, power and
pools. The proxy (backend-proxy/bin/nodescope-proxy.js) polls the same miners, and its
/api/query `miners`, `miner.devices` and `miner.pools` must agree with what pyasic read.

The simulator is frozen (--frozen): counters and rates stay put, so both clients read one
state. Where the two clients read different fields of one reply, the comparison says which
and why; a disagreement is settled from the captures in backend-proxy/test/fixtures/miners,
not by loosening the test:

- bmminer: pyasic names `tempN` the chip and `temp2_N` the board (backends/bmminer.py:186-192);
  the captures say the other way round: in the S9 SE capture (check_cgminer
  test/ReplyExamples.hs) temp_pcb1 "60-44" goes with temp1 60 and temp_chip1 "79-65" with
  temp2_1 79; in the S19 Pro capture (asic-rs v2020/stats.json) temp_pcb1 "73-45-64-65" with
  temp1 73 and temp_chip1 "78-50-69-70" with temp2_1 78. The proxy's labels follow the
  captures, so pyasic's chip_temp is compared with the proxy's board temperature.
- Braiins and Whatsminer temperatures: pyasic rounds to whole degrees (braiins_os.py:421-422,
  btminer.py:479-480); the proxy keeps the firmware's 58.5. Compared within 0.5 °C.
- Hashrate: pyasic reads "MHS 1m" (btminer.py:446, braiins_os.py:371) or DEVS[0] "MHS 1m"
  (avalonminer.py:265), the proxy "MHS 5s"/"GHS 5s"; the frozen simulator reports one rate
  in all of them.
- Power: only where the firmware measures it (Braiins tunerstatus, Whatsminer summary); pyasic
  reads Whatsminer "Power" (btminer.py:518), the proxy "Power_RT" first; equal in the simulator
  (3417 and 3427 in the real capture, asic-rs v1/summary.json: a real difference of 10 W).

- LuxOS board temperatures: four sensors a board sent as "exhaust-intake-intake-exhaust" in
  temp_chipN/temp_pcbN (asic-rs luxminer v1/stats.json "47-34-34-47"; its `temps` METADATA names
  them). pyasic's chip_temp is the mean of the two exhaust readings and its temp the mean of the
  two intake readings (backends/luxminer.py:286-305); the proxy keeps the hottest sensor for both
  board and chip, which is the exhaust. So pyasic's chip_temp is compared with the proxy's chip
  temperature and the miner's hottest reading; pyasic's intake mean has no proxy counterpart.

- Whatsminer API v3 (btminer 2024-11+): pyasic picks BTMinerV3 from the 4028 get_version fw_ver
  (backends/btminer.py:33-58) and reads port 4433. Compared: hashrate (summary hash-realtime),
  fans, power (power-realtime) and per-board hashrate and chips (pyasic reads edevs hash-average,
  the proxy hash-realtime: one rate in the frozen simulator). Not compared: pyasic's board `temp`
  is chip-temp-min (:1205-1256), which the proxy does not keep; and pools, which pyasic looks for
  in the get.miner.status summary reply (:1258-1280) where the firmware has none (asic-rs
  v3/get_miner_status_summary.json), so pyasic lists no pools; the proxy reads param "pools".

- AxeOS (Bitaxe): HTTP only. The simulator serves it on port 80 of its address (pyasic's web API
  has no port setting: web/base.py:31), GET / with the UI's <title>AxeOS</title>, which is how
  pyasic tells it (factory.py:930-931), and /api/system/info. Compared: hashrate, the one board's
  ASIC and VR temperatures (espminer.py:176-193), the fan, power (pyasic rounds it: :78-90).
  pyasic's ESPMiner reads no pools, so pools are not compared.

- ePIC (PowerPlay): HTTP API on 4028, dashboard on 80 ("Miner Web Dashboard" is how pyasic
  tells it: factory.py:938-939; model from :4028/capabilities, :1484-1498). Compared: hashrate,
  board temperatures (pyasic truncates them to int: backends/epic.py:388; within 0.5 °C of the
  simulator's x.25 readings), fans (pyasic lists the null slots as fans without a speed: those are
  left out), power (pyasic rounds it), the one pool.

What pyasic cannot read from a TCP-only stand-in, and so is not compared:
- Antminer S19-class stock firmware (AntminerModern): pyasic reads hashboards (temperatures
  and per-board rates) from the miner's web API, GET /cgi-bin/stats.cgi with HTTP digest auth
  on port 80 (backends/antminer.py:288-301, `self.web.send_command("stats")`), which the
  simulator does not serve; hashrate, fans and pools come over 4028 and are compared.
- Braiins OS on an S19j Pro: pyasic picks its gRPC class (BOSMinerS19jPro is `BOSer`,
  miners/antminer/bosminer/X19/S19.py:61) and reads hashboards, power, fans and pools over
  Braiins' gRPC API on port 50051 (backends/braiins_os.py:745-783, BOSER_DATA_LOC); only the
  hashrate comes over 4028 (`summary`, :737-739) and is compared. The Braiins OS S9 class
  (BOSMiner, RPC only) covers the family's temperatures, fans, power and pools.
- Avalon (cgminer): pyasic reads temperatures, fans and power from `estats` "MM ID" strings
  (backends/avalonminer.py:49-71); neither the simulator nor the proxy implements estats
  (cgminer README, "Not covered"), so only hashrate and pools are compared.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import subprocess
import tempfile
import time
import urllib.request
import warnings
from pathlib import Path
from typing import Any

import pytest

import pyasic  # pinned in requirements.txt: missing is a failure, not a skip
from pyasic.device.algorithm import MinerAlgo  # noqa: E402
from pyasic.miners.data import DataOptions  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SIM_CLI = REPO / "backend-proxy/dist/src/simulators/cgminer/cli.js"
PROXY_BIN = REPO / "backend-proxy/bin/nodescope-proxy.js"
PROXY_CLI = REPO / "backend-proxy/dist/src/cli.js"
SOURCES = [REPO / "backend-proxy/src", REPO / "plugins/shared/src"]
API_KEY = "pytest-pyasic-key"

# one fleet per model set: --model is per family, and two Antminers / two Braiins are wanted
FLEETS = [
    # stock S9 bmminer (fans in fan5/fan6, chains 6-8), Braiins OS S9 (four fan slots, two empty)
    {"flavours": "cgminer,bmminer,braiins,whatsminer",
     "models": ["bmminer=Antminer S9:13.5:1323", "braiins=Antminer S9:13.5:1300"]},
    # defaults: Antminer S19 Pro stock firmware, Braiins OS on an S19j Pro
    {"flavours": "bmminer,braiins", "models": []},
    # LuxOS on the capture's model (asic-rs luxminer v1/version.json: "Antminer S19k Pro")
    {"flavours": "luxos", "models": []},
    # Whatsminer on 2024-11+ firmware: 4028 names it, API v3 on 4433 (asic-rs v3 capture's M60S_VK40)
    {"flavours": "whatsminer-v3", "models": []},
    # a Bitaxe Supra on AxeOS, HTTP on port 80
    {"flavours": "axeos", "models": []},
    # an S19 XP on ePIC (the asic-rs capture's model): HTTP API on 4028, dashboard on 80
    {"flavours": "epic", "models": []},
]


def _dist_is_stale() -> bool:
    if not SIM_CLI.exists() or not PROXY_CLI.exists():
        return True
    built = min(SIM_CLI.stat().st_mtime, PROXY_CLI.stat().st_mtime)
    return any(p.stat().st_mtime > built for d in SOURCES for p in d.rglob("*.ts") if not p.name.endswith(".test.ts"))


def _read_line(proc: subprocess.Popen, pattern: str, timeout: float = 30) -> re.Match:
    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        line = proc.stdout.readline() if proc.stdout else ""
        if not line:
            if proc.poll() is not None:
                break
            continue
        seen.append(line)
        match = re.search(pattern, line)
        if match:
            return match
    raise AssertionError(f"no line matching {pattern!r}: {''.join(seen)[-2000:]}")


@pytest.fixture(scope="module")
def stack():
    if _dist_is_stale():
        subprocess.run(["npm", "run", "build", "-w", "plugins/shared", "-w", "backend-proxy"], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL)
    procs: list[subprocess.Popen] = []
    # a /24 of 127/8 nobody else uses in this run: every miner listens on its own address, port 4028
    net = f"127.{random.randint(100, 250)}.{random.randint(0, 255)}"
    miners: list[dict[str, Any]] = []
    try:
        first = 1
        for fleet in FLEETS:
            count = len(fleet["flavours"].split(","))
            hosts = ",".join(f"{net}.{first + i}" for i in range(count))
            first += count
            args = ["node", str(SIM_CLI), "--hosts", hosts, "--port", "4028", "--flavours", fleet["flavours"], "--frozen"]
            for model in fleet["models"]:
                args += ["--model", model]
            proc = subprocess.Popen(args, cwd=REPO / "backend-proxy", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            procs.append(proc)
            started = json.loads(_read_line(proc, r"^\{.*\"miners\"").string)
            for m in started["miners"]:
                miners.append({**m, "name": f"{m['name']}@{m['host']}"})

        config = {
            "server": {"host": "127.0.0.1", "port": 0, "apiKey": API_KEY, "logLevel": "info"},
            "sources": [{
                "id": "farm", "kind": "cgminer", "pollSeconds": 1, "jitter": 0, "timeoutMs": 3000,
                "miners": [{"host": m["host"], "port": m["port"], "name": m["name"],
                            **({"api": m["flavour"]} if m["flavour"] in ("axeos", "epic") else {})} for m in miners],
            }],
        }
        config_file = Path(tempfile.mkdtemp(prefix="nodescope-pyasic-")) / "proxy.yaml"
        config_file.write_text(json.dumps(config))  # JSON is YAML
        proxy = subprocess.Popen(["node", str(PROXY_BIN), "--config", str(config_file)], cwd=REPO,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        procs.append(proxy)
        base = _read_line(proxy, r"listening on (http://[0-9.:]+)").group(1)
        client = Proxy(base)
        deadline = time.time() + 30
        while True:
            table = client.miners()
            if len(table) == len(miners) and all(r["status"] == "online" for r in table):
                break
            assert time.time() < deadline, f"miners not all online: {[(r['miner'], r['status'], r['error']) for r in table]}"
            time.sleep(0.5)
        yield {"proxy": client, "miners": miners}
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def rows(frame: dict[str, Any]) -> list[dict[str, Any]]:
    names = [f["name"] for f in frame["schema"]["fields"]]
    columns = frame["data"]["values"]
    return [dict(zip(names, values)) for values in zip(*columns)] if columns else []


class Proxy:
    def __init__(self, base: str):
        self.base = base

    def query(self, query: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
        now = int(time.time() * 1000)
        body = json.dumps({"queries": [{"refId": "A", "sourceId": "farm", "query": query, "params": params or {}}],
                           "range": {"from": now - 3_600_000, "to": now}, "intervalMs": 1000, "maxDataPoints": 100}).encode()
        req = urllib.request.Request(self.base + "/api/query", data=body, method="POST",
                                     headers={"content-type": "application/json", "authorization": f"Bearer {API_KEY}"})
        with urllib.request.urlopen(req, timeout=10) as res:
            result = json.loads(res.read())["results"]["A"]
        assert not result.get("error"), result
        return result["frames"]

    def miners(self) -> list[dict[str, Any]]:
        return rows(self.query("miners")[0])


READS = {"hashrate": DataOptions.HASHRATE, "temps": DataOptions.HASHBOARDS, "boards": DataOptions.HASHBOARDS, "fans": DataOptions.FANS,
         "power": DataOptions.WATTAGE, "pools": DataOptions.POOLS}


def read_with_pyasic(ip: str, compared: set[str]):
    async def run():
        miner = await pyasic.get_miner(ip)
        assert miner is not None, f"pyasic did not identify {ip}"
        # only what pyasic reads over 4028 for this class (the docstring says what is left out and why)
        data = await miner.get_data(include=[READS[what] for what in sorted(compared)])
        return miner, data

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "partially supported miner" for the simulated Avalon 1066
        return asyncio.run(run())


def hashes_per_second(rate) -> float:
    return float(rate.into(MinerAlgo.SHA256.unit.H))


# family, model -> (pyasic class it must pick, what is compared)
EXPECT = {
    ("cgminer", "Avalon 1066"): ("AvalonUnknown", {"hashrate", "pools"}),
    ("bmminer", "Antminer S9"): ("BMMinerS9", {"hashrate", "temps", "fans", "pools"}),
    ("braiins", "Antminer S9"): ("BOSMinerS9", {"hashrate", "temps", "fans", "power", "pools"}),
    ("whatsminer", "M30S+_VE40"): ("BTMinerM30SPlusVE40", {"hashrate", "temps", "fans", "power", "pools"}),
    ("bmminer", "Antminer S19 Pro"): ("BMMinerS19Pro", {"hashrate", "fans", "pools"}),
    ("braiins", "Antminer S19j Pro"): ("BOSMinerS19jPro", {"hashrate"}),
    # pyasic tells LuxOS by "LUXMINER" in the version reply (factory.py:1074-1075), model from Type (:1510-1520)
    ("luxos", "Antminer S19k Pro"): ("LUXMinerS19kPro", {"hashrate", "temps", "fans", "power", "pools"}),
    # devdetails "bitmicro" (factory.py:1072-1073), model M60S_VK40 -> M60SVK40 (:1333-1339), fw_ver 2025… -> BTMinerV3
    ("whatsminer-v3", "M60S_VK40"): ("BTMinerM60SVK40", {"hashrate", "boards", "fans", "power"}),
    # "AxeOS" in the web root (factory.py:930-931), ASICModel BM1368 -> BitAxeSupra (:686-691, :1548-1559)
    ("axeos", "BM1368"): ("BitAxeSupra", {"hashrate", "temps", "fans", "power"}),
    ("epic", "AntMiner S19 XP"): ("ePICS19XP", {"hashrate", "temps", "fans", "power", "pools"}),
}


def _cases():
    return [pytest.param(key, id=f"{key[0]}:{key[1]}") for key in EXPECT]


@pytest.mark.parametrize("family", _cases())
def test_pyasic_reads_what_the_proxy_reads(stack, family):
    flavour, model = family
    proxy: Proxy = stack["proxy"]
    table = {r["miner"]: r for r in proxy.miners()}
    row = next(r for r in table.values() if r["flavour"] == flavour and r["model"] == model)
    ip = row["host"]
    cls, compared = EXPECT[family]

    miner, data = read_with_pyasic(ip, compared)
    assert type(miner).__name__ == cls, f"pyasic picked {type(miner).__name__} for {flavour} {model}"

    if "hashrate" in compared:
        assert hashes_per_second(data.hashrate) == pytest.approx(row["hashrate"], rel=1e-6)

    boards_frame, fans_frame = proxy.query("miner.devices", {"miner": row["miner"]})
    boards = rows(boards_frame)
    if flavour == "whatsminer-v3":
        from pyasic.miners.backends.btminer import BTMinerV3
        assert BTMinerV3 in type(miner).__mro__, "pyasic did not switch to API v3"
    if "boards" in compared:
        assert [hashes_per_second(b.hashrate) for b in data.hashboards] == pytest.approx([b["hashrate"] for b in boards], rel=1e-6)
        assert [b.chips for b in data.hashboards] == [b["chips"] for b in boards]
    if "temps" in compared:
        theirs = [(b.temp, b.chip_temp) for b in data.hashboards]
        if flavour == "epic":
            # ePIC reports one temperature a board; pyasic int()s it (see the docstring)
            theirs = [(b.temp, b.temp) for b in data.hashboards]
            ours = [(b["boardTemp"], b["boardTemp"]) for b in boards]
            assert all(b["chipTemp"] is None for b in boards) and all(b.chip_temp is None for b in data.hashboards)
        elif flavour == "luxos":
            # pyasic's chip_temp: the exhaust sensors' mean = the hottest sensor the proxy keeps (see the docstring)
            assert [b.chip_temp for b in data.hashboards] == [b["chipTemp"] for b in boards]
            assert [b.chip_temp for b in data.hashboards] == [b["boardTemp"] for b in boards]
            assert all(b.temp < b.chip_temp for b in data.hashboards)  # the intake side is the cooler one
            theirs = [(b.chip_temp, b.chip_temp) for b in data.hashboards]
            ours = [(b["boardTemp"], b["chipTemp"]) for b in boards]
        elif flavour == "bmminer":
            # pyasic's `temp` is temp2_N (the chips) and its `chip_temp` tempN (the PCB): see the docstring
            ours = [(b["chipTemp"], b["boardTemp"]) for b in boards]
        else:
            ours = [(b["boardTemp"], b["chipTemp"]) for b in boards]
        assert len(theirs) == len(ours)
        for (t_board, t_chip), (o_board, o_chip) in zip(theirs, ours):
            assert abs(t_board - o_board) <= 0.5 and abs(t_chip - o_chip) <= 0.5, (theirs, ours)
        assert max(max(t) for t in theirs) == pytest.approx(row["maxTemp"], abs=0.5)

    if "fans" in compared:
        ours = [r["rpm"] for r in rows(fans_frame)]
        assert [f.speed for f in data.fans if f.speed is not None] == ours
        # fitted fans only: a Braiins S9 lists four slots, two empty; neither client counts those
        assert row["fanMin"] == min(ours) and row["fanMin"] > 0

    if "power" in compared:
        assert row["powerSource"] == "measured"
        assert data.wattage == round(row["powerWatts"])

    if "pools" in compared:
        ours = rows(proxy.query("miner.pools", {"miner": row["miner"]})[0])
        theirs = [{"url": str(p.url), "user": p.user, "active": p.active, "alive": p.alive,
                   "accepted": p.accepted, "rejected": p.rejected} for p in data.pools]
        assert theirs == [{"url": p["url"], "user": p["user"], "active": p["active"], "alive": p["status"] == "Alive",
                           "accepted": p["accepted"], "rejected": p["rejected"]} for p in ours]
        assert row["pool"] == next(p["url"] for p in theirs if p["active"])
