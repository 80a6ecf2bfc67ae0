"""A pandas DataFrame read as an input table, as if from a file (rows numbered from 1)."""

from __future__ import annotations

import hashlib

import pandas as pd

from ..model import RawTable
from ..vocabulary import match_header
from .base import ReadOptions
from .xlsx import cell_text


def frame_table(frame: pd.DataFrame, name: str, options: ReadOptions | None = None) -> RawTable:
    """A DataFrame as if it had been read from a file (rows numbered from 1); its column
    names are its header (read as SPEC 7 says, with `options.columns` if given)."""
    column_map = options.columns if options else None
    headers = [str(c).strip() for c in frame.columns]
    is_date = [match_header(h, column_map).column == "date" for h in headers]
    cells = []
    rows = []
    for number, record in enumerate(frame.itertuples(index=False, name=None), start=1):
        texts = [
            ""
            if value is None or (not isinstance(value, str) and pd.isna(value))
            else cell_text(
                value.to_pydatetime() if isinstance(value, pd.Timestamp) else value,
                is_date[i],
            )
            for i, value in enumerate(record)
        ]
        if all(not t.strip() for t in texts):
            continue
        cells.append(texts)
        rows.append(number)
    digest = hashlib.sha256(frame.to_csv(index=False).encode("utf-8")).hexdigest()
    return RawTable(name, digest, headers, cells, rows, column_map=column_map)
