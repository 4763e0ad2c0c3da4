"""The 舆情台账 download on the incidents page: /ledger?since=YYYY-MM-DD&until=YYYY-MM-DD&format=xlsx|csv
(the CLI's `yqwatch ledger`, for offices that work in the browser). CSV comes as one file, the
ledger; its department statistics are in the XLSX."""
from __future__ import annotations

import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from alerts.ledger import LedgerConfig, build_ledger
from alerts.ledger_export import write_csv, write_xlsx
from pipeline.config import TZ

_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          "csv": "text/csv; charset=utf-8"}


def _day(value: str | None, default: date) -> date:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"日期 {value[:20]!r} 无效：应为 YYYY-MM-DD") from None


def ledger_download(request: Request) -> Response:
    s = request.app.state.services
    q = request.query_params
    today = s.now().date()
    until = _day(q.get("until"), today)
    since = _day(q.get("since"), until.replace(day=1))
    fmt = q.get("format") or "xlsx"
    if fmt not in _TYPES:
        raise HTTPException(400, "格式应为 xlsx 或 csv")
    if since > until or (until - since).days > 366:
        raise HTTPException(400, "日期范围无效（起始不晚于截止，最长一年）")
    ledger = build_ledger(s.store, s.incidents, start=datetime.combine(since, time(), TZ),
                          end=datetime.combine(until + timedelta(days=1), time(), TZ), now=s.now(),
                          config=s.ledger_config or LedgerConfig(), source_names=s.source_names)
    name = f"台账-{since}-{until}.{fmt}"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"ledger.{fmt}"
        if fmt == "xlsx":
            write_xlsx(ledger, path)
        else:
            write_csv(ledger, path)
        data = path.read_bytes()
    return Response(data, media_type=_TYPES[fmt], headers={
        "Content-Disposition": f"attachment; filename=\"ledger-{since}-{until}.{fmt}\"; "
                               f"filename*=UTF-8''{quote(name)}"})
