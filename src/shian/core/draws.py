"""Verifiable random draws (双随机 for inspections, re-test laboratories for samples).

A draw is a pure function of a published seed and a published pool, so anyone can re-run it:

1. each member of the pool is named by a stable key (e.g. an operator's USCC, an inspector's
   staff number, a laboratory's code);
2. the pool's fingerprint is SHA-256 over the sorted keys joined by newlines (UTF-8);
3. every key is ranked by SHA-256 of ``"<seed>:<key>"`` (hex, ascending; the key breaks ties);
4. the first ``count`` keys of that ranking are drawn.

The rule needs nothing but SHA-256, so a citizen can check it with a spreadsheet or a few lines
in any language; :func:`verify` is the platform's own check. A nested draw (inspectors for each
drawn operator) uses :func:`sub_seed` so that each stage is reproducible on its own.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def new_seed() -> str:
    """A fresh seed (128 random bits, hex), recorded and published with the draw."""
    return secrets.token_hex(16)


def sub_seed(seed: str, label: str) -> str:
    """The seed of a nested stage, e.g. the inspectors for one drawn operator."""
    return hashlib.sha256(f"{seed}/{label}".encode()).hexdigest()


def pool_hash(keys: Iterable[str]) -> str:
    """The fingerprint of a pool: SHA-256 of its sorted keys, one per line."""
    return hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()


def rank(keys: Iterable[str], seed: str) -> list[str]:
    """Every key ordered by SHA-256(``seed:key``); the key itself breaks a (practically impossible) tie."""
    return sorted(set(keys), key=lambda k: (hashlib.sha256(f"{seed}:{k}".encode()).hexdigest(), k))


@dataclass(frozen=True)
class Draw:
    """What is recorded and published for a draw."""

    seed: str
    pool_hash: str
    pool_size: int
    count: int
    drawn: tuple[str, ...]


def draw(keys: Sequence[str], count: int, seed: str) -> Draw:
    """Draw ``count`` keys (all of them if the pool is smaller) from the pool with the seed."""
    unique = sorted(set(keys))
    if count < 0:
        raise ValueError("count must not be negative")
    return Draw(seed=seed, pool_hash=pool_hash(unique), pool_size=len(unique), count=count, drawn=tuple(rank(unique, seed)[:count]))


def verify(keys: Sequence[str], published: Draw) -> list[str]:
    """Problems found re-running a published draw on a pool: empty when it checks out."""
    problems = []
    if pool_hash(keys) != published.pool_hash:
        problems.append("pool_hash")
    if draw(keys, published.count, published.seed).drawn != published.drawn:
        problems.append("drawn")
    return problems
