"""The firewall's batch MinHash signatures equal datasketch's, text by text."""

from __future__ import annotations

import numpy as np
from datasketch import MinHash
from hypothesis import given
from hypothesis import strategies as st

from telcare.domain import sender_standing as standing
from telcare.services.antispam.firewall import NUM_PERM, signature, signatures


def _hash(shingle: str) -> int:
    c0, c1, c2 = map(ord, shingle)
    return (c0 * 0x9E3779B1 + c1 * 0x85EBCA77 + c2) % 2**32


def _datasketch(text: str) -> np.ndarray:
    mh = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=_hash)
    mh.update_batch(standing.shingles(text))
    return np.asarray(mh.hashvalues, dtype=np.uint32)


@given(st.lists(st.text(max_size=80), min_size=1, max_size=12))
def test_batch_signatures_are_datasketch_minhashes(texts: list[str]) -> None:
    got = signatures(texts)
    assert got.shape == (len(texts), NUM_PERM) and got.dtype == np.uint32
    for text, sig in zip(texts, got, strict=True):
        assert (sig == _datasketch(text)).all()
        assert (signature(text) == sig).all()


def test_texts_differing_only_in_numbers_sign_alike() -> None:
    a, b = signatures(["验证码 123456，5分钟内有效", "验证码 987654，5分钟内有效"])
    assert (a == b).all()
    assert not (signature("完全不同的另一条短信内容") == a).all()
