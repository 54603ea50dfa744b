"""Every answer of nodescope's Freqtrade simulator that the freqtrade source reads, validated
against freqtrade's own pydantic response models (freqtrade==2026.9 from PyPI,
freqtrade/rpc/api_server/api_schemas.py), with the model each route declares as response_model:

    GET  /ping          Ping                     api_v1.py:83
    GET  /version       Version                  api_v1.py:93
    GET  /show_config   ShowConfig               api_v1.py:99-100 (response_model_exclude_unset)
    GET  /logs          Logs                     api_v1.py:113
    GET  /health        Health                   api_v1.py:206
    GET  /balance       Balances                 api_trading.py:46
    GET  /count         Count                    api_trading.py:55
    GET  /performance   list[PerformanceEntry]   api_trading.py:75
    GET  /profit        Profit                   api_trading.py:80
    GET  /stats         Stats                    api_trading.py:103
    GET  /daily         DailyWeeklyMonthly       api_trading.py:124
    GET  /status        list[OpenTradeSchema]    api_trading.py:157
    GET  /trades        (no response_model: rpc._rpc_trade_history's dict) -> TradeResponse, the
                        schema declared for it (api_schemas.py TradeResponse)
    GET  /whitelist     WhitelistResponse        api_trading.py:295
    GET  /locks         Locks                    api_trading.py:300
    POST /token/login   AccessAndRefreshToken    api_auth.py:124
    POST /token/refresh AccessToken              api_auth.py:151

Validation is strict (an int field must be a JSON integer, as the bot's serializer writes it).
FastAPI serializes a response through its response_model, so a real bot sends exactly the
model's fields: a key the simulator sends that the model lacks is a simulator invention, and a
model field the simulator leaves out is one a real bot would send (except with
response_model_exclude_unset). Both fail here.

The simulator is the built one (backend-proxy/dist), started as the demo starts it.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter

from freqtrade.rpc.api_server import api_schemas as s

REPO = Path(__file__).resolve().parents[2]
DIST_CLI = REPO / "backend-proxy/dist/src/simulators/freqtrade/cli.js"
SOURCES = [REPO / "backend-proxy/src/simulators/freqtrade", REPO / "backend-proxy/src/sources/freqtrade"]
PASSWORD = "pytest-sim-password"


def _dist_is_stale() -> bool:
    if not DIST_CLI.exists():
        return True
    built = DIST_CLI.stat().st_mtime
    return any(p.stat().st_mtime > built for d in SOURCES for p in d.rglob("*.ts"))


@pytest.fixture(scope="module")
def sim():
    if _dist_is_stale():
        subprocess.run(["npm", "run", "build", "-w", "plugins/shared", "-w", "backend-proxy"], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL)
    env = {**os.environ, "FT_SIM_PASSWORD": PASSWORD}
    proc = subprocess.Popen(["node", str(DIST_CLI), "--port", "0", "--seed", "7", "--name", "pytest-bot",
                             "--step-seconds", "3600"], cwd=REPO / "backend-proxy", env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        match = re.search(r"listening on (http://\S+)", line)
        assert match, f"simulator did not start: {line!r}"
        base = match.group(1).rstrip("/")
        client = Client(base)
        # closed and open trades, so every list and every per-reason statistic has rows
        for _ in range(40):
            client.request("POST", "/_sim/step", auth=False)
        yield client
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class Client:
    def __init__(self, base: str):
        self.base = base
        self.basic = "Basic " + base64.b64encode(f"freqtrader:{PASSWORD}".encode()).decode()

    def request(self, method: str, path: str, auth: bool | str = True) -> tuple[int, bytes]:
        req = urllib.request.Request(self.base + path, method=method, data=b"" if method == "POST" else None)
        if auth is True:
            req.add_header("Authorization", self.basic)
        elif isinstance(auth, str):
            req.add_header("Authorization", auth)
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, res.read()

    def get(self, path: str) -> bytes:
        status, body = self.request("GET", "/api/v1" + path)
        assert status == 200, path
        return body


def _differences(sent: Any, dumped: Any, where: str = "") -> list[str]:
    """Keys the simulator sent that the model does not have, and model fields it left out."""
    out: list[str] = []
    if isinstance(sent, dict) and isinstance(dumped, dict):
        for key in sent.keys() - dumped.keys():
            out.append(f"{where}.{key}: sent, not in the model")
        for key in dumped.keys() - sent.keys():
            out.append(f"{where}.{key}: in the model, not sent")
        for key in sent.keys() & dumped.keys():
            out.extend(_differences(sent[key], dumped[key], f"{where}.{key}"))
    elif isinstance(sent, list) and isinstance(dumped, list):
        for i, (a, b) in enumerate(zip(sent, dumped)):
            out.extend(_differences(a, b, f"{where}[{i}]"))
    return out


def _check(body: bytes, model: Any, exclude_unset: bool = False) -> Any:
    sent = json.loads(body)
    adapter = TypeAdapter(model)
    value = adapter.validate_json(body, strict=True)
    dumped = adapter.dump_python(value, mode="json", exclude_unset=exclude_unset)
    problems = _differences(sent, dumped)
    if exclude_unset:  # ShowConfig: a field may be left out, never invented
        problems = [p for p in problems if "not in the model" in p]
    assert problems == [], "\n".join(problems)
    return value


ROUTES: list[tuple[str, Any, bool]] = [
    ("/version", s.Version, False),
    ("/show_config", s.ShowConfig, True),
    ("/health", s.Health, False),
    ("/balance", s.Balances, False),
    ("/count", s.Count, False),
    ("/performance", list[s.PerformanceEntry], False),
    ("/profit", s.Profit, False),
    ("/stats", s.Stats, False),
    ("/logs", s.Logs, False),
    ("/daily?timescale=30", s.DailyWeeklyMonthly, False),
    ("/status", list[s.OpenTradeSchema], False),
    ("/whitelist", s.WhitelistResponse, False),
    ("/locks", s.Locks, False),
]


@pytest.mark.parametrize("path,model,exclude_unset", ROUTES, ids=[r[0] for r in ROUTES])
def test_answer_matches_freqtrade_model(sim: Client, path: str, model: Any, exclude_unset: bool):
    _check(sim.get(path), model, exclude_unset)


def _real_to_json_keys() -> tuple[set[str], set[str]]:
    """The keys freqtrade's own Trade.to_json() and Order.to_json() write (persistence/trade_model.py),
    from a LocalTrade and an Order built in memory (no database)."""
    from datetime import datetime, timedelta, timezone

    from freqtrade.persistence.trade_model import LocalTrade, Order

    now = datetime.now(timezone.utc)
    trade = LocalTrade(id=1, pair="BTC/USDT", base_currency="BTC", stake_currency="USDT", exchange="binance",
                       amount=0.001, amount_requested=0.001, stake_amount=50, open_rate=50000,
                       open_date=now - timedelta(hours=2), fee_open=0.001, fee_close=0.001, is_open=False,
                       strategy="S", timeframe=5, close_rate=51000, close_date=now, exit_reason="roi",
                       close_profit=0.02, close_profit_abs=1.0, leverage=1.0)
    order = Order(ft_order_side="buy", ft_pair="BTC/USDT", ft_is_open=False, order_id="x", status="closed",
                  symbol="BTC/USDT", order_type="limit", side="buy", price=50000, average=50000, amount=0.001,
                  filled=0.001, remaining=0, cost=50, order_date=now, order_filled_date=now, ft_amount=0.001,
                  ft_price=50000)
    return set(trade.to_json().keys()), set(order.to_json("buy").keys())


def test_trades_page_matches_trade_to_json(sim: Client):
    """/trades declares no response_model (api_trading.py:165-176; its comment names TradeResponse as
    the correct model): the bot sends rpc._rpc_trade_history's dict of Trade.to_json() unfiltered.
    So: valid as a TradeResponse, and each trade and order has exactly to_json's keys."""
    body = sim.get("/trades?limit=500&offset=0")
    TypeAdapter(s.TradeResponse).validate_json(body, strict=True)
    trade_keys, order_keys = _real_to_json_keys()
    page = json.loads(body)
    assert set(page.keys()) == {"trades", "trades_count", "offset", "total_trades"}
    for trade in page["trades"]:
        assert set(trade.keys()) == trade_keys, (set(trade) - trade_keys, trade_keys - set(trade))
        for order in trade["orders"]:
            assert set(order.keys()) == order_keys, (set(order) - order_keys, order_keys - set(order))


