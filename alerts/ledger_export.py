"""Writing a 舆情台账 as XLSX (two sheets: 台账, 部门统计) or CSV (two files). Everything in it was
crawled, so cells are data, never formulas: XLSX strings are typed as strings, and CSV cells that a
spreadsheet would evaluate (= + - @, tab, CR) are prefixed with an apostrophe."""
from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from alerts.ledger import DepartmentLedgerStats, Ledger, LedgerRow
from pipeline.config import TZ

LEDGER_COLUMNS = ("发现时间", "来源", "标题", "链接", "等级", "类别", "处置部门", "处置措施",
                  "回复时间", "办结时间", "是否超时", "满意度", "事件单号", "事件编号")
STATS_COLUMNS = ("处置部门", "事件单数", "已回复", "回复率", "按时回复", "按时率", "已办结", "办结率",
                 "满意评价数", "满意数", "满意率", "平均回复用时(小时)")
_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
_TIME_FORMAT = "yyyy-mm-dd hh:mm"


def neutralise(cell: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP CSV injection advice)."""
    return "'" + cell if cell.startswith(_FORMULA_LEAD) else cell


def _yes_no(v: bool | None) -> str:
    return "" if v is None else ("是" if v else "否")


def _local(t: datetime | None) -> datetime | None:
    """Beijing wall time without zone: spreadsheets have no time zones."""
    return t.astimezone(TZ).replace(tzinfo=None) if t is not None else None


def _row_values(r: LedgerRow) -> list:
    return [_local(r.found_at), r.source, r.title, r.link, r.grade, r.category, r.department,
            r.measures, _local(r.replied_at), _local(r.closed_at), _yes_no(r.overdue),
            r.satisfaction, r.incident_id, r.event_id or ""]


def _stats_values(d: DepartmentLedgerStats) -> list:
    return [d.department, d.incidents, d.replied, d.reply_rate, d.on_time, d.on_time_rate,
            d.closed, d.close_rate, d.rated, d.satisfied, d.satisfaction_rate, d.mean_hours_to_reply]


def ledger_title(ledger: Ledger) -> str:
    last = ledger.end.astimezone(TZ)
    return f"舆情台账 {ledger.start.astimezone(TZ):%Y-%m-%d} 至 {last:%Y-%m-%d %H:%M}"


def write_xlsx(ledger: Ledger, path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    _fill(ws, LEDGER_COLUMNS, (_row_values(r) for r in ledger.rows), pct_cols=())
    for col, width in zip("ABCDEFGHIJKLMN", (17, 12, 40, 40, 6, 10, 14, 40, 17, 17, 8, 8, 8, 20)):
        ws.column_dimensions[col].width = width
    stats = wb.create_sheet("部门统计")
    _fill(stats, STATS_COLUMNS, (_stats_values(d) for d in ledger.departments), pct_cols=(4, 6, 8, 11))
    stats.column_dimensions["A"].width = 16
    wb.properties.title = ledger_title(ledger)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _fill(ws, header: Sequence[str], rows: Iterable[list], *, pct_cols: Sequence[int]) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    ws.append(list(header))
    ws.freeze_panes = "A2"
    for values in rows:  # control characters a crawled title may carry are invalid in XLSX
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # openpyxl would write it as a formula
            elif isinstance(cell.value, datetime):
                cell.number_format = _TIME_FORMAT
            elif cell.column in pct_cols and cell.value is not None:
                cell.number_format = "0.0%"


def _text(v) -> str:
    if v is None:
        return ""
    return f"{v:%Y-%m-%d %H:%M}" if isinstance(v, datetime) else str(v)


def _csv_rows(header: Sequence[str], rows: Iterable[list], pct_cols: Sequence[int]) -> Iterable[list[str]]:
    yield list(header)
    for values in rows:
        yield [neutralise(f"{v * 100:.1f}%" if i + 1 in pct_cols and v is not None else _text(v))
               for i, v in enumerate(values)]


def write_csv(ledger: Ledger, path: Path) -> list[Path]:
    """The ledger at `path`, the department statistics beside it (…_部门统计.csv). UTF-8 with a
    BOM so Excel on a Chinese Windows desktop reads it as Unicode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stats_path = path.with_name(f"{path.stem}_部门统计{path.suffix or '.csv'}")
    for p, header, rows, pct in ((path, LEDGER_COLUMNS, map(_row_values, ledger.rows), ()),
                                 (stats_path, STATS_COLUMNS, map(_stats_values, ledger.departments),
                                  (4, 6, 8, 11))):
        with p.open("w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerows(_csv_rows(header, rows, pct))
    return [path, stats_path]
