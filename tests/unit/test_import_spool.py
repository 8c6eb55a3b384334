"""The import's spool: a code's rows always meet in one partition, what waits on disk is
private and goes away with the import, and the codes of every partition stay known."""

from __future__ import annotations

import stat

import pandas as pd

from core.importer.spool import Spool


def chunk(codes: list[str], first_line: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "loan_code": pd.Series(codes, dtype=str),
            "seq": pd.Series(range(1, len(codes) + 1), dtype="Int64"),
            "_line": range(first_line, first_line + len(codes)),
        }
    )


def test_a_loans_rows_from_every_chunk_meet_in_one_partition_on_disk() -> None:
    codes = [f"L{n}" for n in range(40)]
    with Spool(4) as spool:
        spool.add("installments", chunk(codes, 2))
        spool.add("installments", chunk(list(reversed(codes)), 42))
        parts = [spool.frame("installments", part) for part in range(4)]
        folder = spool._folder
        assert folder is not None
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert sorted(p.name for p in folder.iterdir()) == [
            f"installments.{part}.pickle" for part in range(4) if len(parts[part])
        ]
        # Every row comes back once, with its dtype; each code's two rows side by side.
        assert sum(len(p) for p in parts) == 80
        assert all(str(p["seq"].dtype) == "Int64" for p in parts)
        for frame in parts:
            lines = frame.groupby("loan_code")["_line"].count()
            assert (lines == 2).all()
        seen = [set(p["loan_code"]) for p in parts]
        assert set().union(*seen) == set(codes)
        assert sum(len(s) for s in seen) == 40  # no code in two partitions
        assert len([s for s in seen if s]) > 1  # and the codes spread out
    assert not folder.exists()


def test_one_partition_keeps_its_rows_in_memory_and_forgets_a_discarded_table() -> None:
    with Spool(1) as spool:
        spool.add("loans", chunk(["A", "B"], 2).drop(columns=["seq"]))
        spool.add("staff", pd.DataFrame({"staff_code": ["S1"], "_line": [2]}))
        assert spool._folder is None
        assert list(spool.frame("loans", 0)["loan_code"]) == ["A", "B"]
        assert spool.codes.codes("loans").to_pylist() == ["A", "B"]
        assert spool.tables == ["loans", "staff"] and spool.rows("loans") == 2
        spool.discard("loans")
        assert spool.tables == ["staff"]
        assert not spool.codes.has("loans") and spool.codes.codes("loans").to_pylist() == []
        assert spool.codes.staff is not None and list(spool.codes.staff["staff_code"]) == ["S1"]


def test_repeated_receipts_are_found_across_chunks_and_partitions_with_their_lines() -> None:
    def repayments(receipts: list[str], first_line: int) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "loan_code": pd.Series([f"L{first_line + n}" for n in range(len(receipts))]),
                "receipt_no": pd.Series(receipts, dtype=str),
                "_line": range(first_line, first_line + len(receipts)),
            }
        )

    with Spool(3) as spool:
        assert list(spool.codes.repeated_receipts()["receipt_no"]) == []
        spool.add("repayments", repayments(["R1", "", "R2", ""], 2))
        spool.add("repayments", repayments(["R3", "R1", "", "R1"], 6))
        receipts = spool.codes.repeated_receipts()
    # Without a receipt number a payment repeats nothing; R2 and R3 are used once.
    assert receipts.to_dict("records") == [
        {"receipt_no": "R1", "_line": 2},
        {"receipt_no": "R1", "_line": 7},
        {"receipt_no": "R1", "_line": 9},
    ]