def test_ping_is_public_and_matches(sim: Client):
    status, body = sim.request("GET", "/api/v1/ping", auth=False)
    assert status == 200
    _check(body, s.Ping)


def test_token_answers_match(sim: Client):
    status, body = sim.request("POST", "/api/v1/token/login")
    assert status == 200
    tokens = _check(body, s.AccessAndRefreshToken)
    status, body = sim.request("POST", "/api/v1/token/refresh", auth=f"Bearer {tokens.refresh_token}")
    assert status == 200
    _check(body, s.AccessToken)


def test_lists_are_not_empty(sim: Client):
    """A validation of empty lists proves nothing: the stepped bot has trades of each kind."""
    assert len(json.loads(sim.get("/trades?limit=500&offset=0"))["trades"]) > 0
    assert len(json.loads(sim.get("/status"))) > 0
    assert len(json.loads(sim.get("/performance"))) > 0
    assert len(json.loads(sim.get("/stats"))["exit_reasons"]) > 0
    assert json.loads(sim.get("/logs"))["log_count"] > 0


def test_timestamps_units_follow_rpc_py(sim: Client):
    """rpc.py: Profit.bot_start_timestamp = dt_ts_def(bot_start) (milliseconds, util/datetime_helpers.py
    dt_ts_def: int(dt.timestamp() * 1000)); Health.bot_start_ts = int(start.timestamp()) (seconds)."""
    profit = json.loads(sim.get("/profit"))
    health = json.loads(sim.get("/health"))
    assert profit["bot_start_timestamp"] == health["bot_start_ts"] * 1000 + profit["bot_start_timestamp"] % 1000
    assert abs(profit["bot_start_timestamp"] / 1000 - time.time()) < 30 * 86400


def test_a_wrong_shape_fails(sim: Client):
    """The check binds: a field removed or invented, or a float where the model wants an int, fails."""
    profit = json.loads(sim.get("/profit"))
    del profit["winning_trades"]
    with pytest.raises(Exception):
        _check(json.dumps(profit).encode(), s.Profit)
    count = json.loads(sim.get("/count"))
    count["invented"] = 1
    with pytest.raises(AssertionError):
        _check(json.dumps(count).encode(), s.Count)
    count = json.loads(sim.get("/count"))
    count["current"] = float(count["current"]) + 0.5
    with pytest.raises(Exception):
        _check(json.dumps(count).encode(), s.Count)
    assert issubclass(s.Count, BaseModel)
