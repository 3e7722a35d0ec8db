"""Verifiable draws: the same seed and pool give the same result; the rule is plain SHA-256 ranking."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from shian.core import draws

keys = st.lists(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=1, max_size=18), min_size=1, max_size=40, unique=True)


@given(keys, st.integers(min_value=0, max_value=50), st.text(min_size=1, max_size=32))
def test_draw_is_reproducible_and_verifiable(pool: list[str], count: int, seed: str) -> None:
    first = draws.draw(pool, count, seed)
    assert first == draws.draw(list(reversed(pool)), count, seed)  # order of the pool does not matter
    assert len(first.drawn) == min(count, len(pool)) and set(first.drawn) <= set(pool)
    assert draws.verify(pool, first) == []


def test_rule_is_sha256_ranking_and_tampering_is_caught() -> None:
    pool = ["A1", "B2", "C3", "D4", "E5"]
    result = draws.draw(pool, 2, "seed")
    by_hand = sorted(pool, key=lambda k: hashlib.sha256(f"seed:{k}".encode()).hexdigest())[:2]
    assert list(result.drawn) == by_hand
    assert result.pool_hash == hashlib.sha256("\n".join(sorted(pool)).encode()).hexdigest()
    assert "pool_hash" in draws.verify([*pool, "F6"], result)
    forged = draws.Draw(result.seed, result.pool_hash, result.pool_size, 2, tuple(reversed(result.drawn)))
    assert draws.verify(pool, forged) == ["drawn"]
    assert draws.sub_seed("s", "op1") != draws.sub_seed("s", "op2")
    assert len(draws.new_seed()) == 32
